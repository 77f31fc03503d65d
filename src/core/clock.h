/*
 * clock.h: the monotonic clock, for durations and deadlines (never the time of day).
 */
#ifndef GH_CLOCK_H
#define GH_CLOCK_H

#include <time.h>

/* Milliseconds since an arbitrary point, with the clock's full resolution. */
static inline double
clock_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

#endif
