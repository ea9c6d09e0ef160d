/*
 * cache_internal: what the files of the cache engine share and nobody else
 * sees: struct cache and its pending compiles, the result record, and the
 * helpers each file lends the others. Who owns what:
 *   cache.c         opening, closing, statistics, maintenance (trim, flush)
 *   cache_result.c  the result record's codec
 *   cache_outputs.c depfiles and output files, and a hit's materialization
 *   cache_lookup.c  a compile's lookup: key, hit, or the argv of a miss
 *   cache_store.c   a miss's store: outputs, closure, manifest, index
 * (verify.c, outside, reaches in through cache_parts.h.)
 */
#ifndef ZCCACHE_CACHE_INTERNAL_H
#define ZCCACHE_CACHE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "args.h"
#include "buf.h"
#include "cache.h"
#include "cache_parts.h"
#include "compiler.h"
#include "depfile.h"
#include "hash.h"
#include "hashcache.h"
#include "incpath.h"
#include "private_output.h"
#include "reasons.h"
#include "swap_check.h"

#define RESULT_FORMAT 3
/* Decoded manifests kept in memory (see manifest_memo). */
#define MANIFEST_MEMO_BYTES (64u << 20)
/* A compile is remembered this long waiting for its store request. */
#define PENDING_MAX 4096

/*
 * What an output is. The C roles are named by the command (-o, -gsplit-dwarf,
 * --coverage, -fstack-usage: cache_role_path); ROLE_FILE is any other file a
 * family's compile writes (rustc's .rlib, .rmeta and dep-info), put back at
 * its recorded path. Append new ones; the numbers are in result records.
 */
enum output_role { ROLE_OBJECT, ROLE_DWO, ROLE_GCNO, ROLE_SU, ROLE_FILE, ROLE_COUNT };
extern const char *const cache_role_names[ROLE_COUNT];

/* The extra inputs' digests as the key took them, before the compile ran
 * (args.h extra_inputs, in order). */
#define PENDING_EXTRA_MAX 64
struct pending_extra {
	struct digest digest[PENDING_EXTRA_MAX];
	bool present[PENDING_EXTRA_MAX];
	size_t n;
};

struct pending {
	struct pending *next;
	char token[40];
	struct digest key;
	struct compile_args args;
	const struct compiler_info *ci;
	char *cwd;
	char *tmp_depfile; /* ours, when the build asked for none */
	char *as_depfile;  /* the assembler's own (see cache_assembler_reports) */
	struct pending_extra extra;
	char *ld_depfile; /* the linker's (family.h link_depfile_arg) */
	int64_t started_ns;
	struct digest source;
	bool date_epoch; /* SOURCE_DATE_EPOCH pins __DATE__/__TIME__ */
	bool printed;    /* the compile wrote to stderr (set when it is stored) */
	mode_t umask;
	struct incpath search; /* the include search, for the manifest */
	/* Where the object is written until the launcher moves it into place;
	 * object NULL when it is written in place. */
	struct private_output priv;
	/* Preprocessor mode (preprocess.h): the refusal that sent it there
	 * (empty: direct mode), the -E's output file, and the compile's argv
	 * with the private-output plan, given once the -E missed. */
	char route[48];
	char *preprocessed;
	char **run_argv;
	bool echoes_command;
	/* The files the -E entered: the compile must have read each, or it
	 * read a precompiled header in its place (cache_store.c). */
	char **entered;
	size_t n_entered;
	/* The -E printed nothing (no "current file is older than" warning a
	 * dependency pragma could have given). */
	bool preprocessed_quietly;
	/* The route (a reasons.h name) this unit would take to preprocessor
	 * mode, where its last compile printed: run as a direct miss, never
	 * stored; silent, it clears the record and goes there again. */
	char printed_route[48];
	/* In preprocessor mode, the direct key (key is then the result's). */
	struct digest direct_key;
	/* The folders as they were when the compile started (swap_check.h). */
	struct swap_record *before;
};

