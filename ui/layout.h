/* layout.h - the screen's parts placed for the terminal's size
 * (layout.c), into ui->geo, ui->lines and ui->cols. */
#ifndef PIDTOP_UI_LAYOUT_H
#define PIDTOP_UI_LAYOUT_H

#include "uistate.h"

/* After start-up, a resize, or a change of what the header shows. */
void layout_update(struct ui *ui);

#endif
