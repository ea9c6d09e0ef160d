/* hashcache: stat-validated in-memory cache of file content digests. */
#include "hashcache.h"
#include "buf.h"
#include "clock.h"
#include "cscan.h"
#include "stamp_trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Past this many entries the table starts over rather than grow forever:
 * about 170 bytes each, so at most ~11 MiB, while a large project's sources
 * and headers fit (a start-over costs one re-hash of each file). */
#define HASHCACHE_MAX_ENTRIES (1u << 16)
/* Changes this close to the hashing time are not trusted. */

struct entry {
	struct entry *next;
	uint64_t key_hash;
	dev_t dev;
	ino_t ino;
	int64_t hashed_at_ns;
	bool had_writer;       /* open for writing when hashed: see open_for_writing */
	bool scanned;          /* fd's flags and includes are the scan's (else: all set) */
	struct file_digest fd; /* fd.includes points into includes */
	struct buf includes;
	char path[];
};

struct hashcache {
	struct entry **buckets;
	size_t n_buckets, n_entries;
	struct hashcache_stats stats;
	struct buf scratch; /* the include list of the file being hashed */
	/* Per device: may a stat vouch for a digest there (stamp_trust.h)?
	 * Learned on every hash, read on every hit. */
	struct stamp_trust trust;
};

static uint64_t path_hash(const char *p)
{
	struct digest d;
	uint64_t h = 0;

	digest_mem(p, strlen(p), &d);
	memcpy(&h, d.bytes, sizeof(h));
	return h;
}

int hashcache_new(struct hashcache **out)
{
	struct hashcache *hc = calloc(1, sizeof(*hc));

	if (!hc)
		return -ENOMEM;
	hc->n_buckets = 4096;
	hc->buckets = calloc(hc->n_buckets, sizeof(*hc->buckets));
	if (!hc->buckets) {
		free(hc);
		return -ENOMEM;
	}
	*out = hc;
	return 0;
}

void hashcache_clear(struct hashcache *hc)
{
	for (size_t i = 0; i < hc->n_buckets; i++) {
		struct entry *e = hc->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			buf_free(&e->includes);
			free(e);
		}
		hc->buckets[i] = NULL;
	}
	hc->n_entries = 0;
}

void hashcache_free(struct hashcache *hc)
{
	if (!hc)
		return;
	hashcache_clear(hc);
	buf_free(&hc->scratch);
	free(hc->buckets);
	free(hc);
}

static void grow(struct hashcache *hc)
{
	size_t n = hc->n_buckets * 2;
	struct entry **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < hc->n_buckets; i++) {
		struct entry *e = hc->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			e->next = b[e->key_hash & (n - 1)];
			b[e->key_hash & (n - 1)] = e;
		}
	}
	free(hc->buckets);
	hc->buckets = b;
	hc->n_buckets = n;
}

/* The needles are spelled as byte arrays: as string literals they would
 * make this very file count as an assembler include (literals count). */
static bool has_asm_includes(const void *p, size_t n)
{
	static const char incbin[] = {'.', 'i', 'n', 'c', 'b', 'i', 'n'};
	static const char include[] = {'.', 'i', 'n', 'c', 'l', 'u', 'd', 'e'};

	return memmem(p, n, incbin, sizeof(incbin)) || memmem(p, n, include, sizeof(include));
}

static bool has_time_macros(const void *p, size_t n)
{
	static const char *const macros[] = {"__DATE__", "__TIME__", "__TIMESTAMP__"};

	for (size_t i = 0; i < sizeof(macros) / sizeof(macros[0]); i++)
		if (memmem(p, n, macros[i], strlen(macros[i])))
			return true;
	return false;
}

/*
 * Files up to SCAN_MAX are read whole, hashed and scanned in one pass over
 * memory; a larger one is hashed in chunks and its include list is unknown
 * (CSCAN_COMPUTED), its flags set.
 */
#define SCAN_MAX (16u << 20)

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Was e hashed so soon after the file's last change that a second change in
 * the same clock tick could have left its stat as it was? Then its digest is
 * taken again. The margin follows the ctime's precision (50 ms on a
 * filesystem with nanoseconds, not a whole second: a generator rewrites the
 * headers, then every unit of the build re-hashed all of them for a second). */
static bool racy(const struct entry *e)
{
	int64_t changed = e->fd.mtime_ns > e->fd.ctime_ns ? e->fd.mtime_ns : e->fd.ctime_ns;

	return e->had_writer ||
	       e->hashed_at_ns - changed < timestamp_racy_margin_ns(e->fd.ctime_ns);
}

