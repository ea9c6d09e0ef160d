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
	/* Checks beyond field types; NULL or an error reply. */
	request_validator *validate;
};

static const struct request_type request_types[PROTO_KIND_COUNT] = {
        {.kind = PROTO_COMPILE,
         .handle = req_compile,
         .required = {{"argv", JSON_ARRAY}, {"cwd", JSON_STRING}, {"compiler", JSON_STRING}},
         .validate = validate_compile},
        {.kind = PROTO_STORE, .handle = req_store, .required = {{"token", JSON_STRING}}},
        {.kind = PROTO_STATUS, .handle = req_status},
        {.kind = PROTO_STATS, .handle = req_stats},
        {.kind = PROTO_ZERO_STATS, .handle = req_zero_stats},
        {.kind = PROTO_FLUSH, .handle = req_flush},
        {.kind = PROTO_CONFIG, .handle = req_config, .required = {{"op", JSON_STRING}}},
        {.kind = PROTO_TRIM, .handle = req_trim},
        {.kind = PROTO_STOP, .handle = req_stop, .any_version = true},
        {.kind = PROTO_EXPLAIN, .handle = req_explain},
        {.kind = PROTO_VERIFY, .handle = req_verify},
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
	if (t->validate) {
		json_t *err = t->validate(req);

		if (err) {
			srv->bad_requests++;
			conn_reply(c, err);
			return;
		}
	}
	srv->requests[kind]++;
	t->handle(srv, c, req);
}
