/* zccachectl explain: the last compiles that were not hits, and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

#define EXPLAIN_DEFAULT 20
#define COMMAND_WIDTH   200

/* The stats names of why a compile was run as is, in words. */
static const struct {
	const char *reason, *words;
} reasons[] = {
        {"linking", "linking (no -c or -S)"},
        {"preprocess_only", "preprocessing only (-E, -M, -MM)"},
        {"print_only", "prints information only (--version, -v, -print-*)"},
        {"no_source", "no source file"},
        {"multiple_sources", "several sources in one command"},
        {"stdin_source", "source read from standard input"},
        {"output_stdout", "output to standard output"},
        {"no_output", "no output file (-fsyntax-only, -o /dev/null)"},
        {"unknown_language", "a language zccache does not cache"},
        {"pch", "precompiled headers"},
        {"modules", "C++ modules"},
        {"profile_use", "profile data that cannot be named"},
        {"extra_output", "extra outputs (-save-temps, -fdump-*)"},
        {"multiple_arch", "several -arch options"},
        {"response_file", "an unreadable or too deeply nested @file"},
        {"missing_argument", "an option without its argument"},
        {"unsupported_option", "uncacheable option"},
        {"unsupported_compiler", "not gcc or clang"},
        {"emscripten_port", "an Emscripten port (-sUSE_SDL=2, --use-port): fetched and built"},
        {"family_env", "a variable that makes the compiler log or read more is set"},
        {"depfile_env", "DEPENDENCIES_OUTPUT or SUNPRO_DEPENDENCIES is set"},
        {"unknown_compiler", "the compiler could not be identified"},
        {"source_unreadable", "the source could not be read"},
        {"time_macros", "__DATE__ or __TIME__ without SOURCE_DATE_EPOCH"},
        {"assembler_include", "the assembler source includes files"},
        {"too_many_inputs", "too many extra input files"},
        {"busy", "too many misses compiling at once"},
        {"cache_unavailable", "the cache could not be opened"},
        {"foreign_namespace", "the client sees other files (another mount namespace)"},
        {"foreign_cwd", "the request's cwd is not the client's current folder"},
        {"error", "an internal error"},
};

static const char *reason_words(const char *reason)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(reasons[i].reason, reason) == 0)
			return reasons[i].words;
	return reason;
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
	if (strcmp(outcome, "compile_failed") == 0)
		return "the compile failed, nothing stored";
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
	else if (outcome)
		printf("    result:  not stored (%s)\n", outcome);
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
