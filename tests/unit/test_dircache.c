/*
 * Unit tests for dircache: a probe answers what open() would find at
 * dir/name, a change to a folder is seen by the next round at the latest
 * (even one made within the clock tick of the listing), a name that is a
 * symlink follows its target, and a folder that cannot be read is an error,
 * never an absent name.
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "clock.h"
#include "dircache.h"

struct fixture {
	char root[PATH_MAX]; /* canonical */
	struct dircache *dc;
};

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0755); /* a folder a test left unreadable */
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/zccache-test-dircache-XXXXXX";

	assert_non_null(f);
	assert_non_null(mkdtemp(tmpl));
	assert_non_null(realpath(tmpl, f->root));
	assert_int_equal(dircache_new(&f->dc), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	dircache_free(f->dc);
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* root/rel, valid until the end of the enclosing block. */
#define in_root(f, rel) tu_in((f)->root, rel)

/* An empty file at root/rel. */
static void make_file(const struct fixture *f, const char *rel)
{
	tu_write_file(in_root(f, rel), "", 0, 0644);
}

static void make_dir(const struct fixture *f, const char *rel)
{
	assert_int_equal(mkdir(in_root(f, rel), 0755), 0);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t ctime_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
}

/* Wait until a folder's last change is past the racy margin: a listing read
 * now is trusted, so only its ctime can tell the next round about a change. */
static void settle(const char *dir)
{
	struct timespec nap = {0, 10000000};
	int64_t c = ctime_of(dir);

	while (now_ns() - c <= timestamp_racy_margin_ns(c) + 10000000LL)
		nanosleep(&nap, NULL);
}

/* The bits a probe of dir/name answers; the probe itself must succeed. */
static unsigned probe(const struct fixture *f, const char *dir, const char *name)
{
	struct dircache_probe p;
	int r = dircache_probe(f->dc, dir, name, &p);

	if (r != 0)
		fail_msg("probe %s / %s: %s", dir, name, strerror(-r));
	return p.bits;
}

static void test_probe_finds_a_file(void **state)
{
	struct fixture *f = *state;

	make_file(f, "x.h");
	assert_int_equal(probe(f, f->root, "x.h"), DIRCACHE_FILE);
}

static void test_absent_name_is_not_found(void **state)
{
	struct fixture *f = *state;

	make_file(f, "x.h");
	make_file(f, "x.hh");
	assert_int_equal(probe(f, f->root, "y.h"), 0);
	/* neither a prefix nor an extension of a listed name */
	assert_int_equal(probe(f, f->root, "x."), 0);
	assert_int_equal(probe(f, f->root, "x.hhh"), 0);
	assert_int_equal(probe(f, f->root, "X.h"), 0);
}

static void test_a_folder_is_not_a_file(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "sys");
	assert_int_equal(probe(f, f->root, "sys"), 0);
}

