/*
 * store: the artifact store under <cache_dir>/store/. Owns the on-disk file
 * format, atomic writes (tmp + rename) and verification on every read: a
 * file that does not hash to its own name is never handed out.
 */
#ifndef ZCCACHE_STORE_H
#define ZCCACHE_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "hash.h"

#define STORE_LEVEL_MIN     1
#define STORE_LEVEL_MAX     19
#define STORE_LEVEL_DEFAULT 3

/*
 * Artifacts live in <store_dir>/xx/<32 hex> where the hex is the XXH3-128 of
 * the UNCOMPRESSED content and xx its first two digits. Each file is:
 *
 *   offset size
 *   0      4    magic "ZCAF"
 *   4      2    format version (1), little-endian
 *   6      2    flags: bit 0 = zstd frame follows; no other bit may be set
 *   8      8    uncompressed size, little-endian
 *   16     16   XXH3-128 of the uncompressed content (must equal the name)
 *   32     16   XXH3-128 of every byte after the header (the zstd frame)
 *   48     ...  one zstd frame, content size and content checksum on
 *
 * Every byte of the file is covered by a check, so any flipped byte,
 * truncation or appended garbage is -EBADMSG, before or after decompression.
 *
 * A struct store is used by one thread at a time (it keeps its zstd contexts).
 * Every call returns 0 or a negative errno; -ENOENT means "no such artifact"
 * and is not logged, other failures are logged once here with the path.
 */
struct store;

/* Create store_dir (and missing parents) 0700. level: STORE_LEVEL_MIN..MAX. */
int store_open(const char *store_dir, int compression_level, struct store **out);
void store_close(struct store *s);
/* Clamped to STORE_LEVEL_MIN..STORE_LEVEL_MAX; applies to later puts. */
void store_set_level(struct store *s, int level);

/*
 * Store content and return its digest and the size of the artifact file.
 * When a valid artifact of that digest exists it is left alone (no
 * compression, no write). Otherwise the file is written to a tmp file beside
 * its final name and renamed: readers see all of it or nothing. Not fsynced:
 * a machine crash may lose it or leave a damaged file, which every read
 * detects (a miss, never a wrong hit). On any error (ENOSPC, EDQUOT, EFBIG,
 * EIO, ...) no tmp file is left and the errno is returned.
 *
 * store_put_fd reads a regular file with pread from offset 0 to EOF (the fd's
 * offset is not used); a file that changes while it is read gives -EAGAIN.
 * Other fds (pipes) are read to EOF into memory first.
 */
int store_put_fd(struct store *s, int fd, struct digest *out, uint64_t *stored_bytes);
int store_put_mem(struct store *s, const void *p, size_t n, struct digest *out,
                  uint64_t *stored_bytes);

/*
 * Append the verified content of artifact d to out. -ENOENT when missing,
 * -EBADMSG when the file fails any check; on error out->len is unchanged.
 * The caller should count an -EBADMSG and store_remove() the artifact.
 */
int store_get_mem(struct store *s, const struct digest *d, struct buf *out);

/*
 * Write artifact d to dest_path with permissions mode (what the compiler
 * would have created, e.g. 0666 & ~umask). Decompresses into a tmp file beside
 * dest_path, verifies it completely, then renames it over dest_path: the
 * destination is either untouched or complete, never partial, and never a
 * link into the store. Not fsynced (a compiler does not fsync its outputs).
 */
int store_materialize(struct store *s, const struct digest *d, const char *dest_path, mode_t mode);

/* Full verification without output: 0, -EBADMSG or -ENOENT. */
int store_verify(struct store *s, const struct digest *d);

/* Size in bytes of the artifact file (header + compressed frame). */
int store_stat(struct store *s, const struct digest *d, uint64_t *stored_bytes);
/* Unlink artifact d; freed_bytes (may be NULL) gets its file size. */
int store_remove(struct store *s, const struct digest *d, uint64_t *freed_bytes);

/*
 * Call fn for every file that is named like an artifact (the content is not
 * checked; use store_verify for that). fn may store_remove() the artifact it
 * is given. A non-zero return from fn stops the walk and is returned.
 */
int store_foreach(struct store *s,
                  int (*fn)(const struct digest *d, uint64_t stored_bytes, void *ctx), void *ctx);
/* The sub-folders, walked one at a time so that a long walk can be sliced. */
#define STORE_PARTS 256
/* store_foreach over sub-folder part (0..STORE_PARTS-1) only; -1: all. */
int store_foreach_part(struct store *s, int part,
                       int (*fn)(const struct digest *d, uint64_t stored_bytes, void *ctx),
                       void *ctx);

/*
 * Remove tmp files left by a crash whose mtime is before cutoff (use a cutoff
 * well in the past, e.g. now - 1 hour, so that in-flight writes of another
 * process are left alone). removed (may be NULL) gets the count.
 */
int store_sweep_tmp(struct store *s, time_t cutoff, uint64_t *removed);
/* The same in one sub-folder (part 0..STORE_PARTS-1, or -1 for all),
 * counting them (count) and removing them only when remove is set. */
int store_scan_tmp(struct store *s, int part, time_t cutoff, bool remove, uint64_t *count);

#endif
