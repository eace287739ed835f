/* average.h - pidstat's "Average:" block at the end of a text run.
 *
 * With a COUNT, each text report's rows are added here; at the end every
 * task seen gets one line with the mean of each rate, percentage and size
 * over the reports in which it had a value, and the last value of the
 * other columns (ids, names, state, times). Tasks are kept by identity
 * (tid and start time): a reused pid is another line. */
#ifndef PIDTOP_AVERAGE_H
#define PIDTOP_AVERAGE_H

#include "model.h"
#include "output.h"
#include "rows.h"

struct average;

/* For the text columns of o; NULL when out of memory. */
struct average *average_new(const struct output *o);
void average_free(struct average *a);
/* Adds one report's rows. Returns 0, or -1 when out of memory. */
int average_add(struct average *a, struct model *m, const struct rows *v);
/* Appends the block to o->b: the titles and one line per task (ordered by
 * tid), each line starting with "Average: ". Nothing when no report was
 * added. */
void average_report(struct average *a, struct output *o, struct model *m);

#endif
