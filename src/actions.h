/* actions.h - acting on a task: signal, nice, I/O priority.
 *
 * A task is addressed through a pidfd whose identity is checked against the
 * start time the model recorded, so a pid reused since the task was sampled
 * is never touched. */
#ifndef PIDTOP_ACTIONS_H
#define PIDTOP_ACTIONS_H

#include <stddef.h>

#include "model.h"

enum ioprio_class { IOPRIO_NONE = 0, IOPRIO_RT = 1, IOPRIO_BE = 2, IOPRIO_IDLE = 3 };

/* Each returns 0, or -1 with a one-line reason in why ("no such process
 * (it exited)", "not permitted: ...", "pid reused by another process"). */
int action_signal(struct model *m, const struct task *t, int sig, char *why, size_t whylen);
int action_renice(struct model *m, const struct task *t, int nice, char *why, size_t whylen);
int action_ioprio_set(struct model *m, const struct task *t, enum ioprio_class cls, int level,
		      char *why, size_t whylen);
/* Reads the I/O priority; 0 or -1 with why. */
int action_ioprio_get(struct model *m, const struct task *t, enum ioprio_class *cls, int *level,
		      char *why, size_t whylen);

#endif
