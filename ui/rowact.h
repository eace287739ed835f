/* rowact.h - a change to the tagged tasks or the selected one, and its
 * message (rowact.c). */
#ifndef PIDTOP_UI_ROWACT_H
#define PIDTOP_UI_ROWACT_H

#include "uistate.h"

struct taskctl_result;
/* One change to one task; 0, or -1 with a one-line reason. */
typedef int (*rowact_fn)(struct ui *ui, struct task *t, long arg, char *why, size_t whylen);
/* A failed row change as one line ("2 of 3 threads <verb>: why"); -1. */
int rowact_why(const struct taskctl_result *res, const char *verb, char *why, size_t whylen);
/* Applies fn to every tagged task and says how many it changed. */
unsigned rowact_on_tagged(struct ui *ui, const char *verb, rowact_fn fn, long arg);
/* The message after a change to a row's threads: done, or "2 of 3
 * threads <verb>: <why>". */
void rowact_report(struct ui *ui, const struct task *t, const struct taskctl_result *res,
		   const char *verb, const char *done);

#endif