/*
 * Is the file open for writing anywhere? A writable shared mapping is, and
 * its writes to a page already dirty change the bytes without moving the
 * mtime or ctime (the kernel updates them on a clean page's first write
 * fault only): the stat cannot vouch for a digest read meanwhile. The
 * kernel refuses a read lease (EAGAIN) exactly while a writer exists. Not
 * known (false: the stat is trusted, as before) for another user's file
 * (EACCES without CAP_LEASE) or where leases are not supported. The lease
 * is held while the file is read and goes with its close (no F_UNLCK: one
 * call less per header rehashed): a writer opening meanwhile breaks it
 * with SIGIO, which the server ignores, and waits the microseconds until
 * the close, so the bytes read are those no writer had open.
 */
static bool open_for_writing(int fd)
{
	return fcntl(fd, F_SETLEASE, F_RDLCK) < 0 && errno == EAGAIN;
}

/* Read the whole file (its size from st) into *text. -EAGAIN when it grew or
 * shrank meanwhile: the caller then hashes what it reads in chunks. */
static int read_whole(int fd, const struct stat *st, char **text, size_t *len)
{
	size_t n = (size_t)st->st_size, got = 0;
	char *t = malloc(n + 1);

	if (!t)
		return -ENOMEM;
	while (got <= n) {
		ssize_t r = read(fd, t + got, n + 1 - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			free(t);
			return e;
		}
		if (r == 0)
			break;
		got += (size_t)r;
		/* Short of the extra byte asked for at the stat's size: the
		 * end of a regular file, without a second read to say so. */
		if (got == n)
			break;
	}
	if (got != n) {
		free(t);
		return -EAGAIN;
	}
	*text = t;
	*len = n;
	return 0;
}

/* The chunked fallback: digest only, from the file's current offset (the
 * start: callers that read before seek back); every flag set. A read short
 * of what was asked, once the stat's size is in, is the end of a regular
 * file: no second read to say so (a header of a few kB is one read). */
