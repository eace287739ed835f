/* exproute.c - a request's method, path and Accept header to the answer
 * the exporter gives. See exproute.h. */
#include "exproute.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

bool exproute_readonly(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* Whether the Accept header's media ranges include OpenMetrics with a
 * quality above 0. */
static bool wants_openmetrics(const char *accept)
{
	if (!accept)
		return false;
	const char *p = strstr(accept, "application/openmetrics-text");
	if (!p)
		return false;
	/* a quality of 0 in its media range turns the type down */
	size_t range = strcspn(p, ",");
	const char *q = strstr(p, "q=");
	return !(q && q < p + range && strtod(q + 2, NULL) <= 0);
}

enum exproute exproute_of(const char *method, const char *url, const char *accept)
{
	bool is_metrics = strcmp(url, "/metrics") == 0;
	if (!is_metrics && strcmp(url, "/") != 0)
		return EXPROUTE_NOT_FOUND;
	if (!exproute_readonly(method))
		return EXPROUTE_NOT_ALLOWED;
	if (!is_metrics)
		return EXPROUTE_INDEX;
	return wants_openmetrics(accept) ? EXPROUTE_OPENMETRICS : EXPROUTE_TEXT;
}
