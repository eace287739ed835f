/* tools.h - strace and lsof on the selected task (tools.c). */
#ifndef PIDTOP_UI_TOOLS_H
#define PIDTOP_UI_TOOLS_H

#include "uistate.h"

/* tools.c: s and l run strace or lsof on the selected task (the screen
 * suspended meanwhile); a missing tool gets a message naming its package */
unsigned tools_run(struct ui *ui, bool strace);

#endif
