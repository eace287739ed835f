/* model.c - the model's figures from a sample: rates, the sweep of ended tasks, history, -w's flush and moving in a replay */
#include "model_priv.h"
#include "record.h"
#include "replay.h"
#include "threadsum.h"


static double pct_of(uint64_t delta, double unit_per_s, double elapsed)
{
	return (double)delta * 100.0 / unit_per_s / elapsed;
}

static uint64_t dsub(uint64_t a, uint64_t b)
{
	return a >= b ? a - b : 0;
}

/* What rates are taken against: the previous sample (rates per second over
 * the interval), or the first one (accumulated: totals since first seen). */
struct rate_base {
	const struct task_counters *c;
	const struct task_net *net; /* the traffic over that time; NULL: none */
	double t, ts_t;
	bool totals;
};

static bool net_moved(const struct task_net *n)
{
	return n && (n->tx_bytes || n->tx_pkts || n->rx_bytes || n->rx_pkts);
}

static void rates_from(const struct model *m, const struct task *t, const struct rate_base *b,
		       struct task_rates *r)
{
	const struct task_counters *c = &t->cur, *p = b->c;
	double elapsed = t->cur_t - b->t;
	memset(r, 0, sizeof *r);
	double hz = (double)m->clk_tck;
	uint64_t du = dsub(c->utime, p->utime), ds = dsub(c->stime, p->stime);
	uint64_t dg = dsub(c->guest, p->guest);
	/* figures from taskstats are over the time between the two replies */
	double ts_elapsed = elapsed;
	if (t->ts_source) {
		double e = t->cur_ts_t - b->ts_t;
		if (e > 0 && t->cur_ts_t > 0)
			ts_elapsed = e;
	}
	/* CPU: the nanoseconds on the CPU (schedstat or taskstats) where known,
	 * split into user, system and guest by the clock ticks, which alone
	 * are too coarse: 1% of a CPU is one tick a second */
	uint64_t drun = dsub(c->run_ns, p->run_ns);
	bool precise = (t->have & TG_SCHEDSTAT) && c->run_ns > 0 && m->schedstat_works;
	double ticks = (double)(du + ds);
	if (!precise) {
		r->cpu_pct = pct_of(du + ds, hz, elapsed);
		r->usr_pct = pct_of(du > dg ? du - dg : 0, hz, elapsed); /* guest is inside utime */
		r->sys_pct = pct_of(ds, hz, elapsed);
		r->guest_pct = pct_of(dg, hz, elapsed);
	} else {
		r->cpu_pct = pct_of(drun, 1e9, t->ts_source ? ts_elapsed : elapsed);
		double fu, fs, fg;
		if (ticks > 0) {
			fu = (double)(du > dg ? du - dg : 0) / ticks;
			fs = (double)ds / ticks;
			fg = (double)dg / ticks;
		} else {
			/* too short to tick: split as over its whole life */
			double life = (double)(c->utime + c->stime);
			fu = life > 0 ? (double)(c->utime > c->guest ? c->utime - c->guest : 0) / life : 1;
			fs = life > 0 ? (double)c->stime / life : 0;
			fg = life > 0 ? (double)c->guest / life : 0;
		}
		r->usr_pct = r->cpu_pct * fu;
		r->sys_pct = r->cpu_pct * fs;
		r->guest_pct = r->cpu_pct * fg;
	}
	r->wait_pct = pct_of(dsub(c->wait_ns, p->wait_ns), 1e9, ts_elapsed);
	/* accumulated mode: counts and bytes since first seen, not per second */
	double per = b->totals ? 1.0 : elapsed;
	double ts_per = b->totals ? 1.0 : ts_elapsed;
	double io_per = (t->have & TG_TSIO) ? ts_per : per;
	r->minflt_ps = (double)dsub(c->minflt, p->minflt) / per;
	r->majflt_ps = (double)dsub(c->majflt, p->majflt) / per;
	r->cswch_ps = (double)dsub(c->cswch, p->cswch) / ts_per;
	r->nvcswch_ps = (double)dsub(c->nvcswch, p->nvcswch) / ts_per;
	r->read_bps = (double)dsub(c->read_bytes, p->read_bytes) / io_per;
	r->write_bps = (double)dsub(c->write_bytes, p->write_bytes) / io_per;
	r->cwrite_bps = (double)dsub(c->cwrite_bytes, p->cwrite_bytes) / io_per;
	r->io_delay_pct = pct_of(dsub(c->blkio_delay_ns, p->blkio_delay_ns), 1e9, ts_elapsed);
	r->swapin_delay_pct = pct_of(dsub(c->swapin_delay_ns, p->swapin_delay_ns), 1e9, ts_elapsed);
	r->reclaim_delay_pct =
		pct_of(dsub(c->reclaim_delay_ns, p->reclaim_delay_ns), 1e9, ts_elapsed);
	r->thrashing_delay_pct =
		pct_of(dsub(c->thrashing_delay_ns, p->thrashing_delay_ns), 1e9, ts_elapsed);
	if (b->net) {
		r->net_tx_bps = (double)b->net->tx_bytes / per;
		r->net_rx_bps = (double)b->net->rx_bytes / per;
		r->net_tx_pps = (double)b->net->tx_pkts / per;
		r->net_rx_pps = (double)b->net->rx_pkts / per;
	}
}

