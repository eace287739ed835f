/* threadsum.h - a process's threads summed (process rows) */
#ifndef PIDTOP_THREADSUM_H
#define PIDTOP_THREADSUM_H

#include "model.h"
#include "parse.h"

/* Sums context switches, run-queue wait and run time over p's threads,
 * as deltas against each thread's baseline (m->bases), into p->cur; first:
 * p's first sample, the sums are its totals. */
void threadsum_aggregate(struct model *m, struct task *p, bool first);
/* Drops the baselines of threads and processes that are gone. */
void threadsum_sweep(struct model *m);
/* Makes b the baselines' vector (m->bases, model_priv.h; intvec_free
 * frees it). */
struct intvec;
void threadsum_init(struct intvec *b);
/* p's main thread's own raw counters, its baseline while single-threaded;
 * out of memory leaves it unknown. */
void threadsum_set_main_raw(struct task *p, const struct raw_main *v);
bool threadsum_same_schedstat(const struct proc_schedstat *a, uint64_t run, uint64_t wait,
			      uint64_t slices);

#endif
