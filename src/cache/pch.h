/*
 * pch: precompiled headers as the cache sees them: which compiles make one
 * and which use one, for the counters `zccachectl stats` shows.
 */
#ifndef ZCCACHE_PCH_H
#define ZCCACHE_PCH_H

#include <stdbool.h>

#include "args.h"
#include "manifest.h"

/* Does the entry key a .gch the include search found (manifest.c)? */
bool pch_entry_uses_gch(const struct manifest_entry *e);

/*
 * The counter a hit (or a stored miss) of this compile also bumps:
 * "pch.compile_hit"/"pch.compile_stored" for a compile that makes a PCH,
 * "pch.use_hit"/"pch.use_stored" for one that loads one (clang's
 * -include-pch, or a .gch keyed by its include search); NULL otherwise.
 */
const char *pch_counter(const struct compile_args *a, bool uses_gch, bool hit);

#endif
