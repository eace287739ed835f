/* taskctl.h - acting on a task: signal, nice, I/O priority.
 *
 * A task is addressed through a pidfd whose identity is checked against the
 * start time the model recorded, so a pid reused since the task was sampled
 * is never touched. */
#ifndef PIDTOP_TASKCTL_H
#define PIDTOP_TASKCTL_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

enum ioprio_class { IOPRIO_NONE = 0, IOPRIO_RT = 1, IOPRIO_BE = 2, IOPRIO_IDLE = 3 };

/* Each returns 0, or -1 with a one-line reason in why ("no such process
 * (it exited)", "not permitted: ...", "pid reused by another process"). */
int taskctl_signal(struct model *m, const struct task *t, int sig, char *why, size_t whylen);
/* What an action did to the threads of one row. Linux keeps nice and the
 * I/O priority per thread, so on a process row both apply to every thread
 * the process has (each thread addressed by its own pidfd where the kernel
 * allows, and checked to belong to the process and to be alive across the
 * change); on a thread row to that thread only. */
struct taskctl_result {
	int done, total;  /* threads changed, threads tried */
	char why[160];    /* the first failure, "" when none */
};

/* Each returns 0 when every thread was changed, -1 otherwise (res->why
 * says why; res->done of res->total were changed). */
int taskctl_renice_row(struct model *m, const struct task *t, int nice, struct taskctl_result *res);
int taskctl_ioprio_row(struct model *m, const struct task *t, enum ioprio_class cls, int level,
		      struct taskctl_result *res);

/* Reads the I/O priority; 0 or -1 with why. */
int taskctl_ioprio_get(struct model *m, const struct task *t, enum ioprio_class *cls, int *level,
		      char *why, size_t whylen);

#endif
