/*
 * io: the loops around read(2) and write(2) that every file and pipe needs:
 * short counts and EINTR handled once, here.
 */
#ifndef ZCCACHE_IO_H
#define ZCCACHE_IO_H

#include <stddef.h>
#include <sys/types.h>

#include "buf.h"

/* Write all n bytes of p to fd, retrying short writes and EINTR. 0 or -errno. */
int write_all(int fd, const void *p, size_t n);
/* The same at offset off (>= 0), with pwrite(2). 0 or -errno. */
int pwrite_all(int fd, const void *p, size_t n, off_t off);
/*
 * Append what fd has until end of file to b, chunk bytes at a time (0: a
 * default), retrying EINTR. 0, or -errno / -ENOMEM with b holding what was
 * read so far.
 */
int read_to_end(int fd, struct buf *b, size_t chunk);
/*
 * Append the whole regular file at path to b: at most max bytes (0: no
 * limit; -EFBIG beyond it). Opened without blocking and refused (-EINVAL)
 * unless a regular file, as its name may come from a request or a command
 * line: a FIFO (bash's @<(...)) must not block the reader or steal the
 * compiler's input, nor /dev/zero fill memory. 0 or -errno.
 */
int read_regular_file(const char *path, size_t max, struct buf *b);

#endif
