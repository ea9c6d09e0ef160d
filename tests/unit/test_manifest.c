/*
 * Unit tests for manifest: the encoding round-trips and rejects anything
 * else, entries are kept newest first and bounded, and an entry matches only
 * while its headers are unchanged and no new header shadows one of them.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "hash.h"
#include "hashcache.h"
#include "manifest.h"

struct fixture {
	char root[PATH_MAX]; /* canonical */
	char a[PATH_MAX + 8], b[PATH_MAX + 8];
	struct hashcache *hc;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/zccache-test-manifest-XXXXXX";

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, f->root));
	snprintf(f->a, sizeof(f->a), "%s/A", f->root);
	snprintf(f->b, sizeof(f->b), "%s/B", f->root);
	assert_int_equal(mkdir(f->a, 0755), 0);
	assert_int_equal(mkdir(f->b, 0755), 0);
	assert_int_equal(hashcache_new(&f->hc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	hashcache_free(f->hc);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *content)
{
	char p[PATH_MAX * 2];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(content, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* Wait until a folder's last change is out of the racy window: a watch
 * keeps the folder's ctime, which no utimensat can move back. */
static void settle(const char *dir)
{
	struct timespec now, nap = {0, 50000000};
	struct stat st;

	for (;;) {
		assert_int_equal(stat(dir, &st), 0);
		clock_gettime(CLOCK_REALTIME, &now);
		if ((now.tv_sec - st.st_ctim.tv_sec) * 1000000000LL +
		            (now.tv_nsec - st.st_ctim.tv_nsec) >
		    1100000000LL)
			return;
		nanosleep(&nap, NULL);
	}
}

static struct digest digest_of_str(const char *s)
{
	struct digest d;

	digest_mem(s, strlen(s), &d);
	return d;
}

/* An entry for result `result` recording files (NULL-terminated) as they are now. */
static struct manifest_entry entry_of(const char *cwd, const char *result, const char *const *files)
{
	struct manifest_entry e = {0};
	size_t n = 0;

	while (files[n])
		n++;
	e.result = digest_of_str(result);
	e.files = calloc(n + 1, sizeof(*e.files));
	assert_non_null(e.files);
	for (size_t i = 0; i < n; i++) {
		char p[PATH_MAX * 2];
		struct file_digest fd;

		if (files[i][0] == '/')
			snprintf(p, sizeof(p), "%s", files[i]);
		else
			snprintf(p, sizeof(p), "%s/%s", cwd, files[i]);
		assert_int_equal(hashcache_hash_file(p, &fd), 0);
		e.files[i].path = strdup(files[i]);
		assert_non_null(e.files[i].path);
		e.files[i].digest = fd.digest;
	}
	e.n_files = n;
	return e;
}

/* An entry with no files, told apart by its result only. */
static struct manifest_entry bare_entry(const char *result)
{
	static const char *const none[] = {NULL};

	return entry_of("/", result, none);
}

#define FILES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- encoding ---- */

static void assert_entries_equal(const struct manifest_entry *x, const struct manifest_entry *y)
{
	assert_true(digest_equal(&x->result, &y->result));
	assert_int_equal(x->n_files, y->n_files);
	for (size_t i = 0; i < x->n_files; i++) {
		assert_string_equal(x->files[i].path, y->files[i].path);
		assert_true(digest_equal(&x->files[i].digest, &y->files[i].digest));
	}
	assert_int_equal(x->n_watch, y->n_watch);
	for (size_t i = 0; i < x->n_watch; i++) {
		assert_string_equal(x->watch[i].dir, y->watch[i].dir);
		assert_int_equal(x->watch[i].ctime_ns, y->watch[i].ctime_ns);
		assert_int_equal(x->watch[i].n_names, y->watch[i].n_names);
		for (size_t j = 0; j < x->watch[i].n_names; j++)
			assert_string_equal(x->watch[i].names[j], y->watch[i].names[j]);
	}
}

/* A manifest with every kind of field: odd paths, all ctime kinds, no files. */
static void sample_manifest(struct manifest *m)
{
	static const char *const odd_names[] = {"x.h", "sys/\"q\".h", "ü \\ tab\t.h"};
	static const int64_t mtimes[] = {1700000000123456789LL, MANIFEST_DIR_ABSENT,
	                                 MANIFEST_DIR_RACY};
	struct manifest_entry e = bare_entry("empty result");

	memset(m, 0, sizeof(*m));
	assert_int_equal(manifest_add(m, &e), 0);

	e = bare_entry("full result");
	e.files = realloc(e.files, 3 * sizeof(*e.files));
	assert_non_null(e.files);
	e.files[0] = (struct manifest_file){strdup("a.c"), digest_of_str("a")};
	e.files[1] = (struct manifest_file){strdup("/usr/include/stdio.h"), digest_of_str("s")};
	e.files[2] = (struct manifest_file){strdup("dir with space/\"h\".h"), digest_of_str("h")};
	e.n_files = 3;
	e.watch = calloc(3, sizeof(*e.watch));
	assert_non_null(e.watch);
	for (size_t i = 0; i < 3; i++) {
		char dir[64];

		snprintf(dir, sizeof(dir), "/inc/%zu", i);
		e.watch[i].dir = strdup(dir);
		e.watch[i].ctime_ns = mtimes[i];
		e.watch[i].names = calloc(i + 1, sizeof(char *));
		assert_non_null(e.watch[i].names);
		for (size_t j = 0; j < i + 1; j++)
			e.watch[i].names[j] = strdup(odd_names[j]);
		e.watch[i].n_names = i + 1;
	}
	e.n_watch = 3;
	assert_int_equal(manifest_add(m, &e), 0);
}

static void test_encode_decode_round_trip(void **state)
{
	struct manifest m, back;
	struct buf blob = BUF_INIT, again = BUF_INIT;

	sample_manifest(&m);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_int_equal(manifest_decode(blob.data, blob.len, &back), 0);
	assert_int_equal(back.n, m.n);
	for (size_t i = 0; i < m.n; i++)
		assert_entries_equal(&m.entries[i], &back.entries[i]);
	/* and the decoded manifest encodes to the same bytes */
	assert_int_equal(manifest_encode(&back, &again), 0);
	assert_int_equal(again.len, blob.len);
	assert_memory_equal(again.data, blob.data, blob.len);
	buf_free(&blob);
	buf_free(&again);
	manifest_free(&back);
	manifest_free(&m);
}

static void test_empty_manifest_round_trip(void **state)
{
	struct manifest m = {0}, back;
	struct buf blob = BUF_INIT;

	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_int_equal(manifest_decode(blob.data, blob.len, &back), 0);
	assert_int_equal(back.n, 0);
	manifest_free(&back);
	buf_free(&blob);
}

static void test_decode_truncated_blob_is_rejected(void **state)
{
	struct manifest m, back;
	struct buf blob = BUF_INIT;

	sample_manifest(&m);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	for (size_t len = 0; len < blob.len; len++) {
		/* a copy of exactly len bytes, so ASan sees any over-read */
		char *cut = malloc(len ? len : 1);

		assert_non_null(cut);
		memcpy(cut, blob.data, len);
		if (manifest_decode(cut, len, &back) != -EBADMSG)
			fail_msg("a blob cut to %zu of %zu bytes was not rejected", len, blob.len);
		assert_int_equal(back.n, 0);
		assert_null(back.entries);
		free(cut);
	}
	buf_free(&blob);
	manifest_free(&m);
}

#define HEX "00112233445566778899aabbccddeeff"

static void test_decode_garbage_is_rejected(void **state)
{
	static const char *const garbage[] = {
	        "",
	        "null",
	        "[]",
	        "{}",
	        "{\"v\":3}",
	        "{\"v\":4,\"e\":[]}",
	        "{\"v\":\"1\",\"e\":[]}",
	        "{\"v\":3,\"e\":{}}",
	        "{\"v\":3,\"e\":[1]}",
	        "{\"v\":3,\"e\":[{}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"zz\",\"f\":[],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "0\",\"f\":[],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":{},\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[],\"w\":null}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[[\"a.h\"]],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[[\"a.h\",\"xyz\"]],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[\"a.h\"],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX "\",\"f\":[[1,\"" HEX
	        "\"]],\"w\":[]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[],\"w\":[[\"/d\",\"1\",[],0,0]]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[],\"w\":[[\"/d\",1,\"x.h\",0,0]]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[],\"w\":[[\"/d\",1,[2],0,0]]}]}",
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[],\"w\":[[null,1,[],0,0]]}]}",
	        /* a good entry, then a bad one: nothing half-decoded leaks */
	        "{\"v\":3,\"e\":[{\"t\":0,\"q\":[],\"qd\":[],\"r\":\"" HEX
	        "\",\"f\":[[\"a.h\",\"" HEX "\"]],"
	        "\"w\":[[\"/d\",1,[\"x\"],0,0]]},"
	        "{\"r\":\"" HEX "\",\"f\":[[\"b.h\",\"" HEX "\"],[\"c.h\"]],\"w\":[]}]}",
	        /* trailing bytes after a valid document */
	        "{\"v\":3,\"e\":[]}x",
	};
	static const char binary[] = {'{', '\xff', '\0', '"', 'v', '"', ':', '1', '}'};
	struct manifest back;

	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		if (manifest_decode(garbage[i], strlen(garbage[i]), &back) != -EBADMSG)
			fail_msg("garbage #%zu was not rejected: %s", i, garbage[i]);
		assert_int_equal(back.n, 0);
		assert_null(back.entries);
	}
	assert_int_equal(manifest_decode(binary, sizeof(binary), &back), -EBADMSG);
	assert_int_equal(back.n, 0);
}

/* ---- adding ---- */

static void assert_results(const struct manifest *m, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++) {
		struct digest d = digest_of_str(want[i]);

		if (!digest_equal(&m->entries[i].result, &d))
			fail_msg("entry %zu is not %s", i, want[i]);
	}
}

static void test_add_puts_newest_first(void **state)
{
	struct manifest m = {0};
	struct manifest_entry e;

	for (const char *const *r = FILES("r1", "r2", "r3"); *r; r++) {
		e = bare_entry(*r);
		assert_int_equal(manifest_add(&m, &e), 0);
		/* moved in: the caller's copy owns nothing any more */
		assert_null(e.files);
		assert_int_equal(e.n_files, 0);
	}
	assert_results(&m, FILES("r3", "r2", "r1"));
	manifest_free(&m);
}

static void test_add_same_result_replaces(void **state)
{
	struct manifest m = {0};
	struct manifest_entry e = bare_entry("r1");

	assert_int_equal(manifest_add(&m, &e), 0);
	e = bare_entry("r2");
	assert_int_equal(manifest_add(&m, &e), 0);
	e = bare_entry("r3");
	assert_int_equal(manifest_add(&m, &e), 0);
	/* r2 again, now with a header: one r2, the new one, first */
	e = bare_entry("r2");
	e.files[0] = (struct manifest_file){strdup("new.h"), digest_of_str("new")};
	e.n_files = 1;
	assert_int_equal(manifest_add(&m, &e), 0);
	assert_results(&m, FILES("r2", "r3", "r1"));
	assert_int_equal(m.entries[0].n_files, 1);
	assert_string_equal(m.entries[0].files[0].path, "new.h");
	manifest_free(&m);
}

static void test_add_keeps_at_most_max_entries(void **state)
{
	struct manifest m = {0};
	char name[32];

	for (int i = 0; i < MANIFEST_MAX_ENTRIES + 3; i++) {
		struct manifest_entry e;

		snprintf(name, sizeof(name), "r%d", i);
		e = bare_entry(name);
		assert_int_equal(manifest_add(&m, &e), 0);
		assert_true(m.n <= MANIFEST_MAX_ENTRIES);
	}
	assert_int_equal(m.n, MANIFEST_MAX_ENTRIES);
	/* the newest kept, the three oldest dropped */
	for (int i = 0; i < MANIFEST_MAX_ENTRIES; i++) {
		struct digest d;

		snprintf(name, sizeof(name), "r%d", MANIFEST_MAX_ENTRIES + 2 - i);
		d = digest_of_str(name);
		assert_true(digest_equal(&m.entries[i].result, &d));
	}
	manifest_free(&m);
}

/* ---- matching on content ---- */

static void test_match_follows_header_content(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	char abs_h[PATH_MAX * 2];
	const char *changed = NULL;

	write_file(f->root, "a.c", "#include \"B/h.h\"\n");
	write_file(f->b, "h.h", "#define H 1\n");
	write_file(f->a, "g.h", "#define G 1\n");
	snprintf(abs_h, sizeof(abs_h), "%s/g.h", f->a);
	/* relative paths are taken from the cwd, absolute ones as they are */
	e = entry_of(f->root, "old", FILES("a.c", "B/h.h", abs_h));
	assert_int_equal(manifest_add(&m, &e), 0);

	assert_int_equal(manifest_match(&m, f->hc, f->root, &changed), 0);
	/* same content from another cwd: the relative names no longer resolve */
	assert_int_equal(manifest_match(&m, f->hc, f->a, NULL), -ENOENT);

	write_file(f->b, "h.h", "#define H 2\n"); /* same size */
	assert_int_equal(manifest_match(&m, f->hc, f->root, &changed), -ENOENT);
	assert_non_null(changed);
	assert_string_equal(changed, "B/h.h");

	/* an older entry recorded for the new content still matches */
	e = entry_of(f->root, "new", FILES("a.c", "B/h.h", abs_h));
	assert_int_equal(manifest_add(&m, &e), 0);
	write_file(f->b, "h.h", "#define H 1\n");
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 1);

	/* an absolute header removed: nothing matches, and the newest entry
	 * (whose other files are as recorded) names it */
	write_file(f->b, "h.h", "#define H 2\n");
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);
	assert_int_equal(unlink(abs_h), 0);
	changed = NULL;
	assert_int_equal(manifest_match(&m, f->hc, f->root, &changed), -ENOENT);
	assert_non_null(changed);
	assert_string_equal(changed, abs_h);
	manifest_free(&m);
}

