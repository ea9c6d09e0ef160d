/*
 * Unit tests for manifest: format 5 round-trips and rejects anything else,
 * entries are kept newest first and bounded, and an entry matches only
 * while its headers keep their content and every name the compile may have
 * asked for still finds what it found when the entry was recorded.
 */
#include <errno.h>
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

#include "testutil.h"

#include "buf.h"
#include "dircache.h"
#include "hash.h"
#include "hashcache.h"
#include "incpath.h"
#include "manifest.h"

#define N(v) (sizeof(v) / sizeof(v[0]))

static struct digest digest_of_str(const char *s)
{
	struct digest d;

	digest_mem(s, strlen(s), &d);
	return d;
}

/* A copy of len bytes of p (names lists hold NULs). */
static char *dup_mem(const char *p, size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

/* An entry with no files and no search, told apart by its result only. */
static struct manifest_entry bare_entry(const char *result)
{
	struct manifest_entry e = {0};

	e.result = digest_of_str(result);
	return e;
}

/* ---- encoding ---- */

static void assert_names_equal(const char *x, size_t xl, const char *y, size_t yl)
{
	assert_int_equal(xl, yl);
	if (xl)
		assert_memory_equal(x, y, xl);
}

static void assert_entries_equal(const struct manifest_entry *x, const struct manifest_entry *y)
{
	assert_true(digest_equal(&x->result, &y->result));
	assert_true(x->since_ns == y->since_ns);
	assert_int_equal(x->n_files, y->n_files);
	for (size_t i = 0; i < x->n_files; i++) {
		assert_string_equal(x->files[i].path, y->files[i].path);
		assert_true(digest_equal(&x->files[i].digest, &y->files[i].digest));
		assert_int_equal(x->files[i].preprocessed, y->files[i].preprocessed);
	}
	assert_int_equal(x->search.n_dirs, y->search.n_dirs);
	assert_int_equal(x->search.n_quote, y->search.n_quote);
	assert_int_equal(x->search.n_user, y->search.n_user);
	for (size_t i = 0; i < x->search.n_dirs; i++)
		assert_string_equal(x->search.dirs[i], y->search.dirs[i]);
	assert_names_equal(x->forced, x->forced_len, y->forced, y->forced_len);
	assert_names_equal(x->any, x->any_len, y->any, y->any_len);
	assert_true(x->found.probes == y->found.probes);
	assert_true(x->found.sum == y->found.sum);
}

/* A manifest with every kind of field: odd paths, both file kinds, a search
 * with all three parts, forced and any names, and an entry with nothing. */
static void sample_manifest(struct manifest *m)
{
	static char *const quote[] = {"q"}, *const user[] = {"-I dir", "/abs/inc"},
	                   *const system[] = {"/usr/include"};
	static const char forced[] = "qpre.h\0aconfig.h", any[] = "qm.h\0qsys/ü \\ tab\t.h";
	struct incpath_spec spec = {.quote = quote,
	                            .n_quote = N(quote),
	                            .user = user,
	                            .n_user = N(user),
	                            .cpath = "c1::c2",
	                            .system = system,
	                            .n_system = N(system)};
	struct manifest_entry e = bare_entry("empty result");

	memset(m, 0, sizeof(*m));
	assert_int_equal(manifest_add(m, &e), 0);

	e = bare_entry("full result");
	e.since_ns = 1700000000123456789LL;
	e.files = calloc(3, sizeof(*e.files));
	assert_non_null(e.files);
	e.files[0] = (struct manifest_file){strdup("a.h"), digest_of_str("a"), true};
	e.files[1] =
	        (struct manifest_file){strdup("/usr/include/stdio.h"), digest_of_str("s"), true};
	e.files[2] = (struct manifest_file){strdup("dir with space/\"blob\".bin"),
	                                    digest_of_str("b"), false};
	e.n_files = 3;
	assert_int_equal(incpath_build(&spec, &e.search), 0);
	e.forced = dup_mem(forced, sizeof(forced));
	e.forced_len = sizeof(forced);
	e.any = dup_mem(any, sizeof(any));
	e.any_len = sizeof(any);
	e.found = (struct incpath_summary){42, 0xfedcba9876543210ULL};
	assert_int_equal(manifest_add(m, &e), 0);
}

static void test_encode_decode_round_trip(void **state)
{
	struct manifest m, back;
	struct buf blob = BUF_INIT, again = BUF_INIT;

	(void)state;
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

	(void)state;
	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_int_equal(manifest_decode(blob.data, blob.len, &back), 0);
	assert_int_equal(back.n, 0);
	manifest_free(&back);
	buf_free(&blob);
}

static void assert_rejected(const void *p, size_t len, const char *what)
{
	/* a copy of exactly len bytes, so ASan sees any over-read */
	char *copy = malloc(len ? len : 1);
	struct manifest back;

	assert_non_null(copy);
	memcpy(copy, p, len);
	if (manifest_decode(copy, len, &back) != -EBADMSG)
		fail_msg("%s was not rejected", what);
	assert_int_equal(back.n, 0);
	assert_null(back.entries);
	free(copy);
}

/* Every cut of a valid blob is rejected, and nothing half-decoded leaks
 * (the ASan build checks the leaks). */
static void test_every_truncation_is_rejected(void **state)
{
	struct manifest m;
	struct buf blob = BUF_INIT;
	char what[96];

	(void)state;
	sample_manifest(&m);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	for (size_t len = 0; len < blob.len; len++) {
		snprintf(what, sizeof(what), "a blob cut to %zu of %zu bytes", len, blob.len);
		assert_rejected(blob.data, len, what);
	}
	buf_free(&blob);
	manifest_free(&m);
}

/* Encode m after letting edit spoil its newest entry: decode must refuse it. */
static void assert_spoiled_rejected(void (*edit)(struct manifest_entry *), const char *what)
{
	struct manifest m;
	struct buf blob = BUF_INIT;

	sample_manifest(&m);
	edit(&m.entries[0]);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_rejected(blob.data, blob.len, what);
	buf_free(&blob);
	manifest_free(&m);
}

static void quote_beyond_dirs(struct manifest_entry *e)
{
	e->search.n_quote = e->search.n_dirs + 1;
}

static void user_beyond_dirs(struct manifest_entry *e)
{
	e->search.n_user = e->search.n_dirs - e->search.n_quote + 1;
}

static void forced_without_final_nul(struct manifest_entry *e)
{
	e->forced_len--;
}

static void any_without_final_nul(struct manifest_entry *e)
{
	e->any_len--;
}

static void test_inconsistent_blobs_are_rejected(void **state)
{
	struct manifest m;
	struct buf blob = BUF_INIT;

	(void)state;
	assert_spoiled_rejected(quote_beyond_dirs, "-iquote folders beyond the folders");
	assert_spoiled_rejected(user_beyond_dirs, "-I folders beyond the folders");
	assert_spoiled_rejected(forced_without_final_nul, "forced names cut mid-name");
	assert_spoiled_rejected(any_without_final_nul, "any names cut mid-name");

	sample_manifest(&m);
	assert_int_equal(manifest_encode(&m, &blob), 0);
	/* another format */
	blob.data[3]--;
	assert_rejected(blob.data, blob.len, "format 4");
	blob.data[3]++;
	/* trailing bytes */
	assert_int_equal(buf_append(&blob, "", 1), 0);
	assert_rejected(blob.data, blob.len, "a trailing byte");
	/* a count far beyond the bytes */
	blob.len--;
	memset(blob.data + 4, 0xff, 4);
	assert_rejected(blob.data, blob.len, "4G entries");
	buf_free(&blob);
	manifest_free(&m);
}

/* ---- adding ---- */

static void assert_results(const struct manifest *m, const char *const *want, size_t n)
{
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++) {
		struct digest d = digest_of_str(want[i]);

		if (!digest_equal(&m->entries[i].result, &d))
			fail_msg("entry %zu is not %s", i, want[i]);
	}
}

