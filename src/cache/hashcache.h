/*
 * hashcache: the digest of a file's content, remembered by path and
 * re-used while (dev, ino, size, mtime, ctime) stay the same, so a warm hit
 * re-hashes nothing that did not change. A file changed shortly before it
 * was hashed (within timestamp_racy_margin_ns: 50 ms where the filesystem
 * keeps nanoseconds, 2 s where it keeps seconds) is not trusted (its stat may
 * not move on a second change inside the same clock tick) and is hashed
 * again next time; so is one that some process had open for writing when
 * it was hashed (a writable shared mapping changes it without moving its
 * stat). On a filesystem whose ctime can be put back from userspace (FAT,
 * exFAT, FUSE, SMB, 9p, ...: stamp_trust.h) the stat vouches for nothing
 * and every lookup hashes the file again: correct, and slower there.
 */
#ifndef ZCCACHE_HASHCACHE_H
#define ZCCACHE_HASHCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "hash.h"

struct hashcache;

struct file_digest {
	struct digest digest;
	uint64_t size;
	int64_t mtime_ns, ctime_ns;
	/* The content uses __DATE__, __TIME__ or __TIMESTAMP__ outside
	 * comments and literals, or may (see cscan.h). */
	bool time_macros;
	bool timestamp_macro; /* __TIMESTAMP__ in code: never pinned */
	unsigned paste_flags; /* enum cscan_paste_flags */
	/* The content uses .incbin or .include outside comments (see cscan.h):
	 * the assembler reads files no depfile lists. */
	bool asm_includes;
	/* Or may, spelled in ways only an assembler that reports what it read
	 * would see (cscan_asm_includes_maybe). */
	bool asm_includes_maybe;
	/*
	 * What the content asks the preprocessor for (see cscan_includes):
	 * form byte + name + NUL, repeated. Owned by the hashcache and valid
	 * until the next hashcache call; NULL from hashcache_hash_file.
	 */
	const char *includes;
	size_t includes_len;
	unsigned include_flags; /* enum cscan_include_flags */
};

int hashcache_new(struct hashcache **out);
void hashcache_free(struct hashcache *hc);

/*
 * Digest of path (following symlinks). Returns 0, or -errno from stat/open/
 * read (-ENOENT for a missing file, -EISDIR for a folder).
 */
int hashcache_get(struct hashcache *hc, const char *path, struct file_digest *out);
/* The same, the file found relative to a folder's descriptor: dirfd_fn(ctx,
 * path, &name) gives one and the name in it, or AT_FDCWD and path itself
 * (see dircache_dirfd). */
int hashcache_get_by(struct hashcache *hc, const char *path,
                     int (*dirfd_fn)(void *ctx, const char *path, const char **name), void *ctx,
                     struct file_digest *out);

/* The same without the scan: out's digest, size and times are the file's,
 * its flags all set and no include list. For files no preprocessor reads
 * (Rust libraries, linker inputs, .incbin data): a later hashcache_get of
 * the same file scans it then. */
int hashcache_digest(struct hashcache *hc, const char *path, struct file_digest *out);
int hashcache_digest_by(struct hashcache *hc, const char *path,
                        int (*dirfd_fn)(void *ctx, const char *path, const char **name), void *ctx,
                        struct file_digest *out);

/* Forget everything (e.g. after a flush). */
void hashcache_clear(struct hashcache *hc);

/* Counters, for tests and stats. */
struct hashcache_stats {
	uint64_t lookups, rehashes, entries;
};
void hashcache_get_stats(const struct hashcache *hc, struct hashcache_stats *out);

/* Hash a file without caching; also reports time macros. */
int hashcache_hash_file(const char *path, struct file_digest *out);

#endif
