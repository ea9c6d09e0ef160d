/* manifest: include sets per direct key, their encoding, matching and recording. */
#include "manifest.h"
#include "clock.h"
#include "cscan.h"
#include "le.h"
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST_FORMAT 5

void manifest_entry_free(struct manifest_entry *e)
{
	for (size_t i = 0; i < e->n_files; i++)
		free(e->files[i].path);
	free(e->files);
	incpath_free(&e->search);
	free(e->forced);
	free(e->any);
	dircache_trace_free(e->walk_trace);
	free(e->walk_cwd);
	memset(e, 0, sizeof(*e));
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		manifest_entry_free(&m->entries[i]);
	free(m->entries);
	m->entries = NULL;
	m->n = 0;
}

/* ---- encoding ------------------------------------------------------------ */

/*
 * Binary, little-endian, every length checked on the way in.
 *   "ZCM" FORMAT, u32 n_entries, then per entry:
 *   result[16] i64 since  u32 n_files { str path, digest[16], u8 preprocessed }
 *   u32 n_dirs u32 n_quote u32 n_user { str dir }
 *   names forced  names any  u64 probes  u64 sum
 * where str is u16 length + bytes (no NUL) and names is u32 length + bytes
 * (cscan_includes' format: each item a form byte, a name, a NUL).
 */
static const char magic[4] = {'Z', 'C', 'M', MANIFEST_FORMAT};

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t rd_le(struct reader *r, size_t n)
{
	uint64_t v;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return 0;
	}
	v = le_get(r->p, n);
	r->p += n;
	return v;
}

static void rd_bytes(struct reader *r, void *out, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(out, 0, n);
		return;
	}
	memcpy(out, r->p, n);
	r->p += n;
}

/* n bytes as a new string with a NUL after them; NULL when r is short. */
static char *rd_new_str(struct reader *r, size_t n)
{
	char *s;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	s = malloc(n + 1);
	if (!s) {
		r->bad = true;
		return NULL;
	}
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	return s;
}

static char *rd_str(struct reader *r)
{
	return rd_new_str(r, (size_t)rd_le(r, 2));
}

/* A count, bounded by what the remaining bytes could hold (min bytes each). */
static size_t rd_count(struct reader *r, size_t min_each)
{
	uint64_t n = rd_le(r, 4);

	if (!r->bad && n > (uint64_t)(r->end - r->p) / min_each)
		r->bad = true;
	return r->bad ? 0 : (size_t)n;
}

/* A names list: whole items, each ending in a NUL. */
static char *rd_names(struct reader *r, size_t *len)
{
	size_t n = (size_t)rd_le(r, 4);
	char *s;

	*len = 0;
	if (!r->bad && n > 0 && (size_t)(r->end - r->p) >= n && r->p[n - 1] != '\0')
		r->bad = true;
	s = rd_new_str(r, n);
	if (s)
		*len = n;
	return s;
}

static void decode_entry(struct reader *r, struct manifest_entry *e)
{
	size_t n;

	rd_bytes(r, e->result.bytes, sizeof(e->result.bytes));
	e->since_ns = (int64_t)rd_le(r, 8);
	n = rd_count(r, 2 + 16 + 1);
	e->files = calloc(n + 1, sizeof(*e->files));
	if (!e->files) {
		r->bad = true;
		return;
	}
	for (size_t i = 0; i < n && !r->bad; i++) {
		e->files[i].path = rd_str(r);
		rd_bytes(r, e->files[i].digest.bytes, sizeof(e->files[i].digest.bytes));
		e->files[i].preprocessed = rd_le(r, 1) != 0;
		e->n_files++;
	}
	n = rd_count(r, 2);
	e->search.n_quote = (size_t)rd_le(r, 4);
	e->search.n_user = (size_t)rd_le(r, 4);
	if (e->search.n_quote > n || e->search.n_user > n - e->search.n_quote)
		r->bad = true;
	e->search.dirs = calloc(n + 1, sizeof(char *));
	if (!e->search.dirs) {
		r->bad = true;
		return;
	}
	for (size_t i = 0; i < n && !r->bad; i++)
		if ((e->search.dirs[i] = rd_str(r)))
			e->search.n_dirs++;
	e->forced = rd_names(r, &e->forced_len);
	e->any = rd_names(r, &e->any_len);
	e->found.probes = rd_le(r, 8);
	e->found.sum = rd_le(r, 8);
}

