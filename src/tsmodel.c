/* tsmodel.c - taskstats in the model: pipelined queries a slice of the
 * listing at a time, delay accounting state, and exit records turned into rows for
 * tasks that lived less than one interval. */
#include "model_priv.h"
#include "tsmodel.h"
#include "buf.h"
#include "clock.h"
#include "sanitize.h"
#include "taskstats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void set_ts_source(struct model *m, bool ok, const char *text)
{
	m->sources[SOURCE_TASKSTATS].ok = ok;
	snprintf(m->sources[SOURCE_TASKSTATS].text, sizeof m->sources[SOURCE_TASKSTATS].text, "%s",
		 text);
}

static void read_delayacct(struct model *m)
{
	int on = 0;
	int rc = taskstats_delayacct_read(m->cfg.proc_root, &on);
	/* a kernel without the sysctl decides at boot (delayacct on the
	 * command line): trust the replies' counts then */
	m->delayacct_on = rc == -ENOENT ? true : (rc == 0 && on);
}

static void describe_state(struct model *m)
{
	if (!m->ts)
		return;
	char text[sizeof m->sources[0].text];
	if (!m->delayacct_on)
		snprintf(text, sizeof text,
			 "delay accounting off: sysctl kernel.task_delayacct=1 (or --enable-delayacct)");
	else
		snprintf(text, sizeof text, "ok");
	if (!m->ts_exits && m->ts_exits_why[0]) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof text - len, "; exits: %s", m->ts_exits_why);
	}
	/* exit records the kernel dropped (ENOBUFS) since the start: tasks
	 * that lived less than an interval may be missing from the rows */
	if (m->ts_exit_dropped) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof text - len,
			 "; %" PRIu64 " exit records lost (receive queue overrun)", m->ts_exit_dropped);
	} else if (m->ts_exit_overruns) {
		size_t len = strlen(text);
		snprintf(text + len, sizeof text - len,
			 "; exit records lost in %" PRIu64 " receive queue overruns",
			 m->ts_exit_overruns);
	}
	set_ts_source(m, true, text);
}

int tsmodel_open(struct model *m, char *why, size_t whylen)
{
	m->delayacct_saved = -1;
	if (m->cfg.no_taskstats) {
		set_ts_source(m, false, "off (--no-taskstats)");
		if (m->cfg.enable_delayacct) {
			snprintf(why, whylen, "--enable-delayacct needs the taskstats source");
			return -1;
		}
		return 0;
	}
	if (m->cfg.enable_delayacct) {
		int old = 0;
		int rc = taskstats_delayacct_read(m->cfg.proc_root, &old);
		if (rc < 0) {
			snprintf(why, whylen, "--enable-delayacct: cannot read kernel.task_delayacct: %s",
				 strerror(-rc));
			return -1;
		}
		if (!old) {
			rc = taskstats_delayacct_write(m->cfg.proc_root, 1);
			if (rc < 0) {
				snprintf(why, whylen,
					 "--enable-delayacct: cannot set kernel.task_delayacct: %s%s",
					 strerror(-rc),
					 rc == -EACCES || rc == -EPERM ? " (run as root)" : "");
				return -1;
			}
			m->delayacct_saved = old;
		}
	}
	char reason[160];
	if (!m->own_pidns) {
		/* taskstats names tasks by pid in our namespace: the tree's
		 * pids would fetch other tasks' counters */
		set_ts_source(m, false,
			      "unavailable: the proc tree is of another pid namespace "
			      "(taskstats takes pidtop's own pids)");
		return 0;
	}
	if (taskstats_open(&m->ts, reason, sizeof reason) < 0) {
		char text[200];
		snprintf(text, sizeof text, "unavailable: %s", reason);
		set_ts_source(m, false, text);
		m->ts = NULL;
		return 0;
	}
	if (taskstats_exits_open(&m->ts_exits, m->ts_exits_why, sizeof m->ts_exits_why) < 0)
		m->ts_exits = NULL;
	read_delayacct(m);
	describe_state(m);
	return 0;
}

void tsmodel_close(struct model *m)
{
	if (m->ts_exits)
		taskstats_exits_close(m->ts_exits);
	if (m->ts)
		taskstats_close(m->ts);
	m->ts_exits = NULL;
	m->ts = NULL;
	tsmodel_restore_delayacct(m);
	free(m->ts_ids);
	m->ts_ids = NULL;
	free(m->ts_replies);
	m->ts_replies = NULL;
	for (size_t i = 0; i < m->nexited; i++)
		task_release(&m->exited[i], &m->deltas);
	free(m->exited);
	m->exited = NULL;
	m->nexited = m->exited_cap = 0;
}

