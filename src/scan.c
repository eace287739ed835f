/* scan.c - one walk of the proc root per refresh.
 *
 * The cost of a refresh is the number of files opened. A task that has not
 * run since the last refresh has no new CPU time, faults, context switches
 * or I/O, so after one cheap probe its other files are not read again:
 *  - a single-threaded process, or a thread: its schedstat (run and wait
 *    nanoseconds, timeslice count) changes whenever it runs;
 *  - a multi-threaded process: its stat (process-wide CPU ticks and faults)
 *    - the main thread's schedstat says nothing about the workers.
 * A round-robin full read of every task every FULL_PERIOD refreshes keeps
 * what drifts while a task sleeps (RSS under reclaim) honest. */
#include "model_priv.h"
#include "scan.h"
#include "scanpriv.h"
#include "threadsum.h"
#include "cgroup.h"
#include "buf.h"
#include "clock.h"
#include "tsmodel.h"
#include "parse.h"
#include "sanitize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FULL_PERIOD 16

enum read_result { READ_OK, READ_GONE };

static double clock_now(const struct model *m)
{
	return m->sampler->read_time(m);
}

static bool is_gone(ssize_t err)
{
	/* a task that exits between listing and reading: normal, not an error */
	return err == -ENOENT || err == -ESRCH;
}

/* A counter file of t could not be read (err < 0). Gone: READ_GONE. Any
 * other error (EIO, EACCES on stat, a signal): the task keeps its row with
 * no rate from this sample nor across it (finish_sample), never a rate
 * against counters left stale or zero by the failure. */
static enum read_result read_failed(const struct model *m, struct task *t, ssize_t err)
{
	if (is_gone(err))
		return READ_GONE;
	/* a task met in this refresh has no baseline to spoil: born since
	 * the previous refresh, it is credited from zero all the same */
	if (!t->listed_new)
		t->rebase_gen = m->gen;
	return READ_OK;
}

/* Its stat file, which names it, could not be read: as read_failed, and a
 * task met in this refresh gets no row. */
static enum read_result stat_failed(const struct model *m, struct task *t, ssize_t err)
{
	return t->listed_new ? READ_GONE : read_failed(m, t, err);
}

/* ---- reading one task ---- */

/* The current sample becomes the previous one. A task about to be read in
 * full keeps a copy of its counters in a delta record while cur moves (a
 * first sample, or one after a gap, has no rate and needs none); one its
 * probe found idle gives its record back: its counters stay as they are. */
static void shift_sample(struct model *m, struct task *t, double now, bool moving)
{
	bool rate_next = t->nsamples && t->sample_gen + 1 == m->gen;
	if (moving && rate_next && delta_hold(&m->deltas, t)) {
		t->delta->prev = t->cur;
	} else {
		delta_release(&m->deltas, t);
		if (moving && rate_next)
			t->nsamples = 0; /* out of memory: no rate rather than a wrong one */
	}
	t->prev_t = t->cur_t;
	t->prev_rss_kb = t->rss_kb;
	t->prev_ts_t = t->cur_ts_t;
	t->cur_t = now;
}

static void apply_stat(struct model *m, struct task *t, const struct proc_stat *st)
{
	t->ppid = st->ppid;
	t->state = st->state;
	t->cur.utime = st->utime;
	t->cur.stime = st->stime;
	t->cur.guest = st->has_guest ? st->guest_time : 0;
	t->cur.minflt = st->minflt;
	t->cur.majflt = st->majflt;
	t->nice = (int16_t)st->nice;
	t->priority = (int16_t)st->priority;
	if (!t->is_thread)
		t->nthreads = st->num_threads > 0 && st->num_threads < INT32_MAX
				      ? (int32_t)st->num_threads
				      : 1;
	t->vsz_kb = st->vsize / 1024;
	t->rss_kb = st->rss_pages > 0 ? (uint64_t)st->rss_pages * (uint64_t)m->page_kb : 0;
	t->processor = st->has_processor ? (int16_t)st->processor : -1;
	t->have |= TG_STAT | TG_MEM;
}

