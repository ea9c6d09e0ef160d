/*
 * dispatch: requests are data. Each kind is a row with its handler, the
 * fields it requires and whether any protocol version may send it; adding a
 * kind touches this table and one req_*.c file.
 */
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "server.h"

struct field {
	const char *name;
	json_type type;
};

struct request_type {
	enum proto_kind kind;
	request_handler *handle;
	/* "stop" must work across versions: a new launcher uses it to retire
	 * an old server so that the socket starts the new one. */
	bool any_version;
	struct field required[4];
};

static const struct request_type request_types[PROTO_KIND_COUNT] = {
        {PROTO_COMPILE, req_compile, false, {{"argv", JSON_ARRAY}, {"cwd", JSON_STRING}}},
        {PROTO_STORE, req_store, false, {{"token", JSON_STRING}}},
        {PROTO_STATUS, req_status, false, {{NULL, 0}}},
        {PROTO_STATS, req_stats, false, {{NULL, 0}}},
        {PROTO_ZERO_STATS, req_zero_stats, false, {{NULL, 0}}},
        {PROTO_FLUSH, req_flush, false, {{NULL, 0}}},
        {PROTO_CONFIG, req_config, false, {{"op", JSON_STRING}}},
        {PROTO_TRIM, req_trim, false, {{NULL, 0}}},
        {PROTO_STOP, req_stop, true, {{NULL, 0}}},
};

static const char *type_name(json_type t)
{
	switch (t) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	default:
		return "a value";
	}
}

void dispatch_request(struct server *srv, struct conn *c, json_t *req)
{
	const char *name = proto_get_str(req, "kind");
	enum proto_kind kind = proto_kind_lookup(name);
	const struct request_type *t;
	int peer_version;

	if (kind == PROTO_KIND_UNKNOWN) {
		srv->bad_requests++;
		conn_reply(c, proto_error_new(PROTO_ERR_UNKNOWN, "unknown request kind '%s'",
		                              name ? name : "(none)"));
		return;
	}
	t = &request_types[kind];
	if (!t->any_version && proto_check_version(req, &peer_version) < 0) {
		json_t *err =
		        proto_error_new(PROTO_ERR_VERSION, "protocol version %d, server speaks %d",
		                        peer_version, PROTO_VERSION);

		log_info("pid %ld speaks protocol %d, we speak %d", (long)conn_peer_pid(c),
		         peer_version, PROTO_VERSION);
		json_object_set_new(err, "server_version", json_integer(PROTO_VERSION));
		json_object_set_new(err, "server_pid", json_integer(getpid()));
		conn_reply(c, err);
		return;
	}
	for (const struct field *f = t->required; f->name; f++) {
		json_t *v = json_object_get(req, f->name);

		if (!v || json_typeof(v) != f->type) {
			srv->bad_requests++;
			conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST,
			                              "%s: field '%s' must be %s", name, f->name,
			                              type_name(f->type)));
			return;
		}
	}
	srv->requests[kind]++;
	t->handle(srv, c, req);
}
