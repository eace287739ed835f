/* cgrouptab.h - the text of the drill-down's Cgroup tab: the task's cgroup
 * v2 limits (memory, cpu, io, pids), how often they bit, and its pressure.
 * No curses calls: it writes lines into a buffer. */
#ifndef PIDTOP_UI_CGROUPTAB_H
#define PIDTOP_UI_CGROUPTAB_H

#include "buf.h"

struct ui;
struct cglimits;

/* Lines for the cgroup at path (from /proc/PID/cgroup's "0::" line; NULL
 * when the task has none), read from the hierarchy now; in a replay, a
 * line saying the recording does not hold them. */
void cgrouptab_text(struct ui *ui, const char *path, struct buf *b);
/* The lines for figures already read. */
void cgrouptab_format(const struct cglimits *c, struct buf *b);

#endif
