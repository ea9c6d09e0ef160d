/*
 * manifest: what a direct key maps to: up to MANIFEST_MAX_ENTRIES include
 * sets, each naming a result. An entry matches when every recorded file still
 * has its digest AND no new header has appeared earlier in the include search
 * path than one it recorded (the "shadowing" check: each entry watches the
 * folders where such a header would land, by ctime, and looks for the exact
 * names only when a folder changed).
 */
#ifndef ZCCACHE_MANIFEST_H
#define ZCCACHE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "hash.h"
#include "hashcache.h"

#define MANIFEST_MAX_ENTRIES 16

/* ctime_ns of a watched folder that does not exist / must always be checked. */
#define MANIFEST_DIR_ABSENT (-1)
#define MANIFEST_DIR_RACY   (-2)

struct manifest_file {
	char *path; /* as the depfile spelled it: relative to the compile's cwd or absolute */
	struct digest digest;
};

struct manifest_watch {
	char *dir; /* as the command spelled it: absolute, or relative to the cwd */
	/* The folder's ctime, not its mtime: both move when an entry is added,
	 * but an mtime can be put back (touch -d, tar, rsync -t) and a ctime
	 * cannot. */
	int64_t ctime_ns;
	/* Which folder was recorded: a file that predates the entry is known to
	 * be unused only in that very folder, not in another checkout's. */
	uint64_t dev, ino;
	char **names; /* files that must not appear in dir */
	size_t n_names;
};

struct manifest_entry {
	struct digest result;
	struct manifest_file *files;
	size_t n_files;
	struct manifest_watch *watch;
	size_t n_watch;
	/*
	 * Quote includes look first in the including header's own folder. Those
	 * folders (qwatch, names unused) are checked against every spelling of a
	 * project header (qnames): a cross product kept as two lists.
	 */
	struct manifest_watch *qwatch;
	size_t n_qwatch;
	char **qnames;
	size_t n_qnames;
	/* When the entry was recorded: a candidate file older than this existed
	 * and was not used, so it does not shadow anything. */
	int64_t since_ns;
};

struct manifest {
	struct manifest_entry *entries; /* newest first */
	size_t n;
};

int manifest_decode(const void *blob, size_t len, struct manifest *out);
int manifest_encode(const struct manifest *m, struct buf *out);
void manifest_free(struct manifest *m);
void manifest_entry_free(struct manifest_entry *e);

/* Put e (moved in, zeroed) first; drop an older entry with the same result and
 * the oldest beyond the limit. */
int manifest_add(struct manifest *m, struct manifest_entry *e);

/*
 * The first entry that still matches, relative paths taken from cwd. Returns
 * its index, or -ENOENT. On no match, *changed (when not NULL) names the first
 * file that differed in the newest entry, for `zccachectl explain`; it points
 * into m.
 */
int manifest_match(struct manifest *m, struct hashcache *hc, const char *cwd, const char **changed);

/*
 * Fill e's watches for e->files. search: the include search folders in the
 * order the compiler tries them (absolute, canonical), spelled[j] the same
 * folder as the command names it (kept in the entry); watched[j] says whether
 * a new file in search[j] is looked for (the compiler's built-in folders are
 * not: there #include_next legitimately skips existing files, and only a
 * package install changes them). since_ns: when the compile started. A
 * candidate that existed before it and is not in the closure was not used and
 * is ignored; one created since makes the include unexplainable: -EEXIST
 * (conflict names it), and the entry must not be stored. Or -ENOMEM.
 */
int manifest_build_watch(struct manifest_entry *e, const char *cwd, char *const *search,
                         char *const *spelled, const bool *watched, size_t n_search,
                         int64_t since_ns, char *conflict, size_t conflict_len);

#endif
