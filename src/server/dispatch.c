/*
 * dispatch: requests are data. proto_kinds.h has a row per kind (name,
 * handler, field rules); request_check.c checks a request against its row,
 * and this file calls the row's handler. Adding a kind touches that row and
 * one req_*.c file.
 */
#include <errno.h>
#include <unistd.h>

#include "log.h"
#include "request_check.h"
#include "server.h"

static request_handler *const handlers[PROTO_KIND_COUNT] = {
#define HANDLER_(id, name, handler, ...) [PROTO_##id] = handler,
        PROTO_KINDS(HANDLER_)
#undef HANDLER_
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
