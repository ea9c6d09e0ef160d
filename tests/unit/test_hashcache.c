/*
 * Unit tests for hashcache: a remembered digest is only served while the
 * file's stat says nothing changed and the change was not too recent to
 * trust; anything else is hashed again.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
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

#include "cscan.h"
#include "hash.h"
#include "hashcache.h"

/* The files of the group, written once and then left alone past the racy window. */
static char root[64];
enum { READ_A, READ_B, REWRITTEN, RENAMED, N_SETTLED };
static char settled[N_SETTLED][PATH_MAX];
static const char *const settled_content[N_SETTLED] = {"int settled_a;\n", "int settled_b;\n",
                                                       "int settled_c;\n", "int settled_d;\n"};

static void write_file(const char *path, const char *content)
{
	tu_write_file(path, content, strlen(content), 0644);
}

static void path_in_root(char *out, size_t n, const char *name)
{
	assert_true((size_t)snprintf(out, n, "%s/%s", root, name) < n);
}

static int group_setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/zccache-test-hashcache-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	for (int i = 0; i < N_SETTLED; i++) {
		snprintf(settled[i], sizeof(settled[i]), "%s/settled%d.c", root, i);
		write_file(settled[i], settled_content[i]);
	}
	/* past the racy window of both mtime and ctime */
	usleep(1100 * 1000);
	return 0;
}

static int group_teardown(void **state)
{
	rmtree(root);
	return 0;
}

static int setup(void **state)
{
	struct hashcache *hc;

	if (hashcache_new(&hc) < 0)
		return -1;
	*state = hc;
	return 0;
}

static int teardown(void **state)
{
	hashcache_free(*state);
	return 0;
}

static uint64_t rehashes(struct hashcache *hc)
{
	struct hashcache_stats s;

	hashcache_get_stats(hc, &s);
	return s.rehashes;
}

static void test_digest_matches_hash_file(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest cached, direct;
	struct digest want;
	struct stat st;

	assert_int_equal(hashcache_get(hc, settled[READ_A], &cached), 0);
	assert_int_equal(hashcache_hash_file(settled[READ_A], &direct), 0);
	digest_mem(settled_content[READ_A], strlen(settled_content[READ_A]), &want);
	assert_true(digest_equal(&cached.digest, &want));
	assert_true(digest_equal(&direct.digest, &want));
	assert_int_equal(stat(settled[READ_A], &st), 0);
	assert_int_equal(cached.size, st.st_size);
	assert_int_equal(cached.mtime_ns, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	assert_int_equal(cached.ctime_ns, st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec);
	assert_int_equal(direct.size, cached.size);
	assert_int_equal(direct.mtime_ns, cached.mtime_ns);
	assert_int_equal(direct.ctime_ns, cached.ctime_ns);

	/* a second file keeps its own digest */
	assert_int_equal(hashcache_get(hc, settled[READ_B], &cached), 0);
	digest_mem(settled_content[READ_B], strlen(settled_content[READ_B]), &want);
	assert_true(digest_equal(&cached.digest, &want));
}

static void test_empty_file(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest fd;
	struct digest want;
	char p[PATH_MAX];

	path_in_root(p, sizeof(p), "empty.h");
	write_file(p, "");
	assert_int_equal(hashcache_get(hc, p, &fd), 0);
	digest_mem("", 0, &want);
	assert_true(digest_equal(&fd.digest, &want));
	assert_int_equal(fd.size, 0);
	assert_false(fd.time_macros);
}

static void test_second_lookup_does_not_rehash(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest first, second;
	struct hashcache_stats s;

	assert_int_equal(hashcache_get(hc, settled[READ_A], &first), 0);
	assert_int_equal(rehashes(hc), 1);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &second), 0);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &second), 0);
	assert_int_equal(rehashes(hc), 1);
	assert_memory_equal(&first, &second, sizeof(first));
	hashcache_get_stats(hc, &s);
	assert_int_equal(s.lookups, 3);
	assert_int_equal(s.entries, 1);

	/* forgetting everything means hashing again */
	hashcache_clear(hc);
	hashcache_get_stats(hc, &s);
	assert_int_equal(s.entries, 0);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &second), 0);
	assert_int_equal(rehashes(hc), 2);
}

