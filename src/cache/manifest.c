/* manifest: include sets per direct key, their encoding, matching and shadow watch. */
#include "manifest.h"
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST_FORMAT 4
/*
 * Timestamps are coarse (a clock tick): a folder changed this recently may
 * change again without its ctime moving, and a file created just after a
 * moment may carry a ctime just before it. Every time comparison keeps this
 * margin, on the side of a miss.
 */
#define RACY_NS 1000000000LL

static void watches_free(struct manifest_watch *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < w[i].n_names; j++)
			free(w[i].names[j]);
		free(w[i].names);
		free(w[i].dir);
	}
	free(w);
}

void manifest_entry_free(struct manifest_entry *e)
{
	for (size_t i = 0; i < e->n_files; i++)
		free(e->files[i].path);
	free(e->files);
	watches_free(e->watch, e->n_watch);
	watches_free(e->qwatch, e->n_qwatch);
	for (size_t i = 0; i < e->n_qnames; i++)
		free(e->qnames[i]);
	free(e->qnames);
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
 * Binary, little-endian, every length checked on the way in: a manifest is
 * decoded on every lookup, and JSON made that half of a hit's cost.
 *   "ZCM" FORMAT, u32 n_entries, then per entry:
 *   result[16] i64 since  u32 n_files  { str path, digest[16] }
 *   u32 n_watch  { str dir, i64 ctime, u64 dev, u64 ino, u32 n { str name } }
 *   u32 n_qwatch { str dir, i64 ctime, u64 dev, u64 ino }  u32 n_qnames { str }
 * where str is u16 length + bytes (no NUL).
 */
static const char magic[4] = {'Z', 'C', 'M', MANIFEST_FORMAT};

struct reader {
	const uint8_t *p, *end;
	bool bad;
};

static uint64_t rd_le(struct reader *r, size_t n)
{
	uint64_t v = 0;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
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

static char *rd_str(struct reader *r)
{
	size_t n = (size_t)rd_le(r, 2);
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

/* A count, bounded by what the remaining bytes could hold (min bytes each). */
static size_t rd_count(struct reader *r, size_t min_each)
{
	uint64_t n = rd_le(r, 4);

	if (!r->bad && n > (uint64_t)(r->end - r->p) / min_each)
		r->bad = true;
	return r->bad ? 0 : (size_t)n;
}

static void rd_watches(struct reader *r, bool with_names, struct manifest_watch **out, size_t *n)
{
	size_t count = rd_count(r, 2 + 8 + 8 + 8);

	*out = calloc(count + 1, sizeof(**out));
	if (!*out) {
		r->bad = true;
		return;
	}
	for (size_t i = 0; i < count && !r->bad; i++) {
		struct manifest_watch *w = &(*out)[i];

		w->dir = rd_str(r);
		w->ctime_ns = (int64_t)rd_le(r, 8);
		w->dev = rd_le(r, 8);
		w->ino = rd_le(r, 8);
		(*n)++;
		if (with_names) {
			size_t k = rd_count(r, 2);

			w->names = calloc(k + 1, sizeof(char *));
			if (!w->names) {
				r->bad = true;
				return;
			}
			for (size_t j = 0; j < k && !r->bad; j++)
				if ((w->names[j] = rd_str(r)))
					w->n_names++;
		}
	}
}

static void decode_entry(struct reader *r, struct manifest_entry *e)
{
	size_t n;

	rd_bytes(r, e->result.bytes, sizeof(e->result.bytes));
	e->since_ns = (int64_t)rd_le(r, 8);
	n = rd_count(r, 2 + 16);
	e->files = calloc(n + 1, sizeof(*e->files));
	if (!e->files) {
		r->bad = true;
		return;
	}
	for (size_t i = 0; i < n && !r->bad; i++) {
		e->files[i].path = rd_str(r);
		rd_bytes(r, e->files[i].digest.bytes, sizeof(e->files[i].digest.bytes));
		e->n_files++;
	}
	rd_watches(r, true, &e->watch, &e->n_watch);
	rd_watches(r, false, &e->qwatch, &e->n_qwatch);
	n = rd_count(r, 2);
	e->qnames = calloc(n + 1, sizeof(char *));
	if (!e->qnames) {
		r->bad = true;
		return;
	}
	for (size_t i = 0; i < n && !r->bad; i++)
		if ((e->qnames[i] = rd_str(r)))
			e->n_qnames++;
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
	n = rd_count(&r, 16 + 8 + 4 * 4);
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

	for (size_t i = 0; i < n; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	return buf_append(b, x, n);
}

static int wr_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n > 0xffff)
		return -ENAMETOOLONG;
	return wr_le(b, n, 2) < 0 ? -ENOMEM : buf_append(b, s, n);
}

static int wr_watches(struct buf *b, const struct manifest_watch *w, size_t n, bool with_names)
{
	int r = wr_le(b, n, 4);

	for (size_t i = 0; i < n && r == 0; i++) {
		r = wr_str(b, w[i].dir);
		if (r == 0)
			r = wr_le(b, (uint64_t)w[i].ctime_ns, 8);
		if (r == 0)
			r = wr_le(b, w[i].dev, 8);
		if (r == 0)
			r = wr_le(b, w[i].ino, 8);
		if (r == 0 && with_names) {
			r = wr_le(b, w[i].n_names, 4);
			for (size_t k = 0; k < w[i].n_names && r == 0; k++)
				r = wr_str(b, w[i].names[k]);
		}
	}
	return r;
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
		}
		if (r == 0)
			r = wr_watches(out, e->watch, e->n_watch, true);
		if (r == 0)
			r = wr_watches(out, e->qwatch, e->n_qwatch, false);
		if (r == 0)
			r = wr_le(out, e->n_qnames, 4);
		for (size_t k = 0; k < e->n_qnames && r == 0; k++)
			r = wr_str(out, e->qnames[k]);
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

/* ---- matching ------------------------------------------------------------ */

static int abs_path(const char *cwd, const char *path, char *out, size_t n)
{
	return paths_join(out, n, cwd, path);
}

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Does dir/name exist as a file created or changed at or after since_ns (less
 * the margin)? An older file was there when the entry was recorded and was
 * not used; a newer one may now be found first. Names that do not fit are
 * treated as present: a miss is the safe answer.
 */
static bool is_new_candidate(const char *cwd, const char *dir, const char *name, int64_t since_ns)
{
	char d[PATH_MAX], p[PATH_MAX];
	struct stat st;

	if (paths_join(d, sizeof(d), cwd, dir) < 0 || paths_join(p, sizeof(p), d, name) < 0)
		return true;
	if (stat(p, &st) < 0)
		return false;
	return ts_ns(st.st_ctim) >= since_ns - RACY_NS;
}

enum folder_state {
	FOLDER_UNCHANGED, /* same folder, same ctime: nothing was added */
	FOLDER_MODIFIED,  /* same folder, changed: old files in it were not used */
	FOLDER_OTHER,     /* another folder (another checkout), or newly made */
};

static enum folder_state folder_state(const char *cwd, const struct manifest_watch *w)
{
	char dir[PATH_MAX];
	struct stat st;

	if (abs_path(cwd, w->dir, dir, sizeof(dir)) < 0)
		return FOLDER_OTHER;
	if (stat(dir, &st) < 0)
		return w->ctime_ns == MANIFEST_DIR_ABSENT && (errno == ENOENT || errno == ENOTDIR)
		               ? FOLDER_UNCHANGED
		               : FOLDER_OTHER;
	if (!S_ISDIR(st.st_mode) || w->ctime_ns == MANIFEST_DIR_ABSENT ||
	    (uint64_t)st.st_dev != w->dev || (uint64_t)st.st_ino != w->ino)
		return FOLDER_OTHER;
	if (w->ctime_ns != MANIFEST_DIR_RACY && ts_ns(st.st_ctim) == w->ctime_ns)
		return FOLDER_UNCHANGED;
	return FOLDER_MODIFIED;
}

/* Is the file at p one of the entry's own files (the same inode)? */
static bool is_closure_file(const struct manifest_entry *e, const char *cwd, const char *p)
{
	char abs[PATH_MAX];
	struct stat a, b;

	if (stat(p, &a) < 0)
		return false;
	for (size_t i = 0; i < e->n_files; i++)
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) == 0 && stat(abs, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	return false;
}

static bool watch_clean(const struct manifest_entry *e, const char *cwd,
                        const struct manifest_watch *w, char *const *names, size_t n_names)
{
	enum folder_state fs = folder_state(cwd, w);
	char p[PATH_MAX], dir[PATH_MAX];

	if (fs == FOLDER_UNCHANGED)
		return true;
	if (abs_path(cwd, w->dir, dir, sizeof(dir)) < 0)
		return false;
	/*
	 * The folder changed (an object written next to sources does that), or
	 * it is not the folder recorded: look for the exact names. In the
	 * recorded folder a file older than the entry was there and unused; in
	 * any other folder, every such file would be found first. A recently
	 * edited header of the entry itself is its own file, not a shadow (its
	 * digest is checked).
	 */
	for (size_t i = 0; i < n_names; i++) {
		if (fs == FOLDER_MODIFIED) {
			if (!is_new_candidate(cwd, w->dir, names[i], e->since_ns))
				continue;
		} else if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, names[i]) >= sizeof(p) ||
		           access(p, F_OK) < 0) {
			continue;
		}
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, names[i]) < sizeof(p) &&
		    is_closure_file(e, cwd, p))
			continue;
		return false;
	}
	return true;
}

