/* header.c - the meters above the table: CPUs, memory, swap, load,
 * uptime, tasks, disk and network totals, and the sources line. */
#include "uistate.h"
#include "replayui.h"
#include "format.h"
#include "groupview.h"
#include "header.h"
#include "screen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Per-CPU bars are laid out in a grid; with many CPUs they become a strip
 * of one glyph per CPU so the table keeps its room. */
struct cpu_layout {
	int ncols;  /* bars per line; 0 = strip */
	int nlines; /* lines used by the per-CPU part */
};

#define STRIP_LABEL 5 /* "CPUs " */
#define GRID_MAX_LINES 4

/* x rounded to the nearest whole cell, within 0..max. Not lround: this was
 * pidtop's one use of libm, and libm's pages cost ~300 KiB of resident
 * memory for it. */
static int round_cells(double x, int max)
{
	if (!(x > 0))
		return 0;
	if (x >= max)
		return max;
	return (int)(x + 0.5);
}

static bool two_sides(int cols)
{
	return cols >= 60;
}

static struct cpu_layout cpu_layout(int ncpus, int cols)
{
	struct cpu_layout l = {1, 0};
	if (ncpus <= 1 || cols <= 0)
		return l; /* the total bar says it all */
	l.ncols = cols >= 80 ? 2 : 1;
	if (cols >= 120 && (ncpus + 1) / 2 > GRID_MAX_LINES)
		l.ncols = 4;
	l.nlines = (ncpus + l.ncols - 1) / l.ncols;
	if (l.nlines > GRID_MAX_LINES) {
		int per = cols - STRIP_LABEL > 1 ? cols - STRIP_LABEL : 1;
		l.ncols = 0;
		l.nlines = (ncpus + per - 1) / per;
	}
	return l;
}

int header_height(const struct ui *ui, int cols)
{
	const struct system_stats *st = model_system(ui->m);
	int h = cpu_layout(st->ncpus, cols).nlines;
	h += 3;                          /* total CPU, memory, swap */
	if (!two_sides(cols))
		h += 3;                  /* tasks, load, uptime below instead of beside */
	h += 3;                          /* disk and network; pressure; status and sources */
	return h;
}

struct bar_part {
	double pct;
	enum ui_role role;
	char mono_glyph;
};

/* label[bar  value] in `width` cells at (y, x) */
static void draw_bar(struct ui *ui, int y, int x, int width, const char *label,
		     const struct bar_part *parts, size_t nparts, const char *value)
{
	if (width < 1)
		return;
	int lw = (int)strlen(label);
	screen_put(ui, y, x, width, label, ui->attr[R_LABEL]);
	int inner = width - lw - 2;
	if (inner < 1)
		return;
	screen_put(ui, y, x + lw, 1, "[", ui->attr[R_BRACKET]);
	int vx = x + lw + 1 + inner - (int)strlen(value);
	int pos = 0;
	double acc = 0;
	for (size_t i = 0; i < nparts && pos < inner; i++) {
		acc += parts[i].pct > 0 ? parts[i].pct : 0;
		int end = round_cells(acc * inner / 100.0, inner);
		char glyph[2] = {ui->colour ? '|' : parts[i].mono_glyph, '\0'};
		for (; pos < end; pos++)
			screen_put(ui, y, x + lw + 1 + pos, 1, glyph, ui->attr[parts[i].role]);
	}
	if ((int)strlen(value) <= inner)
		screen_put(ui, y, vx, (int)strlen(value), value, ui->attr[R_DIM]);
	screen_put(ui, y, x + lw + 1 + inner, 1, "]", ui->attr[R_BRACKET]);
}

