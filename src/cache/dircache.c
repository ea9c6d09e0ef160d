/* dircache: folder listings validated by one stat per folder per round. */
#include "dircache.h"
#include "clock.h"
#include "paths.h"
#include "stamp_trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Past this many folders the cache starts over (at a round's start). */
#define DIRCACHE_MAX_FOLDERS (1u << 16)

/* A folder's entries: n names, sorted, NUL-separated in blob; type[i] a DT_*. */
struct listing {
	char *blob;
	uint32_t *off;
	unsigned char *type;
	size_t n;
	bool has_gch;
	/* child[i]: the folder entry i leads to, once a probe went there
	 * (allocated on first use): no path to hash on the next probe. */
	struct dircache_folder **child;
};

/*
 * The names that changed (appeared, went, changed type) in a folder's
 * listings, oldest first, as hashes of the name a probe asks for (x.h for
 * x.h.gch): a trace of the folder from before still holds when none of
 * them is a name it probed (see dircache_trace_holds). Up to DIRCACHE_LOG
 * per folder: an in-tree build makes a few in a source folder per compile
 * (its object, its depfile, the private output folder), so a folder of a
 * thousand sources keeps a whole build's worth; past that the older half
 * is forgotten and traces older than what is left no longer hold.
 */
#define DIRCACHE_LOG 4096

struct change {
	uint64_t seq;  /* the listing that saw it */
	uint64_t name; /* name_hash() of the name probed */
};

struct dircache_folder {
	struct dircache_folder *next;
	uint64_t hash;
	uint64_t round; /* validated in this round */
	bool exists, trusted;
	bool not_dir;    /* the path names something else than a folder */
	uint64_t traced; /* the trace that last noted it (see trace_note) */
	dev_t dev;
	ino_t ino;
	int64_t ctime_ns;
	struct listing ls;
	/* Moves with every listing read and every change of existence or
	 * identity; changes[] holds what the listings found changed. */
	uint64_t seq;
	/* Changes at or before this seq are no longer known in changes[]. */
	uint64_t forgotten;
	struct change *changes;
	size_t n_changes, cap_changes;
	/* An O_PATH descriptor of the folder (dev, ino: fd_dev, fd_ino) for
	 * dircache_dirfd, or -1. */
	int fd;
	dev_t fd_dev;
	ino_t fd_ino;
	char path[];
};

struct dircache {
	struct dircache_folder **buckets;
	size_t n_buckets, n_folders;
	uint64_t round;
	/* Moves when the folders are freed: a trace of older folders is void. */
	uint64_t epoch;
	struct dircache_trace *trace; /* being recorded, or NULL */
	uint64_t trace_ids;
	size_t n_fds;   /* folders' descriptors open, at most max_fds */
	size_t max_fds; /* DIRCACHE_MAX_FDS, or what the owner's limit allows */
	struct dircache_stats stats;
};

/* Descriptors kept for dircache_dirfd, unless the owner allows fewer. */
#define DIRCACHE_MAX_FDS 256

/* What one folder looked like when a trace noted it. */
struct trace_item {
	struct dircache_folder *f;
	bool exists;
	dev_t dev;
	ino_t ino;
	uint64_t seq;
};

/* Bits per name probed in a trace's filter of names, and probes per name. */
#define TRACE_FILTER_BITS 12
#define TRACE_FILTER_K    4