/* ---- the shadow watch ---- */

/* An entry for main.c including B/<header>, watched over search [A, B]. */
static int build_watched(struct fixture *f, struct manifest *m, const char *const *files,
                         char *conflict, size_t conflict_len)
{
	char *search[] = {f->a, f->b};
	const bool watched[] = {true, true};
	struct manifest_entry e = entry_of(f->root, "result", files);
	int r = manifest_build_watch(&e, f->root, search, search, watched, 2, 0, conflict,
	                             conflict_len);

	if (r == 0)
		assert_int_equal(manifest_add(m, &e), 0);
	else
		manifest_entry_free(&e);
	return r;
}

static const struct manifest_watch *watch_of(const struct manifest_entry *e, const char *dir)
{
	for (size_t i = 0; i < e->n_watch; i++)
		if (strcmp(e->watch[i].dir, dir) == 0)
			return &e->watch[i];
	return NULL;
}

/* The recorded ctime of dir's watch; fails when dir is not watched. */
static int64_t watch_mtime(const struct manifest_entry *e, const char *dir)
{
	const struct manifest_watch *w = watch_of(e, dir);

	if (!w)
		fail_msg("%s is not watched", dir);
	return w ? w->ctime_ns : INT64_MIN;
}

static bool watches_name(const struct manifest_entry *e, const char *dir, const char *name)
{
	const struct manifest_watch *w = watch_of(e, dir);

	for (size_t i = 0; w && i < w->n_names; i++)
		if (strcmp(w->names[i], name) == 0)
			return true;
	return false;
}

