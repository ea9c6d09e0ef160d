/*
 * cache: the engine behind a compile request. lookup() classifies the
 * invocation, computes the direct key and, on a hit, puts every output in
 * place and hands back the compiler's output; on a miss it says what to run
 * and remembers the compile under a token until store() brings its result.
 * The server owns the connections; this module owns keys, store and index.
 */
#ifndef ZCCACHE_CACHE_H
#define ZCCACHE_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "hash.h"

struct cache;

struct cache_options {
	const char *dir; /* the cache root; index/ and store/ go inside */
	/* Where compiles write the depfiles the cache asks for: best on another
	 * filesystem (the runtime folder), so that a full or read-only cache
	 * disk never fails a compile. NULL, or unusable: <dir>/tmp. */
	const char *tmp_dir;
	int compression_level;
	uint64_t max_size;
	/* Folder descriptors the cache may keep open (0: its default, 256). */
	size_t dir_fds;
};

/* Opens (creating) the cache. An index of another format is moved aside. */
int cache_open(const struct cache_options *o, struct cache **out);
void cache_close(struct cache *c);
void cache_configure(struct cache *c, int compression_level, uint64_t max_size);

struct cache_request {
	const char *compiler; /* resolved path */
	int argc;
	const char *const *argv;
	const char *cwd;
	/* The launcher's environment subset: name -> value. */
	const char *(*getenv)(void *ctx, const char *name);
	void *env_ctx;
	/* The names of the variables sent (room for max; they live as long as
	 * env_ctx): how many there are, which may be more than max. NULL: the
	 * caller cannot list them (then none is keyed by prefix). */
	size_t (*env_names)(void *ctx, const char **names, size_t max);
	bool stderr_tty;
	mode_t umask;
	/* The launcher serves CACHE_SPLIT; without it, several sources are
	 * CACHE_RUN (multiple_sources). */
	bool can_split;
	/* One source of a split command (multi_source.h): counted as such. */
	bool part;
	/* A hit only when the compiler printed nothing: a result with output
	 * is CACHE_RUN (multi_source_diagnostics), its outputs untouched. */
	bool silent_only;
	/* The launcher's stdout / stderr cannot take writes (a full device, a
	 * read-only descriptor...): a hit that would print there is not
	 * served, nor a miss run through the launcher's tee (the compiler
	 * must meet the stream itself). */
	bool stdout_unwritable, stderr_unwritable;
};

enum cache_action {
	CACHE_HIT,       /* outputs are in place; replay out/err, exit with exit_code */
	CACHE_RUN_STORE, /* run run_argv, then store() under token */
	CACHE_RUN,       /* run the original command; nothing to store */
	CACHE_SPLIT,     /* several sources: ask for each alone (sources) */
	/* Preprocessor mode (preprocess.h): run run_argv (the -E, writing
	 * preprocessed), then cache_preprocessed() under token. */
	CACHE_PREPROCESS,
};

struct cache_decision {
	enum cache_action action;
	char reason[96]; /* CACHE_RUN: the stats name of why; else empty */
	int exit_code;
	struct buf out, err;
	char **run_argv; /* NULL-terminated */
	/* The object's own folder for a miss (private_output.h): the launcher
	 * makes private_dir, and renames private_object to final_object once
	 * the result is stored. NULL when the compile writes in place. */
	char *private_dir, *private_object, *final_object;
	/* The driver prints the command it ran when it fails (emcc): the
	 * launcher shows a miss's output only once it succeeded, and runs a
	 * failed compile again as given (family.h). */
	bool echoes_command;
	/* Its outputs are inputs of the build's next compiles (a Rust crate,
	 * a PCH): the launcher ends only once the file clock has moved on. */
	bool settle;
	char token[40];
	struct digest key;
	char explain[512]; /* why it missed, for `zccachectl explain` */
	/* CACHE_SPLIT: the index in the request's argv of each source. */
	size_t *sources;
	size_t n_sources;
	/* CACHE_PREPROCESS: the file the -E writes; whether its text must be
	 * checked for assembler includes (pptext.h), and as an assembler
	 * source's; the refusal that sent the unit there. */
	char *preprocessed;
	bool scan_asm, asm_source;
	char route[48];
};

