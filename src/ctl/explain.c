/* zccachectl explain: the last compiles that were not hits, and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "reasons.h"

#define EXPLAIN_DEFAULT 20
#define COMMAND_WIDTH   200

/* Why a compile was run as is, in words: the reasons table's prose. */
static const char *reason_words(const char *reason)
{
	return cache_reason_prose_of(reason) ?: reason;
}

/* What became of a miss, in words. */
static const char *outcome_words(const char *outcome)
{
	if (!outcome)
		return NULL;
	if (strcmp(outcome, "stored") == 0)
		return "stored";
	if (strcmp(outcome, "compiling") == 0)
		return "still compiling";
	if (strcmp(outcome, "preprocessor_hit") == 0)
		return "a hit by its preprocessed text (preprocessor mode)";
	if (strcmp(outcome, "abandoned") == 0)
		return "abandoned (the launcher went away), nothing stored";
	return NULL;
}

/* "uncacheable option: -fplugin=x.so", "linking (no -c or -S)", ... */
static void print_why(json_t *e)
{
	const char *kind = proto_get_str(e, "kind") ?: "";
	const char *reason = proto_get_str(e, "reason") ?: "?";
	const char *explain = proto_get_str(e, "explain") ?: "";
	size_t n = strlen(reason);

	if (strcmp(kind, "miss") == 0)
		printf("miss: %s\n", explain);
	else if (strcmp(explain, reason) == 0 || !explain[0])
		printf("not cacheable: %s\n", reason_words(reason));
	else if (strncmp(explain, reason, n) == 0 && strncmp(explain + n, ": ", 2) == 0)
		printf("not cacheable: %s: %s\n", reason_words(reason), explain + n + 2);
	else
		printf("not cacheable: %s (%s)\n", reason_words(reason), explain);
}

static void print_command(json_t *argv)
{
	size_t i, used = 0;
	json_t *a;

	printf("    command: ");
	json_array_foreach(argv, i, a)
	{
		const char *s = json_string_value(a) ?: "";

		if (used + strlen(s) > COMMAND_WIDTH) {
			printf(" ...");
			break;
		}
		used += (size_t)printf("%s%s", i ? " " : "", s);
	}
	printf("\n");
}

static void print_entry(json_t *e)
{
	time_t t = (time_t)proto_get_int(e, "time", 0);
	json_t *sources = json_object_get(e, "sources"), *s;
	const char *outcome = proto_get_str(e, "outcome"), *words;
	struct tm tm;
	char when[32] = "?";
	size_t i;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("#%lld %s  ", (long long)proto_get_int(e, "id", 0), when);
	print_why(e);
	if (json_array_size(sources) > 0) {
		printf("    source:  ");
		json_array_foreach(sources, i, s)
		        printf("%s%s", i ? " " : "", json_string_value(s));
		printf("\n");
	} else if (proto_get_str(e, "output")) {
		printf("    output:  %s\n", proto_get_str(e, "output"));
	}
	printf("    cwd:     %s\n", proto_get_str(e, "cwd") ?: "?");
	if (strcmp(proto_get_str(e, "kind") ?: "", "miss") != 0)
		print_command(json_object_get(e, "argv"));
	words = outcome_words(outcome);
	if (words)
		printf("    result:  %s\n", words);
	else if (outcome) /* why the store kept nothing; a failed compile says so itself */
		printf("    result:  %s%s\n",
		       strcmp(outcome, "compile_failed") == 0 ? "" : "not stored: ",
		       reason_words(outcome));
}

int ctl_explain(struct ctl *ctl, int argc, char **argv)
{
	json_t *req, *reply = NULL, *list, *e;
	long limit = EXPLAIN_DEFAULT;
	char *end;
	size_t i;
	int r;

	if (argc > 1 || (argc == 1 && ((limit = strtol(argv[0], &end, 10)) <= 0 || *end))) {
		fprintf(stderr, "zccachectl: usage: explain [N]   (N > 0, default %d)\n",
		        EXPLAIN_DEFAULT);
		return CTL_EXIT_USAGE;
	}
	req = proto_request_new(PROTO_EXPLAIN);
	json_object_set_new(req, "limit", json_integer(limit));
	r = ctl_call_ok(ctl, req, &reply);
	if (r != 0)
		return r;
	list = json_object_get(reply, "compiles");
	if (ctl->json) {
		json_object_del(reply, "ok");
		json_object_del(reply, "v");
		ctl_print_json(reply);
	} else if (json_array_size(list) == 0) {
		printf("No compile has missed the cache since the server started.\n");
	} else {
		json_array_foreach(list, i, e) print_entry(e);
		if ((json_int_t)json_array_size(list) < proto_get_int(reply, "recorded", 0))
			printf("(the last %zu of %lld compiles that were not hits; the server "
			       "keeps %lld)\n",
			       json_array_size(list),
			       (long long)proto_get_int(reply, "recorded", 0),
			       (long long)proto_get_int(reply, "capacity", 0));
	}
	json_decref(reply);
	return 0;
}
