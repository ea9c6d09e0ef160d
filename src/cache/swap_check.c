/* swap_check: folder identities taken before a compile, and each input's
 * path resolved again after it. */
#include "swap_check.h"
#include "clock.h"
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Symlinks followed in one path before it counts as a loop (as ELOOP). */
#define SWAP_MAX_LINKS 40

struct folder_id {
	char *path; /* resolved, absolute */
	dev_t dev;
	ino_t ino;
};

struct swap_record {
	struct folder_id *v;
	size_t n, cap;
	bool broken; /* out of memory while taken: nothing can be vouched for */
	/* The folder of the last path checked, found as it was. */
	char last_ok[PATH_MAX];
};

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct folder_id *find(struct swap_record *r, const char *path)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].path, path) == 0)
			return &r->v[i];
	return NULL;
}

static void note(struct swap_record *r, const char *path, const struct stat *st)
{
	if (find(r, path))
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct folder_id *g = realloc(r->v, cap * sizeof(*g));

		if (!g) {
			r->broken = true;
			return;
		}
		r->v = g;
		r->cap = cap;
	}
	r->v[r->n] = (struct folder_id){.path = strdup(path), .dev = st->st_dev, .ino = st->st_ino};
	if (!r->v[r->n].path) {
		r->broken = true;
		return;
	}
	r->n++;
}

/*
 * A folder not recorded, changed since the compile started: was it put
 * here then (renamed over, made anew), not merely written in? A rename
 * moves its ctime and not its mtime; a folder made then was born then. An
 * entry written in it moves both and keeps its birth: an in-tree build
 * writes objects next to headers in folders no one recorded, and refusing
 * those would lose the stores of a parallel build. Not seen: a folder
 * written in and then renamed over during the same compile, whose files
 * the compile read are older than it.
 */
static bool moved_here(const char *path, const struct stat *st, int64_t since_ns)
{
	struct statx sx;

	if (!timestamp_at_or_after(ts_ns(st->st_ctim), since_ns))
		return false;
	if (!timestamp_at_or_after(ts_ns(st->st_mtim), since_ns))
		return true;
	return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) == 0 &&
	       (sx.stx_mask & STATX_BTIME) &&
	       timestamp_at_or_after((int64_t)sx.stx_btime.tv_sec * 1000000000LL +
	                                     sx.stx_btime.tv_nsec,
	                             since_ns);
}

/*
 * Resolve abs (absolute) component by component. With since_ns < 0: note
 * every folder met in r. Else check each against r (see swap_check.h).
 * 0, 1 (changed, named), or -errno; a component that does not exist ends
 * the walk with 0.
 */
static int walk(struct swap_record *r, const char *abs, int64_t since_ns, char *changed,
                size_t changed_len)
{
	char todo[PATH_MAX], cur[PATH_MAX] = "", link[PATH_MAX];
	size_t links = 0;
	char *rest = todo;

	if (snprintf(todo, sizeof(todo), "%s", abs) >= (int)sizeof(todo))
		return -ENAMETOOLONG;
	for (;;) {
		struct stat st;
		size_t clen, curlen = strlen(cur);
		char *comp;
		bool last;

		while (*rest == '/')
			rest++;
		if (!*rest)
			return 0;
		comp = rest;
		clen = strcspn(comp, "/");
		rest = comp + clen;
		last = !*rest || !rest[strspn(rest, "/")];
		if (clen == 1 && comp[0] == '.')
			continue;
		if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
			char *slash = strrchr(cur, '/');

			if (slash)
				*slash = '\0';
			continue;
		}
		if (curlen + 1 + clen >= sizeof(cur))
			return -ENAMETOOLONG;
		cur[curlen] = '/';
		memcpy(cur + curlen + 1, comp, clen);
		cur[curlen + 1 + clen] = '\0';
		if (lstat(cur, &st) < 0)
			return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
		if (S_ISLNK(st.st_mode)) {
			ssize_t n;

			/* A link is replaced, never edited: one made during
			 * the compile may lead elsewhere than it did. */
			if (since_ns >= 0 && timestamp_at_or_after(ts_ns(st.st_ctim), since_ns)) {
				snprintf(changed, changed_len, "%s", cur);
				return 1;
			}
			if (++links > SWAP_MAX_LINKS)
				return -ELOOP;
			n = readlink(cur, link, sizeof(link) - 1);
			if (n < 0)
				return -errno;
			link[n] = '\0';
			if (strlen(link) + 1 + strlen(rest) >= sizeof(todo))
				return -ENAMETOOLONG;
			/* todo = link + rest; rest may point into todo */
			memmove(todo + n + 1, rest, strlen(rest) + 1);
			memcpy(todo, link, (size_t)n);
			todo[n] = '/';
			rest = todo;
			cur[curlen] = '\0';
			if (link[0] == '/')
				cur[0] = '\0';
			continue;
		}
		if (last || !S_ISDIR(st.st_mode))
			continue;
		if (since_ns < 0) {
			note(r, cur, &st);
		} else {
			struct folder_id *f = find(r, cur);

			if (f ? f->dev != st.st_dev || f->ino != st.st_ino
			      : moved_here(cur, &st, since_ns)) {
				snprintf(changed, changed_len, "%s", cur);
				return 1;
			}
		}
	}
}

/* Note the folder path (relative to cwd or absolute) and its ancestors. */
static void take_folder(struct swap_record *r, const char *cwd, const char *path)
{
	char abs[PATH_MAX];

	/* "/." makes the folder itself a component before the last. */
	if (paths_join(abs, sizeof(abs) - 2, cwd, path) < 0) {
		r->broken = true;
		return;
	}
	strcat(abs, "/.");
	if (walk(r, abs, -1, NULL, 0) < 0)
		r->broken = true;
}

static void take_folder_of(struct swap_record *r, const char *cwd, const char *file)
{
	char dir[PATH_MAX];

	incpath_folder_of(file, dir, sizeof(dir));
	take_folder(r, cwd, dir);
}

struct swap_record *swap_record_take(const char *cwd, const char *source, const struct incpath *ip,
                                     const char *const *extra, size_t n_extra)
{
	struct swap_record *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	take_folder(r, cwd, ".");
	if (source)
		take_folder_of(r, cwd, source);
	for (size_t i = 0; ip && i < ip->n_dirs; i++)
		take_folder(r, cwd, ip->dirs[i]);
	for (size_t i = 0; i < n_extra; i++)
		take_folder_of(r, cwd, extra[i]);
	return r;
}

void swap_record_free(struct swap_record *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		free(r->v[i].path);
	free(r->v);
	free(r);
}

int swap_check_path(struct swap_record *r, const char *cwd, const char *path, int64_t since_ns,
                    char *changed, size_t changed_len)
{
	char abs[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	int ret;

	if (!r || r->broken) {
		snprintf(changed, changed_len, "%s", path);
		return 1;
	}
	if (paths_join(abs, sizeof(abs), cwd, path) < 0)
		return -ENAMETOOLONG;
	/* Files of one folder in a row: the folder's way was just checked;
	 * only the last component (a link?) is looked at again. */
	incpath_folder_of(abs, dir, sizeof(dir));
	if (r->last_ok[0] && strcmp(dir, r->last_ok) == 0 && lstat(abs, &st) == 0 &&
	    !S_ISLNK(st.st_mode))
		return 0;
	ret = walk(r, abs, since_ns < 0 ? 0 : since_ns, changed, changed_len);
	if (ret == 0)
		snprintf(r->last_ok, sizeof(r->last_ok), "%s", dir);
	return ret;
}
