/* drilltabs.c - the drill-down's tabs as text, live: threads with their
 * rates, what the task waits for, open files, connections, memory,
 * environment, limits, cgroup. A recording's tabs are drillrec.c's. */
#include "drill_priv.h"
#include "cgrouptab.h"
#include "conntab.h"
#include "drillrec.h"
#include "format.h"
#include "waittab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct task *drill_task(struct ui *ui, const struct drill *d)
{
	/* a recording's process seen from the timeline may be shown with -H */
	struct task_table *table = d->recorded && !d->is_thread ? model_process_table(ui->m)
								: model_rows_table(ui->m);
	const struct task *t = task_table_find(table, d->tid);
	if (!t || t->tgid != d->pid || t->start_ticks != d->row_start)
		return NULL;
	return t;
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
	double hz = model_clk_tck(ui->m) > 0 ? (double)model_clk_tck(ui->m) : 100;
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

static void tab_network(struct ui *ui, struct drill *d, struct buf *b)
{
	struct model *m = ui->m;
	if (!model_has_capture(m)) {
		buf_printf(b, "traffic: %s\n\n", model_source(m, SOURCE_NET)->text);
		buf_printf(b, "%-6s %-28s %-28s %s\n", "PROTO", "LOCAL", "REMOTE", "STATE");
		for (size_t i = 0; i < d->ti.nconns; i++) {
			const struct ti_conn *c = &d->ti.conns[i];
			buf_printf(b, "%-6s %-28s %-28s %s\n", c->proto, c->local, c->remote, c->state);
		}
		if (d->ti.conns_err)
			put_err(b, "sockets", d->ti.conns_err);
		return;
	}
	if (conntab_text(ui, d->pid, b) == 0)
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

/* The "0::" line's path (cgroup v2), or NULL. */
static const char *cgroup_v2_path(const struct taskinfo *ti)
{
	for (size_t i = 0; !ti->cgroup_err && i < ti->ncgroups; i++)
		if (strcmp(ti->cgroups[i].hierarchy, "0") == 0 && !ti->cgroups[i].controllers[0])
			return ti->cgroups[i].path;
	return NULL;
}

/* The current tab's lines into b. */
void drill_tab_text(struct ui *ui, struct drill *d, struct buf *b)
{
	if (d->recorded) {
		drillrec_tab(ui, drill_task(ui, d), d->pid, (enum drill_tab)d->tab, b);
		return;
	}
	switch (d->tab) {
	case TAB_THREADS: tab_threads(ui, d, b); break;
	case TAB_WAIT: tab_wait(ui, d, b); break;
	case TAB_FILES: tab_files(d, b); break;
	case TAB_NETWORK: tab_network(ui, d, b); break;
	case TAB_MEMORY: tab_memory(d, b); break;
	case TAB_ENV: tab_env(d, b); break;
	case TAB_LIMITS: tab_limits(d, b); break;
	case TAB_CGROUP: cgrouptab_text(ui, cgroup_v2_path(&d->ti), b); break;
	}
}
