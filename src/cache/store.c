/*
 * store: content-addressed artifact files, zstd-compressed, written atomically
 * and verified end to end on every read. The file format is in store.h; this
 * file is the only code that knows it.
 */
#include "store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "io.h"
#include "le.h"
#include "log.h"
#include "paths.h"

#define HDR_SIZE      48
#define HDR_MAGIC     "ZCAF"
#define HDR_VERSION   1
#define HDR_FLAG_ZSTD 0x1u
#define IO_CHUNK      (256 * 1024)
/* Never trust a header's size for more than this much up-front allocation. */
#define RESERVE_MAX (64u * 1024 * 1024)

struct store {
	char *dir;
	int level;
	ZSTD_CCtx *cctx;
	ZSTD_DCtx *dctx;
	struct hasher *content; /* uncompressed bytes */
	struct hasher *frame;   /* every byte after the header */
	uint8_t *inbuf;         /* IO_CHUNK bytes each */
	uint8_t *outbuf;
};

struct header {
	uint64_t size;
	struct digest content;
	struct digest frame;
};

/* Where the bytes to store come from: memory, or a regular file via pread. */
struct source {
	const uint8_t *mem;
	int fd;
	uint64_t size; /* known before compressing; pledged to zstd */
};

typedef int (*sink_fn)(void *ctx, const void *p, size_t n);

static void header_encode(uint8_t *b, const struct header *h)
{
	memcpy(b, HDR_MAGIC, 4);
	le_put16(b + 4, HDR_VERSION);
	le_put16(b + 6, HDR_FLAG_ZSTD);
	le_put64(b + 8, h->size);
	memcpy(b + 16, h->content.bytes, 16);
	memcpy(b + 32, h->frame.bytes, 16);
}

/* Unknown versions and flags are refused rather than guessed at. */
static int header_decode(const uint8_t *b, struct header *h)
{
	if (memcmp(b, HDR_MAGIC, 4) != 0 || le_get16(b + 4) != HDR_VERSION ||
	    le_get16(b + 6) != HDR_FLAG_ZSTD)
		return -EBADMSG;
	h->size = le_get64(b + 8);
	memcpy(h->content.bytes, b + 16, 16);
	memcpy(h->frame.bytes, b + 32, 16);
	return 0;
}

static ssize_t pread_some(int fd, void *p, size_t n, off_t off)
{
	for (;;) {
		ssize_t r = pread(fd, p, n, off);

		if (r >= 0 || errno != EINTR)
			return r < 0 ? -errno : r;
	}
}

