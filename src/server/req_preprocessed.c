/*
 * req_preprocessed: preprocessor mode's second round trip. The launcher ran
 * the -E a compile's answer named (action "preprocess") and brings its exit
 * status and the digests of its output and stderr; the answer is then that
 * of a compile: a hit (outputs in place), run-and-store under the same
 * token, or run (counted). The token must be this connection's, as for a
 * store.
 */
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "reasons.h"
#include "server.h"

/* A digest field, or NULL when absent or not 32 hex digits. */
static const struct digest *get_digest(json_t *req, const char *name, struct digest *out)
{
	const char *hex = proto_get_str(req, name);

	return hex && digest_from_hex(hex, out) == 0 ? out : NULL;
}

void req_preprocessed(struct server *srv, struct conn *c, json_t *req)
{
	const char *token = proto_get_str(req, "token"), *mine = conn_token(c);
	struct digest text, err;
	struct cache_preprocessed pp = {
	        .exit_code = (int)proto_get_int(req, "exit", 1),
	        .text = get_digest(req, "digest", &text),
	        .err = get_digest(req, "stderr_digest", &err),
	        .may_include = proto_get_bool(req, "may_include", 0),
	};
	json_t *entered = json_object_get(req, "entered"), *name;
	struct cache_decision d;
	const char **names;
	size_t i;

	if (!mine || strcmp(mine, token) != 0 || !srv->cache) {
		conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST,
		                              "preprocessed: no compile with this token on this "
		                              "connection"));
		return;
	}
	/* Every entry a name, or the list is not known. */
	names = calloc(json_array_size(entered) + 1, sizeof(*names));
	json_array_foreach(entered, i, name)
	{
		if (names && !(names[i] = json_string_value(name))) {
			free(names);
			names = NULL;
		}
	}
	pp.entered = entered ? names : NULL;
	pp.n_entered = json_array_size(entered);
	cache_preprocessed(srv->cache, token, &pp, &d);
	free(names);
	switch (d.action) {
	case CACHE_HIT:
		conn_set_token(c, NULL);
		explain_outcome(srv, token, "preprocessor_hit");
		conn_reply(c, compile_hit_reply(&d));
		break;
	case CACHE_RUN_STORE:
		/* Same token: req_store takes it from here. */
		conn_reply(c, compile_store_reply(&d));
		break;
	default:
		conn_set_token(c, NULL);
		explain_outcome(srv, token, d.reason);
		conn_reply(c, compile_run_reply(d.reason));
		break;
	}
	cache_decision_free(&d);
}
