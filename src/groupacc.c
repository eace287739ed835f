/* groupacc.c - group counters that only grow, from the model's samples */
#include "groupacc.h"
#include "buf.h"
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* a process's group is named again when its comm changes (exec), and
 * otherwise every this many samples (a setuid, a move to another cgroup) */
#define RENAME_PERIOD 16

void groupacc_init(struct groupacc *a, const struct grouping *g, unsigned top_k)
{
	memset(a, 0, sizeof *a);
	a->grouping = *g;
	a->top_k = top_k;
	a->needs_exe = grouping_needs_exe(g);
	group_table_init(&a->names);
}

void groupacc_free(struct groupacc *a)
{
	group_table_free(&a->names);
	free(a->stats);
	free(a->procs);
	intmap_free(&a->index);
	free(a->exited_taken);
	memset(a, 0, sizeof *a);
}

size_t groupacc_ngroups(const struct groupacc *a)
{
	return a->names.n;
}

const struct group_stats *groupacc_group(const struct groupacc *a, size_t i)
{
	return &a->stats[i];
}

const char *groupacc_group_name(const struct groupacc *a, size_t i)
{
	return a->names.names[i];
}

/* ---- the process table ---- */

static bool same_process(const struct gproc *e, const struct task *t, long hz);

/* An entry of a process the model still holds, or of one that ended not
 * long ago. */
static bool entry_current(const struct groupacc *a, const struct gproc *e)
{
	return e->seen == a->sample || (e->ended && a->sample - e->seen <= GROUPACC_ENDED_KEEP);
}

/* Keeps only the entries of processes the model holds, or that ended not
 * long ago, and indexes them anew. */
static bool compact(struct groupacc *a)
{
	size_t kept = 0;
	while (kept < a->nprocs && entry_current(a, &a->procs[kept]))
		kept++;
	if (kept == a->nprocs)
		return true; /* nothing to drop */
	for (size_t i = kept; i < a->nprocs; i++)
		if (entry_current(a, &a->procs[i]))
			a->procs[kept++] = a->procs[i];
	a->nprocs = kept;
	intmap_clear(&a->index);
	for (size_t i = 0; i < kept; i++)
		if (intmap_put(&a->index, (uint32_t)a->procs[i].tgid, (uint32_t)i) < 0)
			return false; /* cannot be: the slots held them all before */
	return true;
}

static struct gproc *find(struct groupacc *a, int32_t tgid)
{
	uint32_t place = intmap_get(&a->index, (uint32_t)tgid);
	return place == INTMAP_NONE ? NULL : &a->procs[place];
}

static struct gproc *insert(struct groupacc *a, int32_t tgid)
{
	if (a->nprocs >= INTMAP_NONE ||
	    array_reserve((void **)&a->procs, &a->procs_cap, a->nprocs + 1, sizeof *a->procs) < 0 ||
	    intmap_put(&a->index, (uint32_t)tgid, (uint32_t)a->nprocs) < 0)
		return NULL;
	struct gproc *e = &a->procs[a->nprocs++];
	memset(e, 0, sizeof *e);
	e->tgid = tgid;
	return e;
}

/* ---- crediting ---- */

static bool stats_room(struct groupacc *a)
{
	if (a->names.n <= a->stats_cap)
		return true;
	size_t old = a->stats_cap;
	struct group_stats *v = array_grow(a->stats, &a->stats_cap, a->names.n, sizeof *v, 64);
	if (!v)
		return false;
	memset(v + old, 0, (a->stats_cap - old) * sizeof *v);
	a->stats = v;
	return true;
}

