/* clock.h - the model's clock.
 *
 * Times are CLOCK_MONOTONIC seconds as doubles, quantized to whole
 * microseconds: a recording keeps every time the rates are computed from
 * as an integer number of microseconds (doc/pidtop-record.5), and a replay
 * turns it back into the very same double, so replayed rates equal the
 * live ones bit for bit. A microsecond is far below anything a rate over
 * an interval can show. */
#ifndef PIDTOP_CLOCK_H
#define PIDTOP_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline double clock_us_to_s(int64_t us)
{
	return (double)us * 1e-6;
}

/* The inverse of clock_us_to_s for the values it makes (exact up to
 * centuries of uptime); other values are rounded to the nearest. */
static inline int64_t clock_s_to_us(double s)
{
	double us = s * 1e6;
	return (int64_t)(us >= 0 ? us + 0.5 : us - 0.5);
}

/* The one read of CLOCK_MONOTONIC, in nanoseconds (the capture's
 * timestamps), and as the model's microseconds and seconds. */
static inline uint64_t clock_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline int64_t clock_mono_us(void)
{
	return (int64_t)(clock_mono_ns() / 1000);
}

static inline double clock_mono_s(void)
{
	return clock_us_to_s(clock_mono_us());
}

/* How far CLOCK_BOOTTIME (the clock of /proc's start times) is ahead of
 * CLOCK_MONOTONIC: the time spent suspended, in nanoseconds. */
static inline uint64_t clock_boot_offset_ns(void)
{
	struct timespec b, m;
	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	int64_t d = ((int64_t)b.tv_sec - (int64_t)m.tv_sec) * 1000000000 + (b.tv_nsec - m.tv_nsec);
	return d > 0 ? (uint64_t)d : 0;
}

#endif
