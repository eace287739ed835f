/* drill.h - the drill-down: everything about one task, in its own view.
 *
 * Opened with Enter on a task in the table or the grid (or a process in
 * the timeline), closed with Esc or q (the cursor is where it was). On a
 * recording it shows the sample at the cursor (drillrec.h) and reads no
 * /proc file. The task's files are read (taskinfo.h) when it
 * opens and at every refresh while it stays open; smaps, which is
 * expensive and holds the target's memory lock, only while the Memory tab
 * shows and at most once per refresh. */
#ifndef PIDTOP_UI_DRILL_H
#define PIDTOP_UI_DRILL_H

#include <stddef.h>
#include <stdint.h>

struct ui;
struct buf;

/* Opens the drill-down on the selected task; returns reaction flags. */
unsigned drill_open(struct ui *ui);
/* Opens it on the row (tid, start_ticks) of process pid (the timeline's
 * Enter); in a replay, as recorded in the sample at the cursor. */
unsigned drill_open_row(struct ui *ui, int32_t tid, int32_t pid, uint64_t start_ticks);
void drill_close(struct ui *ui);
/* Reads the task again (after a model refresh). */
void drill_refresh(struct ui *ui);
void drill_draw(struct ui *ui);
/* Returns reaction flags, or 0 when the key is not the drill-down's. */
unsigned drill_key(struct ui *ui, int key);
unsigned drill_mouse(struct ui *ui, int y, int x, unsigned long bstate);

#endif
