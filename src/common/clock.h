/* clock: the one monotonic clock timeouts, uptimes and durations use. */
#ifndef ZCCACHE_CLOCK_H
#define ZCCACHE_CLOCK_H

#include <stdint.h>

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t monotonic_ms(void);

#endif