static bool entry_matches(const struct manifest_entry *e, struct hashcache *hc, const char *cwd,
                          const char **changed)
{
	char p[PATH_MAX];
	struct file_digest fd;

	for (size_t i = 0; i < e->n_files; i++) {
		if (abs_path(cwd, e->files[i].path, p, sizeof(p)) < 0 ||
		    hashcache_get(hc, p, &fd) < 0 ||
		    !digest_equal(&fd.digest, &e->files[i].digest)) {
			if (changed)
				*changed = e->files[i].path;
			return false;
		}
	}
	for (size_t i = 0; i < e->n_watch; i++) {
		const struct manifest_watch *w = &e->watch[i];

		if (!watch_clean(e, cwd, w, w->names, w->n_names)) {
			if (changed)
				*changed = w->dir;
			return false;
		}
	}
	for (size_t i = 0; i < e->n_qwatch; i++) {
		if (!watch_clean(e, cwd, &e->qwatch[i], e->qnames, e->n_qnames)) {
			if (changed)
				*changed = e->qwatch[i].dir;
			return false;
		}
	}
	return true;
}

int manifest_match(struct manifest *m, struct hashcache *hc, const char *cwd, const char **changed)
{
	for (size_t i = 0; i < m->n; i++)
		if (entry_matches(&m->entries[i], hc, cwd, i == 0 ? changed : NULL))
			return (int)i;
	return -ENOENT;
}

