/* act.h - one user action (enum ui_action) carried out; the mouse on the table (act.c). */
#ifndef PIDTOP_UI_ACT_H
#define PIDTOP_UI_ACT_H

#include "uistate.h"

/* act.c */
unsigned act_run(struct ui *ui, enum ui_action a);
/* Mouse: a click or wheel at (y, x) with the curses button mask. */
unsigned act_mouse(struct ui *ui, int y, int x, unsigned long bstate);

#endif
