/* pch: the counters of compiles that make or use a precompiled header. */
#include "pch.h"

#include <string.h>

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