static void draw_cpu_bar(struct ui *ui, int y, int x, int width, const char *label,
			 const struct cpu_pct *c, bool valid)
{
	struct bar_part parts[] = {
		{c->user - c->guest > 0 ? c->user - c->guest : 0, R_BAR_USER, '|'},
		{c->nice, R_BAR_NICE, '+'},
		{c->system, R_BAR_SYS, '#'},
		{c->irq + c->softirq + c->steal + c->guest, R_BAR_IRQ, '*'},
		{c->iowait, R_BAR_OTHER, '.'},
	};
	char value[16];
	if (valid)
		snprintf(value, sizeof value, "%.1f%%", c->busy);
	else
		snprintf(value, sizeof value, "-");
	draw_bar(ui, y, x, width, label, parts, valid ? sizeof parts / sizeof parts[0] : 0, value);
}

static void draw_cpu_strip(struct ui *ui, int y0, int nlines, int cols)
{
	static const char ascii_levels[] = " .:-=+*#%@";
	const struct system_stats *st = model_system(ui->m);
	int per = cols - STRIP_LABEL > 1 ? cols - STRIP_LABEL : 1;
	for (int line = 0; line < nlines; line++) {
		int y = y0 + line;
		if (y >= ui->geo.meters_y + ui->geo.meters_h)
			return;
		screen_put(ui, y, 0, STRIP_LABEL, line ? "" : "CPUs ", ui->attr[R_LABEL]);
		for (int i = 0; i < per; i++) {
			int cpu = line * per + i;
			if (cpu >= st->ncpus)
				break;
			double b = st->rates_valid ? st->cpu[cpu].busy : 0;
			int lv;
			char g[2] = {0, 0};
			const char *glyph;
			if (ui->utf8) {
				lv = round_cells(b / 100.0 * 8, 8);
				glyph = screen_eighths[lv];
			} else {
				lv = round_cells(b / 100.0 * 9, 9);
				g[0] = ascii_levels[lv];
				glyph = g;
			}
			screen_put(ui, y, STRIP_LABEL + i, 1, glyph,
				   ui->attr[b >= 90 ? R_BAR_SYS : R_BAR_USER]);
		}
	}
}

static int draw_cpus(struct ui *ui, int y, int cols)
{
	const struct system_stats *st = model_system(ui->m);
	struct cpu_layout l = cpu_layout(st->ncpus, cols);
	if (l.nlines == 0)
		return y;
	if (l.ncols == 0) {
		draw_cpu_strip(ui, y, l.nlines, cols);
		return y + l.nlines;
	}
	int cw = cols / l.ncols;
	int digits = snprintf(NULL, 0, "%d", st->ncpus - 1);
	for (int cpu = 0; cpu < st->ncpus; cpu++) {
		/* column-major like htop: CPU0..n/2 on the left */
		int col = cpu / l.nlines, line = cpu % l.nlines;
		char label[16];
		snprintf(label, sizeof label, "%*d", digits < 3 ? 3 : digits, cpu);
		if (y + line < ui->geo.meters_y + ui->geo.meters_h)
			draw_cpu_bar(ui, y + line, col * cw, cw - (col + 1 < l.ncols ? 1 : 0), label,
				     &st->cpu[cpu], st->rates_valid);
	}
	return y + l.nlines;
}

static void put_text(struct ui *ui, int y, int x, int width, const char *label, const char *value)
{
	if (y >= ui->geo.meters_y + ui->geo.meters_h)
		return;
	int w = screen_put(ui, y, x, width, label, ui->attr[R_LABEL]);
	screen_put(ui, y, x + w, width - w, value, ui->attr[R_NORMAL]);
}

