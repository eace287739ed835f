/* grid.c - the activity grid's layout: a pure function of the tasks.
 * No curses here (tests/test_grid.c drives it with made-up tasks). */
#include "grid.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

enum grid_activity grid_activity_of(const struct task *t)
{
	if (t->exited_gen)
		return GRID_EXITED;
	if (!t->rates_valid)
		return GRID_IDLE;
	bool cpu = task_rates(t)->cpu_pct >= GRID_CPU_ACTIVE_PCT;
	bool io = task_rates(t)->read_bps + task_rates(t)->write_bps > 0;
	return cpu && io ? GRID_BOTH : cpu ? GRID_CPU : io ? GRID_IO : GRID_IDLE;
}

unsigned grid_glyph_of(const struct task *t, uint64_t max_rss_kb)
{
	/* a factor of 8 per size: linear steps would put nearly every task
	 * in the smallest size next to one large process */
	unsigned base = 1;
	if (max_rss_kb > 0 && t->rss_kb > 0) {
		uint64_t r = t->rss_kb;
		if (r >= max_rss_kb / 2)
			base = 4;
		else if (r >= max_rss_kb / 8)
			base = 3;
		else if (r >= max_rss_kb / 64)
			base = 2;
	}
	if (!t->exited_gen && t->rates_valid) {
		if (t->rss_delta_kb > 0)
			base++;
		else if (t->rss_delta_kb < 0)
			base--;
	}
	return base;
}

static int by_group_then_start(const void *a, const void *b)
{
	const struct grid_cell *x = a, *y = b;
	const struct task *p = x->t, *q = y->t;
	if (p->uid != q->uid)
		return p->uid < q->uid ? -1 : 1;
	if (p->start_ticks != q->start_ticks)
		return p->start_ticks < q->start_ticks ? -1 : 1;
	return (p->tid > q->tid) - (p->tid < q->tid);
}


static int add_line(struct grid *g, uint32_t uid, size_t first, bool labelled)
{
	if (array_reserve((void **)&g->lines, &g->lines_cap, g->nlines + 1, sizeof *g->lines) < 0)
		return -1;
	g->lines[g->nlines++] = (struct grid_line){uid, first, 0, labelled};
	return 0;
}

int grid_build(struct grid *g, struct task *const *tasks, size_t n, uint32_t per_line)
{
	g->ncells = g->nlines = 0;
	g->max_rss_kb = 0;
	g->per_line = per_line ? per_line : 1;
	if (array_reserve((void **)&g->cells, &g->cells_cap, n, sizeof *g->cells) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		memset(&g->cells[i], 0, sizeof g->cells[i]);
		g->cells[i].t = tasks[i];
		if (tasks[i]->rss_kb > g->max_rss_kb)
			g->max_rss_kb = tasks[i]->rss_kb;
	}
	g->ncells = n;
	qsort(g->cells, n, sizeof *g->cells, by_group_then_start);
	for (size_t i = 0; i < n; i++) {
		struct grid_cell *c = &g->cells[i];
		const struct task *t = c->t;
		bool new_group = g->nlines == 0 || g->lines[g->nlines - 1].uid != t->uid;
		if (new_group || g->lines[g->nlines - 1].ncells >= g->per_line) {
			if (add_line(g, t->uid, i, new_group) < 0) {
				g->ncells = g->nlines = 0;
				return -1;
			}
		}
		struct grid_line *l = &g->lines[g->nlines - 1];
		c->line = (uint32_t)(g->nlines - 1);
		c->col = l->ncells++;
		c->activity = (uint8_t)grid_activity_of(t);
		c->glyph = (uint8_t)grid_glyph_of(t, g->max_rss_kb);
		c->net = !t->exited_gen && t->rates_valid &&
			 task_rates(t)->net_tx_bps + task_rates(t)->net_rx_bps > 0;
		c->first_sample = !t->exited_gen && !t->rates_valid;
	}
	return 0;
}

void grid_free(struct grid *g)
{
	free(g->cells);
	free(g->lines);
	memset(g, 0, sizeof *g);
}

long grid_find(const struct grid *g, int32_t tid, uint64_t start_ticks)
{
	for (size_t i = 0; i < g->ncells; i++)
		if (g->cells[i].t->tid == tid && g->cells[i].t->start_ticks == start_ticks)
			return (long)i;
	return -1;
}

size_t grid_vertical(const struct grid *g, size_t cur, long dlines)
{
	if (cur >= g->ncells)
		return cur;
	long line = (long)g->cells[cur].line + dlines;
	if (line < 0)
		line = 0;
	if ((size_t)line >= g->nlines)
		line = (long)g->nlines - 1;
	const struct grid_line *l = &g->lines[line];
	if (l->ncells == 0)
		return cur;
	uint32_t col = g->cells[cur].col < l->ncells ? g->cells[cur].col : l->ncells - 1;
	return l->first + col;
}

void grid_spark_scale(const double *v, size_t n, double max, uint8_t *levels)
{
	if (!(max > 0))
		for (size_t i = 0; i < n; i++)
			if (v[i] > max)
				max = v[i];
	for (size_t i = 0; i < n; i++) {
		if (!(v[i] > 0) || !(max > 0)) {
			levels[i] = 0;
			continue;
		}
		double f = v[i] / max;
		unsigned lv = f >= 1 ? 8 : 1 + (unsigned)(f * 8);
		levels[i] = (uint8_t)(lv > 8 ? 8 : lv);
	}
}
