/* tsmodel.h - the model's use of taskstats */
#ifndef PIDTOP_TSMODEL_H
#define PIDTOP_TSMODEL_H

#include <stddef.h>

#include "model.h"

/* Opens the query socket and the exit listener (when the source is on)
 * and sets the source's state. Returns -1 with why only for a hard error
 * the user asked for (--enable-delayacct that cannot be done). */
int tsmodel_open(struct model *m, char *why, size_t whylen);
void tsmodel_close(struct model *m);
/* Restores kernel.task_delayacct when --enable-delayacct changed it. */
void tsmodel_restore_delayacct(struct model *m);
/* Taskstats replies come a slice of the listing at a time (TGIDs on
 * process rows, TIDs on thread rows), just before those tasks are read:
 * begin once per refresh, then query_from(i) before the listed task i
 * when i has reached the end of the last slice; it returns that end. */
void tsmodel_begin_query(struct model *m);
size_t tsmodel_query_from(struct model *m, size_t from);
/* Clears the last refresh's exited rows; call before the scan. */
void tsmodel_begin_refresh(struct model *m);
/* Keeps a copy of a task whose id was just reused, so that its exit record
 * (if it comes this refresh) finishes the old task, not a stranger. */
void tsmodel_keep_replaced(struct model *m, const struct task *old);
/* Turns this interval's exit records into final figures of known tasks
 * and rows for tasks that lived less than one interval (m->exited). */
void tsmodel_drain_exits(struct model *m);

#endif