/* Fill exactly n bytes unless EOF comes first; returns bytes read or -errno. */
static ssize_t pread_full(int fd, void *p, size_t n, off_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread_some(fd, (uint8_t *)p + got, n - got, off + (off_t)got);

		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int subdir_path(const struct store *s, const struct digest *d, char *out, size_t n)
{
	char hex[DIGEST_HEX_LEN + 1];
	int len;

	digest_to_hex(d, hex);
	len = snprintf(out, n, "%s/%.2s", s->dir, hex);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static int artifact_path(const struct store *s, const struct digest *d, char *out, size_t n)
{
	char hex[DIGEST_HEX_LEN + 1];
	int len;

	digest_to_hex(d, hex);
	len = snprintf(out, n, "%s/%.2s/%s", s->dir, hex, hex);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static int zstd_errno(size_t code, int fallback)
{
	switch (ZSTD_getErrorCode(code)) {
	case ZSTD_error_memory_allocation:
		return -ENOMEM;
	case ZSTD_error_srcSize_wrong:
		return -EAGAIN; /* the input changed size while we read it */
	default:
		return fallback;
	}
}

int store_open(const char *store_dir, int compression_level, struct store **out)
{
	struct store *s;
	int r;

	*out = NULL;
	if (compression_level < STORE_LEVEL_MIN || compression_level > STORE_LEVEL_MAX)
		return -EINVAL;
	r = paths_mkdir_p(store_dir, 0700);
	if (r < 0) {
		log_errno(LOG_LEVEL_ERR, r, "store: mkdir %s", store_dir);
		return r;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->dir = strdup(store_dir);
	s->cctx = ZSTD_createCCtx();
	s->dctx = ZSTD_createDCtx();
	s->content = hasher_new();
	s->frame = hasher_new();
	s->inbuf = malloc(IO_CHUNK);
	s->outbuf = malloc(IO_CHUNK);
	if (!s->dir || !s->cctx || !s->dctx || !s->content || !s->frame || !s->inbuf ||
	    !s->outbuf) {
		store_close(s);
		return -ENOMEM;
	}
	/* zstd's own checksum catches a bad frame before our hash of the output. */
	ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_contentSizeFlag, 1);
	store_set_level(s, compression_level);
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	ZSTD_freeCCtx(s->cctx);
	ZSTD_freeDCtx(s->dctx);
	hasher_free(s->content);
	hasher_free(s->frame);
	free(s->inbuf);
	free(s->outbuf);
	free(s->dir);
	free(s);
}

void store_set_level(struct store *s, int level)
{
	if (level < STORE_LEVEL_MIN)
		level = STORE_LEVEL_MIN;
	if (level > STORE_LEVEL_MAX)
		level = STORE_LEVEL_MAX;
	s->level = level;
	ZSTD_CCtx_setParameter(s->cctx, ZSTD_c_compressionLevel, level);
}

/*
 * Open the artifact of d (its path into path, PATH_MAX bytes, for the
 * caller's messages) and check its header against the name it was asked
 * for. Returns the fd (>= 0), -ENOENT, -EBADMSG or another -errno.
 */
static int artifact_open(struct store *s, const struct digest *d, char *path, struct header *h,
                         uint64_t *file_size)
{
	uint8_t raw[HDR_SIZE];
	struct stat st;
	ssize_t n;
	int fd, r;

	r = artifact_path(s, d, path, PATH_MAX);
	if (r < 0)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		r = -errno;
		if (r == -ELOOP)
			r = -EBADMSG; /* we never write symlinks into the store */
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= HDR_SIZE) {
		r = -EBADMSG;
		goto fail;
	}
	n = pread_full(fd, raw, sizeof(raw), 0);
	if (n < 0) {
		r = (int)n;
		goto fail;
	}
	if (n != HDR_SIZE || header_decode(raw, h) < 0 || !digest_equal(&h->content, d)) {
		r = -EBADMSG;
		goto fail;
	}
	*file_size = (uint64_t)st.st_size;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	if (r == -EBADMSG)
		log_warnx("store: %s: bad header or not an artifact", path);
	else if (r != -ENOENT)
		log_errno(LOG_LEVEL_WARNING, r, "store: open %s", path);
	return r;
}

/* Once the whole frame went through s's hashers and produced bytes: what
 * does not match the header h, or NULL. */
static const char *frame_verdict(struct store *s, const struct header *h, uint64_t produced)
{
	struct digest got;

	hasher_final(s->frame, &got);
	if (!digest_equal(&got, &h->frame))
		return "frame checksum mismatch";
	if (produced != h->size)
		return "size mismatch";
	hasher_final(s->content, &got);
	if (!digest_equal(&got, &h->content))
		return "content hash mismatch";
	return NULL;
}

/*
 * Decompress the frame after the header into sink, checking every layer:
 * zstd's frame checksum, our hash of the raw frame bytes, the content size
 * and the content hash. The sink may have seen bytes when this fails; callers
 * discard them.
 */
static int artifact_decode(struct store *s, int fd, const char *path, const struct header *h,
                           sink_fn sink, void *ctx)
{
	uint64_t produced = 0;
	off_t off = HDR_SIZE;
	bool done = false;
	const char *why = NULL;
	int r;

	ZSTD_DCtx_reset(s->dctx, ZSTD_reset_session_only);
	hasher_reset(s->content);
	hasher_reset(s->frame);
	for (;;) {
		ssize_t n = pread_some(fd, s->inbuf, IO_CHUNK, off);
		ZSTD_inBuffer in = {s->inbuf, 0, 0};
		bool eof;

		if (n < 0) {
			log_errno(LOG_LEVEL_WARNING, (int)n, "store: read %s", path);
			return (int)n;
		}
		eof = n == 0;
		in.size = (size_t)n;
		off += n;
		hasher_update(s->frame, s->inbuf, (size_t)n);
		/* At EOF keep calling with no input to drain what zstd still holds. */
		while (in.pos < in.size || (eof && !done)) {
			ZSTD_outBuffer o = {s->outbuf, IO_CHUNK, 0};
			size_t ret;

			if (done) {
				why = "data after the frame";
				goto bad;
			}
			ret = ZSTD_decompressStream(s->dctx, &o, &in);
			if (ZSTD_isError(ret)) {
				r = zstd_errno(ret, -EBADMSG);
				if (r != -EBADMSG)
					return r;
				why = ZSTD_getErrorName(ret);
				goto bad;
			}
			if (o.pos > h->size - produced) {
				why = "longer than its header says";
				goto bad;
			}
			produced += o.pos;
			hasher_update(s->content, s->outbuf, o.pos);
			if (o.pos > 0) {
				r = sink(ctx, s->outbuf, o.pos);
				if (r < 0)
					return r;
			}
			if (ret == 0)
				done = true;
			else if (eof && o.pos == 0) {
				why = "truncated frame";
				goto bad;
			}
		}
		if (eof)
			break;
	}
	why = frame_verdict(s, h, produced);
	if (!why)
		return 0;
bad:
	log_warnx("store: %s: corrupt artifact: %s", path, why);
	return -EBADMSG;
}

/*
 * True when a complete, intact artifact for d is already there: header and a
 * hash of the raw frame, which is far cheaper than compressing again.
 */
static bool artifact_present(struct store *s, const struct digest *d, uint64_t size,
                             uint64_t *stored_bytes)
{
	char path[PATH_MAX];
	struct header h;
	struct digest got;
	uint64_t file_size;
	off_t off = HDR_SIZE;
	int fd;

	fd = artifact_open(s, d, path, &h, &file_size);
	if (fd < 0)
		return false;
	if (h.size != size)
		goto bad;
	hasher_reset(s->frame);
	for (;;) {
		ssize_t n = pread_some(fd, s->inbuf, IO_CHUNK, off);

		if (n < 0)
			goto bad;
		if (n == 0)
			break;
		hasher_update(s->frame, s->inbuf, (size_t)n);
		off += n;
	}
	hasher_final(s->frame, &got);
	if (!digest_equal(&got, &h.frame))
		goto bad;
	close(fd);
	*stored_bytes = file_size;
	return true;
bad:
	log_warnx("store: %s: damaged, rewriting it", path);
	close(fd);
	return false;
}

/* Compress src after a header-sized hole in fd, then fill in the header. */
static int compress_into(struct store *s, int fd, const struct source *src, const struct digest *d,
                         uint64_t *file_size)
{
	uint8_t raw[HDR_SIZE];
	struct header h = {.size = src->size, .content = *d};
	uint64_t written = 0;
	off_t rd = 0;
	int r;

	ZSTD_CCtx_reset(s->cctx, ZSTD_reset_session_only);
	ZSTD_CCtx_setPledgedSrcSize(s->cctx, src->size);
	hasher_reset(s->frame);
	hasher_reset(s->content);
	if (lseek(fd, HDR_SIZE, SEEK_SET) < 0)
		return -errno;
	for (;;) {
		ZSTD_inBuffer in = {src->mem, src->mem ? src->size : 0, 0};
		ZSTD_EndDirective mode = ZSTD_e_end;

		if (!src->mem) {
			ssize_t n = pread_some(src->fd, s->inbuf, IO_CHUNK, rd);

			if (n < 0)
				return (int)n;
			rd += n;
			hasher_update(s->content, s->inbuf, (size_t)n);
			in.src = s->inbuf;
			in.size = (size_t)n;
			mode = n == 0 ? ZSTD_e_end : ZSTD_e_continue;
		}
		for (;;) {
			ZSTD_outBuffer o = {s->outbuf, IO_CHUNK, 0};
			size_t rem = ZSTD_compressStream2(s->cctx, &o, &in, mode);

			if (ZSTD_isError(rem))
				return zstd_errno(rem, -EIO);
			r = write_all(fd, s->outbuf, o.pos);
			if (r < 0)
				return r;
			hasher_update(s->frame, s->outbuf, o.pos);
			written += o.pos;
			if (mode == ZSTD_e_end ? rem == 0 : in.pos == in.size)
				break;
		}
		if (mode == ZSTD_e_end)
			break;
	}
	if (!src->mem) {
		struct digest again;

		/* The name must describe exactly the bytes we compressed. */
		hasher_final(s->content, &again);
		if (!digest_equal(&again, d))
			return -EAGAIN;
	}
	hasher_final(s->frame, &h.frame);
	header_encode(raw, &h);
	r = pwrite_all(fd, raw, sizeof(raw), 0);
	if (r < 0)
		return r;
	*file_size = HDR_SIZE + written;
	return 0;
}

static int artifact_write(struct store *s, const struct digest *d, const struct source *src,
                          uint64_t *stored_bytes)
{
	char dir[PATH_MAX], tmp[PATH_MAX], path[PATH_MAX];
	uint64_t file_size = 0;
	int fd, r;

	if (subdir_path(s, d, dir, sizeof(dir)) < 0 ||
	    artifact_path(s, d, path, sizeof(path)) < 0 ||
	    snprintf(tmp, sizeof(tmp), "%s/.tmp.XXXXXX", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* The store folder itself may have been deleted under us (a user
	 * cleaning up by hand): make it again rather than fail every store
	 * until the server restarts. */
	r = mkdir(dir, 0700);
	if (r < 0 && errno == ENOENT && paths_mkdir_p(s->dir, 0700) == 0) {
		log_warnx("store: %s was missing; made it again", s->dir);
		r = mkdir(dir, 0700);
	}
	if (r < 0 && errno != EEXIST) {
		r = -errno;
		log_errno(LOG_LEVEL_WARNING, r, "store: mkdir %s", dir);
		return r;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		log_errno(LOG_LEVEL_WARNING, r, "store: create tmp in %s", dir);
		return r;
	}
	/*
	 * Not fsynced: the rename makes the file whole for every reader, and
	 * what a machine crash may leave under the name (nothing, or blocks
	 * never written) fails the checks every read makes, so it is a miss,
	 * never a wrong hit. An fsync of the file and its folder cost each
	 * cold compile about a millisecond.
	 */
	r = compress_into(s, fd, src, d, &file_size);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		log_errno(LOG_LEVEL_WARNING, r, "store: write %s", path);
		return r;
	}
	*stored_bytes = file_size;
	return 0;
}

int store_put_mem(struct store *s, const void *p, size_t n, struct digest *out,
                  uint64_t *stored_bytes)
{
	struct source src = {.mem = p ? p : (const uint8_t *)"", .fd = -1, .size = n};
	uint64_t size = 0;
	int r;

	digest_mem(src.mem, n, out);
	if (artifact_present(s, out, n, &size)) {
		if (stored_bytes)
			*stored_bytes = size;
		return 0;
	}
	r = artifact_write(s, out, &src, &size);
	if (r == 0 && stored_bytes)
		*stored_bytes = size;
	return r;
}

int store_put_fd(struct store *s, int fd, struct digest *out, uint64_t *stored_bytes)
{
	struct source src = {.fd = fd};
	struct stat st;
	uint64_t size = 0;
	off_t off = 0;
	int r;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		struct buf b = BUF_INIT;

		r = read_to_end(fd, &b, IO_CHUNK);
		if (r == 0)
			r = store_put_mem(s, b.data, b.len, out, stored_bytes);
		buf_free(&b);
		return r;
	}
	/*
	 * Hash first: when the artifact exists (the same object from another
	 * key) we skip compressing. compress_into hashes again and refuses to
	 * name the file if the content changed in between.
	 */
	hasher_reset(s->content);
	for (;;) {
		ssize_t n = pread_some(fd, s->inbuf, IO_CHUNK, off);

		if (n < 0)
			return (int)n;
		if (n == 0)
			break;
		hasher_update(s->content, s->inbuf, (size_t)n);
		off += n;
	}
	hasher_final(s->content, out);
	src.size = (uint64_t)off;
	if (artifact_present(s, out, src.size, &size)) {
		if (stored_bytes)
			*stored_bytes = size;
		return 0;
	}
	r = artifact_write(s, out, &src, &size);
	if (r == 0 && stored_bytes)
		*stored_bytes = size;
	return r;
}

struct mem_sink {
	struct buf *b;
};

static int mem_sink_write(void *ctx, const void *p, size_t n)
{
	struct mem_sink *m = ctx;

	return buf_append(m->b, p, n);
}

int store_get_mem(struct store *s, const struct digest *d, struct buf *out)
{
	char path[PATH_MAX];
	struct mem_sink m = {out};
	struct header h;
	uint64_t file_size;
	size_t orig = out->len;
	int fd, r;

	fd = artifact_open(s, d, path, &h, &file_size);
	if (fd < 0)
		return fd;
	r = buf_reserve(out, h.size < RESERVE_MAX ? (size_t)h.size : RESERVE_MAX);
	if (r == 0)
		r = artifact_decode(s, fd, path, &h, mem_sink_write, &m);
	close(fd);
	if (r < 0)
		out->len = orig; /* never hand out bytes of a bad artifact */
	return r;
}

struct fd_sink {
	int fd;
};

static int fd_sink_write(void *ctx, const void *p, size_t n)
{
	struct fd_sink *f = ctx;

	return write_all(f->fd, p, n);
}

static int null_sink_write(void *ctx, const void *p, size_t n)
{
	return 0;
}

int store_materialize(struct store *s, const struct digest *d, const char *dest_path, mode_t mode)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct header h;
	struct fd_sink f;
	uint64_t file_size;
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.zccache-XXXXXX", dest_path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = artifact_open(s, d, path, &h, &file_size);
	if (fd < 0)
		return fd;
	f.fd = mkostemp(tmp, O_CLOEXEC);
	if (f.fd < 0) {
		r = -errno;
		log_errno(LOG_LEVEL_WARNING, r, "store: create tmp for %s", dest_path);
		close(fd);
		return r;
	}
	/* No fallocate(h.size): the size is not verified yet, and a damaged
	 * header must come out as -EBADMSG, not as a huge allocation. */
	r = artifact_decode(s, fd, path, &h, fd_sink_write, &f);
	close(fd);
	if (r == 0 && fchmod(f.fd, mode & 07777) < 0)
		r = -errno;
	if (close(f.fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, dest_path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		if (r != -EBADMSG)
			log_errno(LOG_LEVEL_WARNING, r, "store: materialize %s", dest_path);
	}
	return r;
}

int store_verify(struct store *s, const struct digest *d)
{
	char path[PATH_MAX];
	struct header h;
	uint64_t file_size;
	int fd, r;

	fd = artifact_open(s, d, path, &h, &file_size);
	if (fd < 0)
		return fd;
	r = artifact_decode(s, fd, path, &h, null_sink_write, NULL);
	close(fd);
	return r;
}

/* The path of d's artifact (into path, n bytes) and its lstat. 0 or -errno. */
static int artifact_lstat(struct store *s, const struct digest *d, char *path, size_t n,
                          struct stat *st)
{
	int r = artifact_path(s, d, path, n);

	if (r < 0)
		return r;
	return lstat(path, st) < 0 ? -errno : 0;
}

int store_stat(struct store *s, const struct digest *d, uint64_t *stored_bytes)
{
	char path[PATH_MAX];
	struct stat st;
	int r = artifact_lstat(s, d, path, sizeof(path), &st);

	if (r == 0)
		*stored_bytes = (uint64_t)st.st_size;
	return r;
}

int store_remove(struct store *s, const struct digest *d, uint64_t *freed_bytes)
{
	char path[PATH_MAX];
	struct stat st;
	int r = artifact_lstat(s, d, path, sizeof(path), &st);

	if (r < 0)
		return r;
	if (unlink(path) < 0) {
		r = -errno;
		if (r != -ENOENT)
			log_errno(LOG_LEVEL_WARNING, r, "store: unlink %s", path);
		return r;
	}
	if (freed_bytes)
		*freed_bytes = (uint64_t)st.st_size;
	return 0;
}

static bool is_lower_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	}
	return true;
}

