/*
 * cache: the cache engine's frame: opening and closing a cache, its
 * statistics and its maintenance (trim, flush, expiry). A compile's lookup
 * and store are cache_lookup.c's and cache_store.c's (cache_internal.h
 * says who owns what). Correctness first: any doubt is a miss, any failure
 * is a miss plus a counted error, never an output.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache_internal.h"
#include "cscan.h"
#include "dircache.h"
#include "family.h"
#include "index.h"
#include "key.h"
#include "log.h"
#include "manifest.h"
#include "manifest_memo.h"
#include "paths.h"
#include "programs.h"
#include "rmtree.h"
#include "search.h"
#include "store.h"
#include "sysheaders.h"

void cache_stat_add(struct cache *c, const char *name, uint64_t n)
{
	if (index_stats_add(c->index, name, n) < 0)
		log_warnx("cannot count %s", name);
}

void cache_stat_uncacheable(struct cache *c, const char *reason)
{
	char name[128];

	snprintf(name, sizeof(name), "uncacheable.%s", reason);
	cache_stat_add(c, name, 1);
}

/* A write refused for want of room: a full disk, a quota, the file size
 * limit (RLIMIT_FSIZE, EFBIG once SIGXFSZ is ignored) or the index's map
 * limit. Counted as error.disk_full, apart from a failing disk. */
bool cache_no_space(int r)
{
	return r == -ENOSPC || r == -EDQUOT || r == -EFBIG;
}

int64_t cache_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * The clock the kernel stamps files with (a tick behind the fine one): a
 * file written after this instant can never carry an earlier mtime/ctime.
 */
int64_t cache_now_coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

char *cache_abs_join(const char *cwd, const char *path)
{
	char *out;

	if (path[0] == '/')
		return strdup(path);
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		return NULL;
	return out;
}
/* ---- opening ---------------------------------------------------------- */

static int remove_artifact(const struct digest *d, uint64_t stored_bytes, void *ctx)
{
	struct cache *c = ctx;
	uint64_t freed = 0;

	store_remove(c->store, d, &freed);
	return 0;
}

/*
 * Remove every artifact: after a full flush or an index reset, nothing in the
 * store is referenced, including files orphaned by a crash between writing an
 * artifact and indexing it.
 */
static void wipe_store(struct cache *c, uint64_t *removed)
{
	if (c->store)
		store_foreach(c->store, remove_artifact, c);
	store_sweep_tmp(c->store, time(NULL) + 1, removed);
}

/* Another format, or damaged (why): keep it for inspection, start anew. */
static int replace_index(struct cache *c, const char *dir, int why)
{
	char aside[PATH_MAX + 64];
	int r;

	snprintf(aside, sizeof(aside), "%s.old", dir);
	log_errno(LOG_LEVEL_WARNING, why, "index %s unusable; moved to %s and the store emptied",
	          dir, aside);
	rmtree(aside); /* only the last one is kept, for inspection */
	if (rename(dir, aside) < 0)
		return -errno;
	c->index_replaced = true;
	/* Nothing in the store is reachable without its index. */
	wipe_store(c, NULL);
	r = paths_ensure_private_dir(dir, true);
	if (r < 0)
		return r;
	return index_open(dir, NULL, &c->index);
}

static int open_index(struct cache *c)
{
	char dir[PATH_MAX];
	int r;

	snprintf(dir, sizeof(dir), "%s/index", c->dir);
	r = paths_ensure_private_dir(dir, true);
	if (r < 0)
		return r;
	r = index_open(dir, NULL, &c->index);
	if (r == -EPROTO || r == -EBADMSG || r == -EINVAL)
		r = replace_index(c, dir, r);
	return r;
}

int cache_reset_index(struct cache *c, int why)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/index", c->dir);
	if (c->memo)
		manifest_memo_clear(c->memo);
	index_discard(c->index);
	c->index = NULL;
	return replace_index(c, dir, why);
}

bool cache_index_replaced(struct cache *c)
{
	return c->index_replaced;
}

struct index *cache_index(struct cache *c)
{
	return c->index;
}

void cache_forget_manifests(struct cache *c)
{
	manifest_memo_clear(c->memo);
}

struct store *cache_artifacts(struct cache *c)
{
	return c->store;
}

void cache_observe_stores(struct cache *c, cache_store_observer *fn, void *ctx)
{
	c->observer = fn;
	c->observer_ctx = ctx;
}