static int hash_chunks(int fd, const struct stat *st, struct file_digest *out)
{
	enum { CHUNK = 65536 };
	static char buf[CHUNK];
	struct hasher *h = hasher_new();
	uint64_t got = 0;
	int r = 0;

	if (!h)
		return -ENOMEM;
	while (r == 0) {
		ssize_t n = read(fd, buf, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		if (n <= 0)
			break;
		hasher_update(h, buf, (size_t)n);
		got += (uint64_t)n;
		if (n < CHUNK && got >= (uint64_t)st->st_size)
			break;
	}
	if (r == 0)
		hasher_final(h, &out->digest);
	hasher_free(h);
	out->time_macros = out->asm_includes = true;
	out->timestamp_macro = out->asm_includes_maybe = true;
	out->paste_flags = CSCAN_PASTE | CSCAN_TIME_PIECE;
	out->include_flags = CSCAN_COMPUTED;
	return r;
}

/*
 * Hash an open file whose stat we already have, and scan what it includes.
 * read(), not mmap(): a file truncated while we hash it must give a wrong
 * digest (caught later by its changed stat), never SIGBUS in the server.
 * The substring searches are cheap; cscan looks again only when they fire.
 */
/*
 * Take what an earlier scan of the same bytes found (prev, the entry of the
 * same path): a file rewritten with the content it had (a generated header,
 * every build) is hashed again, not scanned again. 0, or -ENOMEM.
 */
static int reuse_scan(const struct entry *prev, struct file_digest *out, struct buf *includes)
{
	out->time_macros = prev->fd.time_macros;
	out->timestamp_macro = prev->fd.timestamp_macro;
	out->paste_flags = prev->fd.paste_flags;
	out->asm_includes = prev->fd.asm_includes;
	out->asm_includes_maybe = prev->fd.asm_includes_maybe;
	out->include_flags = prev->fd.include_flags;
	if (includes && prev->includes.len &&
	    buf_append(includes, prev->includes.data, prev->includes.len) < 0)
		return -ENOMEM;
	return 0;
}

static int hash_open_file(int fd, const struct stat *st, struct file_digest *out,
                          struct buf *includes, const struct entry *prev)
{
	char *text = NULL;
	bool trigraphs;
	size_t n = 0;
	int r;

	out->size = (uint64_t)st->st_size;
	out->mtime_ns = ts_ns(st->st_mtim);
	out->ctime_ns = ts_ns(st->st_ctim);
	out->time_macros = out->asm_includes = false;
	out->timestamp_macro = out->asm_includes_maybe = false;
	out->paste_flags = 0;
	out->includes = NULL;
	out->includes_len = 0;
	out->include_flags = 0;
	r = (uint64_t)st->st_size > SCAN_MAX ? -EFBIG : read_whole(fd, st, &text, &n);
	if (r == -EAGAIN && lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	if (r == -EFBIG || r == -EAGAIN)
		return hash_chunks(fd, st, out);
	if (r < 0)
		return r;
	digest_mem(text, n, &out->digest);
	if (prev && prev->scanned && prev->fd.size == (uint64_t)n &&
	    digest_equal(&prev->fd.digest, &out->digest) && (includes || !prev->includes.len)) {
		free(text);
		return reuse_scan(prev, out, includes);
	}
	/* A name split by a line splice or spelled with trigraphs is whole
	 * again in the text the preprocessor reads. */
	trigraphs = memmem(text, n, "??", 2) != NULL;
	if (memchr(text, '\\', n) || trigraphs) {
		struct buf norm = BUF_INIT;

		if (cscan_normalize(text, n, &norm) < 0) {
			free(text);
			return -ENOMEM;
		}
		free(text);
		text = (char *)norm.data;
		n = norm.len;
	}
	if (has_time_macros(text, n)) {
		out->time_macros = cscan_time_macros_in_code(text, n);
		out->timestamp_macro = out->time_macros && memmem(text, n, "__TIMESTAMP__", 13) &&
		                       cscan_timestamp_in_code(text, n);
	}
	out->paste_flags = cscan_paste_flags(text, n);
	if (has_asm_includes(text, n))
		out->asm_includes = cscan_asm_includes_outside_comments(text, n);
	out->asm_includes_maybe = out->asm_includes || cscan_asm_includes_maybe(text, n);
	if (includes) {
		r = cscan_includes(text, n, includes);
		if (r >= 0) {
			out->include_flags = (unsigned)r;
			r = 0;
		}
		/* Replaced above, trigraphs count only in ISO modes and with
		 * -trigraphs: the names the file asks for are then unknown. */
		if (trigraphs)
			out->include_flags |= CSCAN_COMPUTED;
	}
	free(text);
	return r;
}

/* The digest alone, streamed: a Rust library or a linker input is no C
 * text, and scanning it as one was most of a cold Rust build's server time
 * (perf: strip_comments 32 %, memmem 10 %). Every flag set, as for a file
 * too big to scan: a caller that wants the scan asks again (scanned). */
static int digest_only(int fd, const struct stat *st, struct file_digest *out)
{
	memset(out, 0, sizeof(*out));
	out->size = (uint64_t)st->st_size;
	out->mtime_ns = ts_ns(st->st_mtim);
	out->ctime_ns = ts_ns(st->st_ctim);
	return hash_chunks(fd, st, out);
}

/* dirfd/name: the file, as openat() takes it. trust, when given, learns
 * whether its filesystem's stat can vouch for the digest. */
static int open_and_hash(int dirfd, const char *name, struct stat *st, struct file_digest *out,
                         bool scan, struct buf *includes, const struct entry *prev,
                         bool *had_writer, struct stamp_trust *trust)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (then fstat
	 * refuses it); regular files ignore the flag. O_NOATIME: a header
	 * rewritten by the build has its atime older than its mtime, so each
	 * read would write the inode back (a journal transaction on ext4: 14 %
	 * of the server's time when 1000 headers are regenerated); the kernel
	 * allows it only on the caller's own files, so EPERM retries without. */
	int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
	int fd = openat(dirfd, name, flags | O_NOATIME), r;

	if (fd < 0 && errno == EPERM)
		fd = openat(dirfd, name, flags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		r = -errno;
	} else if (S_ISDIR(st->st_mode)) {
		r = -EISDIR;
	} else if (!S_ISREG(st->st_mode)) {
		r = -EINVAL;
	} else {
		if (had_writer)
			*had_writer = open_for_writing(fd);
		/* Asked again at every hash, not once per device: a device
		 * number is reused by the next mount (a USB stick for another). */
		if (trust)
			stamp_trust_learn(trust, st->st_dev, fd, NULL);
		r = scan ? hash_open_file(fd, st, out, includes, prev) : digest_only(fd, st, out);
	}
	close(fd);
	return r;
}

int hashcache_hash_file(const char *path, struct file_digest *out)
{
	struct stat st;

	return open_and_hash(AT_FDCWD, path, &st, out, true, NULL, NULL, NULL, NULL);
}

static int lookup(struct hashcache *hc, const char *path,
                  int (*dirfd_fn)(void *ctx, const char *path, const char **name), void *ctx,
                  struct file_digest *out, bool scan)
{
	const char *name = path;
	int dirfd = dirfd_fn ? dirfd_fn(ctx, path, &name) : AT_FDCWD;
	uint64_t h = path_hash(path);
	struct entry **slot = &hc->buckets[h & (hc->n_buckets - 1)], *e;
	struct timespec now;
	struct stat st;
	bool had_writer = false;
	size_t len;
	int r;

	hc->stats.lookups++;
	/* Build systems probe compiler options by compiling /dev/null (Kbuild's
	 * cc-option, autoconf): it reads as an empty file, always. */
	if (strcmp(path, "/dev/null") == 0) {
		memset(out, 0, sizeof(*out));
		digest_mem("", 0, &out->digest);
		return 0;
	}
	if (fstatat(dirfd, name, &st, 0) < 0)
		return -errno;
	for (e = *slot; e; e = e->next) {
		if (e->key_hash != h || strcmp(e->path, path) != 0)
			continue;
		if (e->dev == st.st_dev && e->ino == st.st_ino &&
		    e->fd.size == (uint64_t)st.st_size && e->fd.mtime_ns == ts_ns(st.st_mtim) &&
		    e->fd.ctime_ns == ts_ns(st.st_ctim) && !racy(e) && (e->scanned || !scan) &&
		    stamp_trust_vouches(&hc->trust, st.st_dev)) {
			*out = e->fd;
			return 0;
		}
		break;
	}

	/* Timestamp first: a change after this instant must look racy. */
	clock_gettime(CLOCK_REALTIME, &now);
	hc->stats.rehashes++;
	buf_reset(&hc->scratch);
	r = open_and_hash(dirfd, name, &st, out, scan, &hc->scratch, e, &had_writer, &hc->trust);
	if (r < 0)
		return r;
	if (!e) {
		if (hc->n_entries >= HASHCACHE_MAX_ENTRIES)
			hashcache_clear(hc);
		if (hc->n_entries > hc->n_buckets)
			grow(hc);
		slot = &hc->buckets[h & (hc->n_buckets - 1)];
		len = strlen(path);
		e = malloc(sizeof(*e) + len + 1);
		if (!e) {
			/* The digest is right; we just don't remember it. The
			 * include list stays in the scratch buffer. */
			out->includes = (const char *)hc->scratch.data;
			out->includes_len = hc->scratch.len;
			return 0;
		}
		memcpy(e->path, path, len + 1);
		e->includes = (struct buf)BUF_INIT;
		e->key_hash = h;
		e->next = *slot;
		*slot = e;
		hc->n_entries++;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->hashed_at_ns = ts_ns(now);
	e->had_writer = had_writer;
	e->scanned = scan;
	/* The entry keeps the list; the scratch buffer is reused. */
	buf_free(&e->includes);
	e->includes = hc->scratch;
	hc->scratch = (struct buf)BUF_INIT;
	out->includes = (const char *)e->includes.data;
	out->includes_len = e->includes.len;
	e->fd = *out;
	return 0;
}

int hashcache_get(struct hashcache *hc, const char *path, struct file_digest *out)
{
	return lookup(hc, path, NULL, NULL, out, true);
}

int hashcache_get_by(struct hashcache *hc, const char *path,
                     int (*dirfd_fn)(void *ctx, const char *path, const char **name), void *ctx,
                     struct file_digest *out)
{
	return lookup(hc, path, dirfd_fn, ctx, out, true);
}

int hashcache_digest(struct hashcache *hc, const char *path, struct file_digest *out)
{
	return lookup(hc, path, NULL, NULL, out, false);
}

int hashcache_digest_by(struct hashcache *hc, const char *path,
                        int (*dirfd_fn)(void *ctx, const char *path, const char **name), void *ctx,
                        struct file_digest *out)
{
	return lookup(hc, path, dirfd_fn, ctx, out, false);
}

void hashcache_get_stats(const struct hashcache *hc, struct hashcache_stats *out)
{
	*out = hc->stats;
	out->entries = hc->n_entries;
}
