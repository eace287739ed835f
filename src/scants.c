/* scants.c - a task's taskstats reply in its sample (scanpriv.h): whether
 * this refresh has one, whether it says the task is idle, and taking its
 * counters. Part of the walk (scan.c). */
#include "scanpriv.h"

bool scan_ts_fresh(const struct model *m, const struct task *t)
{
	return t->ts_gen == m->gen && t->list_index >= m->ts_first && t->list_index < m->ts_end;
}

/* With a taskstats reply the probe costs no file: run time, timeslices and
 * context switches unchanged means the task has not run. */
const struct task_ts *scan_ts_of(const struct model *m, const struct task *t)
{
	return &m->ts_replies[t->list_index - m->ts_first];
}

bool scan_ts_idle(const struct model *m, const struct task *t)
{
	const struct task_ts *ts = scan_ts_of(m, t);
	return ts->run_ns == t->cur.run_ns && ts->slices == t->cur.slices &&
	       ts->nvcsw == t->cur.cswch && ts->nivcsw == t->cur.nvcswch;
}

/* Takes the reply's counters into cur: run and wait time, context
 * switches (process-wide on process rows: the kernel sums the threads,
 * exited ones included), delays, and on thread rows storage bytes. */
void scan_apply_ts(struct model *m, struct task *t)
{
	const struct task_ts *ts = scan_ts_of(m, t);
	t->cur.run_ns = ts->run_ns;
	t->cur.slices = ts->slices;
	t->cur.wait_ns = ts->wait_ns;
	t->cur.cswch = ts->nvcsw;
	t->cur.nvcswch = ts->nivcsw;
	t->cur_ts_t = ts->t;
	t->have |= TG_STATUS | TG_SCHEDSTAT;
	if (m->delayacct_on) {
		t->cur.blkio_delay_ns = ts->blkio_ns;
		t->cur.swapin_delay_ns = ts->swapin_ns;
		t->cur.reclaim_delay_ns = ts->reclaim_ns;
		t->cur.thrashing_delay_ns = ts->thrashing_ns;
		t->have |= TG_DELAY;
	} else {
		t->have &= (uint16_t)~TG_DELAY;
	}
	if (t->is_thread && ts->has_io) {
		t->cur.read_bytes = ts->read_bytes;
		t->cur.write_bytes = ts->write_bytes;
		t->cur.cwrite_bytes = ts->cwrite_bytes;
		t->have |= TG_IO | TG_TSIO;
		t->denied &= (uint16_t)~TG_IO;
	}
	if (t->is_thread && ts->has_uid)
		t->uid = ts->uid;
	t->ts_source = true;
}

/* A task whose counters come from taskstats but whose reply is missing
 * this time keeps them: never mix two sources' baselines. */
void scan_keep_ts_counters(struct task *t)
{
	const struct task_counters *pv = task_prev(t);
	t->cur.run_ns = pv->run_ns, t->cur.slices = pv->slices;
	t->cur.wait_ns = pv->wait_ns;
	t->cur.cswch = pv->cswch, t->cur.nvcswch = pv->nvcswch;
}
