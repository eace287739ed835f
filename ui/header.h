/* header.h - the meters and status lines above the table (header.c). */
#ifndef PIDTOP_UI_HEADER_H
#define PIDTOP_UI_HEADER_H

#include "uistate.h"

/* header.c */
int header_height(const struct ui *ui, int cols);
void header_draw(struct ui *ui);

#endif
