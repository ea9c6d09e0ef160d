/*
 * Unit tests for incpath: the search folders come in the compiler's order,
 * and a walk's summary stays the same while the tree does and changes when
 * a name appears in any folder of its search chain, and only there.
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
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "buf.h"
#include "cscan.h"
#include "dircache.h"
#include "incpath.h"

#define N(v) (sizeof(v) / sizeof(v[0]))

/* ---- building ---- */

static void assert_dirs(const struct incpath *ip, const char *const *want, size_t n)
{
	if (ip->n_dirs != n)
		fail_msg("%zu folders, want %zu", ip->n_dirs, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(ip->dirs[i], want[i]) != 0)
			fail_msg("folder %zu is %s, want %s", i, ip->dirs[i], want[i]);
}

static void test_build_follows_gcc_order(void **state)
{
	static char *const quote[] = {"q1", "q2"}, *const user[] = {"i1", "i2"},
	                   *const system[] = {"s1"}, *const builtin[] = {"/usr/include"},
	                   *const after[] = {"after"};
	static const char *const want[] = {"q1", "q2", "i1", "i2",           "c1",   ".",
	                                   "c2", "s1", "l1", "/usr/include", "after"};
	struct incpath_spec s = {
	        .quote = quote,
	        .n_quote = N(quote),
	        .user = user,
	        .n_user = N(user),
	        .cpath = "c1::c2",
	        .system = system,
	        .n_system = N(system),
	        .lang_path = "l1",
	        .builtin = builtin,
	        .n_builtin = N(builtin),
	        .after = after,
	        .n_after = N(after),
	};
	struct incpath ip;

	(void)state;
	assert_int_equal(incpath_build(&s, &ip), 0);
	assert_dirs(&ip, want, N(want));
	/* -iquote for "..." only; -I and CPATH are the user's; the rest system */
	assert_int_equal(ip.n_quote, 2);
	assert_int_equal(ip.n_user, 5);
	incpath_free(&ip);
}

/* An empty element of a path variable is the cwd; an empty variable is none. */
static void test_build_path_variables(void **state)
{
	static const struct {
		const char *var;
		const char *want[4];
		size_t n;
	} cases[] = {
	        {"", {NULL}, 0},
	        {"a", {"a"}, 1},
	        {":a", {".", "a"}, 2},
	        {"a:", {"a", "."}, 2},
	        {"a::b", {"a", ".", "b"}, 3},
	        {":", {".", "."}, 2},
	        {"/x:y", {"/x", "y"}, 2},
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct incpath_spec as_cpath = {.cpath = cases[i].var};
		struct incpath_spec as_lang = {.lang_path = cases[i].var};
		struct incpath ip;

		assert_int_equal(incpath_build(&as_cpath, &ip), 0);
		assert_dirs(&ip, cases[i].want, cases[i].n);
		assert_int_equal(ip.n_quote, 0);
		assert_int_equal(ip.n_user, cases[i].n);
		incpath_free(&ip);
		assert_int_equal(incpath_build(&as_lang, &ip), 0);
		assert_dirs(&ip, cases[i].want, cases[i].n);
		assert_int_equal(ip.n_user, 0);
		incpath_free(&ip);
	}
}

static void test_build_nothing(void **state)
{
	struct incpath_spec s = {0};
	struct incpath ip;

	(void)state;
	assert_int_equal(incpath_build(&s, &ip), 0);
	assert_int_equal(ip.n_dirs, 0);
	incpath_free(&ip);
}

/* ---- walking ---- */

/*
 * The tree: root is the cwd, src/ holds the includer, and the search path
 * is -iquote q -I i1 -I i2 -isystem sys (spelled relative to the cwd).
 */
struct fixture {
	char root[PATH_MAX]; /* canonical */
	struct dircache *dc;
	struct incpath ip;
};

static const char chain_dirs[][4] = {"src", "q", "i1", "i2", "sys"};

/* root/rel, valid until the end of the enclosing block. */
#define in_root(f, rel) tu_in((f)->root, rel)

/* An empty file at root/rel. */
static void make_file(const struct fixture *f, const char *rel)
{
	tu_write_file(in_root(f, rel), "", 0, 0644);
}

static void remove_file(const struct fixture *f, const char *rel)
{
	assert_int_equal(unlink(in_root(f, rel)), 0);
}

static int setup(void **state)
{
	static char *const quote[] = {"q"}, *const user[] = {"i1", "i2"}, *const system[] = {"sys"};
	struct incpath_spec s = {.quote = quote,
	                         .n_quote = 1,
	                         .user = user,
	                         .n_user = 2,
	                         .system = system,
	                         .n_system = 1};
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/zccache-test-incpath-XXXXXX";

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, f->root));
	for (size_t i = 0; i < N(chain_dirs); i++)
		assert_int_equal(mkdir(in_root(f, chain_dirs[i]), 0755), 0);
	make_file(f, "src/a.c");
	assert_int_equal(dircache_new(&f->dc), 0);
	assert_int_equal(incpath_build(&s, &f->ip), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	incpath_free(&f->ip);
	dircache_free(f->dc);
	rmtree(f->root);
	free(f);
	return 0;
}

