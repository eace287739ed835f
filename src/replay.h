/* replay.h - a recording as the model's source of samples.
 *
 * The reader's current sample is put into the model the way a live
 * refresh leaves it after reading the kernel: each task's counters, read
 * times and baseline (record.h), the machine's raw figures, the sources'
 * states. The model's own code then computes every rate and the history,
 * so table, tree, grid, drill-down and batch reports work unchanged. What
 * a live model reads on demand (open files, maps, connections) is not in
 * a recording: the model says so (model_is_replay). */
#ifndef PIDTOP_REPLAY_H
#define PIDTOP_REPLAY_H

#include "model.h"
#include "recfile.h"

struct replay;

/* Opens path; warnings (damaged regions, unknown fields) go to warn. -1
 * with the reason for a file that is not a recording (or of a newer major
 * version), or that holds no sample. */
int replay_open(struct replay **out, const char *path, rec_warn_fn *warn, void *warn_ctx,
		char *why, size_t whylen);
void replay_close(struct replay *rp);
struct recread *replay_reader(struct replay *rp);
/* Whether the recording was made with thread rows (-H). */
bool replay_threads(const struct replay *rp);

/* A task row of the reader's current sample: what a series over the
 * recording needs (the drill-down's history, the timeline). */
struct replay_point {
	int32_t tid, tgid;
	uint64_t start_ticks;
	char comm[TASK_COMM_INLINE]; /* cut to fit */
	uint64_t cpu_ticks;          /* utime + stime */
	uint64_t run_ns;             /* schedstat's on-CPU time, when precise */
	bool precise;                /* the model takes CPU% from run_ns (model.c) */
	uint64_t rss_kb, read_bytes, write_bytes;
	uint64_t net_tx_bytes, net_rx_bytes; /* of the interval before the sample */
	double t_s;                  /* when its counters were read (monotonic) */
	double prev_t_s;             /* ... in the sample before (0: unknown) */
	double ts_t_s, prev_ts_t_s;  /* the same for taskstats' counters (ts_source) */
	bool ts_source;
	bool ended;                  /* listed ended: its figures stopped before */
};

/* The current sample's number, times and clock rate. Call it at each
 * sample before replay_points or replay_find_point (it reads the
 * sample-wide facts their `precise` needs). */
struct replay_frame {
	uint64_t k;
	int64_t wall_ns;
	double mono_s, uptime_s; /* the monotonic clock, and the machine's uptime */
	long clk_tck;
};
void replay_frame(struct replay *rp, struct replay_frame *f);
/* Calls fn for every process row (thread rows when threads) of the
 * current sample, in (tid, start) order. */
typedef void replay_point_fn(void *ctx, const struct replay_point *p);
void replay_points(struct replay *rp, bool threads, replay_point_fn *fn, void *ctx);
/* The row of task (tid, start_ticks) in the current sample: 0, or -1 when
 * the sample does not hold it. A binary search: rows come sorted by key. */
int replay_find_point(struct replay *rp, bool threads, int32_t tid, uint64_t start_ticks,
		      struct replay_point *out);

/* Puts the reader's current sample into m (called by model_refresh and
 * model_replay_seek). Returns 0, or -1 when the sample cannot be used. */
int replay_apply(struct replay *rp, struct model *m);

#endif