static long group_of(struct groupacc *a, struct model *m, const struct task *t)
{
	char exe[4096], name[GROUP_NAME_MAX];
	if (a->needs_exe) {
		if (t->in_use && !t->exited_gen && t->seen_gen == model_gen(m))
			grouping_read_exe(m, t->tgid, exe, sizeof exe);
		else
			exe[0] = '\0'; /* it ended: no exe to read */
	}
	grouping_name(&a->grouping, m, t, a->needs_exe ? exe : NULL, name, sizeof name);
	/* past the cap, new names share one group: the series stay bounded
	 * whatever names processes give themselves */
	if (a->names.n >= GROUPACC_MAX_GROUPS && group_table_find(&a->names, name) < 0)
		snprintf(name, sizeof name, "%s", GROUPACC_OTHER);
	long g = group_table_intern(&a->names, name);
	if (g < 0 || !stats_room(a))
		return -1;
	return g;
}

/* The task's cumulative counters in the accumulator's terms. */
static void task_values(const struct task *t, uint64_t v[GC_TASK_COUNTERS])
{
	const struct task_counters *c = &t->cur;
	v[GC_CPU_USER] = c->utime > c->guest ? c->utime - c->guest : 0;
	v[GC_CPU_SYSTEM] = c->stime;
	v[GC_CPU_GUEST] = c->guest;
	v[GC_WAIT_NS] = c->wait_ns;
	v[GC_READ_BYTES] = c->read_bytes;
	v[GC_WRITE_BYTES] = c->write_bytes;
	v[GC_CWRITE_BYTES] = c->cwrite_bytes;
	v[GC_IO_DELAY_NS] = c->blkio_delay_ns;
	v[GC_SWAPIN_DELAY_NS] = c->swapin_delay_ns;
	v[GC_CSWCH] = c->cswch;
	v[GC_NVCSWCH] = c->nvcswch;
	v[GC_MAJFLT] = c->majflt;
	v[GC_MINFLT] = c->minflt;
}

/* Adds what e's process did since its last contribution to its group. */
static void credit(struct groupacc *a, struct model *m, struct gproc *e, const struct task *t)
{
	struct group_stats *g = &a->stats[e->group];
	uint64_t v[GC_TASK_COUNTERS];
	uint64_t inc[GC_COUNT] = {0};
	task_values(t, v);
	for (int k = 0; k < GC_TASK_COUNTERS; k++) {
		if (v[k] > e->c[k]) {
			inc[k] = v[k] - e->c[k];
			e->c[k] = v[k];
		}
	}
	/* the interval's traffic: only a task sampled (or ended) in this
	 * refresh holds this refresh's figures */
	bool fresh = t->seen_gen == model_gen(m) || t->exited_gen == model_gen(m);
	if (fresh && t->delta && (t->have & TG_NET)) {
		const struct task_net *n = &t->delta->net;
		inc[GC_NET_TX_BYTES] = n->tx_bytes;
		inc[GC_NET_RX_BYTES] = n->rx_bytes;
		inc[GC_NET_TX_PKTS] = n->tx_pkts;
		inc[GC_NET_RX_PKTS] = n->rx_pkts;
		for (int k = GC_NET_TX_BYTES; k < GC_COUNT; k++)
			e->c[k] += inc[k];
	}
	bool grew = false;
	for (int k = 0; k < GC_COUNT; k++) {
		g->c[k] += inc[k];
		grew |= inc[k] != 0;
	}
	if (grew)
		g->last_active = a->sample;
	e->score[0] = inc[GC_CPU_USER] + inc[GC_CPU_SYSTEM] + inc[GC_CPU_GUEST];
	e->score[1] = inc[GC_READ_BYTES] + inc[GC_WRITE_BYTES];
	e->score[2] = inc[GC_NET_TX_BYTES] + inc[GC_NET_RX_BYTES];
}

/* The entry of t's process: found, or new (a pid reused by a new process
 * starts over; what the old one did stays in its group). */