int manifest_decode(const void *blob, size_t len, struct manifest *out)
{
	struct reader r = {blob, (const uint8_t *)blob + len, false};
	char head[4];
	size_t n;

	memset(out, 0, sizeof(*out));
	rd_bytes(&r, head, sizeof(head));
	if (r.bad || memcmp(head, magic, sizeof(magic)) != 0)
		return -EBADMSG;
	n = rd_count(&r, 16 + 8 + 4 * 6 + 16);
	out->entries = calloc(n + 1, sizeof(*out->entries));
	if (!out->entries)
		return -ENOMEM;
	for (size_t i = 0; i < n && !r.bad; i++) {
		decode_entry(&r, &out->entries[i]);
		out->n++;
	}
	if (r.bad || r.p != r.end) {
		manifest_free(out);
		return -EBADMSG;
	}
	return 0;
}

static int wr_le(struct buf *b, uint64_t v, size_t n)
{
	uint8_t x[8];

	le_put(x, v, n);
	return buf_append(b, x, n);
}

static int wr_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > 0xffff)
		return -ENAMETOOLONG;
	return wr_le(b, n, 2) < 0 ? -ENOMEM : buf_append(b, s, n);
}

static int wr_names(struct buf *b, const char *s, size_t len)
{
	int r = wr_le(b, len, 4);

	return r == 0 && len ? buf_append(b, s, len) : r;
}

int manifest_encode(const struct manifest *m, struct buf *out)
{
	int r = buf_append(out, magic, sizeof(magic));

	if (r == 0)
		r = wr_le(out, m->n, 4);
	for (size_t i = 0; i < m->n && r == 0; i++) {
		const struct manifest_entry *e = &m->entries[i];

		r = buf_append(out, e->result.bytes, sizeof(e->result.bytes));
		if (r == 0)
			r = wr_le(out, (uint64_t)e->since_ns, 8);
		if (r == 0)
			r = wr_le(out, e->n_files, 4);
		for (size_t k = 0; k < e->n_files && r == 0; k++) {
			r = wr_str(out, e->files[k].path);
			if (r == 0)
				r = buf_append(out, e->files[k].digest.bytes,
				               sizeof(e->files[k].digest.bytes));
			if (r == 0)
				r = wr_le(out, e->files[k].preprocessed, 1);
		}
		if (r == 0)
			r = wr_le(out, e->search.n_dirs, 4);
		if (r == 0)
			r = wr_le(out, e->search.n_quote, 4);
		if (r == 0)
			r = wr_le(out, e->search.n_user, 4);
		for (size_t k = 0; k < e->search.n_dirs && r == 0; k++)
			r = wr_str(out, e->search.dirs[k]);
		if (r == 0)
			r = wr_names(out, e->forced, e->forced_len);
		if (r == 0)
			r = wr_names(out, e->any, e->any_len);
		if (r == 0)
			r = wr_le(out, e->found.probes, 8);
		if (r == 0)
			r = wr_le(out, e->found.sum, 8);
	}
	return r;
}

int manifest_add(struct manifest *m, struct manifest_entry *e)
{
	struct manifest_entry *grown;

	for (size_t i = 0; i < m->n; i++) {
		if (digest_equal(&m->entries[i].result, &e->result)) {
			manifest_entry_free(&m->entries[i]);
			memmove(&m->entries[i], &m->entries[i + 1],
			        (m->n - i - 1) * sizeof(*m->entries));
			m->n--;
			break;
		}
	}
	/* while, not if: a decoded manifest may hold more than we would keep */
	while (m->n >= MANIFEST_MAX_ENTRIES) {
		manifest_entry_free(&m->entries[m->n - 1]);
		m->n--;
	}
	grown = realloc(m->entries, (m->n + 1) * sizeof(*m->entries));
	if (!grown)
		return -ENOMEM;
	m->entries = grown;
	memmove(&m->entries[1], &m->entries[0], m->n * sizeof(*m->entries));
	m->entries[0] = *e;
	memset(e, 0, sizeof(*e));
	m->n++;
	return 0;
}

/* ---- the walk over what an entry's compile asked for ---------------------- */

