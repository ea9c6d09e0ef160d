/*
 * req_verify: check (and with "repair": true, mend) the whole cache. The
 * work runs in slices of VERIFY_SLICE_MS on the event loop, so compiles and
 * other requests are served in between; the reply comes when it is done.
 * One verify at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "log.h"
#include "server.h"
#include "verify.h"

/* How long one slice may hold the loop (at least one entry is done). */
#define VERIFY_SLICE_MS 10

struct verify_job {
	struct server *srv;
	struct conn *conn;
	struct cache_verify *v;
	struct event *ev;
	bool progress;       /* the client asked for it */
	uint64_t total;      /* entries in the index when it began */
	int64_t progress_ms; /* last progress frame */
};

static void job_free(struct server *srv)
{
	struct verify_job *job = srv->verify;

	srv->verify = NULL;
	if (!job)
		return;
	if (job->ev)
		event_free(job->ev);
	cache_verify_free(job->v);
	free(job);
}

static void log_summary(json_t *r)
{
	log_info("verify%s: %lld manifests, %lld results, %lld artifacts checked; %lld bad, "
	         "%lld orphans, %lld tmp files%s",
	         json_is_true(json_object_get(r, "repair")) ? " --repair" : "",
	         (long long)proto_get_int(r, "manifests", 0),
	         (long long)proto_get_int(r, "results", 0),
	         (long long)proto_get_int(r, "artifacts", 0),
	         (long long)proto_get_int(r, "bad_total", 0),
	         (long long)proto_get_int(r, "orphans", 0),
	         (long long)proto_get_int(r, "tmp_files", 0),
	         json_is_true(json_object_get(r, "index_rebuilt")) ? "; index rebuilt" : "");
}

static void verify_slice(evutil_socket_t fd, short what, void *arg)
{
	struct verify_job *job = arg;
	struct server *srv = job->srv;
	struct conn *c = job->conn;
	json_t *reply, *report;
	int r = cache_verify_step(job->v, VERIFY_SLICE_MS);

	if (r == 0) {
		struct timeval now = {0, 0};

		if (job->progress && monotonic_ms() - job->progress_ms >= PROGRESS_EVERY_MS) {
			json_t *so_far = cache_verify_report(job->v);

			job->progress_ms = monotonic_ms();
			conn_send_interim(
			        c, progress_frame(
			                   "verify",
			                   (uint64_t)proto_get_int(so_far, "manifests", 0) +
			                           (uint64_t)proto_get_int(so_far, "results", 0),
			                   job->total));
			json_decref(so_far);
		}
		/* Yield: whatever became ready meanwhile runs before the next slice. */
		event_add(job->ev, &now);
		return;
	}
	if (r < 0) {
		job_free(srv);
		snprintf(srv->cache_error, sizeof(srv->cache_error),
		         "the index was unreadable and could not be replaced: %s", strerror(-r));
		log_err("%s; compiles are passed through uncached", srv->cache_error);
		cache_close(srv->cache);
		srv->cache = NULL;
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "verify: %s", srv->cache_error));
		return;
	}
	reply = proto_reply_new();
	report = cache_verify_report(job->v);
	json_object_update(reply, report);
	json_decref(report);
	job_free(srv);
	log_summary(reply);
	conn_reply(c, reply);
}

void req_verify(struct server *srv, struct conn *c, json_t *req)
{
	struct verify_job *job;
	int r;

	if (!srv->cache) {
		conn_reply(c,
		           proto_error_new(PROTO_ERR_UNSUPPORTED, "verify: %s", srv->cache_error));
		return;
	}
	if (srv->verify) {
		conn_reply(c, proto_error_new(PROTO_ERR_UNSUPPORTED,
		                              "verify: another verify is running"));
		return;
	}
	job = calloc(1, sizeof(*job));
	if (!job) {
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "verify: out of memory"));
		return;
	}
	job->srv = srv;
	job->conn = c;
	job->ev = evtimer_new(srv->base, verify_slice, job);
	r = job->ev ? cache_verify_begin(srv->cache, proto_get_bool(req, "repair", 0), &job->v)
	            : -ENOMEM;
	srv->verify = job;
	if (r == 0 && proto_get_bool(req, "progress", 0)) {
		struct cache_info ci;

		cache_get_info(srv->cache, &ci);
		job->progress = true;
		job->total = ci.entries;
		job->progress_ms = monotonic_ms();
		conn_send_interim(c, progress_frame("verify", 0, ci.entries));
	}
	if (r < 0) {
		job_free(srv);
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "verify: %s", strerror(-r)));
		return;
	}
	verify_slice(-1, 0, job);
}

void verify_cancel(struct server *srv)
{
	job_free(srv);
}
