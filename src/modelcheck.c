/* modelcheck.c - the sampling hot path's invariants, in one place, as a
 * check the tests run after every refresh (tests/test_core.c).
 *
 * The walk (scan.c, listing.c, threadsum.c), taskstats (tsmodel.c), the
 * sweep (model.c) and a replay (replay.c) all keep these; each names what
 * breaks when it does not hold.
 *
 * I1 identity: a table holds at most one entry per tid, and an entry is
 *    one task: (tid, start time) is fixed for its life. A reused pid gets
 *    a new entry (else a row would carry another task's counters).
 * I2 generations: every *_gen is at most the model's gen. A task listed
 *    by this refresh has seen_gen == gen; one found gone has exited_gen
 *    set and is removed EXITED_KEEP refreshes later; the last full read
 *    is no later than the last sample (full_gen <= sample_gen).
 * I3 samples: nsamples is 0, 1 or 2, and a rate exists (rates_valid) only
 *    on a second sample: no rate from nothing, none across a gap.
 * I4 delta records: a task holds one (t->delta) only while its counters
 *    or traffic moved; the pool's count of records lent equals the
 *    records held by entries and exit records (none leak, none shared).
 * I5 no negative rate: over a rate's interval a live task's cumulative
 *    counters never go back (prev <= cur). An ended task's last figures
 *    come from its exit record, which may read lower than /proc did (tick
 *    -sampled times against /proc's adjusted ones; a multi-threaded
 *    process's record holds its main thread's faults): such a counter
 *    counts zero over the interval, and no rate of any task is negative.
 * I6 thread rows: a thread entry's process, when set, is the in-use
 *    process entry of its tgid.
 * I7 taskstats: replies are asked for a slice of the listing at a time
 *    (ts_first..ts_end, within the listing); a task reads its reply only
 *    while its list_index is in the slice of this refresh (scan.c
 *    ts_fresh), so a reply never lands on another task.
 * I8 -a: with accumulated totals, every task sampled this refresh has its
 *    first sample (t->first), the base of its totals.
 * I9 tables: an entry of the thread table is a thread row (is_thread), one
 *    of the process table is not; code that picks a table by the flag
 *    (removal, look-ups) would otherwise reach into the other one. */
#include "model_priv.h"

#include <stdio.h>

struct check {
	const struct model *m;
	const struct task_table *table;
	size_t deltas;
	char *why;
	size_t whylen;
	bool bad;
};

static bool fail(struct check *c, const struct task *t, const char *what)
{
	if (!c->bad)
		snprintf(c->why, c->whylen, "tid %d (tgid %d, gen %u): %s", t->tid, t->tgid,
			 c->m->gen, what);
	c->bad = true;
	return false;
}

/* the first counter (in struct task_counters order) that went back, or -1 */
static int counter_back(const struct task_counters *p, const struct task_counters *c)
{
	const uint64_t *a = (const uint64_t *)p, *b = (const uint64_t *)c;
	for (size_t i = 0; i < sizeof *p / sizeof(uint64_t); i++)
		if (a[i] > b[i])
			return (int)i;
	return -1;
}

static bool check_task(struct check *c, const struct task *t)
{
	const struct model *m = c->m;
	uint32_t g = m->gen;
	if (t->seen_gen > g || t->exited_gen > g || t->sample_gen > g || t->full_gen > g ||
	    t->agg_gen > g || t->mem_gen > g || t->ts_gen > g)
		return fail(c, t, "I2: a generation ahead of the model's");
	if (t->full_gen > t->sample_gen)
		return fail(c, t, "I2: a full read after the last sample");
	if (t->exited_gen && g - t->exited_gen >= EXITED_KEEP && !t->exit_final)
		return fail(c, t, "I2: an ended task kept past its last refreshes");
	if (t->nsamples > 2)
		return fail(c, t, "I3: nsamples over 2");
	if (t->rates_valid && t->nsamples < 2 && !t->exit_final)
		return fail(c, t, "I3: a rate on a first sample");
	if (t->delta) {
		c->deltas++;
		int back = t->rates_valid && !t->exit_final ? counter_back(&t->delta->prev, &t->cur)
							     : -1;
		if (back >= 0) {
			char what[160];
			snprintf(what, sizeof what, "I5: counter %d went back over the interval (%s)",
				 back, task_comm(t));
			return fail(c, t, what);
		}
		const double *r = (const double *)&t->delta->rates;
		for (size_t i = 0; t->rates_valid && i < sizeof t->delta->rates / sizeof *r; i++)
			if (r[i] < 0)
				return fail(c, t, "I5: a negative rate");
	}
	if (m->cfg.accumulated && t->sample_gen == g && t->nsamples && !t->first)
		return fail(c, t, "I8: -a without the first sample");
	return true;
}

static void check_entry(struct task *t, void *arg)
{
	struct check *c = arg;
	if (c->bad || !t->in_use)
		return;
	if (task_table_find(c->table, t->tid) != t) {
		fail(c, t, "I1: two entries for one tid");
		return;
	}
	if (t->is_thread != (c->table == &c->m->threads)) {
		fail(c, t, "I9: an entry's kind is not its table's");
		return;
	}
	if (t->is_thread && t->process) {
		const struct task *p = task_table_find(&c->m->procs, t->tgid);
		if (t->process != p || !p->in_use)
			fail(c, t, "I6: a thread's process entry is not its tgid's");
	}
	check_task(c, t);
}

int model_check(const struct model *m, char *why, size_t whylen)
{
	struct check c = {m, &m->procs, 0, why, whylen, false};
	if (m->ts_first > m->ts_end || m->ts_end > (m->cfg.threads ? m->listed_threads.n : m->listed.n)) {
		snprintf(why, whylen, "I7: the taskstats slice %zu..%zu is not in the listing",
			 m->ts_first, m->ts_end);
		return -1;
	}
	task_table_foreach((struct task_table *)&m->procs, check_entry, &c);
	c.table = &m->threads;
	task_table_foreach((struct task_table *)&m->threads, check_entry, &c);
	for (size_t i = 0; i < m->nexited && !c.bad; i++)
		check_task(&c, &m->exited[i]);
	if (!c.bad && c.deltas != m->deltas.held) {
		snprintf(why, whylen, "I4: %zu delta records held by tasks, %zu lent by the pool",
			 c.deltas, m->deltas.held);
		c.bad = true;
	}
	return c.bad ? -1 : 0;
}