/*
 * Walk every name the compile may have asked for: the source's includes,
 * the command line's, every preprocessed file's. With check, a file whose
 * digest differs stops the walk (-ESTALE, *changed names it). Each file's
 * include list is used before the next hashcache call (it lives there).
 */
/* The header's folder's descriptor from the dircache (dircache_dirfd):
 * within a round only, as every walk is. */
static int dirfd_in_round(void *dc, const char *path, const char **name)
{
	return dircache_dirfd(dc, path, name);
}

static int walk_entry(const struct manifest_entry *e, struct hashcache *hc, struct dircache *dc,
                      struct incpath_walk *w, const char *cwd, const char *source, bool check,
                      bool mtimes, const char **changed, unsigned *flags_seen)
{
	char p[PATH_MAX];
	struct file_digest fd;
	int r = 0;

	*flags_seen = 0;
	if (paths_join(p, sizeof(p), cwd, source) < 0 ||
	    hashcache_get_by(hc, p, dirfd_in_round, dc, &fd) < 0) {
		*changed = source;
		return -ESTALE;
	}
	*flags_seen |= fd.include_flags;
	if (w) {
		r = incpath_walk_names(w, source, fd.includes, fd.includes_len);
		if (r == 0 && (fd.include_flags & CSCAN_COMPUTED))
			r = incpath_walk_names(w, source, e->any, e->any_len);
		if (r == 0)
			r = incpath_walk_names(w, NULL, e->forced, e->forced_len);
	}
	for (size_t i = 0; i < e->n_files && r == 0; i++) {
		const struct manifest_file *f = &e->files[i];

		struct digest now;

		/* Only a file the preprocessor read, in a walk, needs its scan
		 * (its includes): a Rust library, a linker input or .incbin data
		 * needs its digest. */
		bool scan = f->preprocessed && w;

		if (paths_join(p, sizeof(p), cwd, f->path) < 0 ||
		    (scan ? hashcache_get_by(hc, p, dirfd_in_round, dc, &fd)
		          : hashcache_digest_by(hc, p, dirfd_in_round, dc, &fd)) < 0) {
			*changed = f->path;
			return -ESTALE;
		}
		now = fd.digest;
		if (mtimes)
			manifest_fold_mtime(&now, &fd);
		if (check && !digest_equal(&now, &f->digest)) {
			*changed = f->path;
			return -ESTALE;
		}
		if (!f->preprocessed || !w)
			continue;
		*flags_seen |= fd.include_flags;
		r = incpath_walk_names(w, f->path, fd.includes, fd.includes_len);
		if (r == 0 && (fd.include_flags & CSCAN_COMPUTED))
			r = incpath_walk_names(w, f->path, e->any, e->any_len);
	}
	return r;
}

/* ---- matching ------------------------------------------------------------ */

void manifest_fold_mtime(struct digest *d, const struct file_digest *fd)
{
	unsigned char buf[sizeof(d->bytes) + 16];
	int64_t sec = fd->mtime_ns / 1000000000LL;

	memcpy(buf, d->bytes, sizeof(d->bytes));
	memcpy(buf + sizeof(d->bytes), &sec, 8);
	memcpy(buf + sizeof(d->bytes) + 8, &fd->size, 8);
	digest_mem(buf, sizeof(buf), d);
}

/*
 * Can the include walk be skipped? It is a function of the folders it
 * consulted (their listings), the names the files ask for (their content:
 * every file's digest is still compared), the source (its digest), the cwd
 * and the entry's search path. So when the last walk that matched consulted
 * folders that all still look the same, from the same cwd, for the same
 * source, this walk would find the same again: one stat per folder instead
 * of a probe per (name, folder).
 */
static bool walk_still_holds(const struct manifest_entry *e, struct hashcache *hc,
                             struct dircache *dc, const char *cwd, const char *source)
{
	char p[PATH_MAX];
	struct file_digest fd;

	if (!e->walk_trace || strcmp(e->walk_cwd, cwd) != 0)
		return false;
	if (paths_join(p, sizeof(p), cwd, source) < 0 || hashcache_get(hc, p, &fd) < 0 ||
	    !digest_equal(&fd.digest, &e->walk_source))
		return false;
	return dircache_trace_holds(dc, e->walk_trace);
}

