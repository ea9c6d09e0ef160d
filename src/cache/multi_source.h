/*
 * multi_source: `cc -c a.c b.c` cached as `cc -c a.c` and `cc -c b.c`. The
 * classifier (args_gcc.c) says when a command is exactly the sum of its
 * single-source compiles; this module turns that into the split the
 * launcher serves (src/launcher/multi.c): the index in the command's argv of
 * each source, so that the launcher asks for each source alone (the argv
 * without the other sources) and runs the compiler on what must compile.
 */
#ifndef ZCCACHE_MULTI_SOURCE_H
#define ZCCACHE_MULTI_SOURCE_H

#include <stddef.h>

#include "args.h"

/*
 * The sources of a (classified: UNCACHEABLE_MULTIPLE_SOURCES with
 * source_args) as indices into argv, the command as the launcher sent it.
 * 0 with *sources (malloc'ed) and *n; 1 when the command cannot be split
 * (the classifier read another argv: an @file, whose sources the launcher
 * cannot take out); -ENOMEM.
 */
int multi_source_split(const struct compile_args *a, int argc, const char *const *argv,
                       size_t **sources, size_t *n);

#endif