static void test_add_puts_newest_first(void **state)
{
	static const char *const added[] = {"r1", "r2", "r3"}, *const want[] = {"r3", "r2", "r1"};
	struct manifest m = {0};

	(void)state;
	for (size_t i = 0; i < N(added); i++) {
		struct manifest_entry e = bare_entry(added[i]);

		e.forced = strdup("qx.h");
		e.forced_len = 5;
		assert_int_equal(manifest_add(&m, &e), 0);
		/* moved in: the caller's copy owns nothing any more */
		assert_null(e.forced);
		assert_int_equal(e.forced_len, 0);
	}
	assert_results(&m, want, N(want));
	manifest_free(&m);
}

static void test_add_same_result_replaces(void **state)
{
	static const char *const want[] = {"r2", "r3", "r1"};
	struct manifest m = {0};
	struct manifest_entry e;

	(void)state;
	for (size_t i = 1; i <= 3; i++) {
		char r[8];

		snprintf(r, sizeof(r), "r%zu", i);
		e = bare_entry(r);
		assert_int_equal(manifest_add(&m, &e), 0);
	}
	/* r2 again, now with a header: one r2, the new one, first */
	e = bare_entry("r2");
	e.files = calloc(1, sizeof(*e.files));
	assert_non_null(e.files);
	e.files[0] = (struct manifest_file){strdup("new.h"), digest_of_str("new"), true};
	e.n_files = 1;
	assert_int_equal(manifest_add(&m, &e), 0);
	assert_results(&m, want, N(want));
	assert_int_equal(m.entries[0].n_files, 1);
	assert_string_equal(m.entries[0].files[0].path, "new.h");
	manifest_free(&m);
}