/* Keep the trace of a walk that matched (see walk_still_holds). */
static void keep_walk(struct manifest_entry *e, struct dircache_trace *t, struct hashcache *hc,
                      const char *cwd, const char *source)
{
	char p[PATH_MAX];
	struct file_digest fd;
	char *c = t ? strdup(cwd) : NULL;

	dircache_trace_free(e->walk_trace);
	free(e->walk_cwd);
	e->walk_trace = NULL;
	e->walk_cwd = NULL;
	if (!c || paths_join(p, sizeof(p), cwd, source) < 0 || hashcache_get(hc, p, &fd) < 0) {
		dircache_trace_free(t);
		free(c);
		return;
	}
	e->walk_trace = t;
	e->walk_cwd = c;
	e->walk_source = fd.digest;
}

static bool entry_matches(struct manifest_entry *e, struct hashcache *hc, struct dircache *dc,
                          const char *cwd, const char *source, bool no_gch, bool mtimes,
                          const char **changed)
{
	struct incpath_walk w;
	const char *what = NULL;
	unsigned flags;
	bool same;
	int r;

	if (walk_still_holds(e, hc, dc, cwd, source)) {
		r = walk_entry(e, hc, dc, NULL, cwd, source, true, mtimes, &what, &flags);
		if (r < 0 && changed)
			*changed = what ? what : "the include search path";
		return r == 0;
	}
	dircache_trace_start(dc);
	if (incpath_walk_begin(&w, &e->search, dc, cwd) < 0) {
		dircache_trace_stop(dc, false);
		return false;
	}
	w.no_gch = no_gch;
	r = walk_entry(e, hc, dc, &w, cwd, source, true, mtimes, &what, &flags);
	same = r == 0 && w.summary.probes == e->found.probes && w.summary.sum == e->found.sum;
	incpath_walk_end(&w);
	keep_walk(e, dircache_trace_stop(dc, same), hc, cwd, source);
	if (!same && changed)
		*changed = what ? what : "the include search path";
	return same;
}

int manifest_match(struct manifest *m, struct hashcache *hc, struct dircache *dc, const char *cwd,
                   const char *source, const char **changed)
{
	for (size_t i = 0; i < m->n; i++)
		if (entry_matches(&m->entries[i], hc, dc, cwd, source, m->no_gch, m->mtimes,
		                  i == 0 ? changed : NULL))
			return (int)i;
	return -ENOENT;
}

/* ---- recording ----------------------------------------------------------- */

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct record_ctx {
	int64_t since_ns;
	char *conflict;
	size_t conflict_len;
	/* #pragma once files of the closure: their digests, and every closure
	 * file's identity (see once_check). */
	struct hashcache *hc;
	struct digest *once;
	size_t n_once;
	dev_t *dev;
	ino_t *ino;
	char **canon; /* canonical folder + name of each */
	size_t n_ids;
	/* The .gch files found (absolute), to key by content. */
	char **gch;
	size_t n_gch;
};

/* path with its folder made canonical and its own name kept: two spellings
 * of one path agree, a symlink and its target do not. NULL on failure. */
static char *canonical_name(const char *path)
{
	char dir[PATH_MAX], real[PATH_MAX], *out;
	const char *slash = strrchr(path, '/');

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return NULL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (!realpath(dir[0] ? dir : "/", real))
		return NULL;
	return asprintf(&out, "%s/%s", real, slash + 1) < 0 ? NULL : out;
}

/*
 * Under #pragma once the compiler skips a file it takes for one it read:
 * gcc by equal mtime, size and content, clang by identity. A found file
 * that is not one the compile read, yet has a once-file's content, may
 * have been skipped that way, and the choice may go the other way later:
 * -EDOM, the compile is not stored.
 */
