/* multi_source: a command of several sources as one compile per source (see .h). */
#include "multi_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "family.h"
#include "reasons.h"

/*
 * Is every source a file? clang and emcc check their inputs before they
 * compile any, and compile none when one is missing; gcc compiles the
 * others. Served one by one, the others would be written either way.
 */
static bool sources_are_files(const struct compile_args *a, const char *cwd)
{
	int dir = open(cwd, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool all = dir >= 0;

	for (size_t i = 0; all && i < a->n_source_args; i++) {
		struct stat st;

		all = fstatat(dir, a->argv[a->source_args[i]], &st, 0) == 0 && S_ISREG(st.st_mode);
	}
	if (dir >= 0)
		close(dir);
	return all;
}

int multi_source_split(const struct compile_args *a, int argc, const char *const *argv,
                       const char *cwd, struct multi_source_split *split)
{
	const struct family *fam = family_of(a->family);

	memset(split, 0, sizeof(*split));
	if (a->reason != UNCACHEABLE_MULTIPLE_SOURCES || a->n_source_args < 2 || !fam)
		return CACHE_REASON_MULTIPLE_SOURCES;
	/* Indices into the classifier's argv name the launcher's words only
	 * when they are the same words: no @file was expanded. */
	if (argc < 0 || a->argc != (size_t)argc)
		return CACHE_REASON_MULTI_SOURCE_OPTION;
	for (size_t i = 1; i < a->argc; i++)
		if (strcmp(a->argv[i], argv[i]) != 0)
			return CACHE_REASON_MULTI_SOURCE_OPTION;
	if (!sources_are_files(a, cwd))
		return CACHE_REASON_MULTI_SOURCE_MISSING;
	split->sources = malloc(a->n_source_args * sizeof(*split->sources));
	if (!split->sources)
		return -ENOMEM;
	memcpy(split->sources, a->source_args, a->n_source_args * sizeof(*split->sources));
	split->n = a->n_source_args;
	return 0;
}
