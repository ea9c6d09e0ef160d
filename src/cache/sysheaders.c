/* sysheaders: routes through the include search, for -MMD. */
#include "sysheaders.h"
#include "cscan.h"
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A folder as the compiler spells the files it finds there: no leading
 * "./", no trailing "/" ("" is the cwd). */
static size_t dir_norm(const char **d)
{
	const char *s = *d;
	size_t len;

	while (s[0] == '.' && s[1] == '/') {
		s += 2;
		while (*s == '/')
			s++;
	}
	if (s[0] == '.' && s[1] == '\0')
		s++;
	len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		len--;
	*d = s;
	return len;
}

static bool dir_is(const char *dir, const char *d, size_t dlen)
{
	size_t len = dir_norm(&dir);

	return len == dlen && strncmp(dir, d, dlen) == 0;
}

/* One name asked for by one file of the closure. */
struct asked {
	const char *name; /* into routes.names, once every list is in */
	size_t off;
	size_t by; /* the prereq index of the asking file */
	char form;
};

struct routes {
	struct asked *v;
	size_t n, cap;
	char *names; /* every list, copied: hashcache lists live until its next call */
	size_t names_len, names_cap;
};

static int routes_add_list(struct routes *r, size_t by, const char *list, size_t len)
{
	size_t base;

	if (r->names_len + len + 1 > r->names_cap) {
		size_t cap = (r->names_len + len + 1) * 2;
		char *g = realloc(r->names, cap);

		if (!g)
			return -ENOMEM;
		r->names = g;
		r->names_cap = cap;
	}
	base = r->names_len;
	if (len) /* list may be NULL when empty */
		memcpy(r->names + base, list, len);
	r->names_len += len;
	for (const char *p = r->names + base; p < r->names + base + len; p += strlen(p) + 1) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 64;
			struct asked *g = realloc(r->v, cap * sizeof(*g));

			if (!g)
				return -ENOMEM;
			r->v = g;
			r->cap = cap;
		}
		r->v[r->n++] = (struct asked){NULL, (size_t)(p + 1 - r->names), by, p[0]};
	}
	return 0;
}

static int cmp_asked(const void *a, const void *b)
{
	return strcmp(((const struct asked *)a)->name, ((const struct asked *)b)->name);
}

/* Is the folder d (normalised) one of the search's system folders? The
 * compiler drops an -I folder that is also a system one. */
static bool search_dir_is_system(const struct incpath *s, const char *d, size_t dlen)
{
	for (size_t i = s->n_quote + s->n_user; i < s->n_dirs; i++)
		if (dir_is(s->dirs[i], d, dlen))
			return true;
	return false;
}

/* The verdict of one route: folder d (normalised, dlen long) and a name
 * asked in form by file `by`. -1: not a route. */
static int route_verdict(const struct incpath *s, const struct depfile *deps,
                         const signed char *verdict, const bool *pragma_system, const char *d,
                         size_t dlen, const struct asked *a)
{
	bool quote = a->form == CSCAN_QUOTE || a->form == CSCAN_NEXT_QUOTE;
	/* What a system header includes is a system header too, wherever it
	 * is found (gcc: the includer's sysp at least; clang: the greater
	 * characteristic). */
	bool from_system = verdict[a->by] == SYSHEADER_YES || pragma_system[a->by];

	if (quote) {
		/* The asking file's own folder. */
		const char *f = deps->prereqs[a->by], *slash = strrchr(f, '/');
		const char *own = f;
		size_t olen = slash ? (size_t)(slash - f) : 0;
		char buf[PATH_MAX];

		if (olen < sizeof(buf)) {
			memcpy(buf, own, olen);
			buf[olen] = '\0';
			own = buf;
			if (dir_is(own, d, dlen))
				return from_system;
		}
	}
	for (size_t i = quote ? 0 : s->n_quote; i < s->n_dirs; i++)
		if (dir_is(s->dirs[i], d, dlen))
			return from_system || i >= s->n_quote + s->n_user ||
			       search_dir_is_system(s, d, dlen);
	return -1;
}

int sysheaders_classify(const struct depfile *deps, const struct incpath *search,
                        char *const *forced, size_t n_forced, struct hashcache *hc, const char *cwd,
                        signed char *out)
{
	struct routes r = {0};
	bool *pragma_system = calloc(deps->n_prereqs + 1, sizeof(bool));
	int ret = 0;

	if (!pragma_system)
		return -ENOMEM;
	for (size_t i = 0; i < deps->n_prereqs && ret == 0; i++) {
		char p[PATH_MAX];
		struct file_digest fd;

		out[i] = SYSHEADER_UNKNOWN;
		if (paths_join(p, sizeof(p), cwd, deps->prereqs[i]) < 0 ||
		    hashcache_get(hc, p, &fd) < 0)
			continue;
		pragma_system[i] = (fd.include_flags & CSCAN_SYSTEM_HEADER) != 0;
		ret = routes_add_list(&r, i, fd.includes, fd.includes_len);
	}
	for (size_t i = 0; i < r.n; i++)
		r.v[i].name = r.names + r.v[i].off;
	if (ret == 0 && r.n > 1) /* r.v is NULL when empty */
		qsort(r.v, r.n, sizeof(*r.v), cmp_asked);
	for (size_t i = 0; i < deps->n_prereqs && ret == 0; i++) {
		const char *path = deps->prereqs[i];
		int found = -1;

		if (i == deps->source_index) {
			out[i] = SYSHEADER_NO;
			continue;
		}
		for (size_t k = 0; k < n_forced && found != 0; k++) {
			const char *f = forced[k];

			dir_norm(&f);
			if (strcmp(f, path) == 0)
				found = 0;
		}
		/* Every way to cut path into folder + name asked for. */
		for (const char *cut = path; cut && found != 0; cut = strchr(cut + 1, '/')) {
			bool whole = cut == path;
			const char *name = whole ? path : cut + 1;
			size_t dlen = whole ? 0 : (size_t)(cut - path);
			struct asked key = {name, 0, 0, 0}, *a;
			size_t lo;

			if (whole && path[0] == '/')
				continue;
			/* bsearch wants a buffer even for no entries (UBSan) */
			a = r.n ? bsearch(&key, r.v, r.n, sizeof(*r.v), cmp_asked) : NULL;
			if (!a)
				continue;
			while (a > r.v && strcmp(a[-1].name, name) == 0)
				a--;
			for (lo = (size_t)(a - r.v); lo < r.n && strcmp(r.v[lo].name, name) == 0;
			     lo++) {
				int v;

				if (r.v[lo].by >= i)
					continue; /* asked by a file first read later */
				v = name[0] == '/' ? 0
				                   : route_verdict(search, deps, out, pragma_system,
				                                   path, dlen, &r.v[lo]);
				if (v >= 0 && (found < 0 || v == 0))
					found = v;
			}
		}
		/* An absolute include names the file itself: a user header. */
		for (size_t k = 0; k < r.n && found < 0 && path[0] == '/'; k++)
			if (r.v[k].by < i && strcmp(r.v[k].name, path) == 0)
				found = 0;
		out[i] = found < 0 ? SYSHEADER_UNKNOWN : found ? SYSHEADER_YES : SYSHEADER_NO;
	}
	free(r.v);
	free(r.names);
	free(pragma_system);
	return ret;
}