static void test_names_with_folders(void **state)
{
	struct fixture *f = *state;
	const char *sub = in_root(f, "sub");

	make_dir(f, "sys");
	make_dir(f, "sub");
	make_file(f, "x.h");
	make_file(f, "sys/x.h");
	make_file(f, "plain");
	assert_int_equal(probe(f, f->root, "sys/x.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, f->root, "sys/y.h"), 0);
	assert_int_equal(probe(f, f->root, "nosuch/x.h"), 0);
	/* a file on the way is no folder */
	assert_int_equal(probe(f, f->root, "plain/x.h"), 0);
	assert_int_equal(probe(f, sub, "../x.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, sub, "../sys/x.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, sub, "./x.h"), 0);
	assert_int_equal(probe(f, f->root, "./x.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, f->root, "sys//x.h"), DIRCACHE_FILE);
	/* an absolute name ignores the folder */
	assert_int_equal(probe(f, sub, in_root(f, "sys/x.h")), DIRCACHE_FILE);
	assert_int_equal(probe(f, sub, in_root(f, "sys/y.h")), 0);
}

static void test_created_file_is_seen_next_round(void **state)
{
	struct fixture *f = *state;

	settle(f->root);
	assert_int_equal(probe(f, f->root, "new.h"), 0);
	make_file(f, "new.h");
	/* Within the round the listing may be served from memory: no answer
	 * is required, but asking must not break the next round. */
	(void)probe(f, f->root, "new.h");
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, f->root, "new.h"), DIRCACHE_FILE);
}

/* The racy rule: a folder listed within a clock tick of its last change may
 * change again with the same ctime; the next round must list it again. */
static void test_created_within_the_listing_tick_is_seen_next_round(void **state)
{
	struct fixture *f = *state;

	for (int attempt = 0;; attempt++) {
		char dir[32], name[64];
		struct dircache_stats before, after;
		int64_t listed_at, changed_at;

		snprintf(dir, sizeof(dir), "d%d", attempt);
		snprintf(name, sizeof(name), "%s/late.h", dir);
		make_dir(f, dir);
		make_file(f, name);
		assert_int_equal(probe(f, in_root(f, dir), "other.h"), 0);
		listed_at = now_ns();
		changed_at = ctime_of(in_root(f, dir));
		dircache_next_round(f->dc);
		dircache_get_stats(f->dc, &before);
		(void)probe(f, in_root(f, dir), "other.h");
		dircache_get_stats(f->dc, &after);
		if (listed_at - changed_at > timestamp_racy_margin_ns(changed_at)) {
			/* descheduled past the margin: this machine did not test the
			 * rule this time; try again, a few times */
			assert_true(attempt < 20);
			continue;
		}
		/* unchanged folder, still listed again: its listing was racy */
		assert_int_equal(after.listings, before.listings + 1);
		break;
	}
	/* and the observable rule: a name created right after a listing */
	make_dir(f, "fresh");
	assert_int_equal(probe(f, in_root(f, "fresh"), "x.h"), 0);
	make_file(f, "fresh/x.h");
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, in_root(f, "fresh"), "x.h"), DIRCACHE_FILE);
}

static void test_removed_file_is_gone_next_round(void **state)
{
	struct fixture *f = *state;

	make_file(f, "x.h");
	settle(f->root);
	assert_int_equal(probe(f, f->root, "x.h"), DIRCACHE_FILE);
	assert_int_equal(unlink(in_root(f, "x.h")), 0);
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, f->root, "x.h"), 0);
}

static void test_missing_folder_then_created(void **state)
{
	struct fixture *f = *state;
	struct dircache_probe p;

	assert_int_equal(dircache_probe(f->dc, in_root(f, "later"), "x.h", &p), 0);
	assert_int_equal(p.bits, 0);
	assert_true(p.folder_ctime_ns == DIRCACHE_NO_FOLDER);
	make_dir(f, "later");
	make_file(f, "later/x.h");
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, in_root(f, "later"), "x.h"), DIRCACHE_FILE);
}

/* The folder is probed by the path the compiler spells: a symlink swapped
 * in on the way is a different folder (dev/ino), whatever its ctime says. */
static void test_folder_replaced_by_symlink(void **state)
{
	struct fixture *f = *state;
	const char *inc = in_root(f, "inc");

	make_dir(f, "inc");
	make_dir(f, "other");
	make_file(f, "inc/x.h");
	make_file(f, "other/y.h");
	settle(inc);
	settle(in_root(f, "other"));
	assert_int_equal(probe(f, inc, "x.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, inc, "y.h"), 0);
	assert_int_equal(rename(inc, in_root(f, "inc.old")), 0);
	assert_int_equal(symlink("other", inc), 0);
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, inc, "x.h"), 0);
	assert_int_equal(probe(f, inc, "y.h"), DIRCACHE_FILE);
}

/* A name that is a symlink follows its target, which can change while the
 * folder holding the name does not. */
