/*
 * rust_link: the parts of the rustc family (args_rustc.c) that concern a
 * compile that links: the linker's identity and depfile. Private to the
 * family.
 */
#ifndef ZCCACHE_RUST_LINK_H
#define ZCCACHE_RUST_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

/* family.h link_depfile_arg: for a compile whose output_kind is linked. */
const char *rust_link_depfile_arg(const struct compile_args *a);
/* family.h own_temporary: rustc's codegen units and temporary folder. */
bool rust_link_own_temporary(const struct compile_args *a, const char *cwd, const char *path);
/*
 * The files that make the linker of compile a (none unless it links): the
 * driver rustc runs, found on path_env (the request's PATH), and the
 * collect2, ld and LTO plugin it names. Fills files (each malloc'ed, room
 * for max) and returns how many, or -errno.
 */
int rust_link_identity(const struct compile_args *a, const char *path_env, char **files,
                       size_t max);

#endif
