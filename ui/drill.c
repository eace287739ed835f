/* drill.c - the drill-down view: identity, the task's history as
 * sparklines, then tabs (threads, waiting, files, network, memory,
 * environment, limits). Its text comes from taskinfo
 * (src/taskinfo.c) and the model's connection table; every string there
 * is sanitised already. */
#include "uistate.h"
#include "drill.h"
#include "grid.h"
#include "history.h"
#include "netcap.h"
#include "sockmap.h"
#include "taskinfo.h"
#include "waitinfo.h"
#include "waittab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum drill_tab {
	TAB_THREADS, TAB_WAIT, TAB_FILES, TAB_NETWORK, TAB_MEMORY, TAB_ENV, TAB_LIMITS, TAB_COUNT
};
static const char *const tab_names[TAB_COUNT] = {"Threads", "Waiting", "Files", "Network",
						 "Memory", "Environment", "Limits"};

/* A thread's counters at the previous refresh, and its rates since. */
struct thread_rate {
	int32_t tid;
	uint64_t ticks, read_bytes, write_bytes;
	double cpu_pct, read_bps, write_bps;
	bool have_rate, have_io;
};

struct drill {
	int32_t tid, pid;
	uint64_t start_ticks; /* identity of the process (pid, start) */
	uint64_t row_start;   /* and of the row's own task (a thread in H) */
	bool gone;
	bool is_thread; /* a thread row (H): that thread's delays, not the process's */
	struct taskinfo ti;
	bool have_ti;
	struct waitinfo wi; /* read while the Waiting tab shows */
	bool have_wi;
	int tab;
	size_t scroll;
	uint32_t smaps_gen; /* model refresh of the last smaps read */
	/* the threads' counters at the previous refresh, by tid */
	struct thread_rate *thr;
	size_t nthr;
	double thr_t;
	struct buf text; /* the tab's lines, '\n'-separated */
	/* the model's history of the row's task, copied at each refresh so
	 * it stays on screen once the task is gone */
	struct hist_sample hist[HIST_LEN];
	size_t nhist;
	struct hist_totals tot;
};

/* The model's task behind the drill-down, or NULL once it is gone. */
static const struct task *model_task(struct ui *ui, const struct drill *d)
{
	const struct task *t = task_table_find(model_rows_table(ui->m), d->tid);
	if (!t || t->tgid != d->pid || t->start_ticks != d->row_start)
		return NULL;
	return t;
}

static void copy_history(struct ui *ui, struct drill *d)
{
	const struct task *t = model_task(ui, d);
	if (!t)
		return;
	d->nhist = hist_read(t->hist, t->hist_n, t->rss_kb, d->hist, HIST_LEN);
	if (t->hist)
		d->tot = t->hist->tot;
	else
		memset(&d->tot, 0, sizeof d->tot);
}

static void read_info(struct ui *ui, struct drill *d)
{
	struct model *m = ui->m;
	unsigned flags = 0;
	if (d->tab == TAB_MEMORY && d->smaps_gen != m->gen) {
		flags |= TASKINFO_SMAPS;
		d->smaps_gen = m->gen;
	}
	struct taskinfo ti;
	bool live = strcmp(m->cfg.proc_root, "/proc") == 0 && !m->cfg.fixture_sequence;
	if (taskinfo_read(&ti, m->pfs.root_fd, d->pid, live, flags) < 0 ||
	    (ti.stat_err == 0 && ti.stat.starttime != d->start_ticks)) {
		/* exited (or the pid was reused): keep the last picture */
		taskinfo_free(&ti);
		d->gone = true;
		return;
	}
	if (!(flags & TASKINFO_SMAPS) && d->have_ti && d->ti.smaps_read && d->tab == TAB_MEMORY) {
		/* within the same refresh: keep the smaps figures we have */
		taskinfo_free(&ti);
		return;
	}
	if (d->have_ti)
		taskinfo_free(&d->ti);
	d->ti = ti;
	d->have_ti = true;
}

static void roll_threads(struct ui *ui, struct drill *d);

