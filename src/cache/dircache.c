/* dircache: folder listings validated by one stat per folder per round. */
#include "dircache.h"
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Past this many folders the cache starts over (at a round's start). */
#define DIRCACHE_MAX_FOLDERS (1u << 16)

struct folder {
	struct folder *next;
	uint64_t hash;
	uint64_t round; /* validated in this round */
	bool exists, trusted, has_gch;
	dev_t dev;
	ino_t ino;
	int64_t ctime_ns;
	/* The listing: n names, sorted, NUL-separated in blob; type[i] a DT_*. */
	char *blob;
	uint32_t *off;
	unsigned char *type;
	size_t n;
	char path[];
};

struct dircache {
	struct folder **buckets;
	size_t n_buckets, n_folders;
	uint64_t round;
	struct dircache_stats stats;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a: short keys, in memory only */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int64_t ts_ns(struct timespec ts)
{
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int64_t dircache_racy_margin_ns(int64_t ctime_ns)
{
	/* A ctime with nanoseconds comes from the kernel's coarse clock (a tick
	 * of 1-10 ms); one on a whole second may come from a filesystem that
	 * keeps seconds only. */
	return ctime_ns % 1000000000LL != 0 ? 50000000LL : 2000000000LL;
}

static void listing_free(struct folder *f)
{
	free(f->blob);
	free(f->off);
	free(f->type);
	f->blob = NULL;
	f->off = NULL;
	f->type = NULL;
	f->n = 0;
	f->has_gch = false;
}

static void clear(struct dircache *dc)
{
	for (size_t i = 0; i < dc->n_buckets; i++) {
		struct folder *f = dc->buckets[i], *next;

		for (; f; f = next) {
			next = f->next;
			listing_free(f);
			free(f);
		}
		dc->buckets[i] = NULL;
	}
	dc->n_folders = 0;
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
	*out = dc;
	return 0;
}

void dircache_free(struct dircache *dc)
{
	if (!dc)
		return;
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
	struct folder **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < dc->n_buckets; i++) {
		struct folder *f = dc->buckets[i], *next;

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

static struct folder *folder_get(struct dircache *dc, const char *path)
{
	uint64_t h = str_hash(path);
	struct folder *f;
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

/* Read f's listing anew. */
static int list_folder(struct dircache *dc, struct folder *f)
{
	struct raw_name *v = NULL;
	size_t n = 0, cap = 0, bytes = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	listing_free(f);
	dc->stats.listings++;
	d = opendir(f->path);
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
		f->blob = malloc(bytes + 1);
		f->off = malloc((n + 1) * sizeof(*f->off));
		f->type = malloc(n + 1);
		if (!f->blob || !f->off || !f->type)
			r = -ENOMEM;
	}
	for (size_t i = 0, pos = 0; i < n; i++) {
		size_t len = strlen(v[i].s) + 1;

		if (r == 0) {
			memcpy(f->blob + pos, v[i].s, len);
			f->off[i] = (uint32_t)pos;
			f->type[i] = v[i].type;
			f->has_gch = f->has_gch || ends_with_gch(v[i].s);
			pos += len;
		}
		free(v[i].s);
	}
	free(v);
	if (r < 0)
		listing_free(f);
	else
		f->n = n;
	return r;
}

/* Make f current for this round: one stat, a listing when it changed. */
static int validate(struct dircache *dc, struct folder *f)
{
	struct timespec now;
	struct stat st;
	int r;

	if (f->round == dc->round)
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	dc->stats.stats++;
	r = stat(f->path, &st) < 0 ? -errno : 0;
	if (r < 0 && r != -ENOENT && r != -ENOTDIR)
		return r;
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		f->exists = false;
		f->round = dc->round;
		listing_free(f);
		return 0;
	}
	if (f->exists && f->trusted && f->dev == st.st_dev && f->ino == st.st_ino &&
	    f->ctime_ns == ts_ns(st.st_ctim)) {
		f->round = dc->round;
		return 0;
	}
	f->exists = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->ctime_ns = ts_ns(st.st_ctim);
	f->trusted = ts_ns(now) - f->ctime_ns > dircache_racy_margin_ns(f->ctime_ns);
	r = list_folder(dc, f);
	if (r < 0) {
		f->exists = false;
		f->round = 0;
		return r;
	}
	f->round = dc->round;
	return 0;
}

/* The index of name in f's listing, or -1. */
static long find_name(const struct folder *f, const char *name, size_t len)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *s = f->blob + f->off[mid];
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

/* Is the entry at path (a symlink or of unknown type) a non-folder? */
static bool stat_is_file(struct dircache *dc, const char *path)
{
	struct stat st;

	dc->stats.stats++;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

int dircache_probe(struct dircache *dc, const char *dir, const char *name,
                   struct dircache_probe *out)
{
	char path[PATH_MAX];
	struct folder *f;
	const char *comp = name;
	size_t plen;
	long i;
	int r;

	out->bits = 0;
	out->folder_ctime_ns = DIRCACHE_NO_FOLDER;
	if (name[0] == '/') {
		dir = "/";
		while (*comp == '/')
			comp++;
	}
	plen = strlen(dir);
	if (plen >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, plen + 1);
	for (;;) {
		const char *slash = strchr(comp, '/');
		size_t len = slash ? (size_t)(slash - comp) : strlen(comp);

		if (!(f = folder_get(dc, path)))
			return -ENOMEM;
		if ((r = validate(dc, f)) < 0)
			return r;
		if (!f->exists)
			return 0;
		if (plen + 1 + len + 5 >= sizeof(path))
			return -ENAMETOOLONG;
		if (!slash)
			break;
		if (len == 0 || (len == 1 && comp[0] == '.')) {
			comp = slash + 1;
			continue;
		}
		if (!(len == 2 && comp[0] == '.' && comp[1] == '.')) {
			i = find_name(f, comp, len);
			if (i < 0 || (f->type[i] != DT_DIR && f->type[i] != DT_LNK &&
			              f->type[i] != DT_UNKNOWN))
				return 0;
		}
		if (plen > 1 || path[0] != '/')
			path[plen++] = '/';
		memcpy(path + plen, comp, len);
		plen += len;
		path[plen] = '\0';
		comp = slash + 1;
	}
	out->folder_ctime_ns = f->ctime_ns;
	if (plen > 1 || path[0] != '/')
		path[plen++] = '/';
	memcpy(path + plen, comp, strlen(comp) + 1);
	i = find_name(f, comp, strlen(comp));
	if (i >= 0) {
		unsigned char t = f->type[i];

		if (t == DT_LNK || t == DT_UNKNOWN ? stat_is_file(dc, path) : t != DT_DIR)
			out->bits |= DIRCACHE_FILE;
		if ((out->bits & DIRCACHE_FILE) && t == DT_LNK)
			out->bits |= DIRCACHE_LINK;
	}
	if (f->has_gch) {
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