/* ---- building ------------------------------------------------------------ */

struct strset {
	char **v;
	size_t n, cap;
};

/* Add s (copied) unless present; linear, the sets are small. */
static int strset_add(struct strset *set, const char *s)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->v[i], s) == 0)
			return 0;
	if (set->n == set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 16;
		char **g = realloc(set->v, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		set->v = g;
		set->cap = cap;
	}
	set->v[set->n] = strdup(s);
	if (!set->v[set->n])
		return -ENOMEM;
	set->n++;
	return 0;
}

static void strset_free(struct strset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->v[i]);
	free(set->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * realpath() makes a readlink call per path component, and building a watch
 * asks for a few hundred paths that lie in a handful of folders (about 900
 * syscalls per miss before this): canonical folders are remembered for the
 * length of one manifest_build_watch call.
 */
#define FOLDER_MEMO 32

struct folder_memo {
	char *dir[FOLDER_MEMO], *real[FOLDER_MEMO];
	unsigned next;
};

static void folder_memo_free(struct folder_memo *m)
{
	for (unsigned i = 0; i < FOLDER_MEMO; i++) {
		free(m->dir[i]);
		free(m->real[i]);
	}
}

/* The canonical form of folder dir, or NULL with errno set. */
static const char *memo_folder(struct folder_memo *m, const char *dir)
{
	char real[PATH_MAX];
	unsigned k;

	for (unsigned i = 0; i < FOLDER_MEMO && m->dir[i]; i++)
		if (strcmp(m->dir[i], dir) == 0)
			return m->real[i];
	if (!realpath(dir, real))
		return NULL;
	k = m->next++ % FOLDER_MEMO;
	free(m->dir[k]);
	free(m->real[k]);
	m->dir[k] = strdup(dir);
	m->real[k] = strdup(real);
	if (!m->dir[k] || !m->real[k]) {
		free(m->dir[k]);
		free(m->real[k]);
		m->dir[k] = m->real[k] = NULL;
		errno = ENOMEM;
		return NULL;
	}
	return m->real[k];
}

/* realpath of path's folder, then its own name: "/a/b/../c/x.h" -> "/a/c/x.h". */
static int canonical_folder(struct folder_memo *m, const char *path, char *out, size_t n)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/'), *real;

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	real = memo_folder(m, dir[0] ? dir : "/");
	if (!real)
		return -errno;
	return paths_join(out, n, real, slash + 1);
}