/* One name in cscan_includes' format: form byte, name, NUL. */
static void name_item(struct buf *b, char form, const char *name)
{
	assert_int_equal(buf_append(b, &form, 1), 0);
	assert_int_equal(buf_append(b, name, strlen(name) + 1), 0);
}

/* What a fresh round's walk over one name, asked by includer, sums to. */
static struct incpath_summary walk_one(struct fixture *f, const char *includer, char form,
                                       const char *name)
{
	struct buf b = BUF_INIT;
	struct incpath_walk w;
	struct incpath_summary s;

	name_item(&b, form, name);
	dircache_next_round(f->dc);
	assert_int_equal(incpath_walk_begin(&w, &f->ip, f->dc, f->root), 0);
	assert_int_equal(incpath_walk_names(&w, includer, (const char *)b.data, b.len), 0);
	s = w.summary;
	incpath_walk_end(&w);
	buf_free(&b);
	return s;
}

static bool same(struct incpath_summary a, struct incpath_summary b)
{
	return a.probes == b.probes && a.sum == b.sum;
}

static void test_unchanged_tree_walks_the_same(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary a, b;

	make_file(f, "i2/x.h");
	a = walk_one(f, "src/a.c", CSCAN_QUOTE, "x.h");
	b = walk_one(f, "src/a.c", CSCAN_QUOTE, "x.h");
	assert_true(same(a, b));
	/* every folder's existence, the includer's folder, then every folder */
	assert_int_equal(a.probes, f->ip.n_dirs + 1 + f->ip.n_dirs);
	a = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");
	b = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");
	assert_true(same(a, b));
	/* neither the includer's folder nor -iquote */
	assert_int_equal(a.probes, f->ip.n_dirs + f->ip.n_dirs - f->ip.n_quote);
}

/* A "..." name: a file appearing in any folder of the chain is seen, and
 * its removal restores the summary. */
static void test_quote_name_sees_every_folder_of_its_chain(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before = walk_one(f, "src/a.c", CSCAN_QUOTE, "x.h");

	for (size_t i = 0; i < N(chain_dirs); i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "%s/x.h", chain_dirs[i]);
		make_file(f, rel);
		if (same(walk_one(f, "src/a.c", CSCAN_QUOTE, "x.h"), before))
			fail_msg("x.h created in %s was not seen", chain_dirs[i]);
		if (same(walk_one(f, "src/a.c", CSCAN_NEXT_QUOTE, "x.h"), before))
			fail_msg("x.h created in %s was not seen by include_next", chain_dirs[i]);
		remove_file(f, rel);
		assert_true(same(walk_one(f, "src/a.c", CSCAN_QUOTE, "x.h"), before));
	}
}

