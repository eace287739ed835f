/* drillrec.c - the drill-down's identity and tabs on a recording: the
 * figures of the sample at the cursor (drillrec.h). */
#include "uistate.h"
#include "drillrec.h"
#include "conntab.h"
#include "recfile.h"
#include "format.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOT_RECORDED "not recorded (a recording keeps each task's counters, not its /proc files)"

static void put_time(double epoch_s, char *out, size_t outsize)
{
	time_t t = (time_t)epoch_s;
	struct tm tm;
	if (epoch_s <= 0 || !localtime_r(&t, &tm) || !strftime(out, outsize, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, outsize, "-");
}

/* "CPU 40.1%  RSS 12.0M  READ/s 0  WRITE/s 8.0M  NET TX/s 0  RX/s 0" */
static void rates_line(struct ui *ui, const struct task *t, char *out, size_t outsize)
{
	const struct task_rates *r = task_rates(t);
	char rss[16], rd[16], wr[16], tx[16], rx[16];
	format_bytes((double)t->rss_kb * 1024, rss, sizeof rss);
	if (!t->rates_valid) {
		snprintf(out, outsize, "recorded: RSS %s (no rate: the task's first sample)", rss);
		return;
	}
	format_bytes(r->read_bps, rd, sizeof rd);
	format_bytes(r->write_bps, wr, sizeof wr);
	format_bytes(r->net_tx_bps, tx, sizeof tx);
	format_bytes(r->net_rx_bps, rx, sizeof rx);
	snprintf(out, outsize, "recorded: CPU %.1f%%  RSS %s  READ/s %s  WRITE/s %s%s%s%s%s",
		 r->cpu_pct, rss, rd, wr, model_has_capture(ui->m) ? "  NET TX/s " : "",
		 model_has_capture(ui->m) ? tx : "", model_has_capture(ui->m) ? "  RX/s " : "",
		 model_has_capture(ui->m) ? rx : "");
}

int drillrec_identity(struct ui *ui, const struct task *t, int32_t pid, int32_t tid, int y,
		      int y_end)
{
	char lines[6][1024], when[64], sample[64];
	put_time((double)model_wall_ns(ui->m) / 1e9, sample, sizeof sample);
	int n = 0;
	if (!t) {
		snprintf(lines[n++], sizeof lines[0],
			 "PID %d%s: not in the recorded sample of %s (before it started or after "
			 "it ended)", pid, tid != pid ? " (thread)" : "", sample);
	} else {
		const struct task *parent = task_table_find(model_process_table(ui->m), t->ppid);
		char id[32] = "";
		if (tid != pid)
			snprintf(id, sizeof id, " TID %d", tid);
		snprintf(lines[n++], sizeof lines[0], "PID %d%s  %s  state %c  user %s  ppid %d (%s)",
			 pid, id, task_comm(t), t->state ? t->state : '?',
			 model_user_name(ui->m, t->uid), t->ppid, parent ? task_comm(parent) : "?");
		double start = model_task_start_epoch_s(ui->m, t);
		char age[32] = "-";
		if (start > 0)
			format_duration((double)model_wall_ns(ui->m) / 1e9 - start, age, sizeof age);
		put_time(start, when, sizeof when);
		snprintf(lines[n++], sizeof lines[0], "started %s (age %s)   RECORDED sample of %s%s",
			 when, age, sample, t->exited_gen ? "  -- EXITED" : "");
		snprintf(lines[n++], sizeof lines[0], "command: %s",
			 t->cmdline && !t->cmdline_empty ? t->cmdline : "[no command line recorded]");
		snprintf(lines[n++], sizeof lines[0],
			 "nice %d  priority %d  last CPU %d  threads %d   exe, cwd, I/O priority: "
			 "not recorded", t->nice, t->priority, t->processor, t->nthreads);
		snprintf(lines[n++], sizeof lines[0], "cgroup: %s", t->cgroup ? t->cgroup : "-");
		rates_line(ui, t, lines[n++], sizeof lines[0]);
	}
	for (int k = 0; k < n && y < y_end; k++, y++)
		screen_put(ui, y, 1, ui->cols - 1, lines[k], ui->attr[k == 0 ? R_LABEL : R_NORMAL]);
	return y;
}

/* Busiest first; threads without a rate last; then by tid. */
static int by_cpu(const void *a, const void *b)
{
	const struct task *x = *(const struct task *const *)a, *y = *(const struct task *const *)b;
	double cx = x->rates_valid ? task_rates(x)->cpu_pct : -1;
	double cy = y->rates_valid ? task_rates(y)->cpu_pct : -1;
	if (cx != cy)
		return cx > cy ? -1 : 1;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static void tab_threads(struct ui *ui, const struct task *t, int32_t pid, struct buf *b)
{
	if (!model_threads_on(ui->m)) {
		buf_printf(b, "threads: not recorded (the recording was made without -H)\n");
		if (t)
			buf_printf(b, "%d threads in this sample\n", t->nthreads);
		return;
	}
	const struct task *th[256];
	size_t n = model_threads_of(ui->m, pid, th, sizeof th / sizeof th[0]);
	qsort(th, n, sizeof th[0], by_cpu);
	double hz = (double)model_clk_tck(ui->m);
	buf_printf(b, "%8s S %7s %8s %8s %8s %8s  %s\n", "TID", "CPU%", "USR s", "SYS s", "READ/s",
		   "WRITE/s", "NAME");
	for (size_t i = 0; i < n; i++) {
		const struct task *x = th[i];
		const struct task_rates *r = task_rates(x);
		char cpu[16] = "-", rd[16] = "-", wr[16] = "-";
		if (x->rates_valid) {
			snprintf(cpu, sizeof cpu, "%.1f", r->cpu_pct);
			format_bytes(r->read_bps, rd, sizeof rd);
			format_bytes(r->write_bps, wr, sizeof wr);
		}
		buf_printf(b, "%8d %c %7s %8.2f %8.2f %8s %8s  %s\n", x->tid, x->state ? x->state : '?',
			   cpu, (double)x->cur.utime / hz, (double)x->cur.stime / hz, rd, wr,
			   task_comm(x));
	}
	if (n == 0)
		buf_printf(b, "no thread of %d in this sample\n", pid);
	else if (n == sizeof th / sizeof th[0])
		buf_printf(b, "(only the first %zu threads found are listed)\n", n);
}

/* The recorded delays: totals since the task started, and the share of
 * the last interval. */
static void tab_wait(struct ui *ui, const struct task *t, struct buf *b)
{
	const struct source_state *ts = model_source(ui->m, SOURCE_TASKSTATS);
	buf_printf(b, "delays as recorded (taskstats %s):\n", ts->ok ? "on" : ts->text);
	if (t) {
		const struct task_rates *r = task_rates(t);
		struct {
			const char *what;
			uint64_t ns;
			double pct;
		} d[] = {
			{"CPU (run queue)", t->cur.wait_ns, r->wait_pct},
			{"block I/O", t->cur.blkio_delay_ns, r->io_delay_pct},
			{"swap-in", t->cur.swapin_delay_ns, r->swapin_delay_pct},
			{"memory reclaim", t->cur.reclaim_delay_ns, r->reclaim_delay_pct},
			{"thrashing", t->cur.thrashing_delay_ns, r->thrashing_delay_pct},
		};
		buf_printf(b, "  %-20s %14s %16s\n", "WAITING FOR", "TOTAL s", "LAST INTERVAL %");
		for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
			char pct[16] = "-";
			if (t->rates_valid)
				snprintf(pct, sizeof pct, "%.1f", d[i].pct);
			buf_printf(b, "  %-20s %14.3f %16s\n", d[i].what, (double)d[i].ns / 1e9, pct);
		}
	}
	buf_printf(b, "\nwhere it sleeps (wchan), system call, kernel stack, OOM score: %s\n",
		   NOT_RECORDED);
}

static void tab_network(struct ui *ui, const struct task *t, struct buf *b)
{
	if (!model_has_capture(ui->m)) {
		buf_printf(b, "traffic: not recorded (%s)\n",
			   model_source(ui->m, SOURCE_NET)->text);
	} else if (t && t->rates_valid) {
		const struct task_rates *r = task_rates(t);
		char tx[16], rx[16];
		format_bytes(r->net_tx_bps, tx, sizeof tx);
		format_bytes(r->net_rx_bps, rx, sizeof rx);
		buf_printf(b, "traffic as recorded: TX/s %s  RX/s %s  TXPK/s %.0f  RXPK/s %.0f\n", tx,
			   rx, r->net_tx_pps, r->net_rx_pps);
	}
	if (!model_has_capture(ui->m) || conntab_text(ui, t ? t->tgid : 0, b) == 0)
		buf_printf(b, "connections: none recorded (a recording keeps them when made with "
			      "--connections or from the screen)\n");
}

static void tab_memory(const struct task *t, struct buf *b)
{
	if (t) {
		char rss[16], vsz[16];
		format_bytes((double)t->rss_kb * 1024, rss, sizeof rss);
		format_bytes((double)t->vsz_kb * 1024, vsz, sizeof vsz);
		buf_printf(b, "as recorded: RSS %s  VSZ %s  RSS change %+lld KiB\n", rss, vsz,
			   (long long)t->rss_delta_kb);
		if (t->rates_valid)
			buf_printf(b, "page faults/s: minor %.0f  major %.0f\n",
				   task_rates(t)->minflt_ps, task_rates(t)->majflt_ps);
	}
	buf_printf(b, "maps and smaps: %s\n", NOT_RECORDED);
}

void drillrec_tab(struct ui *ui, const struct task *t, int32_t pid, enum drill_tab tab,
		  struct buf *b)
{
	switch (tab) {
	case TAB_THREADS: tab_threads(ui, t, pid, b); break;
	case TAB_WAIT: tab_wait(ui, t, b); break;
	case TAB_FILES: buf_printf(b, "open files: %s\n", NOT_RECORDED); break;
	case TAB_NETWORK: tab_network(ui, t, b); break;
	case TAB_MEMORY: tab_memory(t, b); break;
	case TAB_ENV: buf_printf(b, "environment: %s\n", NOT_RECORDED); break;
	case TAB_LIMITS: buf_printf(b, "limits: %s\n", NOT_RECORDED); break;
	case TAB_CGROUP: buf_printf(b, "cgroup limits and pressure: %s\n", NOT_RECORDED); break;
	case TAB_COUNT: break;
	}
}