static int once_check(struct record_ctx *rc, const char *path)
{
	struct file_digest fd;
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;
	for (size_t i = 0; i < rc->n_ids; i++) {
		char *name;
		bool same;

		if (rc->dev[i] != st.st_dev || rc->ino[i] != st.st_ino)
			continue;
		/* The file the compile read, or another name for it (a hard
		 * link, a symlink) that identity made it skip. */
		name = canonical_name(path);
		same = name && rc->canon[i] && strcmp(name, rc->canon[i]) == 0;
		free(name);
		if (same)
			return 0;
		snprintf(rc->conflict, rc->conflict_len, "%s", path);
		return -EDOM;
	}
	if (hashcache_get(rc->hc, path, &fd) < 0)
		return 0;
	for (size_t i = 0; i < rc->n_once; i++)
		if (digest_equal(&fd.digest, &rc->once[i])) {
			snprintf(rc->conflict, rc->conflict_len, "%s", path);
			return -EDOM;
		}
	return 0;
}

/* The closure's files, once-files all (one of them uses #pragma once or
 * #import); two with one content are already ambiguous. */
static int once_setup(struct record_ctx *rc, const struct manifest_entry *e, const char *cwd,
                      const char *source)
{
	char p[PATH_MAX];

	rc->once = calloc(e->n_files + 2, sizeof(*rc->once));
	rc->dev = calloc(e->n_files + 2, sizeof(*rc->dev));
	rc->ino = calloc(e->n_files + 2, sizeof(*rc->ino));
	rc->canon = calloc(e->n_files + 2, sizeof(*rc->canon));
	if (!rc->once || !rc->dev || !rc->ino || !rc->canon)
		return -ENOMEM;
	for (size_t i = 0; i <= e->n_files; i++) {
		const char *f = i == e->n_files ? source : e->files[i].path;
		struct file_digest fd;
		struct stat st;

		bool seen = false;
		char *name;

		if (paths_join(p, sizeof(p), cwd, f) < 0 || stat(p, &st) < 0)
			continue;
		/* One file the depfile names under two spellings of one folder
		 * (-I a and -I b/../a) is one file, not a copy (a hard link in
		 * another folder is another name: still ambiguous below). */
		name = canonical_name(p);
		for (size_t k = 0; k < rc->n_ids && !seen; k++)
			seen = rc->dev[k] == st.st_dev && rc->ino[k] == st.st_ino && name &&
			       rc->canon[k] && strcmp(name, rc->canon[k]) == 0;
		free(name);
		if (seen)
			continue;
		rc->dev[rc->n_ids] = st.st_dev;
		rc->ino[rc->n_ids] = st.st_ino;
		rc->canon[rc->n_ids++] = canonical_name(p);
		/* Every file: #import makes the file imported a once-file, and
		 * which file imports which is not known here. */
		if (hashcache_get(rc->hc, p, &fd) < 0)
			continue;
		for (size_t k = 0; k < rc->n_once; k++)
			if (digest_equal(&rc->once[k], &fd.digest)) {
				snprintf(rc->conflict, rc->conflict_len, "%s", f);
				return -EDOM;
			}
		rc->once[rc->n_once++] = fd.digest;
	}
	return 0;
}

static void once_free(struct record_ctx *rc)
{
	for (size_t i = 0; i < rc->n_ids; i++)
		free(rc->canon[i]);
	free(rc->canon);
	free(rc->once);
	free(rc->dev);
	free(rc->ino);
}

/*
 * gcc tries path.gch before path, uses it when valid for this compile and
 * silently reads path's text otherwise (checked with -H on gcc 12: "!" or
 * "x" before the .gch); a valid one's headers are not in the depfile. A
 * regular file unchanged since the compile started is kept for e->files:
 * its bytes decide both. A folder of candidates is not modelled.
 */
