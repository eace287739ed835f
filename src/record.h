/* record.h - what a sample of the model is in a recording (the file:
 * src/recfile.h, doc/pidtop-record.5).
 *
 * A recording keeps what the model computes its figures from, not the
 * figures: each task's counters as read, the times they were read at (in
 * whole microseconds, src/clock.h) and which baseline its rates are taken
 * against; the machine's raw counters; the sources' states. A replay
 * (replay.h) puts them back into a model, and the same code as in a live
 * refresh computes every rate, so a replayed report equals the live one.
 *
 * The tables, and their rows in a sample:
 *   sample   one row: the sources, the machine's figures, capture totals
 *   cpus     one row per CPU: its raw times
 *   procs    one row per process entry the model holds (alive, or ended
 *            and still shown)
 *   threads  the same for thread entries (recordings made with -H)
 *   ended    tasks that began and ended between two samples (their exit
 *            records), an EVENT table: rows of that sample only
 *   conns    the capture's connections (recordings made with
 *            --connections or on the screen): each one's process, socket
 *            state and traffic, total and over the interval */
#ifndef PIDTOP_RECORD_H
#define PIDTOP_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "recfile.h"

enum record_table { RT_SAMPLE, RT_CPUS, RT_PROCS, RT_THREADS, RT_ENDED, RT_CONNS, RT_COUNT };

/* The fields of a task row, in the order of record_schema's task tables. */
enum record_task_field {
	RF_TID, RF_START, /* the key: a task is its id and its start time */
	RF_TGID, RF_PPID, RF_UID, RF_STATE, RF_NICE, RF_PRIORITY, RF_PROCESSOR, RF_NTHREADS,
	RF_FLAGS, RF_HAVE, RF_DENIED, RF_BASE, RF_ENDED_AGO,
	RF_VSZ_KB, RF_RSS_KB, RF_PREV_RSS_KB,
	RF_UTIME, RF_STIME, RF_GUEST, RF_MINFLT, RF_MAJFLT, RF_RUN_NS, RF_WAIT_NS, RF_SLICES,
	RF_CSWCH, RF_NVCSWCH, RF_READ_BYTES, RF_WRITE_BYTES, RF_CWRITE_BYTES,
	RF_BLKIO_NS, RF_SWAPIN_NS, RF_RECLAIM_NS, RF_THRASHING_NS,
	RF_NET_TX_BYTES, RF_NET_TX_PKTS, RF_NET_RX_BYTES, RF_NET_RX_PKTS,
	RF_T_US, RF_PREV_T_US, RF_TS_T_US, RF_PREV_TS_T_US,
	RF_COMM, RF_CMDLINE,
	RF_OOM_SCORE, RF_IOPRIO, /* read for rows shown or reported (RFL_EXTRA_READ) */
	RF_CGROUP,               /* process entries: the cgroup v2 path */
	RF_COUNT
};

/* RF_FLAGS bits */
enum { RFL_THREAD = 1, RFL_TS_SOURCE = 2, RFL_EXIT_FINAL = 4, RFL_CMDLINE_EMPTY = 8,
       RFL_EXTRA_READ = 16 };
/* RF_BASE: what the rates of this sample are taken against */
enum record_base {
	RB_NONE = 0, /* no rate: a task running before the first sample */
	RB_PREV = 1, /* the task's counters in the previous sample */
	RB_ZERO = 2, /* zero: born after the previous sample, or ended within it */
};

