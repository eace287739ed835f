/* capfilter.c - the capture's devices and filter (see capfilter.h) */
#include "capfilter.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_index(struct capfilter *cf, const char *name, size_t len, char *why, size_t whylen)
{
	char ifname[IF_NAMESIZE];
	if (len == 0 || len >= sizeof ifname) {
		snprintf(why, whylen, "invalid capture device '%.*s'", (int)len, name);
		return -1;
	}
	memcpy(ifname, name, len);
	ifname[len] = '\0';
	unsigned idx = if_nametoindex(ifname);
	if (idx == 0) {
		snprintf(why, whylen, "no such capture device '%s'", ifname);
		return -1;
	}
	size_t old = cf->ifexpr ? strlen(cf->ifexpr) : 0;
	char *e = realloc(cf->ifexpr, old + 32);
	if (!e) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	cf->ifexpr = e;
	snprintf(e + old, 32, "%sifindex %u", old ? " or " : "", idx);
	return 0;
}

int capfilter_init(struct capfilter *cf, const char *devs, const char *user, char *why,
		   size_t whylen)
{
	memset(cf, 0, sizeof *cf);
	cf->user = user && *user ? user : NULL;
	if (!devs)
		devs = "any";
	if (strlen(devs) >= sizeof cf->dev) {
		snprintf(why, whylen, "invalid capture device '%s'", devs);
		return -1;
	}
	snprintf(cf->dev, sizeof cf->dev, "%s", devs);
	if (strchr(devs, ',')) {
		snprintf(cf->dev, sizeof cf->dev, "any");
		for (const char *p = devs;;) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (add_index(cf, p, len, why, whylen) < 0) {
				capfilter_free(cf);
				return -1;
			}
			if (!end)
				break;
			p = end + 1;
		}
	}
	int n = 0;
	if (strcmp(devs, "any") != 0)
		n = snprintf(cf->label, sizeof cf->label, "on %s", devs);
	if (cf->user && n >= 0 && (size_t)n < sizeof cf->label)
		snprintf(cf->label + n, sizeof cf->label - (size_t)n, "%sfilter \"%s\"", n ? ", " : "",
			 cf->user);
	return 0;
}

void capfilter_free(struct capfilter *cf)
{
	free(cf->ifexpr);
	cf->ifexpr = NULL;
}

char *capfilter_expr(const struct capfilter *cf, const char *base)
{
	size_t len = strlen(base) + 16 + (cf->ifexpr ? strlen(cf->ifexpr) + 16 : 0) +
		     (cf->user ? strlen(cf->user) + 16 : 0);
	char *e = malloc(len);
	if (!e)
		return NULL;
	int n = snprintf(e, len, "(%s)", base);
	if (cf->ifexpr)
		n += snprintf(e + n, len - (size_t)n, " and (%s)", cf->ifexpr);
	if (cf->user)
		snprintf(e + n, len - (size_t)n, " and (%s)", cf->user);
	return e;
}
