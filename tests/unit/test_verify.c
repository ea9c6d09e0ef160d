/*
 * Unit tests for verify: a sound cache is reported clean; each kind of
 * damage is found and named; --repair leaves a cache that verifies clean and
 * removes only what is bad, orphaned or a stale tmp file; slicing the work
 * changes nothing in the verdict.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "cache.h"
#include "cache_parts.h"
#include "index.h"
#include "log.h"
#include "manifest.h"
#include "store.h"
#include "verify.h"

struct fixture {
	char root[256];
	struct cache *c;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct cache_options o = {.compression_level = 1, .max_size = 1ull << 30};

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/zccache-test-verify-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	o.dir = f->root;
	assert_int_equal(cache_open(&o, &f->c), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	cache_close(f->c);
	rmtree(f->root);
	free(f);
	return 0;
}

static struct digest key_n(unsigned n, uint8_t salt)
{
	struct digest d = {{0}};

	d.bytes[0] = salt;
	memcpy(d.bytes + 1, &n, sizeof(n));
	d.bytes[15] = 0x5a;
	return d;
}

static void le(uint8_t *p, uint64_t v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A "ZCR" result record naming artifacts as files (role 4, mode 0644, path
 * "f") with no output and no deps, in the layout cache_result.c writes. */
static size_t result_blob(uint8_t *b, const struct digest *arts, size_t n)
{
	size_t len = 0;

	memcpy(b, "ZCR\x03", 4);
	len = 4;
	b[len++] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		b[len++] = 4;
		le(b + len, 0644, 2);
		le(b + len + 2, 1, 2);
		b[len + 4] = 'f';
		len += 5;
		memcpy(b + len, arts[i].bytes, 16);
		len += 16;
	}
	le(b + len, 0, 4);       /* stdout */
	le(b + len + 4, 0, 4);   /* stderr */
	le(b + len + 8, 0, 4);   /* deps */
	le(b + len + 12, 0, 4);  /* source index */
	le(b + len + 16, 42, 8); /* duration */
	return len + 24;
}

/* Index result rk naming artifacts arts, and manifest mk naming rk. */
static void add_entry(struct cache *c, const struct digest *mk, const struct digest *rk,
                      const struct digest *arts, size_t n)
{
	uint8_t blob[256];
	size_t len = result_blob(blob, arts, n);
	struct manifest m = {0};
	struct manifest_entry e = {.result = *rk};
	struct buf mb = BUF_INIT;

	assert_int_equal(index_put(cache_index(c), INDEX_RESULTS, rk, blob, len, 100, time(NULL)),
	                 0);
	assert_int_equal(manifest_add(&m, &e), 0);
	assert_int_equal(manifest_encode(&m, &mb), 0);
	assert_int_equal(
	        index_put(cache_index(c), INDEX_MANIFESTS, mk, mb.data, mb.len, mb.len, time(NULL)),
	        0);
	buf_free(&mb);
	manifest_free(&m);
}

/* An artifact with content "object n" in the store. */
static struct digest put_artifact(struct cache *c, unsigned n)
{
	char text[64];
	struct digest d;
	uint64_t bytes;

	snprintf(text, sizeof(text), "object %u, with some padding to compress", n);
	assert_int_equal(store_put_mem(cache_artifacts(c), text, strlen(text), &d, &bytes), 0);
	return d;
}

/* A cache of n sound entries (manifest i -> result i -> artifact i). */
static void populate(struct cache *c, unsigned n, struct digest *arts)
{
	for (unsigned i = 0; i < n; i++) {
		struct digest mk = key_n(i, 'm'), rk = key_n(i, 'r');

		arts[i] = put_artifact(c, i);
		add_entry(c, &mk, &rk, &arts[i], 1);
	}
}

static void artifact_path(struct fixture *f, const struct digest *d, char *out, size_t len)
{
	char hex[DIGEST_HEX_LEN + 1];

	digest_to_hex(d, hex);
	snprintf(out, len, "%s/store/%.2s/%s", f->root, hex, hex);
}

/* Run a verify to the end with the given slice budget; the report. */
static json_t *run_verify(struct cache *c, bool repair, int64_t budget_ms, int *steps)
{
	struct cache_verify *v;
	json_t *report;
	int r, n = 0;

	assert_int_equal(cache_verify_begin(c, repair, &v), 0);
	while ((r = cache_verify_step(v, budget_ms)) == 0)
		n++;
	assert_int_equal(r, 1);
	report = cache_verify_report(v);
	cache_verify_free(v);
	if (steps)
		*steps = n + 1;
	return report;
}

