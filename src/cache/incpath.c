/* incpath: include search chains and the summary of what they find. */
#include "incpath.h"
#include "cscan.h"
#include "hash.h"
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void incpath_free(struct incpath *ip)
{
	for (size_t i = 0; i < ip->n_dirs; i++)
		free(ip->dirs[i]);
	free(ip->dirs);
	memset(ip, 0, sizeof(*ip));
}

int incpath_digest(const struct incpath *ip, struct digest *out)
{
	struct hasher *h = hasher_new();

	if (!h)
		return -ENOMEM;
	hasher_update_str(h, "incpath-v1");
	hasher_update_u64(h, ip->n_quote);
	hasher_update_u64(h, ip->n_user);
	hasher_update_u64(h, ip->n_dirs);
	for (size_t i = 0; i < ip->n_dirs; i++)
		hasher_update_str(h, ip->dirs[i]);
	hasher_final(h, out);
	hasher_free(h);
	return 0;
}

static int add_dir(struct incpath *ip, const char *d, size_t len)
{
	char **g = realloc(ip->dirs, (ip->n_dirs + 2) * sizeof(char *));

	if (!g)
		return -ENOMEM;
	ip->dirs = g;
	g[ip->n_dirs] = len == 0 ? strdup(".") : strndup(d, len);
	if (!g[ip->n_dirs])
		return -ENOMEM;
	ip->n_dirs++;
	g[ip->n_dirs] = NULL;
	return 0;
}

static int add_list(struct incpath *ip, char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (add_dir(ip, v[i], strlen(v[i])) < 0)
			return -ENOMEM;
	return 0;
}

static int add_path_var(struct incpath *ip, const char *var, size_t *count)
{
	const char *p = var;

	if (!var || !*var)
		return 0;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (add_dir(ip, p, len) < 0)
			return -ENOMEM;
		if (count)
			(*count)++;
		if (!colon)
			return 0;
		p = colon + 1;
	}
}

/*
 * gcc's order: -iquote (for "..." only), then -I, CPATH (as if -I, after
 * them), -isystem, C_INCLUDE_PATH & co (as if -isystem, after them), the
 * built-in folders, -idirafter. Duplicates are kept: the compiler drops
 * some, and a folder searched twice in the walk only adds probes.
 */
int incpath_build(const struct incpath_spec *s, struct incpath *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = add_list(out, s->quote, s->n_quote);
	out->n_quote = s->n_quote;
	if (r == 0)
		r = add_list(out, s->user, s->n_user);
	out->n_user = s->n_user;
	if (r == 0)
		r = add_path_var(out, s->cpath, &out->n_user);
	if (r == 0)
		r = add_list(out, s->system, s->n_system);
	if (r == 0)
		r = add_path_var(out, s->lang_path, NULL);
	if (r == 0)
		r = add_list(out, s->builtin, s->n_builtin);
	if (r == 0)
		r = add_list(out, s->after, s->n_after);
	if (r < 0)
		incpath_free(out);
	return r;
}

/* The first search folder before i that is the same folder, or i. */
static size_t same_as(const dev_t *dev, const ino_t *ino, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (ino[j] && dev[j] == dev[i] && ino[j] == ino[i])
			return j;
	return i;
}

/*
 * Which search folders exist: -Wmissing-include-dirs warns of the others,
 * and one created later may hold anything. Which are one folder: gcc and
 * clang search a folder once, where it first comes (a -I that is also an
 * -isystem folder is searched as a system one, #include_next goes on after
 * it). A search path that is a file is not walked at all: gcc warns of it,
 * clang may read it as a header map.
 */
static int walk_folders(struct incpath_walk *w)
{
	size_t n = w->ip->n_dirs;
	dev_t *dev = calloc(n + 1, sizeof(*dev));
	ino_t *ino = calloc(n + 1, sizeof(*ino));
	int r = dev && ino ? 0 : -ENOMEM;

	for (size_t i = 0; i < n && r == 0; i++) {
		struct dircache_probe p;
		struct digest d;
		uint64_t h;

		r = dircache_probe_in(w->dc, w->folders[i], w->abs[i], ".", &p);
		if (r < 0)
			break;
		if (p.bits & DIRCACHE_NOT_A_FOLDER) {
			r = -ENOTDIR;
			break;
		}
		w->summary.probes++;
		if (p.folder_ctime_ns == DIRCACHE_NO_FOLDER)
			continue;
		dev[i] = p.folder_dev;
		ino[i] = p.folder_ino;
		digest_mem(w->ip->dirs[i], strlen(w->ip->dirs[i]), &d);
		memcpy(&h, d.bytes, sizeof(h));
		w->summary.sum += h ^ 0x9e3779b97f4a7c15ULL; /* apart from the name probes */
		if (same_as(dev, ino, i) != i)
			w->summary.sum +=
			        (uint64_t)(same_as(dev, ino, i) + 1) * 0xc2b2ae3d27d4eb4fULL ^
			        (uint64_t)i;
	}
	free(dev);
	free(ino);
	return r;
}