struct dircache_trace {
	uint64_t id, epoch;
	/* False once an answer depended on more than listings: a symlink's
	 * target or an entry of unknown type, both stat'ed. */
	bool usable;
	struct trace_item *v;
	size_t n, cap;
	/* Every name probed (name_hash), while recording; then a Bloom filter
	 * of them: a name it says no to was not probed. */
	uint64_t *names;
	size_t n_names, cap_names;
	uint64_t *filter;
	size_t filter_bits;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: short keys, in memory only */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The hash of a name as probed: len bytes, without a .gch suffix (a
 * probe of x.h also asks for x.h.gch). */
static uint64_t name_hash(const char *name, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	if (len > 4 && memcmp(name + len - 4, ".gch", 4) == 0)
		len -= 4;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	return h ^ (h >> 29);
}

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void listing_free(struct listing *ls)
{
	free(ls->child);
	free(ls->blob);
	free(ls->off);
	free(ls->type);
	memset(ls, 0, sizeof(*ls));
}

static void clear(struct dircache *dc)
{
	for (size_t i = 0; i < dc->n_buckets; i++) {
		struct dircache_folder *f = dc->buckets[i], *next;

		for (; f; f = next) {
			next = f->next;
			listing_free(&f->ls);
			free(f->changes);
			if (f->fd >= 0)
				close(f->fd);
			free(f);
		}
		dc->buckets[i] = NULL;
	}
	dc->n_folders = 0;
	dc->n_fds = 0;
	dc->epoch++;
}

int dircache_new(struct dircache **out)
{
	struct dircache *dc = calloc(1, sizeof(*dc));

	if (!dc)
		return -ENOMEM;
	dc->n_buckets = 1024;
	dc->buckets = calloc(dc->n_buckets, sizeof(*dc->buckets));
	if (!dc->buckets) {
		free(dc);
		return -ENOMEM;
	}
	dc->round = 1;
	dc->max_fds = DIRCACHE_MAX_FDS;
	*out = dc;
	return 0;
}

void dircache_free(struct dircache *dc)
{
	if (!dc)
		return;
	dircache_trace_free(dc->trace);
	clear(dc);
	free(dc->buckets);
	free(dc);
}

void dircache_next_round(struct dircache *dc)
{
	dc->round++;
	if (dc->n_folders > DIRCACHE_MAX_FOLDERS)
		clear(dc);
}

void dircache_get_stats(const struct dircache *dc, struct dircache_stats *out)
{
	*out = dc->stats;
	out->folders = dc->n_folders;
}

static void grow(struct dircache *dc)
{
	size_t n = dc->n_buckets * 2;
	struct dircache_folder **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < dc->n_buckets; i++) {
		struct dircache_folder *f = dc->buckets[i], *next;

		for (; f; f = next) {
			next = f->next;
			f->next = b[f->hash & (n - 1)];
			b[f->hash & (n - 1)] = f;
		}
	}
	free(dc->buckets);
	dc->buckets = b;
	dc->n_buckets = n;
}

static struct dircache_folder *folder_get(struct dircache *dc, const char *path)
{
	uint64_t h = str_hash(path);
	struct dircache_folder *f;
	size_t len;

	for (f = dc->buckets[h & (dc->n_buckets - 1)]; f; f = f->next)
		if (f->hash == h && strcmp(f->path, path) == 0)
			return f;
	if (dc->n_folders >= dc->n_buckets)
		grow(dc);
	len = strlen(path);
	f = calloc(1, sizeof(*f) + len + 1);
	if (!f)
		return NULL;
	memcpy(f->path, path, len + 1);
	f->fd = -1;
	f->hash = h;
	f->next = dc->buckets[h & (dc->n_buckets - 1)];
	dc->buckets[h & (dc->n_buckets - 1)] = f;
	dc->n_folders++;
	return f;
}

struct raw_name {
	char *s;
	unsigned char type;
};

static int cmp_raw(const void *a, const void *b)
{
	return strcmp(((const struct raw_name *)a)->s, ((const struct raw_name *)b)->s);
}

static bool ends_with_gch(const char *s)
{
	size_t n = strlen(s);

	return n > 4 && memcmp(s + n - 4, ".gch", 4) == 0;
}

/* Read the folder at path into *out (sorted). */
static int read_listing(const char *path, struct listing *out)
{
	struct raw_name *v = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	memset(out, 0, sizeof(*out));
	d = opendir(path);
	if (!d)
		return -errno;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct raw_name *g = realloc(v, ncap * sizeof(*g));

			if (!g) {
				r = -ENOMEM;
				break;
			}
			v = g;
			cap = ncap;
		}
		v[n].s = strdup(de->d_name);
		if (!v[n].s) {
			r = -ENOMEM;
			break;
		}
		v[n].type = de->d_type;
		bytes += strlen(de->d_name) + 1;
		n++;
	}
	if (r == 0 && errno != 0)
		r = -errno;
	closedir(d);
	if (r == 0) {
		if (n > 1) /* v is NULL for an empty folder */
			qsort(v, n, sizeof(*v), cmp_raw);
		out->blob = malloc(bytes + 1);
		out->off = malloc((n + 1) * sizeof(*out->off));
		out->type = malloc(n + 1);
		if (!out->blob || !out->off || !out->type)
			r = -ENOMEM;
	}
	for (size_t i = 0, pos = 0; i < n; i++) {
		size_t len = strlen(v[i].s) + 1;

		if (r == 0) {
			memcpy(out->blob + pos, v[i].s, len);
			out->off[i] = (uint32_t)pos;
			out->type[i] = v[i].type;
			out->has_gch = out->has_gch || ends_with_gch(v[i].s);
			pos += len;
		}
		free(v[i].s);
	}
	free(v);
	if (r < 0)
		listing_free(out);
	else
		out->n = n;
	return r;
}

