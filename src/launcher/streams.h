/*
 * streams: whether the launcher's stdout and stderr can take what a
 * compiler would print there. A compiler meets a full device, a read-only
 * descriptor or a pipe without a reader as it writes (clang aborts on a
 * diagnostic to /dev/full, exit 134; gcc carries on): a hit that writes
 * the stored text must then fail the same way, or not be served.
 */
#ifndef ZCCACHE_STREAMS_H
#define ZCCACHE_STREAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Would a write to fd fail? Known ahead: a full device (/dev/full), a
 * descriptor opened read-only, a pipe or socket whose reader is gone, a
 * regular file on a filesystem with no free block. Cost: an fstat, an
 * fcntl, and a poll or an fstatfs.
 */
bool streams_unwritable(int fd);

/* Tell the server which of stdout and stderr cannot take the compiler's
 * output (request fields "stdout_unwritable", "stderr_unwritable"): it
 * then serves only hits that print nothing there, and runs the rest
 * uncached, so the compiler meets the stream itself. */
void streams_describe(json_t *req);

/*
 * Write a hit's stored stdout and stderr. 0, or -errno when either could
 * not be written whole (a stream that failed after streams_describe
 * looked at it): the caller then runs the compiler as given, which meets
 * the stream as it would have without a cache.
 */
int streams_replay(const void *out, size_t out_len, const void *err, size_t err_len);

#endif
