/*
 * req_compile: a launcher asks what to do with one compiler invocation.
 * Until the cache engine is wired in, every compile is passed through: the
 * launcher runs the compiler itself and stores nothing.
 */
#include "server.h"

void req_compile(struct server *srv, struct conn *c, json_t *req)
{
	json_t *argv = json_object_get(req, "argv"), *arg, *reply;
	size_t i;

	if (json_array_size(argv) == 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST, "compile: empty argv"));
		return;
	}
	json_array_foreach(argv, i, arg)
	{
		if (!json_is_string(arg)) {
			conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST,
			                              "compile: argv[%zu] is not a string", i));
			return;
		}
	}
	reply = proto_reply_new();
	json_object_set_new(reply, "action", json_string("run"));
	json_object_set_new(reply, "store", json_false());
	json_object_set_new(reply, "reason", json_string("passthrough"));
	conn_reply(c, reply);
}
