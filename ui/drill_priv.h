/* drill_priv.h - the drill-down's state, shared by drill.c (opening,
 * refreshing, drawing, keys) and drilltabs.c (the live tabs' text). */
#ifndef PIDTOP_UI_DRILL_PRIV_H
#define PIDTOP_UI_DRILL_PRIV_H

#include "uistate.h"
#include "buf.h"
#include "history.h"
#include "taskinfo.h"
#include "waitinfo.h"

/* the longest history drawn: in a replay, as wide as the screen allows */
#define DRILL_HIST_MAX 512
/* A thread's counters at the previous refresh, and its rates since. */
struct thread_rate {
	int32_t tid;
	uint64_t ticks, read_bytes, write_bytes;
	double cpu_pct, read_bps, write_bps;
	bool have_rate, have_io;
};

struct drill {
	int32_t tid, pid;
	uint64_t start_ticks; /* identity of the process (pid, start) */
	uint64_t row_start;   /* and of the row's own task (a thread in H) */
	bool gone;
	bool is_thread; /* a thread row (H): that thread's delays, not the process's */
	bool recorded;  /* a replay: the recorded sample, never this machine's /proc */
	struct taskinfo ti;
	bool have_ti;
	struct waitinfo wi; /* read while the Waiting tab shows */
	bool have_wi;
	int tab;
	size_t scroll;
	uint32_t smaps_gen; /* model refresh of the last smaps read */
	/* the threads' counters at the previous refresh, by tid */
	struct thread_rate *thr;
	size_t nthr;
	double thr_t;
	struct buf text; /* the tab's lines, '\n'-separated */
	/* the model's history of the row's task, copied at each refresh so
	 * it stays on screen once the task is gone; in a replay, read from
	 * the recording up to the cursor (samples hist_first_k on) */
	struct hist_sample hist[DRILL_HIST_MAX];
	size_t nhist;
	uint64_t hist_first_k;
	struct hist_totals tot;
};

/* The model's task behind the drill-down, or NULL once it is gone (on a
 * recording: while the sample at the cursor does not hold it). */
const struct task *drill_task(struct ui *ui, const struct drill *d);
/* The current tab's lines into b (drilltabs.c). */
void drill_tab_text(struct ui *ui, struct drill *d, struct buf *b);

#endif
