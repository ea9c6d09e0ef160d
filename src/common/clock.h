/* clock: the one monotonic clock timeouts, uptimes and durations use. */
#ifndef ZCCACHE_CLOCK_H
#define ZCCACHE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t monotonic_ms(void);

/* How long after a change, given that change's ctime (ns since the epoch),
 * a file or folder stat'ed now may still change again without its ctime
 * moving: a ctime with nanoseconds comes from the kernel's coarse clock (a
 * tick of 1-10 ms); one on a whole second may come from a filesystem that
 * keeps seconds only (FAT keeps two). */
int64_t timestamp_racy_margin_ns(int64_t ctime_ns);

/* Was a file timestamp t (ns) set at or after since (both from the kernel's
 * coarse clock)? A whole-second t may come from a filesystem that truncates,
 * to two seconds on FAT: then anything in the two seconds before since
 * counts. */
bool timestamp_at_or_after(int64_t t, int64_t since);

#endif