static void draw_status(struct ui *ui, int y, int cols)
{
	char line[1024];
	size_t n = 0;
/* the status line is cut to the screen anyway: truncation is intended */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#define ADD(...)                                                                            \
	do {                                                                                \
		int k_ = snprintf(line + n, sizeof line - n, __VA_ARGS__);                  \
		if (k_ > 0)                                                                 \
			n = (size_t)k_ < sizeof line - n ? n + (size_t)k_ : sizeof line - 1; \
	} while (0)
	if (replayui_active(ui)) {
		char rs[128];
		replayui_status(ui, rs, sizeof rs);
		ADD("%s  ", rs);
	} else if (ui->paused) {
		ADD("PAUSED  ");
	}
	if (model_is_recording(ui->m))
		ADD("REC %s  ", model_cfg(ui->m)->record_path);
	if (model_cfg(ui->m)->threads)
		ADD("threads  ");
	if (groupview_on(ui))
		ADD("grouped by %s  ", groupview_label(ui));
	else if (ui->set.tree)
		ADD("tree  ");
	if (model_cfg(ui->m)->accumulated)
		ADD("accumulated  ");
	if (ui->filter.only_active)
		ADD("only active  ");
	if (ui->filter.only_io)
		ADD("only I/O  ");
	if (ui->filter.hide_exited)
		ADD("ended hidden  ");
	if (ui->filter.hide_kernel)
		ADD("kernel hidden  ");
	if (ui->ntags)
		ADD("%zu tagged  ", ui->ntags);
	if (ui->user_filter)
		ADD("user %s  ", model_user_name(ui->m, ui->user_uid));
	if (ui->live_filter[0])
		ADD("filter \"%s\"  ", ui->live_filter);
	if (ui->follow_line >= 0)
		ADD("follow %d  ", ui->sel_tid);
	if (ui->opt->readonly)
		ADD("read-only  ");
	int x = 0;
	if (n)
		x = screen_put(ui, y, 0, cols, line, ui->attr[R_MSG_INFO]);
	n = 0;
	ADD("Sources:");
	for (int i = 0; i < SOURCE_COUNT; i++) {
		const struct source_state *s = model_source(ui->m, i);
		ADD(" %s %s%s", s->name ? s->name : "?", s->text, i + 1 < SOURCE_COUNT ? ";" : "");
	}
#undef ADD
	screen_put(ui, y, x, cols - x, line, ui->attr[R_DIM]);
}

/* iotop's Total: what the tasks asked of storage in the interval, the sum
 * of the rows' read and write rates (under a: their totals); the system's
 * disk rates (diskstats sectors) are the Actual that reached the devices. */
struct io_sum {
	struct model *m;
	double read, write;
};

static void add_task_io(struct task *t, void *arg)
{
	struct io_sum *s = arg;
	if (!t->rates_valid || !(t->have & TG_IO) || (t->exited_gen && t->exited_gen != model_gen(s->m)))
		return;
	s->read += task_rates(t)->read_bps;
	s->write += task_rates(t)->write_bps;
}

static void task_io_total(struct ui *ui, double *read, double *write)
{
	struct io_sum s = {ui->m, 0, 0};
	task_table_foreach(model_rows_table(ui->m), add_task_io, &s);
	size_t nexited;
	struct task *exited = model_exited(ui->m, &nexited);
	for (size_t i = 0; i < nexited; i++)
		add_task_io(&exited[i], &s);
	*read = s.read;
	*write = s.write;
}

/* PSI, as htop's pressure meters: the share of the last 10 s in which some
 * (and all non-idle) tasks stalled on each resource */
static void draw_pressure(struct ui *ui, int y, int cols)
{
	const struct system_stats *st = model_system(ui->m);
	char text[192];
	size_t n = 0;
	for (int i = 0; i < PSI_COUNT && n < sizeof text; i++) {
		const struct pressure *p = &st->psi[i];
		char full[16] = "-";
		if (p->has_full)
			snprintf(full, sizeof full, "%.1f", p->full.avg10);
		int k = st->has_psi[i] ? snprintf(text + n, sizeof text - n, "%s%s %.1f/%s%%",
						  n ? "  " : "", system_psi_names[i], p->some.avg10, full)
				       : snprintf(text + n, sizeof text - n, "%s%s n/a", n ? "  " : "",
						  system_psi_names[i]);
		n += k > 0 ? (size_t)k : 0;
	}
	put_text(ui, y, 0, cols, "Pressure some/full avg10: ", text);
}