/* A file some process has open for writing (a writable shared mapping
 * changes it without moving its stat) is read again on every lookup; once
 * the writer is gone, its stat is trusted again. */
static void test_file_open_for_writing_is_rehashed(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest fd;
	int w = open(settled[READ_A], O_WRONLY | O_CLOEXEC);

	assert_true(w >= 0);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &fd), 0);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &fd), 0);
	assert_int_equal(rehashes(hc), 2);
	close(w);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &fd), 0);
	assert_int_equal(rehashes(hc), 3);
	assert_int_equal(hashcache_get(hc, settled[READ_A], &fd), 0);
	assert_int_equal(rehashes(hc), 3);
}

/* Give to the mtime (and atime) of from. */
static void copy_times(const char *from, const char *to)
{
	struct stat st;
	struct timespec ts[2];

	assert_int_equal(stat(from, &st), 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, to, ts, 0), 0);
}

static void test_same_size_same_mtime_rewrite_is_rehashed(void **state)
{
	struct hashcache *hc = *state;
	const char *p = settled[REWRITTEN];
	char saved[PATH_MAX];
	struct file_digest before, after;
	struct stat st;

	assert_int_equal(hashcache_get(hc, p, &before), 0);
	assert_int_equal(hashcache_get(hc, p, &before), 0);
	assert_int_equal(rehashes(hc), 1); /* trusted: nothing changed */

	/* in place (same inode), same size, the old mtime put back */
	path_in_root(saved, sizeof(saved), "times");
	write_file(saved, "");
	copy_times(p, saved);
	write_file(p, "int settled_X;\n");
	copy_times(saved, p);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, before.size);
	assert_int_equal(st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec, before.mtime_ns);

	/* only the ctime tells, and it must be enough */
	assert_int_equal(hashcache_get(hc, p, &after), 0);
	assert_int_equal(rehashes(hc), 2);
	assert_false(digest_equal(&before.digest, &after.digest));
}

static void test_file_replaced_by_rename_is_rehashed(void **state)
{
	struct hashcache *hc = *state;
	const char *p = settled[RENAMED];
	struct file_digest before, after;
	char tmp[PATH_MAX];

	assert_int_equal(hashcache_get(hc, p, &before), 0);
	/* a new inode with the same size and mtime, as an editor's save makes */
	path_in_root(tmp, sizeof(tmp), "renamed.tmp");
	write_file(tmp, "int settled_Y;\n");
	copy_times(p, tmp);
	assert_int_equal(rename(tmp, p), 0);
	assert_int_equal(hashcache_get(hc, p, &after), 0);
	assert_int_equal(rehashes(hc), 2);
	assert_false(digest_equal(&before.digest, &after.digest));
}

/* Rewritten with the bytes it had (a generated header): hashed again, and
 * what the scan found (include names, flags) is the same as before; with
 * other bytes of the same size, the scan is new. */
static void test_same_content_rewrite_keeps_the_scan(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest fd;
	char p[PATH_MAX], tmp[PATH_MAX];
	char names[64];

	path_in_root(p, sizeof(p), "gen.h");
	path_in_root(tmp, sizeof(tmp), "gen.tmp");
	write_file(p, "#pragma once\n#include \"aa.h\"\n");
	assert_int_equal(hashcache_get(hc, p, &fd), 0);
	write_file(tmp, "#pragma once\n#include \"aa.h\"\n");
	assert_int_equal(rename(tmp, p), 0);
	assert_int_equal(hashcache_get(hc, p, &fd), 0);
	assert_int_equal(rehashes(hc), 2);
	assert_true(fd.include_flags & CSCAN_PRAGMA_ONCE);
	assert_int_equal(fd.includes_len, 6); /* "qaa.h\0" */
	memcpy(names, fd.includes, fd.includes_len);
	assert_string_equal(names, "qaa.h");
	write_file(tmp, "#pragma twice\n#include \"bb.h\"\n");
	assert_int_equal(rename(tmp, p), 0);
	assert_int_equal(hashcache_get(hc, p, &fd), 0);
	assert_false(fd.include_flags & CSCAN_PRAGMA_ONCE);
	memcpy(names, fd.includes, fd.includes_len);
	assert_string_equal(names, "qbb.h");
}