static void check_shadow_breaks_match(struct fixture *f, bool settled)
{
	struct manifest m = {0};
	char conflict[PATH_MAX] = "";
	const char *changed = NULL;

	write_file(f->root, "main.c", "#include <x.h>\n");
	write_file(f->b, "x.h", "#define X 1\n");
	if (settled)
		settle(f->a);
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/x.h"), conflict, sizeof(conflict)),
	                 0);
	assert_true(watches_name(&m.entries[0], f->a, "x.h"));
	if (settled)
		assert_true(watch_mtime(&m.entries[0], f->a) >= 0);
	else
		assert_int_equal(watch_mtime(&m.entries[0], f->a), MANIFEST_DIR_RACY);
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);

	write_file(f->a, "x.h", "#define X 2\n");
	assert_int_equal(manifest_match(&m, f->hc, f->root, &changed), -ENOENT);
	assert_non_null(changed);
	assert_string_equal(changed, f->a);
	manifest_free(&m);
}

static void test_new_header_earlier_in_path_breaks_match(void **state)
{
	check_shadow_breaks_match(*state, true);
}

static void test_new_header_in_racy_folder_breaks_match(void **state)
{
	check_shadow_breaks_match(*state, false);
}

static void test_new_header_in_missing_subfolder_breaks_match(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	char a_sys[PATH_MAX * 2], b_sys[PATH_MAX * 2];

	snprintf(a_sys, sizeof(a_sys), "%s/sys", f->a);
	snprintf(b_sys, sizeof(b_sys), "%s/sys", f->b);
	assert_int_equal(mkdir(b_sys, 0755), 0);
	write_file(f->root, "main.c", "#include <sys/x.h>\n");
	write_file(b_sys, "x.h", "#define X 1\n");
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/sys/x.h"), NULL, 0), 0);
	assert_true(watches_name(&m.entries[0], a_sys, "x.h"));
	assert_int_equal(watch_mtime(&m.entries[0], a_sys), MANIFEST_DIR_ABSENT);
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);

	/* the folder alone shadows nothing */
	assert_int_equal(mkdir(a_sys, 0755), 0);
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);
	write_file(a_sys, "x.h", "#define X 2\n");
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), -ENOENT);
	manifest_free(&m);
}

