/* miss: run a miss, store it, put its outputs in place (see .h). */
#include "miss.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "b64.h"
#include "client.h"
#include "io.h"
#include "launch.h"
#include "log.h"
#include "placement.h"
#include "proto.h"
#include "run.h"

/* Build the argv the server asked us to run: its words, our compiler path. */
char **miss_argv_from_reply(json_t *reply, const char *compiler)
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
int miss_run(int fd, const char *compiler, char **cargv, json_t *reply, int timeout_ms, bool tee,
             struct miss *m)
{
	const char *token = proto_get_str(reply, "token");
	char **argv = miss_argv_from_reply(reply, compiler);
	int r;

	memset(m, 0, sizeof(*m));
	m->pl = (struct placement){
	        .dir = proto_get_str(reply, "private_dir"),
	        .object = proto_get_str(reply, "private_object"),
	        .final = proto_get_str(reply, "final_object"),
	};
	m->private_output = m->pl.dir && m->pl.object && m->pl.final;
	m->settle = proto_get_bool(reply, "settle", false);
	if (!token || !argv) {
		log_warnx("compiling directly: the server asked to store without a token or argv");
		free(argv);
		return -EPROTO;
	}
	m->rewritten = mmd_rewritten(cargv, argv);
	if (m->private_output && (r = placement_prepare(&m->pl)) < 0) {
		/* The server's token is dropped when this connection closes. */
		log_errno(LOG_LEVEL_WARNING, r, "compiling directly: cannot make %s", m->pl.dir);
		free(argv);
		return r;
	}
	r = run_captured(compiler, argv, tee, &m->res);
	free(argv); /* its strings belong to reply */
	if (r < 0) {
		log_errno(LOG_LEVEL_WARNING, r, "cannot run %s", compiler);
		if (m->private_output)
			placement_finish(&m->pl, 0);
		return r;
	}
	if (WIFEXITED(m->res.wait_status))
		m->stored = store_result(fd, token, &m->res, timeout_ms, &m->reusable);
	m->reply = json_incref(reply);
	return 0;
}

bool miss_silent(const struct miss *m)
{
	return WIFEXITED(m->res.wait_status) && WEXITSTATUS(m->res.wait_status) == 0 &&
	       !m->res.overflow && m->res.out.len == 0 && m->res.err.len == 0;
}

static void miss_free(struct miss *m)
{
	run_result_free(&m->res);
	json_decref(m->reply);
	m->reply = NULL;
}

/*
 * Wait until the kernel's coarse clock, which stamps file times, has moved
 * past now. A compile the build starts after this one ends (cargo's next
 * crate, a unit loading this PCH) then finds these outputs older than its
 * own start: the store refuses a closure file stamped in the tick its
 * compile started in (changed during it, or just before: the tick cannot
 * tell). At most one tick (1-10 ms), waited only by such compiles.
 */
static void settle_file_clock(void)
{
	struct timespec t0, t, nap = {0, 500000};

	if (clock_gettime(CLOCK_REALTIME_COARSE, &t0) < 0)
		return;
	for (int i = 0; i < 40; i++) {
		nanosleep(&nap, NULL);
		if (clock_gettime(CLOCK_REALTIME_COARSE, &t) < 0 || t.tv_sec != t0.tv_sec ||
		    t.tv_nsec != t0.tv_nsec)
			return;
	}
}

int miss_place(struct miss *m, const char *compiler, char **cargv)
{
	int wait_status = m->res.wait_status;

	/* The server has read the object (or never will): now it goes in place. */
	if (m->private_output && placement_finish(&m->pl, wait_status) < 0)
		wait_status = 1 << 8; /* exited 1: the build has no object */
	if (WIFEXITED(m->res.wait_status) && !m->stored && m->rewritten)
		rerun_original(compiler, cargv);
	if (m->settle)
		settle_file_clock();
	miss_free(m);
	return wait_status;
}

void miss_abandon(struct miss *m)
{
	if (m->private_output)
		placement_abandon(&m->pl);
	miss_free(m);
}

/*
 * A driver that prints the command it ran when it fails (emcc) runs with
 * its output held: shown once it succeeded; when it failed (never stored),
 * the command runs again as given, so the user sees their own command.
 */
static _Noreturn void held_output_and_exit(struct miss *m, const char *compiler, char **cargv)
{
	if (!WIFEXITED(m->res.wait_status) || WEXITSTATUS(m->res.wait_status) != 0) {
		miss_abandon(m);
		launch_exec(compiler, cargv);
	}
	if (m->res.out.len)
		write_all(STDOUT_FILENO, m->res.out.data, m->res.out.len);
	if (m->res.err.len)
		write_all(STDERR_FILENO, m->res.err.data, m->res.err.len);
	run_exit_like(miss_place(m, compiler, cargv));
}

_Noreturn void miss_run_and_exit(int fd, const char *compiler, char **cargv, json_t *reply,
                                 int timeout_ms)
{
	bool held = proto_get_bool(reply, "echoes_command", false);
	struct miss m;
	int r = miss_run(fd, compiler, cargv, reply, timeout_ms, !held, &m);

	json_decref(reply);
	close(fd);
	if (r < 0)
		launch_exec(compiler, cargv);
	if (held)
		held_output_and_exit(&m, compiler, cargv);
	run_exit_like(miss_place(&m, compiler, cargv));
}
