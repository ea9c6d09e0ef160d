/* req_cache: flush (all, or older than a duration) and trim (down to max_size now). */
#include <string.h>
#include <time.h>

#include "cache.h"
#include "log.h"
#include "server.h"

json_t *progress_frame(const char *what, uint64_t done, uint64_t total)
{
	json_t *msg = proto_reply_new();

	json_object_set_new(msg, "action", json_string("progress"));
	json_object_set_new(msg, "what", json_string(what));
	json_object_set_new(msg, "done", json_integer((json_int_t)done));
	json_object_set_new(msg, "total", json_integer((json_int_t)total));
	return msg;
}

struct progress {
	struct conn *conn;
	const char *what;
	uint64_t total;
	int64_t last_ms;
};

static void on_progress(void *ctx, uint64_t done)
{
	struct progress *p = ctx;
	int64_t now = monotonic_ms();

	if (now - p->last_ms < PROGRESS_EVERY_MS)
		return;
	p->last_ms = now;
	conn_send_now(p->conn, progress_frame(p->what, done, p->total));
}

/* Progress for this request when its client asked for it. */
static void progress_begin(struct server *srv, struct conn *c, json_t *req, struct progress *p,
                           const char *what)
{
	struct cache_info ci;

	if (!proto_get_bool(req, "progress", 0))
		return;
	cache_get_info(srv->cache, &ci);
	*p = (struct progress){c, what, ci.entries, monotonic_ms()};
	conn_send_now(c, progress_frame(what, 0, ci.entries));
	cache_set_progress(srv->cache, on_progress, p);
}

static json_t *evicted_reply(uint64_t entries, uint64_t bytes)
{
	json_t *reply = proto_reply_new();

	json_object_set_new(reply, "evicted", json_integer((json_int_t)entries));
	json_object_set_new(reply, "freed_bytes", json_integer((json_int_t)bytes));
	return reply;
}

void req_flush(struct server *srv, struct conn *c, json_t *req)
{
	const char *older = proto_get_str(req, "older_than");
	uint64_t entries = 0, bytes = 0;
	time_t cutoff = -1;
	struct progress p;
	struct config scratch;
	char err[256];
	int r;

	if (!srv->cache) {
		conn_reply(c,
		           proto_error_new(PROTO_ERR_UNSUPPORTED, "flush: %s", srv->cache_error));
		return;
	}
	if (older) {
		/* Parsed like idle_timeout: "3600", "90m", "2d". */
		config_defaults(&scratch);
		if (config_set(&scratch, CONFIG_IDLE_TIMEOUT, older, CONFIG_SOURCE_RUNTIME, err,
		               sizeof(err)) < 0) {
			conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST,
			                              "flush: bad duration '%s'", older));
			return;
		}
		cutoff = time(NULL) - (time_t)scratch.value[CONFIG_IDLE_TIMEOUT];
	}
	progress_begin(srv, c, req, &p, "flush");
	r = cache_flush(srv->cache, cutoff, &entries, &bytes);
	cache_set_progress(srv->cache, NULL, NULL);
	if (r < 0) {
		conn_reply(c,
		           proto_error_new(PROTO_ERR_INTERNAL, "flush failed: %s", strerror(-r)));
		return;
	}
	log_info("flush%s%s: %llu entries, %llu bytes", older ? " older than " : "",
	         older ? older : "", (unsigned long long)entries, (unsigned long long)bytes);
	conn_reply(c, evicted_reply(entries, bytes));
}

void req_trim(struct server *srv, struct conn *c, json_t *req)
{
	uint64_t entries = 0, bytes = 0;
	struct progress p;
	int r;

	if (!srv->cache) {
		conn_reply(c, proto_error_new(PROTO_ERR_UNSUPPORTED, "trim: %s", srv->cache_error));
		return;
	}
	progress_begin(srv, c, req, &p, "trim");
	r = cache_trim(srv->cache, &entries, &bytes);
	cache_set_progress(srv->cache, NULL, NULL);
	if (r < 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "trim failed: %s", strerror(-r)));
		return;
	}
	conn_reply(c, evicted_reply(entries, bytes));
}