static void test_symlinked_name_follows_its_target(void **state)
{
	struct fixture *f = *state;
	const char *inc = in_root(f, "inc");
	int64_t inc_ctime;

	make_dir(f, "inc");
	make_dir(f, "real");
	make_file(f, "real/t.h");
	assert_int_equal(symlink("../real/t.h", in_root(f, "inc/link.h")), 0);
	assert_int_equal(symlink("../real/later.h", in_root(f, "inc/dangling.h")), 0);
	settle(inc);
	inc_ctime = ctime_of(inc);
	/* a symlink says so: for #pragma once, a link is not a copy */
	assert_int_equal(probe(f, inc, "link.h"), DIRCACHE_FILE | DIRCACHE_LINK);
	assert_int_equal(probe(f, inc, "dangling.h"), 0);

	/* retargeted: the file it named becomes a folder, a dangling one's
	 * target appears */
	assert_int_equal(unlink(in_root(f, "real/t.h")), 0);
	make_dir(f, "real/t.h");
	make_file(f, "real/later.h");
	assert_true(ctime_of(inc) == inc_ctime);
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, inc, "link.h"), 0);
	assert_int_equal(probe(f, inc, "dangling.h"), DIRCACHE_FILE | DIRCACHE_LINK);

	/* and dangling again */
	assert_int_equal(unlink(in_root(f, "real/later.h")), 0);
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, inc, "dangling.h"), 0);
}

/* A symlinked folder on the way to the name: retargeting it is seen. */
static void test_symlinked_folder_in_the_name_is_followed(void **state)
{
	struct fixture *f = *state;
	const char *inc = in_root(f, "inc");

	make_dir(f, "inc");
	make_dir(f, "v1");
	make_dir(f, "v2");
	make_file(f, "v1/a.h");
	make_file(f, "v2/b.h");
	assert_int_equal(symlink("../v1", in_root(f, "inc/sys")), 0);
	assert_int_equal(probe(f, inc, "sys/a.h"), DIRCACHE_FILE);
	assert_int_equal(probe(f, inc, "sys/b.h"), 0);
	assert_int_equal(unlink(in_root(f, "inc/sys")), 0);
	assert_int_equal(symlink("../v2", in_root(f, "inc/sys")), 0);
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, inc, "sys/a.h"), 0);
	assert_int_equal(probe(f, inc, "sys/b.h"), DIRCACHE_FILE);
}

static void test_gch_next_to_a_name(void **state)
{
	struct fixture *f = *state;

	make_file(f, "x.h");
	make_file(f, "x.h.gch");
	make_file(f, "only.h.gch");
	make_file(f, "plain.h");
	assert_int_equal(probe(f, f->root, "x.h"), DIRCACHE_FILE | DIRCACHE_GCH);
	/* gcc tries name.gch first, found or not */
	assert_int_equal(probe(f, f->root, "only.h"), DIRCACHE_GCH);
	assert_int_equal(probe(f, f->root, "plain.h"), DIRCACHE_FILE);
	make_file(f, "plain.h.gch");
	dircache_next_round(f->dc);
	assert_int_equal(probe(f, f->root, "plain.h"), DIRCACHE_FILE | DIRCACHE_GCH);
}

static void test_folder_ctime_is_reported(void **state)
{
	struct fixture *f = *state;
	struct dircache_probe p;

	make_dir(f, "sys");
	make_file(f, "sys/x.h");
	make_file(f, "top.h");
	assert_int_equal(dircache_probe(f->dc, f->root, "top.h", &p), 0);
	assert_true(p.folder_ctime_ns == ctime_of(f->root));
	/* the folder holding the last component */
	assert_int_equal(dircache_probe(f->dc, f->root, "sys/x.h", &p), 0);
	assert_true(p.folder_ctime_ns == ctime_of(in_root(f, "sys")));
	/* reported for an absent name in an existing folder too */
	assert_int_equal(dircache_probe(f->dc, f->root, "sys/none.h", &p), 0);
	assert_int_equal(p.bits, 0);
	assert_true(p.folder_ctime_ns == ctime_of(in_root(f, "sys")));
	assert_int_equal(dircache_probe(f->dc, f->root, "nosuch/x.h", &p), 0);
	assert_true(p.folder_ctime_ns == DIRCACHE_NO_FOLDER);
}

