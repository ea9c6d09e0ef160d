/* zccachectl stats / zero-stats: the server's counters, as a table or JSON. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint64_t get(json_t *counters, const char *name)
{
	return (uint64_t)json_integer_value(json_object_get(counters, name));
}

/* The headline figures first, then every counter, sorted, zeros left out. */
static void print_table(json_t *counters)
{
	uint64_t direct = get(counters, "direct_hit"),
	         preprocessed = get(counters, "preprocessor_hit");
	uint64_t hits = direct + preprocessed;
	uint64_t misses = get(counters, "depend_miss") + get(counters, "preprocessor_miss");
	uint64_t uncacheable = 0, errors = 0, fallbacks = 0;
	const char **names;
	const char *name;
	size_t n = 0, i = 0;
	json_t *v;
	char bytes[32];

	json_object_foreach(counters, name, v)
	{
		if (strncmp(name, "uncacheable.", 12) == 0)
			uncacheable += (uint64_t)json_integer_value(v);
		if (strncmp(name, "error.", 6) == 0)
			errors += (uint64_t)json_integer_value(v);
		if (strncmp(name, "fallback.", 9) == 0)
			fallbacks += (uint64_t)json_integer_value(v);
		n++;
	}
	printf("%-32s %12llu\n", "cache hits (direct)", (unsigned long long)direct);
	printf("%-32s %12llu\n", "cache hits (preprocessed)", (unsigned long long)preprocessed);
	printf("%-32s %12llu\n", "cache misses", (unsigned long long)misses);
	printf("%-32s %11.1f%%\n", "hit rate",
	       hits + misses ? 100.0 * (double)hits / (double)(hits + misses) : 0.0);
	printf("%-32s %12llu\n", "uncacheable", (unsigned long long)uncacheable);
	printf("%-32s %12llu\n", "compile failed",
	       (unsigned long long)get(counters, "compile_failed"));
	printf("%-32s %12llu\n", "errors", (unsigned long long)errors);
	printf("%-32s %12llu\n", "compiled without the cache", (unsigned long long)fallbacks);
	ctl_format_bytes(get(counters, "bytes_stored"), bytes, sizeof(bytes));
	printf("%-32s %12s\n", "stored", bytes);
	printf("%-32s %11.1fs\n", "time saved", (double)get(counters, "time_saved_ms") / 1000.0);
	printf("\n");
	names = calloc(n + 1, sizeof(*names));
	if (!names)
		return;
	json_object_foreach(counters, name, v) names[i++] = name;
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		uint64_t value = get(counters, names[i]);

		if (value)
			printf("  %-40s %12llu\n", names[i], (unsigned long long)value);
	}
	free(names);
}

/* stats --since/--session: counted from the journal, not the server. */
static int journal_stats(struct ctl *ctl, const struct ctl_filter *f)
{
	json_t *counters = ctl_journal_counters(ctl, f);
	char when[64] = "the start";
	struct tm tm;

	if (!counters) {
		fprintf(stderr,
		        "zccachectl: no compile journal in %s; --since and --session need it "
		        "(zccachectl config set journal on)\n",
		        ctl->paths.cache_dir);
		return CTL_EXIT_FAILED;
	}
	if (ctl->json) {
		ctl_print_json(counters);
	} else {
		if (f->since > 0 && localtime_r(&f->since, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("From the journal, since %s%s%s:\n\n", when, f->session ? ", session " : "",
		       f->session ? f->session : "");
		print_table(counters);
	}
	json_decref(counters);
	return 0;
}

int ctl_stats(struct ctl *ctl, int argc, char **argv)
{
	json_t *reply = NULL, *counters;
	struct ctl_filter f = {0, NULL};
	bool filtered = false;
	int r;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			if (ctl_parse_since(argv[++i], &f.since) < 0) {
				fprintf(stderr,
				        "zccachectl: --since: '%s' is neither a duration (2h, "
				        "30m, 1d) nor a time (YYYY-MM-DD HH:MM, @UNIXTIME)\n",
				        argv[i]);
				return CTL_EXIT_USAGE;
			}
			filtered = true;
		} else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc) {
			f.session = argv[++i];
			filtered = true;
		} else {
			fprintf(stderr, "zccachectl: usage: stats [--since DURATION|TIME] "
			                "[--session NAME]\n");
			return CTL_EXIT_USAGE;
		}
	}
	if (filtered)
		return journal_stats(ctl, &f);
	r = ctl_call_ok(ctl, proto_request_new(PROTO_STATS), &reply);
	if (r != 0)
		return r;
	counters = json_object_get(reply, "counters");
	ctl_fallbacks_add_counters(ctl, counters, 0, NULL);
	if (ctl->json)
		ctl_print_json(counters);
	else
		print_table(counters);
	json_decref(reply);
	return 0;
}

/* Send req (stolen); on success print the reply (JSON) or done (text). */
static int send_and_report(struct ctl *ctl, json_t *req, const char *done, bool progress)
{
	json_t *reply = NULL;
	int r;

	ctl->progress = progress && ctl_wants_progress(ctl);
	r = ctl_call_ok(ctl, req, &reply);

	if (r != 0)
		return r;
	if (ctl->json)
		ctl_print_json(reply);
	else
		printf("%s\n", done);
	json_decref(reply);
	return 0;
}

int ctl_zero_stats(struct ctl *ctl, int argc, char **argv)
{
	int r = send_and_report(ctl, proto_request_new(PROTO_ZERO_STATS), "statistics zeroed",
	                        false);

	if (r == 0)
		ctl_fallbacks_clear(ctl);
	return r;
}

int ctl_trim(struct ctl *ctl, int argc, char **argv)
{
	return send_and_report(ctl, proto_request_new(PROTO_TRIM), "cache trimmed", true);
}

int ctl_flush(struct ctl *ctl, int argc, char **argv)
{
	json_t *req = proto_request_new(PROTO_FLUSH);

	if (argc == 2 && strcmp(argv[0], "--older-than") == 0) {
		json_object_set_new(req, "older_than", json_string(argv[1]));
	} else if (argc != 0) {
		fprintf(stderr, "zccachectl: usage: flush [--older-than DURATION]\n");
		json_decref(req);
		return CTL_EXIT_USAGE;
	}
	return send_and_report(ctl, req, "cache flushed", true);
}
