/* swap_check: an input reached through a link or folder put in place
 * during the compile is refused; writes in a folder that stayed are not. */
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

#include "swap_check.h"

static char root[64];

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

static void in_root(const char *rel, char *out)
{
	snprintf(out, PATH_MAX, "%s/%s", root, rel);
}

/* The coarse clock now, then a pause so that what follows is later. */
static int64_t start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	usleep(30000);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int setup(void **state)
{
	char p[PATH_MAX];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/zcc-swap.XXXXXX");
	assert_non_null(mkdtemp(root));
	const char *dirs[] = {"inc", "v1", "v2", "inc/sub", "inc/sub.new"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		in_root(dirs[i], p);
		assert_int_equal(mkdir(p, 0755), 0);
	}
	put("v1/h.h", "1");
	put("v2/h.h", "2");
	put("inc/sub/h.h", "1");
	put("inc/sub.new/h.h", "2");
	in_root("gen", p);
	assert_int_equal(symlink("v1", p), 0);
	sleep(1); /* everything above older than the compiles below */
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void test_link_repointed_is_refused(void **state)
{
	const char *dirs[] = {"gen"};
	struct incpath ip = {.dirs = (char **)dirs, .n_dirs = 1, .n_user = 1};
	char tmp[PATH_MAX], gen[PATH_MAX], changed[PATH_MAX];
	struct swap_record *r;
	int64_t since;

	(void)state;
	since = start();
	assert_non_null(r = swap_record_take(root, "a.c", &ip, NULL, 0));
	assert_int_equal(swap_check_path(r, root, "gen/h.h", since, changed, sizeof(changed)), 0);
	swap_record_free(r);

	since = start();
	assert_non_null(r = swap_record_take(root, "a.c", &ip, NULL, 0));
	in_root("gen.tmp", tmp);
	in_root("gen", gen);
	assert_int_equal(symlink("v2", tmp), 0);
	assert_int_equal(rename(tmp, gen), 0);
	assert_int_equal(swap_check_path(r, root, "gen/h.h", since, changed, sizeof(changed)), 1);
	assert_string_equal(changed, gen);
	swap_record_free(r);
}

static void test_folder_renamed_over_is_refused_written_in_is_not(void **state)
{
	const char *dirs[] = {"inc"};
	struct incpath ip = {.dirs = (char **)dirs, .n_dirs = 1, .n_user = 1};
	char a[PATH_MAX], b[PATH_MAX], changed[PATH_MAX];
	struct swap_record *r;
	int64_t since;

	(void)state;
	/* a file written beside the header: the folder stays */
	since = start();
	assert_non_null(r = swap_record_take(root, "a.c", &ip, NULL, 0));
	put("inc/sub/other.o", "x");
	assert_int_equal(swap_check_path(r, root, "inc/sub/h.h", since, changed, sizeof(changed)),
	                 0);
	swap_record_free(r);

	/* inc/sub (not recorded) renamed over */
	since = start();
	assert_non_null(r = swap_record_take(root, "a.c", &ip, NULL, 0));
	in_root("inc/sub", a);
	in_root("inc/sub.old", b);
	assert_int_equal(rename(a, b), 0);
	in_root("inc/sub.new", b);
	assert_int_equal(rename(b, a), 0);
	assert_int_equal(swap_check_path(r, root, "inc/sub/h.h", since, changed, sizeof(changed)),
	                 1);
	swap_record_free(r);
}

static void test_recorded_folder_replaced_is_refused(void **state)
{
	const char *dirs[] = {"v1"};
	struct incpath ip = {.dirs = (char **)dirs, .n_dirs = 1, .n_user = 1};
	char a[PATH_MAX], b[PATH_MAX], changed[PATH_MAX];
	struct swap_record *r;
	int64_t since;

	(void)state;
	since = start();
	assert_non_null(r = swap_record_take(root, "a.c", &ip, NULL, 0));
	in_root("v1", a);
	in_root("v1.old", b);
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(mkdir(a, 0755), 0);
	put("v1/h.h", "3");
	assert_int_equal(swap_check_path(r, root, "v1/h.h", since, changed, sizeof(changed)), 1);
	swap_record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_link_repointed_is_refused),
	        cmocka_unit_test(test_folder_renamed_over_is_refused_written_in_is_not),
	        cmocka_unit_test(test_recorded_folder_replaced_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
