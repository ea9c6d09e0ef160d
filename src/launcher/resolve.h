/*
 * resolve: find the real compiler. When zccache runs as a masquerade link
 * (/usr/lib/zccache/gcc) or is named through one, the first match in PATH may
 * be zccache itself; every such match is skipped.
 */
#ifndef ZCCACHE_RESOLVE_H
#define ZCCACHE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

/* True when path is this very executable (same device and inode). */
bool resolve_is_self(const char *path);

/*
 * Resolve name (a bare name searched in PATH, or a path) to an executable
 * that is not zccache. Returns 0 with out filled, -ENOENT when none exists.
 */
int resolve_compiler(const char *name, char *out, size_t n);

#endif