static void log_change(struct dircache_folder *f, const char *name)
{
	if (f->n_changes == f->cap_changes) {
		size_t cap = f->cap_changes ? f->cap_changes * 2 : 16;
		struct change *g =
		        cap <= DIRCACHE_LOG ? realloc(f->changes, cap * sizeof(*g)) : NULL;

		if (g) {
			f->changes = g;
			f->cap_changes = cap;
		} else {
			/* Full (or no memory): forget the older half. */
			size_t drop = f->n_changes / 2 + 1;

			/* Never lowered: a reset may have forgotten more. */
			if (f->changes[drop - 1].seq > f->forgotten)
				f->forgotten = f->changes[drop - 1].seq;
			memmove(f->changes, f->changes + drop, (f->n_changes - drop) * sizeof(*g));
			f->n_changes -= drop;
		}
	}
	f->changes[f->n_changes++] =
	        (struct change){.seq = f->seq, .name = name_hash(name, strlen(name))};
}

/* Log every name that differs between two sorted listings of f. */
static void log_differences(struct dircache_folder *f, const struct listing *a,
                            const struct listing *b)
{
	size_t i = 0, j = 0;

	while (i < a->n || j < b->n) {
		const char *x = i < a->n ? a->blob + a->off[i] : NULL;
		const char *y = j < b->n ? b->blob + b->off[j] : NULL;
		int c = !x ? 1 : !y ? -1 : strcmp(x, y);

		if (c < 0) {
			log_change(f, x);
			i++;
		} else if (c > 0) {
			log_change(f, y);
			j++;
		} else {
			if (a->type[i] != b->type[j])
				log_change(f, x);
			i++;
			j++;
		}
	}
}

/*
 * Forget what f was: a trace of it from before no longer holds, whatever it
 * probed (the folder went, came, or is another folder now).
 */
static void folder_reset(struct dircache_folder *f)
{
	listing_free(&f->ls);
	f->seq++;
	f->forgotten = f->seq;
	f->n_changes = 0;
}

/* Read f's listing anew, logging what changed since the last one. */
static int list_folder(struct dircache *dc, struct dircache_folder *f, bool same_folder)
{
	struct listing ls;
	int r;

	dc->stats.listings++;
	r = read_listing(f->path, &ls);
	if (r < 0) {
		folder_reset(f);
		return r;
	}
	f->seq++;
	if (same_folder) {
		log_differences(f, &f->ls, &ls);
	} else {
		f->forgotten = f->seq;
		f->n_changes = 0;
	}
	listing_free(&f->ls);
	f->ls = ls;
	return 0;
}

/* Make f current for this round: one stat, a listing when it changed. */
static int validate(struct dircache *dc, struct dircache_folder *f)
{
	struct timespec now;
	struct stat st;
	bool same_folder;
	int r;

	if (f->round == dc->round)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	dc->stats.stats++;
	r = stat(f->path, &st) < 0 ? -errno : 0;
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		bool not_dir = r == 0;

		/* Gone, or a folder no more or a file now: a trace of it from
		 * before no longer holds. */
		if (f->exists || f->round == 0 || f->not_dir != not_dir)
			folder_reset(f);
		f->not_dir = not_dir;
		f->exists = false;
		f->round = dc->round;
		return 0;
	}
	f->not_dir = false;
	if (f->exists && f->trusted && f->dev == st.st_dev && f->ino == st.st_ino &&
	    f->ctime_ns == ts_ns(st.st_ctim)) {
		f->round = dc->round;
		return 0;
	}
	same_folder = f->exists && f->dev == st.st_dev && f->ino == st.st_ino;
	f->exists = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->ctime_ns = ts_ns(st.st_ctim);
	/* Where the ctime can be put back (tar x, cp -a restore a folder's
	 * times on FAT, FUSE...: stamp_trust.h), the listing is read again every
	 * round: correct, and slower there. Asked at every listing read (one
	 * statfs beside a getdents pass): a device may be another mount now. */
	f->trusted = ts_ns(now) - f->ctime_ns > timestamp_racy_margin_ns(f->ctime_ns) &&
	             stamp_trust_ask(-1, f->path);
	r = list_folder(dc, f, same_folder);
	if (r < 0) {
		f->exists = false;
		f->round = 0;
		return r;
	}
	f->round = dc->round;
	return 0;
}

