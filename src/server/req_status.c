/* req_status: who is serving, since when, from where, and how it was started. */
#include <unistd.h>

#include "cache.h"
#include "server.h"
#include "zccache-config.h"

static const char *activation_name(enum activation a)
{
	switch (a) {
	case ACTIVATION_SOCKET:
		return "socket";
	case ACTIVATION_AUTOSPAWN:
		return "autospawn";
	case ACTIVATION_MANUAL:
		return "manual";
	}
	return "unknown";
}

void req_status(struct server *srv, struct conn *c, json_t *req)
{
	json_t *reply = proto_reply_new();
	uint64_t total = 0;

	for (int i = 0; i < PROTO_KIND_COUNT; i++)
		total += srv->requests[i];
	json_object_set_new(reply, "pid", json_integer(getpid()));
	json_object_set_new(reply, "version", json_string(ZCCACHE_VERSION));
	json_object_set_new(reply, "protocol", json_integer(PROTO_VERSION));
	json_object_set_new(reply, "started", json_integer((json_int_t)srv->started_at));
	json_object_set_new(reply, "uptime",
	                    json_integer((monotonic_ms() - srv->started_ms) / 1000));
	json_object_set_new(reply, "socket", json_string(srv->socket_path));
	json_object_set_new(reply, "cache_dir", json_string(srv->paths.cache_dir));
	json_object_set_new(reply, "activation", json_string(activation_name(srv->activation)));
	json_object_set_new(reply, "connections", json_integer(srv->n_conns));
	json_object_set_new(reply, "requests", json_integer((json_int_t)total));
	json_object_set_new(reply, "idle_timeout",
	                    json_integer((json_int_t)srv->cfg.value[CONFIG_IDLE_TIMEOUT]));
	if (srv->cache) {
		struct cache_info ci;

		cache_get_info(srv->cache, &ci);
		json_object_set_new(reply, "entries", json_integer((json_int_t)ci.entries));
		json_object_set_new(reply, "size", json_integer((json_int_t)ci.bytes));
		json_object_set_new(reply, "max_size", json_integer((json_int_t)ci.max_size));
		json_object_set_new(reply, "hits", json_integer((json_int_t)ci.hits));
		json_object_set_new(reply, "misses", json_integer((json_int_t)ci.misses));
		json_object_set_new(
		        reply, "hit_rate",
		        json_real(ci.hits + ci.misses
		                          ? (double)ci.hits / (double)(ci.hits + ci.misses)
		                          : 0.0));
	} else {
		json_object_set_new(reply, "cache_error", json_string(srv->cache_error));
	}
	conn_reply(c, reply);
}