/* Walk sub-folders from..to-1 of the 256; fn(ctx, dirfd, prefix, name) for
 * each entry. */
static int walk_parts(struct store *s, int from, int to,
                      int (*fn)(void *ctx, int dfd, const char *prefix, const char *name),
                      void *ctx)
{
	static const char hex[] = "0123456789abcdef";
	char dir[PATH_MAX];

	for (int i = from; i < to; i++) {
		char prefix[3] = {hex[i >> 4], hex[i & 15], '\0'};
		struct dirent *e;
		DIR *dp;
		int r = 0;

		if (snprintf(dir, sizeof(dir), "%s/%s", s->dir, prefix) >= (int)sizeof(dir))
			return -ENAMETOOLONG;
		dp = opendir(dir);
		if (!dp) {
			if (errno == ENOENT)
				continue;
			r = -errno;
			log_errno(LOG_LEVEL_WARNING, r, "store: opendir %s", dir);
			return r;
		}
		while (r == 0 && (e = readdir(dp)) != NULL) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			r = fn(ctx, dirfd(dp), prefix, e->d_name);
		}
		closedir(dp);
		if (r != 0)
			return r;
	}
	return 0;
}

static int walk(struct store *s,
                int (*fn)(void *ctx, int dfd, const char *prefix, const char *name), void *ctx)
{
	return walk_parts(s, 0, STORE_PARTS, fn, ctx);
}