void tsmodel_restore_delayacct(struct model *m)
{
	if (m->delayacct_saved >= 0) {
		taskstats_delayacct_write(m->cfg.proc_root, m->delayacct_saved);
		m->delayacct_saved = -1;
	}
}

static void fill_ts(struct task_ts *d, const struct taskstats_sample *s)
{
	d->run_ns = s->cpu_run_virtual_total_ns;
	d->slices = s->cpu.count;
	d->wait_ns = s->cpu.total_ns;
	d->nvcsw = s->nvcsw;
	d->nivcsw = s->nivcsw;
	d->blkio_ns = s->blkio.total_ns;
	d->swapin_ns = s->swapin.total_ns;
	d->reclaim_ns = s->has_freepages ? s->freepages.total_ns : 0;
	d->thrashing_ns = s->has_thrashing ? s->thrashing.total_ns : 0;
	d->has_io = s->has_io && s->scope == TASKSTATS_SCOPE_TASK;
	d->read_bytes = s->read_bytes;
	d->write_bytes = s->write_bytes;
	d->cwrite_bytes = s->cancelled_write_bytes;
	d->has_uid = s->has_basic && s->scope == TASKSTATS_SCOPE_TASK;
	d->uid = s->uid;
}

static void on_reply(void *ctx, int32_t id, const struct taskstats_sample *s, int err)
{
	struct model *m = ctx;
	if (err || !s)
		return; /* ESRCH: it exited after the listing */
	struct task *t = task_table_find(m->cfg.threads ? &m->threads : &m->procs, id);
	const struct task_list *l = m->cfg.threads ? &m->listed_threads : &m->listed;
	if (!t || t->list_index < m->ts_first || t->list_index >= m->ts_end ||
	    l->v[t->list_index] != t)
		return;
	struct task_ts *d = &m->ts_replies[t->list_index - m->ts_first];
	fill_ts(d, s);
	t->ts_gen = m->gen;
	d->t = clock_mono_s();
}

void tsmodel_begin_query(struct model *m)
{
	m->ts_first = m->ts_end = 0;
	if (!m->ts)
		return;
	read_delayacct(m);
	describe_state(m);
	/* one send's worth of replies at a time: at 5,000 tasks a reply per
	 * listed task would be half a MiB held for a moment each refresh */
	size_t chunk = taskstats_chunk_size(m->ts);
	if (chunk > m->ts_cap) {
		int32_t *ids = realloc(m->ts_ids, chunk * sizeof *ids);
		if (ids)
			m->ts_ids = ids;
		struct task_ts *r = ids ? realloc(m->ts_replies, chunk * sizeof *r) : NULL;
		if (r)
			m->ts_replies = r;
		if (!ids || !r)
			return;
		m->ts_cap = chunk;
	}
}

size_t tsmodel_query_from(struct model *m, size_t from)
{
	const struct task_list *l = m->cfg.threads ? &m->listed_threads : &m->listed;
	if (!m->ts || !m->ts_cap) {
		m->ts_first = m->ts_end = l->n; /* no replies: every task reads its files */
		return l->n;
	}
	size_t end = l->n - from > m->ts_cap ? from + m->ts_cap : l->n;
	size_t n = 0;
	for (size_t i = from; i < end; i++)
		if (l->v[i])
			m->ts_ids[n++] = l->v[i]->tid;
	m->ts_first = from;
	m->ts_end = end;
	taskstats_query(m->ts, m->ts_ids, n, !m->cfg.threads, on_reply, m);
	return end;
}

/* ---- exit records ---- */

static uint64_t us_to_ticks(const struct model *m, uint64_t us)
{
	return us * (uint64_t)m->clk_tck / 1000000u;
}

/* The record's figures as cumulative counters. */
static void final_counters(const struct model *m, const struct taskstats_sample *s,
			   struct task_counters *c, bool with_bytes)
{
	c->utime = us_to_ticks(m, s->utime_us);
	c->stime = us_to_ticks(m, s->stime_us);
	c->minflt = s->minflt;
	c->majflt = s->majflt;
	c->run_ns = s->cpu_run_virtual_total_ns;
	c->slices = s->cpu.count;
	c->wait_ns = s->cpu.total_ns;
	c->cswch = s->nvcsw;
	c->nvcswch = s->nivcsw;
	if (m->delayacct_on) {
		c->blkio_delay_ns = s->blkio.total_ns;
		c->swapin_delay_ns = s->swapin.total_ns;
		c->reclaim_delay_ns = s->has_freepages ? s->freepages.total_ns : 0;
		c->thrashing_delay_ns = s->has_thrashing ? s->thrashing.total_ns : 0;
	}
	if (with_bytes) {
		c->read_bytes = s->read_bytes;
		c->write_bytes = s->write_bytes;
		c->cwrite_bytes = s->cancelled_write_bytes;
	}
}

