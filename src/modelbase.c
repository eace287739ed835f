/* modelbase.c - what every source applies to a task's sample: the birth
 * rule's test (born since the previous refresh) and -a's base (the first
 * sample, and the traffic since). Used by the walk (scan.c), the capture's
 * credit (sampler.c) and a replay (replay.c). */
#include "model_priv.h"

#include <stdlib.h>
#include <string.h>

void model_take_first(struct model *m, struct task *t, bool born)
{
	if (!t->first)
		t->first = malloc(sizeof *t->first);
	if (!t->first)
		return;
	memset(t->first, 0, sizeof *t->first);
	if (born) {
		/* totals since its birth, which came after pidtop's start */
		t->first->gen = m->gen - 1;
		t->first->t = t->prev_t;
		t->first->ts_t = t->prev_ts_t;
		return;
	}
	t->first->c = t->cur;
	t->first->gen = m->gen;
	t->first->t = t->cur_t;
	t->first->ts_t = t->cur_ts_t;
	t->first->rss_kb = t->rss_kb;
}

void model_first_add_net(const struct model *m, struct task *t, const struct task_net *iv)
{
	/* what moved after the first sample (taken earlier in this refresh) */
	if (!t->first || t->first->gen == m->gen)
		return;
	t->first->net.tx_bytes += iv->tx_bytes;
	t->first->net.tx_pkts += iv->tx_pkts;
	t->first->net.rx_bytes += iv->rx_bytes;
	t->first->net.rx_pkts += iv->rx_pkts;
}

bool model_started_after(const struct model *m, const struct task *t, double uptime_s)
{
	return uptime_s > 0 && m->clk_tck > 0 &&
	       (double)t->start_ticks >= uptime_s * (double)m->clk_tck - 1.0;
}

bool model_born_since_prev(const struct model *m, const struct task *t)
{
	return m->gen > 1 && model_started_after(m, t, m->prev_uptime_s);
}
