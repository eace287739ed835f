/* screen.h - the terminal: set-up, geometry, clipped text, mouse modes (screen.c). */
#ifndef PIDTOP_UI_SCREEN_H
#define PIDTOP_UI_SCREEN_H

#include "uistate.h"

/* screen.c */
int screen_init(struct ui *ui, char *why, size_t whylen);
void screen_end(struct ui *ui);
/* Writes text clipped to the screen, from (y, x), at most `width` cells. */
int screen_put(struct ui *ui, int y, int x, int width, const char *s, attr_t a);
/* Bars 0 to 8 eighths of a cell high: a space, then U+2581..U+2588 (UTF-8) */
extern const char *const screen_eighths[9];
/* The mouse events asked for: buttons and wheel, plus motion when true. */
void screen_mouse(struct ui *ui, bool motion);

#endif
