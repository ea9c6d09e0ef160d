/*
 * Unit tests for the artifact store: what goes in comes out bit for bit, and a
 * damaged artifact is never handed out, neither in memory nor on disk.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "log.h"
#include "store.h"

struct fixture {
	char root[256];
	char store_dir[PATH_MAX];
	struct store *s;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->root, sizeof(f->root), "/tmp/zccache-test-store-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	snprintf(f->store_dir, sizeof(f->store_dir), "%s/cache/store", f->root);
	assert_int_equal(store_open(f->store_dir, STORE_LEVEL_DEFAULT, &f->s), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->s);
	rmtree(f->root);
	free(f);
	return 0;
}

/* Deterministic bytes that compress a little, like object code. */
static uint8_t *make_content(size_t n, uint32_t seed)
{
	uint8_t *p = malloc(n ? n : 1);
	uint32_t x = seed * 2654435761u + 1;

	assert_non_null(p);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (i % 7 < 3) ? (uint8_t)(i & 0x3f) : (uint8_t)x;
	}
	return p;
}

static void artifact_file(struct fixture *f, const struct digest *d, char *out, size_t n)
{
	char hex[DIGEST_HEX_LEN + 1];

	digest_to_hex(d, hex);
	snprintf(out, n, "%s/%.2s/%s", f->store_dir, hex, hex);
}

/* Count directory entries whose name contains needle. */
static int count_named(const char *dir, const char *needle)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!dp)
		return 0;
	while ((e = readdir(dp)) != NULL)
		n += strstr(e->d_name, needle) != NULL;
	closedir(dp);
	return n;
}

static int count_tmp_in_store(struct fixture *f)
{
	char dir[PATH_MAX + 8];
	int n = 0;

	for (int i = 0; i < 256; i++) {
		snprintf(dir, sizeof(dir), "%s/%02x", f->store_dir, i);
		n += count_named(dir, ".tmp.");
	}
	return n;
}

