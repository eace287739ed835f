/* groupview.h - the group view (v) (groupview.c). */
#ifndef PIDTOP_UI_GROUPVIEW_H
#define PIDTOP_UI_GROUPVIEW_H

#include "uistate.h"

/* groupview.c: the group view (v). Group rows are stand-in tasks in the
 * row vector with a negative tid; ui_selected() is NULL on them. */
bool groupview_on(const struct ui *ui);
/* The group index of a row's task, or -1 for a task row. */
static inline long groupview_group(const struct task *t)
{
	return t && t->tid < 0 ? -(long)t->tid - 1 : -1;
}
/* Turns the filtered, sorted rows into group rows, each followed by its
 * members while expanded; sets ui->info. 0, or -1 when out of memory. */
int groupview_build(struct ui *ui);
/* Expands (how > 0), collapses (< 0) or toggles (0) the selected row's
 * group (a member's: its group's). Reaction flags. */
unsigned groupview_fold(struct ui *ui, int how);
/* v: tasks, by user, by cgroup, by program, tasks again. */
unsigned groupview_cycle(struct ui *ui);
/* "user", "cgroup", "program" ("" while off) */
const char *groupview_label(const struct ui *ui);
/* Group i's cell of col (its name in COMMAND and in the column that names
 * the grouping); false for a column groups do not sum. */
bool groupview_cell(struct ui *ui, long i, const struct column *col, struct cell *out);
void groupview_free(struct ui *ui);

#endif