/* Rates over the measured interval, or (accumulated) totals since first seen. */
static void compute_rates(struct model *m, struct task *t)
{
	const struct task_counters *c = &t->cur;
	bool acc = m->cfg.accumulated;
	t->rates_valid = false;
	t->rss_delta_kb = 0;
	if (acc && !t->first) {
		/* accumulation switched on: it starts at this task's next sample */
		delta_release(&m->deltas, t);
		return;
	}
	const struct task_counters *p = acc ? &t->first->c : task_prev(t);
	double elapsed = t->cur_t - (acc ? t->first->t : t->prev_t);
	if (t->nsamples < 2 || !(elapsed > 0)) {
		delta_release(&m->deltas, t);
		return;
	}
	uint64_t base_rss = acc ? t->first->rss_kb : t->prev_rss_kb;
	t->rss_delta_kb = (int64_t)t->rss_kb - (int64_t)base_rss;
	const struct task_net *iv = t->delta ? &t->delta->net : NULL;
	const struct task_net *net = acc ? &t->first->net : iv;
	t->active = dsub(c->utime, p->utime) + dsub(c->stime, p->stime) > 0 ||
		    c->run_ns != p->run_ns || c->cswch != p->cswch || c->nvcswch != p->nvcswch ||
		    c->read_bytes != p->read_bytes || c->write_bytes != p->write_bytes ||
		    net_moved(iv);
	if (!acc && !t->delta) {
		t->rates_valid = true; /* prev == cur: every rate is 0 */
		return;
	}
	if (task_counters_equal(p, c) && !net_moved(net)) {
		/* nothing moved: every rate is 0, and prev == cur needs no record */
		delta_release(&m->deltas, t);
		t->rates_valid = true;
		return;
	}
	if (!delta_hold(&m->deltas, t))
		return; /* out of memory: no rate rather than a wrong one */
	t->rates_valid = true;
	struct rate_base b = {p, net, acc ? t->first->t : t->prev_t,
			      acc ? t->first->ts_t : t->prev_ts_t, acc};
	rates_from(m, t, &b, &t->delta->rates);
}

/* One refresh into the task's history (history.h): always the interval's
 * rates, also while the table shows accumulated totals. */
static void record_history(const struct model *m, struct task *t)
{
	double elapsed = t->cur_t - t->prev_t;
	if (m->cfg.no_history || !t->rates_valid || !(elapsed > 0))
		return;
	struct task_rates iv;
	const struct task_rates *r = task_rates(t);
	if (m->cfg.accumulated) {
		struct rate_base b = {task_prev(t), t->delta ? &t->delta->net : NULL, t->prev_t,
				      t->prev_ts_t, false};
		rates_from(m, t, &b, &iv);
		r = &iv;
	}
	struct hist_sample s = {{
		[HIST_CPU] = r->cpu_pct,
		[HIST_RSS] = (double)t->rss_kb,
		[HIST_READ] = r->read_bps,
		[HIST_WRITE] = r->write_bps,
		[HIST_NET_TX] = r->net_tx_bps,
		[HIST_NET_RX] = r->net_rx_bps,
	}};
	/* out of memory: the task's history just stays idle */
	(void)hist_record(&t->hist, &t->hist_n, &s, elapsed, t->prev_rss_kb);
}

struct sweep_ctx {
	struct model *m;
	struct task_table *table;
};

static void sweep_one(struct task *t, void *arg)
{
	struct sweep_ctx *ctx = arg;
	struct model *m = ctx->m;
	if (t->seen_gen == m->gen || (t->exit_final && t->exited_gen == m->gen)) {
		compute_rates(m, t);
		/* rows only: in thread mode the process entries are not sampled
		 * as rows are, and their figures would be no history */
		if (ctx->table == model_rows_table(m))
			record_history(m, t);
		return;
	}
	if (t->exit_final && t->sample_gen == m->gen)
		return; /* ended, its zombie still listed (scan.c ended_already): kept */
	if (!t->exited_gen) {
		t->exited_gen = m->gen;
		t->active = false;
		t->rates_valid = false;
		t->rss_delta_kb = 0;
		delta_release(&m->deltas, t);
		return;
	}
	if (m->gen - t->exited_gen >= EXITED_KEEP)
		task_table_remove(ctx->table, t);
}

