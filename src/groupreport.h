/* groupreport.h - batch reports of groups (--group-by, --group-file with
 * -b): one row per group of the report's rows, each summing its members'
 * cells of the summable columns (CPU, memory, faults, disk, delays,
 * context switches, network), so a group row equals the sum of its members
 * in the same report. A sum is null when no member had a value. */
#ifndef PIDTOP_GROUPREPORT_H
#define PIDTOP_GROUPREPORT_H

#include "groups.h"
#include "output.h"

struct group_sum;

struct group_report {
	struct grouping grouping;
	struct group_table names;
	struct group_sum *sums; /* by group index */
	size_t sums_cap;
	size_t *order;
	size_t order_cap;
};

void group_report_init(struct group_report *g, const struct grouping *grouping);
void group_report_free(struct group_report *g);
/* Appends one report of v's rows, grouped, to o->b; sorted by sort when
 * it is a summed column (else by cpu_pct), largest first (reverse:
 * smallest). Returns 0, or -1 when out of memory. */
int group_report_write(struct group_report *g, struct output *o, struct model *m,
		       const struct view *v, const struct column *sort, bool reverse);

#endif
