/* batch.h - the report loop for -b and non-terminal output */
#ifndef PIDTOP_BATCH_H
#define PIDTOP_BATCH_H

#include <signal.h>
#include <stdbool.h>

#include "groups.h"
#include "model.h"
#include "output.h"
#include "rows.h"

struct batch_config {
	double interval_s;
	long count; /* 0 = until stopped */
	enum output_format format;
	const struct column *sort;
	bool reverse;
	bool connections;
	bool timestamp; /* text: the time on every line */
	const struct column *const *columns; /* --columns, NULL = default */
	size_t ncolumns;
	struct row_filter filter;
	const struct grouping *grouping; /* --group-by/--group-file: group rows; NULL: tasks */
	int out_fd;
	volatile sig_atomic_t *stop; /* set by a signal handler */
	bool quiet;     /* -w without -o: record, print nothing */
	int64_t end_ns; /* replay: stop after the last sample at or before it; 0: at the end */
};

/* Runs the loop. Returns 0 when done or stopped (a closed pipe is a normal
 * stop), 1 with a message in why on failure. */
int batch_run(struct model *m, const struct batch_config *cfg, char *why, size_t whylen);

#endif
