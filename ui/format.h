/* format.h - cells and column layout for the screen's table.
 * Pure functions over the column table; no curses. */
#ifndef PIDTOP_UI_FORMAT_H
#define PIDTOP_UI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "columns.h"

/* The words for cells without a value; narrow columns get the short form. */
#define FORMAT_NONE "-"
#define FORMAT_NA "n/a"
#define FORMAT_DENIED "no access"
#define FORMAT_DENIED_SHORT "denied"

/* Formats a value cell for a column `width` cells wide, in the column's
 * unit: K/M/G for memory and byte rates, M:SS.cc for CPU time, local
 * time for start times; decimals are dropped before a number overflows.
 * Empty cells become "-", "n/a" or "no access" ("denied" when narrow).
 * Text cells return c->s itself (the caller fits it); others are written
 * to out. */
const char *format_cell(const struct column *col, const struct cell *c, int width, char *out,
			size_t outsize);

/* Byte counts (and rates) in 1024 steps: 512, 1.5K, 12M, 3.2G. */
void format_bytes(double bytes, char *out, size_t outsize);
/* CPU time the way htop shows TIME+: 1:02.34, 3h05:07, 12d04h */
void format_duration(double seconds, char *out, size_t outsize);
/* A meter's value: "1.2G/3.8G" style for memory in KiB */
void format_kib_pair(uint64_t used_kb, uint64_t total_kb, char *out, size_t outsize);
/* Uptime: "3 days, 04:05:06" or "04:05:06" */
void format_uptime(double seconds, char *out, size_t outsize);

/* The header the screen shows for a column (the batch header, except where
 * a symbol reads better on a UTF-8 terminal: ΔRSS, TIME+); accumulated
 * (-a, a): totals, so no "/s". */
const char *format_header(const struct column *col, bool utf8, bool accumulated);

struct layout_slot {
	const struct column *col;
	int x, width;
};

/* The room an unbounded last column (the command line) keeps. */
#define LAYOUT_LAST_MIN 16

/* Places columns left to right on a line `screen_w` cells wide, one space
 * apart. Each is as wide as the wider of its table width and its header
 * (a minimum of 3 so "n/a" fits); an unbounded (COL_LAST) column, which
 * must come last, takes what is left, at least its header. When the line
 * is too narrow, the columns before the unbounded one that would leave it
 * less than LAYOUT_LAST_MIN cells are left out (never the first column);
 * the last one placed may be cut by the edge. Returns the number placed
 * into out (at most n). */
size_t layout_columns(const struct column *const *cols, size_t n, int screen_w, bool utf8,
		      struct layout_slot *out);

#endif
