/* model.h - the one entry point both batch and screen call.
 *
 * model_refresh() walks the proc root once, samples every task (reading
 * only what can have changed), reads the machine-wide files and computes
 * rates over the measured interval. Nothing here knows about the screen. */
#ifndef PIDTOP_MODEL_H
#define PIDTOP_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "procfs.h"
#include "system.h"
#include "task.h"
#include "users.h"

struct taskstats;
struct taskstats_exits;
struct netcap;

enum source_id { SOURCE_PROC, SOURCE_TASKSTATS, SOURCE_NET, SOURCE_COUNT };

struct source_state {
	const char *name; /* JSON key in "sources" */
	bool ok;          /* its figures are present */
	char text[200];   /* "ok", or why not: "unavailable: <reason>", "off (--no-net)" */
};

struct model_config {
	const char *proc_root;  /* "/proc" unless --proc-root */
	bool threads;           /* -H: thread rows */
	bool accumulated;       /* -a: totals since first seen instead of rates */
	bool full_scan;         /* read every file of every task every refresh */
	bool no_taskstats, no_net;
	const char *net_device; /* -i, NULL = any */
	const char *net_filter; /* -f, NULL = none */
	bool enable_delayacct;  /* --enable-delayacct: switch it on for the run */
	/* tests: refresh k reads proc_root/k (the last one repeats) and takes
	 * its clock from that tree's uptime file, so rates are exact */
	bool fixture_sequence;
};

/* Compact per-thread baselines for summing a process's threads' context
 * switches and run-queue wait (the process's own status and schedstat
 * cover only its main thread). */
struct thread_base {
	int32_t tid, tgid;
	uint32_t gen;
	bool used;
	uint64_t run_ns, wait_ns, slices, cswch, nvcswch;
};

struct thread_bases {
	struct thread_base *slots;
	size_t nslots, count;
};

struct task_list {
	struct task **v;
	size_t n, cap;
};

struct model {
	struct model_config cfg;
	struct procfs pfs;
	struct task_table procs, threads;
	struct delta_pool deltas; /* prev counters and rates of the tasks that moved */
	struct thread_bases bases;
	struct system_reader sys;
	struct users users;
	struct source_state sources[SOURCE_COUNT];
	uint32_t gen;            /* refresh number, from 1 */
	double now_s, prev_now_s; /* CLOCK_MONOTONIC (or fixture uptime) at refresh start */
	double interval_s;        /* measured time since the previous refresh */
	double prev_uptime_s;     /* the proc tree's uptime at the previous refresh */
	double drain_boot_s, prev_drain_boot_s; /* CLOCK_BOOTTIME of the exit drains */
	struct timespec wall;     /* CLOCK_REALTIME at refresh start */
	long clk_tck;
	long page_kb;
	bool schedstat_works;     /* /proc/P/schedstat counts (CONFIG_SCHED_INFO) */
	int fixture_index;
	struct buf cmdline_buf;
	/* this refresh's listing (entries may be NULL: vanished) */
	struct task_list listed, listed_threads;
	/* taskstats: query socket, exit listener, delay accounting state */
	struct taskstats *ts;
	struct taskstats_exits *ts_exits;
	bool delayacct_on;
	char ts_exits_why[160];
	uint64_t ts_exit_overruns;
	int delayacct_saved; /* value before --enable-delayacct, -1 if untouched */
	int32_t *ts_ids;
	/* replies for the listed tasks [ts_first, ts_end), by position - ts_first */
	struct task_ts *ts_replies;
	size_t ts_cap, ts_first, ts_end;
	/* tasks that started and ended between two refreshes, from exit records */
	struct task *exited;
	size_t nexited, exited_cap;
	/* packet capture */
	struct netcap *net;
	struct net_extra {
		uint64_t tcp_bytes, udp_bytes, other_bytes, drops;
	} net_cur, net_prev; /* traffic tied to no task, and capture drops */
	int net_samples;
	char readbuf[8192];
	/* getdents64 records hold 64-bit fields: keep the buffers aligned */
	_Alignas(8) char dirbuf[32768];
	_Alignas(8) char taskdirbuf[8192];
};

#define MODEL_ERR_USAGE (-2) /* a bad argument (an unknown -i device): exit 2 */
/* Returns 0, -1 (why says what), or MODEL_ERR_USAGE. */
int model_init(struct model *m, const struct model_config *cfg, char *why, size_t whylen);
void model_free(struct model *m);
/* Takes a new sample of everything. Returns 0, or -1 when the proc root
 * itself became unreadable. */
int model_refresh(struct model *m);
/* Switches between process and thread rows; the other kind starts with a
 * fresh first sample. */
void model_set_threads(struct model *m, bool threads);
/* The task table whose entries are rows in the current mode. */
struct task_table *model_rows_table(struct model *m);
const char *model_user_name(struct model *m, uint32_t uid);
bool task_is_kernel_thread(const struct task *t);

#endif
