/* views.h - the one table of what can be on the screen (views.c).
 *
 * The table, the activity grid, the timeline and a task's drill-down are
 * views under the header; help and the column setup take the whole
 * screen; a menu and a prompt sit over the view under them. views_top()
 * is the only place that says which one is up: the loop draws it and
 * gives it keys and clicks first, and act.c enters the one Tab picks. */
#ifndef PIDTOP_UI_VIEWS_H
#define PIDTOP_UI_VIEWS_H

#include "uistate.h"

enum view_place {
	VIEW_UNDER_HEADER, /* the header above it, the function bar below */
	VIEW_WHOLE,        /* the whole screen but the bar */
	VIEW_OVER,         /* over the view under it */
};

struct view_ops {
	const char *name;
	enum view_place place;
	bool modal; /* takes every key and click: the common keys do not apply */
	void (*enter)(struct ui *ui); /* set-up when it comes up; NULL: none */
	void (*draw)(struct ui *ui);  /* NULL: nothing of its own to draw */
	/* its own keys and clicks, before the common ones: reaction flags, 0
	 * when not its (NULL: none) */
	unsigned (*key)(struct ui *ui, int key);
	unsigned (*mouse)(struct ui *ui, int y, int x, unsigned long bstate);
};

/* What is up: a menu, prompt, help or setup, else the view. */
const struct view_ops *views_top(const struct ui *ui);
/* The view under the header: the drill-down while open, else the one Tab
 * picked (table, grid, timeline). */
const struct view_ops *views_main(const struct ui *ui);

#endif