/* A <...> name skips the includer's folder and the -iquote folders. */
static void test_angle_name_skips_own_folder_and_iquote(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");

	for (size_t i = 0; i < N(chain_dirs); i++) {
		bool searched =
		        strcmp(chain_dirs[i], "src") != 0 && strcmp(chain_dirs[i], "q") != 0;
		char rel[64];

		snprintf(rel, sizeof(rel), "%s/x.h", chain_dirs[i]);
		make_file(f, rel);
		if (same(walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h"), before) == searched)
			fail_msg("<x.h> created in %s: %s", chain_dirs[i],
			         searched ? "not seen" : "seen, though never searched");
		if (same(walk_one(f, "src/a.c", CSCAN_NEXT_ANGLE, "x.h"), before) == searched)
			fail_msg("include_next <x.h> created in %s: wrong", chain_dirs[i]);
		remove_file(f, rel);
	}
}

/* Every place a header is found counts, not only the first: the summary
 * changes when a later folder gains the name too (include_next reads it). */
static void test_later_folders_count_too(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before;

	make_file(f, "i1/x.h");
	before = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");
	make_file(f, "sys/x.h");
	assert_false(same(walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h"), before));
}

static void test_names_with_folders_and_missing_folders(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before = walk_one(f, "src/a.c", CSCAN_ANGLE, "sys/x.h");

	/* a folder created where none was, then the header in it */
	assert_int_equal(mkdir(in_root(f, "i2/sys"), 0755), 0);
	assert_true(same(walk_one(f, "src/a.c", CSCAN_ANGLE, "sys/x.h"), before));
	make_file(f, "i2/sys/x.h");
	assert_false(same(walk_one(f, "src/a.c", CSCAN_ANGLE, "sys/x.h"), before));
}

/* The includer's folder as spelled: the cwd for a bare name or no includer
 * (the command line's -include). */
static void test_includer_folder(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary bare = walk_one(f, "a.c", CSCAN_QUOTE, "x.h");
	struct incpath_summary cmdline = walk_one(f, NULL, CSCAN_QUOTE, "x.h");
	struct incpath_summary abs_src = walk_one(f, in_root(f, "src/a.c"), CSCAN_QUOTE, "x.h");

	make_file(f, "x.h");
	assert_false(same(walk_one(f, "a.c", CSCAN_QUOTE, "x.h"), bare));
	assert_false(same(walk_one(f, NULL, CSCAN_QUOTE, "x.h"), cmdline));
	assert_true(same(walk_one(f, in_root(f, "src/a.c"), CSCAN_QUOTE, "x.h"), abs_src));
	make_file(f, "src/x.h");
	assert_false(same(walk_one(f, in_root(f, "src/a.c"), CSCAN_QUOTE, "x.h"), abs_src));
}

/* An absolute name is one probe, whatever the search path. */
static void test_absolute_names(void **state)
{
	struct fixture *f = *state;
	const char *abs = in_root(f, "elsewhere/x.h");
	struct incpath_summary before = walk_one(f, "src/a.c", CSCAN_QUOTE, abs);

	assert_int_equal(before.probes, f->ip.n_dirs + 1);
	assert_true(same(walk_one(f, "src/a.c", CSCAN_ANGLE, abs), before));
	assert_int_equal(mkdir(in_root(f, "elsewhere"), 0755), 0);
	make_file(f, "elsewhere/x.h");
	assert_false(same(walk_one(f, "src/a.c", CSCAN_QUOTE, abs), before));
	/* the same name in a search folder is not it */
	before = walk_one(f, "src/a.c", CSCAN_QUOTE, abs);
	make_file(f, "i1/x.h");
	assert_true(same(walk_one(f, "src/a.c", CSCAN_QUOTE, abs), before));
}

/* A .gch next to a name is what gcc would read first: it counts. */
static void test_gch_changes_the_summary(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before;

	make_file(f, "i1/x.h");
	before = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");
	make_file(f, "i1/x.h.gch");
	assert_false(same(walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h"), before));
}

/* The summary is of what was found where, not of how many: moving a header
 * from one folder to another changes it. */
static void test_moving_a_header_changes_the_summary(void **state)
{
	struct fixture *f = *state;
	struct incpath_summary before;

	make_file(f, "i2/x.h");
	before = walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h");
	assert_int_equal(rename(in_root(f, "i2/x.h"), in_root(f, "i1/x.h")), 0);
	assert_false(same(walk_one(f, "src/a.c", CSCAN_ANGLE, "x.h"), before));
}

struct found_log {
	char seen[8][PATH_MAX + 64];
	size_t n;
	int stop_with;
};

static int log_found(void *ctx, const char *dir, const char *name, const struct dircache_probe *p)
{
	struct found_log *log = ctx;

	assert_true(p->bits & DIRCACHE_FILE);
	assert_true(log->n < N(log->seen));
	snprintf(log->seen[log->n++], sizeof(log->seen[0]), "%s/%s", dir, name);
	return log->stop_with;
}

/* found hears of every file, with the absolute folder; a negative return
 * stops the walk with that code. */
static void test_found_is_called_for_every_file(void **state)
{
	struct fixture *f = *state;
	struct found_log log = {.n = 0};
	struct buf b = BUF_INIT;
	struct incpath_walk w;

	make_file(f, "src/x.h");
	make_file(f, "i2/x.h");
	make_file(f, "sys/y.h");
	name_item(&b, CSCAN_QUOTE, "x.h");
	name_item(&b, CSCAN_ANGLE, "y.h");
	name_item(&b, CSCAN_ANGLE, "none.h");
	dircache_next_round(f->dc);
	assert_int_equal(incpath_walk_begin(&w, &f->ip, f->dc, f->root), 0);
	w.found = log_found;
	w.ctx = &log;
	assert_int_equal(incpath_walk_names(&w, "src/a.c", (const char *)b.data, b.len), 0);
	incpath_walk_end(&w);
	assert_int_equal(log.n, 3);
	assert_string_equal(log.seen[0], in_root(f, "src/x.h"));
	assert_string_equal(log.seen[1], in_root(f, "i2/x.h"));
	assert_string_equal(log.seen[2], in_root(f, "sys/y.h"));

	log = (struct found_log){.n = 0, .stop_with = -EEXIST};
	assert_int_equal(incpath_walk_begin(&w, &f->ip, f->dc, f->root), 0);
	w.found = log_found;
	w.ctx = &log;
	assert_int_equal(incpath_walk_names(&w, "src/a.c", (const char *)b.data, b.len), -EEXIST);
	incpath_walk_end(&w);
	assert_int_equal(log.n, 1);
	buf_free(&b);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_build_follows_gcc_order),
	        cmocka_unit_test(test_build_path_variables),
	        cmocka_unit_test(test_build_nothing),
	        T(test_unchanged_tree_walks_the_same),
	        T(test_quote_name_sees_every_folder_of_its_chain),
	        T(test_angle_name_skips_own_folder_and_iquote),
	        T(test_later_folders_count_too),
	        T(test_names_with_folders_and_missing_folders),
	        T(test_includer_folder),
	        T(test_absolute_names),
	        T(test_gch_changes_the_summary),
	        T(test_moving_a_header_changes_the_summary),
	        T(test_found_is_called_for_every_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