static void read_cmdline(struct model *m, struct task *t, int32_t pid)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, pid, 0, "cmdline");
	ssize_t n = procfs_read_all(m->pfs.root_fd, path, &m->cmdline_buf);
	if (n < 0)
		n = 0;
	/* join the arguments in place: the result is never longer than the input */
	size_t len = parse_proc_cmdline(m->cmdline_buf.data ? m->cmdline_buf.data : "", (size_t)n,
					m->cmdline_buf.data ? m->cmdline_buf.data : (char[1]){0},
					m->cmdline_buf.data ? (size_t)n + 1 : 1);
	const char *src = m->cmdline_buf.data;
	if (len == 0) {
		/* kernel threads and zombies have no command line: show [comm] */
		t->cmdline_empty = true;
		src = NULL;
	} else {
		t->cmdline_empty = false;
	}
	char tmp[PARSE_COMM_MAX + 2];
	if (!src) {
		const char *comm = task_comm(t);
		size_t cl = strnlen(comm, PARSE_COMM_MAX);
		tmp[0] = '[';
		memcpy(tmp + 1, comm, cl);
		tmp[cl + 1] = ']';
		src = tmp;
		len = cl + 2;
	}
	size_t bound = sanitize_bound(len);
	if (bound == SIZE_MAX || bound > UINT32_MAX)
		return;
	if (t->cmdline && t->cmdline_len == len && sanitize_is_clean(src, len) &&
	    memcmp(t->cmdline, src, len) == 0)
		return; /* unchanged: no allocation */
	char *out = malloc(bound);
	if (!out)
		return;
	size_t outlen = sanitize_text(src, len, out, bound);
	char *shrunk = realloc(out, outlen + 1);
	free(t->cmdline);
	t->cmdline = shrunk ? shrunk : out;
	t->cmdline_len = (uint32_t)outlen;
}

/* /proc/P/io: storage bytes, or "no access" (another user's task). */
static enum read_result read_io(struct model *m, struct task *t, int32_t dir_pid, int32_t dir_tid)
{
	/* /proc/PID/io counts, besides the process's threads, the I/O of the
	 * children it has reaped (the kernel adds a reaped child's to its
	 * parent's signal totals, kernel/exit.c wait_task_zombie): a shell's row
	 * would show its children's bytes again when it reaps them, and they
	 * have rows of their own. A single-threaded process reads its thread's
	 * own file, which counts only what it did. */
	if (!t->is_thread && dir_tid == 0 && t->nthreads <= 1)
		dir_tid = dir_pid;
	ssize_t n = scan_read_file(m, dir_pid, dir_tid, "io");
	if (n >= 0) {
		struct proc_io io;
		if (parse_proc_io(m->readbuf, (size_t)n, &io) == 0 && io.has_storage) {
			t->cur.read_bytes = io.read_bytes;
			t->cur.write_bytes = io.write_bytes;
			t->cur.cwrite_bytes = io.cancelled_write_bytes;
			t->have |= TG_IO;
			t->denied &= (uint16_t)~TG_IO;
		}
	} else if (n == -EACCES || n == -EPERM) {
		t->have &= (uint16_t)~TG_IO;
		t->denied |= TG_IO;
	} else {
		return read_failed(m, t, n);
	}
	return READ_OK;
}

/* Reads status, io and (unless given) schedstat of a task whose stat was
 * just read. dir_pid/dir_tid name its directory. Returns READ_GONE when it
 * vanished meanwhile. */
static enum read_result read_rest(struct model *m, struct task *t, int32_t dir_pid, int32_t dir_tid,
				  const struct proc_schedstat *given_ss, struct proc_status *status_out,
				  struct proc_schedstat *ss_out)
{
	ssize_t n = scan_read_file(m, dir_pid, dir_tid, "status");
	if (n < 0) {
		memset(ss_out, 0, sizeof *ss_out);
		return read_failed(m, t, n);
	}
	struct proc_status status;
	if (parse_proc_status(m->readbuf, (size_t)n, &status) == 0) {
		if (status.has_uid)
			t->uid = status.uid_real;
		*status_out = status;
	}