void header_draw(struct ui *ui)
{
	const struct system_stats *st = model_system(ui->m);
	int cols = ui->cols, y = ui->geo.meters_y;
	int end = y + ui->geo.meters_h;
	if (ui->geo.meters_h <= 0)
		return;
	y = draw_cpus(ui, y, cols);
	bool sides = two_sides(cols);
	int lw = sides ? cols / 2 - 1 : cols;
	if (y < end)
		draw_cpu_bar(ui, y, 0, lw, "Avg", &st->total, st->rates_valid);
	const struct meminfo *mi = &st->mem;
	double total = mi->mem_total_kb ? (double)mi->mem_total_kb : 1;
	double used = (double)st->mem_used_kb;
	double cache = (double)mi->mem_total_kb - (double)mi->mem_free_kb - used;
	char v[48];
	format_kib_pair(st->mem_used_kb, mi->mem_total_kb, v, sizeof v);
	struct bar_part mem[] = {
		{used * 100 / total, R_MEM_USED, '|'},
		{cache > 0 ? cache * 100 / total : 0, R_MEM_CACHE, '.'},
	};
	if (y + 1 < end)
		draw_bar(ui, y + 1, 0, lw, "Mem", mem, 2, v);
	double stotal = mi->swap_total_kb ? (double)mi->swap_total_kb : 1;
	format_kib_pair(st->swap_used_kb, mi->swap_total_kb, v, sizeof v);
	struct bar_part swp[] = {{(double)st->swap_used_kb * 100 / stotal, R_SWAP, '|'}};
	if (y + 2 < end)
		draw_bar(ui, y + 2, 0, lw, "Swp", swp, 1, v);

	int tx = sides ? cols / 2 + 1 : 0, ty = sides ? y : y + 3;
	int tw = cols - tx;
	const struct task_counts *tc = &st->tasks;
	char text[256];
	snprintf(text, sizeof text, "%lld, %lld thr, %lld kthr; %lld running",
		 (long long)tc->processes, (long long)tc->threads, (long long)tc->kernel_threads,
		 (long long)tc->running);
	put_text(ui, ty, tx, tw, "Tasks: ", text);
	snprintf(text, sizeof text, "%.2f %.2f %.2f", st->load.load1, st->load.load5,
		 st->load.load15);
	put_text(ui, ty + 1, tx, tw, "Load average: ", text);
	format_uptime(st->uptime_s, text, sizeof text);
	put_text(ui, ty + 2, tx, tw, "Uptime: ", text);
	y = sides ? y + 3 : y + 6;

	char r[16] = "-", w[16] = "-", rx[16] = "-", txs[16] = "-", tr[16], tw_[16];
	const char *unit = st->rates_valid ? "/s" : "";
	double task_r, task_w;
	task_io_total(ui, &task_r, &task_w);
	format_bytes(task_r, tr, sizeof tr);
	format_bytes(task_w, tw_, sizeof tw_);
	const char *tunit = model_cfg(ui->m)->accumulated ? "" : "/s";
	if (st->rates_valid) {
		format_bytes(st->disk_read_bps, r, sizeof r);
		format_bytes(st->disk_write_bps, w, sizeof w);
		format_bytes(st->net_rx_bps, rx, sizeof rx);
		format_bytes(st->net_tx_bps, txs, sizeof txs);
	}
	char net[64];
	snprintf(net, sizeof net, "rx %s%s  tx %s%s", rx, unit, txs, unit);
	char disk[128];
	snprintf(disk, sizeof disk, "total read %s%s write %s%s, actual read %s%s write %s%s", tr,
		 tunit, tw_, tunit, r, unit, w, unit);
	if (sides) {
		put_text(ui, y, 0, cols / 2, "Disk: ", disk);
		put_text(ui, y, tx, tw, "Net: ", net);
	} else {
		snprintf(text, sizeof text, "%s  Net: %s", disk, net);
		put_text(ui, y, 0, cols, "Disk: ", text);
	}
	if (y + 1 < end)
		draw_pressure(ui, y + 1, cols);
	if (y + 2 < end)
		draw_status(ui, y + 2, cols);
}
