/*
 * Unit tests for driver_scan: the answer about a compiler's own include
 * folders stands while the folders its driver scanned look the same, and
 * falls when a GCC version is installed under the toolchain, when the
 * toolchain (or a sysroot's GCC installation, or its multiarch include
 * folder, or a libstdc++ header folder) appears where none was, or
 * when a folder changed around the question itself.
 */
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

#include "driver_scan.h"

static char root[PATH_MAX];

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Past the clock-tick margin of every change made so far. */
static void settle(void)
{
	usleep(120 * 1000);
}

static void mkdirs(const char *rel)
{
	char cmd[PATH_MAX * 2];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	assert_int_equal(system(cmd), 0);
}

static struct driver_scan *record(const char *answer, const char *opt)
{
	char *opts[] = {(char *)opt};
	struct driver_scan *s;

	assert_int_equal(driver_scan_record(answer, opts, opt ? 1 : 0, root, now_ns(), &s), 0);
	return s;
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/zccache-test-driver-scan-XXXXXX";

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(root, sizeof(root), "%s", tmpl);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rmtree(root) < 0 ? -1 : 0;
}

static void new_version_under_toolchain(void **state)
{
	struct driver_scan *s;

	(void)state;
	mkdirs("X/lib/gcc/x86_64-linux-gnu/12");
	settle();
	s = record("InstalledDir: /nonexistent/bin\n", "--gcc-toolchain=X");
	assert_true(driver_scan_count(s) >= 5);
	assert_true(driver_scan_holds(s));
	assert_true(driver_scan_holds(s));
	mkdirs("X/lib/gcc/x86_64-linux-gnu/13");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

/* clang++ takes libstdc++ from <prefix>[/<triple>]/include/c++/<version>
 * when that exists: a version folder created in an existing include/c++,
 * or a triple's include folder created, moves the search path. */
static void libstdcxx_folder_created_later(void **state)
{
	static const char *const created[] = {"X/include/c++/12", "X/x86_64-linux-gnu/include",
	                                      "X/lib/gcc/x86_64-linux-gnu/12/include/g++-v12"};

	(void)state;
	for (size_t i = 0; i < sizeof(created) / sizeof(created[0]); i++) {
		struct driver_scan *s;

		mkdirs("X/lib/gcc/x86_64-linux-gnu/12/include");
		mkdirs("X/include/c++");
		mkdirs("X/x86_64-linux-gnu");
		settle();
		s = record("InstalledDir: /nonexistent/bin\n", "--gcc-toolchain=X");
		assert_true(driver_scan_holds(s));
		mkdirs(created[i]);
		assert_false(driver_scan_holds(s));
		driver_scan_free(s);
		assert_int_equal(rmtree(root), 0);
		assert_int_equal(mkdir(root, 0700), 0);
	}
}

static void toolchain_created_later(void **state)
{
	struct driver_scan *s;

	(void)state;
	settle();
	s = record("InstalledDir: /nonexistent/bin\n", "--gcc-toolchain=X");
	assert_true(driver_scan_holds(s));
	mkdirs("X/lib/gcc/x86_64-linux-gnu/13");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

static void sysroot_installation_created_later(void **state)
{
	struct driver_scan *s;

	(void)state;
	mkdirs("S/usr/include");
	settle();
	s = record("InstalledDir: /nonexistent/bin\n"
	           "Found candidate GCC installation: /nonexistent/lib/gcc/x86_64-linux-gnu/12\n",
	           "--sysroot=S");
	assert_true(driver_scan_holds(s));
	mkdirs("S/usr/lib");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

static void sysroot_multiarch_created_later(void **state)
{
	struct driver_scan *s;

	(void)state;
	mkdirs("S/usr/include");
	settle();
	s = record("InstalledDir: /nonexistent/bin\n", "--sysroot=S");
	assert_true(driver_scan_holds(s));
	mkdirs("S/usr/include/x86_64-linux-gnu");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

static void change_around_the_question(void **state)
{
	struct driver_scan *s;

	(void)state;
	mkdirs("X/lib/gcc/x86_64-linux-gnu/12");
	/* No settle: the folder changed within a tick of the question. */
	s = record("InstalledDir: /nonexistent/bin\n", "--gcc-toolchain=X");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

static void gcc_watches_nothing_but_B(void **state)
{
	struct driver_scan *s;

	(void)state;
	settle();
	/* No InstalledDir: a driver (gcc) that does not scan for GCC installations. */
	s = record("ignoring nonexistent directory \"/x\"\n", "--sysroot=S");
	assert_int_equal(driver_scan_count(s), 0);
	assert_true(driver_scan_holds(s));
	driver_scan_free(s);
	s = record("", "-BP");
	assert_int_equal(driver_scan_count(s), 1);
	assert_true(driver_scan_holds(s));
	mkdirs("P/include");
	assert_false(driver_scan_holds(s));
	driver_scan_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(new_version_under_toolchain, setup, teardown),
	        cmocka_unit_test_setup_teardown(toolchain_created_later, setup, teardown),
	        cmocka_unit_test_setup_teardown(libstdcxx_folder_created_later, setup, teardown),
	        cmocka_unit_test_setup_teardown(sysroot_installation_created_later, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(sysroot_multiarch_created_later, setup, teardown),
	        cmocka_unit_test_setup_teardown(change_around_the_question, setup, teardown),
	        cmocka_unit_test_setup_teardown(gcc_watches_nothing_but_B, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
