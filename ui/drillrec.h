/* drillrec.h - the drill-down on a recording (pidtop -R): what the
 * sample at the cursor holds of the task, and "not recorded" for what a
 * recording does not keep (open files, connections, maps, environment,
 * limits, kernel stack), never the live /proc of this machine, where the
 * pid may be another process. */
#ifndef PIDTOP_UI_DRILLREC_H
#define PIDTOP_UI_DRILLREC_H

#include <stdint.h>

#include "buf.h"

struct ui;
struct task;

enum drill_tab {
	TAB_THREADS, TAB_WAIT, TAB_FILES, TAB_NETWORK, TAB_MEMORY, TAB_ENV, TAB_LIMITS, TAB_CGROUP,
	TAB_COUNT
};

/* The identity lines from y (at most y_end); t is NULL when the sample at
 * the cursor does not hold the task. Returns the next free line. */
int drillrec_identity(struct ui *ui, const struct task *t, int32_t pid, int32_t tid, int y,
		      int y_end);
/* Tab `tab`'s text, '\n'-separated lines, into b. */
void drillrec_tab(struct ui *ui, const struct task *t, int32_t pid, enum drill_tab tab,
		  struct buf *b);

#endif
