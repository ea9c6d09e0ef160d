/* zccachectl config: show the effective values and their sources, get, set. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"

static void usage_config(void)
{
	fprintf(stderr, "zccachectl: usage: config show | get KEY | set KEY VALUE\n");
}

int ctl_config(struct ctl *ctl, int argc, char **argv)
{
	json_t *req, *reply = NULL, *values, *v;
	const char *key;
	int r;

	if (argc < 1 || (strcmp(argv[0], "show") == 0 && argc != 1) ||
	    (strcmp(argv[0], "get") == 0 && argc != 2) ||
	    (strcmp(argv[0], "set") == 0 && argc != 3)) {
		usage_config();
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[0], "show") != 0 && strcmp(argv[0], "get") != 0 &&
	    strcmp(argv[0], "set") != 0) {
		usage_config();
		return CTL_EXIT_USAGE;
	}
	req = proto_request_new(PROTO_CONFIG);
	json_object_set_new(req, "op", json_string(argv[0]));
	if (argc >= 2)
		json_object_set_new(req, "key", json_string(argv[1]));
	if (argc >= 3)
		json_object_set_new(req, "value", json_string(argv[2]));
	r = ctl_call_ok(ctl, req, &reply);
	if (r != 0)
		return r;
	if (ctl->json) {
		json_object_del(reply, "ok");
		json_object_del(reply, "v");
		ctl_print_json(reply);
	} else if (strcmp(argv[0], "show") == 0) {
		printf("# %s\n", proto_get_str(reply, "file") ?: "");
		values = json_object_get(reply, "values");
		json_object_foreach(values, key, v)
		        printf("%-20s = %-10s # from %s\n", key, proto_get_str(v, "value") ?: "",
		               proto_get_str(v, "source") ?: "");
	} else {
		v = json_object_get(reply, "setting");
		printf("%s\n", proto_get_str(v, "value") ?: "");
	}
	json_decref(reply);
	return 0;
}