struct foreach_ctx {
	int (*fn)(const struct digest *d, uint64_t stored_bytes, void *ctx);
	void *ctx;
};

static int foreach_entry(void *ctx, int dfd, const char *prefix, const char *name)
{
	struct foreach_ctx *f = ctx;
	struct digest d;
	struct stat st;

	if (strlen(name) != DIGEST_HEX_LEN || !is_lower_hex(name, DIGEST_HEX_LEN) ||
	    memcmp(name, prefix, 2) != 0)
		return 0;
	if (digest_from_hex(name, &d) < 0)
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0; /* removed under us */
	return f->fn(&d, (uint64_t)st.st_size, f->ctx);
}

int store_foreach(struct store *s,
                  int (*fn)(const struct digest *d, uint64_t stored_bytes, void *ctx), void *ctx)
{
	return store_foreach_part(s, -1, fn, ctx);
}

int store_foreach_part(struct store *s, int part,
                       int (*fn)(const struct digest *d, uint64_t stored_bytes, void *ctx),
                       void *ctx)
{
	struct foreach_ctx f = {fn, ctx};

	if (part < 0)
		return walk(s, foreach_entry, &f);
	return walk_parts(s, part, part + 1, foreach_entry, &f);
}

struct sweep_ctx {
	time_t cutoff;
	bool remove;
	uint64_t count;
};

static int sweep_entry(void *ctx, int dfd, const char *prefix, const char *name)
{
	struct sweep_ctx *w = ctx;
	struct stat st;

	if (strncmp(name, ".tmp.", 5) != 0)
		return 0;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_mtime >= w->cutoff)
		return 0;
	if (!w->remove || unlinkat(dfd, name, 0) == 0)
		w->count++;
	return 0;
}

int store_scan_tmp(struct store *s, int part, time_t cutoff, bool remove, uint64_t *count)
{
	struct sweep_ctx w = {cutoff, remove, 0};
	int r = part < 0 ? walk(s, sweep_entry, &w)
	                 : walk_parts(s, part, part + 1, sweep_entry, &w);

	if (count)
		*count = w.count;
	return r;
}

int store_sweep_tmp(struct store *s, time_t cutoff, uint64_t *removed)
{
	return store_scan_tmp(s, -1, cutoff, true, removed);
}
