/* rowextra.h - the figures of a task that rarely change, read for rows.
 *
 * oom_score and the I/O priority change only when someone acts on a task
 * (oom_score also as its memory grows), so they are not part of the
 * refresh of every task: the screen reads them for the rows it shows and
 * the batch writers for the rows they report, each task at most once every
 * ROWEXTRA_PERIOD refreshes (staggered by tid) after its first read. */
#ifndef PIDTOP_ROWEXTRA_H
#define PIDTOP_ROWEXTRA_H

#include <stddef.h>

#include "model.h"

#define ROWEXTRA_PERIOD 16

/* Reads what is due for rows[0..n). The I/O priority is asked of the
 * kernel only when the proc root is this machine's /proc. */
void rowextra_update(struct model *m, struct task *const *rows, size_t n);

/* The I/O priority as iotop writes it: "be/4", "rt/0", "idle", or
 * "none/4" (no class set: best-effort at the level nice implies); a
 * static string, or NULL when it is unknown. */
const char *rowextra_ioprio_name(const struct task *t);
/* A sort key for the I/O priority: lower is served first (rt before be
 * before idle, then by level); -1 when unknown. */
int rowextra_ioprio_rank(const struct task *t);

#endif
