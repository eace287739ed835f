/* timeline.c - the busiest processes over a recording or the live
 * history, bucketed into columns (timeline.h). */
#include "timeline.h"
#include "buf.h"
#include "history.h"
#include "model.h"
#include "recfile.h"
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void timeline_edges(uint64_t first, uint64_t last, size_t ncols, uint64_t *edges)
{
	uint64_t span = last - first;
	for (size_t j = 0; j <= ncols; j++)
		edges[j] = first + (uint64_t)((unsigned __int128)span * j / ncols);
}

void timeline_bucket(const double *v, size_t n, size_t ncols, bool mean, float *out)
{
	for (size_t j = 0; j < ncols; j++) {
		size_t a = j * n / ncols, b = (j + 1) * n / ncols;
		double sum = 0;
		for (size_t i = a; i < b; i++)
			sum += v[i];
		out[j] = (float)(b > a ? (mean ? sum / (double)(b - a) : v[b - 1]) : 0);
	}
}

/* ---- the builder ---- */

struct acc {
	int32_t pid;
	uint64_t start_ticks;
	char name[TASK_COMM_INLINE];
	uint64_t last_ticks;
	size_t last_j; /* the edge it was last seen at, + 1 (0: not this pass) */
	double cpu_ticks; /* over the span */
	int slot;      /* its place among the charted, or -1 */
};

struct timeline_builder {
	struct timeline *tl;
	struct acc *acc; /* sorted by (pid, start) */
	size_t nacc, acc_cap;
	struct acc *fresh; /* first seen at this edge */
	size_t nfresh, fresh_cap;
	double prev_t_s, prev_uptime_s;
	long clk_tck;
	bool second;
};

static int acc_cmp(const void *a, const void *b)
{
	const struct acc *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->start_ticks > y->start_ticks) - (x->start_ticks < y->start_ticks);
}

int timeline_builder_new(struct timeline_builder **out, struct timeline *tl, size_t ncols)
{
	struct timeline_builder *b = calloc(1, sizeof *b);
	if (!b)
		return -1;
	memset(tl, 0, sizeof *tl);
	tl->ncols = ncols < TIMELINE_MAX_COLS ? ncols : TIMELINE_MAX_COLS;
	b->tl = tl;
	*out = b;
	return 0;
}

void timeline_builder_free(struct timeline_builder *b)
{
	if (!b)
		return;
	free(b->acc);
	free(b->fresh);
	free(b);
}

static struct acc *acc_find(struct timeline_builder *b, int32_t pid, uint64_t start_ticks)
{
	struct acc key = {.pid = pid, .start_ticks = start_ticks};
	if (b->nacc == 0)
		return NULL;
	return bsearch(&key, b->acc, b->nacc, sizeof key, acc_cmp);
}

static struct acc *acc_fresh(struct timeline_builder *b, const struct timeline_point *p)
{
	struct acc *v = array_grow(b->fresh, &b->fresh_cap, b->nfresh + 1, sizeof *v, 64);
	if (!v)
		return NULL;
	b->fresh = v;
	struct acc *a = &b->fresh[b->nfresh++];
	memset(a, 0, sizeof *a);
	a->pid = p->pid;
	a->start_ticks = p->start_ticks;
	memcpy(a->name, p->name, sizeof a->name);
	a->name[sizeof a->name - 1] = '\0';
	a->slot = -1;
	return a;
}

static int merge_fresh(struct timeline_builder *b)
{
	if (b->nfresh == 0)
		return 0;
	struct acc *v = array_grow(b->acc, &b->acc_cap, b->nacc + b->nfresh, sizeof *v, 256);
	if (!v)
		return -1;
	b->acc = v;
	memcpy(b->acc + b->nacc, b->fresh, b->nfresh * sizeof *v);
	b->nacc += b->nfresh;
	b->nfresh = 0;
	qsort(b->acc, b->nacc, sizeof *b->acc, acc_cmp);
	return 0;
}

/* The ticks p used since edge j - 1, or -1 when there is no base: not
 * seen at the previous edge, and already running then. */
static double ticks_since(const struct timeline_builder *b, const struct acc *a, size_t j,
			  const struct timeline_point *p)
{
	if (j == 0)
		return -1;
	if (a && a->last_j == j) /* seen at edge j - 1 (last_j holds edge + 1) */
		return p->cpu_ticks >= a->last_ticks ? (double)(p->cpu_ticks - a->last_ticks) : 0;
	/* born after the previous edge: from zero (a tick of slack) */
	if ((double)p->start_ticks + 1.0 >= b->prev_uptime_s * (double)b->clk_tck)
		return (double)p->cpu_ticks;
	return -1;
}