/* The fields of the sample row. */
enum record_sample_field {
	RS_THREADS, RS_CLK_TCK, RS_PAGE_KB, RS_SCHEDSTAT_WORKS, RS_DELAYACCT_ON, RS_REFRESH_US,
	/* ok flag and text of each source, in enum source_id order */
	RS_SRC_PROC_OK, RS_SRC_PROC, RS_SRC_TS_OK, RS_SRC_TS, RS_SRC_NET_OK, RS_SRC_NET,
	RS_NET_TCP, RS_NET_UDP, RS_NET_OTHER, RS_NET_DROPS, RS_NET_SAMPLES, RS_EXIT_OVERRUNS,
	RS_UPTIME, RS_BTIME, RS_NCPUS,
	RS_MEM_TOTAL, RS_MEM_FREE, RS_MEM_AVAILABLE, RS_BUFFERS, RS_CACHED, RS_SWAP_TOTAL,
	RS_SWAP_FREE, RS_SHMEM, RS_SRECLAIMABLE, RS_MEM_FLAGS,
	RS_LOAD1, RS_LOAD5, RS_LOAD15, RS_LOAD_RUNNING, RS_LOAD_TOTAL, RS_LAST_PID,
	/* the machine's CPU times, in struct cpu_times order */
	RS_CPU_USER, RS_CPU_NICE, RS_CPU_SYSTEM, RS_CPU_IDLE, RS_CPU_IOWAIT, RS_CPU_IRQ,
	RS_CPU_SOFTIRQ, RS_CPU_STEAL, RS_CPU_GUEST, RS_CPU_GUEST_NICE,
	RS_DISK_READ, RS_DISK_WRITE, RS_NDISKS,
	RS_NET_RX_BYTES, RS_NET_TX_BYTES, RS_NET_RX_PKTS, RS_NET_TX_PKTS, RS_NIFACES,
	/* struct task_counts, in its order */
	RS_T_PROCESSES, RS_T_THREADS, RS_T_RUNNING, RS_T_SLEEPING, RS_T_DISK_SLEEP,
	RS_T_STOPPED, RS_T_ZOMBIE, RS_T_IDLE, RS_T_OTHER, RS_T_KTHREADS,
	/* /proc/pressure, for cpu, memory and io in turn: RS_PSI_FIELDS each */
	RS_PSI,
	RS_COUNT = RS_PSI + 3 * 9
};
/* the fields of one resource's pressure, from RS_PSI + 9 * resource */
enum record_psi_field {
	RP_FLAGS, /* 1: the kernel reports it, 2: with a "full" line */
	RP_SOME_AVG10, RP_SOME_AVG60, RP_SOME_AVG300, RP_SOME_TOTAL,
	RP_FULL_AVG10, RP_FULL_AVG60, RP_FULL_AVG300, RP_FULL_TOTAL,
	RP_COUNT
};

/* The fields of a CPU row: its number, then struct cpu_times in order. */
enum record_cpu_field {
	RC_CPU, RC_USER, RC_NICE, RC_SYSTEM, RC_IDLE, RC_IOWAIT, RC_IRQ, RC_SOFTIRQ, RC_STEAL,
	RC_GUEST, RC_GUEST_NICE, RC_COUNT
};

/* The fields of a connection row: the key (its process, then the flow
 * as struct flow_key has it, addresses as 4 or 16 raw bytes), its socket,
 * then struct netcap_counters since the capture saw it and over the
 * interval. */
enum record_conn_field {
	RN_PID, RN_PROTO, RN_FAMILY, RN_LOCAL, RN_LPORT, RN_REMOTE, RN_RPORT,
	RN_UID, RN_INODE, RN_STATE, RN_FLAGS,
	RN_TX_BYTES, RN_RX_BYTES, RN_TX_PKTS, RN_RX_PKTS,
	RN_IV_TX_BYTES, RN_IV_RX_BYTES, RN_IV_TX_PKTS, RN_IV_RX_PKTS,
	RN_COUNT
};
/* RN_FLAGS bits */
enum { RNF_CLOSED = 1, RNF_INFERRED = 2 };

/* values enough for a row of any table */
#define RECORD_MAX_FIELDS ((int)RS_COUNT > (int)RF_COUNT ? (int)RS_COUNT : (int)RF_COUNT)

extern const struct rec_schema record_schema;

/* struct cpu_times as 10 values (RC_USER.. order), and back. */
void record_put_cpu_times(struct rec_value *v, const struct cpu_times *c);
void record_get_cpu_times(const struct rec_value *v, struct cpu_times *c);

struct record_opts {
	const char *path;
	uint64_t max_size; /* bytes, 0 = no limit: past it FILE becomes FILE.1 */
	bool no_cmdline;   /* leave command lines out (they may hold secrets) */
};

struct recorder;

/* Opens (or continues) the recording; -1 with the reason. */
int recorder_open(struct recorder **out, const struct record_opts *o, char *why, size_t whylen);
/* Appends the model's latest sample; -1 with the reason. */
int recorder_write(struct recorder *r, const struct model *m, char *why, size_t whylen);
uint64_t recorder_size(const struct recorder *r);
void recorder_close(struct recorder *r);

#endif
