/*
 * fallback (launcher side): a compile about to run without the cache is
 * logged, counted in the per-user record zccachectl reads, and, when its
 * cause will not go away by itself, said on stderr once an hour per folder.
 */
#ifndef ZCCACHE_FALLBACK_NOTE_H
#define ZCCACHE_FALLBACK_NOTE_H

#include "fallback.h"
#include "paths.h"

/* Seconds between two stderr lines for the same build folder. */
#define FALLBACK_NOTICE_INTERVAL_S 3600

/* paths may be partly empty (paths_resolve failed); cwd may be NULL. */
void fallback_note(const struct zc_paths *p, enum fallback_reason r, const char *cwd,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