/* The index of name in f's listing, or -1. */
static long find_name(const struct dircache_folder *f, const char *name, size_t len)
{
	size_t lo = 0, hi = f->ls.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = f->ls.blob + f->ls.off[mid];
		int c = strncmp(s, name, len);

		if (c == 0 && s[len] != '\0')
			c = 1;
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Remember what f looked like the first time this trace consults it. */
static void trace_note(struct dircache_trace *t, struct dircache_folder *f)
{
	struct trace_item *it;

	if (f->traced == t->id || !t->usable)
		return;
	f->traced = t->id;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct trace_item *g = realloc(t->v, cap * sizeof(*g));

		if (!g) {
			t->usable = false;
			return;
		}
		t->v = g;
		t->cap = cap;
	}
	it = &t->v[t->n++];
	*it = (struct trace_item){.f = f, .exists = f->exists, .seq = f->seq};
	if (f->exists) {
		it->dev = f->dev;
		it->ino = f->ino;
	}
}

/* Remember that this trace asked a listing for name (len bytes). */
static void trace_name(struct dircache_trace *t, const char *name, size_t len)
{
	uint64_t h = name_hash(name, len);

	/* A walk asks every folder of a chain for one name in a row. */
	if (!t->usable || (t->n_names && t->names[t->n_names - 1] == h))
		return;
	if (t->n_names == t->cap_names) {
		size_t cap = t->cap_names ? t->cap_names * 2 : 64;
		uint64_t *g = realloc(t->names, cap * sizeof(*g));

		if (!g) {
			t->usable = false;
			return;
		}
		t->names = g;
		t->cap_names = cap;
	}
	t->names[t->n_names++] = h;
}

/* find_name, noted in the trace being recorded. */
static long lookup_name(struct dircache *dc, const struct dircache_folder *f, const char *name,
                        size_t len)
{
	if (dc->trace)
		trace_name(dc->trace, name, len);
	return find_name(f, name, len);
}

/*
 * Is the entry at path (a symlink or of unknown type) a non-folder? 1 or 0;
 * -errno when it cannot be told (a symlink loop: the compiler stops there
 * with an error rather than search on).
 */
