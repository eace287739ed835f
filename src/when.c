/* when.c - moments typed by a person, in local time */
#include "when.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static int take_int(const char **p, int digits, int *out)
{
	int v = 0;
	for (int i = 0; i < digits; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

/* "HH:MM[:SS]" at *p, to its end */
static int parse_clock(const char *p, struct when *w)
{
	if (take_int(&p, 2, &w->hour) < 0 || *p++ != ':' || take_int(&p, 2, &w->min) < 0)
		return -1;
	w->sec = 0;
	if (*p == ':' && (p++, take_int(&p, 2, &w->sec) < 0))
		return -1;
	if (*p || w->hour > 23 || w->min > 59 || w->sec > 60)
		return -1;
	return 0;
}

int when_parse(const char *s, struct when *w)
{
	memset(w, 0, sizeof *w);
	const char *p = s;
	if (strlen(s) >= 10 && s[4] == '-') {
		if (take_int(&p, 4, &w->year) < 0 || *p++ != '-' || take_int(&p, 2, &w->mon) < 0 ||
		    *p++ != '-' || take_int(&p, 2, &w->day) < 0)
			return -1;
		if (w->year < 1970 || w->mon < 1 || w->mon > 12 || w->day < 1 || w->day > 31)
			return -1;
		w->has_date = true;
		if (!*p)
			return 0;
		if (*p != ' ' && *p != 'T')
			return -1;
		p++;
	}
	return parse_clock(p, w);
}

static int64_t local_ns(int year, int mon, int day, int hour, int min, int sec)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) * 1000000000;
}

int64_t when_resolve(const struct when *w, int64_t ref_ns)
{
	if (w->has_date)
		return local_ns(w->year, w->mon, w->day, w->hour, w->min, w->sec);
	time_t ref = (time_t)(ref_ns / 1000000000);
	struct tm day;
	localtime_r(&ref, &day);
	int64_t t = local_ns(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, w->hour, w->min,
			     w->sec);
	if (t < ref_ns - (ref_ns % 1000000000))
		t = local_ns(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday + 1, w->hour, w->min,
			     w->sec);
	return t;
}
