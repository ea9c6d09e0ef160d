/* gcc_specs: where gcc's driver finds a specs file of the user's (see .h). */
#include "gcc_specs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "paths.h"

/* Add prefix + [machine/version/] + "specs", in the order the driver tries
 * them (its for_each_path: the machine subfolder first, then the prefix). */
static int add_prefix(const struct compiler_info *ci, const char *prefix, char **files, size_t max,
                      size_t *n)
{
	const char *sep = prefix[0] && prefix[strlen(prefix) - 1] == '/' ? "" : "/";

	if (*n + 2 > max)
		return -E2BIG;
	if (asprintf(&files[*n], "%s%s%s/%s/specs", prefix, sep, ci->machine, ci->version) < 0)
		return -ENOMEM;
	(*n)++;
	if (asprintf(&files[*n], "%s%sspecs", prefix, sep) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

/*
 * GCC_EXEC_PREFIX is a prefix of its own, and it moves the tool folder too:
 * the driver looks in <prefix>/../<machine>/lib/ (its tooldir, upstream's
 * "<exec prefix><machine>/<version>/../../../../<machine>/", spelled the way
 * the driver's access() shows it).
 */
static int add_exec_prefix(const struct compiler_info *ci, const char *cwd, const char *gep,
                           char **files, size_t max, size_t *n)
{
	char abs[PATH_MAX], tool[PATH_MAX + 64];
	size_t len;
	int r;

	if (paths_join(abs, sizeof(abs), cwd, gep) < 0)
		return -ENAMETOOLONG;
	r = add_prefix(ci, abs, files, max, n);
	len = strlen(abs);
	while (len > 1 && abs[len - 1] == '/')
		len--;
	while (len > 0 && abs[len - 1] != '/')
		len--;
	if (r < 0 || len == 0)
		return r;
	snprintf(tool, sizeof(tool), "%.*s../%s/lib/", (int)len, abs, ci->machine);
	return add_prefix(ci, tool, files, max, n);
}

int gcc_specs_files(const struct compiler_info *ci, const char *cwd, const struct compile_args *a,
                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx, char **files,
                    size_t max)
{
	const char *gep = getenv(env_ctx, "GCC_EXEC_PREFIX");
	const char *p = getenv(env_ctx, "LIBRARY_PATH");
	size_t n = 0;
	int r = 0;

	(void)a;
	if (!ci->machine || !ci->version)
		return -EPROTO;
	if (gep && gep[0])
		r = add_exec_prefix(ci, cwd, gep, files, max, &n);
	/* Each element a folder, an empty one the cwd ("./"). */
	while (r == 0 && p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char rel[PATH_MAX], dir[PATH_MAX];

		snprintf(rel, sizeof(rel), "%.*s", (int)len, len ? p : ".");
		if (paths_join(dir, sizeof(dir), cwd, rel) < 0)
			r = -ENAMETOOLONG;
		else
			r = add_prefix(ci, dir, files, max, &n);
		if (!colon)
			break;
		p = colon + 1;
	}
	if (r < 0) {
		while (n > 0)
			free(files[--n]);
		return r;
	}
	return (int)n;
}
