/*
 * request_check: a request kind's rules are part of its row in
 * proto_kinds.h: the fields it requires, the optional ones it types, whether
 * any protocol version may send it, and a validator for what the types alone
 * cannot say. This file gives them their meaning and checks requests.
 */
#include "request_check.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

struct field {
	const char *name;
	/* JSON_TRUE stands for "a boolean" (true or false). */
	json_type type;
	/* For integers, when max > min: the values that make sense. An out of
	 * range number is refused rather than truncated (an exit status of
	 * 2^32 must not become 0). */
	json_int_t min, max;
};

struct request_rule {
	/* "stop" must work across versions: a new launcher uses it to retire
	 * an old server so that the socket starts the new one. */
	bool any_version;
	struct field required[4];
	/* Checked only when present: a mistyped optional field is an error,
	 * never silently its default (a numeric "older_than" must not flush
	 * the whole cache). */
	struct field optional[10];
	/* Checks beyond field types; NULL or an error reply. */
	json_t *(*validate)(json_t *req);
};

/* A compile request names absolute paths and only strings in argv. */
static json_t *validate_compile(json_t *req)
{
	json_t *argv = json_object_get(req, "argv"), *arg, *env = json_object_get(req, "env");
	const char *compiler = proto_get_str(req, "compiler"), *cwd = proto_get_str(req, "cwd");
	size_t i;

	if (json_array_size(argv) == 0)
		return proto_error_new(PROTO_ERR_BAD_REQUEST, "compile: empty argv");
	json_array_foreach(argv, i, arg)
	{
		if (!json_is_string(arg))
			return proto_error_new(PROTO_ERR_BAD_REQUEST,
			                       "compile: argv[%zu] is not a string", i);
	}
	if (compiler[0] != '/' || cwd[0] != '/')
		return proto_error_new(PROTO_ERR_BAD_REQUEST,
		                       "compile: compiler and cwd must be absolute paths");
	if (env && !json_is_object(env))
		return proto_error_new(PROTO_ERR_BAD_REQUEST, "compile: env is not an object");
	return NULL;
}

/* A field of any value of its type, and an integer field within [lo, hi]. */
#define FIELD(name, type)        \
	{                        \
		name, type, 0, 0 \
	}
#define RANGED(name, type, lo, hi) \
	{                          \
		name, type, lo, hi \
	}

/* A kind with neither required nor optional fields. */
#define NO_FIELDS .validate = NULL

/* proto_kinds.h's rows, their rules part. */
static const struct request_rule rules[PROTO_KIND_COUNT] = {
#define RULE_(id, name, handler, ...) [PROTO_##id] = {__VA_ARGS__},
        PROTO_KINDS(RULE_)
#undef RULE_
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

int request_check(json_t *req, enum proto_kind *kind, int *peer_version, json_t **err)
{
	const char *name = proto_get_str(req, "kind");
	const struct request_rule *rule;

	*err = NULL;
	*peer_version = 0;
	*kind = proto_kind_lookup(name);
	if (*kind == PROTO_KIND_UNKNOWN) {
		*err = proto_error_new(PROTO_ERR_UNKNOWN, "unknown request kind '%s'",
		                       name ? name : "(none)");
		return -EBADMSG;
	}
	rule = &rules[*kind];
	if (!rule->any_version && proto_check_version(req, peer_version) < 0) {
		*err = proto_error_new(PROTO_ERR_VERSION, "protocol version %d, server speaks %d",
		                       *peer_version, PROTO_VERSION);
		return -EPROTO;
	}
	*err = check_fields(name, req, rule->required, true);
	if (!*err)
		*err = check_fields(name, req, rule->optional, false);
	if (!*err && rule->validate)
		*err = rule->validate(req);
	return *err ? -EBADMSG : 0;
}
