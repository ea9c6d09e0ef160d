/* req_stats, req_zero_stats: the server's counters. */
#include <string.h>

#include "cache.h"
#include "server.h"

void req_stats(struct server *srv, struct conn *c, json_t *req)
{
	json_t *reply = proto_reply_new();
	json_t *counters = srv->cache ? cache_stats_json(srv->cache) : json_object();

	for (int i = 0; i < PROTO_KIND_COUNT; i++) {
		char name[64];

		snprintf(name, sizeof(name), "requests.%s", proto_kind_name((enum proto_kind)i));
		json_object_set_new(counters, name, json_integer((json_int_t)srv->requests[i]));
	}
	json_object_set_new(counters, "bad_requests", json_integer((json_int_t)srv->bad_requests));
	json_object_set_new(counters, "refused_peers",
	                    json_integer((json_int_t)srv->refused_peers));
	json_object_set_new(counters, "dropped_connections",
	                    json_integer((json_int_t)srv->dropped_conns));
	json_object_set_new(reply, "counters", counters);
	conn_reply(c, reply);
}

void req_zero_stats(struct server *srv, struct conn *c, json_t *req)
{
	if (srv->cache && cache_zero_stats(srv->cache) < 0) {
		conn_reply(c,
		           proto_error_new(PROTO_ERR_INTERNAL, "zero-stats: index write failed"));
		return;
	}
	memset(srv->requests, 0, sizeof(srv->requests));
	srv->bad_requests = srv->refused_peers = srv->dropped_conns = 0;
	conn_reply(c, proto_reply_new());
}
