/* terminfo: max_colors read from compiled entries in both formats, found in
 * ncurses' order ($TERMINFO, ~/.terminfo, $TERMINFO_DIRS, the system). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "terminfo.h"
#include "testutil.h"

static char root[64];

/* A compiled entry named name in dir/<first letter>/ with max_colors set to
 * colors (16-bit numbers, or 32-bit ones when wide); nums numbers in all. */
static void write_entry(const char *dir, const char *name, int colors, int nums, int wide)
{
	uint8_t b[512] = {0};
	size_t at = 12, w = wide ? 4 : 2;
	size_t nlen = strlen(name) + 1, nbools = 3;
	char path[256];

	b[0] = wide ? 0x1e : 0x1a; /* 01036, 0432 */
	b[1] = wide ? 0x02 : 0x01;
	b[2] = (uint8_t)nlen;
	b[4] = (uint8_t)nbools;
	b[6] = (uint8_t)nums;
	memcpy(b + at, name, nlen);
	at += nlen + nbools;
	at += at % 2;
	for (int i = 0; i < nums; i++, at += w) {
		int v = i == 13 ? colors : -1;

		for (size_t k = 0; k < w; k++)
			b[at + k] = (uint8_t)((uint32_t)v >> (8 * k));
	}
	snprintf(path, sizeof(path), "%s/%c", dir, name[0]);
	mkdir(dir, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%c/%s", dir, name[0], name);
	tu_write_file(path, b, at, 0644);
}

static int setup(void **state)
{
	char d[128];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/zcc-terminfo.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(d, sizeof(d), "%s/ti", root);
	write_entry(d, "eight", 8, 15, 0);
	write_entry(d, "wide", 256, 15, 1);
	write_entry(d, "mono", -1, 15, 0);
	write_entry(d, "short", 8, 10, 0); /* no max_colors at all */
	snprintf(d, sizeof(d), "%s/home", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/home/.terminfo", root);
	write_entry(d, "homeonly", 16, 15, 0);
	write_entry(d, "eight", -1, 15, 0); /* $TERMINFO comes first */
	snprintf(d, sizeof(d), "%s/dirs", root);
	write_entry(d, "dirsonly", 88, 15, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rmtree(root);
	return 0;
}

static int colors(const char *term)
{
	char ti[128], home[128], dirs[160];
	struct terminfo_env e = {.term = term, .terminfo = ti, .terminfo_dirs = dirs, .home = home};

	snprintf(ti, sizeof(ti), "%s/ti", root);
	snprintf(home, sizeof(home), "%s/home", root);
	snprintf(dirs, sizeof(dirs), "/nonexistent:%s/dirs", root);
	return terminfo_colors(&e);
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(colors("eight"), 8);
	assert_int_equal(colors("wide"), 256);
	assert_int_equal(colors("mono"), -1);
	assert_int_equal(colors("short"), -1);
}

static void test_search_order(void **state)
{
	(void)state;
	assert_int_equal(colors("homeonly"), 16);
	assert_int_equal(colors("dirsonly"), 88);
	assert_int_equal(colors("no-such-terminal"), -1);
}

/* An entry ncurses cannot read is skipped, and the search goes on. */
static void test_unreadable_entry_is_skipped(void **state)
{
	char path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/ti/h", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ti/h/homeonly", root);
	tu_write_file(path, "garbage", 7, 0644);
	assert_int_equal(colors("homeonly"), 16);
}

/* A relative folder is the compile's, under its cwd. */
static void test_relative_folder(void **state)
{
	struct terminfo_env e = {.term = "eight", .terminfo = "ti", .cwd = root};

	(void)state;
	assert_int_equal(terminfo_colors(&e), 8);
	e.cwd = "/";
	assert_int_not_equal(terminfo_colors(&e), 8);
}

static void test_names_stay_in_the_database(void **state)
{
	(void)state;
	assert_int_equal(colors("eight:x"), -1);
	assert_int_equal(colors(""), -1);
	assert_int_equal(colors(NULL), -1);
	assert_int_equal(colors("../ti/e/eight"), -1);
	assert_int_equal(colors("e/eight"), -1);
}

/* The system's own entries, where the system has them (Debian's ncurses-base). */
static void test_system(void **state)
{
	struct terminfo_env e = {.term = "xterm"};

	(void)state;
	if (access("/lib/terminfo/x/xterm", R_OK) != 0 &&
	    access("/usr/share/terminfo/x/xterm", R_OK) != 0)
		skip();
	assert_int_equal(terminfo_colors(&e), 8);
	e.term = "vt100";
	assert_int_equal(terminfo_colors(&e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_formats),
	        cmocka_unit_test(test_search_order),
	        cmocka_unit_test(test_unreadable_entry_is_skipped),
	        cmocka_unit_test(test_relative_folder),
	        cmocka_unit_test(test_names_stay_in_the_database),
	        cmocka_unit_test(test_system),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