static void test_add_keeps_at_most_max_entries(void **state)
{
	struct manifest m = {0};
	char name[32];

	(void)state;
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

/* ---- recording and matching on a real tree ---- */

/*
 * The tree: root is the compile's cwd, src/main.c the source, searched with
 * -I inc1 -I inc2 (spelled relative to the cwd).
 */
struct fixture {
	char root[PATH_MAX]; /* canonical */
	struct hashcache *hc;
	struct dircache *dc;
};

/* root/rel, valid until the end of the enclosing block. */
#define in_root(f, rel) tu_in((f)->root, rel)

static void write_file(const struct fixture *f, const char *rel, const char *content)
{
	tu_write_file(in_root(f, rel), content, strlen(content), 0644);
}

static void remove_file(const struct fixture *f, const char *rel)
{
	assert_int_equal(unlink(in_root(f, rel)), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/zccache-test-manifest-XXXXXX";

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, f->root));
	assert_int_equal(mkdir(in_root(f, "src"), 0755), 0);
	assert_int_equal(mkdir(in_root(f, "inc1"), 0755), 0);
	assert_int_equal(mkdir(in_root(f, "inc2"), 0755), 0);
	assert_int_equal(hashcache_new(&f->hc), 0);
	assert_int_equal(dircache_new(&f->dc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dircache_free(f->dc);
	hashcache_free(f->hc);
	rmtree(f->root);
	free(f);
	return 0;
}

/*
 * When a compile starts: the kernel's coarse clock (the one that stamps
 * files), read after its tick has moved past every change made so far, so
 * that only what is created from now on counts as created during it.
 */
static int64_t compile_starts(void)
{
	struct timespec nap = {0, 20000000}, ts;

	nanosleep(&nap, NULL);
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* An entry for src/main.c whose compile read files (relative to the cwd)
 * as they are now, searched with -I inc1 -I inc2. */
static struct manifest_entry entry_of(struct fixture *f, const char *result,
                                      const char *const *files, size_t n)
{
	static char *const user[] = {"inc1", "inc2"};
	struct incpath_spec spec = {.user = user, .n_user = N(user)};
	struct manifest_entry e = bare_entry(result);

	e.files = calloc(n + 1, sizeof(*e.files));
	assert_non_null(e.files);
	for (size_t i = 0; i < n; i++) {
		struct file_digest fd;

		assert_int_equal(hashcache_get(f->hc, in_root(f, files[i]), &fd), 0);
		e.files[i] = (struct manifest_file){strdup(files[i]), fd.digest, true};
		assert_non_null(e.files[i].path);
	}
	e.n_files = n;
	assert_int_equal(incpath_build(&spec, &e.search), 0);
	return e;
}

/* Record e's search for a compile that started at since; put it in m. */
static void record(struct fixture *f, struct manifest *m, struct manifest_entry *e, int64_t since)
{
	char conflict[PATH_MAX] = "";
	int r = manifest_record_search(e, f->hc, f->dc, f->root, "src/main.c", since, conflict,
	                               sizeof(conflict));

	if (r != 0)
		fail_msg("record: %s (%s)", strerror(-r), conflict);
	assert_int_equal(manifest_add(m, e), 0);
}

/* A lookup, as the cache makes one: a new round, then match. */
static int match(struct fixture *f, struct manifest *m, const char **changed)
{
	*changed = NULL;
	dircache_next_round(f->dc);
	return manifest_match(m, f->hc, f->dc, f->root, "src/main.c", changed);
}

static void test_matches_while_unchanged(void **state)
{
	static const char *const files[] = {"src/a.h", "inc2/b.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#include \"a.h\"\n#include <b.h>\n");
	write_file(f, "src/a.h", "#define A 1\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_true(m.entries[0].found.probes > 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(match(f, &m, &changed), 0);
	/* unrelated changes: a name nobody asks for, a file in another folder */
	write_file(f, "inc1/other.h", "");
	write_file(f, "unrelated.c", "");
	assert_int_equal(match(f, &m, &changed), 0);
	manifest_free(&m);
}

static void test_changed_header_misses_and_is_named(void **state)
{
	static const char *const files[] = {"inc2/b.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc2/b.h", "#define B 2\n"); /* same size */
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	assert_non_null(changed);
	assert_string_equal(changed, "inc2/b.h");
	/* content back: a match again */
	write_file(f, "inc2/b.h", "#define B 1\n");
	assert_int_equal(match(f, &m, &changed), 0);
	manifest_free(&m);
}

/* A header appearing earlier in the search path would be read instead:
 * a miss while it is there, a match again once it is gone. */
static void test_shadowing_header_misses_until_removed(void **state)
{
	static const char *const files[] = {"inc2/a.h", "inc2/b.h", "inc2/c.h"};
	/* before a.h: main.c's folder, inc1; before b.h: inc1; before c.h
	 * (asked by inc2/b.h, so searched from inc2 first): inc1 */
	static const char *const shadows[] = {"src/a.h", "inc1/a.h", "inc1/b.h", "inc1/c.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#include \"a.h\"\n#include <b.h>\n");
	write_file(f, "inc2/a.h", "#define A 1\n");
	write_file(f, "inc2/b.h", "#include \"c.h\"\n");
	write_file(f, "inc2/c.h", "#define C 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	for (size_t i = 0; i < N(shadows); i++) {
		assert_int_equal(match(f, &m, &changed), 0);
		write_file(f, shadows[i], "#define SHADOW 1\n");
		if (match(f, &m, &changed) != -ENOENT)
			fail_msg("%s appeared and the entry still matched", shadows[i]);
		assert_non_null(changed);
		assert_string_equal(changed, "the include search path");
		remove_file(f, shadows[i]);
		if (match(f, &m, &changed) != 0)
			fail_msg("%s removed and the entry still missed", shadows[i]);
	}
	/* not a shadow: c.h is asked for by inc2/b.h, not from main.c's folder */
	write_file(f, "src/c.h", "");
	assert_int_equal(match(f, &m, &changed), 0);
	manifest_free(&m);
}

/* A name __has_include probed and did not find must stay unfound. */
static void test_has_include_name_appearing_misses(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#if __has_include(<opt.h>)\n#include <opt.h>\n#endif\n");
	e = entry_of(f, "r", NULL, 0);
	record(f, &m, &e, compile_starts());
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc2/opt.h", "");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	manifest_free(&m);
}

/* The command line's -include names are searched from the cwd first. */
static void test_forced_names_are_watched(void **state)
{
	static const char *const files[] = {"pre.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "int x;\n");
	write_file(f, "pre.h", "#define PRE 1\n");
	e = entry_of(f, "r", files, N(files));
	e.forced = dup_mem("qpre.h", 7);
	e.forced_len = 7;
	record(f, &m, &e, compile_starts());
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc1/pre.h", "");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	manifest_free(&m);
}

/* An older entry recorded for other content still matches. */
static void test_older_entry_matches(void **state)
{
	static const char *const files[] = {"inc2/b.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	e = entry_of(f, "old", files, N(files));
	record(f, &m, &e, compile_starts());
	write_file(f, "inc2/b.h", "#define B 2\n");
	e = entry_of(f, "new", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc2/b.h", "#define B 1\n");
	assert_int_equal(match(f, &m, &changed), 1);
	manifest_free(&m);
}

/* What record wrote is what a later lookup, from the decoded blob, finds. */
static void test_recorded_entry_survives_encoding(void **state)
{
	static const char *const files[] = {"inc2/b.h"};
	struct fixture *f = *state;
	struct manifest m = {0}, back;
	struct manifest_entry e;
	struct buf blob = BUF_INIT;
	const char *changed;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(manifest_encode(&m, &blob), 0);
	assert_int_equal(manifest_decode(blob.data, blob.len, &back), 0);
	assert_entries_equal(&m.entries[0], &back.entries[0]);
	assert_int_equal(match(f, &back, &changed), 0);
	write_file(f, "inc1/b.h", "");
	assert_int_equal(match(f, &back, &changed), -ENOENT);
	buf_free(&blob);
	manifest_free(&back);
	manifest_free(&m);
}

static void test_missing_source_misses(void **state)
{
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;
	char conflict[PATH_MAX];

	write_file(f, "src/main.c", "int x;\n");
	e = entry_of(f, "r", NULL, 0);
	record(f, &m, &e, compile_starts());
	remove_file(f, "src/main.c");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	assert_string_equal(changed, "src/main.c");
	e = entry_of(f, "r2", NULL, 0);
	assert_int_equal(manifest_record_search(&e, f->hc, f->dc, f->root, "src/main.c",
	                                        compile_starts(), conflict, sizeof(conflict)),
	                 -ENOENT);
	manifest_entry_free(&e);
	manifest_free(&m);
}

/* A header created while the compile ran: the compile may have looked
 * before it was there and found another. The entry must not be stored. */
static void test_name_created_during_compile_is_a_conflict(void **state)
{
	static const char *const files[] = {"inc1/b.h"};
	struct fixture *f = *state;
	struct manifest_entry e;
	char conflict[PATH_MAX] = "";
	int64_t since;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 2\n");
	since = compile_starts();
	write_file(f, "inc1/b.h", "#define B 1\n");
	e = entry_of(f, "r", files, N(files));
	assert_int_equal(manifest_record_search(&e, f->hc, f->dc, f->root, "src/main.c", since,
	                                        conflict, sizeof(conflict)),
	                 -EEXIST);
	assert_string_equal(conflict, in_root(f, "inc1/b.h"));
	manifest_entry_free(&e);
}

/* A .gch beside a searched name: gcc may have read it instead. */
/*
 * gcc tries b.h.gch in every folder it searches for b.h (inc1 here, where
 * b.h is not) and uses it when valid: its bytes are keyed like a file the
 * compile read, never scanned; a changed one misses, naming it.
 */
static void test_gch_beside_a_name_is_keyed(void **state)
{
	static const char *const files[] = {"inc2/b.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;
	const struct manifest_file *kept;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	write_file(f, "inc1/b.h.gch", "not really a pch");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(m.entries[0].n_files, 2);
	kept = &m.entries[0].files[1];
	assert_string_equal(kept->path, in_root(f, "inc1/b.h.gch"));
	assert_false(kept->preprocessed);
	assert_int_equal(match(f, &m, &changed), 0);
	compile_starts();
	write_file(f, "inc1/b.h.gch", "another pch");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	assert_string_equal(changed, in_root(f, "inc1/b.h.gch"));
	manifest_free(&m);
}

/* A folder of .gch candidates is not modelled: -EXDEV, not stored. */
static void test_gch_folder_is_refused(void **state)
{
	static const char *const files[] = {"inc2/b.h"};
	struct fixture *f = *state;
	struct manifest_entry e;
	char conflict[PATH_MAX] = "";
	size_t len;

	write_file(f, "src/main.c", "#include <b.h>\n");
	write_file(f, "inc2/b.h", "#define B 1\n");
	assert_int_equal(mkdir(in_root(f, "inc1/b.h.gch"), 0755), 0);
	e = entry_of(f, "r", files, N(files));
	assert_int_equal(manifest_record_search(&e, f->hc, f->dc, f->root, "src/main.c",
	                                        compile_starts(), conflict, sizeof(conflict)),
	                 -EXDEV);
	len = strlen(conflict);
	assert_true(len > 4 && strcmp(conflict + len - 4, ".gch") == 0);
	manifest_entry_free(&e);
}

/* An #include of a macro: cscan cannot say which name, so every name a
 * closure file is found by is watched, and its shadow is noticed. */
static void test_computed_include_watches_any_name(void **state)
{
	static const char *const files[] = {"inc2/m.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	write_file(f, "src/main.c", "#define HDR <m.h>\n#include HDR\n");
	write_file(f, "inc2/m.h", "#define M 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_non_null(m.entries[0].any);
	assert_true(m.entries[0].any_len >= 5);
	assert_non_null(memmem(m.entries[0].any, m.entries[0].any_len, "qm.h", 5));
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc1/m.h", "#define M 2\n");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	assert_string_equal(changed, "the include search path");
	remove_file(f, "inc1/m.h");
	assert_int_equal(match(f, &m, &changed), 0);
	manifest_free(&m);
}

/* The same through a header that is a symlink (a build's symlink forest):
 * the name it is found by is watched, not its target's. */
static void test_computed_include_watches_a_symlinked_header_by_its_name(void **state)
{
	static const char *const files[] = {"inc2/m.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;
	const char *changed;

	assert_int_equal(mkdir(in_root(f, "real"), 0755), 0);
	write_file(f, "src/main.c", "#define HDR <m.h>\n#include HDR\n");
	write_file(f, "real/m.h", "#define M 1\n");
	assert_int_equal(symlink("../real/m.h", in_root(f, "inc2/m.h")), 0);
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(match(f, &m, &changed), 0);
	write_file(f, "inc1/m.h", "#define M 2\n");
	assert_int_equal(match(f, &m, &changed), -ENOENT);
	manifest_free(&m);
}

/* Without an unreadable include, no any list: the fallback costs files
 * times folders and is built only when needed. */
static void test_literal_includes_need_no_any(void **state)
{
	static const char *const files[] = {"inc2/m.h"};
	struct fixture *f = *state;
	struct manifest m = {0};
	struct manifest_entry e;

	write_file(f, "src/main.c", "#include <m.h>\n");
	write_file(f, "inc2/m.h", "#define M 1\n");
	e = entry_of(f, "r", files, N(files));
	record(f, &m, &e, compile_starts());
	assert_int_equal(m.entries[0].any_len, 0);
	manifest_free(&m);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_encode_decode_round_trip),
	        cmocka_unit_test(test_empty_manifest_round_trip),
	        cmocka_unit_test(test_every_truncation_is_rejected),
	        cmocka_unit_test(test_inconsistent_blobs_are_rejected),
	        cmocka_unit_test(test_add_puts_newest_first),
	        cmocka_unit_test(test_add_same_result_replaces),
	        cmocka_unit_test(test_add_keeps_at_most_max_entries),
	        T(test_matches_while_unchanged),
	        T(test_changed_header_misses_and_is_named),
	        T(test_shadowing_header_misses_until_removed),
	        T(test_has_include_name_appearing_misses),
	        T(test_forced_names_are_watched),
	        T(test_older_entry_matches),
	        T(test_recorded_entry_survives_encoding),
	        T(test_missing_source_misses),
	        T(test_name_created_during_compile_is_a_conflict),
	        T(test_gch_beside_a_name_is_keyed),
	        T(test_gch_folder_is_refused),
	        T(test_computed_include_watches_any_name),
	        T(test_computed_include_watches_a_symlinked_header_by_its_name),
	        T(test_literal_includes_need_no_any),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
