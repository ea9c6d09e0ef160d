/*
 * gcc_specs: the specs files gcc's driver looks for in folders the build
 * environment names. Before it runs anything (also for -c) the driver
 * takes the first readable file named "specs" on its startfile path as
 * its specs, and LIBRARY_PATH's folders and GCC_EXEC_PREFIX are on that
 * path: such a file changes every command the driver builds (cc1's
 * options, as's), so each place it may appear is keyed, absent or not.
 * A relative -specs=f is looked up there too, before the cwd.
 */
#ifndef ZCCACHE_GCC_SPECS_H
#define ZCCACHE_GCC_SPECS_H

#include <stddef.h>

#include "args.h"

struct compiler_info;

/*
 * family.h helper_files for gcc: every path where the driver ci, run in
 * cwd under the request's environment (getenv), looks for a specs file
 * (its own, or a relative -specs= of a) outside its own install. Fills files (each malloc'ed, room
 * for max) and returns how many, or -errno (-E2BIG when they do not fit: the compile then runs
 * uncached).
 */
int gcc_specs_files(const struct compiler_info *ci, const char *cwd, const struct compile_args *a,
                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx, char **files,
                    size_t max);

#endif
