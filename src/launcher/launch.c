/* launch: one compile through the server, from request to exit (see .h). */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "b64.h"
#include "client.h"
#include "fallback_note.h"
#include "log.h"
#include "miss.h"
#include "multi.h"
#include "ppmode.h"
#include "proto.h"
#include "run.h"
#include "sent_env.h"
#include "streams.h"

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
_Noreturn void launch_exec(const char *compiler, char **cargv)
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
 * Every variable named by a sent prefix (sent_env_prefixed): emcc reads
 * more than any list names. *bad is set to the first one the protocol
 * cannot carry. 0, or -ENOMEM.
 */
static int add_prefixed_env(json_t *env, const char **bad)
{
	extern char **environ;

	for (char **e = environ; e && *e && !*bad; e++) {
		const char *eq = strchr(*e, '=');
		char *name;
		int r;

		if (!eq || !sent_env_prefixed(*e, (size_t)(eq - *e)))
			continue;
		name = strndup(*e, (size_t)(eq - *e));
		if (!name)
			return -ENOMEM;
		r = json_object_set_new(env, name, json_string(eq + 1));
		free(name);
		if (r < 0)
			*bad = *e;
	}
	return 0;
}

/*
 * The compile request, or NULL: out of memory, or *bad names a string the
 * protocol (JSON, UTF-8) cannot carry: an argument or variable in another
 * encoding, which the server would otherwise never see (nor key).
 */
static json_t *build_request(const char *compiler, const char *cwd, int cargc, char **cargv,
                             unsigned flags, const char **bad)
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
	if (!*bad && add_prefixed_env(env, bad) < 0)
		goto fail;
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
	if (flags & LAUNCH_SPLIT)
		json_object_set_new(req, "split", json_true());
	if (flags & LAUNCH_PART)
		json_object_set_new(req, "part", json_true());
	if (flags & LAUNCH_SILENT_ONLY)
		json_object_set_new(req, "silent_only", json_true());
	streams_describe(req);
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
static _Noreturn void replay_hit(const struct launch *l, char **argv, json_t *reply)
{
	const char *out = proto_get_str(reply, "stdout") ?: "";
	const char *err = proto_get_str(reply, "stderr") ?: "";
	int status = (int)proto_get_int(reply, "exit", 0), r;
	struct buf o = BUF_INIT, e = BUF_INIT;

	if (b64_decode(out, strlen(out), &o) < 0 || b64_decode(err, strlen(err), &e) < 0) {
		/* The outputs are already in place; only the text is lost. Say so. */
		log_warnx("server sent undecodable compiler output for a hit");
	}
	/* A stream that failed after the request described it: the compiler
	 * meets it as it would have (clang aborts, gcc carries on). */
	if ((r = streams_replay(o.data, o.len, e.data, e.len)) < 0)
		fallback_note(l->paths, FALLBACK_REPLAY_FAILED, l->cwd,
		              "cannot write a hit's stdout or stderr (%s): ran the compiler",
		              strerror(-r));
	/* Freed, not left to exit: the sanitizer build checks every exit path. */
	buf_free(&o);
	buf_free(&e);
	json_decref(reply);
	if (r < 0)
		launch_exec(l->compiler, argv);
	exit(status);
}
int launch_ask(const struct launch *l, int fd, int argc, char **argv, unsigned flags,
               json_t **reply, const char **bad)
{
	json_t *req = build_request(l->compiler, l->cwd, argc, argv, flags, bad);
	int r;

	*reply = NULL;
	if (!req)
		return *bad ? -EILSEQ : -ENOMEM;
	r = client_request(fd, req, reply, l->timeout_ms);
	json_decref(req);
	/* "wait": the same compile is running for another launcher; the answer
	 * comes when it is stored, within the time the server names. */
	while (r == 0 && proto_get_bool(*reply, "ok", 0) &&
	       strcmp(proto_get_str(*reply, "action") ?: "", "wait") == 0) {
		int wait_ms = (int)proto_get_int(*reply, "timeout_ms", l->timeout_ms);

		json_decref(*reply);
		*reply = NULL;
		r = client_recv(fd, reply, wait_ms > l->timeout_ms ? wait_ms : l->timeout_ms);
	}
	if (r < 0) {
		json_decref(*reply);
		*reply = NULL;
	}
	return r;
}