static int stat_is_file(struct dircache *dc, const char *path)
{
	struct stat st;

	dc->stats.stats++;
	if (dc->trace)
		dc->trace->usable = false;
	if (stat(path, &st) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	return !S_ISDIR(st.st_mode);
}

/* Where a probe descends from f into entry i (named by path): f's child
 * pointer when it has one, else the folder for path, remembered there. */
static struct dircache_folder *descend(struct dircache *dc, struct dircache_folder *f, long i,
                                       const char *path)
{
	struct dircache_folder *next;

	if (i >= 0 && f->ls.child && f->ls.child[i])
		return f->ls.child[i];
	next = folder_get(dc, path);
	if (next && i >= 0 &&
	    (f->ls.child || (f->ls.child = calloc(f->ls.n, sizeof(*f->ls.child)))))
		f->ls.child[i] = next;
	return next;
}

/* The probe of comp (a name, perhaps with folders) from folder f, whose
 * path (plen bytes) is in path; see dircache_probe. */
static int probe_from(struct dircache *dc, struct dircache_folder *f, char *path, size_t plen,
                      const char *comp, struct dircache_probe *out)
{
	long i;
	int r;

	out->bits = 0;
	out->folder_ctime_ns = DIRCACHE_NO_FOLDER;
	out->folder_dev = 0;
	out->folder_ino = 0;
	for (;;) {
		const char *slash = strchr(comp, '/');
		size_t len = slash ? (size_t)(slash - comp) : strlen(comp);

		if ((r = validate(dc, f)) < 0)
			return r;
		if (dc->trace)
			trace_note(dc->trace, f);
		if (!f->exists) {
			if (f->not_dir && !slash && strcmp(comp, ".") == 0)
				out->bits |= DIRCACHE_NOT_A_FOLDER;
			return 0;
		}
		if (plen + 1 + len + 5 >= PATH_MAX)
			return -ENAMETOOLONG;
		if (!slash)
			break;
		if (len == 0 || (len == 1 && comp[0] == '.')) {
			comp = slash + 1;
			continue;
		}
		i = -1;
		if (!(len == 2 && comp[0] == '.' && comp[1] == '.')) {
			i = lookup_name(dc, f, comp, len);
			if (i < 0 || (f->ls.type[i] != DT_DIR && f->ls.type[i] != DT_LNK &&
			              f->ls.type[i] != DT_UNKNOWN))
				return 0;
		}
		if (plen > 1 || path[0] != '/')
			path[plen++] = '/';
		memcpy(path + plen, comp, len);
		plen += len;
		path[plen] = '\0';
		comp = slash + 1;
		if (!(f = descend(dc, f, i, path)))
			return -ENOMEM;
	}
	out->folder_ctime_ns = f->ctime_ns;
	out->folder_dev = f->dev;
	out->folder_ino = f->ino;
	if (plen > 1 || path[0] != '/')
		path[plen++] = '/';
	memcpy(path + plen, comp, strlen(comp) + 1);
	/* The name and its .gch are one name to the trace (name_hash). */
	i = lookup_name(dc, f, comp, strlen(comp));
	if (i >= 0) {
		unsigned char t = f->ls.type[i];
		int file = t == DT_LNK || t == DT_UNKNOWN ? stat_is_file(dc, path) : t != DT_DIR;

		if (file < 0)
			return file;
		if (file)
			out->bits |= DIRCACHE_FILE;
		if ((out->bits & DIRCACHE_FILE) && t == DT_LNK)
			out->bits |= DIRCACHE_LINK;
	}
	if (f->ls.has_gch) {
		char gch[NAME_MAX + 5];
		size_t len = strlen(comp);

		if (len + 5 <= sizeof(gch)) {
			memcpy(gch, comp, len);
			memcpy(gch + len, ".gch", 5);
			if (find_name(f, gch, len + 4) >= 0)
				out->bits |= DIRCACHE_GCH;
		}
	}
	return 0;
}

struct dircache_folder *dircache_folder(struct dircache *dc, const char *dir)
{
	return strlen(dir) < PATH_MAX ? folder_get(dc, dir) : NULL;
}

int dircache_probe_in(struct dircache *dc, struct dircache_folder *f, const char *dir,
                      const char *name, struct dircache_probe *out)
{
	char path[PATH_MAX];
	size_t plen = strlen(dir);

	if (name[0] == '/' || !f)
		return dircache_probe(dc, dir, name, out);
	if (plen >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, plen + 1);
	return probe_from(dc, f, path, plen, name, out);
}

int dircache_probe(struct dircache *dc, const char *dir, const char *name,
                   struct dircache_probe *out)
{
	char path[PATH_MAX];
	struct dircache_folder *f;
	const char *comp = name;
	size_t plen;

	if (name[0] == '/') {
		dir = "/";
		while (*comp == '/')
			comp++;
	}
	plen = strlen(dir);
	if (plen >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, plen + 1);
	if (!(f = folder_get(dc, path)))
		return -ENOMEM;
	return probe_from(dc, f, path, plen, comp, out);
}

/* f's descriptor, (re)opened when f is another folder now; -1 when none
 * can be had (the caller then stats by path). */
static int folder_fd(struct dircache *dc, struct dircache_folder *f)
{
	struct stat st;
	int fd;

	if (f->fd >= 0 && f->fd_dev == f->dev && f->fd_ino == f->ino)
		return f->fd;
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
		dc->n_fds--;
	}
	if (dc->n_fds >= dc->max_fds)
		return -1;
	fd = open(f->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	/* The folder validated this round, not one put there since. */
	if (fstat(fd, &st) < 0 || st.st_dev != f->dev || st.st_ino != f->ino) {
		close(fd);
		return -1;
	}
	f->fd = fd;
	f->fd_dev = st.st_dev;
	f->fd_ino = st.st_ino;
	dc->n_fds++;
	return fd;
}

void dircache_set_max_fds(struct dircache *dc, size_t n)
{
	dc->max_fds = n < DIRCACHE_MAX_FDS ? n : DIRCACHE_MAX_FDS;
}

int dircache_dirfd(struct dircache *dc, const char *path, const char **name)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	struct dircache_folder *f;
	int fd;

	*name = path;
	if (slash && slash != path && (size_t)(slash - path) < sizeof(dir) && slash[1]) {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
		f = folder_get(dc, dir);
		if (f && validate(dc, f) == 0 && f->exists && (fd = folder_fd(dc, f)) >= 0) {
			*name = slash + 1;
			return fd;
		}
	}
	return AT_FDCWD;
}

