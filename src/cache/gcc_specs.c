/* gcc_specs: where gcc's driver finds a specs file of the user's (see .h). */
#include "gcc_specs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler.h"
#include "paths.h"

/* "specs" and the relative -specs= names of one command; more -specs
 * options than this run uncached (-E2BIG). */
#define SPECS_NAMES_MAX 8

struct specs_search {
	const struct compiler_info *ci;
	const char *names[SPECS_NAMES_MAX];
	size_t n_names;
	char **files;
	size_t max, n;
};

/* Add prefix + [machine/version/] + each name, in the order the driver
 * tries them (its for_each_path: the machine subfolder first, then the
 * prefix). */
static int add_prefix(struct specs_search *s, const char *prefix)
{
	const char *sep = prefix[0] && prefix[strlen(prefix) - 1] == '/' ? "" : "/";

	if (s->n + 2 * s->n_names > s->max)
		return -E2BIG;
	for (size_t i = 0; i < s->n_names; i++) {
		if (asprintf(&s->files[s->n], "%s%s%s/%s/%s", prefix, sep, s->ci->machine,
		             s->ci->version, s->names[i]) < 0)
			return -ENOMEM;
		s->n++;
		if (asprintf(&s->files[s->n], "%s%s%s", prefix, sep, s->names[i]) < 0)
			return -ENOMEM;
		s->n++;
	}
	return 0;
}

/*
 * GCC_EXEC_PREFIX is a prefix of its own, and it moves the tool folder too:
 * the driver looks in <prefix>/../<machine>/lib/ (its tooldir, upstream's
 * "<exec prefix><machine>/<version>/../../../../<machine>/", spelled the way
 * the driver's access() shows it).
 */
static int add_exec_prefix(struct specs_search *s, const char *cwd, const char *gep)
{
	char abs[PATH_MAX], tool[PATH_MAX + 64];
	size_t len;
	int r;

	if (paths_join(abs, sizeof(abs), cwd, gep) < 0)
		return -ENAMETOOLONG;
	r = add_prefix(s, abs);
	len = strlen(abs);
	while (len > 1 && abs[len - 1] == '/')
		len--;
	while (len > 0 && abs[len - 1] != '/')
		len--;
	if (r < 0 || len == 0)
		return r;
	snprintf(tool, sizeof(tool), "%.*s../%s/lib/", (int)len, abs, s->ci->machine);
	return add_prefix(s, tool);
}

/*
 * The names looked up: "specs", and each -specs=f whose f is relative (the
 * driver tries its startfile path before the cwd, whose copy the classifier
 * keys: args_gcc.c h_specs).
 */
static int specs_names(struct specs_search *s, const struct compile_args *a)
{
	static const char *const joined[] = {"-specs=", "--specs="};

	s->names[s->n_names++] = "specs";
	for (size_t i = 1; i < a->argc; i++) {
		const char *v = NULL;

		for (size_t k = 0; k < sizeof(joined) / sizeof(joined[0]); k++)
			if (strncmp(a->argv[i], joined[k], strlen(joined[k])) == 0)
				v = a->argv[i] + strlen(joined[k]);
		if (!v && strcmp(a->argv[i], "-specs") == 0 && i + 1 < a->argc)
			v = a->argv[++i];
		if (!v || !v[0] || v[0] == '/')
			continue;
		if (s->n_names == SPECS_NAMES_MAX)
			return -E2BIG;
		s->names[s->n_names++] = v;
	}
	return 0;
}

int gcc_specs_files(const struct compiler_info *ci, const char *cwd, const struct compile_args *a,
                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx, char **files,
                    size_t max)
{
	struct specs_search s = {.ci = ci, .files = files, .max = max};
	const char *gep = getenv(env_ctx, "GCC_EXEC_PREFIX");
	const char *p = getenv(env_ctx, "LIBRARY_PATH");
	int r;

	if (!ci->machine || !ci->version)
		return -EPROTO;
	r = specs_names(&s, a);
	if (r == 0 && gep && gep[0])
		r = add_exec_prefix(&s, cwd, gep);
	/* Each element a folder, an empty one the cwd ("./"). */
	while (r == 0 && p && *p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char rel[PATH_MAX], dir[PATH_MAX];

		snprintf(rel, sizeof(rel), "%.*s", (int)len, len ? p : ".");
		if (paths_join(dir, sizeof(dir), cwd, rel) < 0)
			r = -ENAMETOOLONG;
		else
			r = add_prefix(&s, dir);
		if (!colon)
			break;
		p = colon + 1;
	}
	if (r < 0) {
		while (s.n > 0)
			free(files[--s.n]);
		return r;
	}
	return (int)s.n;
}