static struct gproc *entry_of(struct groupacc *a, struct model *m, const struct task *t,
			      bool *is_new)
{
	struct gproc *e = find(a, t->tgid);
	*is_new = false;
	if (e && e->approx_start && same_process(e, t, model_clk_tck(m))) {
		/* its exit record came first: the same process, now listed */
		e->approx_start = false;
		e->start_ticks = t->start_ticks;
	}
	if (e && e->start_ticks == t->start_ticks) {
		if (strncmp(e->comm, task_comm(t), sizeof e->comm - 1) != 0 ||
		    ((uint32_t)t->tgid + a->sample) % RENAME_PERIOD == 0) {
			long g = group_of(a, m, t);
			if (g >= 0 && (uint32_t)g != e->group) {
				/* a new group counts from here: what it did stays */
				e->group = (uint32_t)g;
			}
			snprintf(e->comm, sizeof e->comm, "%s", task_comm(t));
		}
		return e;
	}
	long g = group_of(a, m, t);
	if (g < 0)
		return NULL;
	if (!e && !(e = insert(a, t->tgid)))
		return NULL;
	uint32_t seen = e->seen;
	memset(e, 0, sizeof *e);
	e->seen = seen;
	e->tgid = t->tgid;
	e->start_ticks = t->start_ticks;
	e->group = (uint32_t)g;
	snprintf(e->comm, sizeof e->comm, "%s", task_comm(t));
	*is_new = true;
	return e;
}

struct walk {
	struct groupacc *a;
	struct model *m;
	int failed;
};

static void take_task(struct task *t, void *arg)
{
	struct walk *w = arg;
	struct groupacc *a = w->a;
	if (!t->nsamples)
		return;
	bool is_new;
	struct gproc *e = entry_of(a, w->m, t, &is_new);
	if (!e) {
		w->failed = -1;
		return;
	}
	e->seen = a->sample;
	e->ended = t->exited_gen != 0;
	struct group_stats *g = &a->stats[e->group];
	if (is_new && a->sample > 1)
		g->started++;
	credit(a, w->m, e, t);
	if (t->exited_gen)
		return;
	e->rss_kb = t->rss_kb;
	g->last_active = a->sample;
	g->processes++;
	g->threads += t->nthreads > 0 ? (uint32_t)t->nthreads : 1;
	g->rss_kb += t->rss_kb;
	g->vsz_kb += t->vsz_kb;
}

/* Whether an exit record's task is the process of entry e. A record's
 * start time comes in whole seconds since the epoch (taskstats ac_btime),
 * so a process sampled alive whose record the model could not tie to it
 * shows up with a start up to a second or two off: the same process, whose
 * contribution must not be counted twice. (A pid reused within those two
 * seconds by a process that lived between two samples would be taken for
 * the old one: counted short, never twice.) */
static bool same_process(const struct gproc *e, const struct task *t, long hz)
{
	uint64_t d = e->start_ticks > t->start_ticks ? e->start_ticks - t->start_ticks
						     : t->start_ticks - e->start_ticks;
	return d <= 2 * (uint64_t)hz;
}

/* A task known only by its exit record (it lived between two samples), or
 * the kept copy of one whose pid was reused. Called twice a sample: before
 * the table walk (known only: a kept copy finds its process's entry before
 * a new process with that pid takes it over; returns whether it was taken)
 * and after it (the rest: one sampled in this very refresh before it ended
 * finds the entry the walk just made). */
static bool take_exited(struct walk *w, const struct task *t, bool known_only)
{
	struct groupacc *a = w->a;
	struct gproc *e = find(a, t->tgid);
	if (e && same_process(e, t, model_clk_tck(w->m))) {
		credit(a, w->m, e, t);
		e->ended = true;
		return true;
	}
	if (known_only)
		return false;
	long g = group_of(a, w->m, t);
	if (g < 0) {
		w->failed = -1;
		return true; /* out of memory: not counted, and not tried again */
	}
	a->stats[g].started++;
	struct gproc *n = e ? e : insert(a, t->tgid);
	if (!n) { /* out of memory: counted, not remembered */
		struct gproc tmp = {.group = (uint32_t)g};
		credit(a, w->m, &tmp, t);
		return true;
	}
	memset(n, 0, sizeof *n);
	n->tgid = t->tgid;
	n->start_ticks = t->start_ticks;
	n->approx_start = true;
	n->ended = true;
	n->group = (uint32_t)g;
	n->seen = a->sample;
	snprintf(n->comm, sizeof n->comm, "%s", task_comm(t));
	credit(a, w->m, n, t);
	return true;
}

