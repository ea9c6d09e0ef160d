/*
 * args_walk: the toolkit a family's argument file builds on (args_family.h):
 * the walk that matches each argument against the family's
 * option rows, path joining and reasons. It calls no family, so families
 * and the generic driver (args.c) both depend on it and on nothing circular.
 */
#include "args_family.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *args_path_join(const char *cwd, const char *path)
{
	char *p;

	if (path[0] == '/' || !cwd)
		return strdup(path);
	if (asprintf(&p, "%s/%s", cwd, path) < 0)
		return NULL;
	return p;
}

char *args_path_relative(const char *cwd, const char *path)
{
	size_t len = strlen(cwd);

	/* "/": every path would be under it, and none told apart */
	if (len < 2 || strncmp(path, cwd, len) != 0 || (path[len] != '/' && path[len] != '\0'))
		return strdup(path);
	return strdup(path[len] ? path + len + 1 : ".");
}

int args_set_reason(struct compile_args *out, enum uncacheable_reason r, const char *arg)
{
	char *copy = NULL;

	if (arg) {
		copy = strdup(arg);
		if (!copy)
			return -ENOMEM;
	}
	free(out->reason_arg);
	out->reason = r;
	out->reason_arg = copy;
	return 0;
}

static const struct opt_row *walk_match(const struct opt_walk *w, const char *arg)
{
	const struct opt_row *best = NULL;
	size_t best_len = 0;

	for (size_t i = 0; i < w->n_rows; i++) {
		const struct opt_row *row = &w->rows[i];
		size_t len;
		bool hit;

		/* cheap rejections first: most rows differ in their first letters */
		if (!(row->families & w->families) || row->name[1] != arg[1] ||
		    (row->name[2] != '\0' && row->name[2] != arg[2]))
			continue;
		len = strlen(row->name);
		if (len <= best_len)
			continue;
		if (row->shape == OPT_FLAG || row->shape == OPT_SEPARATE)
			hit = strcmp(arg, row->name) == 0;
		else
			hit = strncmp(arg, row->name, len) == 0;
		if (hit) {
			best = row;
			best_len = len;
		}
	}
	return best;
}

int args_walk(const struct opt_walk *w, char *const *argv, size_t argc, unsigned char *uses)
{
	for (size_t i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = NULL;
		const struct opt_row *row;
		bool next = false;
		int r;

		if (arg[0] != '-' || arg[1] == '\0') {
			r = w->input(w->ctx, arg);
		} else if (!(row = walk_match(w, arg))) {
			r = w->unknown(w->ctx, arg);
		} else {
			size_t len = strlen(row->name);

			if (row->shape == OPT_JOINED)
				value = arg + len;
			else if (row->shape == OPT_SEPARATE ||
			         (row->shape == OPT_JOINED_OR_SEPARATE && arg[len] == '\0'))
				next = true;
			else if (row->shape == OPT_JOINED_OR_SEPARATE)
				value = arg + len;
			if (next && i + 1 >= argc) {
				r = w->missing(w->ctx, arg);
				next = false;
			} else {
				if (next)
					value = argv[i + 1];
				r = row->handle(w->ctx, row, arg, value);
			}
		}
		if (r < 0)
			return r;
		uses[i] = (unsigned char)r;
		if (next)
			uses[++i] = (unsigned char)r;
	}
	return 0;
}
