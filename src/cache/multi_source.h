/*
 * multi_source: `cc -c a.c b.c` cached as `cc -c a.c` and `cc -c b.c`. The
 * classifier (args_gcc.c) says when a command's arguments are exactly the
 * sum of its single-source compiles; this module checks the rest (the
 * sources are files, the launcher's argv is the one classified) and makes
 * the split the launcher serves (src/launcher/multi.c): the index in the
 * command's argv of each source, so that the launcher asks for each source
 * alone (the argv without the other sources).
 */
#ifndef ZCCACHE_MULTI_SOURCE_H
#define ZCCACHE_MULTI_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

struct multi_source_split {
	size_t *sources; /* malloc'ed: the index in argv of each source */
	size_t n;
};

/*
 * The split of a (classified: UNCACHEABLE_MULTIPLE_SOURCES with
 * source_args), argv being the command as the launcher sent it, run in cwd.
 * 0 with *split filled; a positive enum cache_reason when the command
 * cannot be split; -ENOMEM.
 */
int multi_source_split(const struct compile_args *a, int argc, const char *const *argv,
                       const char *cwd, struct multi_source_split *split);

#endif
