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
 * reads (clang's integrated one) read one: "include" or "incbin" anywhere,
 * or a macro (.macro, .irp, .irpc) that could build either from pieces, in
 * any case (directive names are case-insensitive), outside line markers
 * ("# 1 \"/usr/include/x.h\""). A superset, so that yes may be wrong and
 * no never is.
 */
bool pptext_may_include(const char *p, size_t n);

#endif