/* The on-CPU time of a task whose whole life is in the record.
 * cpu_run_virtual_total is the scheduler's sum_exec_runtime, brought up to
 * date only when the task is switched out or a tick lands on it: a task
 * that runs from fork to exit in one stretch (a /bin/true, most of a
 * configure script's helpers) reads near 0 there, and every task lacks its
 * last stretch. Its tick-sampled user and system time (ac_utime + ac_stime,
 * whole ticks) misses nothing before the record: one task's figure is off
 * by up to a tick either way, the sum over many is right. */
static uint64_t short_life_run_ns(const struct taskstats_sample *s)
{
	return (s->utime_us + s->stime_us) * 1000u;
}

/* lives up to this long (taskstats etime) take their tick-sampled time */
#define SHORT_LIFE_US 2000000u

/* A task the model sampled before: its last interval ends at its exit. */
/* The record must be this task's, not an earlier owner's of a reused id:
 * it ended between the previous drain and this one after living etime, so
 * it started in that window shifted back by etime (start times are in
 * boot-clock ticks: 10 ms slack each side). Process records carry no
 * elapsed time and are taken as they come. */
static bool record_matches(const struct model *m, const struct task *t,
			   const struct taskstats_sample *s)
{
	if (!s->has_basic || s->scope != TASKSTATS_SCOPE_TASK || m->prev_drain_boot_s <= 0)
		return true;
	double start = (double)t->start_ticks / (double)m->clk_tck;
	double life = (double)s->etime_us * 1e-6;
	double lo = m->prev_drain_boot_s - life - 0.05, hi = m->drain_boot_s - life + 0.05;
	return start >= lo && start <= hi;
}

static void finish_known(struct model *m, struct task *t, const struct taskstats_sample *s,
			 bool with_bytes)
{
	/* cur takes the final figures below: the previous ones need a record */
	if (!delta_hold(&m->deltas, t))
		return; /* out of memory: it ends as a vanished task, without its last figures */
	if (t->exit_final && t->exited_gen == m->gen) {
		/* already finished in this drain: only update the figures */
	} else if (t->nsamples < 2 && t->rebase_gen) {
		/* its last sample failed to read (scan.c): its life is not all
		 * in this interval, and its last figures are no baseline */
		t->nsamples = 1;
		t->cur_t = m->now_s;
	} else if (t->nsamples < 2) {
		/* first seen in this refresh: all its life is in this interval */
		memset(&t->delta->prev, 0, sizeof t->delta->prev);
		t->prev_t = t->prev_ts_t = m->prev_now_s;
		t->prev_rss_kb = 0;
		t->cur_t = m->now_s;
		t->nsamples = 2;
	} else if (t->seen_gen != m->gen) {
		/* what it did since its last sample, over the interval, as an
		 * exited row: its own span would end at an exit time the record
		 * does not give */
		t->delta->prev = t->cur;
		t->prev_t = t->prev_ts_t = m->prev_now_s;
		t->prev_rss_kb = t->rss_kb;
		t->cur_t = m->now_s;
	}
	struct task_counters keep = t->cur;
	final_counters(m, s, &t->cur, with_bytes);
	if (!with_bytes) {
		t->cur.read_bytes = keep.read_bytes;
		t->cur.write_bytes = keep.write_bytes;
		t->cur.cwrite_bytes = keep.cwrite_bytes;
	}
	t->cur.guest = keep.guest;
	/* A short life that began after pidtop's first sample is credited
	 * whole, from zero. The record's run time lacks its last stretch,
	 * which for a task that ran in one stretch after its last sample (a
	 * starved machine) is most of it: when it is under half the
	 * tick-sampled time, the tick-sampled time stands, as for a task that
	 * lived between two samples. A task that ran on since is right to a
	 * tick, and ticks would err more. */
	if (s->has_basic && s->scope == TASKSTATS_SCOPE_TASK && s->etime_us < SHORT_LIFE_US &&
	    model_started_after(m, t, m->first_uptime_s)) {
		uint64_t ticks = short_life_run_ns(s);
		if (t->cur.run_ns < ticks / 2)
			t->cur.run_ns = ticks;
	}
	t->cur_ts_t = t->cur_t;
	t->exit_final = true;
	t->exited_gen = m->gen;
	t->state = 'X';
}

