/* task.h - one task (a process or a thread) and the table that holds them.
 *
 * A task is identified by (tid, start time): when a pid is reused the old
 * entry is dropped and a new one starts with no samples, so no rate is ever
 * computed across two different processes. */
#ifndef PIDTOP_TASK_H
#define PIDTOP_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "history.h"
#include "intmap.h"
#include "parse.h"

/* Groups of figures, each from one source. `have` says which a task's
 * current sample holds, `denied` which were refused (permission). */
enum task_group {
	TG_STAT = 1u << 0,      /* /proc/P/stat: times, faults, memory, state */
	TG_STATUS = 1u << 1,    /* /proc/P/status: uid, context switches */
	TG_IO = 1u << 2,        /* /proc/P/io: storage bytes */
	TG_SCHEDSTAT = 1u << 3, /* /proc/P/schedstat: run and run-queue wait ns */
	TG_DELAY = 1u << 4,     /* taskstats delay accounting */
	TG_NET = 1u << 5,       /* packet capture */
	TG_TSIO = 1u << 6,      /* storage bytes came from taskstats (thread rows) */
	TG_MEM = 1u << 7,       /* memory figures sampled (not for tasks known only by their exit) */
};

/* The figures of one taskstats reply that the model keeps (ns, bytes). */
struct task_ts {
	uint64_t run_ns;  /* cpu_run_virtual_total: precise on-CPU time */
	uint64_t slices;  /* cpu_count: times it was scheduled */
	uint64_t wait_ns; /* cpu_delay_total: run-queue wait */
	uint64_t nvcsw, nivcsw;
	uint64_t blkio_ns, swapin_ns, reclaim_ns, thrashing_ns;
	uint64_t read_bytes, write_bytes, cwrite_bytes;
	uint32_t uid;
	bool has_io, has_uid;
	double t; /* CLOCK_MONOTONIC seconds when the reply came */
};

/* Cumulative counters as the kernel reports them. */
struct task_counters {
	uint64_t utime, stime, guest;  /* clock ticks; utime includes guest */
	uint64_t minflt, majflt;
	uint64_t run_ns, wait_ns, slices; /* schedstat; process rows: summed over threads */
	uint64_t cswch, nvcswch;          /* process rows: summed over threads */
	uint64_t read_bytes, write_bytes, cwrite_bytes;
	uint64_t blkio_delay_ns, swapin_delay_ns;
	uint64_t reclaim_delay_ns, thrashing_delay_ns;
};

static inline bool task_counters_equal(const struct task_counters *a,
				       const struct task_counters *b)
{
	return memcmp(a, b, sizeof *a) == 0; /* all uint64_t: no padding */
}

/* Network traffic is not a task counter: the capture keeps each process's
 * totals, and a task holds only what moved, in its delta record. */
struct task_net {
	uint64_t tx_bytes, tx_pkts, rx_bytes, rx_pkts;
};

/* Figures derived from two samples, computed once per refresh. */
struct task_rates {
	double cpu_pct, usr_pct, sys_pct, guest_pct, wait_pct;
	double minflt_ps, majflt_ps, cswch_ps, nvcswch_ps;
	double read_bps, write_bps, cwrite_bps;
	double io_delay_pct, swapin_delay_pct, reclaim_delay_pct, thrashing_delay_pct;
	double net_tx_bps, net_rx_bps, net_tx_pps, net_rx_pps;
};

/* What a task needs only while its counters move: the previous sample's
 * counters, the interval's traffic and the rates over the interval. Most
 * tasks sleep through most intervals, and then the previous sample equals
 * the current one and every rate is 0, so a task holds a record only while
 * it differs: taken when a full read or the capture moves it, given back
 * as soon as a read finds nothing moved, or at the sweep. At 5,000 mostly
 * idle tasks that keeps ~2 MiB out of the task table. Records come from a
 * pool: no allocation per task once warm. */
struct task_delta {
	struct task_counters prev;
	struct task_net net; /* the interval's traffic (process rows, thread leaders) */
	struct task_rates rates;
	struct task_delta *next_free;
};

struct delta_pool {
	struct task_delta *free_list;
	struct task_delta **chunks;
	size_t nchunks, chunks_cap;
	size_t held; /* records in use, for tests and measurements */
};

#define TASK_COMM_INLINE 16 /* the kernel's TASK_COMM_LEN */
#define TASK_IOPRIO_UNKNOWN 0xffffu

