/* streams: what the launcher's stdout and stderr can take. */
#include "streams.h"
#include "io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* /dev/full: every write fails with ENOSPC (Linux's mem device 1, 7). */
static bool is_full_device(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 7;
}

bool streams_unwritable(int fd)
{
	struct stat st;
	int fl = fcntl(fd, F_GETFL);

	/* Closed: main.c runs the compiler directly before asking. */
	if (fl < 0 || fstat(fd, &st) < 0)
		return false;
	if ((fl & O_ACCMODE) == O_RDONLY || is_full_device(&st))
		return true;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};

		/* A pipe whose read end is closed polls POLLERR. */
		return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
	}
	if (S_ISREG(st.st_mode)) {
		struct statfs fs;

		/* No block left for anyone (root's reserve too): ENOSPC. */
		return fstatfs(fd, &fs) == 0 && fs.f_blocks > 0 && fs.f_bfree == 0;
	}
	return false;
}

void streams_describe(json_t *req)
{
	if (streams_unwritable(STDOUT_FILENO))
		json_object_set_new(req, "stdout_unwritable", json_true());
	if (streams_unwritable(STDERR_FILENO))
		json_object_set_new(req, "stderr_unwritable", json_true());
}

int streams_replay(const void *out, size_t out_len, const void *err, size_t err_len)
{
	int r = write_all(STDOUT_FILENO, out, out_len);

	if (r == 0)
		r = write_all(STDERR_FILENO, err, err_len);
	return r;
}
