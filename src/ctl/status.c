/* zccachectl status: is the server running, which one, and how was it started. */
#include <stdint.h>
#include <stdio.h>

#include "ctl.h"

static void print_duration(long long s)
{
	if (s >= 86400)
		printf("%lldd %lldh %lldm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	else if (s >= 3600)
		printf("%lldh %lldm %llds", s / 3600, s % 3600 / 60, s % 60);
	else if (s >= 60)
		printf("%lldm %llds", s / 60, s % 60);
	else
		printf("%llds", s);
}

int ctl_status(struct ctl *ctl, int argc, char **argv)
{
	json_t *reply = NULL;
	int r;

	if (argc > 0) {
		fprintf(stderr, "zccachectl: status takes no arguments\n");
		return CTL_EXIT_USAGE;
	}
	r = ctl_connect(ctl);
	if (r == CTL_EXIT_NOT_RUNNING) {
		if (ctl->json) {
			json_t *j = json_pack("{s:b,s:s,s:s}", "running", 0, "socket",
			                      ctl->paths.socket, "cache_dir", ctl->paths.cache_dir);

			ctl_print_json(j);
			json_decref(j);
		} else {
			printf("zccache server: not running\n  socket:     %s\n  cache dir:  %s\n",
			       ctl->paths.socket, ctl->paths.cache_dir);
		}
		return r;
	}
	if (r != 0)
		return r;
	r = ctl_call(ctl, proto_request_new(PROTO_STATUS), &reply);
	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, reply);
	if (r == 0 && ctl->json) {
		json_object_set_new(reply, "running", json_true());
		json_object_del(reply, "ok");
		json_object_del(reply, "v");
		ctl_print_json(reply);
	} else if (r == 0) {
		printf("zccache server: running\n");
		printf("  pid:        %lld\n", (long long)proto_get_int(reply, "pid", 0));
		printf("  version:    %s (protocol %lld)\n", proto_get_str(reply, "version") ?: "?",
		       (long long)proto_get_int(reply, "protocol", 0));
		printf("  uptime:     ");
		print_duration(proto_get_int(reply, "uptime", 0));
		printf("\n  activation: %s\n", proto_get_str(reply, "activation") ?: "?");
		printf("  socket:     %s\n", proto_get_str(reply, "socket") ?: "?");
		printf("  cache dir:  %s\n", proto_get_str(reply, "cache_dir") ?: "?");
		printf("  requests:   %lld\n", (long long)proto_get_int(reply, "requests", 0));
		if (json_object_get(reply, "entries")) {
			char size[32], limit[32];

			ctl_format_bytes((uint64_t)proto_get_int(reply, "size", 0), size,
			                 sizeof(size));
			ctl_format_bytes((uint64_t)proto_get_int(reply, "max_size", 0), limit,
			                 sizeof(limit));
			printf("  cache:      %lld entries, %s of %s\n",
			       (long long)proto_get_int(reply, "entries", 0), size, limit);
			printf("  hit rate:   %.1f %% (%lld hits, %lld misses)\n",
			       100.0 * json_real_value(json_object_get(reply, "hit_rate")),
			       (long long)proto_get_int(reply, "hits", 0),
			       (long long)proto_get_int(reply, "misses", 0));
		} else if (proto_get_str(reply, "cache_error")) {
			printf("  cache:      unavailable: %s\n",
			       proto_get_str(reply, "cache_error"));
		}
	}
	json_decref(reply);
	return r;
}
