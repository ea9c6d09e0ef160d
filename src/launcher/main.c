/*
 * zccache: the launcher. Put in front of a compiler ("zccache gcc -c a.c") or
 * installed as a link named like one (masquerade), it asks the server what to
 * do with this invocation and does it. Whatever goes wrong on the way to the
 * server, the compiler still runs: a cache must never break a build.
 */
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "log.h"
#include "paths.h"
#include "proto.h"
#include "resolve.h"
#include "zccache-config.h"

/* How long to wait for the server's answer before compiling without it. */
#define DEFAULT_REPLY_TIMEOUT_MS 10000

/* Environment variables that can change what the compiler produces. */
static const char *const output_env[] = {
        "CPATH",
        "C_INCLUDE_PATH",
        "CPLUS_INCLUDE_PATH",
        "OBJC_INCLUDE_PATH",
        "SOURCE_DATE_EPOCH",
        "LANG",
        "LC_ALL",
        "LC_CTYPE",
        "LC_MESSAGES",
        "GCC_COLORS",
        "GCC_EXEC_PREFIX",
        "COMPILER_PATH",
        "DEPENDENCIES_OUTPUT",
        "SUNPRO_DEPENDENCIES",
        "CCC_OVERRIDE_OPTIONS",
        "TERM",
        "NO_COLOR",
};

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

/* Replace this process with the compiler: same pid, fds, signals, status. */
static _Noreturn void exec_compiler(const char *compiler, char **cargv)
{
	cargv[0] = (char *)compiler;
	execv(compiler, cargv);
	fprintf(stderr, "zccache: cannot execute %s: %s\n", compiler, strerror(errno));
	exit(errno == ENOENT ? 127 : 126);
}

static json_t *build_request(const char *compiler, int cargc, char **cargv)
{
	json_t *req = proto_request_new(PROTO_COMPILE), *argv = json_array(), *env = json_object();
	char cwd[PATH_MAX];

	if (!req || !argv || !env || !getcwd(cwd, sizeof(cwd))) {
		json_decref(req);
		json_decref(argv);
		json_decref(env);
		return NULL;
	}
	for (int i = 0; i < cargc; i++)
		json_array_append_new(argv, json_string(cargv[i]));
	for (size_t i = 0; i < sizeof(output_env) / sizeof(output_env[0]); i++) {
		const char *v = getenv(output_env[i]);

		if (v)
			json_object_set_new(env, output_env[i], json_string(v));
	}
	json_object_set_new(req, "argv", argv);
	json_object_set_new(req, "compiler", json_string(compiler));
	json_object_set_new(req, "cwd", json_string(cwd));
	json_object_set_new(req, "env", env);
	json_object_set_new(req, "pid", json_integer(getpid()));
	json_object_set_new(req, "stderr_tty", json_boolean(isatty(STDERR_FILENO)));
	return req;
}

/*
 * The server speaks another protocol. An older one is asked to exit so that
 * the socket (or the next autospawn) starts the new one; a newer one is left
 * alone, since it is the one that will stay.
 */
static void handle_version_mismatch(int fd, json_t *reply)
{
	int theirs = (int)proto_get_int(reply, "server_version", 0);
	json_t *stop, *ack = NULL;

	if (theirs >= PROTO_VERSION) {
		log_notice("server speaks protocol %d, newer than our %d; compiling directly",
		           theirs, PROTO_VERSION);
		return;
	}
	stop = proto_request_new(PROTO_STOP);
	json_object_set_new(stop, "reason", json_string("replaced by a newer protocol version"));
	if (stop && client_request(fd, stop, &ack, 2000) == 0)
		log_notice("server (pid %lld) speaks protocol %d, we speak %d: asked it to exit",
		           (long long)proto_get_int(reply, "server_pid", 0), theirs, PROTO_VERSION);
	else
		log_notice("server speaks protocol %d, we speak %d; it did not accept stop", theirs,
		           PROTO_VERSION);
	json_decref(stop);
	json_decref(ack);
}

int main(int argc, char **argv)
{
	const char *self = base_name(argv[0]), *name, *tmo;
	char compiler[PATH_MAX], why[PATH_MAX + 128];
	struct zc_paths paths;
	char **cargv;
	int cargc, fd, r, timeout_ms;
	json_t *req, *reply = NULL;
	bool debug = env_true("ZCCACHE_DEBUG");

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
		exec_compiler(compiler, cargv);

	/* Only a failure is logged, to the log file, so set that up lazily. */
	r = paths_resolve(&paths);
	if (r < 0) {
		if (debug)
			fprintf(stderr, "zccache: cannot resolve paths: %s; compiling directly\n",
			        strerror(-r));
		exec_compiler(compiler, cargv);
	}
	log_open("zccache", LOG_TARGET_FILE, paths.log_file, debug);
	if (debug)
		log_set_level(LOG_LEVEL_DEBUG);

	fd = client_connect(&paths, !env_true("ZCCACHE_NOSPAWN"), why, sizeof(why));
	if (fd < 0) {
		paths_ensure_private_dir(paths.cache_dir, true);
		log_warnx("%s; compiling directly", why);
		exec_compiler(compiler, cargv);
	}
	req = build_request(compiler, cargc, cargv);
	tmo = getenv("ZCCACHE_TIMEOUT_MS");
	timeout_ms = tmo && atoi(tmo) > 0 ? atoi(tmo) : DEFAULT_REPLY_TIMEOUT_MS;
	r = req ? client_request(fd, req, &reply, timeout_ms) : -ENOMEM;
	json_decref(req);
	if (r < 0) {
		paths_ensure_private_dir(paths.cache_dir, true);
		log_errno(LOG_LEVEL_WARNING, r,
		          "no answer from the server at %s; compiling directly", paths.socket);
		exec_compiler(compiler, cargv);
	}
	if (!proto_get_bool(reply, "ok", 0)) {
		const char *code = proto_get_str(reply, "error");

		paths_ensure_private_dir(paths.cache_dir, true);
		if (code && strcmp(code, PROTO_ERR_VERSION) == 0)
			handle_version_mismatch(fd, reply);
		else
			log_warnx("server refused the request (%s: %s); compiling directly",
			          code ? code : "?", proto_get_str(reply, "message") ?: "?");
		exec_compiler(compiler, cargv);
	}
	if (strcmp(proto_get_str(reply, "action") ?: "", "run") != 0) {
		paths_ensure_private_dir(paths.cache_dir, true);
		log_warnx("server answered an unknown action '%s'; compiling directly",
		          proto_get_str(reply, "action") ?: "");
		exec_compiler(compiler, cargv);
	}
	log_debug("server says run (%s)", proto_get_str(reply, "reason") ?: "");
	close(fd);
	json_decref(reply);
	exec_compiler(compiler, cargv);
}
