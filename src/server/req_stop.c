/*
 * req_stop: exit cleanly after replying. Accepted from any protocol version,
 * so a newer launcher can retire an older server.
 */
#include "server.h"

void req_stop(struct server *srv, struct conn *c, json_t *req)
{
	const char *why = proto_get_str(req, "reason");

	conn_reply(c, proto_reply_new());
	server_shutdown(srv, why ? why : "stop requested");
}