unsigned drill_open(struct ui *ui)
{
	struct task *t = ui_selected(ui);
	if (!t) {
		ui_message(ui, true, "no task selected");
		return RX_REDRAW;
	}
	if (model_is_replay(ui->m)) {
		/* its files, maps and sockets are not in the recording, and the
		 * live /proc holds another task by that pid, if any */
		ui_message(ui, true, "a recording: no drill-down yet (the table, tree and grid show "
				     "what was recorded)");
		return RX_REDRAW;
	}
	drill_close(ui);
	struct drill *d = calloc(1, sizeof *d);
	if (!d) {
		ui_message(ui, true, "out of memory");
		return RX_REDRAW;
	}
	const struct task *p = t->process ? t->process : t;
	d->tid = t->tid;
	d->pid = t->tgid;
	d->row_start = t->start_ticks;
	d->is_thread = t->is_thread;
	d->start_ticks = p->tgid == p->tid ? p->start_ticks : t->start_ticks;
	if (t->is_thread && !t->process) {
		/* a thread row without its process: identify by the process's stat */
		d->start_ticks = 0;
	}
	d->smaps_gen = 0;
	ui->drill = d;
	struct taskinfo probe;
	if (d->start_ticks == 0 && taskinfo_read(&probe, ui->m->pfs.root_fd, d->pid, false, 0) == 0) {
		d->start_ticks = probe.stat.starttime;
		taskinfo_free(&probe);
	}
	read_info(ui, d);
	roll_threads(ui, d);
	copy_history(ui, d);
	if (!d->have_ti) {
		drill_close(ui);
		ui_message(ui, true, "%d: the task is gone", t->tid);
	}
	return RX_REDRAW | RX_CLEAR;
}

void drill_close(struct ui *ui)
{
	struct drill *d = ui->drill;
	if (!d)
		return;
	if (d->have_ti)
		taskinfo_free(&d->ti);
	free(d->thr);
	if (d->have_wi)
		waitinfo_free(&d->wi);
	buf_free(&d->text);
	free(d);
	ui->drill = NULL;
}

/* The previous refresh's figures of tid. Both lists come in the order of
 * the task directory, so the search starts where the last one ended
 * (*hint): a walk through 10,000 threads stays linear. */
static const struct thread_rate *thread_prev(const struct drill *d, int32_t tid, size_t *hint)
{
	for (size_t n = 0, k = *hint; n < d->nthr; n++, k = k + 1 < d->nthr ? k + 1 : 0)
		if (d->thr[k].tid == tid) {
			*hint = k + 1 < d->nthr ? k + 1 : 0;
			return &d->thr[k];
		}
	return NULL;
}

static double per_second(uint64_t now, uint64_t before, double dt)
{
	return now > before ? (double)(now - before) / dt : 0;
}

/* Per-thread CPU% and I/O rates: the threads' counters now against those
 * of the previous refresh (the model samples threads only with H). */
static void roll_threads(struct ui *ui, struct drill *d)
{
	if (!d->have_ti || d->gone)
		return;
	const struct taskinfo *ti = &d->ti;
	struct model *m = ui->m;
	double hz = m->clk_tck > 0 ? (double)m->clk_tck : 100;
	double dt = m->now_s - d->thr_t;
	struct thread_rate *next = ti->nthreads ? calloc(ti->nthreads, sizeof *next) : NULL;
	size_t hint = 0;
	for (size_t i = 0; next && i < ti->nthreads; i++) {
		const struct ti_thread *th = &ti->threads[i];
		struct thread_rate *r = &next[i];
		r->tid = th->tid;
		r->ticks = th->utime + th->stime;
		r->read_bytes = th->read_bytes;
		r->write_bytes = th->write_bytes;
		r->have_io = th->has_io;
		const struct thread_rate *p = dt > 0 && d->thr_t > 0 ? thread_prev(d, th->tid, &hint) : NULL;
		if (!p)
			continue;
		r->have_rate = true;
		r->cpu_pct = per_second(r->ticks, p->ticks, dt) / hz * 100.0;
		if (r->have_io && p->have_io) {
			r->read_bps = per_second(r->read_bytes, p->read_bytes, dt);
			r->write_bps = per_second(r->write_bytes, p->write_bytes, dt);
		} else {
			r->have_io = false;
		}
	}
	free(d->thr);
	d->thr = next;
	d->nthr = next ? ti->nthreads : 0;
	d->thr_t = m->now_s;
}

