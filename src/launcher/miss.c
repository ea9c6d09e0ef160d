/* miss: run a miss, store it, put its outputs in place (see .h). */
#include "miss.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "b64.h"
#include "client.h"
#include "launch.h"
#include "log.h"
#include "placement.h"
#include "proto.h"
#include "run.h"

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
	} else if (run_captured(compiler, cargv, true, &res) == 0) {
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
/* Hand the result to the server. Whether it took it (and with it the
 * depfile, filtered back to what the build asked for); *answered: the
 * exchange completed, so the connection may carry another request. */
static bool store_result(int fd, const char *token, const struct run_result *res, int timeout_ms,
                         bool *answered)
{
	struct buf o = BUF_INIT, e = BUF_INIT;
	json_t *store = proto_request_new(PROTO_STORE), *ack = NULL;
	bool stored;
	int r;

	json_object_set_new(store, "token", json_string(token));
	json_object_set_new(store, "exit", json_integer(WEXITSTATUS(res->wait_status)));
	json_object_set_new(store, "duration_ms", json_integer(res->duration_ms));
	if (res->overflow) {
		json_object_set_new(store, "overflow", json_true());
	} else if (b64_encode(res->out.data, res->out.len, &o) == 0 &&
	           b64_encode(res->err.data, res->err.len, &e) == 0) {
		json_object_set_new(store, "stdout", json_string(o.len ? (char *)o.data : ""));
		json_object_set_new(store, "stderr", json_string(e.len ? (char *)e.data : ""));
	}
	r = client_request(fd, store, &ack, timeout_ms);
	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "storing the result failed");
	else if (!proto_get_bool(ack, "ok", 0))
		log_debug("server did not store: %s", proto_get_str(ack, "message") ?: "?");
	*answered = r == 0;
	stored = r == 0 && proto_get_bool(ack, "ok", 0);
	json_decref(store);
	json_decref(ack);
	buf_free(&o);
	buf_free(&e);
	return stored;
}

/*
 * A miss the server wants to store: run the compiler as our child, then hand
 * its exit status and output to the server, which copies the outputs into the
 * cache. The object goes in place only after the server has read it.
 */
int miss_run(int fd, const char *compiler, char **cargv, json_t *reply, int timeout_ms, bool quiet,
             struct miss_result *mr)
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
	bool rewritten, stored = false, answered = false;
	int r;

	memset(mr, 0, sizeof(*mr));
	if (!token || !argv) {
		log_warnx("compiling directly: the server asked to store without a token or argv");
		free(argv);
		return -EPROTO;
	}
	rewritten = mmd_rewritten(cargv, argv);
	if (private_output && (r = placement_prepare(&pl)) < 0) {
		/* The server's token is dropped when this connection closes. */
		log_errno(LOG_LEVEL_WARNING, r, "compiling directly: cannot make %s", pl.dir);
		free(argv);
		return r;
	}
	r = run_captured(compiler, argv, !quiet, &res);
	free(argv); /* its strings belong to reply */
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "cannot run %s", compiler);
		if (private_output)
			placement_finish(&pl, 0);
		return r;
	}
	if (WIFEXITED(res.wait_status))
		stored = store_result(fd, token, &res, timeout_ms, &answered);
	mr->wait_status = res.wait_status;
	mr->silent = WIFEXITED(res.wait_status) && WEXITSTATUS(res.wait_status) == 0 &&
	             !res.overflow && res.out.len == 0 && res.err.len == 0;
	mr->reusable = answered;
	/* Quiet, a compile that printed is compiled again by the caller: what
	 * the build sees comes from that run alone. So does a depfile the
	 * server did not filter back after -MMD ran as -MD. */
	if (quiet && (!mr->silent || (!stored && rewritten))) {
		if (private_output)
			placement_abandon(&pl);
		run_result_free(&res);
		return 0;
	}
	/* The server has read the object (or never will): now it goes in place. */
	if (private_output && placement_finish(&pl, res.wait_status) < 0)
		mr->wait_status = 1 << 8; /* exited 1: the build has no object */
	if (WIFEXITED(res.wait_status) && !stored && rewritten)
		rerun_original(compiler, cargv);
	mr->placed = true;
	run_result_free(&res);
	return 0;
}

_Noreturn void miss_run_and_exit(int fd, const char *compiler, char **cargv, json_t *reply,
                                 int timeout_ms)
{
	struct miss_result mr;
	int r = miss_run(fd, compiler, cargv, reply, timeout_ms, false, &mr);

	json_decref(reply);
	close(fd);
	if (r < 0)
		launch_exec(compiler, cargv);
	run_exit_like(mr.wait_status);
}