	if (read_io(m, t, dir_pid, dir_tid) == READ_GONE)
		return READ_GONE;

	if (given_ss) {
		*ss_out = *given_ss;
	} else {
		n = scan_read_file(m, dir_pid, dir_tid, "schedstat");
		if (n < 0 || parse_proc_schedstat(m->readbuf, (size_t)n, ss_out) < 0) {
			/* an exiting task's may not parse: zeros, as before it exits */
			memset(ss_out, 0, sizeof *ss_out);
			return n < 0 ? read_failed(m, t, n) : READ_OK;
		}
	}
	t->have |= TG_SCHEDSTAT;
	return READ_OK;
}

/* A task found idle by its probe: its counters are unchanged, time moves on. */
static void mark_idle(struct model *m, struct task *t, double now)
{
	shift_sample(m, t, now, false);
	if (scan_ts_fresh(m, t))
		t->cur_ts_t = scan_ts_of(m, t)->t;
}

static bool full_read_due(const struct model *m, const struct task *t)
{
	if (t->nsamples == 0 || m->cfg.full_scan || !m->schedstat_works)
		return true;
	if (t->sample_gen + 1 != m->gen)
		return true; /* missed refreshes (mode switch): start over */
	return ((uint32_t)t->tid + m->gen) % FULL_PERIOD == 0;
}

static void identity_check(struct model *m, struct task *t, const struct proc_stat *st)
{
	if (t->nsamples && t->start_ticks != st->starttime) {
		/* the pid was reused: a new task, never a rate across the two.
		 * This refresh's taskstats reply is the new task's already. */
		tsmodel_keep_replaced(m, t);
		uint32_t list_index = t->list_index;
		uint32_t ts_gen = t->ts_gen;
		int32_t tgid = t->tgid;
		bool is_thread = t->is_thread;
		struct task *process = t->process;
		task_reset(t, &m->deltas);
		t->list_index = list_index, t->ts_gen = ts_gen;
		t->tgid = tgid, t->is_thread = is_thread, t->process = process;
	}
	if (!t->nsamples)
		t->start_ticks = st->starttime;
}

static void record_comm(struct model *m, struct task *t, const struct proc_stat *st, int32_t pid,
			bool want_cmdline)
{
	/* comm is whatever the task named itself: keep it harmless */
	char clean[PARSE_COMM_MAX];
	sanitize_text(st->comm, strnlen(st->comm, sizeof st->comm), clean, sizeof clean);
	bool changed = task_set_comm(t, clean);
	/* exec changes comm: that is when the command line is worth re-reading */
	if (want_cmdline && (changed || !t->cmdline))
		read_cmdline(m, t, pid);
}

/* Process rows with taskstats: the TGID reply is the probe and gives
 * process-wide run time, wait and context switches; files give the rest. */
static enum read_result sample_process_ts(struct model *m, struct task *p)
{
	int32_t pid = p->tid;
	bool fresh = scan_ts_fresh(m, p);
	if (fresh && p->ts_source && !full_read_due(m, p) && scan_ts_idle(m, p)) {
		mark_idle(m, p, clock_now(m));
		return READ_OK;
	}
	ssize_t n = scan_read_file(m, pid, 0, "stat");
	if (n < 0)
		return stat_failed(m, p, n);
	struct proc_stat st;
	if (parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
		return READ_GONE;
	identity_check(m, p, &st);
	bool first = p->nsamples == 0;
	shift_sample(m, p, clock_now(m), true);
	apply_stat(m, p, &st);
	record_comm(m, p, &st, pid, true);
	if (fresh)
		scan_apply_ts(m, p);
	else
		scan_keep_ts_counters(p);
	/* the uid changes only by a setuid the task runs: re-read it now and then */
	if (first || p->full_gen + FULL_PERIOD <= m->gen) {
		n = scan_read_file(m, pid, 0, "status");
		struct proc_status status;
		if (n >= 0 && parse_proc_status(m->readbuf, (size_t)n, &status) == 0 &&
		    status.has_uid)
			p->uid = status.uid_real;
		p->full_gen = m->gen;
	}
	return read_io(m, p, pid, 0);
}

/* Process rows: the process-wide files, threads summed where needed. */
static enum read_result sample_process(struct model *m, struct task *p)
{
	int32_t pid = p->tid;
	struct proc_stat st;
	struct proc_schedstat ss;
	bool have_st = false, have_ss = false;
	ssize_t n;
	double now;

