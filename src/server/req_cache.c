/* req_cache: flush (all, or older than a duration) and trim (down to max_size now). */
#include <string.h>
#include <time.h>

#include "cache.h"
#include "log.h"
#include "server.h"

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
	r = cache_flush(srv->cache, cutoff, &entries, &bytes);
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
	int r;

	if (!srv->cache) {
		conn_reply(c, proto_error_new(PROTO_ERR_UNSUPPORTED, "trim: %s", srv->cache_error));
		return;
	}
	r = cache_trim(srv->cache, &entries, &bytes);
	if (r < 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "trim failed: %s", strerror(-r)));
		return;
	}
	conn_reply(c, evicted_reply(entries, bytes));
}
