/* exproute.h - what the exporter (--listen) makes of a request: its
 * method, path and Accept header, as libmicrohttpd parsed them. Pure:
 * what exporter.c answers, and what fuzz/fuzz_exproute.c feeds. */
#ifndef PIDTOP_EXPROUTE_H
#define PIDTOP_EXPROUTE_H

#include <stdbool.h>

enum exproute {
	EXPROUTE_NOT_FOUND,   /* 404: a path other than / and /metrics */
	EXPROUTE_NOT_ALLOWED, /* 405: a known path, a method other than GET or HEAD */
	EXPROUTE_INDEX,       /* the page at / */
	EXPROUTE_TEXT,        /* /metrics in the Prometheus text format */
	EXPROUTE_OPENMETRICS, /* /metrics in OpenMetrics: the Accept header asks for it */
};

/* Whether method is GET or HEAD (the only ones answered with content). */
bool exproute_readonly(const char *method);

/* The answer to method url; accept may be NULL (no Accept header). */
enum exproute exproute_of(const char *method, const char *url, const char *accept);

#endif
