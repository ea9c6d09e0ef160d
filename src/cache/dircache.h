/*
 * dircache: what the folders on an include search path contain, held in
 * memory, so that "would this name be found in that folder?" costs a lookup
 * in memory rather than a stat per (folder, name) pair.
 *
 * A folder's listing is read once (getdents) and trusted while the folder's
 * (dev, ino, ctime) stay the same: creating, removing or renaming an entry
 * moves the folder's ctime, and a ctime cannot be put back. A folder is
 * stat'ed again at most once per round (one lookup or one store). A listing
 * read within a clock tick of the folder's last change is not trusted next
 * round (a second change in that tick would not move the ctime) and is read
 * again; so is one on a filesystem whose ctime can be put back from
 * userspace (FAT, FUSE, ...: stamp_trust.h), every round. Names that are symlinks (or of unknown
 * type) are stat'ed on every probe: their target can change without their folder changing.
 */
#ifndef ZCCACHE_DIRCACHE_H
#define ZCCACHE_DIRCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct dircache;

int dircache_new(struct dircache **out);
void dircache_free(struct dircache *dc);
/* At most n folder descriptors kept open for dircache_dirfd (256 unless
 * fewer): the server's connections and its work share its limit. Folders
 * beyond it are stat'ed by path. */
void dircache_set_max_fds(struct dircache *dc, size_t n);

/* Start a round: every folder is checked again on its next probe. Memory is
 * released here (only here) when the cache has grown past its bound. */
void dircache_next_round(struct dircache *dc);

enum dircache_probe_bits {
	DIRCACHE_FILE = 1u << 0, /* dir/name exists and is not a folder: open() finds it */
	DIRCACHE_GCH = 1u << 1,  /* dir/name.gch exists (gcc would try it first) */
	/* dir/name is a symlink: where #pragma once decides by identity, a
	 * link and a copy of the same bytes are not the same include. */
	DIRCACHE_LINK = 1u << 2,
	/* The folder probed is a file (gcc warns "not a directory"; clang
	 * may read it as a header map): nothing is found in it. */
	DIRCACHE_NOT_A_FOLDER = 1u << 3,
};

struct dircache_probe {
	unsigned bits;
	/* The ctime of the folder that holds the last component, or
	 * DIRCACHE_NO_FOLDER when a folder on the way does not exist. */
	int64_t folder_ctime_ns;
	/* That folder's identity (0, 0 with no folder): compilers drop a
	 * search folder that is one they already search. */
	dev_t folder_dev;
	ino_t folder_ino;
};

#define DIRCACHE_NO_FOLDER INT64_MIN

/*
 * What the compiler finds at dir/name: dir absolute (as given, not made
 * canonical: a symlink swapped on the way must be seen), name relative and
 * possibly with folders ("sys/x.h", "../x.h"). Returns 0, or -errno when a
 * folder could not be read (the caller must then treat the answer as
 * changed). Cost: at most one stat per folder on the way per round, a
 * getdents pass for a folder that changed, and a stat for a name that is a
 * symlink.
 */
int dircache_probe(struct dircache *dc, const char *dir, const char *name,
                   struct dircache_probe *out);

/*
 * The same from a folder's handle, got once for many probes (a walk's
 * search folders): no path to hash per probe. A handle stays valid until
 * the next dircache_next_round(). NULL (out of memory): dircache_probe_in
 * falls back to dircache_probe.
 */
struct dircache_folder;
struct dircache_folder *dircache_folder(struct dircache *dc, const char *dir);
int dircache_probe_in(struct dircache *dc, struct dircache_folder *f, const char *dir,
                      const char *name, struct dircache_probe *out);

/*
 * The descriptor of path's folder, validated this round (one stat per
 * folder per round), and in *name path's last component: a file found
 * relative to it costs one lookup of its own name, not a walk of every
 * component of its path. AT_FDCWD and *name = path when there is none to
 * be had. Only within a round that began with the request: a folder
 * replaced after its validation is not seen.
 */
int dircache_dirfd(struct dircache *dc, const char *path, const char **name);

/*
 * A trace: which folders a series of probes consulted, and what each looked
 * like. While every one of them still looks the same (same dev, ino and
 * ctime, listing trusted), the same probes give the same answers, so a walk
 * of many names can be skipped for one stat per folder. A trace that saw a
 * symlink's target (stat'ed, not listed) or an untrusted listing is not
 * kept: those answers can change while every folder looks the same.
 */
struct dircache_trace;

/* Record every folder the probes from now on consult (replacing a trace
 * being recorded). Without memory, nothing is recorded. */
void dircache_trace_start(struct dircache *dc);
/* Stop recording; the trace when keep and it is usable, else NULL. */
struct dircache_trace *dircache_trace_stop(struct dircache *dc, bool keep);
/* Would the traced probes answer as they did? At most one stat per folder
 * per round. False when in doubt. */
bool dircache_trace_holds(struct dircache *dc, const struct dircache_trace *t);
void dircache_trace_free(struct dircache_trace *t);

struct dircache_stats {
	uint64_t folders, listings, stats;
	uint64_t traces_held; /* dircache_trace_holds said yes */
};
void dircache_get_stats(const struct dircache *dc, struct dircache_stats *out);

#endif
