/*
 * req_store: the launcher ran a miss and brings its exit status and output.
 * The token must be the one this connection was given: a store request can
 * only concern outputs the server itself named for that compile. The answer
 * goes out as soon as the outputs are read: compressing, hashing the
 * closure and indexing happen after it, off the build's critical path.
 */
#include <string.h>

#include "b64.h"
#include "cache.h"
#include "log.h"
#include "server.h"

void req_store(struct server *srv, struct conn *c, json_t *req)
{
	const char *token = proto_get_str(req, "token"), *mine = conn_token(c), *why = NULL;
	const char *refusal = NULL;
	const char *out = proto_get_str(req, "stdout"), *err = proto_get_str(req, "stderr");
	struct buf o = BUF_INIT, e = BUF_INIT;
	struct cache_store_job *job;
	json_t *reply;
	int r;

	if (!mine || strcmp(mine, token) != 0 || !srv->cache) {
		conn_reply(c,
		           proto_error_new(PROTO_ERR_BAD_REQUEST,
		                           "store: no compile with this token on this connection"));
		return;
	}
	conn_set_token(c, NULL);
	if (!json_is_integer(json_object_get(req, "exit")) || proto_get_bool(req, "overflow", 0) ||
	    !out || !err || b64_decode(out, strlen(out), &o) < 0 ||
	    b64_decode(err, strlen(err), &e) < 0)
		refusal = "store: exit, stdout and stderr are required";
	else if (o.len + e.len > PROTO_MAX_OUTPUT)
		/* No launcher sends more: a hit could not replay it in one frame. */
		refusal = "store: more than 12 MiB of compiler output";
	if (refusal) {
		cache_abandon(srv->cache, token);
		explain_outcome(srv, token, "abandoned");
		inflight_finish(srv, c);
		buf_free(&o);
		buf_free(&e);
		conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST, "%s", refusal));
		return;
	}
	r = cache_store_begin(srv->cache, token, (int)proto_get_int(req, "exit", 1), o.data, o.len,
	                      e.data, e.len, proto_get_int(req, "duration_ms", 0), &job, &why);
	buf_free(&o);
	buf_free(&e);
	if (r == 0) {
		/* The outputs are in memory: the launcher may go on (and move
		 * the object into place) while the store is written. Requests
		 * queue behind it, so what they see is the stored result. */
		reply = proto_reply_new();
		json_object_set_new(reply, "stored", json_true());
		conn_send_now(c, reply);
		r = cache_store_finish(srv->cache, job, &why);
		explain_outcome(srv, token, r == 0 ? "stored" : why ? why : "error");
		inflight_finish(srv, c);
		conn_reply(c, NULL);
		return;
	}
	explain_outcome(srv, token, r > 0 && why ? why : "error");
	/* Waiters look the result up now: a hit if it was stored. */
	inflight_finish(srv, c);
	if (r < 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "store failed: %s",
		                              why ? why : strerror(-r)));
		return;
	}
	reply = proto_reply_new();
	json_object_set_new(reply, "stored", json_boolean(r == 0));
	if (why)
		json_object_set_new(reply, "reason", json_string(why));
	conn_reply(c, reply);
}
