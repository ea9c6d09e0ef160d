/* pch: the counters of compiles that make or use a precompiled header. */
#include "pch.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "paths.h"

bool pch_entry_uses_gch(const struct manifest_entry *e)
{
	for (size_t i = 0; i < e->n_files; i++) {
		size_t n = strlen(e->files[i].path);

		if (!e->files[i].preprocessed && n > 4 &&
		    strcmp(e->files[i].path + n - 4, ".gch") == 0)
			return true;
	}
	return false;
}

const char *pch_counter(const struct compile_args *a, bool uses_gch, bool hit)
{
	if (a->output_kind == OUTPUT_PCH)
		return hit ? "pch.compile_hit" : "pch.compile_stored";
	if (a->pch_input || uses_gch)
		return hit ? "pch.use_hit" : "pch.use_stored";
	return NULL;
}

const char *pch_newer_input(struct hashcache *hc, const char *cwd, const struct compile_args *a,
                            const struct manifest_entry *e)
{
	int64_t pch_ns = INT64_MAX;
	char p[PATH_MAX];
	struct file_digest fd;

	if (!a->pch_input)
		return NULL;
	/* The oldest PCH it may load (the extra inputs are few: a PCH, its
	 * .gch twin, plugins, profiles); one missing loads nothing. */
	for (size_t i = 0; i < a->n_extra_inputs; i++)
		if (paths_join(p, sizeof(p), cwd, a->extra_inputs[i]) == 0 &&
		    hashcache_get(hc, p, &fd) == 0 && fd.mtime_ns < pch_ns)
			pch_ns = fd.mtime_ns;
	for (size_t i = 0; i < e->n_files && pch_ns != INT64_MAX; i++)
		if (paths_join(p, sizeof(p), cwd, e->files[i].path) == 0 &&
		    hashcache_get(hc, p, &fd) == 0 && fd.mtime_ns > pch_ns)
			return e->files[i].path;
	return NULL;
}
