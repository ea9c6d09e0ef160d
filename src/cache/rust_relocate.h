/*
 * rust_relocate: a rustc compile whose cwd a --remap-path-prefix covers, keyed
 * and stored relative to its cwd so that two checkouts at different paths
 * share it (args.h cwd_relocated). Private to the rustc family.
 */
#ifndef ZCCACHE_RUST_RELOCATE_H
#define ZCCACHE_RUST_RELOCATE_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"
#include "buf.h"

/*
 * The cwd as rustc records it under the --remap-path-prefix values maps
 * (FROM=TO, in command-line order; the last whose FROM is a path prefix of
 * cwd wins), as a malloc'ed key string; NULL when no map covers cwd (or on
 * ENOMEM: *nomem).
 */
char *rust_mapped_cwd(const char *cwd, char *const *maps, size_t n, bool *nomem);

/*
 * Can the texts naming cwd be rewritten for another checkout? Only when
 * every output spells it byte for byte: rustc's dep-info writes a space
 * as "\ ", its JSON notices escape '"', '\' and control bytes, and a
 * byte that is not ASCII may be re-encoded. False: the compile is keyed
 * with its cwd as it is.
 */
bool rust_cwd_relocatable(const char *cwd);

/*
 * A key argument with each path under cwd, at its start or after an '='
 * (--out-dir=, --extern name=, -L dependency=, --remap-path-prefix FROM=),
 * written relative to a stand-in for cwd; malloc'ed, NULL on ENOMEM.
 */
char *rust_relocated_key(const char *cwd, const char *arg);

/* family.h relocate_store and relocate_restore. */
const char *rust_relocate_store(const struct compile_args *a, const char *cwd, const char *path,
                                struct buf *text);
int rust_relocate_restore(const struct compile_args *a, const char *cwd, const char *path,
                          struct buf *text);

#endif