static long long num(json_t *o, const char *path)
{
	char key[64], *dot;
	json_t *v = o;

	snprintf(key, sizeof(key), "%s", path);
	dot = strchr(key, '.');
	if (dot) {
		*dot = '\0';
		v = json_object_get(v, key);
		return (long long)json_integer_value(json_object_get(v, dot + 1));
	}
	return (long long)json_integer_value(json_object_get(v, key));
}

static bool flag(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Nothing bad, orphaned or left over, the accounting right, n results. */
static void assert_sound(json_t *r, long long n)
{
	assert_true(flag(r, "clean"));
	assert_int_equal(num(r, "bad_total"), 0);
	assert_int_equal(num(r, "results"), n);
	assert_int_equal(num(r, "results_ok"), n);
	assert_int_equal(num(r, "orphans"), 0);
	assert_int_equal(num(r, "tmp_files"), 0);
	assert_true(json_is_true(json_object_get(json_object_get(r, "accounting"), "consistent")));
}

static void test_sound_cache_is_clean(void **state)
{
	struct fixture *f = *state;
	struct digest arts[20];
	json_t *r;

	populate(f->c, 20, arts);
	r = run_verify(f->c, false, 1000, NULL);
	assert_sound(r, 20);
	assert_int_equal(num(r, "manifests"), 20);
	assert_int_equal(num(r, "artifacts"), 20);
	assert_int_equal(num(r, "dangling"), 0);
	json_decref(r);
}

/* Every kind of damage at once: each is found under its own name; repair
 * removes exactly those, and the sound entries survive. */
static void test_damage_found_and_repaired(void **state)
{
	struct fixture *f = *state;
	struct digest arts[6], orphan, gone = key_n(99, 'r'), mk, rk;
	char path[PATH_MAX + 64];
	struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
	FILE *fp;
	json_t *r;
	int fd;

	log_set_level(LOG_LEVEL_ERR);
	populate(f->c, 6, arts);
	/* 0: a flipped byte in its artifact. */
	artifact_path(f, &arts[0], path, sizeof(path));
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, 50, SEEK_SET);
	fputc(0xff ^ 0x12, fp);
	fclose(fp);
	/* 1: its artifact truncated. */
	artifact_path(f, &arts[1], path, sizeof(path));
	assert_int_equal(truncate(path, 49), 0);
	/* 2: its artifact deleted. */
	artifact_path(f, &arts[2], path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	/* 3: its result record does not decode. */
	rk = key_n(3, 'r');
	assert_int_equal(
	        index_put(cache_index(f->c), INDEX_RESULTS, &rk, "ZCR\x03junk", 8, 8, time(NULL)),
	        0);
	/* A manifest naming a result that is gone: dangling, not bad. */
	mk = key_n(50, 'm');
	add_entry(f->c, &mk, &gone, &arts[4], 1);
	assert_int_equal(index_del(cache_index(f->c), INDEX_RESULTS, &gone), 0);
	/* An orphan artifact, and a stale tmp file beside it. */
	orphan = put_artifact(f->c, 77);
	artifact_path(f, &orphan, path, sizeof(path));
	strcpy(strrchr(path, '/') + 1, ".tmp.abcdef");
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);

	r = run_verify(f->c, false, 1000, NULL);
	assert_false(flag(r, "clean"));
	assert_int_equal(num(r, "bad.artifact_checksum"), 2);
	assert_int_equal(num(r, "bad.missing_artifact"), 1);
	assert_int_equal(num(r, "bad.record"), 1);
	assert_int_equal(num(r, "bad_total"), 4);
	assert_int_equal(num(r, "results_ok"), 2);
	assert_int_equal(num(r, "dangling"), 1);
	/* The one put there, and result 3's: its record no longer names it. */
	assert_int_equal(num(r, "orphans"), 2);
	assert_int_equal(num(r, "tmp_files"), 1);
	assert_int_equal(json_array_size(json_object_get(r, "first_bad")), 4);
	json_decref(r);
	/* Nothing was changed by looking. */
	r = run_verify(f->c, false, 1000, NULL);
	assert_int_equal(num(r, "bad_total"), 4);
	json_decref(r);

	r = run_verify(f->c, true, 1000, NULL);
	assert_true(flag(r, "clean"));
	assert_int_equal(num(r, "dropped"), 4);
	assert_int_equal(num(r, "artifacts_removed"), 2);
	assert_int_equal(num(r, "orphans_removed"), 2);
	assert_int_equal(num(r, "tmp_removed"), 1);
	json_decref(r);
	assert_int_equal(access(path, F_OK), -1);

	r = run_verify(f->c, false, 1000, NULL);
	assert_sound(r, 2);
	json_decref(r);
	/* The sound entries are still served from an intact store. */
	assert_int_equal(store_verify(cache_artifacts(f->c), &arts[4]), 0);
	assert_int_equal(store_verify(cache_artifacts(f->c), &arts[5]), 0);
	log_set_level(LOG_LEVEL_INFO);
}

