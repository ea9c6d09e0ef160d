/* pp_gch: which folders gcc looks in for an entered header's .gch, asked
 * of the folder listings (dircache). */
#include "pp_gch.h"
#include "paths.h"
#include "preprocess.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* path joined to cwd, without "./", repeated or trailing slashes, and
 * "." for the folder itself. NULL without memory or room. */
static char *absolute(const char *cwd, const char *path)
{
	char joined[PATH_MAX];
	char *out;
	size_t len;

	if (paths_join(joined, sizeof(joined), cwd, path) < 0 ||
	    !(out = preprocess_lexical(joined)))
		return NULL;
	len = strlen(out);
	for (;;) {
		if (len > 2 && strcmp(out + len - 2, "/.") == 0)
			len -= 2;
		else if (len > 1 && out[len - 1] == '/')
			len--;
		else
			break;
		out[len] = '\0';
	}
	return out;
}

/* The part of path under folder, or NULL when it is not under it. */
static const char *under(const char *path, const char *folder)
{
	size_t len = strlen(folder);

	if (strcmp(folder, "/") == 0)
		return path[0] == '/' && path[1] ? path + 1 : NULL;
	if (strncmp(path, folder, len) == 0 && path[len] == '/' && path[len + 1])
		return path + len + 1;
	return NULL;
}

/* dir/name.gch exists (as a listing says): 1 with its path in found. */
static int gch_in(struct dircache *dc, const char *dir, const char *name, char *found,
                  size_t found_len)
{
	struct dircache_probe p;
	int r = dircache_probe(dc, dir, name, &p);

	if (r < 0 || (p.bits & DIRCACHE_GCH)) {
		snprintf(found, found_len, "%s/%s.gch", dir, name);
		return r < 0 ? r : 1;
	}
	return 0;
}

/* name found under chain[at]: a .gch in an own folder or chain[0..at]. */
static int gch_before(struct dircache *dc, char **chain, size_t at, char **own, size_t n_own,
                      const char *name, char *found, size_t found_len)
{
	int r = 0;

	for (size_t k = 0; k < n_own && r == 0; k++)
		r = gch_in(dc, own[k], name, found, found_len);
	for (size_t k = 0; k <= at && r == 0; k++)
		r = gch_in(dc, chain[k], name, found, found_len);
	return r;
}

int pp_gch_reachable(struct dircache *dc, const struct incpath *ip, const char *cwd,
                     const char *source, const char *const *entered, size_t n_entered, char *found,
                     size_t found_len)
{
	char **chain = calloc(ip->n_dirs + 1, sizeof(char *));
	char **own = calloc(n_entered + 2, sizeof(char *));
	char **abs = calloc(n_entered + 1, sizeof(char *));
	char *src = absolute(cwd, source), folder[PATH_MAX];
	size_t n_own = 0;
	int r = chain && own && abs && src ? 0 : -ENOMEM;

	/* What the folders hold now, not what the lookup before the -E saw. */
	dircache_next_round(dc);
	for (size_t i = 0; i < ip->n_dirs && r == 0; i++)
		if (!(chain[i] = absolute(cwd, ip->dirs[i])))
			r = -ENOMEM;
	/* A quote include looks in its includer's folder first, an -include
	 * in the cwd: any entered file may be an includer. */
	if (r == 0 && !(own[n_own++] = absolute(cwd, ".")))
		r = -ENOMEM;
	for (size_t i = 0; i < n_entered && r == 0; i++) {
		size_t len = strlen(entered[i]);

		if (entered[i][0] == '<' && len > 1 && entered[i][len - 1] == '>')
			continue; /* <built-in>, <command-line>: no file */
		incpath_folder_of(entered[i], folder, sizeof(folder));
		if (!(abs[i] = absolute(cwd, entered[i])) ||
		    !(own[n_own++] = absolute(cwd, folder)))
			r = -ENOMEM;
	}
	for (size_t i = 0; i < n_entered && r == 0; i++) {
		const char *name;

		/* gcc loads no .gch in place of the source itself. */
		if (!abs[i] || strcmp(abs[i], src) == 0)
			continue;
		for (size_t j = 0; j < ip->n_dirs && r == 0; j++)
			if ((name = under(abs[i], chain[j])))
				r = gch_before(dc, chain, j, own, n_own, name, found, found_len);
		/* Found beside its includer (or in the cwd): that folder is
		 * searched first, so only its own .gch counts. */
		for (size_t k = 0; k < n_own && r == 0; k++)
			if ((name = under(abs[i], own[k])))
				r = gch_in(dc, own[k], name, found, found_len);
	}
	for (size_t i = 0; chain && i < ip->n_dirs; i++)
		free(chain[i]);
	for (size_t i = 0; own && i < n_own; i++)
		free(own[i]);
	for (size_t i = 0; abs && i < n_entered; i++)
		free(abs[i]);
	free(chain);
	free(own);
	free(abs);
	free(src);
	return r;
}
