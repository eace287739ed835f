/* format.c - cell text in human units, and the column layout */
#include "format.h"
#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void format_bytes(double bytes, char *out, size_t outsize)
{
	column_format_human(bytes, out, outsize);
}

void format_duration(double seconds, char *out, size_t outsize)
{
	if (!(seconds >= 0))
		seconds = 0;
	uint64_t cs = (uint64_t)(seconds * 100.0 + 0.5);
	uint64_t s = cs / 100;
	if (s < 3600)
		snprintf(out, outsize, "%u:%02u.%02u", (unsigned)(s / 60), (unsigned)(s % 60),
			 (unsigned)(cs % 100));
	else if (s < 100 * 3600)
		snprintf(out, outsize, "%uh%02u:%02u", (unsigned)(s / 3600),
			 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	else
		snprintf(out, outsize, "%llud%02uh", (unsigned long long)(s / 86400),
			 (unsigned)(s / 3600 % 24));
}

void format_kib_pair(uint64_t used_kb, uint64_t total_kb, char *out, size_t outsize)
{
	char a[16], b[16];
	format_bytes((double)used_kb * 1024.0, a, sizeof a);
	format_bytes((double)total_kb * 1024.0, b, sizeof b);
	snprintf(out, outsize, "%s/%s", a, b);
}

void format_uptime(double seconds, char *out, size_t outsize)
{
	if (!(seconds >= 0))
		seconds = 0;
	uint64_t s = (uint64_t)seconds;
	uint64_t days = s / 86400;
	unsigned h = (unsigned)(s / 3600 % 24), mi = (unsigned)(s / 60 % 60), se = (unsigned)(s % 60);
	if (days)
		snprintf(out, outsize, "%llu day%s, %02u:%02u:%02u", (unsigned long long)days,
			 days == 1 ? "" : "s", h, mi, se);
	else
		snprintf(out, outsize, "%02u:%02u:%02u", h, mi, se);
}

static bool fits(const char *s, int width)
{
	return (int)strlen(s) <= width;
}

/* A real number with the column's decimals, fewer when that overflows,
 * K/M/G when even the integer does not fit. */
static void format_real(double v, int decimals, int width, char *out, size_t outsize)
{
	for (int d = decimals; d >= 0; d--) {
		snprintf(out, outsize, "%.*f", d, v);
		if (fits(out, width))
			return;
	}
	column_format_human(v, out, outsize);
}

static void format_epoch(double t, char *out, size_t outsize)
{
	time_t when = (time_t)t;
	time_t now = time(NULL);
	struct tm tm;
	if (!localtime_r(&when, &tm)) {
		snprintf(out, outsize, "?");
		return;
	}
	/* today's starts by the clock, older ones by the date (like ps) */
	strftime(out, outsize, now - when < 86400 ? "%H:%M:%S" : "%b%d", &tm);
}

static const char *format_empty(enum cell_state st, int width)
{
	switch (st) {
	case CELL_NONE: return FORMAT_NONE;
	case CELL_NA: return FORMAT_NA;
	case CELL_DENIED:
		return width >= (int)strlen(FORMAT_DENIED) ? FORMAT_DENIED : FORMAT_DENIED_SHORT;
	case CELL_VALUE: break;
	}
	return "?";
}

const char *format_cell(const struct column *col, const struct cell *c, int width, char *out,
			size_t outsize)
{
	if (c->state != CELL_VALUE)
		return format_empty(c->state, width);
	if (c->kind == CELL_TEXT)
		return c->s ? c->s : "";
	double v = c->kind == CELL_INT ? (double)c->i : c->d;
	switch (col->unit) {
	case UNIT_KB:
		format_bytes(v * 1024.0, out, outsize);
		if (v > 0 && strcmp(col->id, "rss_delta_kb") == 0 && strlen(out) + 1 < outsize) {
			/* growth gets a sign like shrinking does */
			memmove(out + 1, out, strlen(out) + 1);
			out[0] = '+';
		}
		break;
	case UNIT_BPS:
		format_bytes(v, out, outsize);
		break;
	case UNIT_SECONDS:
		format_duration(v, out, outsize);
		break;
	case UNIT_EPOCH:
		format_epoch(v, out, outsize);
		break;
	case UNIT_PCT:
	case UNIT_PS:
		format_real(v, col->decimals, width, out, outsize);
		break;
	case UNIT_NONE:
		if (c->kind == CELL_INT)
			snprintf(out, outsize, "%lld", (long long)c->i);
		else
			format_real(v, col->decimals, width, out, outsize);
		break;
	}
	return out;
}

const char *format_header(const struct column *col, bool utf8, bool accumulated)
{
	if (strcmp(col->id, "cpu_time") == 0)
		return "TIME+";
	if (utf8 && strcmp(col->id, "rss_delta_kb") == 0)
		return "\xce\x94RSS"; /* U+0394 GREEK CAPITAL LETTER DELTA */
	return column_title(col, accumulated);
}

static int column_width(const struct column *col, bool utf8, int *header_w)
{
	const char *h = format_header(col, utf8, false); /* the wider title */
	int hw = text_width(h, strlen(h), utf8);
	int w = col->width > hw ? col->width : hw;
	if (w < 3)
		w = col->flags & COL_LAST ? hw : 3;
	if (header_w)
		*header_w = hw;
	return w;
}

size_t layout_columns(const struct column *const *cols, size_t n, int screen_w, bool utf8,
		      struct layout_slot *out)
{
	size_t placed = 0;
	int x = 0;
	const struct column *last = n && (cols[n - 1]->flags & COL_LAST) ? cols[n - 1] : NULL;
	int reserve = 0;
	if (last) {
		int hw;
		column_width(last, utf8, &hw);
		reserve = (hw > LAYOUT_LAST_MIN ? hw : LAYOUT_LAST_MIN) + 1;
	}
	size_t nfixed = last ? n - 1 : n;
	for (size_t i = 0; i < nfixed && x < screen_w; i++) {
		int w = column_width(cols[i], utf8, NULL);
		/* the command line keeps its room: the columns before it that do
		 * not fit are left out (the first one always shows) */
		if (i > 0 && x + w + reserve > screen_w)
			break;
		out[placed].col = cols[i];
		out[placed].x = x;
		out[placed].width = w;
		placed++;
		if (w > screen_w - x)
			return placed; /* cut by the edge: nothing can follow it */
		x += w + 1;
	}
	if (last && x < screen_w) {
		int hw, w = column_width(last, utf8, &hw);
		out[placed].col = last;
		out[placed].x = x;
		out[placed].width = screen_w - x > w ? screen_w - x : w;
		placed++;
	}
	return placed;
}