/* The Waiting tab's figures, only while it shows (the stack and a
 * taskstats query are not for every refresh of every drill-down). */
static void read_wait(struct ui *ui, struct drill *d)
{
	if (d->tab != TAB_WAIT || d->gone)
		return;
	struct waitinfo w;
	if (waitinfo_read(ui->m, d->pid, d->tid, !d->is_thread, &w) < 0)
		return; /* gone: keep the last picture */
	if (d->have_wi)
		waitinfo_free(&d->wi);
	d->wi = w;
	d->have_wi = true;
}

void drill_refresh(struct ui *ui)
{
	if (!ui->drill || ui->drill->gone)
		return;
	read_info(ui, ui->drill);
	read_wait(ui, ui->drill);
	roll_threads(ui, ui->drill);
	copy_history(ui, ui->drill);
}

/* ---- the tabs' text ---- */

static void put_err(struct buf *b, const char *what, int err)
{
	buf_printf(b, "%s: %s\n", what, taskinfo_reason(err));
}

/* Busiest first; threads without a rate yet last, by tid. */
static int by_cpu(const void *a, const void *b)
{
	const struct thread_rate *x = *(const struct thread_rate *const *)a;
	const struct thread_rate *y = *(const struct thread_rate *const *)b;
	if (x->have_rate != y->have_rate)
		return x->have_rate ? -1 : 1;
	if (x->have_rate && x->cpu_pct != y->cpu_pct)
		return x->cpu_pct > y->cpu_pct ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

/* The thread of d->thr[i]: at the same place when the two lists were
 * made together (drill_refresh), else searched for. */
static const struct ti_thread *ti_thread_of(const struct drill *d, size_t i)
{
	const struct taskinfo *ti = &d->ti;
	int32_t tid = d->thr[i].tid;
	if (i < ti->nthreads && ti->threads[i].tid == tid)
		return &ti->threads[i];
	for (size_t k = 0; k < ti->nthreads; k++)
		if (ti->threads[k].tid == tid)
			return &ti->threads[k];
	return NULL;
}

static void tab_threads(struct ui *ui, struct drill *d, struct buf *b)
{
	const struct taskinfo *ti = &d->ti;
	if (ti->threads_err) {
		put_err(b, "threads", ti->threads_err);
		return;
	}
	double hz = ui->m->clk_tck > 0 ? (double)ui->m->clk_tck : 100;
	buf_printf(b, "%8s S %7s %8s %8s %10s %8s %8s %8s %8s %8s  %s\n", "TID", "CPU%",
		   "USR s", "SYS s", "RUN-WAIT s", "READ/s", "WRITE/s", "READ", "WRITE", "IO-DLY s",
		   "NAME");
	const struct thread_rate **order = d->nthr ? calloc(d->nthr, sizeof *order) : NULL;
	size_t n = order ? d->nthr : 0;
	for (size_t i = 0; i < n; i++)
		order[i] = &d->thr[i];
	qsort(order, n, sizeof *order, by_cpu);
	for (size_t i = 0; i < n; i++) {
		const struct thread_rate *r = order[i];
		const struct ti_thread *th = ti_thread_of(d, (size_t)(r - d->thr));
		if (!th)
			continue;
		char cpu[16] = "-", rps[16] = "-", wps[16] = "-", rd[16] = "-", wr[16] = "-";
		char wait[16] = "-";
		if (r->have_rate)
			snprintf(cpu, sizeof cpu, "%.1f", r->cpu_pct);
		if (r->have_rate && r->have_io) {
			format_bytes(r->read_bps, rps, sizeof rps);
			format_bytes(r->write_bps, wps, sizeof wps);
		}
		if (th->has_io) {
			format_bytes((double)th->read_bytes, rd, sizeof rd);
			format_bytes((double)th->write_bytes, wr, sizeof wr);
		}
		if (th->has_sched)
			snprintf(wait, sizeof wait, "%.2f", (double)th->wait_ns / 1e9);
		buf_printf(b, "%8d %c %7s %8.2f %8.2f %10s %8s %8s %8s %8s %8.2f  %s\n", th->tid,
			   th->state, cpu, (double)th->utime / hz, (double)th->stime / hz, wait, rps,
			   wps, rd, wr, (double)th->blkio_ticks / hz, th->comm);
	}
	free(order);
}

/* "Why is it waiting?" (waittab.c) */
static void tab_wait(struct ui *ui, struct drill *d, struct buf *b)
{
	if (!d->have_wi) {
		buf_printf(b, "reading...\n");
		return;
	}
	waittab_text(ui, &d->wi, d->ti.stat.state, (int)d->ti.stat.num_threads, b);
}

static void tab_files(struct drill *d, struct buf *b)
{
	const struct taskinfo *ti = &d->ti;
	if (ti->fds_err) {
		put_err(b, "open files", ti->fds_err);
		return;
	}
	buf_printf(b, "%5s %-10s %s\n", "FD", "TYPE", "TARGET");
	for (size_t i = 0; i < ti->nfds; i++) {
		const struct ti_fd *f = &ti->fds[i];
		buf_printf(b, "%5d %-10s %s", f->fd, taskinfo_fd_type_name(f->type), f->target);
		if (f->conn >= 0) {
			const struct ti_conn *c = &ti->conns[f->conn];
			buf_printf(b, "  %s %s -> %s %s", c->proto, c->local, c->remote, c->state);
		}
		buf_putc(b, '\n');
	}
}

static void put_addr(char *out, size_t outsize, uint8_t family, const uint8_t *a, uint16_t port)
{
	char s[INET6_ADDRSTRLEN] = "?";
	inet_ntop(family == AF_INET6 ? AF_INET6 : AF_INET, a, s, sizeof s);
	snprintf(out, outsize, family == AF_INET6 ? "[%s]:%u" : "%s:%u", s, port);
}

static void tab_network(struct ui *ui, struct drill *d, struct buf *b)
{
	struct model *m = ui->m;
	if (!m->net) {
		buf_printf(b, "traffic: %s\n\n", m->sources[SOURCE_NET].text);
		buf_printf(b, "%-6s %-28s %-28s %s\n", "PROTO", "LOCAL", "REMOTE", "STATE");
		for (size_t i = 0; i < d->ti.nconns; i++) {
			const struct ti_conn *c = &d->ti.conns[i];
			buf_printf(b, "%-6s %-28s %-28s %s\n", c->proto, c->local, c->remote, c->state);
		}
		if (d->ti.conns_err)
			put_err(b, "sockets", d->ti.conns_err);
		return;
	}
	size_t n = 0;
	const struct netcap_conn *cs = netcap_pid_connections(m->net, d->pid, &n);
	/* the capture's per-connection traffic over the model's interval */
	bool rate = m->net_samples >= 2 && m->interval_s > 0;
	buf_printf(b, "%-5s %-28s %-28s %-12s %9s %9s %7s %7s %9s %9s\n", "PROTO", "LOCAL",
		   "REMOTE", "STATE", "TX/s", "RX/s", "TXPK/s", "RXPK/s", "TX", "RX");
	for (size_t i = 0; i < n; i++) {
		const struct netcap_conn *c = &cs[i];
		char l[64], r[64], tx[16] = "-", rx[16] = "-", txp[16] = "-", rxp[16] = "-";
		char txt[16], rxt[16];
		put_addr(l, sizeof l, c->key.family, c->key.saddr, c->key.sport);
		put_addr(r, sizeof r, c->key.family, c->key.daddr, c->key.dport);
		if (rate) {
			format_bytes((double)c->iv.tx_bytes / m->interval_s, tx, sizeof tx);
			format_bytes((double)c->iv.rx_bytes / m->interval_s, rx, sizeof rx);
			snprintf(txp, sizeof txp, "%.0f", (double)c->iv.tx_pkts / m->interval_s);
			snprintf(rxp, sizeof rxp, "%.0f", (double)c->iv.rx_pkts / m->interval_s);
		}
		format_bytes((double)c->c.tx_bytes, txt, sizeof txt);
		format_bytes((double)c->c.rx_bytes, rxt, sizeof rxt);
		buf_printf(b, "%-5s %-28s %-28s %-12s %9s %9s %7s %7s %9s %9s\n",
			   c->key.proto == IPPROTO_TCP ? "tcp" : c->key.proto == IPPROTO_UDP ? "udp" : "ip",
			   l, r, c->closed ? "CLOSED" : sockmap_state_name(c->key.proto, c->state), tx,
			   rx, txp, rxp, txt, rxt);
	}
	if (n == 0)
		buf_printf(b, "no traffic seen for %d since pidtop started\n", d->pid);
}

static void tab_memory(struct drill *d, struct buf *b)
{
	const struct taskinfo *ti = &d->ti;
	if (ti->rollup_err)
		put_err(b, "smaps_rollup", ti->rollup_err);
	else
		for (size_t i = 0; i < ti->nrollup; i++)
			buf_printf(b, "%-18s %s\n", ti->rollup[i].key, ti->rollup[i].value);
	if (ti->maps_err) {
		put_err(b, "maps", ti->maps_err);
		return;
	}
	char t[16], a[16], f[16];
	format_bytes((double)ti->maps_total_kb * 1024, t, sizeof t);
	format_bytes((double)ti->maps_anon_kb * 1024, a, sizeof a);
	format_bytes((double)ti->maps_file_kb * 1024, f, sizeof f);
	buf_printf(b, "\n%zu mappings, %s mapped (anonymous %s, files %s)\nlargest%s:\n", ti->nmaps,
		   t, a, f, ti->smaps_read ? " by RSS" : " by size");
	for (size_t i = 0; i < ti->ntop; i++) {
		const struct ti_map *mp = &ti->top_maps[i];
		char s[16], r[16] = "-";
		format_bytes((double)mp->size_kb * 1024, s, sizeof s);
		if (ti->smaps_read)
			format_bytes((double)mp->rss_kb * 1024, r, sizeof r);
		buf_printf(b, "  %012llx %s size %7s rss %7s  %s\n", (unsigned long long)mp->start,
			   mp->perms, s, r, mp->path[0] ? mp->path : "[anonymous]");
	}
}

static void tab_env(struct drill *d, struct buf *b)
{
	if (d->ti.environ_err) {
		put_err(b, "environment", d->ti.environ_err);
		return;
	}
	for (size_t i = 0; i < d->ti.nenviron; i++)
		buf_printf(b, "%s\n", d->ti.environ[i]);
}

static void tab_limits(struct drill *d, struct buf *b)
{
	if (d->ti.limits_err) {
		put_err(b, "limits", d->ti.limits_err);
		return;
	}
	buf_printf(b, "%-26s %-20s %-20s %s\n", "LIMIT", "SOFT", "HARD", "UNITS");
	for (size_t i = 0; i < d->ti.nlimits; i++) {
		const struct ti_limit *l = &d->ti.limits[i];
		char s[24], h[24];
		snprintf(s, sizeof s, l->soft_unlimited ? "unlimited" : "%llu",
			 (unsigned long long)l->soft);
		snprintf(h, sizeof h, l->hard_unlimited ? "unlimited" : "%llu",
			 (unsigned long long)l->hard);
		buf_printf(b, "%-26s %-20s %-20s %s\n", l->name, s, h, l->unit);
	}
}

/* ---- drawing ---- */

static const char *status_value(const struct taskinfo *ti, const char *key)
{
	for (size_t i = 0; i < ti->nstatus; i++)
		if (strcmp(ti->status[i].key, key) == 0)
			return ti->status[i].value;
	return NULL;
}

static int draw_identity(struct ui *ui, struct drill *d, int y, int y_end)
{
	const struct taskinfo *ti = &d->ti;
	char when[64] = "-", age[32] = "-";
	if (ti->have_start) {
		time_t st = (time_t)ti->start_epoch_s;
		struct tm tm;
		if (localtime_r(&st, &tm))
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		format_duration(ti->age_s, age, sizeof age);
	}
	const char *uid = status_value(ti, "Uid");
	uint32_t u = uid ? (uint32_t)strtoul(uid, NULL, 10) : 0;
	char ioprio[48];
	static const char *const cls[] = {"none", "realtime", "best-effort", "idle"};
	if (ti->ioprio_err)
		snprintf(ioprio, sizeof ioprio, "%s", taskinfo_reason(ti->ioprio_err));
	else
		snprintf(ioprio, sizeof ioprio, "%s %d",
			 ti->ioprio_class >= 0 && ti->ioprio_class <= 3 ? cls[ti->ioprio_class] : "?",
			 ti->ioprio_level);
	const char *aff = status_value(ti, "Cpus_allowed_list");
	const char *cg = ti->ncgroups ? ti->cgroups[ti->ncgroups - 1].path : "-";
	char lines[6][1024];
	snprintf(lines[0], sizeof lines[0], "PID %d%s%s  %s  state %c  user %s  ppid %d (%s)",
		 d->pid, d->tid != d->pid ? "  TID " : "", "", ti->stat.comm,
		 ti->stat.state ? ti->stat.state : '?', uid ? model_user_name(ui->m, u) : "?",
		 ti->stat.ppid, ti->parent_comm ? ti->parent_comm : "?");
	if (d->tid != d->pid)
		snprintf(lines[0], sizeof lines[0], "PID %d TID %d  %s  state %c  user %s  ppid %d (%s)",
			 d->pid, d->tid, ti->stat.comm, ti->stat.state ? ti->stat.state : '?',
			 uid ? model_user_name(ui->m, u) : "?", ti->stat.ppid,
			 ti->parent_comm ? ti->parent_comm : "?");
	snprintf(lines[1], sizeof lines[1], "started %s (age %s)%s", when, age,
		 d->gone ? "  -- EXITED (last reading shown)" : "");
	snprintf(lines[2], sizeof lines[2], "command: %s",
		 ti->cmdline && !ti->cmdline_empty ? ti->cmdline : "[no command line]");
	snprintf(lines[3], sizeof lines[3], "exe: %s   cwd: %s",
		 ti->exe_err ? taskinfo_reason(ti->exe_err) : ti->exe,
		 ti->cwd_err ? taskinfo_reason(ti->cwd_err) : ti->cwd);
	snprintf(lines[4], sizeof lines[4],
		 "nice %lld  I/O priority %s  policy %s (rt %lld)  CPUs %s  threads %lld",
		 (long long)ti->stat.nice, ioprio, taskinfo_policy_name(ti->policy),
		 (long long)ti->rt_priority, aff ? aff : "?", (long long)ti->stat.num_threads);
	snprintf(lines[5], sizeof lines[5], "cgroup: %s", cg);
	for (int k = 0; k < 6 && y < y_end; k++, y++)
		screen_put(ui, y, 1, ui->cols - 1, lines[k], ui->attr[k == 0 ? R_LABEL : R_NORMAL]);
	return y;
}

/* ---- history ---- */

static const char *const hist_label[HIST_SERIES] = {
	[HIST_CPU] = "CPU%", [HIST_RSS] = "RSS", [HIST_READ] = "READ/s",
	[HIST_WRITE] = "WRITE/s", [HIST_NET_TX] = "NET TX/s", [HIST_NET_RX] = "NET RX/s",
};
#define HIST_LABEL_W 9  /* "NET RX/s " */
#define HIST_STATS_W 25 /* " now 1023.9M max 1023.9M" */
#define HIST_SPARK_MIN 20

static void hist_value(int series, double v, char *out, size_t outsize)
{
	if (series == HIST_CPU)
		snprintf(out, outsize, "%.1f", v);
	else
		format_bytes(series == HIST_RSS ? v * 1024 : v, out, outsize);
}

/* One series: label, the last `width` refreshes as a sparkline (newest at
 * the right, scaled to the largest shown), then now and max. */
static void draw_series(struct ui *ui, const struct drill *d, int series, int y, int x, int width)
{
	static const char bars_ascii[] = " _.,:-=+#";
	size_t n = d->nhist < (size_t)width ? d->nhist : (size_t)width;
	double v[HIST_LEN], max = 0;
	uint8_t lv[HIST_LEN];
	for (size_t k = 0; k < n; k++) {
		v[k] = d->hist[d->nhist - n + k].v[series];
		if (v[k] > max)
			max = v[k];
	}
	grid_spark_scale(v, n, max, lv);
	char line[HIST_LEN * 3 + 1];
	size_t len = 0;
	for (size_t k = 0; k < n; k++) {
		const char *g = ui->utf8 ? screen_eighths[lv[k]] : (char[2]){bars_ascii[lv[k]], 0};
		size_t gl = strlen(g);
		memcpy(line + len, g, gl);
		len += gl;
	}
	line[len] = '\0';
	screen_put(ui, y, x, HIST_LABEL_W, hist_label[series], ui->attr[R_LABEL]);
	int sx = x + HIST_LABEL_W + width - (int)n; /* the newest always in the same column */
	screen_put(ui, y, sx, (int)n, line,
		   ui->attr[series == HIST_CPU ? R_BAR_SYS : series == HIST_RSS ? R_MEM_USED : R_BAR_NICE]);
	char now[16] = "-", top[16] = "-", stats[48];
	if (n) {
		hist_value(series, v[n - 1], now, sizeof now);
		hist_value(series, max, top, sizeof top);
	}
	snprintf(stats, sizeof stats, " now %-7s max %s", now, top);
	screen_put(ui, y, x + HIST_LABEL_W + width, HIST_STATS_W, stats, ui->attr[R_NORMAL]);
}

/* The history block: a title with the totals since first seen, then the
 * six series, two to a line when the terminal is wide enough. Returns the
 * next free line; nothing when fewer than `need` lines are left. */
static int draw_history(struct ui *ui, const struct drill *d, int y, int y_end)
{
	int cols = ui->cols - 1;
	int ncol = (cols / 2 - HIST_LABEL_W - HIST_STATS_W) >= 40 ? 2 : 1;
	int width = cols / ncol - HIST_LABEL_W - HIST_STATS_W - 1;
	if (width > HIST_LEN)
		width = HIST_LEN;
	int lines = HIST_SERIES / ncol;
	if (width < HIST_SPARK_MIN || y_end - y < lines + 1 + 4) /* keep room for the tabs */
		return y;
	char cpu[32], rd[16], wr[16], tx[16], rx[16], title[256];
	format_duration(d->tot.cpu_s, cpu, sizeof cpu);
	format_bytes(d->tot.read_bytes, rd, sizeof rd);
	format_bytes(d->tot.write_bytes, wr, sizeof wr);
	format_bytes(d->tot.net_tx_bytes, tx, sizeof tx);
	format_bytes(d->tot.net_rx_bytes, rx, sizeof rx);
	snprintf(title, sizeof title,
		 "history: last %zu refreshes   since first seen: CPU %s  read %s  write %s  "
		 "net tx %s  rx %s",
		 d->nhist, cpu, rd, wr, tx, rx);
	screen_put(ui, y++, 1, cols, title, ui->attr[R_LABEL]);
	for (int i = 0; i < HIST_SERIES; i++) {
		int row = i / ncol, c = i % ncol;
		draw_series(ui, d, i, y + row, 1 + c * (cols / ncol), width);
	}
	return y + lines;
}

void drill_draw(struct ui *ui)
{
	struct drill *d = ui->drill;
	int y = ui->geo.head_y >= 0 ? ui->geo.head_y : ui->geo.rows_y;
	int y_end = ui->geo.rows_y + ui->geo.rows_h;
	if (!d || y >= y_end)
		return;
	y = draw_identity(ui, d, y, y_end);
	y = draw_history(ui, d, y, y_end);
	if (y >= y_end)
		return;
	/* the tab bar */
	int x = 0;
	attrset(ui->attr[R_TABLE_HEAD]);
	mvhline(y, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	for (int t = 0; t < TAB_COUNT; t++) {
		char label[32];
		snprintf(label, sizeof label, " %d %s ", t + 1, tab_names[t]);
		x += screen_put(ui, y, x, ui->cols - x, label,
				ui->attr[t == d->tab ? R_SORT_HEAD : R_TABLE_HEAD]);
	}
	screen_put(ui, y, x, ui->cols - x, "  Tab/Left/Right: tabs  Esc: back",
		   ui->attr[R_TABLE_HEAD]);
	y++;
	struct buf *b = &d->text;
	buf_reset(b);
	switch (d->tab) {
	case TAB_THREADS: tab_threads(ui, d, b); break;
	case TAB_WAIT: tab_wait(ui, d, b); break;
	case TAB_FILES: tab_files(d, b); break;
	case TAB_NETWORK: tab_network(ui, d, b); break;
	case TAB_MEMORY: tab_memory(d, b); break;
	case TAB_ENV: tab_env(d, b); break;
	case TAB_LIMITS: tab_limits(d, b); break;
	}
	size_t nlines = 0;
	for (size_t i = 0; i < b->len; i++)
		nlines += b->data[i] == '\n';
	size_t vis = (size_t)(y_end - y);
	if (d->scroll + vis > nlines)
		d->scroll = nlines > vis ? nlines - vis : 0;
	const char *p = b->data, *end = b->data + b->len;
	char line[2048];
	for (size_t k = 0; p && p < end; k++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (k >= d->scroll) {
			if (y >= y_end)
				break;
			snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1),
				 p);
			screen_put(ui, y++, 1, ui->cols - 1, line, ui->attr[R_NORMAL]);
		}
		p = nl ? nl + 1 : end;
	}
}

