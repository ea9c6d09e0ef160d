/* manifest: include sets per direct key, their encoding, matching and shadow watch. */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MANIFEST_FORMAT 3
/*
 * Timestamps are coarse (a clock tick): a folder changed this recently may
 * change again without its mtime moving, and a file created just after a
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

static int decode_strings(json_t *arr, char ***out, size_t *n)
{
	json_t *x;
	size_t i;

	*out = calloc(json_array_size(arr) + 1, sizeof(char *));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(arr, i, x)
	{
		if (!json_is_string(x))
			return -EBADMSG;
		(*out)[i] = strdup(json_string_value(x));
		if (!(*out)[i])
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

/* [[dir, mtime, [names]], ...], or with null names for the quote folders. */
static int decode_watches(json_t *arr, bool with_names, struct manifest_watch **out, size_t *n)
{
	json_t *x;
	size_t i;
	int r;

	if (!json_is_array(arr))
		return -EBADMSG;
	*out = calloc(json_array_size(arr) + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	json_array_foreach(arr, i, x)
	{
		const char *dir = json_string_value(json_array_get(x, 0));
		json_t *names = json_array_get(x, 2);
		struct manifest_watch *w = &(*out)[i];

		if (!dir || !json_is_integer(json_array_get(x, 1)) ||
		    !json_is_integer(json_array_get(x, 3)) ||
		    !json_is_integer(json_array_get(x, 4)))
			return -EBADMSG;
		w->dir = strdup(dir);
		if (!w->dir)
			return -ENOMEM;
		w->mtime_ns = json_integer_value(json_array_get(x, 1));
		w->dev = (uint64_t)json_integer_value(json_array_get(x, 3));
		w->ino = (uint64_t)json_integer_value(json_array_get(x, 4));
		(*n)++;
		if (with_names != json_is_array(names) || (!with_names && !json_is_null(names)))
			return -EBADMSG;
		if (with_names) {
			r = decode_strings(names, &w->names, &w->n_names);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int decode_entry(json_t *je, struct manifest_entry *e)
{
	json_t *files = json_object_get(je, "f"), *x;
	const char *r = json_string_value(json_object_get(je, "r"));
	size_t i;
	int ret;

	if (!r || digest_from_hex(r, &e->result) < 0 || !json_is_array(files) ||
	    !json_is_array(json_object_get(je, "q")) || !json_is_integer(json_object_get(je, "t")))
		return -EBADMSG;
	e->since_ns = json_integer_value(json_object_get(je, "t"));
	e->files = calloc(json_array_size(files) + 1, sizeof(*e->files));
	if (!e->files)
		return -ENOMEM;
	json_array_foreach(files, i, x)
	{
		const char *p = json_string_value(json_array_get(x, 0));
		const char *d = json_string_value(json_array_get(x, 1));

		if (!p || !d || digest_from_hex(d, &e->files[i].digest) < 0)
			return -EBADMSG;
		e->files[i].path = strdup(p);
		if (!e->files[i].path)
			return -ENOMEM;
		e->n_files++;
	}
	ret = decode_watches(json_object_get(je, "w"), true, &e->watch, &e->n_watch);
	if (ret == 0)
		ret = decode_watches(json_object_get(je, "qd"), false, &e->qwatch, &e->n_qwatch);
	if (ret == 0)
		ret = decode_strings(json_object_get(je, "q"), &e->qnames, &e->n_qnames);
	return ret;
}

int manifest_decode(const void *blob, size_t len, struct manifest *out)
{
	json_t *j = json_loadb(blob, len, 0, NULL), *entries, *je;
	size_t i;
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!j)
		return -EBADMSG;
	entries = json_object_get(j, "e");
	if (json_integer_value(json_object_get(j, "v")) != MANIFEST_FORMAT ||
	    !json_is_array(entries)) {
		json_decref(j);
		return -EBADMSG;
	}
	out->entries = calloc(json_array_size(entries) + 1, sizeof(*out->entries));
	if (!out->entries) {
		json_decref(j);
		return -ENOMEM;
	}
	json_array_foreach(entries, i, je)
	{
		r = decode_entry(je, &out->entries[i]);
		out->n++;
		if (r < 0)
			break;
	}
	json_decref(j);
	if (r < 0)
		manifest_free(out);
	return r;
}

static int dump_cb(const char *p, size_t n, void *data)
{
	return buf_append(data, p, n) < 0 ? -1 : 0;
}

static json_t *encode_strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *encode_watches(const struct manifest_watch *w, size_t n, bool with_names)
{
	json_t *a = json_array();

	for (size_t k = 0; k < n; k++) {
		json_t *names = with_names ? encode_strings(w[k].names, w[k].n_names) : json_null();

		json_array_append_new(a,
		                      json_pack("[s,I,o,I,I]", w[k].dir, (json_int_t)w[k].mtime_ns,
		                                names, (json_int_t)w[k].dev, (json_int_t)w[k].ino));
	}
	return a;
}

int manifest_encode(const struct manifest *m, struct buf *out)
{
	json_t *j = json_object(), *entries = json_array();
	char hex[DIGEST_HEX_LEN + 1];
	int r;

	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *e = &m->entries[i];
		json_t *je = json_object(), *files = json_array();

		digest_to_hex(&e->result, hex);
		json_object_set_new(je, "r", json_string(hex));
		json_object_set_new(je, "t", json_integer((json_int_t)e->since_ns));
		for (size_t k = 0; k < e->n_files; k++) {
			digest_to_hex(&e->files[k].digest, hex);
			json_array_append_new(files, json_pack("[s,s]", e->files[k].path, hex));
		}
		json_object_set_new(je, "f", files);
		json_object_set_new(je, "w", encode_watches(e->watch, e->n_watch, true));
		json_object_set_new(je, "qd", encode_watches(e->qwatch, e->n_qwatch, false));
		json_object_set_new(je, "q", encode_strings(e->qnames, e->n_qnames));
		json_array_append_new(entries, je);
	}
	json_object_set_new(j, "v", json_integer(MANIFEST_FORMAT));
	json_object_set_new(j, "e", entries);
	r = json_dump_callback(j, dump_cb, out, JSON_COMPACT) < 0 ? -ENOMEM : 0;
	json_decref(j);
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
	int len = path[0] == '/' ? snprintf(out, n, "%s", path)
	                         : snprintf(out, n, "%s/%s", cwd, path);

	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
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
	char p[PATH_MAX];
	struct stat st;
	int n = dir[0] == '/' ? snprintf(p, sizeof(p), "%s/%s", dir, name)
	                      : snprintf(p, sizeof(p), "%s/%s/%s", cwd, dir, name);

	if (n < 0 || (size_t)n >= sizeof(p))
		return true;
	if (stat(p, &st) < 0)
		return false;
	return ts_ns(st.st_ctim) >= since_ns - RACY_NS;
}

enum folder_state {
	FOLDER_UNCHANGED, /* same folder, same mtime: nothing was added */
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
		return w->mtime_ns == MANIFEST_DIR_ABSENT && (errno == ENOENT || errno == ENOTDIR)
		               ? FOLDER_UNCHANGED
		               : FOLDER_OTHER;
	if (!S_ISDIR(st.st_mode) || w->mtime_ns == MANIFEST_DIR_ABSENT ||
	    (uint64_t)st.st_dev != w->dev || (uint64_t)st.st_ino != w->ino)
		return FOLDER_OTHER;
	if (w->mtime_ns != MANIFEST_DIR_RACY && ts_ns(st.st_mtim) == w->mtime_ns)
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

/* cand names a file of the closure (sorted canonical paths). */
static bool in_closure(char **closure, size_t n, const char *cand)
{
	char real[PATH_MAX];
	const char *key = real;

	if (!realpath(cand, real))
		return false;
	return bsearch(&key, closure, n, sizeof(char *), cmp_str) != NULL;
}

/* realpath of path's folder, then its own name: "/a/b/../c/x.h" -> "/a/c/x.h". */
static int canonical_folder(const char *path, char *out, size_t n)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (!realpath(dir[0] ? dir : "/", real))
		return -errno;
	return (size_t)snprintf(out, n, "%s/%s", strcmp(real, "/") ? real : "", slash + 1) < n
	               ? 0
	               : -ENAMETOOLONG;
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
			w[i].mtime_ns = MANIFEST_DIR_ABSENT;
			continue;
		}
		w[i].dev = (uint64_t)st.st_dev;
		w[i].ino = (uint64_t)st.st_ino;
		if (ts_ns(now) - ts_ns(st.st_mtim) < RACY_NS)
			w[i].mtime_ns = MANIFEST_DIR_RACY;
		else
			w[i].mtime_ns = ts_ns(st.st_mtim);
	}
}

