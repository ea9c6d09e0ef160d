/*
 * search: the include search of one gcc or clang compile, from its options,
 * its environment and the compiler's own folders under those options (see
 * incpath for what is done with it).
 */
#ifndef ZCCACHE_SEARCH_H
#define ZCCACHE_SEARCH_H

#include "args.h"
#include "compiler.h"
#include "incpath.h"

/*
 * Build *out for compile a in cwd. getenv reads the request's environment.
 * 0, -ENOMEM, or -EPROTO when the compiler would not name its folders under
 * these options (the compile must then not be stored).
 */
int search_for_compile(struct compiler_cache *cc, const struct compiler_info *ci,
                       const struct compile_args *a, const char *cwd,
                       const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                       struct incpath *out);

/* The names -include and -imacros ask for, in cscan_includes' format. */
int search_forced_names(const struct compile_args *a, char **out, size_t *len);

#endif
