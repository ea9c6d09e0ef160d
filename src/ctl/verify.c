/*
 * zccachectl verify [--repair]: have the server check every cache entry
 * (records, artifacts and their checksums, orphans, size accounting) and,
 * with --repair, drop what is bad. Exit 0 when the cache is sound (or was
 * repaired), CTL_EXIT_PROBLEMS when bad entries remain.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static void print_report(json_t *r)
{
	json_t *bad = json_object_get(r, "bad"), *acct = json_object_get(r, "accounting"), *v;
	bool repair = json_is_true(json_object_get(r, "repair"));
	const char *name;
	char bytes[32];
	size_t i;

	ctl_format_bytes((uint64_t)num(r, "artifact_bytes"), bytes, sizeof(bytes));
	printf("%-12s %lld checked, %lld ok, %lld entries naming a result that is gone\n",
	       "manifests", num(r, "manifests"), num(r, "manifests_ok"), num(r, "dangling"));
	printf("%-12s %lld checked, %lld ok, %lld named by no manifest\n", "results",
	       num(r, "results"), num(r, "results_ok"), num(r, "unreferenced"));
	printf("%-12s %lld checked, %s\n", "artifacts", num(r, "artifacts"), bytes);
	printf("%-12s %lld", "bad", num(r, "bad_total"));
	json_object_foreach(bad, name, v)
	{
		if (json_integer_value(v))
			printf(", %s %lld", name, (long long)json_integer_value(v));
	}
	printf("\n");
	ctl_format_bytes((uint64_t)num(r, "orphan_bytes"), bytes, sizeof(bytes));
	printf("%-12s %lld files no result names (%s), %lld tmp files\n", "orphans",
	       num(r, "orphans"), bytes, num(r, "tmp_files"));
	if (json_is_true(json_object_get(acct, "consistent")))
		printf("%-12s consistent (%lld entries)\n", "accounting",
		       num(acct, "counted_entries"));
	else
		printf("%-12s out of step: %lld bytes in %lld entries recorded, %lld in %lld "
		       "counted\n",
		       "accounting", num(acct, "recorded_bytes"), num(acct, "recorded_entries"),
		       num(acct, "counted_bytes"), num(acct, "counted_entries"));
	json_array_foreach(json_object_get(r, "first_bad"), i, v)
	{
		printf("%-12s %s %s: %s%s%s\n", i == 0 ? "first bad" : "",
		       proto_get_str(v, "db") ?: "?", proto_get_str(v, "key") ?: "?",
		       proto_get_str(v, "reason") ?: "?", proto_get_str(v, "artifact") ? " " : "",
		       proto_get_str(v, "artifact") ?: "");
	}
	if (repair)
		printf("%-12s %lld entries dropped, %lld damaged and %lld orphan artifacts and "
		       "%lld "
		       "tmp files removed%s%s\n",
		       "repaired", num(r, "dropped"), num(r, "artifacts_removed"),
		       num(r, "orphans_removed"), num(r, "tmp_removed"),
		       json_is_true(json_object_get(r, "accounting_fixed")) ? ", accounting fixed"
		                                                            : "",
		       json_is_true(json_object_get(r, "index_rebuilt")) ? ", index rebuilt" : "");
	if (json_is_true(json_object_get(r, "index_replaced")))
		printf("%-12s the index was found damaged and replaced by an empty one (the old "
		       "one "
		       "is in index.old; see the server log)\n",
		       "index");
	printf("%-12s %s (%lld ms)\n", "verdict",
	       json_is_true(json_object_get(r, "clean"))
	               ? (num(r, "bad_total") ? "repaired" : "clean")
	               : (repair ? "NOT fully repaired"
	                         : "damaged: run zccachectl verify --repair"),
	       num(r, "elapsed_ms"));
}

/* The server died reading the index during this check: count it as the
 * damage it is (index_unreadable), first, and the check as not clean. */
static void report_died(json_t *reply)
{
	json_t *bad = json_object_get(reply, "bad"), *first = json_object_get(reply, "first_bad");
	json_t *item = json_object();

	if (!json_is_object(bad)) {
		bad = json_object();
		json_object_set_new(reply, "bad", bad);
	}
	json_object_set_new(
	        bad, "index_unreadable",
	        json_integer(json_integer_value(json_object_get(bad, "index_unreadable")) + 1));
	json_object_set_new(item, "reason", json_string("index_unreadable"));
	json_object_set_new(item, "db", json_string("index"));
	json_object_set_new(item, "key",
	                    json_string("(the server died reading it; the next one replaced it)"));
	if (!json_is_array(first)) {
		first = json_array();
		json_object_set_new(reply, "first_bad", first);
	}
	json_array_insert_new(first, 0, item);
	json_object_set_new(
	        reply, "bad_total",
	        json_integer(json_integer_value(json_object_get(reply, "bad_total")) + 1));
	json_object_set_new(reply, "clean", json_false());
}

int ctl_verify(struct ctl *ctl, int argc, char **argv)
{
	json_t *req, *reply = NULL;
	bool repair = false, died = false;
	int r;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--repair") == 0) {
			repair = true;
		} else {
			fprintf(stderr, "zccachectl: usage: verify [--repair]\n");
			return CTL_EXIT_USAGE;
		}
	}
	/* A large cache takes a while; the server answers when it is done. */
	ctl->timeout_ms = -1;
	ctl->progress = ctl_wants_progress(ctl);
	for (int tries = 0;; tries++) {
		req = proto_request_new(PROTO_VERIFY);
		json_object_set_new(req, "repair", json_boolean(repair));
		r = ctl_call_ok(ctl, req, &reply);
		if (r != CTL_EXIT_UNREACHABLE || ctl->fd < 0 || ctl->no_start || tries > 0)
			break;
		/* The server died during the check: a garbled index kills the
		 * process that reads it (LMDB trusts its pages). The next
		 * server replaces such an index on start, and says so. */
		fprintf(stderr, "zccachectl: asking a new server\n");
		close(ctl->fd);
		ctl->fd = -1;
		died = true;
	}
	if (r != 0)
		return r;
	/* A check (not a repair) that killed the server found damage: the
	 * index could not be read, whatever its successor says of its own. */
	if (died && !repair)
		report_died(reply);
	if (ctl->json)
		ctl_print_json(reply);
	else
		print_report(reply);
	r = json_is_true(json_object_get(reply, "clean")) ? CTL_EXIT_OK : CTL_EXIT_PROBLEMS;
	json_decref(reply);
	return r;
}