/* Marks the K processes with the largest score[k] as exported for the
 * next GROUPACC_TOP_HOLD samples. */
static void select_top(struct groupacc *a, int k)
{
	unsigned n = a->top_k;
	struct gproc **best = calloc(n, sizeof *best);
	if (!best)
		return;
	unsigned have = 0;
	for (size_t i = 0; i < a->nprocs; i++) {
		struct gproc *e = &a->procs[i];
		if (e->seen != a->sample || !e->score[k])
			continue;
		if (have == n && e->score[k] <= best[n - 1]->score[k])
			continue;
		unsigned j = have < n ? have++ : n - 1;
		while (j > 0 && best[j - 1]->score[k] < e->score[k]) {
			best[j] = best[j - 1];
			j--;
		}
		best[j] = e;
	}
	for (unsigned i = 0; i < have; i++)
		best[i]->top_until = a->sample + GROUPACC_TOP_HOLD;
	free(best);
}

/* Forgets the groups idle for idle_samples: the names, the counters and the
 * indexes are rebuilt without them. */
static int expire_groups(struct groupacc *a)
{
	size_t n = groupacc_ngroups(a), keep = 0;
	for (size_t i = 0; i < n; i++)
		keep += a->stats[i].processes || a->sample - a->stats[i].last_active < a->idle_samples;
	if (keep == n)
		return 0;
	struct group_table names;
	group_table_init(&names);
	uint32_t *map = malloc(n * sizeof *map);
	struct group_stats *stats = calloc(keep ? keep : 1, sizeof *stats);
	bool ok = map && stats;
	for (size_t i = 0; ok && i < n; i++) {
		const struct group_stats *s = &a->stats[i];
		map[i] = UINT32_MAX;
		if (!s->processes && a->sample - s->last_active >= a->idle_samples)
			continue;
		long j = group_table_intern(&names, a->names.names[i]);
		if (j < 0)
			ok = false;
		else
			stats[j] = *s, map[i] = (uint32_t)j;
	}
	for (size_t i = 0; ok && i < a->nprocs; i++)
		if (map[a->procs[i].group] == UINT32_MAX)
			ok = false; /* a process of an idle group: cannot be, but keep all then */
	if (!ok) {
		group_table_free(&names);
		free(map);
		free(stats);
		return -1;
	}
	for (size_t i = 0; i < a->nprocs; i++)
		a->procs[i].group = map[a->procs[i].group];
	group_table_free(&a->names);
	free(a->stats);
	a->names = names;
	a->stats = stats;
	a->stats_cap = keep ? keep : 1;
	free(map);
	return 0;
}

int groupacc_update(struct groupacc *a, struct model *m)
{
	a->sample++;
	for (size_t i = 0; i < a->names.n && i < a->stats_cap; i++) {
		struct group_stats *g = &a->stats[i];
		g->processes = g->threads = 0;
		g->rss_kb = g->vsz_kb = 0;
	}
	struct walk w = {a, m, 0};
	size_t nexited;
	struct task *exited = model_exited(m, &nexited);
	bool *taken = array_grow(a->exited_taken, &a->exited_cap, nexited + 1, sizeof *taken, 64);
	if (!taken)
		return -1;
	a->exited_taken = taken;
	for (size_t i = 0; i < nexited; i++)
		taken[i] = !exited[i].exit_final || take_exited(&w, &exited[i], true);
	task_table_foreach(model_table(m, false), take_task, &w);
	for (size_t i = 0; i < nexited; i++)
		if (!taken[i])
			take_exited(&w, &exited[i], false);
	/* drop the entries of processes the model no longer holds */
	if (!compact(a))
		w.failed = -1;
	if (a->top_k)
		for (int k = 0; k < 3; k++)
			select_top(a, k);
	/* a look every 64 samples is enough: it only keeps memory bounded */
	if (a->idle_samples && a->sample % 64 == 0 && expire_groups(a) < 0)
		w.failed = -1;
	return w.failed;
}