/* After the sources: rates, history, and the tasks that are gone. */
void model_finish(struct model *m)
{
	struct sweep_ctx ctx = {m, &m->procs};
	task_table_foreach(&m->procs, sweep_one, &ctx);
	ctx.table = &m->threads;
	task_table_foreach(&m->threads, sweep_one, &ctx);
	threadsum_sweep(m);
	for (size_t i = 0; i < m->nexited; i++)
		compute_rates(m, &m->exited[i]);
}

/* A sample is written when the next refresh begins (or at the end):
 * what the batch writer or the screen reads after a refresh for the rows
 * it shows (oom_score, I/O priority) is then in it too. */
int model_record_flush(struct model *m)
{
	if (!m->recorder || !m->record_due)
		return 0;
	m->record_due = false;
	if (recorder_write(m->recorder, m, m->record_why, sizeof m->record_why) == 0)
		return 0;
	recorder_close(m->recorder);
	m->recorder = NULL;
	return MODEL_ERR_RECORD;
}

const struct recread_info *model_replay_info(const struct model *m)
{
	return m->replay ? recread_info(replay_reader(m->replay)) : NULL;
}

uint64_t model_replay_pos(const struct model *m)
{
	return m->replay ? recread_pos(replay_reader(m->replay)) : 0;
}

static void forget_all(struct model *m)
{
	task_table_free(&m->procs);
	task_table_free(&m->threads);
	task_table_init(&m->procs);
	task_table_init(&m->threads);
	m->procs.deltas = m->threads.deltas = &m->deltas;
	for (size_t i = 0; i < m->nexited; i++)
		task_release(&m->exited[i], &m->deltas);
	m->nexited = 0;
	m->sys.nsamples = 0;
	m->now_s = m->prev_now_s = 0;
	m->net_samples = 0;
}

int model_replay_seek(struct model *m, uint64_t k)
{
	if (!m->replay)
		return -1;
	struct recread *r = replay_reader(m->replay);
	forget_all(m);
	if (k > 0 && recread_seek(r, k - 1) == 0 && recread_pos(r) == k - 1) {
		/* the sample before k, for the rates of k */
		m->gen++;
		replay_apply(m->replay, m);
		model_finish(m);
		m->replay_pending = true;
		return recread_next(r) == 1 ? 0 : -1;
	}
	m->replay_pending = true;
	return recread_seek(r, k);
}

int64_t model_replay_find(struct model *m, int64_t wall_ns)
{
	if (!m->replay)
		return -1;
	struct recread *r = replay_reader(m->replay);
	const struct recread_info *ri = recread_info(r);
	if (wall_ns > ri->last_wall_ns || recread_seek_time(r, wall_ns) < 0)
		return -1;
	uint64_t k = recread_pos(r);
	if (recread_wall_ns(r) < wall_ns)
		k++;
	return (int64_t)k;
}

int model_replay_seek_time(struct model *m, int64_t wall_ns)
{
	if (!m->replay)
		return -1;
	struct recread *r = replay_reader(m->replay);
	if (recread_seek_time(r, wall_ns) < 0)
		return -1;
	return model_replay_seek(m, recread_pos(r));
}

long model_replay_visit(struct model *m, const uint64_t *ks, size_t n, model_visit_fn *fn,
			void *ctx)
{
	if (!m->replay)
		return -1;
	struct recread *r = replay_reader(m->replay);
	uint64_t was = recread_pos(r);
	long visited = 0;
	for (size_t i = 0; i < n; i++) {
		if (recread_seek(r, ks[i]) != 0 || recread_pos(r) != ks[i])
			continue;
		fn(ctx, m->replay);
		visited++;
	}
	recread_seek(r, was);
	return visited;
}

size_t model_replay_keys(const struct model *m, uint64_t *out, size_t max)
{
	return m->replay ? recread_key_samples(replay_reader(m->replay), out, max) : 0;
}

static void forget_samples(struct task *t, void *arg)
{
	(void)arg;
	t->nsamples = 0;
}

void model_set_threads(struct model *m, bool threads)
{
	if (m->cfg.threads == threads)
		return;
	m->cfg.threads = threads;
	task_table_foreach(threads ? &m->threads : &m->procs, forget_samples, NULL);
}

bool task_is_kernel_thread(const struct task *t)
{
	/* kthreadd is pid 2 and the parent of every other kernel thread */
	return t->tgid == 2 || t->ppid == 2;
}
