/* waitinfo.h - why a task is waiting: its taskstats delay breakdown, the
 * kernel function it sleeps in (wchan), its kernel stack, the system call
 * it is blocked in and its OOM figures.
 *
 * Read on demand for the drill-down's Waiting tab, never in the refresh of
 * every task. Each part carries its own status: 0 and the figures, or
 * -errno (-EACCES not permitted, -ENOENT the kernel lacks the file,
 * -ENOTSUP the source is off). Strings are sanitised. */
#ifndef PIDTOP_WAITINFO_H
#define PIDTOP_WAITINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "parse.h"

/* taskstats delay categories; a reply carries each from the version
 * src/taskstats.c decodes it in (has_freepages ... has_irq) */
enum wait_cat {
	WAIT_CPU,       /* runnable, waiting for a CPU */
	WAIT_BLKIO,     /* synchronous block I/O */
	WAIT_SWAPIN,    /* swap-in page faults */
	WAIT_RECLAIM,   /* direct memory reclaim (freepages, version 8) */
	WAIT_THRASHING, /* refaulting page-cache pages (version 9) */
	WAIT_COMPACT,   /* memory compaction (version 11) */
	WAIT_WPCOPY,    /* write-protect copy, copy on write (version 13) */
	WAIT_IRQ,       /* IRQ and softirq time (version 14) */
	WAIT_COUNT
};

struct wait_delay {
	uint64_t count, total_ns;
	bool has; /* the running kernel's taskstats carries it */
};

struct waitinfo {
	int ts_err;          /* 0, -ENOTSUP (taskstats off), -ESRCH, ... */
	uint16_t ts_version;
	bool process;        /* delays summed over the threads (a tgid query) */
	struct wait_delay delay[WAIT_COUNT];
	char wchan[128];     /* "" when the task is not sleeping in a known function */
	int wchan_err;
	char *stack;         /* kernel stack, one frame a line; NULL with stack_err */
	int stack_err;
	struct proc_syscall sc;
	int syscall_err;
	int64_t oom_score, oom_score_adj;
	int oom_err, oom_adj_err;
};

/* Reads it all for the thread tid of process pid (tid == pid: the main
 * thread's files), the delays of the whole process when process is true.
 * Returns 0, or -1 when the task does not exist. Free with waitinfo_free. */
int waitinfo_read(struct model *m, int32_t pid, int32_t tid, bool process, struct waitinfo *w);
void waitinfo_free(struct waitinfo *w);

/* "CPU (run queue)", "block I/O"... */
const char *waitinfo_cat_name(enum wait_cat c);
/* The name of a common system call of this architecture, or NULL. */
const char *waitinfo_syscall_name(int32_t nr);

#endif