static void test_racy_file_is_rehashed_next_time(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest first, second;
	char p[PATH_MAX];

	path_in_root(p, sizeof(p), "fresh.h");
	write_file(p, "#define FRESH 1\n");
	assert_int_equal(hashcache_get(hc, p, &first), 0);
	assert_int_equal(rehashes(hc), 1);
	/* changed within the racy window: not trusted, even with stat unchanged */
	assert_int_equal(hashcache_get(hc, p, &second), 0);
	assert_int_equal(rehashes(hc), 2);
	assert_true(digest_equal(&first.digest, &second.digest));

	/* a second write in the same window, same size: seen */
	write_file(p, "#define FRESH 2\n");
	assert_int_equal(hashcache_get(hc, p, &second), 0);
	assert_int_equal(rehashes(hc), 3);
	assert_false(digest_equal(&first.digest, &second.digest));
}

static void test_time_macros_are_detected(void **state)
{
	static const struct {
		const char *content;
		bool time_macros;
	} cases[] = {
	        {"const char *d = __DATE__;\n", true},
	        {"const char *t = __TIME__;\n", true},
	        {"const char *s = __TIMESTAMP__;\n", true},
	        {"int x; /* at the very end */ __TIME__", true},
	        {"__DATE__", true},
	        {"int date = 1; /* __DATE, _TIME__, __TIMESTAMP */\n", false},
	        {"const char *f = __FILE__; int l = __LINE__;\n", false},
	};
	struct hashcache *hc = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct file_digest fd;
		char p[PATH_MAX], name[32];

		snprintf(name, sizeof(name), "time%zu.c", i);
		path_in_root(p, sizeof(p), name);
		write_file(p, cases[i].content);
		assert_int_equal(hashcache_get(hc, p, &fd), 0);
		if (fd.time_macros != cases[i].time_macros)
			fail_msg("time_macros %d for %s", fd.time_macros, cases[i].content);
		assert_int_equal(hashcache_hash_file(p, &fd), 0);
		assert_int_equal(fd.time_macros, cases[i].time_macros);
	}
}

static void test_missing_file_is_enoent(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest fd;
	char p[PATH_MAX];

	path_in_root(p, sizeof(p), "no-such-file.h");
	assert_int_equal(hashcache_get(hc, p, &fd), -ENOENT);
	assert_int_equal(hashcache_hash_file(p, &fd), -ENOENT);

	/* a file that was remembered and then removed */
	write_file(p, "x");
	assert_int_equal(hashcache_get(hc, p, &fd), 0);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(hashcache_get(hc, p, &fd), -ENOENT);
}

static void test_directory_is_eisdir(void **state)
{
	struct hashcache *hc = *state;
	struct file_digest fd;

	assert_int_equal(hashcache_get(hc, root, &fd), -EISDIR);
	assert_int_equal(hashcache_hash_file(root, &fd), -EISDIR);
}

static void on_alarm(int sig)
{
	_exit(2);
}

/*
 * A FIFO where a header was (a depfile may name anything) must be refused,
 * not waited on: it would block the thread forever. Run in a child so that
 * a hang fails the test instead of stalling it.
 */
static void test_fifo_is_refused_without_blocking(void **state)
{
	char p[PATH_MAX];
	int status;
	pid_t pid;

	path_in_root(p, sizeof(p), "fifo.h");
	assert_int_equal(mkfifo(p, 0644), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct hashcache *hc;
		struct file_digest fd;

		signal(SIGALRM, on_alarm);
		alarm(2);
		if (hashcache_new(&hc) < 0 || hashcache_get(hc, p, &fd) != -EINVAL ||
		    hashcache_hash_file(p, &fd) != -EINVAL)
			_exit(1);
		hashcache_free(hc);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 2)
		fail_msg("hashing a FIFO blocked");
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_digest_matches_hash_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_second_lookup_does_not_rehash, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_same_size_same_mtime_rewrite_is_rehashed,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_file_replaced_by_rename_is_rehashed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_same_content_rewrite_keeps_the_scan, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_file_open_for_writing_is_rehashed, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_racy_file_is_rehashed_next_time, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_time_macros_are_detected, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_missing_file_is_enoent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_directory_is_eisdir, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_fifo_is_refused_without_blocking, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
