/*
 * rust_identity: the rustc family's identity files and clippy-driver's
 * habits (rust_identity.c). Private to the family.
 */
#ifndef ZCCACHE_RUST_IDENTITY_H
#define ZCCACHE_RUST_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#include "args.h"

struct compiler_info;

/* Is compile a run by clippy-driver (which drops an argv[1] named rustc)? */
bool rust_is_clippy(const struct compile_args *a);
/* The index of the first argument rustc reads: 2 after clippy-driver's
 * rustc, else 1. */
size_t rust_first_arg(const struct compile_args *a);
/* family.h helper_files: the sysroot's driver and standard library, clippy's
 * configuration files, the linker of a link. */
int rust_helper_files(const struct compiler_info *ci, const char *cwd, const struct compile_args *a,
                      const char *(*getenv)(void *ctx, const char *name), void *env_ctx,
                      char **files, size_t max);

#endif
