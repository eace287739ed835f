/* model_priv.h - the model's state, shared by the files that make the
 * model: model.c, the walk (scan.c, listing.c, threadsum.c), taskstats
 * (tsmodel.c), record.c and replay.c, and the on-demand readers that use
 * its proc root and buffers (taskctl.c, cgroup.c, groups.c, rowextra.c,
 * waitinfo.c). Everything else reads the model through model.h. */
#ifndef PIDTOP_MODEL_PRIV_H
#define PIDTOP_MODEL_PRIV_H

#include "buf.h"
#include "intmap.h"
#include "model.h"
#include "procfs.h"
#include "users.h"

/* Compact per-thread baselines for summing a process's threads' context
 * switches and run-queue wait (the process's own status and schedstat
 * cover only its main thread). */
struct thread_base {
	int32_t tid, tgid;
	uint32_t gen;
	uint64_t run_ns, wait_ns, slices, cswch, nvcswch;
};


struct task_list {
	struct task **v;
	size_t n, cap;
};

/* Where the samples come from (sampler.c): the kernel, the tests'
 * fixture trees, or a recording. */
struct sampler {
	const char *name;
	/* opens its readers (and the recorder, -w): model_new's rc */
	int (*open)(struct model *m, char *why, size_t whylen);
	/* model_refresh: a new sample into the model */
	int (*refresh)(struct model *m);
	/* the time a task's files are read at, within a refresh (scan.c) */
	double (*read_time)(const struct model *m);
};
extern const struct sampler sampler_kernel, sampler_fixture, sampler_replay;

struct model {
	const struct sampler *sampler;
	struct model_config cfg;
	struct procfs pfs;
	struct task_table procs, threads;
	struct delta_pool deltas; /* prev counters and rates of the tasks that moved */
	struct intvec bases; /* struct thread_base by tid */
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
	bool own_pidns;           /* the proc tree is of our pid namespace (procfs_own_pidns) */
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
	struct net_extra net_cur, net_prev; /* traffic tied to no task, and capture drops */
	int net_samples;
	struct replay *replay;     /* -R: the recording the samples come from */
	/* -R: the recorded connections of the sample, sorted by pid */
	struct netcap_conn *rconns;
	size_t nrconns, rconns_cap;
	struct recorder *recorder; /* -w: where every sample goes */
	bool replay_pending;       /* the reader's current sample is the next refresh's */
	bool record_due;           /* the latest sample is not written yet */
	char record_why[200];      /* why recording stopped (MODEL_ERR_RECORD) */
	char readbuf[8192];
	/* getdents64 records hold 64-bit fields: keep the buffers aligned */
	_Alignas(8) char dirbuf[32768];
	_Alignas(8) char taskdirbuf[8192];
};

/* exited tasks stay this many refreshes, for the "exited" state on screen */
#define EXITED_KEEP 2

/* After the sources: rates, history, and the tasks that are gone. */
void model_finish(struct model *m);
/* The hot path's invariants (modelcheck.c lists them): 0 when all hold,
 * else -1 and the first broken one in why. For the tests. */
int model_check(const struct model *m, char *why, size_t whylen);

/* model_new's and model_free's halves, for tests that keep a model in
 * static storage: the same return values as model_new's rc. */
int model_init(struct model *m, const struct model_config *cfg, char *why, size_t whylen);
void model_fini(struct model *m);

#endif