/* Two results sharing a damaged artifact are both bad; the file is read once. */
static void test_shared_artifact(void **state)
{
	struct fixture *f = *state;
	struct digest a = put_artifact(f->c, 1), m1 = key_n(1, 'm'), m2 = key_n(2, 'm');
	struct digest r1 = key_n(1, 'r'), r2 = key_n(2, 'r');
	char path[PATH_MAX + 64];
	json_t *r;

	log_set_level(LOG_LEVEL_ERR);
	add_entry(f->c, &m1, &r1, &a, 1);
	add_entry(f->c, &m2, &r2, &a, 1);
	r = run_verify(f->c, false, 1000, NULL);
	assert_int_equal(num(r, "artifacts"), 1);
	assert_true(flag(r, "clean"));
	json_decref(r);
	artifact_path(f, &a, path, sizeof(path));
	assert_int_equal(truncate(path, 60), 0);
	r = run_verify(f->c, true, 1000, NULL);
	assert_int_equal(num(r, "artifacts"), 1);
	assert_int_equal(num(r, "bad.artifact_checksum"), 2);
	assert_int_equal(num(r, "dropped"), 2);
	assert_true(flag(r, "clean"));
	json_decref(r);
	log_set_level(LOG_LEVEL_INFO);
}

/* With no time budget each step does one unit of work: many slices, and the
 * same verdict as one long one. */
static void test_slices_give_the_same_verdict(void **state)
{
	struct fixture *f = *state;
	struct digest arts[100];
	char path[PATH_MAX + 64];
	json_t *one, *sliced;
	int steps_one, steps_sliced;

	log_set_level(LOG_LEVEL_ERR);
	populate(f->c, 100, arts);
	artifact_path(f, &arts[70], path, sizeof(path));
	assert_int_equal(unlink(path), 0);
	one = run_verify(f->c, false, 100000, &steps_one);
	sliced = run_verify(f->c, false, 0, &steps_sliced);
	assert_int_equal(steps_one, 1);
	assert_true(steps_sliced > 6);
	assert_int_equal(num(sliced, "results"), num(one, "results"));
	assert_int_equal(num(sliced, "results"), 100);
	assert_int_equal(num(sliced, "manifests"), 100);
	assert_int_equal(num(sliced, "bad.missing_artifact"), 1);
	assert_int_equal(num(sliced, "bad_total"), num(one, "bad_total"));
	json_decref(one);
	json_decref(sliced);
	log_set_level(LOG_LEVEL_INFO);
}

/* An unreadable LMDB file: verify says so; repair puts an empty index in
 * its place and empties the store (nothing in it is reachable). */
static void test_unreadable_index_rebuilt(void **state)
{
	struct fixture *f = *state;
	struct digest arts[10];
	char path[PATH_MAX + 64];
	struct stat st;
	FILE *fp;
	json_t *r;

	log_set_level(LOG_LEVEL_ERR - 1);
	populate(f->c, 10, arts);
	snprintf(path, sizeof(path), "%s/index/data.mdb", f->root);
	assert_int_equal(stat(path, &st), 0);
	fp = fopen(path, "r+b");
	assert_non_null(fp);
	for (long off = 8192; off < st.st_size; off += 4096) {
		fseek(fp, off + 16, SEEK_SET);
		for (int i = 0; i < 4000; i++)
			fputc((i * 131 + (int)off) & 0xff, fp);
	}
	fclose(fp);
	r = run_verify(f->c, false, 1000, NULL);
	assert_false(flag(r, "clean"));
	assert_int_equal(num(r, "bad.index_unreadable"), 1);
	json_decref(r);
	r = run_verify(f->c, true, 1000, NULL);
	assert_true(flag(r, "clean"));
	assert_true(flag(r, "index_rebuilt"));
	json_decref(r);
	r = run_verify(f->c, false, 1000, NULL);
	assert_true(flag(r, "clean"));
	assert_int_equal(num(r, "results"), 0);
	assert_int_equal(num(r, "orphans"), 0);
	json_decref(r);
	log_set_level(LOG_LEVEL_INFO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_sound_cache_is_clean, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_damage_found_and_repaired, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_shared_artifact, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_slices_give_the_same_verdict, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unreadable_index_rebuilt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
