/*
 * dispatch: requests are data. request_check.c holds each kind's rules (the
 * fields it requires and types, which versions may send it); this file holds
 * each kind's handler. Adding a kind touches those two tables and one
 * req_*.c file.
 */
#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "request_check.h"
#include "server.h"

static request_handler *const handlers[PROTO_KIND_COUNT] = {
        [PROTO_COMPILE] = req_compile,
        [PROTO_STORE] = req_store,
        [PROTO_STATUS] = req_status,
        [PROTO_STATS] = req_stats,
        [PROTO_ZERO_STATS] = req_zero_stats,
        [PROTO_FLUSH] = req_flush,
        [PROTO_CONFIG] = req_config,
        [PROTO_TRIM] = req_trim,
        [PROTO_STOP] = req_stop,
        [PROTO_EXPLAIN] = req_explain,
        [PROTO_VERIFY] = req_verify,
};

void dispatch_request(struct server *srv, struct conn *c, json_t *req)
{
	enum proto_kind kind;
	int peer_version, r;
	json_t *err;

	r = request_check(req, &kind, &peer_version, &err);
	if (r == -EPROTO) {
		/* Not a bad request: the launcher falls back (or retires us). */
		log_info("pid %ld speaks protocol %d, we speak %d", (long)conn_peer_pid(c),
		         peer_version, PROTO_VERSION);
		json_object_set_new(err, "server_version", json_integer(PROTO_VERSION));
		json_object_set_new(err, "server_pid", json_integer(getpid()));
		conn_reply(c, err);
		return;
	}
	if (r < 0) {
		/* Counted and logged by conn_reply, like a handler's refusals. */
		conn_reply(c, err);
		return;
	}
	srv->requests[kind]++;
	handlers[kind](srv, c, req);
}
