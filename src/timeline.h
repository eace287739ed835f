/* timeline.h - the timeline view's data: the busiest processes over a
 * recording (or over the history a live model keeps), as columns of CPU%
 * and RSS ready to chart. No curses here (ui/timelineview.c draws it).
 *
 * Bounded whatever the recording's length: a chart has at most
 * TIMELINE_MAX_COLS columns (the screen's width), and a column's figures
 * come from the samples at its two edges, not from every sample in it:
 * CPU is a cumulative counter, so the counters at the edges give the mean
 * CPU% over the column exactly; RSS is the one at the column's end. A
 * recording is read twice at ncols + 1 samples (once to find the busiest,
 * once for their columns), whatever its length; in a long one
 * (TIMELINE_READ_ALL samples on) those are key frames, which decode
 * alone, so there may be fewer columns than asked (a day at 10 s holds 144
 * key frames: 10-minute columns). Memory is one entry per process seen at
 * an edge. A process that started inside a column counts
 * from zero; one that ended inside it loses its last partial column. */
#ifndef PIDTOP_TIMELINE_H
#define PIDTOP_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "task.h"

#define TIMELINE_TOP 8        /* processes charted */
#define TIMELINE_MAX_COLS 512 /* columns charted */
/* a recording this short (samples) is read at any sample; a longer one at
 * its key frames only */
#define TIMELINE_READ_ALL 1200

struct timeline_proc {
	int32_t pid;
	int32_t tid;          /* the row's: pid, or live with thread rows (-H) a thread */
	uint64_t start_ticks; /* identity with tid */
	char name[TASK_COMM_INLINE];
	double cpu_s;         /* CPU seconds over the span charted */
};

struct timeline {
	size_t ncols, nprocs;
	struct timeline_proc procs[TIMELINE_TOP]; /* busiest first */
	float cpu_pct[TIMELINE_TOP][TIMELINE_MAX_COLS]; /* mean over the column */
	float rss_kb[TIMELINE_TOP][TIMELINE_MAX_COLS];  /* at the column's end; 0: absent */
	int64_t start_wall_ns;                         /* the first column's start */
	int64_t end_wall_ns[TIMELINE_MAX_COLS];        /* each column's end */
	uint64_t first_sample;                         /* replay: the first column's start */
	uint64_t end_sample[TIMELINE_MAX_COLS];        /* replay: each column's last sample */
	double cpu_max, rss_max_kb; /* the highest column of the stack, the largest RSS */
	bool replay;
};

/* ---- the pure parts (tests/test_timeline.c) ---- */

/* Column edges over samples first..last (last > first): ncols + 1
 * ascending sample numbers from first to last; ncols must be at most
 * last - first, so that no two edges are the same sample. */
void timeline_edges(uint64_t first, uint64_t last, size_t ncols, uint64_t *edges);
/* n values into ncols columns (ncols <= n), each the mean (or, when
 * mean is false, the last) of the values that fall in it. */
void timeline_bucket(const double *v, size_t n, size_t ncols, bool mean, float *out);

/* One process at a column edge. */
struct timeline_point {
	int32_t pid;
	uint64_t start_ticks;
	char name[TASK_COMM_INLINE];
	uint64_t cpu_ticks; /* utime + stime, cumulative */
	uint64_t rss_kb;
};

/* Builds tl from its edges in two passes: timeline_builder_add for edges
 * 0..ncols in order, timeline_builder_choose, the same edges again, then
 * timeline_builder_finish. */
struct timeline_builder;
int timeline_builder_new(struct timeline_builder **out, struct timeline *tl, size_t ncols);
/* Edge j taken at monotonic time t_s, the machine's uptime uptime_s then;
 * the points in any order. -1 when out of memory. */
int timeline_builder_add(struct timeline_builder *b, size_t j, double t_s, double uptime_s,
			 long clk_tck, const struct timeline_point *pts, size_t n);
/* After the first pass: keeps the TIMELINE_TOP processes with the most
 * CPU time (ties: lower pid), those with none left out. */
void timeline_builder_choose(struct timeline_builder *b);
/* After the second pass: the scales. Frees b. */
void timeline_builder_finish(struct timeline_builder *b);
void timeline_builder_free(struct timeline_builder *b);

/* ---- from a model ---- */

struct model;
/* A replay: the whole recording in at most ncols columns. A live model:
 * the last refreshes its rows' histories hold (history.h: processes, or
 * threads with -H), at most ncols columns. 0, or -1 when out of memory (tl is then empty). */
int timeline_build(struct timeline *tl, struct model *m, size_t ncols);
/* The column the shown sample falls in (the cursor). */
size_t timeline_cursor(const struct timeline *tl, struct model *m);

#endif
