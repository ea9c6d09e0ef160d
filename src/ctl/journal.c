/*
 * zccachectl: reading the server's compile journal (journal.jsonl and its
 * rotated generation, in the cache folder) for stats --since/--session and
 * report. Local reads only: the same user's files, no server needed.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ctl.h"
#include "fallback.h"

int ctl_parse_since(const char *text, time_t *out)
{
	static const char *const formats[] = {"%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S",
	                                      "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"};
	struct config scratch;
	char *end;

	if (text[0] == '@') {
		long long v = strtoll(text + 1, &end, 10);

		if (end == text + 1 || *end)
			return -EINVAL;
		*out = (time_t)v;
		return 0;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		end = strptime(text, formats[i], &tm);
		if (end && *end == '\0') {
			tm.tm_isdst = -1;
			*out = mktime(&tm);
			return *out == (time_t)-1 ? -EINVAL : 0;
		}
	}
	/* A duration back from now, parsed as idle_timeout is: 90s, 30m, 2h, 1d. */
	config_defaults(&scratch);
	if (config_set(&scratch, CONFIG_IDLE_TIMEOUT, text, CONFIG_SOURCE_RUNTIME, NULL, 0) < 0)
		return -EINVAL;
	*out = time(NULL) - (time_t)scratch.value[CONFIG_IDLE_TIMEOUT];
	return 0;
}

static bool matches(json_t *rec, const struct ctl_filter *f)
{
	const char *session = json_string_value(json_object_get(rec, "session"));

	if (json_integer_value(json_object_get(rec, "time")) < (json_int_t)f->since)
		return false;
	return !f->session || (session && strcmp(session, f->session) == 0);
}

int ctl_journal_foreach(const struct ctl *ctl, const struct ctl_filter *f,
                        void (*fn)(json_t *rec, void *ctx), void *ctx)
{
	char path[PATH_MAX], line[65536];
	int found = 0;

	for (int gen = 1; gen >= 0; gen--) {
		FILE *fp;

		if (snprintf(path, sizeof(path), "%s/journal.jsonl%s", ctl->paths.cache_dir,
		             gen ? ".1" : "") >= (int)sizeof(path))
			return -ENAMETOOLONG;
		fp = fopen(path, "re");
		if (!fp)
			continue;
		found = 1;
		while (fgets(line, sizeof(line), fp)) {
			json_t *rec = json_loads(line, 0, NULL);

			if (rec && json_is_object(rec) && matches(rec, f))
				fn(rec, ctx);
			json_decref(rec);
		}
		fclose(fp);
	}
	return found ? 0 : -ENOENT;
}

static void add(json_t *counters, const char *name, json_int_t n)
{
	json_object_set_new(counters, name,
	                    json_integer(json_integer_value(json_object_get(counters, name)) + n));
}

/* What became of a miss (reason: its outcome) into the counters; stored
 * names the counter a stored one raises. */
static void count_miss(json_t *counters, const char *reason, const char *stored)
{
	char name[128];

	if (strcmp(reason, "stored") == 0)
		add(counters, stored, 1);
	else if (strcmp(reason, "compile_failed") == 0)
		add(counters, "compile_failed", 1);
	else if (strcmp(reason, "error") == 0)
		add(counters, "error.store", 1);
	else if (strcmp(reason, "abandoned") == 0)
		add(counters, "abandoned", 1);
	else {
		snprintf(name, sizeof(name), "uncacheable.%s", reason);
		add(counters, name, 1);
	}
}

/* One record into the counters, named as the server names its own. */
static void count_record(json_t *rec, void *ctx)
{
	json_t *counters = ctx;
	const char *outcome = json_string_value(json_object_get(rec, "outcome")) ?: "";
	const char *reason = json_string_value(json_object_get(rec, "reason")) ?: "";
	char name[128];

	if (strcmp(outcome, "hit") == 0) {
		add(counters, "direct_hit", 1);
		add(counters, "time_saved_ms",
		    json_integer_value(json_object_get(rec, "saved_ms")));
	} else if (strcmp(outcome, "miss") == 0) {
		count_miss(counters, reason, "depend_miss");
	} else if (strcmp(outcome, "preprocessor") == 0) {
		/* Preprocessor mode: a hit by the -E, or a miss's outcome. */
		if (strcmp(reason, "preprocessor_hit") == 0)
			add(counters, "preprocessor_hit", 1);
		else
			count_miss(counters, reason, "preprocessor_miss");
	} else if (strcmp(outcome, "uncacheable") == 0) {
		snprintf(name, sizeof(name), "uncacheable.%s", reason);
		add(counters, name, 1);
	}
}

json_t *ctl_journal_counters(const struct ctl *ctl, const struct ctl_filter *f)
{
	json_t *counters = json_object();

	if (ctl_journal_foreach(ctl, f, count_record, counters) < 0) {
		json_decref(counters);
		return NULL;
	}
	ctl_fallbacks_add_counters(ctl, counters, f->since, f->session);
	return counters;
}
