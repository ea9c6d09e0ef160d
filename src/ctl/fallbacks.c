/*
 * zccachectl: the compiles launchers ran without the cache. The launchers
 * record them in a file (fallback.h), since the server is often the thing
 * that failed; this reads the records in the cache folder and, for when that
 * was unusable, the socket folder.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "fallback.h"

static void read_all(const struct ctl *ctl, time_t since, const char *session,
                     struct fallback_summary *s)
{
	memset(s, 0, sizeof(*s));
	if (ctl->paths.cache_dir[0])
		fallback_read(ctl->paths.cache_dir, since, session, s);
	if (ctl->paths.runtime_dir[0] && strcmp(ctl->paths.runtime_dir, ctl->paths.cache_dir) != 0)
		fallback_read(ctl->paths.runtime_dir, since, session, s);
}

json_t *ctl_fallbacks_json(const struct ctl *ctl, time_t since, const char *session)
{
	struct fallback_summary s;
	json_t *j = json_object(), *reasons = json_object();

	read_all(ctl, since, session, &s);
	for (int i = 0; i < FALLBACK_COUNT; i++)
		if (s.count[i])
			json_object_set_new(reasons, fallback_reason_name(i),
			                    json_integer((json_int_t)s.count[i]));
	json_object_set_new(j, "total", json_integer((json_int_t)s.total));
	json_object_set_new(j, "reasons", reasons);
	if (s.total)
		json_object_set_new(j, "last",
		                    json_pack("{s:I,s:s,s:s,s:s}", "time", (json_int_t)s.last_time,
		                              "reason", fallback_reason_name(s.last_reason), "cwd",
		                              s.last_cwd, "message", s.last_message));
	return j;
}

static void print_ago(time_t t)
{
	long long d = (long long)(time(NULL) - t);

	if (d < 0)
		d = 0;
	if (d < 120)
		printf("%llds ago", d);
	else if (d < 7200)
		printf("%lld min ago", d / 60);
	else if (d < 172800)
		printf("%lld h ago", d / 3600);
	else
		printf("%lld days ago", d / 86400);
}

void ctl_fallbacks_print(const struct ctl *ctl)
{
	struct fallback_summary s;
	bool first = true;

	read_all(ctl, 0, NULL, &s);
	printf("%11s: ", "Fallbacks");
	if (!s.total) {
		printf("none (every compile asked the server)\n");
		return;
	}
	printf("%llu compile%s ran without the cache (", (unsigned long long)s.total,
	       s.total == 1 ? "" : "s");
	for (int i = 0; i < FALLBACK_COUNT; i++) {
		if (!s.count[i])
			continue;
		printf("%s%llu %s", first ? "" : ", ", (unsigned long long)s.count[i],
		       fallback_reason_name(i));
		first = false;
	}
	printf(")\n%11s: ", "Last");
	print_ago(s.last_time);
	printf(", %s, in %s\n", fallback_reason_name(s.last_reason), s.last_cwd);
	printf("%11s  %s\n", "", s.last_message);
}

void ctl_fallbacks_add_counters(const struct ctl *ctl, json_t *counters, time_t since,
                                const char *session)
{
	struct fallback_summary s;
	char name[64];

	read_all(ctl, since, session, &s);
	for (int i = 0; i < FALLBACK_COUNT; i++) {
		if (!s.count[i])
			continue;
		snprintf(name, sizeof(name), "fallback.%s", fallback_reason_name(i));
		json_object_set_new(counters, name, json_integer((json_int_t)s.count[i]));
	}
}

void ctl_fallbacks_clear(const struct ctl *ctl)
{
	if (ctl->paths.cache_dir[0])
		fallback_clear(ctl->paths.cache_dir);
	if (ctl->paths.runtime_dir[0])
		fallback_clear(ctl->paths.runtime_dir);
}
