/* fallback: every record counted by reason, the last one kept, filtered by
 * time and session, across the rotated generation; odd bytes in a field
 * never split a record. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fallback.h"

static char dir[64];

static int make_dir(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/test_fallback.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	fallback_clear(dir);
	return rmdir(dir);
}

static void test_counts_and_last(void **state)
{
	struct fallback_summary s;

	assert_int_equal(fallback_record(dir, 100, FALLBACK_SOCKET_FOLDER, "/w", "mode 0777", "b1"),
	                 0);
	assert_int_equal(fallback_record(dir, 200, FALLBACK_SOCKET_FOLDER, "/w", "mode 0777", "b1"),
	                 0);
	assert_int_equal(
	        fallback_record(dir, 300, FALLBACK_SERVER_MISSING, "/x\ty", "no\nserver", NULL), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(fallback_read(dir, 0, NULL, &s), 0);
	assert_int_equal(s.total, 3);
	assert_int_equal(s.count[FALLBACK_SOCKET_FOLDER], 2);
	assert_int_equal(s.count[FALLBACK_SERVER_MISSING], 1);
	assert_int_equal(s.last_time, 300);
	assert_int_equal(s.last_reason, FALLBACK_SERVER_MISSING);
	/* A tab or newline in a field is a space, so the record stays one line. */
	assert_string_equal(s.last_cwd, "/x y");
	assert_string_equal(s.last_message, "no server");

	memset(&s, 0, sizeof(s));
	fallback_read(dir, 200, NULL, &s);
	assert_int_equal(s.total, 2);
	memset(&s, 0, sizeof(s));
	fallback_read(dir, 0, "b1", &s);
	assert_int_equal(s.total, 2);
	assert_int_equal(s.last_time, 200);
	fallback_clear(dir);
	memset(&s, 0, sizeof(s));
	fallback_read(dir, 0, NULL, &s);
	assert_int_equal(s.total, 0);
}

static void test_rotation_keeps_counting(void **state)
{
	struct fallback_summary s;
	char msg[900], path[128];
	struct stat st;
	int n = 0;

	memset(msg, 'm', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	snprintf(path, sizeof(path), "%s/%s.1", dir, FALLBACK_FILE);
	while (stat(path, &st) < 0) {
		assert_int_equal(fallback_record(dir, 1000 + n, FALLBACK_NO_ANSWER, "/w", msg, ""),
		                 0);
		n++;
		assert_true(n < 5000);
	}
	fallback_record(dir, 1000 + n, FALLBACK_NO_ANSWER, "/w", msg, "");
	n++;
	memset(&s, 0, sizeof(s));
	fallback_read(dir, 0, NULL, &s);
	assert_int_equal(s.total, n);
	assert_int_equal(s.last_time, 1000 + n - 1);
}

static void test_names(void **state)
{
	for (int i = 0; i < FALLBACK_COUNT; i++)
		assert_int_equal(fallback_reason_parse(fallback_reason_name(i)), i);
	assert_int_equal(fallback_reason_parse("nonsense"), -1);
	assert_true(fallback_reason_persists(FALLBACK_SOCKET_FOLDER));
	assert_false(fallback_reason_persists(FALLBACK_NO_ANSWER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_counts_and_last, make_dir, remove_dir),
	        cmocka_unit_test_setup_teardown(test_rotation_keeps_counting, make_dir, remove_dir),
	        cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
