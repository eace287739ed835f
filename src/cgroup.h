/* cgroup.h - a process's cgroup v2 path (/proc/PID/cgroup "0::PATH") */
#ifndef PIDTOP_CGROUP_H
#define PIDTOP_CGROUP_H

#include "model.h"

/* Reads p's cgroup into p->cgroup (sanitised) when p is new or its turn
 * in the round-robin re-read has come (a process can be moved); a read
 * that fails keeps what was known. Process entries only. */
void cgroup_refresh(struct model *m, struct task *p);

#endif
