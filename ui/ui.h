/* ui.h - the interactive screen (ncursesw). Everything it shows comes
 * from the model; it never reads /proc, netlink or pcap itself. */
#ifndef PIDTOP_UI_H
#define PIDTOP_UI_H

#include <signal.h>
#include <stddef.h>

#include "model.h"
#include "options.h"

/* Runs the screen until the user quits or *stop is set by a signal.
 * Restores the terminal on every way out. Returns the exit status
 * (0), or 1 with a one-line reason in why. */
int ui_run(struct model *m, struct options *opt, volatile sig_atomic_t *stop, char *why,
	   size_t whylen);

#endif
