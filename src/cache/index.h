/*
 * index: the LMDB environment in <cache_dir>/index/. Owns the databases that
 * map keys to manifests and results, the persistent stats counters, access
 * times and size accounting for LRU eviction. Values are opaque blobs.
 */
#ifndef ZCCACHE_INDEX_H
#define ZCCACHE_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "hash.h"

/* Bump when the layout of any database changes; older indexes are refused. */
#define INDEX_FORMAT_VERSION 2 /* 2: manifests record the include search (format 5) */
/* Opens in a row without a clean close after which the index is treated as
 * damaged (a server crash-looping on it). SIGKILL alone does not damage
 * LMDB, so this is generous. */
#define INDEX_UNCLEAN_LIMIT 10

enum index_db {
	INDEX_MANIFESTS, /* direct key -> manifest blob */
	INDEX_RESULTS,   /* result key -> result blob */
};

struct index_options {
	uint64_t initial_map_bytes; /* 0: 64 MiB */
	uint64_t max_map_bytes;     /* 0: 16 GiB (1 GiB on 32-bit); then -ENOSPC */
	/* Unless the index was closed cleanly and data.mdb is unchanged since,
	 * open first walks it end to end in a forked child (reads, plus
	 * deleting everything in a txn that is aborted), so that a damaged
	 * file is refused instead of crashing the server later: LMDB trusts
	 * its pages. ~25 ms per 20k entries; set this to never do it. */
	bool skip_deep_check;
};

struct index;

/*
 * Every call returns 0 or a negative errno; LMDB codes are mapped
 * (MDB_NOTFOUND -> -ENOENT, MDB_CORRUPTED/MDB_INVALID/... -> -EBADMSG,
 * MDB_MAP_FULL past max_map_bytes -> -ENOSPC). A full map is grown by
 * doubling and the transaction retried; nobody else sees it.
 *
 * Threads: one thread (the server's) owns the index. index_get, and only it,
 * may also be called from other threads at the same time: LMDB readers never
 * wait for the writer, and map growth excludes them with a rwlock.
 */

/*
 * Open or create the index in dir (created 0700, files 0600). Fails with
 * -EPROTO for an index of another format version or a foreign LMDB
 * environment, -EBADMSG for a damaged or truncated one, or for one that was
 * opened 3 times in a row without index_close (a crash loop: damage LMDB
 * only trips over in a commit). In those cases the caller moves dir aside
 * and opens a fresh one. opts may be NULL; zeroed
 * fields mean the defaults. Cost: the deep check, then a write txn.
 */
int index_open(const char *dir, const struct index_options *opts, struct index **out);
/* Flushes pending stats and access times, then closes. */
void index_close(struct index *idx);
/* Close a damaged index: no flush (it would write into the damage), and the
 * state file is not stamped clean. */
void index_discard(struct index *idx);

/*
 * Append the value of key in db to val. -ENOENT when absent, -EBADMSG when
 * the stored value fails its checksum (the caller should index_del it);
 * val->len is unchanged on error. Cost: a read txn (reused, no syscall).
 */
int index_get(struct index *idx, enum index_db db, const struct digest *key, struct buf *val);

/*
 * Insert or replace key in db with the given value. accounted_bytes is the
 * size charged against the eviction budget (for a result: the total
 * stored_bytes of its artifacts; for a manifest e.g. its length, or 0); the
 * access time is set to now. Cost: a write txn (not synced; see index_flush).
 */
int index_put(struct index *idx, enum index_db db, const struct digest *key, const void *val,
              size_t len, uint64_t accounted_bytes, time_t now);

/* Remove key from db and from the accounting. -ENOENT if absent. Write txn. */
int index_del(struct index *idx, enum index_db db, const struct digest *key);

/*
 * Record a hit: remembered in memory only, written on index_flush. Cost: no
 * txn (a hash table insert; an automatic flush after 64k distinct keys).
 */
int index_touch(struct index *idx, enum index_db db, const struct digest *key, time_t now);

/*
 * Write pending stats deltas and access times in one write txn, then flush
 * every commit since the last call to disk (commits themselves do not sync).
 * Called once a tick and on close.
 */
int index_flush(struct index *idx);
/* The same without the sync: for a server that is busy (a sync can stall it
 * while the kernel writes back what a build left dirty). */
int index_write_batches(struct index *idx);

