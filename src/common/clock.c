/* clock: CLOCK_MONOTONIC in milliseconds. */
#include "clock.h"

#include <time.h>

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The coarsest stamp a filesystem we may meet keeps: FAT's two seconds (a
 * change at S.x, S odd, is stamped S-1). A whole-second stamp may come from
 * it, so both rules below give every whole-second stamp this much. */
#define COARSEST_STAMP_NS 2000000000LL

bool timestamp_at_or_after(int64_t t, int64_t since)
{
	return t >= since - (t % 1000000000LL == 0 ? COARSEST_STAMP_NS : 0);
}

int64_t timestamp_racy_margin_ns(int64_t ctime_ns)
{
	return ctime_ns % 1000000000LL != 0 ? 50000000LL : COARSEST_STAMP_NS;
}
