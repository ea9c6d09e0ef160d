/*
 * Unit tests for the LMDB index: values come back for their own key only,
 * accounting is exact, eviction takes the least recently used first, and a
 * damaged or foreign index is refused at open instead of crashing us.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <lmdb.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "index.h"
#include "log.h"

struct fixture {
	char root[256];
	char dir[300];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/zccache-test-index-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->dir, sizeof(f->dir), "%s/index", f->root);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rmtree(f->root);
	free(f);
	return 0;
}

static struct digest key_n(unsigned n)
{
	struct digest d;

	digest_mem(&n, sizeof(n), &d);
	return d;
}

static void assert_value(struct index *idx, enum index_db db, unsigned n, const char *expect)
{
	struct digest k = key_n(n);
	struct buf b = BUF_INIT;

	assert_int_equal(index_get(idx, db, &k, &b), 0);
	assert_int_equal(b.len, strlen(expect));
	assert_memory_equal(b.data, expect, b.len);
	buf_free(&b);
}

static void assert_absent(struct index *idx, enum index_db db, unsigned n)
{
	struct digest k = key_n(n);
	struct buf b = BUF_INIT;

	assert_int_equal(index_get(idx, db, &k, &b), -ENOENT);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void put_str(struct index *idx, enum index_db db, unsigned n, const char *val,
                    uint64_t bytes, time_t now)
{
	struct digest k = key_n(n);

	assert_int_equal(index_put(idx, db, &k, val, strlen(val), bytes, now), 0);
}

static int touch_n(struct index *idx, enum index_db db, unsigned n, time_t now)
{
	struct digest k = key_n(n);

	return index_touch(idx, db, &k, now);
}

static bool is_key(const struct digest *d, unsigned n)
{
	struct digest k = key_n(n);

	return digest_equal(d, &k);
}

static void test_put_get_del_per_db(void **state)
{
	struct fixture *f = *state;
	struct index *idx;
	struct digest k = key_n(1), missing = key_n(99);
	struct stat st;
	char path[400];

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_int_equal(stat(f->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	snprintf(path, sizeof(path), "%s/data.mdb", f->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* The same key in two dbs holds two values. */
	put_str(idx, INDEX_MANIFESTS, 1, "manifest one", 0, 100);
	put_str(idx, INDEX_RESULTS, 1, "result one", 1000, 100);
	put_str(idx, INDEX_RESULTS, 2, "", 50, 100);
	assert_value(idx, INDEX_MANIFESTS, 1, "manifest one");
	assert_value(idx, INDEX_RESULTS, 1, "result one");
	assert_value(idx, INDEX_RESULTS, 2, "");
	assert_absent(idx, INDEX_MANIFESTS, 2);
	assert_int_equal(index_entry_count(idx), 3);
	assert_int_equal(index_total_bytes(idx), 1050);

	/* Replacing charges the new size, not both. */
	put_str(idx, INDEX_RESULTS, 1, "result one, again", 700, 101);
	assert_value(idx, INDEX_RESULTS, 1, "result one, again");
	assert_int_equal(index_entry_count(idx), 3);
	assert_int_equal(index_total_bytes(idx), 750);

	assert_int_equal(index_del(idx, INDEX_MANIFESTS, &k), 0);
	assert_absent(idx, INDEX_MANIFESTS, 1);
	assert_value(idx, INDEX_RESULTS, 1, "result one, again");
	assert_int_equal(index_del(idx, INDEX_MANIFESTS, &k), -ENOENT);
	assert_int_equal(index_del(idx, INDEX_RESULTS, &missing), -ENOENT);
	assert_int_equal(index_entry_count(idx), 2);
	assert_int_equal(index_total_bytes(idx), 750);
	assert_int_equal(index_get(idx, (enum index_db)7, &k, &(struct buf)BUF_INIT), -EINVAL);

	/* Everything, accounting included, survives a restart. */
	index_close(idx);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_value(idx, INDEX_RESULTS, 1, "result one, again");
	assert_value(idx, INDEX_RESULTS, 2, "");
	assert_int_equal(index_entry_count(idx), 2);
	assert_int_equal(index_total_bytes(idx), 750);
	index_close(idx);
}

/* Open the environment behind the index's back, as a damaged disk would. */
static void raw_put(const char *dir, const char *db, const void *key, size_t klen, const void *val,
                    size_t vlen)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val k = {klen, (void *)key}, v = {vlen, (void *)val};

	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, db, MDB_CREATE, &dbi), 0);
	assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

