/* metrics.h - the exporter's metrics in the Prometheus text format 0.0.4
 * or OpenMetrics 1.0 (doc/fleet.md lists them; names and labels are a
 * contract: dashboards depend on them).
 *
 * Formatting reads only the accumulator and the model's latest refresh,
 * never /proc: the exporter formats once per sample and serves copies. */
#ifndef PIDTOP_METRICS_H
#define PIDTOP_METRICS_H

#include <stdbool.h>

#include "buf.h"
#include "groupacc.h"

struct model;

/* Appends every family to b; openmetrics also ends it with "# EOF". */
void metrics_format(struct buf *b, bool openmetrics, const struct groupacc *a,
		    const struct model *m, double sample_duration_s);
/* Appends s as a label value: backslash, double quote and newline escaped. */
void metrics_label_value(struct buf *b, const char *s);

#endif
