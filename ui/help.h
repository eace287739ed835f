/* help.h - the help screen and the column setup screen (help.c). */
#ifndef PIDTOP_UI_HELP_H
#define PIDTOP_UI_HELP_H

#include "uistate.h"

void help_draw(struct ui *ui);
unsigned help_key(struct ui *ui, int key);
unsigned help_mouse(struct ui *ui, int y, int x, unsigned long bstate);
void setup_draw(struct ui *ui);
unsigned setup_key(struct ui *ui, int key);
unsigned setup_mouse(struct ui *ui, int y, int x, unsigned long bstate);

#endif
