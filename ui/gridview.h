/* gridview.h - the activity grid as a view (gridview.c): one cell per
 * row, drawn from grid.h's layout, with a cursor, a tip and a pin. */
#ifndef PIDTOP_UI_GRIDVIEW_H
#define PIDTOP_UI_GRIDVIEW_H

#include "uistate.h"

void gridview_draw(struct ui *ui);
/* Keys the grid handles itself (cursor moves); returns reaction flags, or
 * 0 when the key is not the grid's. */
unsigned gridview_key(struct ui *ui, int key);
unsigned gridview_mouse(struct ui *ui, int y, int x, unsigned long bstate);
/* The grid view takes the screen's selected task as its cursor. */
void gridview_enter(struct ui *ui);
/* p: pins the tip to the task under the cursor (again: unpins). */
unsigned gridview_pin(struct ui *ui);
void gridview_free(struct ui *ui);

#endif