static unsigned set_tab(struct ui *ui, int tab)
{
	struct drill *d = ui->drill;
	d->tab = (tab + TAB_COUNT) % TAB_COUNT;
	d->scroll = 0;
	if (d->tab == TAB_MEMORY && !d->gone)
		read_info(ui, d); /* smaps now, at most once per refresh */
	read_wait(ui, d);
	return RX_REDRAW;
}

unsigned drill_key(struct ui *ui, int key)
{
	struct drill *d = ui->drill;
	size_t page = ui->geo.rows_h > 10 ? (size_t)ui->geo.rows_h - 8 : 1;
	switch (key) {
	case KEYS_ESC: case 'q': case KEY_BACKSPACE:
		drill_close(ui);
		return RX_REDRAW | RX_CLEAR;
	case '\t': case KEY_RIGHT: return set_tab(ui, d->tab + 1);
	case KEY_BTAB: case KEY_LEFT: return set_tab(ui, d->tab - 1);
	case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		return set_tab(ui, key - '1');
	case KEY_UP: if (d->scroll) d->scroll--; return RX_REDRAW;
	case KEY_DOWN: d->scroll++; return RX_REDRAW;
	case KEY_PPAGE: d->scroll = d->scroll > page ? d->scroll - page : 0; return RX_REDRAW;
	case KEY_NPAGE: d->scroll += page; return RX_REDRAW;
	case KEY_HOME: case 'g': d->scroll = 0; return RX_REDRAW;
	case KEY_END: case 'G': d->scroll = SIZE_MAX / 2; return RX_REDRAW;
	case '\n': case '\r': case KEY_ENTER: return RX_REDRAW;
	default: return 0;
	}
}

unsigned drill_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	(void)y;
	(void)x;
	if (bstate & BUTTON4_PRESSED)
		return drill_key(ui, KEY_UP);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return drill_key(ui, KEY_DOWN);
#endif
	return 0;
}
