/* replayseries.c - one task's history read from the recording around the
 * shown sample (the drill-down's sparklines in a replay), without moving
 * the model off that sample. */
#include "model.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

struct series_ctx {
	int32_t tid;
	uint64_t start_ticks;
	bool thread;
	struct hist_sample *out;
	size_t max, n;
	bool visited, have_prev;
	struct replay_frame prev_f;
	struct replay_point prev;
	uint64_t first_k;
};

static double per_s(uint64_t now, uint64_t before, double dt_s)
{
	return now > before && dt_s > 0 ? (double)(now - before) / dt_s : 0;
}

/* The sample's figures against the previous sample (the rates need two:
 * the first sample visited only serves as the base). */
static void series_one(void *arg, struct replay *rp)
{
	struct series_ctx *c = arg;
	struct replay_frame f;
	struct replay_point p;
	replay_frame(rp, &f);
	bool have = replay_find_point(rp, c->thread, c->tid, c->start_ticks, &p) == 0;
	if (c->visited && c->n < c->max) {
		struct hist_sample *s = &c->out[c->n++];
		memset(s, 0, sizeof *s);
		if (c->n == 1)
			c->first_k = f.k;
		if (have)
			s->v[HIST_RSS] = (double)p.rss_kb;
		if (have && !p.ended) {
			double dt = f.mono_s - c->prev_f.mono_s;
			if (c->have_prev) {
				/* the interval and counter the model's rates take (model.c) */
				double pdt = p.prev_t_s > 0 && p.t_s > p.prev_t_s ? p.t_s - p.prev_t_s
						   : p.t_s > c->prev.t_s ? p.t_s - c->prev.t_s : dt;
				double tdt = p.prev_ts_t_s > 0 && p.ts_t_s > p.prev_ts_t_s
						     ? p.ts_t_s - p.prev_ts_t_s : pdt;
				if (p.precise && c->prev.precise)
					s->v[HIST_CPU] = per_s(p.run_ns, c->prev.run_ns,
							       p.ts_source ? tdt : pdt) / 1e7;
				else
					s->v[HIST_CPU] = per_s(p.cpu_ticks, c->prev.cpu_ticks, pdt) /
							 (double)f.clk_tck * 100.0;
				s->v[HIST_READ] = per_s(p.read_bytes, c->prev.read_bytes, pdt);
				s->v[HIST_WRITE] = per_s(p.write_bytes, c->prev.write_bytes, pdt);
			}
			s->v[HIST_NET_TX] = per_s(p.net_tx_bytes, 0, dt);
			s->v[HIST_NET_RX] = per_s(p.net_rx_bytes, 0, dt);
		}
	}
	c->visited = true;
	c->prev_f = f;
	c->have_prev = have;
	if (have)
		c->prev = p;
}

size_t model_replay_task_series(struct model *m, int32_t tid, uint64_t start_ticks, bool thread,
				struct hist_sample *out, size_t max, uint64_t *first_k)
{
	*first_k = 0;
	if (!model_is_replay(m) || max == 0)
		return 0;
	uint64_t pos = model_replay_pos(m);
	/* max samples up to pos, and the one before them for the first rates */
	uint64_t first = pos > max ? pos - max : 0;
	size_t nks = (size_t)(pos - first + 1);
	uint64_t *ks = malloc(nks * sizeof *ks);
	if (!ks)
		return 0;
	for (size_t i = 0; i < nks; i++)
		ks[i] = first + i;
	struct series_ctx c = {.tid = tid, .start_ticks = start_ticks, .thread = thread,
			       .out = out, .max = max};
	model_replay_visit(m, ks, nks, series_one, &c);
	free(ks);
	*first_k = c.first_k;
	return c.n;
}