/* realpath(path) for an absolute path, through the memo: a file that is not
 * itself a symlink is its canonical folder plus its name. */
static int memo_realpath(struct folder_memo *m, const char *path, char *out, size_t n)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISLNK(st.st_mode))
		return canonical_folder(m, path, out, n);
	if (n < PATH_MAX)
		return -ENAMETOOLONG; /* realpath() writes up to PATH_MAX bytes */
	return realpath(path, out) ? 0 : -errno;
}

/*
 * The files the compile read, as sorted canonical paths. Also whether
 * candidates' folders exist: most candidates (every header's relative name
 * in every earlier search folder) lie in folders that do not, and need no
 * lstat of their own once that is known.
 */
#define FOLDER_SEEN 64

struct closure {
	char **v;
	size_t n;
	struct folder_memo memo;
	char *seen[FOLDER_SEEN]; /* folders whose existence is known */
	bool seen_absent[FOLDER_SEEN];
	unsigned next_seen;
};

static void closure_free(struct closure *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
	for (unsigned i = 0; i < FOLDER_SEEN; i++)
		free(c->seen[i]);
	folder_memo_free(&c->memo);
}

/* Does folder dir exist? From the memo, else one stat, remembered. */
static bool folder_exists(struct closure *c, const char *dir)
{
	struct stat st;
	unsigned k;
	bool absent;

	for (unsigned i = 0; i < FOLDER_SEEN && c->seen[i]; i++)
		if (strcmp(c->seen[i], dir) == 0)
			return !c->seen_absent[i];
	absent = stat(dir, &st) < 0 && (errno == ENOENT || errno == ENOTDIR);
	k = c->next_seen++ % FOLDER_SEEN;
	free(c->seen[k]);
	c->seen[k] = strdup(dir);
	c->seen_absent[k] = absent;
	return !absent;
}

static bool in_closure(struct closure *c, const char *cand)
{
	char real[PATH_MAX];
	const char *key = real, *slash = strrchr(cand, '/');
	size_t len = slash ? (size_t)(slash - cand) : 0;

	if (len > 0 && len < sizeof(real)) {
		memcpy(real, cand, len);
		real[len] = '\0';
		if (!folder_exists(c, real))
			return false;
	}
	if (memo_realpath(&c->memo, cand, real, sizeof(real)) < 0)
		return false;
	return bsearch(&key, c->v, c->n, sizeof(char *), cmp_str) != NULL;
}

/* The watch for folder dir in (w, n), created on first use. */
static struct manifest_watch *watch_for(struct manifest_watch **w, size_t *n, size_t *cap,
                                        const char *dir)
{
	struct manifest_watch *x;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*w)[i].dir, dir) == 0)
			return &(*w)[i];
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct manifest_watch *g = realloc(*w, ncap * sizeof(*g));

		if (!g)
			return NULL;
		*w = g;
		*cap = ncap;
	}
	x = &(*w)[*n];
	memset(x, 0, sizeof(*x));
	x->dir = strdup(dir);
	if (!x->dir)
		return NULL;
	(*n)++;
	return x;
}

