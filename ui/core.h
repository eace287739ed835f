/* core.h - what every room of the screen shares (core.c): the status
 * message, the clock, the selection. Nothing here calls another room. */
#ifndef PIDTOP_UI_CORE_H
#define PIDTOP_UI_CORE_H

#include "uistate.h"

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
double ui_now(void);
/* The selected task, or NULL when there are no rows (or on a group row). */
struct task *ui_selected(struct ui *ui);
void ui_select_row(struct ui *ui, size_t row);
/* The task with this identity among the rows, or NULL. */
struct task *ui_find_task(struct ui *ui, int32_t tid, uint64_t start);
/* Selects the next row from `from` (wrapping) whose command or name
 * contains text, case-insensitively; returns false when none does. */
bool ui_search(struct ui *ui, const char *text, size_t from);

#endif
