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

#include "system.h"
#include "task.h"

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
	bool record_connections; /* -w: the capture's connections too */
	/* no per-task history (history.h): only the screen draws it (drill-down
	 * sparklines, the live timeline); a batch run or the exporter at 5,000
	 * tasks saves ~100 KiB and growing */
	bool no_history;
};

/* The model is opaque outside its own files (model_priv.h): the screen,
 * the reports and the exporter read it through the functions below. */
struct model;
struct netcap_conn;

/* Traffic tied to no task, and capture drops, since the capture began. */
struct net_extra {
	uint64_t tcp_bytes, udp_bytes, other_bytes, drops;
};

#define MODEL_ERR_USAGE (-2) /* a bad argument (an unknown -i device): exit 2 */
#define MODEL_ERR_RECORD (-3) /* the sample could not be recorded: record_why says why */
#define MODEL_END (1)         /* replay: the recording has no more samples */
/* Opens a model on the sources cfg names. Returns it, or NULL with *rc
 * -1 (why says what) or MODEL_ERR_USAGE. */
struct model *model_new(const struct model_config *cfg, int *rc, char *why, size_t whylen);
/* Restores what the model changed (delay accounting) and frees it; NULL
 * is allowed. */
void model_free(struct model *m);
/* Takes a new sample of everything (replay: the next one of the
 * recording). Returns 0; -1 when the proc root itself became unreadable;
 * MODEL_ERR_RECORD when the sample could not be appended to the recording
 * (the model stops recording); MODEL_END at the end of a replay. */
int model_refresh(struct model *m);
/* -w: writes the latest sample if it is not yet (model_refresh does at its
 * start, so a sample holds what was read after its refresh for the rows
 * shown); call before model_free to learn of a failure. 0 or
 * MODEL_ERR_RECORD (model_record_why says why; recording stops). */
int model_record_flush(struct model *m);
/* Why recording stopped ("" while it goes on), and whether it does. */
const char *model_record_why(const struct model *m);
bool model_is_recording(const struct model *m);

/* ---- the latest sample ---- */

/* The configuration as in effect: -H follows model_set_threads, a replay
 * sets threads from the recording. */
const struct model_config *model_cfg(const struct model *m);
/* -a: totals since first seen instead of rates, from the next refresh. */
void model_set_accumulated(struct model *m, bool on);
uint32_t model_gen(const struct model *m);           /* refresh number, from 1 */
double model_now_s(const struct model *m);           /* the refresh's clock */
double model_interval_s(const struct model *m);      /* since the previous one */
double model_refresh_s(const struct model *m);       /* how long it took */
const struct timespec *model_wall(const struct model *m); /* its wall-clock time */
long model_clk_tck(const struct model *m);
const struct source_state *model_source(const struct model *m, enum source_id id);
const struct system_stats *model_system(const struct model *m);
/* Whether taskstats delay accounting is on in the kernel. */
bool model_delayacct_on(const struct model *m);
/* Tasks that lived and ended between the last two refreshes (from the
 * exit records); *n is their count. */
struct task *model_exited(struct model *m, size_t *n);
/* The task tables: processes, threads (filled with -H). */
struct task_table *model_table(struct model *m, bool threads);
/* The capture's connections of process tgid, live or as recorded (NULL
 * and *n 0 without a capture). */
const struct netcap_conn *model_connections(const struct model *m, int32_t tgid, size_t *n);
/* Whether traffic figures have an interval to be rates over (the capture
 * has two samples). */
bool model_net_rates_valid(const struct model *m);
struct netcap_rates;
/* A connection's rates over the latest interval; false (zeros) while
 * there is none. */
bool model_conn_rates(const struct model *m, const struct netcap_conn *c, struct netcap_rates *out);
/* The traffic tied to no task: now and at the previous refresh. False
 * without a capture. */
bool model_unattributed(const struct model *m, struct net_extra *now, struct net_extra *prev);
/* The proc root's directory fd, for readers of one task on demand
 * (taskinfo); -1 in a replay, which has no /proc of its own. */
int model_proc_fd(const struct model *m);

/* ---- replay: whether samples come from a recording, and moving in it ---- */

bool model_is_replay(const struct model *m);
/* Whether the capture ran: live, or when the recording was made. */
bool model_has_capture(const struct model *m);
const struct recread_info *model_replay_info(const struct model *m);
uint64_t model_replay_pos(const struct model *m);
/* The next model_refresh gives sample k (the one before it is put back
 * first, for the rates), or the last sample at or before wall_ns. Return
 * 0, or -1 when no sample can be read there. */
int model_replay_seek(struct model *m, uint64_t k);
int model_replay_seek_time(struct model *m, int64_t wall_ns);
/* The first sample at or after wall_ns, or -1 when none is. */
int64_t model_replay_find(struct model *m, int64_t wall_ns);
/* Replay: visits samples ks[0..n) (ascending) other than the shown one,
 * calling fn with the reader at each (see replay.h's replay_points,
 * replay_find_point); a sample that cannot be read is skipped. The shown
 * sample and what the next refresh gives are unchanged: the reader goes
 * back where it was. Memory: the reader's, bounded by one sample. Returns
 * the samples visited, or -1 when not a replay. */
typedef void model_visit_fn(void *ctx, struct replay *rp);
long model_replay_visit(struct model *m, const uint64_t *ks, size_t n, model_visit_fn *fn,
			void *ctx);
/* Replay: the recording's key frames' samples (recread_key_samples). */
size_t model_replay_keys(const struct model *m, uint64_t *out, size_t max);
/* Replay: task (tid, start_ticks)'s history over the recording, the
 * samples up to the shown one (at most max), oldest first, in the units of
 * history.h; a sample where the task is absent is all zero. *first_k:
 * the sample of out[0]. Returns the count (0 when not a replay).
 * (src/replayseries.c) */
size_t model_replay_task_series(struct model *m, int32_t tid, uint64_t start_ticks, bool thread,
				struct hist_sample *out, size_t max, uint64_t *first_k);
/* Small read-only facts for the screen. */
/* the shown sample's wall-clock time, nanoseconds since the epoch */
int64_t model_wall_ns(const struct model *m);
/* whether thread rows are sampled (-H, or a recording made with it) */
bool model_threads_on(const struct model *m);
/* When t started, seconds since the epoch; 0 when unknown. */
double model_task_start_epoch_s(const struct model *m, const struct task *t);
/* The process table, and the thread rows of process pid (at most max,
 * into out); returns how many. */
struct task_table *model_process_table(struct model *m);
size_t model_threads_of(struct model *m, int32_t pid, const struct task **out, size_t max);
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