static int count_cb(const struct digest *d, uint64_t stored_bytes, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

static int count_artifacts(struct fixture *f)
{
	int n = 0;

	assert_int_equal(store_foreach(f->s, count_cb, &n), 0);
	return n;
}

static void round_trip(struct fixture *f, size_t n, uint32_t seed)
{
	uint8_t *p = make_content(n, seed);
	struct buf b = BUF_INIT;
	struct digest d, expect;
	uint64_t stored = 0, st = 0;
	char dest[PATH_MAX + 16];
	size_t len;
	uint8_t *back;
	struct stat sb;

	assert_int_equal(store_put_mem(f->s, p, n, &d, &stored), 0);
	digest_mem(p, n, &expect);
	assert_true(digest_equal(&d, &expect));
	assert_int_equal(store_stat(f->s, &d, &st), 0);
	assert_int_equal(st, stored);
	assert_true(stored >= 48);

	assert_int_equal(store_get_mem(f->s, &d, &b), 0);
	assert_int_equal(b.len, n);
	if (n)
		assert_memory_equal(b.data, p, n);
	assert_int_equal(store_verify(f->s, &d), 0);

	snprintf(dest, sizeof(dest), "%s/out.o", f->root);
	assert_int_equal(store_materialize(f->s, &d, dest, 0640), 0);
	back = tu_read_file(dest, &len);
	assert_int_equal(len, n);
	if (n)
		assert_memory_equal(back, p, n);
	assert_int_equal(stat(dest, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(count_named(f->root, ".zccache-"), 0);

	free(back);
	buf_free(&b);
	free(p);
}

static void test_round_trip_sizes(void **state)
{
	struct fixture *f = *state;

	round_trip(f, 0, 1);
	round_trip(f, 1, 2);
	round_trip(f, 100, 3);
	round_trip(f, 100 * 1024, 4);
	round_trip(f, 5 * 1024 * 1024 + 17, 5);
	assert_int_equal(count_artifacts(f), 5);
	assert_int_equal(count_tmp_in_store(f), 0);
}

static void test_levels(void **state)
{
	struct fixture *f = *state;
	uint8_t *p = make_content(300000, 9);
	struct buf b = BUF_INIT;
	struct digest d1, d19;
	uint64_t s1, s19;

	store_set_level(f->s, 1);
	assert_int_equal(store_put_mem(f->s, p, 300000, &d1, &s1), 0);
	assert_int_equal(store_remove(f->s, &d1, NULL), 0);
	store_set_level(f->s, 99); /* clamped to the maximum */
	assert_int_equal(store_put_mem(f->s, p, 300000, &d19, &s19), 0);
	assert_true(digest_equal(&d1, &d19));
	assert_true(s19 <= s1);
	assert_int_equal(store_get_mem(f->s, &d19, &b), 0);
	assert_memory_equal(b.data, p, 300000);
	assert_int_equal(store_open(f->store_dir, 0, &(struct store *){NULL}), -EINVAL);
	buf_free(&b);
	free(p);
}

static void test_put_fd_file_and_pipe(void **state)
{
	struct fixture *f = *state;
	size_t n = 700 * 1024;
	uint8_t *p = make_content(n, 11);
	char path[PATH_MAX + 16];
	struct digest d, expect;
	struct buf b = BUF_INIT;
	uint64_t stored;
	int fd, pfd[2];
	pid_t pid;

	digest_mem(p, n, &expect);
	snprintf(path, sizeof(path), "%s/input.o", f->root);
	tu_write_file(path, p, n, 0644);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(store_put_fd(f->s, fd, &d, &stored), 0);
	close(fd);
	assert_true(digest_equal(&d, &expect));
	assert_int_equal(store_get_mem(f->s, &d, &b), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, p, n);
	assert_int_equal(store_remove(f->s, &d, NULL), 0);

	/* A pipe is read to EOF; the writer is a child so the pipe cannot fill. */
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		_exit(write(pfd[1], p, n) == (ssize_t)n ? 0 : 1);
	}
	close(pfd[1]);
	assert_int_equal(store_put_fd(f->s, pfd[0], &d, &stored), 0);
	close(pfd[0]);
	waitpid(pid, NULL, 0);
	assert_true(digest_equal(&d, &expect));
	assert_int_equal(store_verify(f->s, &d), 0);
	buf_free(&b);
	free(p);
}

static void test_identical_put_is_one_file(void **state)
{
	struct fixture *f = *state;
	uint8_t *p = make_content(50000, 21);
	struct digest d1, d2;
	uint64_t s1, s2;
	char path[PATH_MAX + 80];
	struct stat a, b;

	assert_int_equal(store_put_mem(f->s, p, 50000, &d1, &s1), 0);
	artifact_file(f, &d1, path, sizeof(path));
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(store_put_mem(f->s, p, 50000, &d2, &s2), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(digest_equal(&d1, &d2));
	assert_int_equal(s1, s2);
	/* Not rewritten: same inode, same mtime. */
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_mtim.tv_nsec, b.st_mtim.tv_nsec);
	assert_int_equal(count_artifacts(f), 1);
	free(p);
}

/* Every way of reading a damaged artifact fails and leaves no trace. */
static void assert_refused(struct fixture *f, const struct digest *d, const char *dest)
{
	struct buf b = BUF_INIT;
	size_t len;
	uint8_t *back;

	assert_int_equal(buf_append(&b, "keep", 4), 0);
	assert_int_equal(store_get_mem(f->s, d, &b), -EBADMSG);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "keep", 4);
	assert_int_equal(store_verify(f->s, d), -EBADMSG);
	assert_int_equal(store_materialize(f->s, d, dest, 0644), -EBADMSG);
	back = tu_read_file(dest, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(back, "previous", 8);
	free(back);
	buf_free(&b);
}

static void test_every_flip_and_truncation_refused(void **state)
{
	struct fixture *f = *state;
	static const uint8_t masks[] = {0x01, 0x10, 0x80, 0xff};
	uint8_t *p = make_content(200, 31);
	char path[PATH_MAX + 80], dest[PATH_MAX + 16];
	struct buf b = BUF_INIT;
	struct digest d;
	uint64_t stored;
	uint8_t *orig, *bad;
	size_t len;

	log_set_level(LOG_LEVEL_ERR); /* thousands of expected warnings */
	assert_int_equal(store_put_mem(f->s, p, 200, &d, &stored), 0);
	artifact_file(f, &d, path, sizeof(path));
	orig = tu_read_file(path, &len);
	bad = malloc(len + 1);
	assert_non_null(bad);
	snprintf(dest, sizeof(dest), "%s/dest.o", f->root);
	tu_write_file(dest, "previous", 8, 0644);

	for (size_t i = 0; i < len; i++) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			memcpy(bad, orig, len);
			bad[i] ^= masks[m];
			tu_write_file(path, bad, len, 0644);
			assert_refused(f, &d, dest);
		}
	}
	for (size_t cut = 0; cut < len; cut++) {
		tu_write_file(path, orig, cut, 0644);
		assert_refused(f, &d, dest);
	}
	/* Appended garbage. */
	memcpy(bad, orig, len);
	bad[len] = 0;
	tu_write_file(path, bad, len + 1, 0644);
	assert_refused(f, &d, dest);
	assert_int_equal(count_named(f->root, ".zccache-"), 0);

	/* A damaged artifact is repaired by storing the same content again. */
	assert_int_equal(store_put_mem(f->s, p, 200, &d, &stored), 0);
	assert_int_equal(store_get_mem(f->s, &d, &b), 0);
	assert_memory_equal(b.data, p, 200);
	log_set_level(LOG_LEVEL_INFO);
	buf_free(&b);
	free(bad);
	free(orig);
	free(p);
}

