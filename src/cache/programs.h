/*
 * programs: the helper programs a gcc or clang driver runs for a compile
 * (gcc's cc1/cc1plus/cc1obj and the assembler, clang's assembler when it is
 * not the integrated one), found as the driver finds them under the
 * request's environment, summed into one digest for the key. A different
 * `as` first in PATH, or a cc1 under another GCC_EXEC_PREFIX, is another
 * key.
 */
#ifndef ZCCACHE_PROGRAMS_H
#define ZCCACHE_PROGRAMS_H

#include "args.h"
#include "compiler.h"
#include "dircache.h"
#include "hash.h"
#include "hashcache.h"

/*
 * The digest of the programs compile a runs. Where the driver names a
 * program by path (-print-prog-name, asked once per environment), its
 * content; where it would search PATH, the first executable of that name in
 * COMPILER_PATH then PATH (folder listings through dc, which the caller has
 * started a round on), and its content. Then the files the family names as
 * its helpers (family.h helper_files: emcc's config, clang, Python), each
 * by content through hc. 0, or -errno when a program cannot
 * be found or read (then the compile is not cached: the driver would fail
 * or run something we cannot name).
 */
int programs_digest(struct compiler_cache *cc, const struct compiler_info *ci,
                    const struct compile_args *a, const char *cwd,
                    const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                    struct hashcache *hc, struct dircache *dc, struct digest *out);

#endif