static void test_format_version_mismatch_refused(void **state)
{
	struct fixture *f = *state;
	struct index *idx;
	uint8_t v2[8] = {INDEX_FORMAT_VERSION + 1};
	char foreign[400];

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	index_close(idx);
	raw_put(f->dir, "meta", "format", 6, v2, sizeof(v2));
	log_set_level(LOG_LEVEL_ERR);
	assert_int_equal(index_open(f->dir, NULL, &idx), -EPROTO);
	assert_null(idx);

	/* Someone else's LMDB environment is not ours either. */
	snprintf(foreign, sizeof(foreign), "%s/foreign", f->root);
	assert_int_equal(mkdir(foreign, 0700), 0);
	raw_put(foreign, NULL, "hello", 5, "world", 5);
	assert_int_equal(index_open(foreign, NULL, &idx), -EPROTO);
	log_set_level(LOG_LEVEL_INFO);
}

static void test_value_checksum(void **state)
{
	struct fixture *f = *state;
	struct index *idx;
	struct digest k1 = key_n(1), k2 = key_n(2);
	struct buf b = BUF_INIT;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	MDB_val v, kv = {16, k2.bytes};
	uint8_t copy[64];

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	put_str(idx, INDEX_RESULTS, 1, "value of key one", 10, 1);
	index_close(idx);

	/* Key one's stored value under key two: must not be key two's hit. */
	assert_int_equal(mdb_env_create(&env), 0);
	assert_int_equal(mdb_env_set_maxdbs(env, 8), 0);
	assert_int_equal(mdb_env_open(env, f->dir, 0, 0600), 0);
	assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
	assert_int_equal(mdb_dbi_open(txn, "results", 0, &dbi), 0);
	assert_int_equal(mdb_get(txn, dbi, &(MDB_val){16, k1.bytes}, &v), 0);
	assert_true(v.mv_size <= sizeof(copy));
	memcpy(copy, v.mv_data, v.mv_size);
	v.mv_data = copy;
	assert_int_equal(mdb_put(txn, dbi, &kv, &v, 0), 0);
	/* And a flipped byte in key one's own value. */
	copy[3] ^= 0x20;
	assert_int_equal(mdb_put(txn, dbi, &(MDB_val){16, k1.bytes}, &v, 0), 0);
	assert_int_equal(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	log_set_level(LOG_LEVEL_ERR);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_int_equal(buf_append(&b, "x", 1), 0);
	assert_int_equal(index_get(idx, INDEX_RESULTS, &k2, &b), -EBADMSG);
	assert_int_equal(index_get(idx, INDEX_RESULTS, &k1, &b), -EBADMSG);
	assert_int_equal(b.len, 1);
	log_set_level(LOG_LEVEL_INFO);
	index_close(idx);
	buf_free(&b);
}

static void test_map_grows(void **state)
{
	struct fixture *f = *state;
	struct index_options opts = {.initial_map_bytes = 1 << 20, .max_map_bytes = 256 << 20};
	struct index *idx;
	char val[2048];
	unsigned n = 4000;

	assert_int_equal(index_open(f->dir, &opts, &idx), 0);
	assert_int_equal(index_map_bytes(idx), 1 << 20);
	log_set_level(LOG_LEVEL_WARNING);
	for (unsigned i = 0; i < n; i++) {
		struct digest k = key_n(i);

		memset(val, 'a' + (int)(i % 26), sizeof(val));
		assert_int_equal(index_put(idx, INDEX_RESULTS, &k, val, sizeof(val), 1, 1), 0);
	}
	log_set_level(LOG_LEVEL_INFO);
	/* ~8 MiB of values from a 1 MiB map: at least three doublings. */
	assert_true(index_map_bytes(idx) >= 8 << 20);
	assert_int_equal(index_entry_count(idx), n);
	assert_int_equal(index_total_bytes(idx), n);
	index_close(idx);

	assert_int_equal(index_open(f->dir, &opts, &idx), 0);
	for (unsigned i = 0; i < n; i += 97) {
		struct digest k = key_n(i);
		struct buf b = BUF_INIT;

		assert_int_equal(index_get(idx, INDEX_RESULTS, &k, &b), 0);
		assert_int_equal(b.len, sizeof(val));
		assert_int_equal(b.data[100], 'a' + (int)(i % 26));
		buf_free(&b);
	}
	assert_int_equal(index_entry_count(idx), n);
	index_close(idx);
}

static void test_map_limit_is_enospc(void **state)
{
	struct fixture *f = *state;
	struct index_options opts = {.initial_map_bytes = 1 << 20, .max_map_bytes = 2 << 20};
	struct index *idx;
	char val[4096] = {0};
	unsigned stored = 0;
	int r = 0;

	assert_int_equal(index_open(f->dir, &opts, &idx), 0);
	log_set_level(LOG_LEVEL_ERR);
	for (unsigned i = 0; i < 10000; i++) {
		struct digest k = key_n(i);

		r = index_put(idx, INDEX_RESULTS, &k, val, sizeof(val), 3, 1);
		if (r < 0)
			break;
		stored++;
	}
	log_set_level(LOG_LEVEL_INFO);
	assert_int_equal(r, -ENOSPC);
	assert_true(stored > 100);
	assert_int_equal(index_entry_count(idx), stored);
	assert_int_equal(index_total_bytes(idx), 3 * (uint64_t)stored);
	/* Still usable: reads work and eviction makes room again. */
	{
		struct buf b = BUF_INIT;
		struct digest k = key_n(0);

		assert_int_equal(index_get(idx, INDEX_RESULTS, &k, &b), 0);
		assert_int_equal(b.len, sizeof(val));
		buf_free(&b);
	}
	assert_int_equal(index_evict_lru(idx, 3 * (uint64_t)stored / 2, NULL, NULL, NULL, NULL), 0);
	put_str(idx, INDEX_RESULTS, 20000, "fits again", 3, 2);
	index_close(idx);
}

static int collect_stat(const char *name, uint64_t value, void *ctx)
{
	struct buf *b = ctx;

	return buf_printf(b, "%s=%llu;", name, (unsigned long long)value);
}

static void assert_stats(struct index *idx, const char *expect)
{
	struct buf b = BUF_INIT;

	assert_int_equal(index_stats_get_all(idx, collect_stat, &b), 0);
	assert_int_equal(buf_terminate(&b), 0);
	assert_string_equal(b.data ? (char *)b.data : "", expect);
	buf_free(&b);
}

static void test_stats(void **state)
{
	struct fixture *f = *state;
	struct index *idx;
	uint64_t v;

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_int_equal(index_stats_add(idx, "hits", 2), 0);
	assert_int_equal(index_stats_add(idx, "misses", 1), 0);
	assert_int_equal(index_stats_add(idx, "hits", 3), 0);
	assert_int_equal(index_stats_add(idx, "", 1), -EINVAL);
	/* Unflushed deltas are visible. */
	assert_int_equal(index_stats_get(idx, "hits", &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(index_stats_get(idx, "never", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(index_flush(idx), 0);
	assert_int_equal(index_stats_add(idx, "hits", 1), 0);
	assert_int_equal(index_stats_add(idx, "errors", 7), 0);
	assert_stats(idx, "errors=7;hits=6;misses=1;");
	index_close(idx); /* flushes */

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_stats(idx, "errors=7;hits=6;misses=1;");
	assert_int_equal(index_stats_add(idx, "misses", 1), 0);
	assert_int_equal(index_stats_zero(idx), 0);
	assert_stats(idx, "");
	assert_int_equal(index_stats_add(idx, "hits", 1), 0);
	index_close(idx);

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_stats(idx, "hits=1;");
	index_close(idx);
}

struct dropped {
	unsigned n;
	struct digest keys[64];
	char vals[64][32];
	enum index_db dbs[64];
};

static int record_drop(enum index_db db, const struct digest *key, const void *val, size_t len,
                       void *ctx)
{
	struct dropped *d = ctx;

	assert_true(d->n < 64);
	d->keys[d->n] = *key;
	d->dbs[d->n] = db;
	snprintf(d->vals[d->n], sizeof(d->vals[0]), "%.*s", (int)len, val ? (const char *)val : "");
	d->n++;
	return 0;
}

static void test_lru_order_and_accounting(void **state)
{
	struct fixture *f = *state;
	struct dropped d = {0};
	struct index *idx;
	uint64_t n = 0, freed = 0;
	char val[32];

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	/* Entry i written at time 100 + 10 i and charged 10 (i + 1) bytes. */
	for (unsigned i = 0; i < 10; i++) {
		snprintf(val, sizeof(val), "r%u", i);
		put_str(idx, INDEX_RESULTS, i, val, 10 * (i + 1), 100 + 10 * i);
	}
	put_str(idx, INDEX_MANIFESTS, 50, "m50", 5, 145);
	assert_int_equal(index_total_bytes(idx), 550 + 5);
	/* Hits on 0 and 1 make them the most recent; in memory only. */
	assert_int_equal(touch_n(idx, INDEX_RESULTS, 1, 300), 0);
	assert_int_equal(touch_n(idx, INDEX_RESULTS, 0, 200), 0);
	/* A touch never moves an entry back in time. */
	assert_int_equal(touch_n(idx, INDEX_RESULTS, 0, 150), 0);
	/* Touching something absent is harmless. */
	assert_int_equal(touch_n(idx, INDEX_RESULTS, 77, 400), 0);

	/* Order by age now: 2,3,4,m50,5,6,7,8,9,0,1. Budget 400 drops 2,3,4,m50,5. */
	assert_int_equal(index_evict_lru(idx, 400, record_drop, &d, &n, &freed), 0);
	assert_int_equal(n, 5);
	assert_int_equal(freed, 30 + 40 + 50 + 5 + 60);
	assert_int_equal(index_total_bytes(idx), 555 - 185);
	assert_int_equal(index_entry_count(idx), 6);
	assert_int_equal(d.n, 5);
	assert_string_equal(d.vals[0], "r2");
	assert_string_equal(d.vals[1], "r3");
	assert_string_equal(d.vals[2], "r4");
	assert_string_equal(d.vals[3], "m50");
	assert_int_equal(d.dbs[3], INDEX_MANIFESTS);
	assert_string_equal(d.vals[4], "r5");
	assert_true(is_key(&d.keys[0], 2));
	assert_absent(idx, INDEX_RESULTS, 2);
	assert_absent(idx, INDEX_MANIFESTS, 50);
	assert_value(idx, INDEX_RESULTS, 0, "r0");
	assert_value(idx, INDEX_RESULTS, 6, "r6");

	/* Under budget already: nothing happens. */
	assert_int_equal(index_evict_lru(idx, 1000, record_drop, &d, &n, &freed), 0);
	assert_int_equal(n, 0);
	assert_int_equal(freed, 0);

	/* Access times and accounting persist; the hot entries go last. */
	index_close(idx);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_int_equal(index_total_bytes(idx), 370);
	d.n = 0;
	assert_int_equal(index_evict_lru(idx, 20, record_drop, &d, &n, &freed), 0);
	assert_int_equal(n, 5);
	assert_int_equal(freed, 70 + 80 + 90 + 100 + 10);
	assert_string_equal(d.vals[4], "r0");
	assert_int_equal(index_total_bytes(idx), 20);
	assert_value(idx, INDEX_RESULTS, 1, "r1");
	index_close(idx);
}

static void test_evict_older_than_and_clear(void **state)
{
	struct fixture *f = *state;
	struct dropped d = {0};
	struct index *idx;
	uint64_t n = 0, freed = 0, v = 0;

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	for (unsigned i = 0; i < 6; i++)
		put_str(idx, INDEX_RESULTS, i, "x", 100, 1000 + 10 * i);
	assert_int_equal(touch_n(idx, INDEX_RESULTS, 0, 5000), 0);
	assert_int_equal(index_stats_add(idx, "hits", 4), 0);

	/* Older than 1030: entries 1 and 2 (0 was hit at 5000). */
	assert_int_equal(index_evict_older_than(idx, 1030, record_drop, &d, &n, &freed), 0);
	assert_int_equal(n, 2);
	assert_int_equal(freed, 200);
	assert_int_equal(d.n, 2);
	assert_true(is_key(&d.keys[0], 1));
	assert_true(is_key(&d.keys[1], 2));
	assert_int_equal(index_entry_count(idx), 4);
	assert_int_equal(index_total_bytes(idx), 400);

	d.n = 0;
	assert_int_equal(index_clear(idx, record_drop, &d, &n, &freed), 0);
	assert_int_equal(n, 4);
	assert_int_equal(freed, 400);
	assert_int_equal(d.n, 4);
	assert_int_equal(index_entry_count(idx), 0);
	assert_int_equal(index_total_bytes(idx), 0);
	for (unsigned i = 0; i < 6; i++)
		assert_absent(idx, INDEX_RESULTS, i);
	/* Stats are not entries. */
	assert_int_equal(index_stats_get(idx, "hits", &v), 0);
	assert_int_equal(v, 4);
	/* Still usable after a clear, with or without a drop callback. */
	put_str(idx, INDEX_RESULTS, 9, "y", 1, 1);
	assert_int_equal(index_clear(idx, NULL, NULL, &n, NULL), 0);
	assert_int_equal(n, 1);
	index_close(idx);
}

static void make_populated(struct fixture *f)
{
	struct index *idx;
	char val[1500];

	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	for (unsigned i = 0; i < 400; i++) {
		struct digest k = key_n(i);

		memset(val, (int)i, sizeof(val));
		assert_int_equal(index_put(idx, i % 2 ? INDEX_RESULTS : INDEX_MANIFESTS, &k, val,
		                           sizeof(val), 1, i),
		                 0);
	}
	assert_int_equal(index_stats_add(idx, "hits", 1), 0);
	index_close(idx);
}

/*
 * Open must either refuse (an error code) or give an index that answers
 * every call without crashing. Returns the open result.
 */
static int open_and_use(struct fixture *f, bool skip_deep)
{
	struct index_options opts = {.skip_deep_check = skip_deep};
	struct index *idx;
	int r = index_open(f->dir, &opts, &idx);

	if (r < 0)
		return r;
	for (unsigned i = 0; i < 400; i++) {
		struct digest k = key_n(i);
		struct buf b = BUF_INIT;

		index_get(idx, INDEX_RESULTS, &k, &b);
		index_get(idx, INDEX_MANIFESTS, &k, &b);
		buf_free(&b);
	}
	put_str(idx, INDEX_RESULTS, 1000, "new", 1, 1);
	index_evict_lru(idx, 0, NULL, NULL, NULL, NULL);
	index_close(idx);
	return 0;
}

static void test_damaged_data_file_refused(void **state)
{
	struct fixture *f = *state;
	char path[400];
	uint8_t *orig, *bad;
	size_t len, page = 4096;
	uint32_t x = 12345;

	log_set_level(LOG_LEVEL_ERR);
	make_populated(f);
	snprintf(path, sizeof(path), "%s/data.mdb", f->dir);
	orig = tu_read_file(path, &len);
	assert_true(len > 8 * page);
	bad = malloc(len);
	assert_non_null(bad);

	/* All garbage. */
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		bad[i] = (uint8_t)(x >> 16);
	}
	tu_write_file(path, bad, len, 0600);
	assert_int_equal(open_and_use(f, false), -EBADMSG);
	assert_int_equal(open_and_use(f, true), -EBADMSG);

	/* Truncated: mid-file, and inside the meta pages. */
	tu_write_file(path, orig, len / 2, 0600);
	assert_int_equal(open_and_use(f, false), -EBADMSG);
	assert_int_equal(open_and_use(f, true), -EBADMSG);
	tu_write_file(path, orig, 100, 0600);
	assert_int_equal(open_and_use(f, false), -EBADMSG);

	/* Valid meta pages over garbage: the tree itself is damaged. */
	memcpy(bad, orig, 2 * page);
	tu_write_file(path, bad, len, 0600);
	assert_int_equal(open_and_use(f, false), -EBADMSG);

	/* One garbage page at a time: refused, or usable, never a crash. */
	for (size_t pg = 2; pg < len / page; pg++) {
		memcpy(bad, orig, len);
		for (size_t i = 0; i < page; i++) {
			x = x * 1103515245 + 12345;
			bad[pg * page + i] = (uint8_t)(x >> 16);
		}
		tu_write_file(path, bad, len, 0600);
		int r = open_and_use(f, false);
		assert_true(r == 0 || r == -EBADMSG || r == -EPROTO);
	}

	/* The original still opens: nothing above damaged it for good. */
	tu_write_file(path, orig, len, 0600);
	assert_int_equal(open_and_use(f, false), 0);
	log_set_level(LOG_LEVEL_INFO);
	free(bad);
	free(orig);
}

/* A child that opens the index and dies without closing it. */
static void open_and_die(struct fixture *f)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct index *idx;

		_exit(index_open(f->dir, NULL, &idx) == 0 ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* The state file holds exactly want. */
static void assert_state(struct fixture *f, const char *want)
{
	char path[400], *line;
	size_t len;

	snprintf(path, sizeof(path), "%s/state", f->dir);
	line = (char *)tu_read_file(path, &len);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(line, want, len);
	free(line);
}

/* As if the process had died inside a write txn. */
static void died_writing(struct fixture *f)
{
	char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/writing", f->dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputc(1, fp);
	fclose(fp);
}

static void open_and_die_writing(struct fixture *f)
{
	open_and_die(f);
	died_writing(f);
}

static void test_crash_loop_refused(void **state_)
{
	struct fixture *f = *state_;
	struct index *idx;
	char state[400], *line;
	size_t len;

	make_populated(f);
	snprintf(state, sizeof(state), "%s/state", f->dir);
	/* A clean close forgives earlier crashes. */
	open_and_die_writing(f);
	open_and_die_writing(f);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_state(f, "open 3\n");
	index_close(idx);
	line = (char *)tu_read_file(state, &len);
	assert_true(len > 6);
	assert_memory_equal(line, "clean ", 6);
	free(line);
	for (int i = 0; i < INDEX_UNCLEAN_LIMIT; i++)
		open_and_die_writing(f);
	log_set_level(LOG_LEVEL_ERR);
	assert_int_equal(index_open(f->dir, NULL, &idx), -EBADMSG);
	log_set_level(LOG_LEVEL_INFO);
}

/* SIGKILLed outside a write txn, again and again (a kill loop): that is no
 * sign of damage, and the index is kept. */
static void test_kills_outside_writes_forgiven(void **state_)
{
	struct fixture *f = *state_;
	struct index *idx;
	struct digest k = key_n(1);
	struct buf b = BUF_INIT;

	make_populated(f);
	for (int i = 0; i < 3 * INDEX_UNCLEAN_LIMIT; i++)
		open_and_die(f);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	assert_int_equal(index_get(idx, INDEX_RESULTS, &k, &b), 0);
	buf_free(&b);
	index_close(idx);
}

/* Deaths inside write txns are forgiven once an open has committed a few
 * times: the file is writable, so they were kills, not damage. */
static void test_healthy_commits_forgive(void **state_)
{
	struct fixture *f = *state_;
	struct index *idx;

	make_populated(f);
	for (int i = 0; i < INDEX_UNCLEAN_LIMIT - 1; i++)
		open_and_die_writing(f);
	assert_int_equal(index_open(f->dir, NULL, &idx), 0);
	for (int i = 0; i < 4; i++) {
		struct digest k = key_n(100 + i);

		assert_int_equal(index_put(idx, INDEX_RESULTS, &k, "x", 1, 1, 1), 0);
	}
	assert_state(f, "open 1\n");
	index_close(idx);
}

struct reader {
	struct index *idx;
	atomic_bool stop;
	unsigned long reads, errors;
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	while (!atomic_load(&r->stop)) {
		struct digest k = key_n(0);
		struct buf b = BUF_INIT;

		if (index_get(r->idx, INDEX_RESULTS, &k, &b) != 0 || b.len != 5 ||
		    memcmp(b.data, "first", 5) != 0)
			r->errors++;
		r->reads++;
		buf_free(&b);
	}
	return NULL;
}

/* Readers in other threads keep working while the owner writes and grows. */
static void test_reads_during_writes_and_growth(void **state)
{
	struct fixture *f = *state;
	struct index_options opts = {.initial_map_bytes = 1 << 20};
	struct reader rd = {0};
	pthread_t th;
	char val[1024] = {0};

	assert_int_equal(index_open(f->dir, &opts, &rd.idx), 0);
	put_str(rd.idx, INDEX_RESULTS, 0, "first", 1, 1);
	assert_int_equal(pthread_create(&th, NULL, reader_main, &rd), 0);
	log_set_level(LOG_LEVEL_WARNING);
	for (unsigned i = 1; i < 3000; i++) {
		struct digest k = key_n(i);

		assert_int_equal(index_put(rd.idx, INDEX_RESULTS, &k, val, sizeof(val), 1, 1), 0);
	}
	log_set_level(LOG_LEVEL_INFO);
	atomic_store(&rd.stop, true);
	pthread_join(th, NULL);
	assert_true(index_map_bytes(rd.idx) >= 4 << 20);
	assert_true(rd.reads > 0);
	assert_int_equal(rd.errors, 0);
	index_close(rd.idx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_put_get_del_per_db, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_format_version_mismatch_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_value_checksum, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_map_grows, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_map_limit_is_enospc, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_lru_order_and_accounting, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_evict_older_than_and_clear, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_damaged_data_file_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_crash_loop_refused, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_kills_outside_writes_forgiven, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_healthy_commits_forgive, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_reads_during_writes_and_growth, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
