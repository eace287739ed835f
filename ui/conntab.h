/* conntab.h - a process's connections as a table (conntab.c). */
#ifndef PIDTOP_UI_CONNTAB_H
#define PIDTOP_UI_CONNTAB_H

#include "uistate.h"

/* The capture's connections of process pid (live, or as recorded) as a
 * table into b (its titles, then a line each), with their rates over the
 * interval; returns how many. */
size_t conntab_text(struct ui *ui, int32_t pid, struct buf *b);

#endif
