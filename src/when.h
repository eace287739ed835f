/* when.h - a moment given on the command line or typed on the screen:
 * "HH:MM", "HH:MM:SS", or a date "YYYY-MM-DD[ HH:MM[:SS]]" (a "T" may
 * stand for the space), in local time. A time of day alone means the first
 * such moment from a reference on (a recording's start). */
#ifndef PIDTOP_WHEN_H
#define PIDTOP_WHEN_H

#include <stdbool.h>
#include <stdint.h>

struct when {
	bool has_date;
	int year, mon, day; /* with has_date */
	int hour, min, sec;
};

/* Returns 0, or -1 when s is none of the forms above (or out of range). */
int when_parse(const char *s, struct when *w);
/* The moment in nanoseconds since the epoch; a time of day alone is the
 * first one at or after ref_ns. */
int64_t when_resolve(const struct when *w, int64_t ref_ns);

#endif
