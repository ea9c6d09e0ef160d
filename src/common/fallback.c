/* fallback: the per-user record of compiles run without the cache. */
#include "fallback.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
	const char *name;
	bool persistent;
} reasons[FALLBACK_COUNT] = {
#define X(id, name, persistent) [FALLBACK_##id] = {name, persistent},
        FALLBACK_REASONS(X)
#undef X
};

const char *fallback_reason_name(enum fallback_reason r)
{
	return (unsigned)r < FALLBACK_COUNT ? reasons[r].name : "unknown";
}

bool fallback_reason_persists(enum fallback_reason r)
{
	return (unsigned)r < FALLBACK_COUNT && reasons[r].persistent;
}

int fallback_reason_parse(const char *name)
{
	for (int i = 0; i < FALLBACK_COUNT; i++)
		if (strcmp(reasons[i].name, name) == 0)
			return i;
	return -1;
}

/* Append s to line with tabs and newlines as spaces, within n bytes. */
static size_t put_field(char *line, size_t at, size_t n, const char *s)
{
	for (; s && *s && at + 1 < n; s++)
		line[at++] = (*s == '\t' || *s == '\n' || *s == '\r') ? ' ' : *s;
	return at;
}

int fallback_record(const char *dir, time_t when, enum fallback_reason r, const char *cwd,
                    const char *message, const char *session)
{
	char path[PATH_MAX], old[PATH_MAX], line[PATH_MAX + 1200];
	struct stat st;
	size_t len;
	int fd, rc = 0;

	if (snprintf(path, sizeof(path), "%s/%s", dir, FALLBACK_FILE) >= (int)sizeof(path) ||
	    snprintf(old, sizeof(old), "%s.1", path) >= (int)sizeof(old))
		return -ENAMETOOLONG;
	len = (size_t)snprintf(line, sizeof(line), "%lld\t%s\t", (long long)when,
	                       fallback_reason_name(r));
	len = put_field(line, len, sizeof(line) - 2, cwd);
	line[len++] = '\t';
	len = put_field(line, len, sizeof(line) - 2, message);
	line[len++] = '\t';
	len = put_field(line, len, sizeof(line) - 1, session);
	line[len++] = '\n';
	/* O_APPEND and one write: concurrent launchers' lines do not mix. */
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, line, len) != (ssize_t)len)
		rc = -errno ?: -EIO;
	if (fstat(fd, &st) == 0 && st.st_size > FALLBACK_ROTATE_BYTES)
		rename(path, old);
	close(fd);
	return rc;
}

static void read_one(const char *path, time_t since, const char *session,
                     struct fallback_summary *s)
{
	FILE *f = fopen(path, "re");
	char line[PATH_MAX + 1200];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *t = strtok_r(line, "\t", &save);
		char *name = strtok_r(NULL, "\t", &save), *cwd = strtok_r(NULL, "\t", &save);
		char *msg = strtok_r(NULL, "\t\n", &save), *ses = strtok_r(NULL, "\n", &save), *end;
		long long when = t ? strtoll(t, &end, 10) : 0;
		int r = name ? fallback_reason_parse(name) : -1;

		if (!t || *end || r < 0 || when < since ||
		    (session && strcmp(ses ? ses : "", session) != 0))
			continue;
		s->total++;
		s->count[r]++;
		if (when >= s->last_time) {
			s->last_time = when;
			s->last_reason = r;
			snprintf(s->last_cwd, sizeof(s->last_cwd), "%s", cwd ? cwd : "");
			snprintf(s->last_message, sizeof(s->last_message), "%s", msg ? msg : "");
		}
	}
	fclose(f);
}

int fallback_read(const char *dir, time_t since, const char *session, struct fallback_summary *s)
{
	char path[PATH_MAX];

	/* The older generation first, so that equal times keep the newer line. */
	if (snprintf(path, sizeof(path), "%s/%s.1", dir, FALLBACK_FILE) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	read_one(path, since, session, s);
	path[strlen(path) - 2] = '\0';
	read_one(path, since, session, s);
	return 0;
}

void fallback_clear(const char *dir)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s.1", dir, FALLBACK_FILE) >= (int)sizeof(path))
		return;
	unlink(path);
	path[strlen(path) - 2] = '\0';
	unlink(path);
}
