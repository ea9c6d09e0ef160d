/*
 * req_cache: store, flush and trim. They need the cache engine; until it is
 * wired in, they say so instead of pretending to succeed.
 */
#include "server.h"

static void unsupported(struct conn *c, const char *what)
{
	conn_reply(c, proto_error_new(PROTO_ERR_UNSUPPORTED, "%s: this server has no cache yet",
	                              what));
}

void req_store(struct server *srv, struct conn *c, json_t *req)
{
	unsupported(c, "store");
}

void req_flush(struct server *srv, struct conn *c, json_t *req)
{
	unsupported(c, "flush");
}

void req_trim(struct server *srv, struct conn *c, json_t *req)
{
	unsupported(c, "trim");
}