static void test_one_stat_per_folder_per_round(void **state)
{
	static const char *const names[] = {"a.h", "b.h", "none.h", "sys/c.h", "sys/none.h"};
	struct fixture *f = *state;
	struct dircache_stats s0, s1, s2;

	make_dir(f, "sys");
	make_file(f, "a.h");
	make_file(f, "b.h");
	make_file(f, "sys/c.h");
	settle(f->root);
	settle(in_root(f, "sys"));
	dircache_get_stats(f->dc, &s0);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			(void)probe(f, f->root, names[i]);
	dircache_get_stats(f->dc, &s1);
	assert_int_equal(s1.folders, 2);
	assert_int_equal(s1.stats - s0.stats, 2);
	assert_int_equal(s1.listings - s0.listings, 2);

	/* next round: a stat each, no listing (nothing changed) */
	dircache_next_round(f->dc);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)probe(f, f->root, names[i]);
	dircache_get_stats(f->dc, &s2);
	assert_int_equal(s2.stats - s1.stats, 2);
	assert_int_equal(s2.listings - s1.listings, 0);

	/* a change lists that folder only */
	make_file(f, "sys/d.h");
	dircache_next_round(f->dc);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)probe(f, f->root, names[i]);
	dircache_get_stats(f->dc, &s1);
	assert_int_equal(s1.stats - s2.stats, 2);
	assert_int_equal(s1.listings - s2.listings, 1);
}

/*
 * Probes that must fail on an unreadable folder: an error, never "absent"
 * (an absent answer would let a header appear there unseen). NULL when
 * they do, else what went wrong.
 */
static const char *unreadable_folder_fails(const char *root)
{
	static char why[256];
	char locked[PATH_MAX + 16];
	struct dircache *dc;
	struct dircache_probe p;
	int r;

	if (dircache_new(&dc) < 0)
		return "dircache_new";
	snprintf(locked, sizeof(locked), "%s/locked", root);
	why[0] = '\0';
	r = dircache_probe(dc, locked, "x.h", &p);
	if (r >= 0)
		snprintf(why, sizeof(why), "probe in the folder: %d, bits %u", r, p.bits);
	/* and the same folder on the way to a name */
	r = dircache_probe(dc, root, "locked/x.h", &p);
	if (!why[0] && r >= 0)
		snprintf(why, sizeof(why), "probe through the folder: %d, bits %u", r, p.bits);
	/* asked again within the round: still an error, not a remembered "absent" */
	r = dircache_probe(dc, locked, "x.h", &p);
	if (!why[0] && r >= 0)
		snprintf(why, sizeof(why), "second probe: %d, bits %u", r, p.bits);
	dircache_free(dc);
	return why[0] ? why : NULL;
}

