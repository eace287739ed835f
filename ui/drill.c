/* drill.c - the drill-down view: identity, the task's history as
 * sparklines, then tabs (threads, waiting, files, network, memory,
 * environment, limits). Its text comes from taskinfo
 * (src/taskinfo.c) and the model's connection table; every string there
 * is sanitised already. */
#include "drill_priv.h"
#include "drill.h"
#include "drillrec.h"
#include "grid.h"
#include "history.h"
#include "netcap.h"
#include "recfile.h"
#include "sockmap.h"
#include "taskinfo.h"
#include "text.h"
#include "waitinfo.h"
#include "core.h"
#include "format.h"
#include "screen.h"


#include <stdlib.h>

static const char *const tab_names[TAB_COUNT] = {"Threads", "Waiting", "Files", "Network",
						 "Memory", "Environment", "Limits", "Cgroup"};

#define HIST_LABEL_W 9  /* "NET RX/s " */
#define HIST_STATS_W 25 /* " now 1023.9M max 1023.9M" */
#define HIST_SPARK_MIN 20

/* The history's series per line (1 or 2) and the sparklines' width. */
static int hist_width(const struct ui *ui, const struct drill *d, int *ncol)
{
	int cols = ui->cols - 1;
	*ncol = (cols / 2 - HIST_LABEL_W - HIST_STATS_W) >= 40 ? 2 : 1;
	int width = cols / *ncol - HIST_LABEL_W - HIST_STATS_W - 1;
	int max = d->recorded ? DRILL_HIST_MAX : HIST_LEN;
	return width > max ? max : width;
}

static void copy_history(struct ui *ui, struct drill *d)
{
	if (d->recorded) {
		int ncol, width = hist_width(ui, d, &ncol);
		d->nhist = width > 0 ? model_replay_task_series(ui->m, d->tid, d->row_start,
								d->is_thread, d->hist, (size_t)width,
								&d->hist_first_k)
				     : 0;
		return;
	}
	const struct task *t = drill_task(ui, d);
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
	if (d->recorded)
		return; /* the live /proc may hold another process by that pid */
	struct model *m = ui->m;
	unsigned flags = 0;
	if (d->tab == TAB_MEMORY && d->smaps_gen != model_gen(m)) {
		flags |= TASKINFO_SMAPS;
		d->smaps_gen = model_gen(m);
	}
	struct taskinfo ti;
	bool live = strcmp(model_cfg(m)->proc_root, "/proc") == 0 && !model_cfg(m)->fixture_sequence;
	if (taskinfo_read(&ti, model_proc_fd(m), d->pid, live, flags) < 0 ||
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

/* A replay: the recorded sample's figures of task (tid, start) of
 * process pid, and its history in the recording. */
static unsigned open_recorded(struct ui *ui, int32_t tid, int32_t pid, uint64_t start,
			      bool is_thread)
{
	drill_close(ui);
	struct drill *d = calloc(1, sizeof *d);
	if (!d) {
		ui_message(ui, true, "out of memory");
		return RX_REDRAW;
	}
	d->tid = tid;
	d->pid = pid;
	d->row_start = d->start_ticks = start;
	d->is_thread = is_thread;
	d->recorded = true;
	ui->drill = d;
	copy_history(ui, d);
	return RX_REDRAW | RX_CLEAR;
}

static unsigned open_task(struct ui *ui, const struct task *t)
{
	if (model_is_replay(ui->m))
		return open_recorded(ui, t->tid, t->tgid, t->start_ticks, t->is_thread);
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
	if (d->start_ticks == 0 && taskinfo_read(&probe, model_proc_fd(ui->m), d->pid, false, 0) == 0) {
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

unsigned drill_open(struct ui *ui)
{
	struct task *t = ui_selected(ui);
	if (!t) {
		ui_message(ui, true, "no task selected");
		return RX_REDRAW;
	}
	return open_task(ui, t);
}

unsigned drill_open_row(struct ui *ui, int32_t tid, int32_t pid, uint64_t start_ticks)
{
	if (model_is_replay(ui->m))
		return open_recorded(ui, tid, pid, start_ticks, tid != pid);
	const struct task *t = task_table_find(model_rows_table(ui->m), tid);
	if (!t || t->start_ticks != start_ticks || t->exited_gen) {
		ui_message(ui, true, "%d: the task is gone", tid);
		return RX_REDRAW;
	}
	return open_task(ui, t);
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
	if (!d->have_ti || d->gone || d->recorded)
		return;
	const struct taskinfo *ti = &d->ti;
	struct model *m = ui->m;
	double hz = model_clk_tck(m) > 0 ? (double)model_clk_tck(m) : 100;
	double dt = model_now_s(m) - d->thr_t;
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
	d->thr_t = model_now_s(m);
}

/* The Waiting tab's figures, only while it shows (the stack and a
 * taskstats query are not for every refresh of every drill-down). */
static void read_wait(struct ui *ui, struct drill *d)
{
	if (d->tab != TAB_WAIT || d->gone || d->recorded)
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
	double v[DRILL_HIST_MAX], max = 0;
	uint8_t lv[DRILL_HIST_MAX];
	for (size_t k = 0; k < n; k++) {
		v[k] = d->hist[d->nhist - n + k].v[series];
		if (v[k] > max)
			max = v[k];
	}
	grid_spark_scale(v, n, max, lv);
	char line[DRILL_HIST_MAX * 3 + 1];
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

/* The history's title: the totals since first seen, or in a replay the
 * samples of the recording shown. */
static void hist_title(struct ui *ui, const struct drill *d, char *title, size_t titlelen)
{
	if (d->recorded) {
		const struct recread_info *ri = model_replay_info(ui->m);
		snprintf(title, titlelen,
			 "history in the recording: samples %llu to %llu of %llu (up to the cursor)",
			 (unsigned long long)d->hist_first_k + 1,
			 (unsigned long long)(d->hist_first_k + d->nhist),
			 (unsigned long long)(ri ? ri->samples : 0));
		return;
	}
	char cpu[32], rd[16], wr[16], tx[16], rx[16];
	format_duration(d->tot.cpu_s, cpu, sizeof cpu);
	format_bytes(d->tot.read_bytes, rd, sizeof rd);
	format_bytes(d->tot.write_bytes, wr, sizeof wr);
	format_bytes(d->tot.net_tx_bytes, tx, sizeof tx);
	format_bytes(d->tot.net_rx_bytes, rx, sizeof rx);
	snprintf(title, titlelen,
		 "history: last %zu refreshes   since first seen: CPU %s  read %s  write %s  "
		 "net tx %s  rx %s",
		 d->nhist, cpu, rd, wr, tx, rx);
}

/* The history block: its title, then the six series, two to a line when
 * the terminal is wide enough. Returns the next free line; nothing when
 * fewer than `need` lines are left. */
static int draw_history(struct ui *ui, const struct drill *d, int y, int y_end)
{
	int cols = ui->cols - 1;
	int ncol, width = hist_width(ui, d, &ncol);
	int lines = HIST_SERIES / ncol;
	if (width < HIST_SPARK_MIN || y_end - y < lines + 1 + 4) /* keep room for the tabs */
		return y;
	char title[256];
	hist_title(ui, d, title, sizeof title);
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
	y = d->recorded ? drillrec_identity(ui, drill_task(ui, d), d->pid, d->tid, y, y_end)
			: draw_identity(ui, d, y, y_end);
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
	drill_tab_text(ui, d, b);
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
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
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
