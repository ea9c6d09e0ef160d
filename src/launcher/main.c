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
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "b64.h"
#include "client.h"
#include "fallback_note.h"
#include "log.h"
#include "paths.h"
#include "placement.h"
#include "proto.h"
#include "resolve.h"
#include "run.h"
#include "sent_env.h"
#include "zccache-config.h"

/* How long to wait for the server's answer before compiling without it. */
#define DEFAULT_REPLY_TIMEOUT_MS 10000

/*
 * On a terminal, gcc cuts diagnostics to the width of its stdin's terminal
 * and clang to its stderr's (when COLUMNS is unset): the server keys both.
 */
static void add_tty_columns(json_t *env)
{
	struct winsize in = {0}, err = {0};
	char v[32];

	if (!isatty(STDERR_FILENO))
		return;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &in) < 0)
		in.ws_col = 0;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &err) < 0)
		err.ws_col = 0;
	snprintf(v, sizeof(v), "%u/%u", (unsigned)in.ws_col, (unsigned)err.ws_col);
	json_object_set_new(env, "ZCCACHE_TTY_COLUMNS", json_string(v));
}

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

/* Replace this process with the compiler: same pid, fds, signals, status. */
static _Noreturn void exec_compiler(const char *compiler, char **cargv)
{
	cargv[0] = (char *)compiler;
	execv(compiler, cargv);
	fprintf(stderr, "zccache: cannot execute %s: %s\n", compiler, strerror(errno));
	/* _exit: nothing is buffered, and the state of a failed exec is moot. */
	_exit(errno == ENOENT ? 127 : 126);
}

static mode_t current_umask(void)
{
	mode_t m = umask(0);

	umask(m);
	return m;
}

/*
 * Under `ulimit -f` the compiler dies writing a big object where a hit
 * would write it whole: the server runs such compiles uncached.
 */
