/* waittab.h - the text of the drill-down's Waiting tab ("why is it
 * waiting?"). No curses calls: it writes lines into a buffer. */
#ifndef PIDTOP_UI_WAITTAB_H
#define PIDTOP_UI_WAITTAB_H

#include "buf.h"
#include "waitinfo.h"

struct ui;

/* Lines for w (state: the task's state letter; threads: its thread count,
 * to say when delays are summed over several). */
void waittab_text(struct ui *ui, const struct waitinfo *w, char state, int threads,
		  struct buf *b);

#endif