static int gch_found(struct record_ctx *rc, const char *path)
{
	char gch[PATH_MAX];
	struct stat st;
	char **grown;

	if (snprintf(gch, sizeof(gch), "%s.gch", path) >= (int)sizeof(gch))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < rc->n_gch; i++)
		if (strcmp(rc->gch[i], gch) == 0)
			return 0;
	if (stat(gch, &st) < 0 || !S_ISREG(st.st_mode) ||
	    timestamp_at_or_after(ts_ns(st.st_ctim), rc->since_ns) ||
	    timestamp_at_or_after(ts_ns(st.st_mtim), rc->since_ns)) {
		snprintf(rc->conflict, rc->conflict_len, "%s", gch);
		return -EXDEV;
	}
	grown = realloc(rc->gch, (rc->n_gch + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	rc->gch = grown;
	if (!(rc->gch[rc->n_gch] = strdup(gch)))
		return -ENOMEM;
	rc->n_gch++;
	return 0;
}

/* The .gch files found join e->files, by content, not preprocessed. */
static int gch_keep(struct record_ctx *rc, struct manifest_entry *e, struct hashcache *hc)
{
	struct manifest_file *grown;

	if (rc->n_gch == 0)
		return 0;
	grown = realloc(e->files, (e->n_files + rc->n_gch + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	e->files = grown;
	for (size_t i = 0; i < rc->n_gch; i++) {
		struct manifest_file *f = &e->files[e->n_files];
		struct file_digest fd;

		if (hashcache_get(hc, rc->gch[i], &fd) < 0)
			return -ENOENT;
		memset(f, 0, sizeof(*f));
		f->digest = fd.digest;
		f->preprocessed = false;
		f->path = rc->gch[i];
		rc->gch[i] = NULL;
		e->n_files++;
	}
	memset(&e->files[e->n_files], 0, sizeof(*e->files));
	return 0;
}

/* A name found in a folder that changed during the compile: was it there
 * when the compile started? */
static int check_found(void *ctx, const char *dir, const char *name, const struct dircache_probe *p)
{
	struct record_ctx *rc = ctx;
	char path[PATH_MAX];
	struct stat st;

	if (paths_join(path, sizeof(path), dir, name) < 0)
		return -ENAMETOOLONG;
	if (p->bits & DIRCACHE_GCH) {
		int r = gch_found(rc, path);

		if (r < 0)
			return r;
	}
	if (rc->n_once && (p->bits & DIRCACHE_FILE)) {
		int r = once_check(rc, path);

		if (r < 0)
			return r;
	}
	if (p->folder_ctime_ns == DIRCACHE_NO_FOLDER ||
	    !timestamp_at_or_after(p->folder_ctime_ns, rc->since_ns))
		return 0;
	if ((lstat(path, &st) == 0 && timestamp_at_or_after(ts_ns(st.st_ctim), rc->since_ns)) ||
	    (stat(path, &st) == 0 && timestamp_at_or_after(ts_ns(st.st_ctim), rc->since_ns))) {
		snprintf(rc->conflict, rc->conflict_len, "%s", path);
		return -EEXIST;
	}
	return 0;
}

struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *s, const char *rel)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **g = realloc(s->v, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		s->v = g;
		s->cap = cap;
	}
	if (!(s->v[s->n] = strdup(rel)))
		return -ENOMEM;
	s->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir joined to cwd, and made canonical when it exists. */
static int add_spelled_and_real(struct names *dirs, const char *cwd, const char *dir)
{
	char p[PATH_MAX], real[PATH_MAX];
	int r;

	if (paths_join(p, sizeof(p), cwd, dir) < 0)
		return 0;
	r = names_add(dirs, p);
	if (r == 0 && realpath(p, real) && strcmp(real, p) != 0)
		r = names_add(dirs, real);
	return r;
}

/* path's name relative to dir, when path lies under it. */
static int add_if_under(struct names *rels, const char *path, const char *dir)
{
	size_t len = strlen(dir);

	if (len > 1 && dir[len - 1] == '/')
		len--;
	if (len == 1 && dir[0] == '/')
		return path[0] == '/' ? names_add(rels, path + 1) : 0;
	if (strncmp(path, dir, len) == 0 && path[len] == '/')
		return names_add(rels, path + len + 1);
	return 0;
}

/*
 * e->any: every name by which a closure file can be found from a search
 * folder or from the folder of a file cscan could not read, as quote
 * includes. Only built when such a file exists: it is the
 * files-times-folders fallback the scan otherwise avoids.
 *
 * Files and folders are compared both as spelled (joined to the cwd) and
 * made canonical. As spelled is what the compiler searched: a header that
 * is a symlink (a build's symlink forest) canonicalizes to its target,
 * outside every search folder, and its name would go unwatched. Canonical
 * catches a folder reached through a symlink.
 */
static int build_any(struct manifest_entry *e, struct hashcache *hc, const char *cwd,
                     const char *source)
{
	struct names dirs = {0}, rels = {0};
	struct buf out = BUF_INIT;
	char p[PATH_MAX], real[PATH_MAX], own[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < e->search.n_dirs && r == 0; i++)
		r = add_spelled_and_real(&dirs, cwd, e->search.dirs[i]);
	for (size_t i = 0; i <= e->n_files && r == 0; i++) {
		const char *f = i == e->n_files ? source : e->files[i].path;
		struct file_digest fd;

		if (paths_join(p, sizeof(p), cwd, f) < 0 || hashcache_get(hc, p, &fd) < 0 ||
		    !(fd.include_flags & CSCAN_COMPUTED))
			continue;
		incpath_folder_of(f, own, sizeof(own));
		r = add_spelled_and_real(&dirs, cwd, own);
	}
	for (size_t i = 0; i < e->n_files && r == 0; i++) {
		const char *as[2] = {p, real};

		if (paths_join(p, sizeof(p), cwd, e->files[i].path) < 0)
			continue;
		if (!realpath(p, real))
			as[1] = NULL;
		for (size_t j = 0; j < 2 && as[j] && r == 0; j++)
			for (size_t k = 0; k < dirs.n && r == 0; k++)
				r = add_if_under(&rels, as[j], dirs.v[k]);
	}
	if (rels.n > 1) /* rels.v is NULL when empty */
		qsort(rels.v, rels.n, sizeof(char *), cmp_str);
	for (size_t i = 0; i < rels.n && r == 0; i++) {
		if (i > 0 && strcmp(rels.v[i], rels.v[i - 1]) == 0)
			continue;
		r = buf_append(&out, "q", 1);
		if (r == 0)
			r = buf_append(&out, rels.v[i], strlen(rels.v[i]) + 1);
	}
	for (size_t i = 0; i < dirs.n; i++)
		free(dirs.v[i]);
	for (size_t i = 0; i < rels.n; i++)
		free(rels.v[i]);
	free(dirs.v);
	free(rels.v);
	if (r < 0) {
		buf_free(&out);
		return r;
	}
	e->any = (char *)out.data;
	e->any_len = out.len;
	return 0;
}

int manifest_record_search(struct manifest_entry *e, struct hashcache *hc, struct dircache *dc,
                           const char *cwd, const char *source, int64_t since_ns, char *conflict,
                           size_t conflict_len)
{
	struct record_ctx rc = {
	        .since_ns = since_ns, .conflict = conflict, .conflict_len = conflict_len};
	struct incpath_walk w;
	const char *what = NULL;
	unsigned flags;
	int r;

	e->since_ns = since_ns;
	/* What the folders hold now, not what an earlier lookup saw. */
	dircache_next_round(dc);
	r = incpath_walk_begin(&w, &e->search, dc, cwd);
	if (r < 0)
		return r;
	w.no_gch = e->no_gch;
	/* A first pass finds whether some file's includes are unreadable. */
	r = walk_entry(e, hc, dc, &w, cwd, source, false, false, &what, &flags);
	incpath_walk_end(&w);
	if (r == 0 && (flags & CSCAN_COMPUTED) && !e->any)
		r = build_any(e, hc, cwd, source);
	if (r < 0)
		return r == -ESTALE ? -ENOENT : r;
	if (flags & CSCAN_PRAGMA_ONCE) {
		rc.hc = hc;
		r = once_setup(&rc, e, cwd, source);
		if (r < 0) {
			once_free(&rc);
			return r;
		}
	}
	/* The walk that sets the summary leaves its trace too: the first hit
	 * may then skip its own walk (see walk_still_holds). */
	dircache_trace_start(dc);
	r = incpath_walk_begin(&w, &e->search, dc, cwd);
	if (r < 0) {
		dircache_trace_stop(dc, false);
		once_free(&rc);
		return r;
	}
	w.no_gch = e->no_gch;
	w.found = check_found;
	w.ctx = &rc;
	r = walk_entry(e, hc, dc, &w, cwd, source, false, false, &what, &flags);
	if (r == 0)
		e->found = w.summary;
	incpath_walk_end(&w);
	keep_walk(e, dircache_trace_stop(dc, r == 0), hc, cwd, source);
	if (r == 0)
		r = gch_keep(&rc, e, hc);
	for (size_t i = 0; i < rc.n_gch; i++)
		free(rc.gch[i]);
	free(rc.gch);
	once_free(&rc);
	return r == -ESTALE ? -ENOENT : r;
}