struct cache {
	char *dir, *tmp_dir;
	struct store *store;
	struct index *index;
	struct hashcache *hc;
	struct dircache *dc;
	struct manifest_memo *memo;
	struct compiler_cache *cc;
	struct pending *pending;
	size_t n_pending;
	uint64_t token_seq;
	char *cpu;
	uint64_t max_size;
	int level;
	bool index_replaced;            /* found unusable and replaced since the cache opened */
	cache_store_observer *observer; /* a verify in progress */
	void *observer_ctx;
	void (*progress)(void *ctx, uint64_t done); /* a trim or flush shown on a terminal */
	void *progress_ctx;
};

/*
 * One file a compile wrote: its role, its path as the compile named it
 * (relative to the cwd unless absolute), the permission bits it had, and
 * its artifact. A hit writes a role the command names itself (-o, -MF and
 * kin: cache_role_path) where the command says, any other at path.
 */
struct result_output {
	enum output_role role;
	char *path;
	mode_t mode;
	struct digest digest;
};

/* The outputs of one result, in the order the compile finished them
 * (a hit writes them in the reverse order: the object last). */
#define RESULT_MAX_OUTPUTS CACHE_RESULT_MAX_ARTIFACTS

struct result {
	struct result_output outs[RESULT_MAX_OUTPUTS];
	size_t n_outs;
	struct buf out, err; /* the compiler's stdout and stderr, as bytes */
	char **deps;         /* the full prerequisite list, as the depfile spelled it */
	size_t n_deps, source_index;
	int64_t duration_ms;
};

/* A reason's stats name, from its row in reasons.h (a typo fails to build). */
#define REASON(id) cache_reason_name(CACHE_REASON_##id)

/* cache.c */
void cache_stat_add(struct cache *c, const char *name, uint64_t n);
void cache_stat_uncacheable(struct cache *c, const char *reason);
/* A write refused for want of room (counted as error.disk_full). */
bool cache_no_space(int r);
int64_t cache_now_ns(void);
/* The clock the kernel stamps files with (see cache.c). */
int64_t cache_now_coarse_ns(void);
/* cwd/path, or a copy of an absolute path; NULL on ENOMEM. */
char *cache_abs_join(const char *cwd, const char *path);
void cache_pending_free(struct pending *p);

/* cache_result.c */
void cache_result_free(struct result *r);
int cache_result_decode(const struct buf *blob, struct result *r);
int cache_result_encode(const struct result *r, const void *out, size_t out_len, const void *err,
                        size_t err_len, char *const *deps, size_t n_deps, struct buf *b);
/* Its output of role, or NULL. */
const struct result_output *cache_result_output(const struct result *r, enum output_role role);

/* cache_store.c: note the folders the compile about to run will meet
 * (p->before, swap_check.h). */
void cache_store_record_folders(struct pending *p);

/* cache_outputs.c */
const char *cache_role_path(const struct compile_args *a, enum output_role role);
int cache_filter_mmd(struct cache *c, const struct compile_args *a, const struct compiler_info *ci,
                     const struct incpath *search, const char *cwd, struct depfile *deps);
int cache_render_depfile(const struct compile_args *a, struct depfile *deps, struct buf *out);
int cache_write_output(const char *path, const void *p, size_t n, mode_t mode, bool through_links);
int cache_materialize(struct cache *c, const struct compile_args *a, const char *cwd,
                      const struct compiler_info *ci, struct result *r, mode_t mode,
                      bool *dest_failed, bool *damaged);

/* cache_lookup.c */
bool cache_preprocessed_language(const char *lang);
bool cache_assembler_reports(const struct compile_args *a);
bool cache_unreported_asm_includes(const struct compile_args *a, const struct file_digest *fd);
bool cache_is_process_path(const char *p);
/* What a pending compile holds for preprocessor mode (cache.c frees it). */
void preprocess_pending_free(struct pending *p);

#endif