void dircache_trace_start(struct dircache *dc)
{
	struct dircache_trace *t = calloc(1, sizeof(*t));

	dircache_trace_free(dc->trace);
	dc->trace = t;
	if (!t)
		return;
	t->id = ++dc->trace_ids;
	t->epoch = dc->epoch;
	t->usable = true;
}

/* The i-th bit position of name h in a filter of n bits (a power of 2). */
static size_t filter_bit(uint64_t h, unsigned i, size_t n)
{
	uint64_t x = h + i * (h >> 32 | 1) * 0x9e3779b97f4a7c15ULL;

	return (size_t)((x ^ (x >> 31)) & (n - 1));
}

/* Turn the names probed into a filter; false without memory. */
static bool build_filter(struct dircache_trace *t)
{
	size_t bits = 64;

	while (bits < t->n_names * TRACE_FILTER_BITS)
		bits *= 2;
	t->filter = calloc(bits / 64, sizeof(uint64_t));
	if (!t->filter)
		return false;
	t->filter_bits = bits;
	for (size_t i = 0; i < t->n_names; i++)
		for (unsigned k = 0; k < TRACE_FILTER_K; k++) {
			size_t b = filter_bit(t->names[i], k, bits);

			t->filter[b / 64] |= 1ULL << (b % 64);
		}
	free(t->names);
	t->names = NULL;
	t->n_names = t->cap_names = 0;
	return true;
}

static bool maybe_probed(const struct dircache_trace *t, uint64_t h)
{
	for (unsigned k = 0; k < TRACE_FILTER_K; k++) {
		size_t b = filter_bit(h, k, t->filter_bits);

		if (!(t->filter[b / 64] & (1ULL << (b % 64))))
			return false;
	}
	return true;
}

struct dircache_trace *dircache_trace_stop(struct dircache *dc, bool keep)
{
	struct dircache_trace *t = dc->trace;

	dc->trace = NULL;
	if (t && (!keep || !t->usable || !build_filter(t))) {
		dircache_trace_free(t);
		t = NULL;
	}
	if (t) {
		/* Only the filter and the items are kept. */
		struct trace_item *v = realloc(t->v, (t->n ? t->n : 1) * sizeof(*v));

		if (v)
			t->v = v;
		t->cap = t->n;
	}
	return t;
}

/* Does f still answer the trace's probes as it did when it was noted? */
static bool item_holds(const struct dircache_trace *t, const struct trace_item *it)
{
	const struct dircache_folder *f = it->f;
	size_t lo = 0, hi = f->n_changes;

	if (f->exists != it->exists)
		return false;
	if (f->exists && (f->dev != it->dev || f->ino != it->ino))
		return false;
	if (f->seq == it->seq)
		return true;
	if (f->forgotten > it->seq)
		return false;
	/* The log is in seq order: skip what came before the trace. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->changes[mid].seq <= it->seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < f->n_changes; i++)
		if (maybe_probed(t, f->changes[i].name))
			return false;
	return true;
}

bool dircache_trace_holds(struct dircache *dc, const struct dircache_trace *t)
{
	if (!t || t->epoch != dc->epoch)
		return false;
	for (size_t i = 0; i < t->n; i++)
		if (validate(dc, t->v[i].f) < 0 || !item_holds(t, &t->v[i]))
			return false;
	dc->stats.traces_held++;
	return true;
}

void dircache_trace_free(struct dircache_trace *t)
{
	if (!t)
		return;
	free(t->v);
	free(t->names);
	free(t->filter);
	free(t);
}
