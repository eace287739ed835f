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
struct replay;
struct recorder;
struct recread_info;

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
	/* -R: samples come from this recording instead of the kernel */
	const char *replay_path;
	/* -w: every sample is appended to this recording (NULL: none) */
	const char *record_path;
	uint64_t record_max;    /* --record-max, bytes; 0 = no limit */
	bool record_no_cmdline; /* --record-no-cmdline */
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
	double refresh_s;         /* how long the refresh took: tasks are read within it */
	double prev_uptime_s;     /* the proc tree's uptime at the previous refresh */
	double first_uptime_s;    /* ... at the first refresh: later tasks are credited whole */
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
	uint64_t ts_exit_dropped; /* records the kernel dropped (SO_MEMINFO), 0: unknown */
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
	struct replay *replay;     /* -R: the recording the samples come from */
	struct recorder *recorder; /* -w: where every sample goes */
	bool replay_pending;       /* the reader's current sample is the next refresh's */
	bool record_due;           /* the latest sample is not written yet */
	char record_why[200];      /* why recording stopped (MODEL_ERR_RECORD) */
	char readbuf[8192];
	/* getdents64 records hold 64-bit fields: keep the buffers aligned */
	_Alignas(8) char dirbuf[32768];
	_Alignas(8) char taskdirbuf[8192];
};

#define MODEL_ERR_USAGE (-2) /* a bad argument (an unknown -i device): exit 2 */
#define MODEL_ERR_RECORD (-3) /* the sample could not be recorded: record_why says why */
#define MODEL_END (1)         /* replay: the recording has no more samples */
/* Returns 0, -1 (why says what), or MODEL_ERR_USAGE. */
int model_init(struct model *m, const struct model_config *cfg, char *why, size_t whylen);
void model_free(struct model *m);
/* Takes a new sample of everything (replay: the next one of the
 * recording). Returns 0; -1 when the proc root itself became unreadable;
 * MODEL_ERR_RECORD when the sample could not be appended to the recording
 * (the model stops recording); MODEL_END at the end of a replay. */
int model_refresh(struct model *m);
/* Replay: whether samples come from a recording, and moving in it. The
 * next model_refresh gives sample k (the one before it is put back first,
 * for the rates), or the last sample at or before wall_ns. Return 0, or -1
 * when no sample can be read there. */
/* -w: writes the latest sample if it is not yet (model_refresh does at its
 * start, so a sample holds what was read after its refresh for the rows
 * shown); call before model_free to learn of a failure. 0 or
 * MODEL_ERR_RECORD (record_why says why; recording stops). */
int model_record_flush(struct model *m);
bool model_is_replay(const struct model *m);
/* Whether the capture ran: live, or when the recording was made. */
bool model_has_capture(const struct model *m);
const struct recread_info *model_replay_info(const struct model *m);
uint64_t model_replay_pos(const struct model *m);
int model_replay_seek(struct model *m, uint64_t k);
int model_replay_seek_time(struct model *m, int64_t wall_ns);
/* The first sample at or after wall_ns, or -1 when none is. */
int64_t model_replay_find(struct model *m, int64_t wall_ns);
/* Switches between process and thread rows; the other kind starts with a
 * fresh first sample. */
void model_set_threads(struct model *m, bool threads);
/* The task table whose entries are rows in the current mode. */
struct task_table *model_rows_table(struct model *m);
const char *model_user_name(struct model *m, uint32_t uid);
bool task_is_kernel_thread(const struct task *t);
/* Whether t started at or after the proc tree's uptime uptime_s (start
 * times are boot-clock ticks, the uptime the same clock in seconds; the
 * comparison errs towards "after" by at most a tick). */
bool model_started_after(const struct model *m, const struct task *t, double uptime_s);
/* Whether t was born since the previous refresh began: the birth rule's
 * test (scan.c), and the screen's mark of a new task. A task a tick older
 * was listed by the previous walk, so it is no longer new; the first
 * refresh has no previous one. */
bool model_born_since_prev(const struct model *m, const struct task *t);
/* -a: takes the task's current sample as the base of its totals (born:
 * zero, at the previous refresh, as it was born after it). For sources. */
void model_take_first(struct model *m, struct task *t, bool born);
/* -a: adds the interval's traffic to t's totals since its first sample. */
void model_first_add_net(const struct model *m, struct task *t, const struct task_net *iv);

#endif
