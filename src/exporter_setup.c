/* exporter_setup.c - from the command line to the exporter's settings */
#include "exporter.h"
#include "groups.h"
#include "options.h"
#include "webconfig.h"

#include <stdio.h>
#include <string.h>

/* a fleet is scraped every 15 s or more: 5 s samples keep rate() smooth
 * at a small cost */
#define EXPORTER_DEFAULT_INTERVAL_S 5.0

int exporter_setup(const struct options *o, struct exporter_config *cfg, struct group_rules *rules,
		   struct webconfig *web, char *err, size_t errlen)
{
	memset(cfg, 0, sizeof *cfg);
	memset(rules, 0, sizeof *rules);
	if (exporter_parse_listen(o->listen, &cfg->addr, &cfg->addrlen, err, errlen) < 0)
		return 2;
	cfg->interval_s = o->delay_set ? o->delay_s : EXPORTER_DEFAULT_INTERVAL_S;
	cfg->count = o->count;
	cfg->top_k = o->top_k;
	cfg->grouping.by = (enum group_by)o->group_by;
	if (o->group_file) {
		if (group_rules_load(o->group_file, rules, err, errlen) < 0)
			return 2;
		cfg->grouping.rules = rules;
	}
	if (o->web_config) {
		if (webconfig_load(o->web_config, web, err, errlen) < 0) {
			webconfig_free(web);
			group_rules_free(rules);
			return 2;
		}
		cfg->web = web;
	}
	return 0;
}

void exporter_setup_free(struct group_rules *rules, struct webconfig *web)
{
	group_rules_free(rules);
	if (web)
		webconfig_free(web);
}
