/* multi_source: a command of several sources as one compile per source (see .h). */
#include "multi_source.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int multi_source_split(const struct compile_args *a, int argc, const char *const *argv,
                       size_t **sources, size_t *n)
{
	size_t *v;

	*sources = NULL;
	*n = 0;
	if (a->reason != UNCACHEABLE_MULTIPLE_SOURCES || a->n_source_args < 2 || argc < 0 ||
	    a->argc != (size_t)argc)
		return 1;
	/* Indices into the classifier's argv name the launcher's words only
	 * when they are the same words: no @file was expanded. */
	for (size_t i = 1; i < a->argc; i++)
		if (strcmp(a->argv[i], argv[i]) != 0)
			return 1;
	v = malloc(a->n_source_args * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, a->source_args, a->n_source_args * sizeof(*v));
	*sources = v;
	*n = a->n_source_args;
	return 0;
}