static void test_existing_shadow_is_a_conflict(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	char conflict[PATH_MAX] = "", want[PATH_MAX * 2];

	/* A/x.h exists, yet the compile read B/x.h: the include cannot be
	 * explained by the search path, so the entry must not be stored. */
	write_file(f->root, "main.c", "#include \"B/x.h\"\n");
	write_file(f->a, "x.h", "#define X 1\n");
	write_file(f->b, "x.h", "#define X 2\n");
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/x.h"), conflict, sizeof(conflict)),
	                 -EEXIST);
	snprintf(want, sizeof(want), "%s/x.h", f->a);
	assert_string_equal(conflict, want);
	assert_int_equal(m.n, 0);
}

static void test_include_next_is_not_a_conflict(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};

	/* A/x.h does #include_next <x.h>: both are in the closure. */
	write_file(f->root, "main.c", "#include <x.h>\n");
	write_file(f->a, "x.h", "#include_next <x.h>\n");
	write_file(f->b, "x.h", "#define X 2\n");
	assert_int_equal(build_watched(f, &m, FILES("main.c", "A/x.h", "B/x.h"), NULL, 0), 0);
	assert_false(watches_name(&m.entries[0], f->a, "x.h"));
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);

	/* and a change to the recorded A/x.h is still seen, by content */
	write_file(f->a, "x.h", "#include_next <x.h>\n#define Y\n");
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), -ENOENT);
	manifest_free(&m);
}