static int watch_add_name(struct manifest_watch *w, const char *name)
{
	char **g;

	for (size_t i = 0; i < w->n_names; i++)
		if (strcmp(w->names[i], name) == 0)
			return 0;
	g = realloc(w->names, (w->n_names + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	w->names = g;
	w->names[w->n_names] = strdup(name);
	if (!w->names[w->n_names])
		return -ENOMEM;
	w->n_names++;
	return 0;
}

/* Folder times first, names second: a header created in between moves the
 * time we keep, so no window lets one slip by. */
static void record_folder_times(const char *cwd, struct manifest_watch *w, size_t n)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < n; i++) {
		char dir[PATH_MAX];
		struct stat st;

		w[i].dev = w[i].ino = 0;
		if (abs_path(cwd, w[i].dir, dir, sizeof(dir)) < 0 || stat(dir, &st) < 0 ||
		    !S_ISDIR(st.st_mode)) {
			w[i].ctime_ns = MANIFEST_DIR_ABSENT;
			continue;
		}
		w[i].dev = (uint64_t)st.st_dev;
		w[i].ino = (uint64_t)st.st_ino;
		if (ts_ns(now) - ts_ns(st.st_ctim) < RACY_NS)
			w[i].ctime_ns = MANIFEST_DIR_RACY;
		else
			w[i].ctime_ns = ts_ns(st.st_ctim);
	}
}

/*
 * Can a file named name in folder dir have appeared since since_ns? Not when
 * the folder that would hold it is missing, or last changed well before:
 * creating or renaming a file into a folder moves the folder's ctime. One
 * stat per folder instead of one per name: a miss checks hundreds of names
 * (every header's relative name in every earlier search folder), nearly all
 * absent. The verdict for the last folder asked is kept in *memo.
 */
struct folder_verdict {
	char dir[PATH_MAX];
	bool may_be_new;
};

static bool folder_may_have_new(const char *dir, const char *name, int64_t since_ns,
                                struct folder_verdict *memo)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(name, '/');
	struct stat st;

	if (name[0] == '/' || paths_join(parent, sizeof(parent), dir, name) < 0)
		return true;
	parent[strlen(dir) + (slash ? 1 + (size_t)(slash - name) : 0)] = '\0';
	if (strcmp(parent, memo->dir) == 0)
		return memo->may_be_new;
	snprintf(memo->dir, sizeof(memo->dir), "%s", parent);
	if (stat(parent, &st) < 0)
		memo->may_be_new = errno != ENOENT && errno != ENOTDIR;
	else
		memo->may_be_new = ts_ns(st.st_ctim) >= since_ns - RACY_NS;
	return memo->may_be_new;
}

/* Any candidate created since the compile started: the include is unexplained. */
static bool find_new(const char *cwd, const struct manifest_watch *w, char *const *names,
                     size_t n_names, struct closure *closure, int64_t since_ns, char *conflict,
                     size_t conflict_len)
{
	char p[PATH_MAX], dir[PATH_MAX];
	struct folder_verdict memo = {.dir = ""};

	if (abs_path(cwd, w->dir, dir, sizeof(dir)) < 0)
		return false;
	for (size_t i = 0; i < n_names; i++) {
		if (paths_join(p, sizeof(p), dir, names[i]) < 0)
			continue;
		if (!folder_may_have_new(dir, names[i], since_ns, &memo))
			continue;
		if (is_new_candidate(cwd, w->dir, names[i], since_ns) && !in_closure(closure, p)) {
			snprintf(conflict, conflict_len, "%s", p);
			return true;
		}
	}
	return false;
}

