/*
 * rust_search: the inputs rustc finds by searching (see rust_search.h):
 * module files beside the dep-info's sources, crates in -L folders, and
 * native libraries named by the crate itself.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cscan.h"
#include "rust_identity.h"
#include "rust_search.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The base name of path. */
static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- what the compile found ------------------------------------------- */

/* path, relative to cwd or absolute, in cscan_includes' quote form: a
 * probe of its presence from the cwd. */
static int add_probe(struct buf *probes, const char *path)
{
	int r = buf_append(probes, (char[]){CSCAN_QUOTE}, 1);

	return r == 0 ? buf_append(probes, path, strlen(path) + 1) : r;
}

/* For D/X/mod.rs: D/X.rs as spelled (rustc does not resolve symlinks),
 * or named from the real folder when X is none, "." or "..". */
static int mod_rs_alternative(const char *cwd, const char *f, char *alt, size_t size)
{
	size_t folder = strlen(f) - strlen("mod.rs");
	char spelled[PATH_MAX], real[PATH_MAX];
	const char *x;

	snprintf(spelled, sizeof(spelled), "%.*s", folder ? (int)folder - 1 : 0, f);
	x = base_of(spelled);
	if (spelled[0] && strcmp(x, ".") != 0 && strcmp(x, "..") != 0)
		return snprintf(alt, size, "%s.rs", spelled) < (int)size ? 0 : -ENAMETOOLONG;
	if (snprintf(real, sizeof(real), "%s/%s", f[0] == '/' ? "" : cwd,
	             spelled[0] ? spelled : ".") >= (int)sizeof(real) ||
	    !realpath(real, spelled) || strcmp(spelled, "/") == 0)
		return -ENOENT;
	return snprintf(alt, size, "%s.rs", spelled) < (int)size ? 0 : -ENAMETOOLONG;
}

/*
 * `mod foo;` finds foo.rs or foo/mod.rs (both: error E0761), in the
 * declaring file's folder, or in its own folder named after it for a file
 * that is not a mod.rs (a/b.rs looks in a/b/). The dep-info names the one
 * found; the other must stay as it was. Each non-root .rs file's
 * alternative is a probe: X.rs <-> X/mod.rs.
 */
static int module_probes(const struct compile_args *a, const char *cwd, const struct depfile *deps,
                         struct buf *probes)
{
	int r = 0;

	for (size_t i = 0; i < deps->n_prereqs && r == 0; i++) {
		const char *f = deps->prereqs[i];
		char alt[PATH_MAX];
		size_t n = strlen(f);

		if (!ends_with(f, ".rs") || (a->source && strcmp(f, a->source) == 0) ||
		    n >= sizeof(alt))
			continue;
		if (strcmp(base_of(f), "mod.rs") != 0)
			snprintf(alt, sizeof(alt), "%.*s/mod.rs", (int)(n - 3), f);
		else if (mod_rs_alternative(cwd, f, alt, sizeof(alt)) < 0)
			continue;
		r = add_probe(probes, alt);
	}
	return r;
}

int rust_search_closure(const struct compile_args *a, const char *cwd, struct depfile *deps,
                        struct buf *probes)
{
	return module_probes(a, cwd, deps, probes);
}