static void test_unreadable_folder_is_an_error(void **state)
{
	struct fixture *f = *state;
	const char *why;

	make_dir(f, "locked");
	make_file(f, "locked/x.h");
	assert_int_equal(chmod(in_root(f, "locked"), 0), 0);
	if (geteuid() != 0) {
		why = unreadable_folder_fails(f->root);
	} else {
		/* root reads anyway: ask as nobody, in a child */
		int status;
		pid_t pid;

		assert_int_equal(chmod(f->root, 0755), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(77);
			why = unreadable_folder_fails(f->root);
			if (why)
				fprintf(stderr, "%s\n", why);
			_exit(why ? 1 : 0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		if (WEXITSTATUS(status) == 77)
			skip();
		why = WEXITSTATUS(status) == 0 ? NULL : "see the child's message above";
	}
	if (why)
		fail_msg("an unreadable folder was answered: %s", why);
	/* readable again: found, within the same round */
	assert_int_equal(chmod(in_root(f, "locked"), 0755), 0);
	assert_int_equal(probe(f, in_root(f, "locked"), "x.h"), DIRCACHE_FILE);
}

static void test_racy_margin(void **state)
{
	(void)state;
	/* a nanosecond ctime: the coarse clock's tick; a whole second: a
	 * filesystem that keeps seconds only */
	assert_true(timestamp_racy_margin_ns(1700000000123456789LL) < 1000000000LL);
	assert_true(timestamp_racy_margin_ns(1700000000000000000LL) >= 1000000000LL);
}

/* ---- traces ------------------------------------------------------------- */

/* Probe names in inc/ and sub/inc2 as a walk would, recording a trace. */
static struct dircache_trace *traced_walk(struct fixture *f)
{
	char inc[PATH_MAX + 8];

	snprintf(inc, sizeof(inc), "%s/inc", f->root);
	dircache_next_round(f->dc);
	dircache_trace_start(f->dc);
	(void)probe(f, inc, "a.h");
	(void)probe(f, inc, "b.h");
	(void)probe(f, inc, "sys/c.h");
	(void)probe(f, f->root, "missing/d.h");
	return dircache_trace_stop(f->dc, true);
}

static bool holds_next_round(struct fixture *f, const struct dircache_trace *t)
{
	dircache_next_round(f->dc);
	return dircache_trace_holds(f->dc, t);
}

static void trace_fixture(struct fixture *f)
{
	make_dir(f, "inc");
	make_dir(f, "inc/sys");
	make_file(f, "inc/a.h");
	make_file(f, "inc/sys/c.h");
}

static void test_trace_holds_while_nothing_probed_changes(void **state)
{
	struct fixture *f = *state;
	struct dircache_trace *t;

	trace_fixture(f);
	t = traced_walk(f);
	assert_non_null(t);
	assert_true(holds_next_round(f, t));
	/* An object and a depfile written next to the headers; a private
	 * output folder made and removed; another header; a tmp file renamed
	 * over a probed header (same name, same type): none is a probed name
	 * appearing, going or changing type. */
	make_file(f, "inc/a.o");
	make_file(f, "inc/a.d");
	make_dir(f, "inc/.zccache-1");
	assert_true(holds_next_round(f, t));
	assert_int_equal(rmdir(in_root(f, "inc/.zccache-1")), 0);
	make_file(f, "inc/other.h");
	make_file(f, "inc/a.h.tmp");
	assert_int_equal(rename(in_root(f, "inc/a.h.tmp"), in_root(f, "inc/a.h")), 0);
	assert_true(holds_next_round(f, t));
	dircache_trace_free(t);
}

static void check_breaks(struct fixture *f, void (*change)(struct fixture *f))
{
	struct dircache_trace *t;

	trace_fixture(f);
	t = traced_walk(f);
	assert_non_null(t);
	assert_true(holds_next_round(f, t));
	change(f);
	assert_false(holds_next_round(f, t));
	dircache_trace_free(t);
}

static void add_probed_name(struct fixture *f)
{
	make_file(f, "inc/b.h");
}
static void remove_probed_name(struct fixture *f)
{
	assert_int_equal(unlink(in_root(f, "inc/a.h")), 0);
}
static void gch_of_probed_name(struct fixture *f)
{
	make_file(f, "inc/a.h.gch");
}
static void probed_name_turns_folder(struct fixture *f)
{
	assert_int_equal(unlink(in_root(f, "inc/a.h")), 0);
	make_dir(f, "inc/a.h");
}
static void subfolder_name_in_path(struct fixture *f)
{
	make_file(f, "inc/sys/d.h"), make_file(f, "inc/sys/c.h.gch");
}
static void missing_folder_appears(struct fixture *f)
{
	make_dir(f, "missing");
}
static void folder_replaced(struct fixture *f)
{
	assert_int_equal(rename(in_root(f, "inc"), in_root(f, "inc.old")), 0);
	make_dir(f, "inc");
}
static void folder_symlinked_elsewhere(struct fixture *f)
{
	make_dir(f, "elsewhere");
	assert_int_equal(rename(in_root(f, "inc"), in_root(f, "inc.old")), 0);
	assert_int_equal(symlink(in_root(f, "elsewhere"), in_root(f, "inc")), 0);
}
/* More changes than a folder's log keeps: the trace can no longer tell. */
static void log_overflows(struct fixture *f)
{
	char name[64];

	for (int i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "inc/o%d.o", i);
		make_file(f, name);
		if (i % 64 == 0) {
			dircache_next_round(f->dc);
			(void)probe(f, in_root(f, "inc"), "zz.h"); /* a listing between */
		}
	}
}

static void test_trace_breaks_when_a_probed_name_appears(void **s)
{
	check_breaks(*s, add_probed_name);
}
static void test_trace_breaks_when_a_probed_name_goes(void **s)
{
	check_breaks(*s, remove_probed_name);
}
static void test_trace_breaks_on_a_gch_of_a_probed_name(void **s)
{
	check_breaks(*s, gch_of_probed_name);
}
static void test_trace_breaks_on_a_type_change(void **s)
{
	check_breaks(*s, probed_name_turns_folder);
}
static void test_trace_breaks_in_a_subfolder(void **s)
{
	check_breaks(*s, subfolder_name_in_path);
}
static void test_trace_breaks_when_a_missing_folder_appears(void **s)
{
	check_breaks(*s, missing_folder_appears);
}
static void test_trace_breaks_when_a_folder_is_replaced(void **s)
{
	check_breaks(*s, folder_replaced);
}
static void test_trace_breaks_on_a_symlinked_folder(void **s)
{
	check_breaks(*s, folder_symlinked_elsewhere);
}
static void test_trace_breaks_when_the_log_overflows(void **s)
{
	check_breaks(*s, log_overflows);
}

/* A probe that stat'ed a symlink's target leaves no trace to keep. */
static void test_trace_of_a_symlinked_name_is_not_kept(void **state)
{
	struct fixture *f = *state;

	trace_fixture(f);
	assert_int_equal(symlink(in_root(f, "inc/a.h"), in_root(f, "inc/b.h")), 0);
	assert_null(traced_walk(f));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	        T(test_probe_finds_a_file),
	        T(test_absent_name_is_not_found),
	        T(test_a_folder_is_not_a_file),
	        T(test_names_with_folders),
	        T(test_created_file_is_seen_next_round),
	        T(test_created_within_the_listing_tick_is_seen_next_round),
	        T(test_removed_file_is_gone_next_round),
	        T(test_missing_folder_then_created),
	        T(test_folder_replaced_by_symlink),
	        T(test_symlinked_name_follows_its_target),
	        T(test_symlinked_folder_in_the_name_is_followed),
	        T(test_gch_next_to_a_name),
	        T(test_folder_ctime_is_reported),
	        T(test_one_stat_per_folder_per_round),
	        T(test_unreadable_folder_is_an_error),
	        T(test_trace_holds_while_nothing_probed_changes),
	        T(test_trace_breaks_when_a_probed_name_appears),
	        T(test_trace_breaks_when_a_probed_name_goes),
	        T(test_trace_breaks_on_a_gch_of_a_probed_name),
	        T(test_trace_breaks_on_a_type_change),
	        T(test_trace_breaks_in_a_subfolder),
	        T(test_trace_breaks_when_a_missing_folder_appears),
	        T(test_trace_breaks_when_a_folder_is_replaced),
	        T(test_trace_breaks_on_a_symlinked_folder),
	        T(test_trace_breaks_when_the_log_overflows),
	        T(test_trace_of_a_symlinked_name_is_not_kept),
	        cmocka_unit_test(test_racy_margin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
