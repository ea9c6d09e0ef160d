/*
 * Unit tests for the launcher's streams: a descriptor that a write would
 * fail on is told apart from one that takes it (so that a hit never
 * prints where the compiler would have failed), and a replay onto such a
 * descriptor reports the failure rather than dropping the text.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "streams.h"

static void full_device_is_unwritable(void **state)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	assert_true(streams_unwritable(fd));
	close(fd);
}

static void read_only_descriptor_is_unwritable(void **state)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	assert_true(streams_unwritable(fd));
	close(fd);
	fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_false(streams_unwritable(fd));
	close(fd);
}

static void pipe_without_reader_is_unwritable(void **state)
{
	int p[2];

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_false(streams_unwritable(p[1]));
	close(p[0]);
	assert_true(streams_unwritable(p[1]));
	close(p[1]);
}

static void closed_descriptor_is_left_to_the_caller(void **state)
{
	(void)state;
	/* main.c runs the compiler directly on a closed stderr. */
	assert_false(streams_unwritable(1000));
}

static void replay_onto_a_full_device_fails(void **state)
{
	int saved = dup(STDERR_FILENO), fd = open("/dev/full", O_WRONLY | O_CLOEXEC);

	(void)state;
	if (fd < 0)
		skip();
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(streams_replay("", 0, "warning\n", 8), -ENOSPC);
	/* Nothing to print: nothing fails, as with the compiler. */
	assert_int_equal(streams_replay("", 0, "", 0), 0);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(full_device_is_unwritable),
	        cmocka_unit_test(read_only_descriptor_is_unwritable),
	        cmocka_unit_test(pipe_without_reader_is_unwritable),
	        cmocka_unit_test(closed_descriptor_is_left_to_the_caller),
	        cmocka_unit_test(replay_onto_a_full_device_fails),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
