/* groupreport.h - groups of rows (--group-by, --group-file with -b; the
 * screen's group view, ui/groupview.c): one row per group of the given
 * rows, each summing its members' cells of the summable columns (CPU,
 * memory, faults, disk, delays, context switches, network), so a group row
 * equals the sum of its members in the same report. A sum is null when no
 * member had a value. */
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
	size_t *order; /* the groups with members, sorted (group_report_sum) */
	size_t order_cap;
	long *row_group; /* each summed row's group index */
	size_t row_group_cap;
};

void group_report_init(struct group_report *g, const struct grouping *grouping);
void group_report_free(struct group_report *g);
/* Sums rows[0..n) by group, replacing the previous sums. Then
 * g->order[0..count) are the indexes of the groups with members, sorted by
 * sort: a summed column by its sum and threads by the thread count, largest
 * first; a text column (left-aligned: comm, user...) by the group's name,
 * A first; any other by cpu_pct; reverse turns the order round. Row r's
 * group is g->row_group[r]. Group indexes last the struct's life (a group
 * keeps its index when it comes back). Returns count, or -1 when out of
 * memory. */
long group_report_sum(struct group_report *g, struct model *m, struct task *const *rows,
		      size_t n, const struct column *sort, bool reverse);
const char *group_report_name(const struct group_report *g, size_t i);
void group_report_counts(const struct group_report *g, size_t i, int64_t *processes,
			 int64_t *threads);
/* Group i's cell of col: the sum of a summed column, the thread count of
 * threads; false for a column that does not sum (an id, a name, a state). */
bool group_report_cell(const struct group_report *g, size_t i, const struct column *col,
		       struct cell *out);
/* Appends one report of v's rows, grouped and sorted as group_report_sum
 * does, to o->b. Returns 0, or -1 when out of memory. */
int group_report_write(struct group_report *g, struct output *o, struct model *m,
		       const struct rows *v, const struct column *sort, bool reverse);

#endif
