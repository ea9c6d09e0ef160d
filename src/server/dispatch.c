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
	/* JSON_TRUE stands for "a boolean" (true or false). */
	json_type type;
	/* For integers, when max > min: the values that make sense. An out of
	 * range number is refused rather than truncated (an exit status of
	 * 2^32 must not become 0). */
	json_int_t min, max;
};

struct request_type {
	enum proto_kind kind;
	request_handler *handle;
	/* "stop" must work across versions: a new launcher uses it to retire
	 * an old server so that the socket starts the new one. */
	bool any_version;
	struct field required[4];
	/* Checked only when present: a mistyped optional field is an error,
	 * never silently its default (a numeric "older_than" must not flush
	 * the whole cache). */
	struct field optional[6];
	/* Checks beyond field types; NULL or an error reply. */
	request_validator *validate;
};

static const struct request_type request_types[PROTO_KIND_COUNT] = {
        {.kind = PROTO_COMPILE,
         .handle = req_compile,
         .required = {{"argv", JSON_ARRAY}, {"cwd", JSON_STRING}, {"compiler", JSON_STRING}},
         .optional = {{"env", JSON_OBJECT},
                      {"pid", JSON_INTEGER},
                      {"stderr_tty", JSON_TRUE},
                      {"umask", JSON_INTEGER, 0, 0777}},
         .validate = validate_compile},
        {.kind = PROTO_STORE,
         .handle = req_store,
         .required = {{"token", JSON_STRING}},
         .optional = {{"exit", JSON_INTEGER, 0, 255},
                      {"stdout", JSON_STRING},
                      {"stderr", JSON_STRING},
                      {"overflow", JSON_TRUE},
                      {"duration_ms", JSON_INTEGER, 0, INT64_MAX}}},
        {.kind = PROTO_STATUS, .handle = req_status},
        {.kind = PROTO_STATS, .handle = req_stats},
        {.kind = PROTO_ZERO_STATS, .handle = req_zero_stats},
        {.kind = PROTO_FLUSH, .handle = req_flush, .optional = {{"older_than", JSON_STRING}}},
        {.kind = PROTO_CONFIG,
         .handle = req_config,
         .required = {{"op", JSON_STRING}},
         .optional = {{"key", JSON_STRING}, {"value", JSON_STRING}}},
        {.kind = PROTO_TRIM, .handle = req_trim},
        /* No typed fields: a stop from any version, in any shape, stops. */
        {.kind = PROTO_STOP, .handle = req_stop, .any_version = true},
        {.kind = PROTO_EXPLAIN, .handle = req_explain, .optional = {{"limit", JSON_INTEGER}}},
        {.kind = PROTO_VERIFY, .handle = req_verify, .optional = {{"repair", JSON_TRUE}}},
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
	case JSON_TRUE:
		return "a boolean";
	default:
		return "a value";
	}
}

/* Does v have field f's type (and range)? */
static bool field_fits(const struct field *f, json_t *v)
{
	if (f->type == JSON_TRUE)
		return json_is_boolean(v);
	if (json_typeof(v) != f->type)
		return false;
	return f->type != JSON_INTEGER || f->max <= f->min ||
	       (json_integer_value(v) >= f->min && json_integer_value(v) <= f->max);
}

/* NULL when every field of fields that req has (or, required, must have)
 * fits; else the error reply that names the first one that does not. */
static json_t *check_fields(const char *kind, json_t *req, const struct field *fields,
                            bool required)
{
	for (const struct field *f = fields; f->name; f++) {
		json_t *v = json_object_get(req, f->name);

		if (!v && !required)
			continue;
		if (v && field_fits(f, v))
			continue;
		if (v && f->type == JSON_INTEGER && json_is_integer(v))
			return proto_error_new(PROTO_ERR_BAD_REQUEST,
			                       "%s: field '%s' must be from %lld to %lld", kind,
			                       f->name, (long long)f->min, (long long)f->max);
		return proto_error_new(PROTO_ERR_BAD_REQUEST, "%s: field '%s' must be %s", kind,
		                       f->name, type_name(f->type));
	}
	return NULL;
}

void dispatch_request(struct server *srv, struct conn *c, json_t *req)
{
	const char *name = proto_get_str(req, "kind");
	enum proto_kind kind = proto_kind_lookup(name);
	const struct request_type *t;
	json_t *err;
	int peer_version;

	if (kind == PROTO_KIND_UNKNOWN) {
		conn_reply(c, proto_error_new(PROTO_ERR_UNKNOWN, "unknown request kind '%s'",
		                              name ? name : "(none)"));
		return;
	}
	t = &request_types[kind];
	if (!t->any_version && proto_check_version(req, &peer_version) < 0) {
		err = proto_error_new(PROTO_ERR_VERSION, "protocol version %d, server speaks %d",
		                      peer_version, PROTO_VERSION);
		log_info("pid %ld speaks protocol %d, we speak %d", (long)conn_peer_pid(c),
		         peer_version, PROTO_VERSION);
		json_object_set_new(err, "server_version", json_integer(PROTO_VERSION));
		json_object_set_new(err, "server_pid", json_integer(getpid()));
		conn_reply(c, err);
		return;
	}
	err = check_fields(name, req, t->required, true);
	if (!err)
		err = check_fields(name, req, t->optional, false);
	if (!err && t->validate)
		err = t->validate(req);
	if (err) {
		/* Counted and logged by conn_reply, like a handler's refusals. */
		conn_reply(c, err);
		return;
	}
	srv->requests[kind]++;
	t->handle(srv, c, req);
}
