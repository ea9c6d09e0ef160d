/*
 * identify: a compiler the server has not identified yet is run on a thread
 * of its own (compiler_compute), never on the event loop, where a compiler
 * that hangs on -dumpversion would hold every client for its timeouts. The
 * compile that needs it is parked, told to wait, and handled again when the
 * thread is done; other clients are served meanwhile. One thread per
 * compiler path, however many compiles wait for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cache.h"
#include "compiler.h"
#include "log.h"
#include "server.h"

/* What a parked launcher is told to allow: the identification's runs, each
 * bounded by compiler.c's timeout, and some. */
#define IDENTIFY_WAIT_MS 90000

struct parked {
	struct parked *next;
	struct conn *conn;
	json_t *req;
};

struct identify_job {
	struct identify_job *next;
	struct server *srv;
	char *path;
	int done_fd; /* the pipe's write end, copied: the thread needs no srv */
	pthread_t thread;
	struct compiler_result *result; /* written by the thread, read after join */
	struct parked *parked;
};

struct identify {
	int pipe[2]; /* threads write their job's address when done */
	struct event *ev;
	struct identify_job *jobs;
};

static void *run_job(void *arg)
{
	struct identify_job *job = arg;
	ssize_t n;

	job->result = compiler_compute(job->path);
	/* A pointer is far below PIPE_BUF: the write is whole or not at all. */
	do
		n = write(job->done_fd, &job, sizeof(job));
	while (n < 0 && errno == EINTR);
	return NULL;
}

static void job_done(struct server *srv, struct identify_job *job)
{
	struct parked *p, *next;

	pthread_join(job->thread, NULL);
	for (struct identify_job **pp = &srv->identify->jobs; *pp; pp = &(*pp)->next) {
		if (*pp == job) {
			*pp = job->next;
			break;
		}
	}
	if (job->result && srv->cache)
		compiler_cache_add(cache_compilers(srv->cache), job->result);
	else
		compiler_result_free(job->result);
	/* Handled again: now known (or known to fail), so not parked twice. */
	for (p = job->parked; p; p = next) {
		next = p->next;
		compile_resume(srv, p->conn, p->req);
		json_decref(p->req);
		free(p);
	}
	free(job->path);
	free(job);
}

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;
	struct identify_job *job;

	while (read(fd, &job, sizeof(job)) == (ssize_t)sizeof(job))
		job_done(srv, job);
}

/*
 * Would the lookup identify this compiler? Only for a cacheable command:
 * a link, --version or -E runs as it is and never needs the compiler's
 * identity, so the compiler is not run for it either (as before).
 */
static bool needs_identity(json_t *req, const char *compiler)
{
	json_t *argv = json_object_get(req, "argv");
	size_t n = json_array_size(argv);
	const char **args = calloc(n + 1, sizeof(*args));
	struct compile_args a;
	bool cacheable;

	if (!args)
		return false;
	for (size_t i = 0; i < n; i++)
		args[i] = json_string_value(json_array_get(argv, i));
	memset(&a, 0, sizeof(a));
	cacheable = args_classify_as(compiler, (int)n, args, proto_get_str(req, "cwd"), &a) == 0 &&
	            a.reason == UNCACHEABLE_NONE;
	compile_args_free(&a);
	free(args);
	return cacheable;
}

static int identify_init(struct server *srv)
{
	struct identify *id = calloc(1, sizeof(*id));

	if (!id)
		return -ENOMEM;
	if (pipe2(id->pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		int r = -errno;

		free(id);
		return r;
	}
	id->ev = event_new(srv->base, id->pipe[0], EV_READ | EV_PERSIST, on_done, srv);
	if (!id->ev || event_add(id->ev, NULL) < 0) {
		if (id->ev)
			event_free(id->ev);
		close(id->pipe[0]);
		close(id->pipe[1]);
		free(id);
		return -ENOMEM;
	}
	srv->identify = id;
	return 0;
}

bool identify_park(struct server *srv, struct conn *c, json_t *req, const char *compiler)
{
	struct identify_job *job;
	struct parked *p;
	json_t *wait;

	if (!compiler || !srv->cache || compiler_known(cache_compilers(srv->cache), compiler) ||
	    !needs_identity(req, compiler))
		return false;
	if (!srv->identify && identify_init(srv) < 0) {
		log_warnx("cannot set up compiler identification off the loop; identifying %s "
		          "inline",
		          compiler);
		return false;
	}
	for (job = srv->identify->jobs; job; job = job->next)
		if (strcmp(job->path, compiler) == 0)
			break;
	p = calloc(1, sizeof(*p));
	if (!p)
		return false;
	if (!job) {
		job = calloc(1, sizeof(*job));
		if (!job || !(job->path = strdup(compiler))) {
			free(job);
			free(p);
			return false;
		}
		job->srv = srv;
		job->done_fd = srv->identify->pipe[1];
		if (pthread_create(&job->thread, NULL, run_job, job) != 0) {
			log_warn("cannot start a thread to identify %s; identifying it inline",
			         compiler);
			free(job->path);
			free(job);
			free(p);
			return false;
		}
		job->next = srv->identify->jobs;
		srv->identify->jobs = job;
		log_debug("identifying compiler %s off the loop", compiler);
	}
	p->conn = c;
	p->req = json_incref(req);
	p->next = job->parked;
	job->parked = p;
	/* The launcher would give up after its reply timeout: say we work on it. */
	wait = proto_reply_new();
	json_object_set_new(wait, "action", json_string("wait"));
	json_object_set_new(wait, "timeout_ms", json_integer(IDENTIFY_WAIT_MS));
	conn_send_interim(c, wait);
	return true;
}

void identify_free(struct server *srv)
{
	struct identify *id = srv->identify;

	if (!id)
		return;
	/* Threads still running are left to end with the process: each is
	 * bounded by the run timeouts, and a join here would be just as long.
	 * They own their job, and the pipe stays open for their last write. */
	for (struct identify_job *job = id->jobs, *next; job; job = next) {
		next = job->next;
		pthread_detach(job->thread);
		for (struct parked *p = job->parked, *pn; p; p = pn) {
			pn = p->next;
			json_decref(p->req);
			free(p);
		}
		job->parked = NULL;
	}
	event_free(id->ev);
	if (!id->jobs) {
		close(id->pipe[0]);
		close(id->pipe[1]);
		free(id);
	}
	srv->identify = NULL;
}
