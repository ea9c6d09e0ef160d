/*
 * proto_kinds: every request kind, one row each. Adding a kind is a row
 * here and its handler in src/server/req_<kind>.c; nothing else.
 *
 *   X(ID, "wire name", handler, rule...)
 *
 * ID makes PROTO_<ID> (proto.h); the wire name is what "kind" carries, so
 * never rename one (the order is only the enum's, never on the wire); the
 * handler is zccached's request_handler (server.h, dispatch.c); the rule is
 * the designated initializers of request_check.c's struct request_rule,
 * whose FIELD, RANGED, NO_FIELDS and validators only request_check.c
 * defines: every other user of this list ignores that part, unexpanded.
 */
#ifndef ZCCACHE_PROTO_KINDS_H
#define ZCCACHE_PROTO_KINDS_H

#define PROTO_KINDS(X)                                                                     \
	X(COMPILE, "compile", req_compile,                                                 \
	  .required = {FIELD("argv", JSON_ARRAY), FIELD("cwd", JSON_STRING),               \
	               FIELD("compiler", JSON_STRING)},                                    \
	  .optional = {FIELD("env", JSON_OBJECT), FIELD("pid", JSON_INTEGER),              \
	               FIELD("stderr_tty", JSON_TRUE), FIELD("session", JSON_STRING),      \
	               RANGED("umask", JSON_INTEGER, 0, 0777), FIELD("part", JSON_TRUE),   \
	               FIELD("silent_only", JSON_TRUE), FIELD("split", JSON_TRUE),         \
	               FIELD("stdout_unwritable", JSON_TRUE),                              \
	               FIELD("stderr_unwritable", JSON_TRUE)},                             \
	  .validate = validate_compile)                                                    \
	X(STORE, "store", req_store, .required = {FIELD("token", JSON_STRING)},            \
	  .optional = {RANGED("exit", JSON_INTEGER, 0, 255), FIELD("stdout", JSON_STRING), \
	               FIELD("stderr", JSON_STRING), FIELD("overflow", JSON_TRUE),         \
	               RANGED("duration_ms", JSON_INTEGER, 0, INT64_MAX)})                 \
	X(STATUS, "status", req_status, NO_FIELDS)                                         \
	X(STATS, "stats", req_stats, NO_FIELDS)                                            \
	X(ZERO_STATS, "zero-stats", req_zero_stats, NO_FIELDS)                             \
	X(FLUSH, "flush", req_flush,                                                       \
	  .optional = {FIELD("older_than", JSON_STRING), FIELD("progress", JSON_TRUE)})    \
	X(CONFIG, "config", req_config, .required = {FIELD("op", JSON_STRING)},            \
	  .optional = {FIELD("key", JSON_STRING), FIELD("value", JSON_STRING)})            \
	X(TRIM, "trim", req_trim, .optional = {FIELD("progress", JSON_TRUE)})              \
	/* No typed fields: a stop from any version, in any shape, stops. */               \
	X(STOP, "stop", req_stop, .any_version = true)                                     \
	X(EXPLAIN, "explain", req_explain, .optional = {FIELD("limit", JSON_INTEGER)})     \
	X(VERIFY, "verify", req_verify,                                                    \
	  .optional = {FIELD("repair", JSON_TRUE), FIELD("progress", JSON_TRUE)})          \
	X(PREPROCESSED, "preprocessed", req_preprocessed,                                  \
	  .required = {FIELD("token", JSON_STRING), RANGED("exit", JSON_INTEGER, 0, 255)}, \
	  .optional = {FIELD("digest", JSON_STRING), FIELD("stderr_digest", JSON_STRING),  \
	               FIELD("may_include", JSON_TRUE), FIELD("entered", JSON_ARRAY)})

#endif