static void test_unrelated_file_in_watched_folder_still_matches(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	int64_t watched;
	struct stat st;

	write_file(f->root, "main.c", "#include <x.h>\n");
	write_file(f->b, "x.h", "#define X 1\n");
	settle(f->a);
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/x.h"), NULL, 0), 0);
	watched = watch_mtime(&m.entries[0], f->a);
	assert_true(watched >= 0);

	/* an object written next to the sources moves the folder's ctime */
	write_file(f->a, "other.o",
	           "\x7f"
	           "ELF");
	assert_int_equal(stat(f->a, &st), 0);
	assert_true((int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec != watched);
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), 0);
	manifest_free(&m);
}

/* tar, rsync -t or a restore of mtimes put a folder's mtime back after a
 * shadowing header landed in it: the folder still counts as changed. */
static void test_shadow_with_folder_mtime_put_back_breaks_match(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	struct timespec times[2];
	struct stat st;

	write_file(f->root, "main.c", "#include <x.h>\n");
	write_file(f->b, "x.h", "#define X 1\n");
	settle(f->a);
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/x.h"), NULL, 0), 0);
	assert_true(watch_mtime(&m.entries[0], f->a) >= 0);
	assert_int_equal(stat(f->a, &st), 0);
	times[0] = st.st_atim;
	times[1] = st.st_mtim;

	write_file(f->a, "x.h", "#define X 2\n");
	assert_int_equal(utimensat(AT_FDCWD, f->a, times, 0), 0);
	assert_int_equal(manifest_match(&m, f->hc, f->root, NULL), -ENOENT);
	manifest_free(&m);
}

static void test_watch_survives_encoding(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0}, back;
	struct buf blob = BUF_INIT;

	write_file(f->root, "main.c", "#include <x.h>\n");
	write_file(f->b, "x.h", "#define X 1\n");
	settle(f->a);
	assert_int_equal(build_watched(f, &m, FILES("main.c", "B/x.h"), NULL, 0), 0);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_int_equal(manifest_decode(blob.data, blob.len, &back), 0);
	assert_int_equal(manifest_match(&back, f->hc, f->root, NULL), 0);
	write_file(f->a, "x.h", "#define X 2\n");
	assert_int_equal(manifest_match(&back, f->hc, f->root, NULL), -ENOENT);
	buf_free(&blob);
	manifest_free(&back);
	manifest_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_encode_decode_round_trip),
	        cmocka_unit_test(test_empty_manifest_round_trip),
	        cmocka_unit_test(test_decode_truncated_blob_is_rejected),
	        cmocka_unit_test(test_decode_garbage_is_rejected),
	        cmocka_unit_test(test_add_puts_newest_first),
	        cmocka_unit_test(test_add_same_result_replaces),
	        cmocka_unit_test(test_add_keeps_at_most_max_entries),
	        cmocka_unit_test_setup_teardown(test_match_follows_header_content, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_new_header_earlier_in_path_breaks_match, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_new_header_in_racy_folder_breaks_match, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_new_header_in_missing_subfolder_breaks_match,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_existing_shadow_is_a_conflict, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_include_next_is_not_a_conflict, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_shadow_with_folder_mtime_put_back_breaks_match,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_unrelated_file_in_watched_folder_still_matches,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_watch_survives_encoding, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