/* Add delta to a named counter (name: 1..64 bytes). Memory only. */
int index_stats_add(struct index *idx, const char *name, uint64_t delta);
/* Counter value including unflushed deltas; 0 if never set. Read txn. */
int index_stats_get(struct index *idx, const char *name, uint64_t *value);
/*
 * Call fn for every counter in name order, values including unflushed
 * deltas. A non-zero return from fn stops and is returned. Read txn.
 */
int index_stats_get_all(struct index *idx, int (*fn)(const char *name, uint64_t value, void *ctx),
                        void *ctx);
/* Drop every counter, persisted and pending. Write txn. */
int index_stats_zero(struct index *idx);

/*
 * Called once per evicted entry AFTER its removal is committed, with the
 * entry's value (NULL, 0 when that value failed its checksum), so that the
 * caller can remove the store files it names. A crash between the commit
 * and drop() leaves orphan files, never an index entry without its files.
 * A negative return is remembered and returned at the end; eviction goes on.
 */
typedef int (*index_drop_fn)(enum index_db db, const struct digest *key, const void *val,
                             size_t len, void *ctx);

/*
 * Remove least recently used entries (both dbs, by access time, pending
 * touches included) until index_total_bytes() <= budget_bytes. drop may be
 * NULL; the counters may be NULL. Cost: a flush, then one write txn per
 * 4096 evicted entries.
 */
int index_evict_lru(struct index *idx, uint64_t budget_bytes, index_drop_fn drop, void *ctx,
                    uint64_t *evicted_entries, uint64_t *freed_bytes);
/* Remove every entry last accessed before cutoff. Same costs as above. */
int index_evict_older_than(struct index *idx, time_t cutoff, index_drop_fn drop, void *ctx,
                           uint64_t *evicted_entries, uint64_t *freed_bytes);
/* Remove every manifest and result (stats are kept). Same costs as above. */
int index_clear(struct index *idx, index_drop_fn drop, void *ctx, uint64_t *evicted_entries,
                uint64_t *freed_bytes);

/* Sum of accounted_bytes and number of entries over both dbs. O(1), no txn. */
uint64_t index_total_bytes(const struct index *idx);
uint64_t index_entry_count(const struct index *idx);
/* Entries of one database (a read txn; for status, not for hot paths). */
uint64_t index_db_count(struct index *idx, enum index_db db);
/* Current LMDB map size (grows on demand). No txn. */
uint64_t index_map_bytes(const struct index *idx);

/* ---- verification (zccachectl verify) ---- */

struct index_item {
	struct digest key;
	bool tag_ok;    /* the value passed its checksum */
	struct buf val; /* the value when tag_ok, else empty */
};

/*
 * Copy up to max entries of db, in key order, starting after key *after (from
 * the first when after is NULL), into items. Returns how many (0: the end)
 * or a negative errno (-EBADMSG: LMDB reports damage). The caller frees them
 * with index_items_free. Cost: one read txn; no write happens meanwhile, so
 * the caller may index_del between calls and resume after the last key.
 */
int index_scan(struct index *idx, enum index_db db, const struct digest *after,
               struct index_item *items, size_t max);
void index_items_free(struct index_item *items, size_t n);

struct index_audit {
	uint64_t recorded_bytes, recorded_entries; /* what the totals say */
	uint64_t counted_bytes, counted_entries;   /* sums over the access records */
	uint64_t db_entries;                       /* manifests + results */
	uint64_t atime_records;                    /* should equal counted_entries */
	uint64_t stray_records;                    /* access records whose entry is gone */
	uint64_t unaccounted_entries;              /* entries without an access record */
};

/*
 * The deep check index_open does on an unclean open, now: every page read
 * and exercised in a forked child, so that damage LMDB would crash on (it
 * trusts its pages) is found without crashing the caller. 0 or -EBADMSG.
 * Blocks for the walk (~25 ms per 20k entries); nothing may write meanwhile.
 */
int index_check_file(struct index *idx);

/* Check the size accounting against the entries. Read txn over everything. */
int index_audit(struct index *idx, struct index_audit *out);
/* True when nothing in the audit is out of step. */
bool index_audit_consistent(const struct index_audit *a);
/*
 * Make the accounting consistent: drop access records without an entry and
 * entries without an access record (eviction could never reach them),
 * rebuild the atime db, rewrite the totals. out gets what was found. One
 * write txn over everything.
 */
int index_repair_accounting(struct index *idx, struct index_audit *out);

#endif
