/*
 * incpath: the folders a compile searches for its includes, in the
 * compiler's order, and what every name the compile may ask for finds in
 * them now. A result may be served only if that is what it found when it
 * was stored: a header created earlier in the search path than the one
 * used, a folder created where none was, a header that __has_include probed
 * and did not find appearing, a .gch put next to a header: each changes the
 * summary, so the lookup misses.
 *
 * The names come from the files themselves (every #include, #include_next,
 * #import and __has_include operand, see cscan_includes), so the work is
 * linear in the includes: for each name, one lookup in memory per folder
 * of its search chain (see dircache), never a stat per (folder, name).
 */
#ifndef ZCCACHE_INCPATH_H
#define ZCCACHE_INCPATH_H

#include <stddef.h>
#include <stdint.h>

#include "dircache.h"
#include "hash.h"

struct incpath {
	char **dirs; /* as the command or the compiler spelled them: relative to the cwd or absolute
	              */
	size_t n_dirs;
	size_t n_quote; /* dirs[0, n_quote): -iquote, searched by "..." only */
	size_t n_user;  /* the next n_user: -I and CPATH; the rest are system folders */
};

/* Where each list comes from; a *_path is a colon-separated variable
 * (CPATH, C_INCLUDE_PATH...), where an empty element is the cwd. */
struct incpath_spec {
	char *const *quote;
	size_t n_quote;
	char *const *user; /* -I */
	size_t n_user;
	const char *cpath;
	char *const *system; /* -isystem */
	size_t n_system;
	const char *lang_path; /* C_INCLUDE_PATH, CPLUS_INCLUDE_PATH or OBJC_INCLUDE_PATH */
	char *const *builtin;
	size_t n_builtin;
	char *const *after; /* -idirafter */
	size_t n_after;
};

int incpath_build(const struct incpath_spec *s, struct incpath *out);
void incpath_free(struct incpath *ip);

/* The digest of the folders and how they are split (quote, user, system):
 * for the direct key, since the compiler's own folders move with what its
 * driver finds installed. An empty search (none built) has one too.
 * 0 or -ENOMEM. */
int incpath_digest(const struct incpath *ip, struct digest *out);

/* What the walk found, summed so that two walks compare in 16 bytes. */
struct incpath_summary {
	uint64_t probes, sum;
};

struct incpath_walk {
	const struct incpath *ip;
	struct dircache *dc;
	const char *cwd;
	char **abs;                       /* ip->dirs made absolute */
	struct dircache_folder **folders; /* their handles (dircache_folder) */
	/*
	 * Called for every name found (a file or a .gch); a negative return
	 * stops the walk with that code. dir: the absolute folder searched.
	 */
	int (*found)(void *ctx, const char *dir, const char *name, const struct dircache_probe *p);
	void *ctx;
	struct incpath_summary summary;
	/* A compile that makes a PCH: gcc uses no .gch then, so a .gch
	 * (its own output, often) changes nothing (set after begin). */
	bool no_gch;
};

/* The folder part of path as spelled: "." for none, "/" for the root. */
void incpath_folder_of(const char *path, char *out, size_t n);

/* Start a walk in cwd (absolute). 0 or -ENOMEM. */
int incpath_walk_begin(struct incpath_walk *w, const struct incpath *ip, struct dircache *dc,
                       const char *cwd);
void incpath_walk_end(struct incpath_walk *w);

/*
 * Add what each of names (cscan_includes' format) finds, asked by the file
 * includer (its path as spelled, relative to the cwd or absolute; NULL for
 * the command line's -include and -imacros, which look in the cwd first).
 * 0, or -errno when a folder could not be read (treat as changed).
 */
int incpath_walk_names(struct incpath_walk *w, const char *includer, const char *names, size_t len);

#endif
