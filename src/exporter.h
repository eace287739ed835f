/* exporter.h - pidtop --listen: a Prometheus exporter.
 *
 * The calling thread samples on its own clock (model_refresh, the group
 * accumulator, then both formats of /metrics formatted once); HTTP runs in
 * libmicrohttpd's own thread and answers every scrape with the latest
 * formatted sample, shared by reference under a lock, so a scrape never
 * reads /proc and a slow or hostile client never delays sampling. */
#ifndef PIDTOP_EXPORTER_H
#define PIDTOP_EXPORTER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "groups.h"

struct model;
struct webconfig;

struct exporter_config {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	struct webconfig *web; /* NULL: plain HTTP, no auth */
	double interval_s;
	long count; /* samples, 0 = until stopped (tests) */
	struct grouping grouping;
	unsigned top_k;
	volatile sig_atomic_t *stop;
};

#define EXPORTER_ERR_USAGE (-2) /* the address cannot be used as asked: exit 2 */

/* "[ADDR:]PORT": PORT alone is 127.0.0.1:PORT; ADDR is a numeric IPv4
 * address or an IPv6 one in brackets ([::]:9256). Returns 0 or -1 with a
 * one-line message in err. */
int exporter_parse_listen(const char *s, struct sockaddr_storage *addr, socklen_t *len,
			  char *err, size_t errlen);
struct options;
struct group_rules;
/* Fills cfg from the command line: the address, the interval (-d, 5 s by
 * default), the grouping, and what --web-config and --group-file say
 * (loaded into web and rules, which the caller keeps for the run).
 * Returns 0, or 2 with a one-line message in err (a bad file is a usage
 * error). */
int exporter_setup(const struct options *o, struct exporter_config *cfg, struct group_rules *rules,
		   struct webconfig *web, char *err, size_t errlen);
void exporter_setup_free(struct group_rules *rules, struct webconfig *web);
/* Runs until *stop. Returns 0, EXPORTER_ERR_USAGE, or -1 with why. */
int exporter_run(struct model *m, const struct exporter_config *cfg, char *why, size_t whylen);

#endif
