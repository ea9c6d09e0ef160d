/*
 * zccache: the launcher. Put in front of a compiler ("zccache gcc -c a.c") or
 * installed as a link named like one (masquerade), it asks the server what to
 * do with this invocation and does it. Whatever goes wrong on the way to the
 * server, the compiler still runs: a cache must never break a build.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "fallback_note.h"
#include "launch.h"
#include "log.h"
#include "paths.h"
#include "proto.h"
#include "resolve.h"
#include "zccache-config.h"

/* How long to wait for the server's answer before compiling without it. */
#define DEFAULT_REPLY_TIMEOUT_MS 10000

/*
 * The compilers name their folder as getpwd() does (libiberty; LLVM's
 * current_path alike): $PWD when it is absolute and is this very folder (a
 * tree entered through a symlink), else the kernel's name. They record that
 * name (DW_AT_comp_dir) and match -fdebug-prefix-map against it, so the
 * server must know the compile's folder by it too.
 */
static void name_folder_as_compiler(char *cwd, size_t size)
{
	const char *pwd = getenv("PWD");
	struct stat here, named;

	if (pwd && pwd[0] == '/' && strlen(pwd) < size && stat(pwd, &named) == 0 &&
	    stat(".", &here) == 0 && named.st_dev == here.st_dev && named.st_ino == here.st_ino)
		snprintf(cwd, size, "%s", pwd);
}

static void usage(FILE *f)
{
	fprintf(f,
	        "Usage: zccache COMPILER [COMPILER-ARGUMENT]...\n"
	        "       COMPILER [COMPILER-ARGUMENT]...   (through a link named like the "
	        "compiler)\n"
	        "Run COMPILER through the zccache server, which answers from its cache when it\n"
	        "can. When the server cannot be reached, the compiler runs directly.\n"
	        "\n"
	        "  -h, --help     show this help and exit\n"
	        "  -V, --version  show the version and exit\n"
	        "\n"
	        "Environment:\n"
	        "  ZCCACHE_DISABLE=1     run the compiler directly, without asking the server\n"
	        "  ZCCACHE_DEBUG=1       also print the launcher's log messages on stderr\n"
	        "  ZCCACHE_QUIET=1       never say on stderr that the cache is not used\n"
	        "  ZCCACHE_SESSION=NAME  name this build in the journal (zccachectl stats\n"
	        "                        --session NAME)\n"
	        "  ZCCACHE_NOSPAWN=1     never start a server; compile directly when none runs\n"
	        "  ZCCACHE_TIMEOUT_MS=N  wait at most N ms for the server's answer (default %d)\n"
	        "  ZCCACHE_SOCKET, ZCCACHE_DIR, ZCCACHE_SERVER: see zccache(1)\n"
	        "\n"
	        "Exit status: the compiler's; 127 when the compiler cannot be found.\n",
	        DEFAULT_REPLY_TIMEOUT_MS);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool env_true(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0 &&
	       strcasecmp(v, "no") != 0;
}

/* The fallback reason for client_connect's failure. */
static enum fallback_reason connect_reason(int err)
{
	switch (err) {
	case CLIENT_ERR_SOCKET_DIR:
		return FALLBACK_SOCKET_FOLDER;
	case CLIENT_ERR_NO_SERVER:
		return FALLBACK_SERVER_MISSING;
	case CLIENT_ERR_SPAWN:
		return FALLBACK_SERVER_START;
	case -ENOENT:
	case -ECONNREFUSED:
		return FALLBACK_NO_ANSWER; /* ZCCACHE_NOSPAWN and no server */
	default:
		return FALLBACK_CONNECT;
	}
}

int main(int argc, char **argv)
{
	const char *self = base_name(argv[0]), *name, *tmo;
	char compiler[PATH_MAX], why[PATH_MAX + 128], cwd[PATH_MAX];
	struct zc_paths paths;
	struct launch l;
	char **cargv;
	int cargc, fd, r, timeout_ms;
	bool debug = env_true("ZCCACHE_DEBUG");
	/* Read before anything opens a file, which would take fd 2. */
	bool stderr_closed = fcntl(STDERR_FILENO, F_GETFD) < 0;

	/* jansson seeds its hash tables from /dev/urandom on first use (three
	 * syscalls); a launcher only builds one request and reads one reply
	 * from its own user's server, so hash flooding is not a concern. */
	json_object_seed(1);
	if (strcmp(self, "zccache") == 0) {
		if (argc < 2) {
			usage(stderr);
			return 2;
		}
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
			printf("zccache %s (protocol %d)\n", ZCCACHE_VERSION, PROTO_VERSION);
			return 0;
		}
		name = argv[1];
		cargv = argv + 1;
		cargc = argc - 1;
	} else {
		/* Masquerade: we were called as the compiler itself. */
		name = self;
		cargv = argv;
		cargc = argc;
	}

	if (resolve_compiler(name, compiler, sizeof(compiler)) < 0) {
		fprintf(stderr, "zccache: %s: compiler not found%s\n", name,
		        strchr(name, '/') ? "" : " in PATH (links to zccache are skipped)");
		return 127;
	}
	if (env_true("ZCCACHE_DISABLE"))
		launch_exec(compiler, cargv);

	/* Only a failure is logged, to the log file, so set that up lazily. */
	r = paths_resolve(&paths);
	log_open("zccache", LOG_TARGET_FILE, paths.log_file[0] ? paths.log_file : NULL, debug);
	if (debug)
		log_set_level(LOG_LEVEL_DEBUG);
	if (r < 0) {
		fallback_note(
		        &paths, FALLBACK_PATHS, NULL,
		        "cannot resolve ZCCACHE_SOCKET, ZCCACHE_DIR or HOME (%s); they must be "
		        "absolute, and the socket path shorter than %d bytes",
		        strerror(-r), PATHS_SOCKET_MAX);
		launch_exec(compiler, cargv);
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		fallback_note(&paths, FALLBACK_CWD, NULL, "cannot name the current folder: %s",
		              strerror(errno));
		launch_exec(compiler, cargv);
	}
	name_folder_as_compiler(cwd, sizeof(cwd));
	/* The server knows compilers by absolute path (tools/gcc, ./cc, an
	 * empty PATH element). */
	if (compiler[0] != '/') {
		char abs[PATH_MAX];

		if ((size_t)snprintf(abs, sizeof(abs), "%s/%s", cwd, compiler) < sizeof(abs))
			snprintf(compiler, sizeof(compiler), "%s", abs);
	}

	/* No stderr: a compiler fails as it writes a diagnostic there; a hit
	 * would not. Let the compiler meet it. */
	if (stderr_closed) {
		fallback_note(&paths, FALLBACK_STDERR_CLOSED, cwd, "stderr is closed");
		launch_exec(compiler, cargv);
	}
	fd = client_connect(&paths, !env_true("ZCCACHE_NOSPAWN"), why, sizeof(why));
	if (fd < 0) {
		fallback_note(&paths, connect_reason(fd), cwd, "%s", why);
		launch_exec(compiler, cargv);
	}
	tmo = getenv("ZCCACHE_TIMEOUT_MS");
	timeout_ms = tmo && atoi(tmo) > 0 ? atoi(tmo) : DEFAULT_REPLY_TIMEOUT_MS;
	l = (struct launch){
	        .compiler = compiler,
	        .cwd = cwd,
	        .paths = &paths,
	        .timeout_ms = timeout_ms,
	};
	launch_compile(&l, fd, cargc, cargv, LAUNCH_SPLIT);
}