/* Any candidate created since the compile started: the include is unexplained. */
static bool find_new(const char *cwd, const struct manifest_watch *w, char *const *names,
                     size_t n_names, char **closure, size_t n_closure, int64_t since_ns,
                     char *conflict, size_t conflict_len)
{
	char p[PATH_MAX], dir[PATH_MAX];

	if (abs_path(cwd, w->dir, dir, sizeof(dir)) < 0)
		return false;
	for (size_t i = 0; i < n_names; i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, names[i]) >= sizeof(p))
			continue;
		if (is_new_candidate(cwd, w->dir, names[i], since_ns) &&
		    !in_closure(closure, n_closure, p)) {
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
	char **closure = calloc(e->n_files + 1, sizeof(char *));
	struct strset qdirs = {0}, qnames = {0};
	size_t cap = 0, qcap = 0, n_closure = 0;
	int r = 0;

	if (!closure)
		return -ENOMEM;
	e->since_ns = since_ns;
	/* A candidate the compile itself read (#include_next reaches past it)
	 * is not a shadow: its content is recorded like any other. */
	for (size_t i = 0; i < e->n_files; i++)
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) == 0 && realpath(abs, real) &&
		    (closure[n_closure] = strdup(real)))
			n_closure++;
	qsort(closure, n_closure, sizeof(char *), cmp_str);

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
		    canonical_folder(abs, real, sizeof(real)) < 0)
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
				if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", search[j], rel) >=
				            sizeof(cand) ||
				    in_closure(closure, n_closure, cand))
					continue;
				snprintf(cand, sizeof(cand), "%s/%s", spelled[j], rel);
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
			             closure, n_closure, since_ns, conflict, conflict_len))
				r = -EEXIST;
		for (size_t i = 0; i < e->n_qwatch && r == 0; i++)
			if (find_new(cwd, &e->qwatch[i], e->qnames, e->n_qnames, closure, n_closure,
			             since_ns, conflict, conflict_len))
				r = -EEXIST;
	}
	strset_free(&qdirs);
	strset_free(&qnames);
	for (size_t i = 0; i < n_closure; i++)
		free(closure[i]);
	free(closure);
	return r;
}
