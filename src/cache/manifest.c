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

#define MANIFEST_FORMAT 1
/* A folder changed this recently may change again without its mtime moving. */
#define RACY_NS 1000000000LL

void manifest_entry_free(struct manifest_entry *e)
{
	for (size_t i = 0; i < e->n_files; i++)
		free(e->files[i].path);
	free(e->files);
	for (size_t i = 0; i < e->n_watch; i++) {
		for (size_t j = 0; j < e->watch[i].n_names; j++)
			free(e->watch[i].names[j]);
		free(e->watch[i].names);
		free(e->watch[i].dir);
	}
	free(e->watch);
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

static int decode_entry(json_t *je, struct manifest_entry *e)
{
	json_t *files = json_object_get(je, "f"), *watch = json_object_get(je, "w"), *x;
	const char *r = json_string_value(json_object_get(je, "r"));
	size_t i;

	if (!r || digest_from_hex(r, &e->result) < 0 || !json_is_array(files) ||
	    !json_is_array(watch))
		return -EBADMSG;
	e->files = calloc(json_array_size(files) + 1, sizeof(*e->files));
	e->watch = calloc(json_array_size(watch) + 1, sizeof(*e->watch));
	if (!e->files || !e->watch)
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
	json_array_foreach(watch, i, x)
	{
		const char *dir = json_string_value(json_array_get(x, 0));
		json_t *names = json_array_get(x, 2), *nm;
		struct manifest_watch *w = &e->watch[i];
		size_t j;

		if (!dir || !json_is_integer(json_array_get(x, 1)) || !json_is_array(names))
			return -EBADMSG;
		w->dir = strdup(dir);
		w->mtime_ns = json_integer_value(json_array_get(x, 1));
		w->names = calloc(json_array_size(names) + 1, sizeof(char *));
		if (!w->dir || !w->names)
			return -ENOMEM;
		e->n_watch++;
		json_array_foreach(names, j, nm)
		{
			if (!json_is_string(nm))
				return -EBADMSG;
			w->names[j] = strdup(json_string_value(nm));
			if (!w->names[j])
				return -ENOMEM;
			w->n_names++;
		}
	}
	return 0;
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

int manifest_encode(const struct manifest *m, struct buf *out)
{
	json_t *j = json_object(), *entries = json_array();
	char hex[DIGEST_HEX_LEN + 1];
	int r;

	for (size_t i = 0; i < m->n; i++) {
		const struct manifest_entry *e = &m->entries[i];
		json_t *je = json_object(), *files = json_array(), *watch = json_array();

		digest_to_hex(&e->result, hex);
		json_object_set_new(je, "r", json_string(hex));
		for (size_t k = 0; k < e->n_files; k++) {
			digest_to_hex(&e->files[k].digest, hex);
			json_array_append_new(files, json_pack("[s,s]", e->files[k].path, hex));
		}
		for (size_t k = 0; k < e->n_watch; k++) {
			json_t *names = json_array();

			for (size_t n = 0; n < e->watch[k].n_names; n++)
				json_array_append_new(names, json_string(e->watch[k].names[n]));
			json_array_append_new(watch,
			                      json_pack("[s,I,o]", e->watch[k].dir,
			                                (json_int_t)e->watch[k].mtime_ns, names));
		}
		json_object_set_new(je, "f", files);
		json_object_set_new(je, "w", watch);
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

/* True when no name a watch lists exists in its folder; else the first is in found. */
static bool watch_names_absent_at(const struct manifest_watch *w, char *found, size_t len)
{
	char p[PATH_MAX];

	for (size_t i = 0; i < w->n_names; i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", w->dir, w->names[i]) >= sizeof(p) ||
		    access(p, F_OK) == 0) {
			if (found)
				snprintf(found, len, "%s", p);
			return false;
		}
	}
	return true;
}

static bool watch_names_absent(const struct manifest_watch *w)
{
	return watch_names_absent_at(w, NULL, 0);
}

static bool watch_still_clean(const struct manifest_watch *w)
{
	struct stat st;

	if (w->mtime_ns != MANIFEST_DIR_RACY) {
		if (stat(w->dir, &st) < 0) {
			if (w->mtime_ns == MANIFEST_DIR_ABSENT &&
			    (errno == ENOENT || errno == ENOTDIR))
				return true;
		} else if (S_ISDIR(st.st_mode) && ts_ns(st.st_mtim) == w->mtime_ns) {
			return true;
		}
	}
	/* The folder changed (an object written next to sources does that):
	 * look for the exact names. */
	return watch_names_absent(w);
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
		if (!watch_still_clean(&e->watch[i])) {
			if (changed)
				*changed = e->watch[i].dir;
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

/* The watch for folder dir, created on first use. */
static struct manifest_watch *watch_for(struct manifest_entry *e, const char *dir, size_t *cap)
{
	struct manifest_watch *w;

	for (size_t i = 0; i < e->n_watch; i++)
		if (strcmp(e->watch[i].dir, dir) == 0)
			return &e->watch[i];
	if (e->n_watch == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct manifest_watch *g = realloc(e->watch, ncap * sizeof(*g));

		if (!g)
			return NULL;
		e->watch = g;
		*cap = ncap;
	}
	w = &e->watch[e->n_watch];
	memset(w, 0, sizeof(*w));
	w->dir = strdup(dir);
	if (!w->dir)
		return NULL;
	e->n_watch++;
	return w;
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cand names a file of the closure (cand may not exist; then it cannot be). */
static bool in_closure(char **closure, size_t n, const char *cand)
{
	char real[PATH_MAX];
	const char *key = real;

	if (!realpath(cand, real))
		return false;
	return bsearch(&key, closure, n, sizeof(char *), cmp_str) != NULL;
}

int manifest_build_watch(struct manifest_entry *e, const char *cwd, char *const *search,
                         const bool *watched, size_t n_search, char *conflict, size_t conflict_len)
{
	char abs[PATH_MAX], real[PATH_MAX], cand[PATH_MAX * 2];
	char **closure = calloc(e->n_files + 1, sizeof(char *));
	struct timespec now;
	size_t cap = 0, n_closure = 0;
	int r = 0;

	if (!closure)
		return -ENOMEM;
	/* A candidate the compile itself read (#include_next reaches past it)
	 * is not a shadow: its content is recorded like any other. */
	for (size_t i = 0; i < e->n_files; i++)
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) == 0 && realpath(abs, real) &&
		    (closure[n_closure] = strdup(real)))
			n_closure++;
	qsort(closure, n_closure, sizeof(char *), cmp_str);

	for (size_t i = 0; i < e->n_files && r == 0; i++) {
		if (abs_path(cwd, e->files[i].path, abs, sizeof(abs)) < 0 || !realpath(abs, real))
			continue;
		/* Every search folder that contains the header is a way it may have
		 * been spelled (-Ifoo and -Ifoo/include both hold foo/include/x.h);
		 * for each, a file of that spelling in an earlier folder would win. */
		for (size_t m = 0; m < n_search && r == 0; m++) {
			size_t len = strlen(search[m]);
			const char *rel;

			if (strncmp(real, search[m], len) != 0 || real[len] != '/')
				continue;
			rel = real + len + 1;
			for (size_t j = 0; j < m; j++) {
				char *slash;
				struct manifest_watch *w;

				if (!watched[j])
					continue;
				if ((size_t)snprintf(cand, sizeof(cand), "%s/%s", search[j], rel) >=
				    sizeof(cand))
					continue;
				if (in_closure(closure, n_closure, cand))
					continue;
				slash = strrchr(cand, '/');
				*slash = '\0';
				w = watch_for(e, cand, &cap);
				if (!w || watch_add_name(w, slash + 1) < 0) {
					r = -ENOMEM;
					break;
				}
			}
		}
	}
	for (size_t i = 0; i < n_closure; i++)
		free(closure[i]);
	free(closure);
	if (r < 0)
		return r;
	/* Folder times first, names second: a header created in between moves
	 * the time we keep, so no window lets one slip by. */
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < e->n_watch; i++) {
		struct manifest_watch *w = &e->watch[i];
		struct stat st;

		if (stat(w->dir, &st) < 0 || !S_ISDIR(st.st_mode))
			w->mtime_ns = MANIFEST_DIR_ABSENT;
		else if (ts_ns(now) - ts_ns(st.st_mtim) < RACY_NS)
			w->mtime_ns = MANIFEST_DIR_RACY;
		else
			w->mtime_ns = ts_ns(st.st_mtim);
	}
	for (size_t i = 0; i < e->n_watch; i++)
		if (!watch_names_absent_at(&e->watch[i], conflict, conflict_len))
			return -EEXIST;
	return 0;
}