static void test_foreign_and_misnamed_files_refused(void **state)
{
	struct fixture *f = *state;
	uint8_t *a = make_content(1000, 41), *x = make_content(1000, 42);
	char pa[PATH_MAX + 80], px[PATH_MAX + 80], dest[PATH_MAX + 16];
	struct digest da, dx;
	uint64_t stored;
	uint8_t *raw;
	size_t len;

	log_set_level(LOG_LEVEL_ERR);
	assert_int_equal(store_put_mem(f->s, a, 1000, &da, &stored), 0);
	assert_int_equal(store_put_mem(f->s, x, 1000, &dx, &stored), 0);
	artifact_file(f, &da, pa, sizeof(pa));
	artifact_file(f, &dx, px, sizeof(px));
	snprintf(dest, sizeof(dest), "%s/dest.o", f->root);
	tu_write_file(dest, "previous", 8, 0644);

	/* A valid artifact under another artifact's name: another key's bytes. */
	raw = tu_read_file(pa, &len);
	tu_write_file(px, raw, len, 0644);
	assert_refused(f, &dx, dest);
	/* A file that is not an artifact at all. */
	tu_write_file(px, x, 1000, 0644);
	assert_refused(f, &dx, dest);
	/* A symlink to a valid artifact is not ours either. */
	assert_int_equal(unlink(px), 0);
	assert_int_equal(symlink(pa, px), 0);
	assert_refused(f, &dx, dest);
	assert_int_equal(store_verify(f->s, &da), 0);
	log_set_level(LOG_LEVEL_INFO);
	free(raw);
	free(a);
	free(x);
}

static void test_missing_is_enoent(void **state)
{
	struct fixture *f = *state;
	struct digest d;
	struct buf b = BUF_INIT;
	uint64_t n;
	char dest[PATH_MAX + 16];

	digest_mem("never stored", 12, &d);
	snprintf(dest, sizeof(dest), "%s/dest.o", f->root);
	assert_int_equal(store_get_mem(f->s, &d, &b), -ENOENT);
	assert_int_equal(b.len, 0);
	assert_int_equal(store_verify(f->s, &d), -ENOENT);
	assert_int_equal(store_materialize(f->s, &d, dest, 0644), -ENOENT);
	assert_int_equal(access(dest, F_OK), -1);
	assert_int_equal(store_stat(f->s, &d, &n), -ENOENT);
	assert_int_equal(store_remove(f->s, &d, &n), -ENOENT);
	buf_free(&b);
}

static void test_materialize_replaces_atomically(void **state)
{
	struct fixture *f = *state;
	uint8_t *p = make_content(4096, 51);
	char dest[PATH_MAX + 16], bad_dest[PATH_MAX + 32];
	struct digest d;
	uint64_t stored;
	struct stat st;
	uint8_t *back;
	size_t len;

	assert_int_equal(store_put_mem(f->s, p, 4096, &d, &stored), 0);
	snprintf(dest, sizeof(dest), "%s/a.o", f->root);
	tu_write_file(dest, "old old old", 11, 0644);
	assert_int_equal(store_materialize(f->s, &d, dest, 0600), 0);
	back = tu_read_file(dest, &len);
	assert_int_equal(len, 4096);
	assert_memory_equal(back, p, 4096);
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* Never a hard link into the store. */
	assert_int_equal(st.st_nlink, 1);
	/* A folder that does not exist: an error, nothing created. */
	snprintf(bad_dest, sizeof(bad_dest), "%s/nodir/a.o", f->root);
	assert_true(store_materialize(f->s, &d, bad_dest, 0644) < 0);
	assert_int_equal(count_named(f->root, ".zccache-"), 0);
	free(back);
	free(p);
}