static void add_file_size_limit(json_t *env)
{
	struct rlimit rl;
	char v[32];

	if (getrlimit(RLIMIT_FSIZE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
		return;
	snprintf(v, sizeof(v), "%llu", (unsigned long long)rl.rlim_cur);
	json_object_set_new(env, "ZCCACHE_FSIZE_LIMIT", json_string(v));
}

/* Can the protocol (JSON, UTF-8) carry s? */
static bool carriable(const char *s)
{
	json_t *j = json_string(s);

	json_decref(j);
	return j != NULL;
}

/*
 * The compile request, or NULL: out of memory, or *bad names a string the
 * protocol (JSON, UTF-8) cannot carry: an argument or variable in another
 * encoding, which the server would otherwise never see (nor key).
 */
static json_t *build_request(const char *compiler, const char *cwd, int cargc, char **cargv,
                             const char **bad)
{
	json_t *req = proto_request_new(PROTO_COMPILE), *argv = json_array(), *env = json_object();

	*bad = NULL;
	if (!req || !argv || !env)
		goto fail;
	for (int i = 0; i < cargc && !*bad; i++)
		if (json_array_append_new(argv, json_string(cargv[i])) < 0)
			*bad = cargv[i];
	for (size_t i = 0; i < sent_env_count && !*bad; i++) {
		const char *v = getenv(sent_env_vars[i]);

		if (v && json_object_set_new(env, sent_env_vars[i], json_string(v)) < 0)
			*bad = sent_env_vars[i];
	}
	if (!*bad && !carriable(compiler))
		*bad = "the compiler's path";
	if (!*bad && !carriable(cwd))
		*bad = "the current folder";
	if (*bad)
		goto fail;
	add_tty_columns(env);
	add_file_size_limit(env);
	json_object_set_new(req, "argv", argv);
	json_object_set_new(req, "compiler", json_string(compiler));
	json_object_set_new(req, "cwd", json_string(cwd));
	json_object_set_new(req, "env", env);
	json_object_set_new(req, "pid", json_integer(getpid()));
	json_object_set_new(req, "stderr_tty", json_boolean(isatty(STDERR_FILENO)));
	json_object_set_new(req, "umask", json_integer(current_umask()));
	/* Names this build in the server's journal (zccachectl stats --session). */
	if (getenv("ZCCACHE_SESSION") && *getenv("ZCCACHE_SESSION"))
		json_object_set_new(req, "session", json_string(getenv("ZCCACHE_SESSION")));
	return req;
fail:
	json_decref(req);
	json_decref(argv);
	json_decref(env);
	return NULL;
}

/*
 * The server speaks another protocol. An older one is asked to exit so that
 * the socket (or the next autospawn) starts the new one; a newer one is left
 * alone, since it is the one that will stay.
 */
static void handle_version_mismatch(const struct zc_paths *paths, const char *cwd, int fd,
                                    json_t *reply)
{
	int theirs = (int)proto_get_int(reply, "server_version", 0);
	json_t *stop, *ack = NULL;

	if (theirs >= PROTO_VERSION) {
		fallback_note(
		        paths, FALLBACK_VERSION, cwd,
		        "the running server speaks protocol %d, newer than this zccache's %d; "
		        "install matching versions, or stop it (zccachectl stop)",
		        theirs, PROTO_VERSION);
		return;
	}
	stop = proto_request_new(PROTO_STOP);
	json_object_set_new(stop, "reason", json_string("replaced by a newer protocol version"));
	/* Passing: the next compile starts the new server. One line, no stderr. */
	if (stop && client_request(fd, stop, &ack, 2000) == 0)
		fallback_note(paths, FALLBACK_VERSION_OLD, cwd,
		              "server (pid %lld) speaks protocol %d, we speak %d: asked it to exit",
		              (long long)proto_get_int(reply, "server_pid", 0), theirs,
		              PROTO_VERSION);
	else
		fallback_note(paths, FALLBACK_VERSION, cwd,
		              "server speaks protocol %d, we speak %d; it did not accept stop",
		              theirs, PROTO_VERSION);
	json_decref(stop);
	json_decref(ack);
}

/* Write a cached result's output as the compiler would have, and end like it. */
static _Noreturn void replay_hit(json_t *reply)
{
	const char *out = proto_get_str(reply, "stdout") ?: "";
	const char *err = proto_get_str(reply, "stderr") ?: "";
	int status = (int)proto_get_int(reply, "exit", 0);
	struct buf o = BUF_INIT, e = BUF_INIT;

	if (b64_decode(out, strlen(out), &o) < 0 || b64_decode(err, strlen(err), &e) < 0) {
		/* The outputs are already in place; only the text is lost. Say so. */
		log_warnx("server sent undecodable compiler output for a hit");
	}
	run_write_all(STDOUT_FILENO, o.data, o.len);
	run_write_all(STDERR_FILENO, e.data, e.len);
	/* Freed, not left to exit: the sanitizer build checks every exit path. */
	buf_free(&o);
	buf_free(&e);
	json_decref(reply);
	exit(status);
}

/* Build the argv the server asked us to run: its words, our compiler path. */
static char **argv_from_reply(json_t *reply, const char *compiler)
{
	json_t *arr = json_object_get(reply, "argv");
	size_t n = json_array_size(arr);
	char **argv;

	if (n == 0)
		return NULL;
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *a = json_string_value(json_array_get(arr, i));

		if (!a) {
			free(argv);
			return NULL;
		}
		argv[i] = (char *)a;
	}
	argv[0] = (char *)compiler;
	return argv;
}

/* Did the server turn the command's -MMD into -MD? It filters the user's
 * depfile back when it stores the result; if it never does, we must. */
static bool mmd_rewritten(char **cargv, char **argv)
{
	for (size_t i = 1; cargv[i]; i++) {
		bool kept = false;

		if (strcmp(cargv[i], "-MMD") != 0 && strncmp(cargv[i], "-Wp,-MMD,", 9) != 0)
			continue;
		for (size_t k = 1; argv[k] && !kept; k++)
			kept = strcmp(argv[k], cargv[i]) == 0;
		if (!kept)
			return true;
	}
	return false;
}

/*
 * The store did not happen (the server died or refused it) after a run
 * whose -MMD became -MD: the depfile lists system headers, unlike the one
 * the build asked for. Run the original command again, its output (already
 * shown once) discarded, so that every output is what the build expects.
 */
static void rerun_original(const char *compiler, char **cargv)
{
	struct run_result res;
	int out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	int err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	log_notice("the store failed after -MMD ran as -MD; compiling again for the depfile");
	if (out < 0 || err < 0 || null < 0 || dup2(null, STDOUT_FILENO) < 0 ||
	    dup2(null, STDERR_FILENO) < 0) {
		log_warn("cannot compile again: the depfile lists system headers too");
	} else if (run_captured(compiler, cargv, &res) == 0) {
		run_result_free(&res);
	}
	if (out >= 0) {
		dup2(out, STDOUT_FILENO);
		close(out);
	}
	if (err >= 0) {
		dup2(err, STDERR_FILENO);
		close(err);
	}
	if (null >= 0)
		close(null);
}

/*
 * A miss the server wants to store: run the compiler as our child, then hand
 * its exit status and output to the server, which copies the outputs into the
 * cache. Whatever happens to the store, we end exactly as the compiler did.
 */
static _Noreturn void run_and_store(int fd, const char *compiler, char **cargv, json_t *reply,
                                    int timeout_ms)
{
	const char *token = proto_get_str(reply, "token");
	char **argv = argv_from_reply(reply, compiler);
	struct placement pl = {
	        .dir = proto_get_str(reply, "private_dir"),
	        .object = proto_get_str(reply, "private_object"),
	        .final = proto_get_str(reply, "final_object"),
	};
	bool private_output = pl.dir && pl.object && pl.final;
	struct run_result res;
	struct buf o = BUF_INIT, e = BUF_INIT;
	json_t *store, *ack = NULL;
	bool rewritten, stored = false;
	int r;

	if (!token || !argv) {
		log_warnx("compiling directly: the server asked to store without a token or argv");
		exec_compiler(compiler, cargv);
	}
	rewritten = mmd_rewritten(cargv, argv);
	if (private_output && (r = placement_prepare(&pl)) < 0) {
		/* The server's token is dropped when this connection closes. */
		log_errno(LOG_LEVEL_WARNING, r, "compiling directly: cannot make %s", pl.dir);
		exec_compiler(compiler, cargv);
	}
	r = run_captured(compiler, argv, &res);
	free(argv); /* its strings belong to reply */
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "cannot run %s", compiler);
		if (private_output)
			placement_finish(&pl, 0);
		exec_compiler(compiler, cargv);
	}
	if (WIFEXITED(res.wait_status)) {
		store = proto_request_new(PROTO_STORE);
		json_object_set_new(store, "token", json_string(token));
		json_object_set_new(store, "exit", json_integer(WEXITSTATUS(res.wait_status)));
		json_object_set_new(store, "duration_ms", json_integer(res.duration_ms));
		if (res.overflow) {
			json_object_set_new(store, "overflow", json_true());
		} else if (b64_encode(res.out.data, res.out.len, &o) == 0 &&
		           b64_encode(res.err.data, res.err.len, &e) == 0) {
			json_object_set_new(store, "stdout",
			                    json_string(o.len ? (char *)o.data : ""));
			json_object_set_new(store, "stderr",
			                    json_string(e.len ? (char *)e.data : ""));
		}
		r = client_request(fd, store, &ack, timeout_ms);
		if (r < 0)
			log_errno(LOG_LEVEL_WARNING, r, "storing the result failed");
		else if (!proto_get_bool(ack, "ok", 0))
			log_debug("server did not store: %s", proto_get_str(ack, "message") ?: "?");
		/* ok: the server took the result, and with it the depfile. */
		stored = r == 0 && proto_get_bool(ack, "ok", 0);
		json_decref(store);
		json_decref(ack);
	}
	/* The server has read the object (or never will): now it goes in place. */
	if (private_output && placement_finish(&pl, res.wait_status) < 0)
		res.wait_status = 1 << 8; /* exited 1: the build has no object */
	if (WIFEXITED(res.wait_status) && !stored && rewritten)
		rerun_original(compiler, cargv);
	buf_free(&o);
	buf_free(&e);
	run_result_free(&res);
	json_decref(reply);
	close(fd);
	run_exit_like(res.wait_status);
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
	char **cargv;
	int cargc, fd, r, timeout_ms;
	json_t *req, *reply = NULL;
	const char *bad = NULL;
	const char *action;
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
		exec_compiler(compiler, cargv);

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
		exec_compiler(compiler, cargv);
	}
	if (!getcwd(cwd, sizeof(cwd))) {
		fallback_note(&paths, FALLBACK_CWD, NULL, "cannot name the current folder: %s",
		              strerror(errno));
		exec_compiler(compiler, cargv);
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
		exec_compiler(compiler, cargv);
	}
	fd = client_connect(&paths, !env_true("ZCCACHE_NOSPAWN"), why, sizeof(why));
	if (fd < 0) {
		fallback_note(&paths, connect_reason(fd), cwd, "%s", why);
		exec_compiler(compiler, cargv);
	}
	req = build_request(compiler, cwd, cargc, cargv, &bad);
	if (!req && bad) {
		close(fd);
		fallback_note(&paths, FALLBACK_NOT_UTF8, cwd,
		              "%s is not UTF-8: compiled without the cache", bad);
		exec_compiler(compiler, cargv);
	}
	tmo = getenv("ZCCACHE_TIMEOUT_MS");
	timeout_ms = tmo && atoi(tmo) > 0 ? atoi(tmo) : DEFAULT_REPLY_TIMEOUT_MS;
	r = req ? client_request(fd, req, &reply, timeout_ms) : -ENOMEM;
	json_decref(req);
	/* "wait": the same compile is running for another launcher; the answer
	 * comes when it is stored, within the time the server names. */
	while (r == 0 && proto_get_bool(reply, "ok", 0) &&
	       strcmp(proto_get_str(reply, "action") ?: "", "wait") == 0) {
		int wait_ms = (int)proto_get_int(reply, "timeout_ms", timeout_ms);

		json_decref(reply);
		reply = NULL;
		r = client_recv(fd, &reply, wait_ms > timeout_ms ? wait_ms : timeout_ms);
	}
	if (r < 0) {
		fallback_note(&paths, FALLBACK_NO_ANSWER, cwd,
		              "no answer from the server at %s: %s", paths.socket, strerror(-r));
		exec_compiler(compiler, cargv);
	}
	if (!proto_get_bool(reply, "ok", 0)) {
		const char *code = proto_get_str(reply, "error");

		if (code && strcmp(code, PROTO_ERR_VERSION) == 0)
			handle_version_mismatch(&paths, cwd, fd, reply);
		else
			fallback_note(&paths, FALLBACK_REFUSED, cwd,
			              "the server refused the request (%s: %s)", code ? code : "?",
			              proto_get_str(reply, "message") ?: "?");
		exec_compiler(compiler, cargv);
	}
	action = proto_get_str(reply, "action") ?: "";
	if (strcmp(action, "hit") == 0) {
		close(fd);
		replay_hit(reply);
	}
	if (strcmp(action, "run") != 0) {
		fallback_note(&paths, FALLBACK_BAD_REPLY, cwd,
		              "the server answered an unknown action '%s'", action);
		exec_compiler(compiler, cargv);
	}
	log_debug("server says run (%s)", proto_get_str(reply, "reason") ?: "");
	if (strcmp(proto_get_str(reply, "reason") ?: "", "cache_unavailable") == 0)
		fallback_note(&paths, FALLBACK_CACHE_UNAVAILABLE, cwd,
		              "the server runs without "
		              "its cache: %s",
		              proto_get_str(reply, "message") ?: "see its log");
	if (!proto_get_bool(reply, "store", 0)) {
		close(fd);
		json_decref(reply);
		exec_compiler(compiler, cargv);
	}
	run_and_store(fd, compiler, cargv, reply, timeout_ms);
}