int timeline_builder_add(struct timeline_builder *b, size_t j, double t_s, double uptime_s,
			 long clk_tck, const struct timeline_point *pts, size_t n)
{
	struct timeline *tl = b->tl;
	b->clk_tck = clk_tck > 0 ? clk_tck : 100;
	double dt = t_s - b->prev_t_s;
	for (size_t i = 0; i < n; i++) {
		const struct timeline_point *p = &pts[i];
		struct acc *a = acc_find(b, p->pid, p->start_ticks);
		if (!a && b->second)
			continue; /* not charted */
		double d = ticks_since(b, a, j, p);
		if (!a && !(a = acc_fresh(b, p)))
			return -1;
		if (d > 0 && !b->second)
			a->cpu_ticks += d;
		if (a->slot >= 0 && j > 0 && j <= tl->ncols) {
			if (d > 0 && dt > 0)
				tl->cpu_pct[a->slot][j - 1] = (float)(d / (double)b->clk_tck / dt * 100.0);
			tl->rss_kb[a->slot][j - 1] = (float)p->rss_kb;
		}
		a->last_ticks = p->cpu_ticks;
		a->last_j = j + 1;
	}
	b->prev_t_s = t_s;
	b->prev_uptime_s = uptime_s;
	return merge_fresh(b);
}

static int by_cpu_desc(const void *x, const void *y)
{
	const struct acc *a = *(const struct acc *const *)x, *b = *(const struct acc *const *)y;
	if (a->cpu_ticks != b->cpu_ticks)
		return a->cpu_ticks > b->cpu_ticks ? -1 : 1;
	return (a->pid > b->pid) - (a->pid < b->pid);
}

void timeline_builder_choose(struct timeline_builder *b)
{
	struct timeline *tl = b->tl;
	const struct acc *top[TIMELINE_TOP];
	size_t ntop = 0;
	/* a running top list: n entries, TIMELINE_TOP kept */
	for (size_t i = 0; i < b->nacc; i++) {
		const struct acc *a = &b->acc[i];
		if (a->cpu_ticks <= 0)
			continue;
		if (ntop == TIMELINE_TOP && by_cpu_desc(&a, &top[ntop - 1]) >= 0)
			continue;
		if (ntop < TIMELINE_TOP)
			ntop++;
		size_t k = ntop - 1;
		for (; k > 0 && by_cpu_desc(&a, &top[k - 1]) < 0; k--)
			top[k] = top[k - 1];
		top[k] = a;
	}
	for (size_t k = 0; k < ntop; k++) {
		struct timeline_proc *p = &tl->procs[k];
		p->pid = p->tid = top[k]->pid;
		p->start_ticks = top[k]->start_ticks;
		memcpy(p->name, top[k]->name, sizeof p->name);
		p->cpu_s = top[k]->cpu_ticks / (double)(b->clk_tck > 0 ? b->clk_tck : 100);
	}
	tl->nprocs = ntop;
	/* the second pass looks only at the charted ones */
	size_t kept = 0;
	for (size_t i = 0; i < b->nacc; i++) {
		for (size_t k = 0; k < ntop; k++)
			if (b->acc[i].pid == tl->procs[k].pid &&
			    b->acc[i].start_ticks == tl->procs[k].start_ticks) {
				b->acc[kept] = b->acc[i];
				b->acc[kept].slot = (int)k;
				b->acc[kept++].last_j = 0;
			}
	}
	b->nacc = kept;
	b->prev_t_s = b->prev_uptime_s = 0;
	b->second = true;
}

static void scales(struct timeline *tl)
{
	tl->cpu_max = tl->rss_max_kb = 0;
	for (size_t j = 0; j < tl->ncols; j++) {
		double sum = 0;
		for (size_t k = 0; k < tl->nprocs; k++) {
			sum += tl->cpu_pct[k][j];
			if (tl->rss_kb[k][j] > tl->rss_max_kb)
				tl->rss_max_kb = tl->rss_kb[k][j];
		}
		if (sum > tl->cpu_max)
			tl->cpu_max = sum;
	}
}

void timeline_builder_finish(struct timeline_builder *b)
{
	scales(b->tl);
	timeline_builder_free(b);
}

/* ---- from a recording ---- */