int incpath_walk_begin(struct incpath_walk *w, const struct incpath *ip, struct dircache *dc,
                       const char *cwd)
{
	char p[PATH_MAX];

	memset(w, 0, sizeof(*w));
	w->ip = ip;
	w->dc = dc;
	w->cwd = cwd;
	w->abs = calloc(ip->n_dirs + 1, sizeof(char *));
	w->folders = calloc(ip->n_dirs + 1, sizeof(*w->folders));
	if (!w->abs || !w->folders) {
		incpath_walk_end(w);
		return -ENOMEM;
	}
	for (size_t i = 0; i < ip->n_dirs; i++) {
		/* A folder too long to name is probed as such: it never exists. */
		if (paths_join(p, sizeof(p), cwd, ip->dirs[i]) < 0)
			snprintf(p, sizeof(p), "/nonexistent-too-long");
		if (!(w->abs[i] = strdup(p))) {
			incpath_walk_end(w);
			return -ENOMEM;
		}
		w->folders[i] = dircache_folder(dc, p);
	}
	return walk_folders(w);
}

void incpath_walk_end(struct incpath_walk *w)
{
	if (w->abs)
		for (size_t i = 0; i < w->ip->n_dirs; i++)
			free(w->abs[i]);
	free(w->abs);
	free(w->folders);
	w->abs = NULL;
	w->folders = NULL;
}

/* One probe: what dir/name holds now, folded into the summary. tag names
 * the folder as stored (stable across lookups in the same cwd). */
static int probe(struct incpath_walk *w, struct dircache_folder *f, const char *dir,
                 const char *tag, const char *name)
{
	struct dircache_probe p;
	struct digest d;
	char buf[PATH_MAX * 2 + 2];
	size_t tl = strlen(tag), nl = strlen(name);
	uint64_t h;
	int r;

	w->summary.probes++;

	r = dircache_probe_in(w->dc, f, dir, name, &p);
	if (r < 0)
		return r;
	if (w->no_gch)
		p.bits &= ~(unsigned)DIRCACHE_GCH;
	if (!p.bits)
		return 0;
	if (tl + nl + 3 > sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, tag, tl + 1);
	memcpy(buf + tl + 1, name, nl + 1);
	buf[tl + nl + 2] = (char)p.bits;
	digest_mem(buf, tl + nl + 3, &d);
	memcpy(&h, d.bytes, sizeof(h));
	w->summary.sum += h;
	return w->found ? w->found(w->ctx, dir, name, &p) : 0;
}

void incpath_folder_of(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, n, ".");
	else if (slash == path)
		snprintf(out, n, "/");
	else
		snprintf(out, n, "%.*s", (int)(slash - path), path);
}

int incpath_walk_names(struct incpath_walk *w, const char *includer, const char *names, size_t len)
{
	char own[PATH_MAX], own_abs[PATH_MAX];
	const char *end = names + len;
	const struct incpath *ip = w->ip;
	struct dircache_folder *own_folder = NULL;
	int r = 0;

	/* The includer's own folder, searched first by "..." */
	incpath_folder_of(includer ? includer : "", own, sizeof(own));
	if (paths_join(own_abs, sizeof(own_abs), w->cwd, own) < 0)
		return -ENAMETOOLONG;
	for (const char *p = names; p < end && r == 0; p += strlen(p) + 1) {
		char form = *p;
		const char *name = p + 1;
		bool quote = form == CSCAN_QUOTE || form == CSCAN_NEXT_QUOTE;

		if (name[0] == '/') {
			r = probe(w, NULL, "/", "/", name);
			continue;
		}
		if (quote && !own_folder)
			own_folder = dircache_folder(w->dc, own_abs);
		if (quote)
			r = probe(w, own_folder, own_abs, own, name);
		for (size_t i = quote ? 0 : ip->n_quote; i < ip->n_dirs && r == 0; i++)
			r = probe(w, w->folders[i], w->abs[i], ip->dirs[i], name);
	}
	return r;
}