int cache_open(const struct cache_options *o, struct cache **out)
{
	struct cache *c = calloc(1, sizeof(*c));
	char sub[PATH_MAX];
	int r;

	if (!c)
		return -ENOMEM;
	c->dir = strdup(o->dir);
	c->level = o->compression_level;
	c->max_size = o->max_size;
	if (!c->dir) {
		r = -ENOMEM;
		goto fail;
	}
	r = paths_ensure_private_dir(c->dir, true);
	if (r < 0)
		goto fail;
	if (o->tmp_dir) {
		c->tmp_dir = strdup(o->tmp_dir);
		r = c->tmp_dir ? paths_ensure_private_dir(c->tmp_dir, true) : -ENOMEM;
		if (r < 0) {
			log_errno(LOG_LEVEL_WARNING, r, "depfiles go to the cache: %s unusable",
			          o->tmp_dir);
			free(c->tmp_dir);
			c->tmp_dir = NULL;
		}
	}
	if (!c->tmp_dir) {
		if (asprintf(&c->tmp_dir, "%s/tmp", o->dir) < 0) {
			c->tmp_dir = NULL;
			r = -ENOMEM;
			goto fail;
		}
		r = paths_ensure_private_dir(c->tmp_dir, true);
		if (r < 0)
			goto fail;
	}
	/* Left-over depfiles of compiles whose launcher never came back. */
	rmtree_contents(c->tmp_dir);
	/* Questions to a compiler run in a folder of their own: not the
	 * server's cwd (/), where a driver that writes would leave files. */
	snprintf(sub, sizeof(sub), "%s/probe", c->tmp_dir);
	if (mkdir(sub, 0700) == 0 || errno == EEXIST)
		compiler_set_probe_folder(sub);
	snprintf(sub, sizeof(sub), "%s/store", c->dir);
	r = store_open(sub, c->level, &c->store);
	if (r < 0)
		goto fail;
	r = open_index(c); /* after the store: a reset index empties it */
	if (r < 0)
		goto fail;
	r = hashcache_new(&c->hc);
	if (r < 0)
		goto fail;
	r = dircache_new(&c->dc);
	if (r < 0)
		goto fail;
	if (o->dir_fds)
		dircache_set_max_fds(c->dc, o->dir_fds);
	r = manifest_memo_new(MANIFEST_MEMO_BYTES, &c->memo);
	if (r < 0)
		goto fail;
	r = compiler_cache_new(&c->cc);
	if (r < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	cache_close(c);
	return r;
}

void cache_pending_free(struct pending *p)
{
	if (p->as_depfile) {
		unlink(p->as_depfile);
		free(p->as_depfile);
	}
	if (p->tmp_depfile) {
		unlink(p->tmp_depfile);
		free(p->tmp_depfile);
	}
	if (p->ld_depfile) {
		unlink(p->ld_depfile);
		free(p->ld_depfile);
	}
	compile_args_free(&p->args);
	incpath_free(&p->search);
	swap_record_free(p->before);
	private_output_free(&p->priv);
	free(p->cwd);
	preprocess_pending_free(p);
	free(p);
}

void cache_close(struct cache *c)
{
	struct pending *p, *next;

	if (!c)
		return;
	for (p = c->pending; p; p = next) {
		next = p->next;
		cache_pending_free(p);
	}
	if (c->index) {
		index_flush(c->index);
		index_close(c->index);
	}
	store_close(c->store);
	hashcache_free(c->hc);
	dircache_free(c->dc);
	manifest_memo_free(c->memo);
	compiler_cache_free(c->cc);
	free(c->cpu);
	free(c->dir);
	free(c->tmp_dir);
	free(c);
}

void cache_configure(struct cache *c, int compression_level, uint64_t max_size)
{
	c->level = compression_level;
	c->max_size = max_size;
	store_set_level(c->store, compression_level);
}
/* ---- maintenance -------------------------------------------------------- */

struct drop_ctx {
	struct cache *c;
	uint64_t dropped; /* results, for progress */
};

/* An evicted result takes its artifacts with it. Another result sharing an
 * artifact then misses (counted as a missing file) and is stored again. */
static int drop_entry(enum index_db db, const struct digest *key, const void *val, size_t len,
                      void *ctx)
{
	struct drop_ctx *dc = ctx;
	struct buf b = BUF_INIT;
	struct result r;

	if (dc->c->progress)
		dc->c->progress(dc->c->progress_ctx, ++dc->dropped);
	if (db == INDEX_MANIFESTS)
		manifest_memo_drop(dc->c->memo, key); /* the memo follows the index */
	if (db != INDEX_RESULTS)
		return 0;
	if (buf_append(&b, val, len) == 0 && cache_result_decode(&b, &r) == 0) {
		for (size_t k = 0; k < r.n_outs; k++)
			store_remove(dc->c->store, &r.outs[k].digest, NULL);
		cache_result_free(&r);
	}
	buf_free(&b);
	return 0;
}

int cache_trim(struct cache *c, uint64_t *evicted, uint64_t *freed)
{
	return cache_trim_to(c, c->max_size, NULL, evicted, freed);
}

/* Count evictions, and under "evictions.<why>" what caused them. */
static void count_evictions(struct cache *c, const char *why, uint64_t n)
{
	char name[64];

	if (!n)
		return;
	cache_stat_add(c, "evictions", n);
	if (why) {
		snprintf(name, sizeof(name), "evictions.%s", why);
		cache_stat_add(c, name, n);
	}
}

int cache_trim_to(struct cache *c, uint64_t budget, const char *why, uint64_t *evicted,
                  uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	*evicted = *freed = 0;
	r = index_evict_lru(c->index, budget, drop_entry, &dc, evicted, freed);
	if (r == 0)
		count_evictions(c, why, *evicted);
	return r;
}

int cache_expire(struct cache *c, time_t cutoff, uint64_t *evicted, uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	*evicted = *freed = 0;
	r = index_evict_older_than(c->index, cutoff, drop_entry, &dc, evicted, freed);
	if (r == 0)
		count_evictions(c, "max_age", *evicted);
	return r;
}

uint64_t cache_bytes(struct cache *c)
{
	return index_total_bytes(c->index);
}

void cache_set_progress(struct cache *c, void (*fn)(void *ctx, uint64_t done), void *ctx)
{
	c->progress = fn;
	c->progress_ctx = ctx;
}

int cache_flush(struct cache *c, time_t older_than, uint64_t *evicted, uint64_t *freed)
{
	struct drop_ctx dc = {c, 0};
	int r;

	manifest_memo_clear(c->memo); /* entries go under it */
	if (older_than < 0) {
		r = index_clear(c->index, drop_entry, &dc, evicted, freed);
		if (cache_no_space(r)) {
			/* LMDB copies pages on write: on a full disk even a delete
			 * needs room. Removing the artifacts first makes it; an
			 * index naming them meanwhile only gives misses. */
			log_errno(LOG_LEVEL_WARNING, r, "flush: emptying the store first");
			wipe_store(c, NULL);
			r = index_clear(c->index, drop_entry, &dc, evicted, freed);
		}
		if (r == 0)
			wipe_store(c, NULL);
	} else
		r = index_evict_older_than(c->index, older_than, drop_entry, &dc, evicted, freed);
	hashcache_clear(c->hc);
	return r;
}

bool cache_over_limit(struct cache *c)
{
	return index_total_bytes(c->index) > c->max_size;
}

void cache_flush_batches(struct cache *c, bool sync)
{
	int r = sync ? index_flush(c->index) : index_write_batches(c->index);

	if (r < 0)
		log_errno(LOG_LEVEL_WARNING, r, "cannot write statistics and access times");
}

void cache_count(struct cache *c, const char *name, uint64_t n)
{
	cache_stat_add(c, name, n);
}

static int add_stat(const char *name, uint64_t value, void *ctx)
{
	json_object_set_new(ctx, name, json_integer((json_int_t)value));
	return 0;
}

json_t *cache_stats_json(struct cache *c)
{
	json_t *o = json_object();

	index_flush(c->index);
	index_stats_get_all(c->index, add_stat, o);
	return o;
}

int cache_zero_stats(struct cache *c)
{
	return index_stats_zero(c->index);
}

void cache_get_info(struct cache *c, struct cache_info *out)
{
	uint64_t hits = 0, misses = 0, pp_hits = 0, pp_misses = 0;

	index_flush(c->index);
	index_stats_get(c->index, "direct_hit", &hits);
	index_stats_get(c->index, "depend_miss", &misses);
	/* Preprocessor mode's (preprocess.h) count as hits and misses too. */
	index_stats_get(c->index, "preprocessor_hit", &pp_hits);
	index_stats_get(c->index, "preprocessor_miss", &pp_misses);
	hits += pp_hits;
	misses += pp_misses;
	out->entries = index_db_count(c->index, INDEX_RESULTS);
	out->bytes = index_total_bytes(c->index);
	out->max_size = c->max_size;
	out->hits = hits;
	out->misses = misses;
}

struct compiler_cache *cache_compilers(struct cache *c)
{
	return c->cc;
}

uint64_t cache_counter(struct cache *c, const char *name)
{
	uint64_t v = 0;

	return index_stats_get(c->index, name, &v) == 0 ? v : 0;
}