struct replay_pass {
	struct timeline_builder *b;
	const uint64_t *edges;
	size_t nedges, j;
	struct timeline_point *pts;
	size_t npts, pts_cap;
	int64_t *wall_ns; /* each edge's wall time */
	bool failed;
};

static void collect_point(void *arg, const struct replay_point *p)
{
	struct replay_pass *c = arg;
	if (p->ended || c->failed)
		return;
	struct timeline_point *v = array_grow(c->pts, &c->pts_cap, c->npts + 1, sizeof *v, 256);
	if (!v) {
		c->failed = true;
		return;
	}
	c->pts = v;
	struct timeline_point *q = &c->pts[c->npts++];
	q->pid = p->tid;
	q->start_ticks = p->start_ticks;
	memcpy(q->name, p->comm, sizeof q->name);
	q->cpu_ticks = p->cpu_ticks;
	q->rss_kb = p->rss_kb;
}

static void pass_edge(void *arg, struct replay *rp)
{
	struct replay_pass *c = arg;
	struct replay_frame f;
	replay_frame(rp, &f);
	while (c->j < c->nedges && c->edges[c->j] < f.k)
		c->j++;
	if (c->j >= c->nedges || c->edges[c->j] != f.k || c->failed)
		return;
	c->npts = 0;
	replay_points(rp, false, collect_point, c);
	if (c->wall_ns)
		c->wall_ns[c->j] = f.wall_ns;
	if (timeline_builder_add(c->b, c->j, f.mono_s, f.uptime_s, f.clk_tck, c->pts, c->npts) < 0)
		c->failed = true;
}

/* Where to read a recording of n samples for at most ncols columns:
 * edges[0..return]. A seek to a key frame decodes no delta, one elsewhere
 * up to a key frame interval of them: in a long file the edges are key
 * frames (fewer columns than asked when there are fewer key frames), in a
 * short one any samples. */
static size_t replay_edges(struct model *m, uint64_t n, size_t ncols, uint64_t *edges)
{
	if (ncols > n - 1)
		ncols = (size_t)(n - 1);
	if (ncols > TIMELINE_MAX_COLS)
		ncols = TIMELINE_MAX_COLS;
	uint64_t *keys = malloc((TIMELINE_MAX_COLS + 1) * sizeof *keys);
	size_t nk = keys ? model_replay_keys(m, keys, TIMELINE_MAX_COLS + 1) : 0;
	if (nk > TIMELINE_MAX_COLS + 1) { /* more than needed: all of them */
		free(keys);
		keys = malloc(nk * sizeof *keys);
		nk = keys ? model_replay_keys(m, keys, nk) : 0;
	}
	if (nk >= 2 && nk - 1 >= ncols) {
		/* ncols + 1 key frames, evenly */
		uint64_t at[TIMELINE_MAX_COLS + 1];
		timeline_edges(0, nk - 1, ncols, at);
		for (size_t j = 0; j <= ncols; j++)
			edges[j] = keys[at[j]];
	} else if (nk >= 2 && n - 1 > TIMELINE_READ_ALL) {
		/* every key frame, and the last sample */
		memcpy(edges, keys, nk * sizeof *keys);
		ncols = nk - 1;
		if (edges[ncols] != n - 1)
			edges[++ncols] = n - 1;
	} else {
		timeline_edges(0, n - 1, ncols, edges);
	}
	free(keys);
	return ncols;
}

static int build_replay(struct timeline *tl, struct model *m, size_t ncols)
{
	const struct recread_info *ri = model_replay_info(m);
	uint64_t n = ri ? ri->samples : 0;
	if (n < 2 || ncols == 0) {
		memset(tl, 0, sizeof *tl);
		tl->replay = true;
		return 0;
	}
	uint64_t edges[TIMELINE_MAX_COLS + 2];
	int64_t wall[TIMELINE_MAX_COLS + 2] = {0};
	ncols = replay_edges(m, n, ncols, edges);
	struct replay_pass c = {.edges = edges, .nedges = ncols + 1, .wall_ns = wall};
	if (timeline_builder_new(&c.b, tl, ncols) < 0)
		return -1;
	model_replay_visit(m, edges, ncols + 1, pass_edge, &c);
	timeline_builder_choose(c.b);
	c.j = 0;
	c.wall_ns = NULL;
	if (!c.failed)
		model_replay_visit(m, edges, ncols + 1, pass_edge, &c);
	free(c.pts);
	timeline_builder_finish(c.b);
	tl->replay = true;
	if (c.failed) {
		memset(tl, 0, sizeof *tl);
		return -1;
	}
	tl->first_sample = edges[0];
	tl->start_wall_ns = wall[0];
	for (size_t j = 0; j < ncols; j++) {
		tl->end_sample[j] = edges[j + 1];
		tl->end_wall_ns[j] = wall[j + 1];
	}
	return 0;
}

