/*
 * testutil: the file helpers unit tests share: read a whole file, write one,
 * and (rmtree.h) remove a scratch tree. Each asserts (cmocka) rather than
 * returns errors; include it after <cmocka.h>.
 */
#ifndef ZCCACHE_TESTUTIL_H
#define ZCCACHE_TESTUTIL_H

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rmtree.h"

/* dir/rel into out (n bytes), asserting that it fits. */
static inline const char *tu_join(const char *dir, const char *rel, char *out, size_t n)
{
	assert_true((size_t)snprintf(out, n, "%s/%s", dir, rel) < n);
	return out;
}

/* dir/rel, valid until the end of the enclosing block. */
#define tu_in(dir, rel) tu_join(dir, rel, (char[PATH_MAX + 64]){0}, PATH_MAX + 64)

/* The whole of path, NUL-terminated (not counted in *len); the caller frees. */
static inline uint8_t *tu_read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p = malloc((size_t)st.st_size + 1);
	assert_non_null(p);
	assert_int_equal(read(fd, p, (size_t)st.st_size), st.st_size);
	close(fd);
	p[st.st_size] = '\0';
	*len = (size_t)st.st_size;
	return p;
}

/* Create or replace path with n bytes of p and the given mode bits. */
static inline void tu_write_file(const char *path, const void *p, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	assert_int_equal(chmod(path, mode), 0);
}

#endif
