/*
 * manifest: what a direct key maps to: up to MANIFEST_MAX_ENTRIES include
 * sets, each naming a result. An entry matches when every recorded file still
 * has its digest AND every name the compile may have asked the preprocessor
 * for still finds what it found when the entry was stored (see incpath: the
 * search folders and a 16-byte summary of what they held).
 */
#ifndef ZCCACHE_MANIFEST_H
#define ZCCACHE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dircache.h"
#include "hash.h"
#include "hashcache.h"
#include "incpath.h"

#define MANIFEST_MAX_ENTRIES 16

struct manifest_file {
	char *path; /* as the depfile spelled it: relative to the compile's cwd or absolute */
	struct digest digest;
	/* Read by the preprocessor (its includes are followed), not only by
	 * the assembler (.incbin data). */
	bool preprocessed;
};

struct manifest_entry {
	struct digest result;
	struct manifest_file *files;
	size_t n_files;
	struct incpath search;
	/* Names asked for by the command line (-include, -imacros: searched
	 * from the cwd first), in cscan_includes' format. */
	char *forced;
	size_t forced_len;
	/* For a file whose includes cscan cannot read (an #include of a macro):
	 * every name by which a file of the closure can be found. */
	char *any;
	size_t any_len;
	struct incpath_summary found;
	/* When the compile started (coarse clock). */
	int64_t since_ns;
	/* In memory only, never encoded: the folders the last matching walk
	 * consulted from walk_cwd, and the source's digest then. While they
	 * still hold, the walk would find what it found (see entry_matches). */
	struct dircache_trace *walk_trace;
	char *walk_cwd;
	struct digest walk_source;
	/* Not stored: the compile makes a PCH (incpath_walk.no_gch). */
	bool no_gch;
};

struct manifest {
	struct manifest_entry *entries; /* newest first */
	size_t n;
	/* Not stored: set by the caller of manifest_match for a compile that
	 * makes a PCH (incpath_walk.no_gch), and one whose file digests fold
	 * in mtimes (manifest_fold_mtime, compile_args.pch_mtimes). */
	bool no_gch;
	bool mtimes;
};

/*
 * A file's digest with its mtime (whole seconds) and size folded in, for a
 * compile whose output records them (a clang PCH): the entry's files are
 * stored so, and manifest_match folds what it finds when m->mtimes is set.
 */
void manifest_fold_mtime(struct digest *d, const struct file_digest *fd);

int manifest_decode(const void *blob, size_t len, struct manifest *out);
int manifest_encode(const struct manifest *m, struct buf *out);
void manifest_free(struct manifest *m);
void manifest_entry_free(struct manifest_entry *e);

/* Put e (moved in, zeroed) first; drop an older entry with the same result and
 * the oldest beyond the limit. */
int manifest_add(struct manifest *m, struct manifest_entry *e);

/*
 * The first entry that still matches for the compile of source (as the
 * command spelled it) in cwd. Returns its index, or -ENOENT. On no match,
 * *changed (when not NULL) names the first file that differed in the newest
 * entry, or "the include search path" when only what the search finds
 * changed, for `zccachectl explain`; it points into m or is static. Call
 * dircache_next_round() before.
 */
int manifest_match(struct manifest *m, struct hashcache *hc, struct dircache *dc, const char *cwd,
                   const char *source, const char **changed);

/*
 * Record in e->found what the search (e->search, e->files, e->forced set)
 * finds now, after a compile of source that started at since_ns. A name
 * found in a folder changed since then is checked: if it was created
 * since, the compile may have seen the folder without it, the include is
 * unexplained: -EEXIST (conflict names it); the entry must not be stored.
 * A .gch file where a header is looked for (gcc may have used it, or not:
 * the unit's output follows from its bytes, which gcc's depfile does not
 * name): appended to e->files, keyed by content and never scanned; a .gch
 * folder, or one changed since the compile started: -EXDEV.
 * A found file with the content of a #pragma once file the compile read,
 * or two such files alike: -EDOM (identity decides, see once_check).
 * Or -ENOMEM, or -errno when a folder could not be read.
 */
int manifest_record_search(struct manifest_entry *e, struct hashcache *hc, struct dircache *dc,
                           const char *cwd, const char *source, int64_t since_ns, char *conflict,
                           size_t conflict_len);

#endif
