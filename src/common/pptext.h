/*
 * pptext: what the launcher checks in a preprocessor's output before it is
 * keyed (preprocessor mode, src/cache/preprocess.h). Here, not in the cache
 * engine, because the launcher reads that output and the server never does.
 */
#ifndef ZCCACHE_PPTEXT_H
#define ZCCACHE_PPTEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether preprocessed text may make an assembler that names no file it
 * reads (clang's integrated one) read one: "include" or "incbin", or a
 * macro (.macro, .irp, .irpc) that could build either from pieces, in any
 * case (directive names are case-insensitive), outside line markers
 * ("# 1 \"/usr/include/x.h\""). In an assembler source (asm_source)
 * anywhere; in C text, in string literals (what asm() hands over), those
 * the compiler will join ("." "include") joined. A superset, so that yes
 * may be wrong and no never is. p[n] must be readable (a NUL).
 */
bool pptext_may_include(const char *p, size_t n, bool asm_source);

/*
 * Call fn with the name of every file a line marker says the preprocessor
 * entered ("# 3 \"inc/x.h\" 1", flag 1; gcc and clang), unescaped, in
 * order, repeats included. A #line directive's marker has no flag 1: it
 * names no file that was read. 0, or -ENAMETOOLONG for a name longer than
 * PATH_MAX (the caller cannot then say what was read). p[n] must be
 * readable and not a digit (a terminating NUL).
 */
int pptext_entered(const char *p, size_t n, void (*fn)(void *ctx, const char *name), void *ctx);

#endif
