/* capfilter.h - what the capture listens to: -i's devices and -f's filter.
 *
 * One device is opened by name. A comma list ("eth0,lo") is captured on
 * "any" with Linux cooked v2 headers, which carry the interface index, and
 * a kernel filter keeps the listed interfaces' packets ("ifindex N", libpcap
 * >= 1.10). A user's filter (-f, pcap-filter(7) syntax) is added to
 * pidtop's own with "and": traffic it leaves out is neither counted nor
 * unattributed.
 */
#ifndef PIDTOP_CAPFILTER_H
#define PIDTOP_CAPFILTER_H

#include <stddef.h>

struct capfilter {
	char dev[64];    /* the device to open */
	char *ifexpr;    /* "(ifindex 2 or ifindex 1)" for a list, else NULL */
	const char *user; /* -f, or NULL */
	char label[200]; /* "on eth0,lo, filter \"port 80\"", "" for any and no filter */
};

/* devs: NULL, "any", a device or a comma list; user: NULL or -f. Returns
 * 0, or -1 with why ("no such capture device 'x'"). */
int capfilter_init(struct capfilter *cf, const char *devs, const char *user, char *why,
		   size_t whylen);
void capfilter_free(struct capfilter *cf);

/* base combined with the interface list and the user's filter; malloc'd,
 * NULL when out of memory. */
char *capfilter_expr(const struct capfilter *cf, const char *base);

#endif