/*
 * Preprocessor mode: the -E *reply names runs, and the server's answer to
 * it replaces *reply; its action, to be served as a compile's. No answer,
 * or an error, and the compile runs as given.
 */
static const char *launch_preprocessed(const struct launch *l, int fd, char **argv, json_t **reply)
{
	*reply = ppmode_run(l, fd, *reply);
	if (!*reply) {
		fallback_note(l->paths, FALLBACK_NO_ANSWER, l->cwd,
		              "no answer from the server at %s after preprocessing",
		              l->paths->socket);
		launch_exec(l->compiler, argv);
	}
	if (!proto_get_bool(*reply, "ok", 0)) {
		fallback_note(l->paths, FALLBACK_REFUSED, l->cwd,
		              "the server refused the preprocessed report (%s: %s)",
		              proto_get_str(*reply, "error") ?: "?",
		              proto_get_str(*reply, "message") ?: "?");
		launch_exec(l->compiler, argv);
	}
	return proto_get_str(*reply, "action") ?: "";
}

_Noreturn void launch_compile(const struct launch *l, int fd, int argc, char **argv, unsigned flags)
{
	const char *bad = NULL, *action;
	json_t *reply = NULL;
	int r = launch_ask(l, fd, argc, argv, flags, &reply, &bad);

	if (r == -EILSEQ) {
		close(fd);
		fallback_note(l->paths, FALLBACK_NOT_UTF8, l->cwd,
		              "%s is not UTF-8: compiled without the cache", bad);
		launch_exec(l->compiler, argv);
	}
	if (r < 0) {
		fallback_note(l->paths, FALLBACK_NO_ANSWER, l->cwd,
		              "no answer from the server at %s: %s", l->paths->socket,
		              strerror(-r));
		launch_exec(l->compiler, argv);
	}
	if (!proto_get_bool(reply, "ok", 0)) {
		const char *code = proto_get_str(reply, "error");

		if (code && strcmp(code, PROTO_ERR_VERSION) == 0)
			handle_version_mismatch(l->paths, l->cwd, fd, reply);
		else
			fallback_note(l->paths, FALLBACK_REFUSED, l->cwd,
			              "the server refused the request (%s: %s)", code ? code : "?",
			              proto_get_str(reply, "message") ?: "?");
		launch_exec(l->compiler, argv);
	}
	action = proto_get_str(reply, "action") ?: "";
	if (strcmp(action, "preprocess") == 0)
		action = launch_preprocessed(l, fd, argv, &reply);
	if (strcmp(action, "hit") == 0) {
		close(fd);
		replay_hit(l, argv, reply);
	}
	if (strcmp(action, "split") == 0 && (flags & LAUNCH_SPLIT))
		multi_serve(l, fd, argc, argv, reply);
	if (strcmp(action, "run") != 0) {
		fallback_note(l->paths, FALLBACK_BAD_REPLY, l->cwd,
		              "the server answered an unknown action '%s'", action);
		launch_exec(l->compiler, argv);
	}
	log_debug("server says run (%s)", proto_get_str(reply, "reason") ?: "");
	if (strcmp(proto_get_str(reply, "reason") ?: "", "cache_unavailable") == 0)
		fallback_note(l->paths, FALLBACK_CACHE_UNAVAILABLE, l->cwd,
		              "the server runs without "
		              "its cache: %s",
		              proto_get_str(reply, "message") ?: "see its log");
	if (!proto_get_bool(reply, "store", 0)) {
		close(fd);
		json_decref(reply);
		launch_exec(l->compiler, argv);
	}
	miss_run_and_exit(fd, l->compiler, argv, reply, l->timeout_ms);
}
