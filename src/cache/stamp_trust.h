/*
 * stamp_trust: may a file's stat vouch for its content on this filesystem?
 * Only where the kernel keeps the ctime itself: there no one can put a
 * changed file's (mtime, ctime) back. Answers are remembered per device
 * by their owner (the hashcache, the dircache), so the hit path asks a
 * small table, not the kernel.
 */
#ifndef ZCCACHE_STAMP_TRUST_H
#define ZCCACHE_STAMP_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define STAMP_TRUST_DEVICES 32

struct stamp_trust {
	size_t n, next; /* next: the slot a new device replaces once full */
	struct {
		dev_t dev;
		bool vouches;
	} dev[STAMP_TRUST_DEVICES];
};

/* Does the filesystem of fd (or of path, when fd < 0) keep ctimes itself?
 * The answer is remembered for dev, replacing what was learned before (a
 * device number is reused by the next mount). False when statfs fails.
 * Cost: one fstatfs/statfs: call it where the file is read anyway. */
bool stamp_trust_learn(struct stamp_trust *t, dev_t dev, int fd, const char *path);

/* What stamp_trust_learn last said for dev; false for a device never asked
 * (or forgotten: the table keeps STAMP_TRUST_DEVICES). Cost: a scan of the
 * table, no syscall. */
bool stamp_trust_vouches(const struct stamp_trust *t, dev_t dev);

/* The rule itself, by statfs f_type. */
bool stamp_trust_fs_type(unsigned long f_type);

/* The rule for the filesystem of fd (or of path, when fd < 0), nothing
 * remembered; false when statfs fails. Cost: one fstatfs/statfs. */
bool stamp_trust_ask(int fd, const char *path);

#endif
