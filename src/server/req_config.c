/*
 * req_config: show, get and set the server's tunables. "set" writes the
 * config file, so the value survives restarts, and applies it at once.
 */
#include <string.h>

#include "log.h"
#include "server.h"

static json_t *describe(struct server *srv, enum config_key k)
{
	char val[64];

	config_format(&srv->cfg, k, val, sizeof(val));
	return json_pack("{s:s,s:s,s:s}", "value", val, "source",
	                 config_source_name(srv->cfg.source[k]), "env", config_key_env(k));
}

void req_config(struct server *srv, struct conn *c, json_t *req)
{
	const char *op = proto_get_str(req, "op"), *key = proto_get_str(req, "key");
	const char *value = proto_get_str(req, "value");
	json_t *reply;
	char err[256], canon[64];
	int k = key ? config_key_lookup(key) : -1, r;

	if (strcmp(op, "show") == 0) {
		json_t *values = json_object();

		for (int i = 0; i < CONFIG_KEY_COUNT; i++)
			json_object_set_new(values, config_key_name((enum config_key)i),
			                    describe(srv, (enum config_key)i));
		reply = proto_reply_new();
		json_object_set_new(reply, "file", json_string(srv->paths.config_file));
		json_object_set_new(reply, "values", values);
		conn_reply(c, reply);
		return;
	}
	if (strcmp(op, "get") != 0 && strcmp(op, "set") != 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST,
		                              "config: op must be show, get or set"));
		return;
	}
	if (k < 0) {
		conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST, "config: unknown key '%s'",
		                              key ? key : "(none)"));
		return;
	}
	if (strcmp(op, "set") == 0) {
		struct config trial = srv->cfg;

		if (!value || config_set(&trial, (enum config_key)k, value, CONFIG_SOURCE_FILE, err,
		                         sizeof(err)) < 0) {
			conn_reply(c, proto_error_new(PROTO_ERR_BAD_REQUEST, "config: %s",
			                              value ? err : "set needs a value"));
			return;
		}
		/* The file gets the value as we parsed it, not as sent: " \n20G"
		 * parses, but written as is it would break the file's line. */
		config_format(&trial, (enum config_key)k, canon, sizeof(canon));
		r = config_write_key(srv->paths.config_file, (enum config_key)k, canon);
		if (r < 0) {
			log_errno(LOG_LEVEL_WARNING, r, "cannot write %s", srv->paths.config_file);
			conn_reply(c, proto_error_new(PROTO_ERR_INTERNAL, "cannot write %s: %s",
			                              srv->paths.config_file, strerror(-r)));
			return;
		}
		log_info("config: %s set to %s in %s", key, canon, srv->paths.config_file);
		/* Re-read file and environment: an environment override still wins,
		 * exactly as it would after a restart. */
		server_reload_config(srv);
	}
	reply = proto_reply_new();
	json_object_set_new(reply, "key", json_string(key));
	json_object_set_new(reply, "setting", describe(srv, (enum config_key)k));
	conn_reply(c, reply);
}