static struct task *exited_slot(struct model *m, int32_t tid)
{
	for (size_t i = 0; i < m->nexited; i++)
		if (m->exited[i].tid == tid && m->exited[i].exit_final)
			return &m->exited[i];
	struct task *v = array_grow(m->exited, &m->exited_cap, m->nexited + 1, sizeof *v, 64);
	if (!v)
		return NULL;
	m->exited = v;
	struct task *t = &m->exited[m->nexited++];
	memset(t, 0, sizeof *t);
	t->tid = tid;
	return t;
}

/* A task that began and ended between two refreshes: everything it did
 * happened in this interval. On process rows the records of one process
 * are merged: each thread's record adds its bytes, and the time figures
 * come from the process record (or, single-threaded, the leader's). */
static void set_comm(struct task *t, const struct taskstats_sample *s)
{
	char clean[PARSE_COMM_MAX];
	sanitize_text(s->comm, strnlen(s->comm, sizeof s->comm), clean, sizeof clean);
	task_set_comm(t, clean);
}

static void add_short_lived(struct model *m, const struct taskstats_sample *s, bool process_rows)
{
	int32_t id;
	if (s->scope == TASKSTATS_SCOPE_PROCESS)
		id = s->id;
	else
		id = process_rows && s->has_tgid ? (int32_t)s->tgid : (int32_t)s->pid;
	if (id <= 0)
		return;
	struct task *t = exited_slot(m, id);
	if (!t)
		return;
	if (!t->in_use) {
		/* everything it did is in this interval: its previous counters are 0 */
		if (!delta_hold(&m->deltas, t))
			return;
		memset(&t->delta->prev, 0, sizeof t->delta->prev);
		t->in_use = true;
		t->tgid = process_rows || !s->has_tgid ? id : (int32_t)s->tgid;
		t->is_thread = !process_rows;
		t->state = 'X';
		t->exit_final = true;
		t->exited_gen = m->gen;
		t->seen_gen = m->gen;
		t->nsamples = 2;
		t->prev_t = m->prev_now_s;
		t->cur_t = m->now_s;
		t->nthreads = 1;
		t->processor = -1;
		t->have = TG_STAT | TG_STATUS | TG_SCHEDSTAT | (m->delayacct_on ? TG_DELAY : 0);
	}
	struct task_counters c;
	memset(&c, 0, sizeof c);
	final_counters(m, s, &c, s->scope == TASKSTATS_SCOPE_TASK);
	c.run_ns = short_life_run_ns(s);
	if (s->scope == TASKSTATS_SCOPE_TASK) {
		if (s->has_io)
			t->have |= TG_IO;
		t->cur.read_bytes += c.read_bytes;
		t->cur.write_bytes += c.write_bytes;
		t->cur.cwrite_bytes += c.cwrite_bytes;
		if ((int32_t)s->pid != id) {
			/* another thread's name until the leader's record names
			 * the process (it may come in a later drain) */
			if (s->has_basic && !task_comm(t)[0])
				set_comm(t, s);
			return;
		}
		if (s->has_basic) {
			t->ppid = (int32_t)s->ppid;
			t->uid = s->uid;
			set_comm(t, s);
			if (s->btime_s > m->sys.stats.btime)
				t->start_ticks =
					(s->btime_s - m->sys.stats.btime) * (uint64_t)m->clk_tck;
		}
		/* ts_source marks time figures taken from the process record */
		if (t->ts_source)
			return;
	} else {
		t->ts_source = true;
	}
	c.read_bytes = t->cur.read_bytes;
	c.write_bytes = t->cur.write_bytes;
	c.cwrite_bytes = t->cur.cwrite_bytes;
	t->cur = c;
}

struct drain_ctx {
	struct model *m;
};

/* The task this record ends, if the model knew it: a kept copy of a task
 * whose id was reused meanwhile, or the table's entry. */
static struct task *find_known(struct model *m, int32_t id, const struct taskstats_sample *s,
			       bool process_rows)
{
	for (size_t i = 0; i < m->nexited; i++) {
		struct task *old = &m->exited[i];
		if (old->tid == id && !old->in_use && !old->exit_final && record_matches(m, old, s))
			return old;
	}
	struct task *t = task_table_find(process_rows ? &m->procs : &m->threads, id);
	/* known: sampled, or sampled before a read failed (scan.c) */
	if (!t || (!t->nsamples && !t->rebase_gen) || !record_matches(m, t, s))
		return NULL;
	/* a process finished by its leader's record in this drain still takes
	 * the process record that follows (the last thread may not be the leader) */
	if (t->exit_final && !(t->exited_gen == m->gen && s->scope == TASKSTATS_SCOPE_PROCESS))
		return NULL;
	return t;
}

