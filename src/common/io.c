/* io: write-all and read-to-end loops; see io.h. */
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK 65536

/* write(2) when off < 0, else pwrite(2) from off: the one short-write loop. */
static int write_loop(int fd, const void *p, size_t n, off_t off)
{
	const uint8_t *c = p;

	while (n > 0) {
		ssize_t w = off < 0 ? write(fd, c, n) : pwrite(fd, c, n, off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		c += w;
		n -= (size_t)w;
		if (off >= 0)
			off += w;
	}
	return 0;
}

int write_all(int fd, const void *p, size_t n)
{
	return write_loop(fd, p, n, -1);
}

int pwrite_all(int fd, const void *p, size_t n, off_t off)
{
	return write_loop(fd, p, n, off);
}

int read_to_end(int fd, struct buf *b, size_t chunk)
{
	if (chunk == 0)
		chunk = READ_CHUNK;
	for (;;) {
		ssize_t n;
		int r = buf_reserve(b, chunk);

		if (r < 0)
			return r;
		n = read(fd, b->data + b->len, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		b->len += (size_t)n;
	}
}

int read_regular_file(const char *path, size_t max, struct buf *b)
{
	size_t start = b->len;
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (!S_ISREG(st.st_mode))
		r = -EINVAL;
	else if (max && (uint64_t)st.st_size > max)
		r = -EFBIG;
	else /* one read for a file that does not grow meanwhile, one for its end */
		r = read_to_end(fd, b, st.st_size > 0 ? (size_t)st.st_size + 1 : 4096);
	if (r == 0 && max && b->len - start > max)
		r = -EFBIG;
	close(fd);
	return r;
}