int manifest_build_watch(struct manifest_entry *e, const char *cwd, char *const *search,
                         char *const *spelled, const bool *watched, size_t n_search,
                         int64_t since_ns, char *conflict, size_t conflict_len)
{
	char abs[PATH_MAX], real[PATH_MAX], cand[PATH_MAX * 2];
	struct closure closure = {.v = calloc(e->n_files + 1, sizeof(char *))};
	struct strset qdirs = {0}, qnames = {0};
	size_t cap = 0, qcap = 0;
	int r = 0;

	if (!closure.v)
		return -ENOMEM;
	e->since_ns = since_ns;
	/* A candidate the compile itself read (#include_next reaches past it)
	 * is not a shadow: its content is recorded like any other. */
	for (size_t i = 0; i < e->n_files; i++)
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) == 0 &&
		    memo_realpath(&closure.memo, abs, real, sizeof(real)) == 0 &&
		    (closure.v[closure.n] = strdup(real)))
			closure.n++;
	qsort(closure.v, closure.n, sizeof(char *), cmp_str);

	/*
	 * Folders are kept as the command spelled them (relative to its cwd, or
	 * absolute), and resolved against the cwd of each lookup: an entry
	 * shared by two checkouts watches the checkout that is asking.
	 */
	for (size_t i = 0; i < e->n_files && r == 0; i++) {
		bool builtin = false;

		/* The folder part canonical, the name as included: a header that
		 * is itself a symlink is found, and shadowed, where its link is. */
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) < 0 ||
		    canonical_folder(&closure.memo, abs, real, sizeof(real)) < 0)
			continue;
		/* Every search folder that contains the header is a way it may have
		 * been spelled (-Ifoo and -Ifoo/include both hold foo/include/x.h);
		 * for each, a file of that spelling in an earlier folder would win. */
		for (size_t m = 0; m < n_search && r == 0; m++) {
			size_t len = strlen(search[m]);
			const char *rel;

			if (strncmp(real, search[m], len) != 0 || real[len] != '/')
				continue;
			builtin = builtin || !watched[m];
			rel = real + len + 1;
			if (watched[m])
				r = strset_add(&qnames, rel);
			for (size_t j = 0; j < m && r == 0; j++) {
				struct manifest_watch *w;
				char *slash;

				if (!watched[j])
					continue;
				if (paths_join(cand, sizeof(cand), search[j], rel) < 0 ||
				    in_closure(&closure, cand))
					continue;
				paths_join(cand, sizeof(cand), spelled[j], rel);
				slash = strrchr(cand, '/');
				*slash = '\0';
				w = watch_for(&e->watch, &e->n_watch, &cap, cand);
				if (!w || watch_add_name(w, slash + 1) < 0)
					r = -ENOMEM;
			}
		}
		/* A project header's folder is searched first for its own quote
		 * includes. */
		if (!builtin && r == 0) {
			char *slash;

			snprintf(cand, sizeof(cand), "%s", e->files[i].path);
			slash = strrchr(cand, '/');
			if (!slash)
				r = strset_add(&qdirs, ".");
			else {
				*slash = '\0';
				r = strset_add(&qdirs, cand[0] ? cand : "/");
			}
		}
	}
	for (size_t i = 0; i < qdirs.n && r == 0; i++)
		if (!watch_for(&e->qwatch, &e->n_qwatch, &qcap, qdirs.v[i]))
			r = -ENOMEM;
	if (r == 0) {
		e->qnames = qnames.v;
		e->n_qnames = qnames.n;
		qnames.v = NULL;
		qnames.n = 0;
		record_folder_times(cwd, e->watch, e->n_watch);
		record_folder_times(cwd, e->qwatch, e->n_qwatch);
		for (size_t i = 0; i < e->n_watch && r == 0; i++)
			if (find_new(cwd, &e->watch[i], e->watch[i].names, e->watch[i].n_names,
			             &closure, since_ns, conflict, conflict_len))
				r = -EEXIST;
		for (size_t i = 0; i < e->n_qwatch && r == 0; i++)
			if (find_new(cwd, &e->qwatch[i], e->qnames, e->n_qnames, &closure, since_ns,
			             conflict, conflict_len))
				r = -EEXIST;
	}
	strset_free(&qdirs);
	strset_free(&qnames);
	closure_free(&closure);
	return r;
}
