/*
 * cache_parts: what the cache's own maintenance modules (verify.c) may reach
 * inside a struct cache. The server uses cache.h only.
 */
#ifndef ZCCACHE_CACHE_PARTS_H
#define ZCCACHE_CACHE_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "cache.h"
#include "hash.h"

struct index;
struct store;

/* A result record names at most this many artifacts (one per output role). */
#define CACHE_RESULT_MAX_ARTIFACTS 8

struct index *cache_index(struct cache *c);
/* The index was found unusable (at open, or by a repair) and replaced by an
 * empty one since this cache was opened. */
bool cache_index_replaced(struct cache *c);
struct store *cache_artifacts(struct cache *c);
/* Manifests kept decoded in memory are dropped: call after changing the
 * index's manifests behind the cache's back. */
void cache_forget_manifests(struct cache *c);

/*
 * Decode a result record ("ZCR") and list the artifacts it names (at most
 * CACHE_RESULT_MAX_ARTIFACTS). 0, or -EBADMSG when the record does not decode.
 */
int cache_result_artifacts(const void *blob, size_t len, struct digest *out, size_t *n);

/* Called after each result is indexed, with its key and artifacts. */
typedef void cache_store_observer(void *ctx, const struct digest *result,
                                  const struct digest *artifacts, size_t n);
/* One observer at a time; fn NULL stops observing. */
void cache_observe_stores(struct cache *c, cache_store_observer *fn, void *ctx);

/*
 * The index is unreadable (why: the error): move it aside to index.old,
 * empty the store (nothing in it is reachable any more) and open a new,
 * empty index. 0 or -errno; on failure the cache has no index and must be
 * closed.
 */
int cache_reset_index(struct cache *c, int why);

#endif
