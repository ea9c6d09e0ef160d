/* clock: CLOCK_MONOTONIC in milliseconds. */
#include "clock.h"

#include <time.h>

int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool timestamp_at_or_after(int64_t t, int64_t since)
{
	return t >= since - (t % 1000000000LL == 0 ? 1000000000LL : 0);
}

int64_t timestamp_racy_margin_ns(int64_t ctime_ns)
{
	return ctime_ns % 1000000000LL != 0 ? 50000000LL : 2000000000LL;
}