struct task {
	int32_t tid, tgid, ppid;
	uint32_t uid;
	uint64_t start_ticks;   /* /proc/P/stat starttime: identity with tid */
	union {
		struct task *process;   /* in use: a thread row's process; NULL on process rows */
		uint32_t pool_next;     /* unused: the table's free list (an index) */
	};
	uint32_t seen_gen;      /* scan generation that last listed the task */
	uint32_t exited_gen;    /* generation it was found gone; 0 while alive */
	uint32_t full_gen;      /* generation of the last full read */
	uint32_t sample_gen;    /* generation of the last sample (full or probe) */
	uint32_t agg_gen;       /* generation its threads were last summed */
	uint32_t mem_gen;       /* thread mode: generation a thread's stat gave its memory */
	/* taskstats: this refresh's reply is the model's
	 * ts_replies[list_index - ts_first] when ts_gen == the model's gen and
	 * the index is in the slice queried last; ts_source once its counters
	 * feed cur */
	uint32_t list_index;
	uint32_t ts_gen;
	/* the refresh in which a counter file failed to read: no rate from
	 * that sample nor across it (its start time stays known) */
	uint32_t rebase_gen;
	int32_t nthreads;
	uint32_t cmdline_len;
	uint16_t have, denied;
	uint8_t nsamples;       /* saturates at 2 */
	uint8_t hist_n;         /* refreshes in the history, saturates at HIST_LEN */
	char state;
	/* the flags in single bits and the 16-bit figures after them keep a
	 * task at 368 bytes: 6,000 are 2.1 MiB, most of thread mode's heap */
	bool is_thread : 1;
	bool active : 1;        /* did something in the last interval */
	bool in_use : 1;
	bool rates_valid : 1;   /* false on a task's first sample: no rate from nothing */
	bool cmdline_empty : 1; /* kernel threads and zombies have none */
	bool ts_source : 1;
	bool exit_final : 1;    /* cur holds the final figures of its exit record */
	bool listed_new : 1;    /* created by this refresh's listing */
	/* figures that rarely change, read for rows only (rowextra.h) */
	bool extra_read : 1;    /* oom_score and ioprio below were read */
	int16_t oom_score;      /* /proc/PID/oom_score, -1 unknown */
	uint16_t ioprio;        /* ioprio_get(): class << 13 | level; TASK_IOPRIO_UNKNOWN */
	int16_t nice;           /* -20..19 */
	int16_t priority;       /* /proc/PID/stat's: -100..39 */
	int16_t processor;      /* the CPU it last ran on (the kernel has at most 8,192) */
	uint64_t vsz_kb, rss_kb, prev_rss_kb;
	int64_t rss_delta_kb;   /* rss_kb against the previous (or -a: first) sample */
	struct task_counters cur;
	/* NULL: the previous sample's counters equal cur and every rate is 0
	 * (use task_prev() and task_rates()) */
	struct task_delta *delta;
	/* -a: the first sample, allocated only in accumulated mode */
	struct task_first {
		struct task_counters c;
		struct task_net net; /* traffic since, summed over the intervals */
		double t, ts_t;
		uint64_t rss_kb;
		uint32_t gen;        /* the refresh it was taken in */
	} *first;
	struct hist *hist;      /* NULL while the task has done nothing */
	/* process rows: the main thread's own raw counters, the baseline for
	 * advancing the process totals while it is single-threaded. Only
	 * process rows have one: allocated at the first, NULL until then */
	struct raw_main {
		uint64_t cswch, nvcswch, wait_ns, run_ns, slices;
	} *main_raw;
	double cur_t, prev_t; /* CLOCK_MONOTONIC seconds of the samples */
	/* when the taskstats counters in cur/prev were taken: a reply arrives
	 * earlier in the refresh than the task's files are read */
	double cur_ts_t, prev_ts_t;
	char *cmdline;             /* sanitised, joined by spaces; NULL until read */
	char *cgroup;              /* process rows: cgroup v2 path, sanitised; NULL until read */
	/* The name, sanitised: read it with task_comm(), set it with
	 * task_set_comm(). The kernel keeps 15 bytes of a user task's name,
	 * which fit here; kernel threads may have longer ones
	 * (kworker/1:0H-events_highpri), kept in comm_long. */
	char *comm_long;
	char comm_in[TASK_COMM_INLINE];
};

static inline const char *task_comm(const struct task *t)
{
	return t->comm_long ? t->comm_long : t->comm_in;
}

/* Sets a task's name (a sanitised string); returns whether it changed. Out
 * of memory keeps as much of a long name as fits inline. */
bool task_set_comm(struct task *t, const char *name);

/* Hash table keyed by tid with chunked storage: task pointers stay valid
 * until the task is removed, so views may hold them across refreshes. */
struct task_table {
	struct intmap index; /* tid -> the task's place in chunks */
	size_t count;
	uint32_t free_list;  /* a place in chunks, or INTMAP_NONE */
	struct task **chunks;
	size_t nchunks, chunks_cap;
	struct delta_pool *deltas; /* where removed tasks return their records; may be NULL */
};

void task_table_init(struct task_table *t);
void task_table_free(struct task_table *t);
struct task *task_table_find(const struct task_table *t, int32_t tid);
/* Returns a zeroed task with the tid set and inserted, or NULL when out of
 * memory. The tid must not be present. */
struct task *task_table_insert(struct task_table *t, int32_t tid);
void task_table_remove(struct task_table *t, struct task *task);
/* Calls fn for every task; fn may remove the task it is given. */
void task_table_foreach(struct task_table *t, void (*fn)(struct task *, void *), void *ctx);

/* Forgets a task's samples (pid reuse, or a fresh start). Keeps tid.
 * Its delta record, if any, goes back to pool (which may be NULL). */
void task_reset(struct task *task, struct delta_pool *pool);
/* Frees what a task owns (command line, long name, first sample, history,
 * main thread baseline) and gives its delta record back to pool. */
void task_release(struct task *task, struct delta_pool *pool);

void delta_pool_free(struct delta_pool *pool);
/* Gives the task a record if it has none, its prev a copy of cur (what
 * "no record" meant). False when out of memory. */
bool delta_hold(struct delta_pool *pool, struct task *task);
/* Returns the task's record to the pool: its prev becomes cur again. */
void delta_release(struct delta_pool *pool, struct task *task);

static inline const struct task_counters *task_prev(const struct task *t)
{
	return t->delta ? &t->delta->prev : &t->cur;
}

/* The rates of the last refresh (all 0 without a record); meaningful
 * only when t->rates_valid. */
static inline const struct task_rates *task_rates(const struct task *t)
{
	static const struct task_rates zero;
	return t->delta ? &t->delta->rates : &zero;
}

#endif
