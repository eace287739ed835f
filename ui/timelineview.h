/* timelineview.h - the timeline view (Tab after the grid): the busiest
 * processes over the whole recording (pidtop -R), or over the history
 * kept so far (live), CPU stacked by process above, RSS as lines below, a
 * legend with their names, and the replay position as a cursor. The
 * figures come from src/timeline.h; this room draws them.
 *
 * Glyphs: with UTF-8 and colour, blocks in eighths for the CPU stack and
 * braille dots for RSS, a colour per process; otherwise a character per
 * process (the legend shows which). Keys: Up/Down choose a process in the
 * legend (it becomes the screen's selected task when it is among the
 * rows, so F9, F7/F8, i act on it), Enter opens its drill-down at the
 * cursor's sample; the replay keys (, . { } b) move the cursor. */
#ifndef PIDTOP_UI_TIMELINEVIEW_H
#define PIDTOP_UI_TIMELINEVIEW_H

struct ui;

/* Entering the view: the chart is built at the next draw. */
void timelineview_enter(struct ui *ui);
void timelineview_draw(struct ui *ui);
/* Returns reaction flags, or 0 when the key is not the view's. */
unsigned timelineview_key(struct ui *ui, int key);
unsigned timelineview_mouse(struct ui *ui, int y, int x, unsigned long bstate);
void timelineview_free(struct ui *ui);

#endif