/* Whether the proc root lists process id now: unless its stat file says
 * it is gone, it is (a read that failed otherwise proves nothing). */
static bool process_listed(const struct model *m, int32_t id)
{
	char path[PROCFS_PATH_MAX], buf[64];
	procfs_task_path(path, id, 0, "stat");
	ssize_t n = procfs_read(m->pfs.root_fd, path, buf, sizeof buf);
	return n > 0 || (n < 0 && n != -ENOENT && n != -ESRCH);
}

static void on_exit_record(void *ctx, const struct taskstats_sample *s)
{
	struct model *m = ((struct drain_ctx *)ctx)->m;
	bool process_rows = !m->cfg.threads;
	if (!process_rows && s->scope == TASKSTATS_SCOPE_PROCESS)
		return; /* thread rows take each thread's own record */
	int32_t id = s->scope == TASKSTATS_SCOPE_PROCESS ? s->id
		     : process_rows ? (int32_t)(s->has_tgid ? s->tgid : s->pid)
				    : (int32_t)s->pid;
	bool leader = s->scope == TASKSTATS_SCOPE_PROCESS || (int32_t)s->pid == id;
	struct task *k = find_known(m, id, s, process_rows);
	if (k) {
		/* a known process's other threads are in its sampled figures; a
		 * multi-threaded one ends with its process record */
		if (process_rows && (!leader || (s->scope == TASKSTATS_SCOPE_TASK && k->nthreads > 1)))
			return;
		finish_known(m, k, s, !process_rows || k->nthreads <= 1);
		if (!k->in_use) { /* a kept copy: show it now */
			k->in_use = true;
			k->seen_gen = m->gen;
		}
		return;
	}
	if (process_rows && !leader && !(s->flags & TASKSTATS_FLAG_GROUP)) {
		/* a thread of a living process: the TGID replies include it, and
		 * a process born after the walk starts from zero at its first
		 * sample, its ended threads included */
		struct task *p = task_table_find(&m->procs, id);
		if (p && !p->exited_gen)
			return;
		if (!p && process_listed(m, id))
			return;
	}
	add_short_lived(m, s, process_rows);
}

void tsmodel_begin_refresh(struct model *m)
{
	for (size_t i = 0; i < m->nexited; i++)
		task_release(&m->exited[i], &m->deltas);
	m->nexited = 0;
}

void tsmodel_keep_replaced(struct model *m, const struct task *old)
{
	if (!m->ts_exits || !old->nsamples)
		return;
	struct task *t = exited_slot(m, old->tid);
	if (!t || t->in_use)
		return;
	*t = *old;
	t->cmdline = old->cmdline ? strdup(old->cmdline) : NULL;
	t->cgroup = old->cgroup ? strdup(old->cgroup) : NULL;
	t->comm_long = old->comm_long ? strdup(old->comm_long) : NULL;
	t->first = NULL; /* accumulated totals end with the old task */
	t->hist = NULL;  /* and its history (the table's entry owns it) */
	t->delta = NULL; /* the old task's record stays with it; finish_known takes one */
	t->main_raw = NULL;
	t->process = NULL;
	t->in_use = false; /* pending: shown only if its exit record comes */
	t->exit_final = false;
}

/* Drops the kept copies of replaced tasks whose exit record did not come. */
static void drop_pending(struct model *m)
{
	size_t j = 0;
	for (size_t i = 0; i < m->nexited; i++) {
		if (m->exited[i].exit_final) {
			m->exited[j++] = m->exited[i];
		} else {
			task_release(&m->exited[i], &m->deltas);
		}
	}
	m->nexited = j;
}

void tsmodel_drain_exits(struct model *m)
{
	if (!m->ts_exits) {
		drop_pending(m);
		return;
	}
	struct timespec now;
	clock_gettime(CLOCK_BOOTTIME, &now);
	m->prev_drain_boot_s = m->drain_boot_s;
	m->drain_boot_s = (double)now.tv_sec + (double)now.tv_nsec * 1e-9;
	struct drain_ctx ctx = {m};
	taskstats_exits_drain(m->ts_exits, on_exit_record, &ctx);
	drop_pending(m);
	struct taskstats_exits_stats st;
	taskstats_exits_get_stats(m->ts_exits, &st);
	if (st.overruns != m->ts_exit_overruns || (st.has_dropped && st.dropped != m->ts_exit_dropped)) {
		m->ts_exit_overruns = st.overruns;
		m->ts_exit_dropped = st.has_dropped ? st.dropped : 0;
		describe_state(m);
	}
}
