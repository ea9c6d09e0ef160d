/* zccachectl stats / zero-stats: the server's counters, as a table or JSON. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

int ctl_stats(struct ctl *ctl, int argc, char **argv)
{
	json_t *reply = NULL, *counters, *v;
	const char *name;
	int r = ctl_call(ctl, proto_request_new(PROTO_STATS), &reply);

	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, reply);
	if (r == 0) {
		counters = json_object_get(reply, "counters");
		if (ctl->json) {
			ctl_print_json(counters);
		} else {
			json_object_foreach(counters, name, v)
			        printf("%-40s %lld\n", name, (long long)json_integer_value(v));
		}
	}
	json_decref(reply);
	return r;
}

/* A request with no arguments whose only answer is ok or an error. */
static int simple_call(struct ctl *ctl, enum proto_kind kind, const char *done)
{
	json_t *reply = NULL;
	int r = ctl_call(ctl, proto_request_new(kind), &reply);

	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, reply);
	if (r == 0) {
		if (ctl->json)
			ctl_print_json(reply);
		else
			printf("%s\n", done);
	}
	json_decref(reply);
	return r;
}

int ctl_zero_stats(struct ctl *ctl, int argc, char **argv)
{
	return simple_call(ctl, PROTO_ZERO_STATS, "statistics zeroed");
}

int ctl_trim(struct ctl *ctl, int argc, char **argv)
{
	return simple_call(ctl, PROTO_TRIM, "cache trimmed");
}

int ctl_flush(struct ctl *ctl, int argc, char **argv)
{
	json_t *req = proto_request_new(PROTO_FLUSH), *reply = NULL;
	int r;

	if (argc == 2 && strcmp(argv[0], "--older-than") == 0) {
		json_object_set_new(req, "older_than", json_string(argv[1]));
	} else if (argc != 0) {
		fprintf(stderr, "zccachectl: usage: flush [--older-than DURATION]\n");
		json_decref(req);
		return CTL_EXIT_USAGE;
	}
	r = ctl_call(ctl, req, &reply);
	if (r != 0)
		return r;
	r = ctl_check_reply(ctl, reply);
	if (r == 0) {
		if (ctl->json)
			ctl_print_json(reply);
		else
			printf("cache flushed\n");
	}
	json_decref(reply);
	return r;
}