static void test_foreach_remove_and_sweep(void **state)
{
	struct fixture *f = *state;
	struct digest d[3];
	uint64_t stored[3], freed = 0, removed = 0;
	char tmp[PATH_MAX + 80];
	struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
	char hex[DIGEST_HEX_LEN + 1];

	for (int i = 0; i < 3; i++) {
		uint8_t *p = make_content(1000 + (size_t)i, 60 + (uint32_t)i);

		assert_int_equal(store_put_mem(f->s, p, 1000 + (size_t)i, &d[i], &stored[i]), 0);
		free(p);
	}
	assert_int_equal(count_artifacts(f), 3);
	assert_int_equal(store_remove(f->s, &d[1], &freed), 0);
	assert_int_equal(freed, stored[1]);
	assert_int_equal(count_artifacts(f), 2);

	/* A tmp file left by a crash: old ones go, fresh ones (in flight) stay. */
	digest_to_hex(&d[0], hex);
	snprintf(tmp, sizeof(tmp), "%s/%.2s/.tmp.crashed", f->store_dir, hex);
	tu_write_file(tmp, "x", 1, 0644);
	assert_int_equal(utimensat(AT_FDCWD, tmp, old, 0), 0);
	snprintf(tmp, sizeof(tmp), "%s/%.2s/.tmp.inflight", f->store_dir, hex);
	tu_write_file(tmp, "x", 1, 0644);
	assert_int_equal(store_sweep_tmp(f->s, time(NULL) - 3600, &removed), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(count_tmp_in_store(f), 1);
	assert_int_equal(count_artifacts(f), 2);
}

/*
 * With RLIMIT_FSIZE every write past the limit fails with EFBIG, just as a
 * full disk fails with ENOSPC; the store must clean up and say so.
 */
static void test_disk_full_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	size_t n = 1024 * 1024;
	uint8_t *noise = make_content(n, 71);
	uint8_t *zeros = calloc(1, 4 * n);
	char dest[PATH_MAX + 16], src[PATH_MAX + 16];
	struct digest dz;
	uint64_t stored;
	uint8_t *back;
	size_t len;
	int status;
	pid_t pid;

	/* Stored before the limit: compresses to a tiny file, expands to 4 MiB. */
	assert_non_null(zeros);
	assert_int_equal(store_put_mem(f->s, zeros, 4 * n, &dz, &stored), 0);
	snprintf(dest, sizeof(dest), "%s/dest.o", f->root);
	tu_write_file(dest, "previous", 8, 0644);
	snprintf(src, sizeof(src), "%s/src.o", f->root);
	tu_write_file(src, noise, n, 0644);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {256 * 1024, 256 * 1024};
		struct digest d;
		int fd, code = 0;

		signal(SIGXFSZ, SIG_IGN);
		log_set_level(LOG_LEVEL_ERR);
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(10);
		if (store_put_mem(f->s, noise, n, &d, &stored) != -EFBIG)
			code |= 1;
		fd = open(src, O_RDONLY);
		if (fd < 0 || store_put_fd(f->s, fd, &d, &stored) != -EFBIG)
			code |= 2;
		if (store_materialize(f->s, &dz, dest, 0644) != -EFBIG)
			code |= 4;
		_exit(code);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	assert_int_equal(count_tmp_in_store(f), 0);
	assert_int_equal(count_artifacts(f), 1);
	assert_int_equal(count_named(f->root, ".zccache-"), 0);
	back = tu_read_file(dest, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(back, "previous", 8);
	free(back);
	free(zeros);
	free(noise);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_round_trip_sizes, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_levels, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_put_fd_file_and_pipe, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_identical_put_is_one_file, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_every_flip_and_truncation_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_foreign_and_misnamed_files_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_missing_is_enoent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_materialize_replaces_atomically, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_foreach_remove_and_sweep, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_disk_full_leaves_nothing, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
