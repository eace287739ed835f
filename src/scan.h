/* scan.h - the per-refresh walk of the proc root */
#ifndef PIDTOP_SCAN_H
#define PIDTOP_SCAN_H

#include "model.h"

/* Samples every task listed under the proc root; tasks not listed keep
 * their old seen_gen. Returns -1 when the root cannot be listed. */
int scan_all(struct model *m);

#endif