/* ---- from the live histories ---- */

struct live_pick {
	const struct task *top[TIMELINE_TOP];
	double total[TIMELINE_TOP];
	size_t ntop, longest;
	struct hist_sample buf[HIST_LEN];
};

static void pick_busiest(struct task *t, void *arg)
{
	struct live_pick *c = arg;
	if (!t->hist || t->hist_n == 0 || t->exited_gen)
		return;
	size_t n = hist_read(t->hist, t->hist_n, t->rss_kb, c->buf, HIST_LEN);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += c->buf[i].v[HIST_CPU];
	if (sum <= 0)
		return;
	if (c->ntop == TIMELINE_TOP &&
	    (sum < c->total[c->ntop - 1] ||
	     (sum == c->total[c->ntop - 1] && t->tgid > c->top[c->ntop - 1]->tgid)))
		return;
	if (c->ntop < TIMELINE_TOP)
		c->ntop++;
	size_t k = c->ntop - 1;
	for (; k > 0 && (sum > c->total[k - 1] ||
			 (sum == c->total[k - 1] && t->tgid < c->top[k - 1]->tgid));
	     k--) {
		c->top[k] = c->top[k - 1];
		c->total[k] = c->total[k - 1];
	}
	c->top[k] = t;
	c->total[k] = sum;
}

static int build_live(struct timeline *tl, struct model *m, size_t ncols)
{
	struct live_pick *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	memset(tl, 0, sizeof *tl);
	task_table_foreach(model_rows_table(m), pick_busiest, c);
	for (size_t k = 0; k < c->ntop; k++)
		if (c->top[k]->hist_n > c->longest)
			c->longest = c->top[k]->hist_n;
	size_t len = c->longest;
	if (ncols > len)
		ncols = len;
	if (ncols > TIMELINE_MAX_COLS)
		ncols = TIMELINE_MAX_COLS;
	tl->ncols = ncols;
	tl->nprocs = ncols ? c->ntop : 0;
	double iv = model_interval_s(m) > 0 ? model_interval_s(m) : 1;
	double cpu[HIST_LEN], rss[HIST_LEN];
	for (size_t k = 0; k < tl->nprocs; k++) {
		const struct task *t = c->top[k];
		size_t n = hist_read(t->hist, t->hist_n, t->rss_kb, c->buf, HIST_LEN);
		/* newest at the right: a shorter history starts later */
		for (size_t i = 0; i < len; i++) {
			size_t at = i + n >= len ? i + n - len : SIZE_MAX;
			cpu[i] = at != SIZE_MAX ? c->buf[at].v[HIST_CPU] : 0;
			rss[i] = at != SIZE_MAX ? c->buf[at].v[HIST_RSS] : 0;
		}
		timeline_bucket(cpu, len, ncols, true, tl->cpu_pct[k]);
		timeline_bucket(rss, len, ncols, false, tl->rss_kb[k]);
		struct timeline_proc *p = &tl->procs[k];
		p->pid = t->tgid;
		p->tid = t->tid;
		p->start_ticks = t->start_ticks;
		snprintf(p->name, sizeof p->name, "%s", task_comm(t));
		p->cpu_s = c->total[k] / 100.0 * iv;
	}
	int64_t now = model_wall_ns(m), step = (int64_t)(iv * 1e9);
	tl->start_wall_ns = now - (int64_t)len * step;
	for (size_t j = 0; j < ncols; j++)
		tl->end_wall_ns[j] = now - (int64_t)(len - (j + 1) * len / ncols) * step;
	scales(tl);
	free(c);
	return 0;
}

int timeline_build(struct timeline *tl, struct model *m, size_t ncols)
{
	return model_is_replay(m) ? build_replay(tl, m, ncols) : build_live(tl, m, ncols);
}

size_t timeline_cursor(const struct timeline *tl, struct model *m)
{
	if (tl->ncols == 0)
		return 0;
	if (!tl->replay)
		return tl->ncols - 1;
	uint64_t pos = model_replay_pos(m);
	size_t lo = 0, hi = tl->ncols - 1;
	while (lo < hi) { /* the first column whose end is at or after pos */
		size_t mid = lo + (hi - lo) / 2;
		if (tl->end_sample[mid] < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
