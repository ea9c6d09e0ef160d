/* fallback: count, log and (rarely) say why a compile ran without the cache. */
#include "fallback_note.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"

/* Where the record goes: the cache folder, else the socket folder. */
static const char *record_dir(const struct zc_paths *p)
{
	if (p->cache_dir[0] && paths_ensure_private_dir(p->cache_dir, true) == 0)
		return p->cache_dir;
	if (p->runtime_dir[0] && paths_ensure_socket_dir(p->runtime_dir, false) == 0)
		return p->runtime_dir;
	return NULL;
}

/*
 * Is it time to say it again for this folder? One stamp file per folder
 * (named by a hash of its path), its mtime the last time it was said.
 * O_EXCL and a non-blocking flock: of many launchers of one make -j, one
 * says it. Without a place for stamps, always: a silent fallback is worse
 * than a repeated line.
 */
static bool notice_due(const char *dir, const char *cwd)
{
	char path[PATH_MAX], hex[DIGEST_HEX_LEN + 1];
	struct digest d;
	struct stat st;
	bool due = false;
	int fd;

	if (!dir)
		return true;
	digest_mem(cwd ? cwd : "", cwd ? strlen(cwd) : 0, &d);
	digest_to_hex(&d, hex);
	hex[16] = '\0';
	if (snprintf(path, sizeof(path), "%s/notices", dir) >= (int)sizeof(path) ||
	    (mkdir(path, 0700) < 0 && errno != EEXIST))
		return true;
	if (snprintf(path, sizeof(path), "%s/notices/%s", dir, hex) >= (int)sizeof(path))
		return true;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (errno != EEXIST)
		return true;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return true;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 &&
	    st.st_mtime + FALLBACK_NOTICE_INTERVAL_S <= time(NULL)) {
		futimens(fd, NULL);
		due = true;
	}
	close(fd);
	return due;
}

static bool quiet(void)
{
	const char *v = getenv("ZCCACHE_QUIET");

	return v && *v && strcmp(v, "0") != 0;
}

void fallback_note(const struct zc_paths *p, enum fallback_reason r, const char *cwd,
                   const char *fmt, ...)
{
	char msg[PATH_MAX + 512];
	const char *dir;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	dir = record_dir(p);
	log_warnx("compiling directly: %s", msg);
	if (dir) {
		int e = fallback_record(dir, time(NULL), r, cwd, msg, getenv("ZCCACHE_SESSION"));

		if (e < 0)
			log_errno(LOG_LEVEL_WARNING, e, "cannot count the fallback in %s", dir);
	}
	if (fallback_reason_persists(r) && !quiet() && notice_due(dir, cwd))
		fprintf(stderr,
		        "zccache: compiling without the cache: %s (said once an hour per folder; "
		        "ZCCACHE_QUIET=1 silences it; zccachectl status counts them)\n",
		        msg);
}