	if (scan_ts_fresh(m, p) || p->ts_source)
		return sample_process_ts(m, p);
	if (!full_read_due(m, p)) {
		if (p->nthreads <= 1) {
			n = scan_read_file(m, pid, 0, "schedstat");
			if (n < 0)
				return read_failed(m, p, n);
			if (parse_proc_schedstat(m->readbuf, (size_t)n, &ss) == 0) {
				have_ss = true;
				if (p->main_raw &&
				    threadsum_same_schedstat(&ss, p->main_raw->run_ns, p->main_raw->wait_ns,
						   p->main_raw->slices)) {
					mark_idle(m, p, clock_now(m));
					return READ_OK;
				}
			}
		} else {
			n = scan_read_file(m, pid, 0, "stat");
			if (n < 0)
				return stat_failed(m, p, n);
			if (parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
				return READ_GONE;
			have_st = true;
			/* guest too: apply_stat below must leave the counters as they are */
			if (st.starttime == p->start_ticks && st.utime == p->cur.utime &&
			    st.stime == p->cur.stime && st.minflt == p->cur.minflt &&
			    (st.has_guest ? st.guest_time : 0) == p->cur.guest &&
			    st.majflt == p->cur.majflt && st.num_threads == p->nthreads) {
				mark_idle(m, p, clock_now(m));
				apply_stat(m, p, &st); /* memory and state come free with the probe */
				return READ_OK;
			}
		}
	}

	if (!have_st) {
		n = scan_read_file(m, pid, 0, "stat");
		if (n < 0)
			return stat_failed(m, p, n);
		if (parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
			return READ_GONE;
	}
	now = clock_now(m);
	identity_check(m, p, &st);
	bool first = p->nsamples == 0;
	bool ran = first || st.utime != p->cur.utime || st.stime != p->cur.stime ||
		   st.minflt != p->cur.minflt || st.majflt != p->cur.majflt ||
		   (have_ss && p->main_raw &&
		    !threadsum_same_schedstat(&ss, p->main_raw->run_ns, p->main_raw->wait_ns, p->main_raw->slices));
	shift_sample(m, p, now, true);
	apply_stat(m, p, &st);
	record_comm(m, p, &st, pid, true);

	struct proc_status status;
	memset(&status, 0, sizeof status);
	struct proc_schedstat main_ss;
	if (read_rest(m, p, pid, 0, have_ss ? &ss : NULL, &status, &main_ss) == READ_GONE)
		return READ_GONE;
	if (!status.has_ctxt)
		ran = ran || first;

	if (p->nthreads > 1) {
		if (ran || !p->main_raw)
			threadsum_aggregate(m, p, first);
		else {
			const struct task_counters *pv = task_prev(p);
			p->cur.cswch = pv->cswch, p->cur.nvcswch = pv->nvcswch;
			p->cur.wait_ns = pv->wait_ns, p->cur.run_ns = pv->run_ns;
			p->cur.slices = pv->slices;
		}
	} else if (status.has_ctxt) {
		/* single-threaded: the main thread is the process */
		struct raw_main now_raw = {
			.cswch = status.voluntary_ctxt_switches,
			.nvcswch = status.nonvoluntary_ctxt_switches,
			.wait_ns = main_ss.wait_ns,
			.run_ns = main_ss.run_ns,
			.slices = main_ss.timeslices,
		};
		if (first || !p->main_raw) {
			p->cur.cswch = now_raw.cswch, p->cur.nvcswch = now_raw.nvcswch;
			p->cur.wait_ns = now_raw.wait_ns, p->cur.run_ns = now_raw.run_ns;
			p->cur.slices = now_raw.slices;
		} else {
#define ADV(f) p->cur.f = task_prev(p)->f + (now_raw.f >= p->main_raw->f ? now_raw.f - p->main_raw->f : 0)
			ADV(cswch);
			ADV(nvcswch);
			ADV(wait_ns);
			ADV(run_ns);
			ADV(slices);
#undef ADV
		}
		threadsum_set_main_raw(p, &now_raw);
		p->have |= TG_STATUS;
	}
	p->full_gen = m->gen;
	return READ_OK;
}

/* A thread's full sample starts with its stat: 1 when read, 0 when it
 * could not be read (kept as it was), -1 when the thread is gone. */
static int read_thread_stat(struct model *m, struct task *t, int32_t pid)
{
	ssize_t n = scan_read_file(m, pid, t->tid, "stat");
	if (n < 0)
		return stat_failed(m, t, n) == READ_GONE ? -1 : 0;
	struct proc_stat st;
	if (parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
		return -1;
	identity_check(m, t, &st);
	shift_sample(m, t, clock_now(m), true);
	apply_stat(m, t, &st);
	record_comm(m, t, &st, pid, false);
	return 1;
}

/* Thread rows with taskstats: the TID reply is the probe and gives the
 * thread's run time, wait, switches, bytes, delays and uid; only stat is
 * read, for state, memory, faults and CPU ticks. */
static enum read_result sample_thread_ts(struct model *m, struct task *t, int32_t pid)
{
	bool fresh = scan_ts_fresh(m, t);
	if (fresh && t->ts_source && !full_read_due(m, t) && scan_ts_idle(m, t)) {
		mark_idle(m, t, clock_now(m));
		return READ_OK;
	}
	int r = read_thread_stat(m, t, pid);
	if (r <= 0)
		return r < 0 ? READ_GONE : READ_OK;
	if (fresh)
		scan_apply_ts(m, t);
	else
		scan_keep_ts_counters(t);
	t->full_gen = m->gen;
	return READ_OK;
}

/* Thread rows: each thread's own files under /proc/P/task/T. */
static enum read_result sample_thread(struct model *m, struct task *t, int32_t pid)
{
	int32_t tid = t->tid;
	struct proc_schedstat ss;
	bool have_ss = false;
	ssize_t n;

	if (scan_ts_fresh(m, t) || t->ts_source)
		return sample_thread_ts(m, t, pid);
	if (!full_read_due(m, t)) {
		n = scan_read_file(m, pid, tid, "schedstat");
		if (n < 0)
			return read_failed(m, t, n);
		if (parse_proc_schedstat(m->readbuf, (size_t)n, &ss) == 0) {
			have_ss = true;
			if (threadsum_same_schedstat(&ss, t->cur.run_ns, t->cur.wait_ns, t->cur.slices)) {
				mark_idle(m, t, clock_now(m));
				return READ_OK;
			}
		}
	}
	int r = read_thread_stat(m, t, pid);
	if (r <= 0)
		return r < 0 ? READ_GONE : READ_OK;
	struct proc_status status;
	memset(&status, 0, sizeof status);
	struct proc_schedstat own;
	if (read_rest(m, t, pid, tid, have_ss ? &ss : NULL, &status, &own) == READ_GONE)
		return READ_GONE;
	t->cur.run_ns = own.run_ns;
	t->cur.wait_ns = own.wait_ns;
	t->cur.slices = own.timeslices;
	if (status.has_ctxt) {
		t->cur.cswch = status.voluntary_ctxt_switches;
		t->cur.nvcswch = status.nonvoluntary_ctxt_switches;
		t->have |= TG_STATUS;
	}
	t->full_gen = m->gen;
	return READ_OK;
}

/* In thread mode the process entry carries what its threads share: the
 * command line, and the identity used to notice pid reuse. */
static enum read_result sample_process_identity(struct model *m, struct task *p)
{
	if (p->nsamples && !m->cfg.full_scan && p->sample_gen + 1 == m->gen)
		return READ_OK;
	ssize_t n = scan_read_file(m, p->tid, 0, "stat");
	if (n < 0)
		return stat_failed(m, p, n);
	struct proc_stat st;
	if (parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
		return READ_GONE;
	identity_check(m, p, &st);
	shift_sample(m, p, clock_now(m), true);
	apply_stat(m, p, &st);
	record_comm(m, p, &st, p->tid, true);
	n = scan_read_file(m, p->tid, 0, "status");
	struct proc_status status;
	if (n >= 0 && parse_proc_status(m->readbuf, (size_t)n, &status) == 0 && status.has_uid)
		p->uid = status.uid_real;
	return READ_OK;
}

/* The birth rule. A task's first sample has no rate when the task was
 * already running at pidtop's previous sample: its counters then hold an
 * unknown past. A task born after the previous refresh began
 * (model_born_since_prev) has a known baseline, zero at its birth, so
 * everything it did is this interval's. */

/* Gives a task born in this interval its zero baseline: prev counters 0,
 * taken one interval before its sample, so its rate is amount / interval
 * like an exited row's. False when out of memory (it stays a first sample). */
static bool set_birth_baseline(struct model *m, struct task *t)
{
	if (!delta_hold(&m->deltas, t))
		return false;
	memset(&t->delta->prev, 0, sizeof t->delta->prev);
	t->prev_t = t->cur_t - m->interval_s;
	t->prev_ts_t = t->cur_ts_t > 0 ? t->cur_ts_t - m->interval_s : t->prev_t;
	t->prev_rss_kb = 0;
	t->nsamples = 2;
	return true;
}

static void finish_sample(struct model *m, struct task *t)
{
	if (t->nsamples && t->sample_gen + 1 != m->gen)
		t->nsamples = 0; /* missed refreshes (mode switch): no rate across the gap */
	bool born = t->nsamples == 0 && model_born_since_prev(m, t);
	t->seen_gen = m->gen;
	t->sample_gen = m->gen;
	t->exited_gen = 0;
	if (t->nsamples < 2)
		t->nsamples++;
	if (t->rebase_gen == m->gen)
		t->nsamples = 0; /* as a first sample: no rate now, the next one's baseline */
	/* read in full, and nothing moved: the record waits for the next
	 * task rather than for the sweep (a full pass would hold hundreds) */
	if (t->delta && task_counters_equal(&t->delta->prev, &t->cur))
		delta_release(&m->deltas, t);
	if (born)
		born = set_birth_baseline(m, t);
	if (m->cfg.accumulated && (t->nsamples == 1 || born || !t->first))
		model_take_first(m, t, born);
}

static void count_state(struct system_stats *st, char state)
{
	switch (state) {
	case 'R': st->tasks.running++; break;
	case 'S': st->tasks.sleeping++; break;
	case 'D': st->tasks.disk_sleep++; break;
	case 'T': case 't': st->tasks.stopped++; break;
	case 'Z': st->tasks.zombie++; break;
	case 'I': st->tasks.idle++; break;
	default: st->tasks.other++; break;
	}
}

/* A task whose exit record was taken is dead, though its zombie stays
 * listed until its parent reaps it. It must not be sampled again: its
 * files hold figures the record already counted, against baselines (the
 * main thread's, the threads') from before its end. Nor may it leave the
 * table meanwhile, or its zombie would come back as a new task with a
 * whole life behind it. True while the listed task is still that one
 * (same start time), or is gone. */
static bool ended_already(struct model *m, const struct task *t, int32_t pid, int32_t tid)
{
	if (!t->exit_final)
		return false;
	ssize_t n = scan_read_file(m, pid, tid, "stat");
	struct proc_stat st;
	if (n < 0 || parse_proc_stat(m->readbuf, (size_t)n, &st) < 0)
		return true;
	return st.starttime == t->start_ticks;
}

/* Phase 2: sample what was listed, taking the taskstats replies (TGIDs on
 * process rows, TIDs on thread rows) a slice ahead of the reads. */
static void sample_listed(struct model *m)
{
	struct system_stats *sys = &m->sys.stats;
	size_t ts_end = 0;
	for (size_t i = 0; i < m->listed.n; i++) {
		if (!m->cfg.threads && i >= ts_end)
			ts_end = tsmodel_query_from(m, i);
		struct task *p = m->listed.v[i];
		if (!m->cfg.threads && ended_already(m, p, p->tid, 0)) {
			p->sample_gen = m->gen; /* kept, as it is, while its zombie is listed */
			m->listed.v[i] = NULL;
			continue;
		}
		enum read_result r = m->cfg.threads ? sample_process_identity(m, p)
						    : sample_process(m, p);
		if (r == READ_GONE) {
			/* vanished between listing and reading: normal, not an error */
			if (p->listed_new) {
				task_table_remove(&m->procs, p);
				m->listed.v[i] = NULL;
			}
			continue;
		}
		finish_sample(m, p);
		cgroup_refresh(m, p);
		sys->tasks.processes++;
		if (task_is_kernel_thread(p))
			sys->tasks.kernel_threads++;
		if (!m->cfg.threads) {
			count_state(sys, p->state);
			sys->tasks.threads += p->nthreads > 0 ? p->nthreads : 1;
		}
	}
	for (size_t i = 0; i < m->listed_threads.n; i++) {
		if (i >= ts_end)
			ts_end = tsmodel_query_from(m, i);
		struct task *t = m->listed_threads.v[i];
		struct task *p = t->process;
		if (ended_already(m, t, t->tgid, t->tid)) {
			t->sample_gen = m->gen;
			m->listed_threads.v[i] = NULL;
			continue;
		}
		if (!p || p->seen_gen != m->gen || sample_thread(m, t, t->tgid) == READ_GONE) {
			if (t->listed_new)
				task_table_remove(&m->threads, t);
			m->listed_threads.v[i] = NULL;
			continue;
		}
		if (t->tid == p->tid && task_set_comm(p, task_comm(t))) {
			/* the process exec'd: its command line changed with its name */
			read_cmdline(m, p, p->tid);
		}
		if (!(t->have & TG_STATUS) && !t->ts_source)
			t->uid = p->uid;
		t->nthreads = 0;
		if (t->full_gen == m->gen) {
			/* memory is the process's, shared by its threads: the
			 * freshest stat read of any thread is every thread's */
			p->vsz_kb = t->vsz_kb;
			p->rss_kb = t->rss_kb;
			p->mem_gen = m->gen;
		}
		finish_sample(m, t);
		count_state(sys, t->state);
		sys->tasks.threads++;
	}
	/* threads that were not read (idle) take that figure too: another
	 * thread's faults move the RSS of all */
	for (size_t i = 0; i < m->listed_threads.n; i++) {
		struct task *t = m->listed_threads.v[i];
		if (t && t->process && t->process->mem_gen == m->gen && (t->have & TG_MEM)) {
			t->vsz_kb = t->process->vsz_kb;
			t->rss_kb = t->process->rss_kb;
		}
	}
}

int scan_all(struct model *m)
{
	memset(&m->sys.stats.tasks, 0, sizeof m->sys.stats.tasks);
	if (scan_list_all(m) < 0)
		return -1;
	tsmodel_begin_query(m);
	sample_listed(m);
	return 0;
}