int cache_lookup(struct cache *c, const struct cache_request *req, struct cache_decision *d);
void cache_decision_free(struct cache_decision *d);

/*
 * What the launcher reports of the -E under token (CACHE_PREPROCESS): its
 * exit status, and when it ran, the digests of its output and stderr and
 * whether that output may include files (pptext.h). d is then decided as
 * by cache_lookup: CACHE_HIT, CACHE_RUN_STORE under the same token, or
 * CACHE_RUN with the reason counted. A failed -E, or none, is
 * preprocess_failed.
 */
struct cache_preprocessed {
	int exit_code;
	const struct digest *text, *err; /* NULL: not read */
	bool may_include;
	/* The files its line markers say it entered (pptext_entered), each
	 * once; NULL: not known, which fails it like an unread text. */
	const char *const *entered;
	size_t n_entered;
};
int cache_preprocessed(struct cache *c, const char *token, const struct cache_preprocessed *pp,
                       struct cache_decision *d);

/*
 * The result of the compile started under token. Returns 0 when stored,
 * 1 when deliberately not stored (why says which counter rose), or -errno.
 * The token is consumed either way.
 */
int cache_store(struct cache *c, const char *token, int exit_code, const void *out, size_t out_len,
                const void *err, size_t err_len, int64_t duration_ms, const char **why);
/*
 * The same in two halves, so that the launcher is answered between them:
 * begin takes everything the build may change next (the outputs, read into
 * memory; the user's depfile, filtered) and returns 0 with *job when the
 * rest must follow, else as cache_store; finish hashes the closure, writes
 * the store and the index, and frees job, returning as cache_store.
 */
struct cache_store_job;
int cache_store_begin(struct cache *c, const char *token, int exit_code, const void *out,
                      size_t out_len, const void *err, size_t err_len, int64_t duration_ms,
                      struct cache_store_job **job, const char **why);
int cache_store_finish(struct cache *c, struct cache_store_job *job, const char **why);
/* The compile under token will never be stored (its launcher went away). */
void cache_abandon(struct cache *c, const char *token);

/* Count something the server saw (e.g. "joined"). */
void cache_count(struct cache *c, const char *name, uint64_t n);

/* Statistics as {"name": count}, plus derived figures. */
json_t *cache_stats_json(struct cache *c);
int cache_zero_stats(struct cache *c);
struct cache_info {
	uint64_t entries, bytes, max_size, hits, misses;
};
void cache_get_info(struct cache *c, struct cache_info *out);

/* The compilers the cache has identified, for identification off the
 * server's loop (compiler.h). */
struct compiler_cache;
struct compiler_cache *cache_compilers(struct cache *c);

/* Evict to max_size (or older than cutoff, or everything when cutoff < 0). */
int cache_trim(struct cache *c, uint64_t *evicted, uint64_t *freed);
/* Least recently used first, down to budget bytes; counted as evictions and,
 * when why is set, evictions.<why>. Same cost as cache_trim. */
int cache_trim_to(struct cache *c, uint64_t budget, const char *why, uint64_t *evicted,
                  uint64_t *freed);
/* Every entry not used since cutoff (max_age), counted as evictions.max_age.
 * Cost: a scan of the index. */
int cache_expire(struct cache *c, time_t cutoff, uint64_t *evicted, uint64_t *freed);
/* One counter's value (0 when never counted). Cost: a read txn. */
uint64_t cache_counter(struct cache *c, const char *name);
/* Bytes the index accounts for. O(1). */
uint64_t cache_bytes(struct cache *c);
/* Called with the count so far for every entry (manifest or result) that
 * trim, flush or expire drops, until unset (fn NULL). */
void cache_set_progress(struct cache *c, void (*fn)(void *ctx, uint64_t done), void *ctx);
int cache_flush(struct cache *c, time_t older_than, uint64_t *evicted, uint64_t *freed);
/* Write batched stats and access times; call every second or so. With
 * sync, also flush the index to disk (commits do not sync). */
void cache_flush_batches(struct cache *c, bool sync);
bool cache_over_limit(struct cache *c);

#endif
