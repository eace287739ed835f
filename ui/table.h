/* table.h - the table view: columns laid out, rows drawn, the row under a line (table.c). */
#ifndef PIDTOP_UI_TABLE_H
#define PIDTOP_UI_TABLE_H

#include "uistate.h"

/* table.c */
void table_draw(struct ui *ui);
/* Moves the selection by delta rows (clamped); reaction flags. */
unsigned table_move(struct ui *ui, long delta);
/* The table needs no motion reports (the grid's hover asks for them). */
void table_enter(struct ui *ui);
/* A click or wheel on the table: select a row, sort by a title. */
unsigned table_mouse(struct ui *ui, int y, int x, unsigned long bstate);
/* Placed columns for the current width; returns the count. */
size_t table_layout(struct ui *ui, struct layout_slot *out, size_t max);
/* The row under screen line y, or -1. */
long table_row_at(const struct ui *ui, int y);
void table_scroll_to_selection(struct ui *ui);
/* Sorting by a column (reaction flags); by the sort column again
 * reverses it. table_sort_set always sorts ascending by col. */
unsigned table_sort_by(struct ui *ui, const struct column *col);
unsigned table_sort_set(struct ui *ui, const struct column *col);

#endif
