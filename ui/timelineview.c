/* timelineview.c - drawing the timeline (timelineview.h). */
#include "uistate.h"
#include "drill.h"
#include "sanitize.h"
#include "timeline.h"
#include "timelineview.h"
#include "core.h"
#include "format.h"
#include "screen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AXIS_W 8     /* "100.0% |" or " 12.0M |" */
#define MIN_CHART_H 3

struct timeline_view {
	struct timeline tl;
	bool built;
	size_t built_cols;
	unsigned built_gen; /* live: ui->rows_gen it was built at */
	size_t sel;         /* the process chosen in the legend */
	int32_t sel_tid;    /* ... by identity, kept when the legend's order changes */
	uint64_t sel_start;
	int legend_y;       /* the legend's first line on screen */
};

/* Per process: a colour, and the characters that stand for it without
 * colour or UTF-8. The colour pairs follow the grid's (gridview.c). */
static const char cpu_chars[TIMELINE_TOP + 1] = "#@%&*+=o";
static const char rss_chars[TIMELINE_TOP + 1] = "12345678";
static attr_t looks[TIMELINE_TOP];
static bool looks_ready;

static void setup_looks(struct ui *ui)
{
	if (looks_ready)
		return;
	looks_ready = true;
	static const attr_t mono[TIMELINE_TOP] = {A_BOLD, A_NORMAL, A_UNDERLINE, A_DIM,
						  A_BOLD | A_UNDERLINE, A_NORMAL, A_DIM, A_BOLD};
	memcpy(looks, mono, sizeof looks);
	short base = (short)(R_COUNT + 1 + GRID_ACTIVITY_COUNT);
	if (!ui->colour || COLOR_PAIRS <= base + TIMELINE_TOP)
		return;
	static const short fg8[TIMELINE_TOP] = {COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE,
						COLOR_MAGENTA, COLOR_CYAN, COLOR_WHITE, COLOR_RED};
	static const short fg256[TIMELINE_TOP] = {196, 46, 226, 33, 201, 51, 208, 250};
	for (int k = 0; k < TIMELINE_TOP; k++) {
		init_pair((short)(base + k), COLORS >= 256 ? fg256[k] : fg8[k], -1);
		looks[k] = COLOR_PAIR(base + k) | (COLORS < 256 && k == TIMELINE_TOP - 1 ? A_BOLD : 0);
	}
}

static bool fancy(const struct ui *ui)
{
	return ui->utf8 && ui->colour;
}

void timelineview_enter(struct ui *ui)
{
	if (!ui->tv)
		ui->tv = calloc(1, sizeof *ui->tv);
	if (ui->tv)
		ui->tv->built = false;
	screen_mouse(ui, false);
}

void timelineview_free(struct ui *ui)
{
	free(ui->tv);
	ui->tv = NULL;
}

static size_t chart_cols(const struct ui *ui)
{
	int w = ui->cols - AXIS_W - 1;
	return w > 0 ? (size_t)w : 0;
}

/* The legend's process becomes the screen's selection when it is among
 * the rows, so the keys that act on a task (F9, F7/F8, i, s, l) act on it,
 * as the grid's cursor does. */
static void select_chosen(struct ui *ui, struct timeline_view *tv)
{
	if (tv->sel >= tv->tl.nprocs)
		return;
	const struct timeline_proc *p = &tv->tl.procs[tv->sel];
	tv->sel_tid = p->tid;
	tv->sel_start = p->start_ticks;
	for (size_t i = 0; i < ui->rows.nrows; i++)
		if (ui->rows.rows[i]->tid == p->tid && ui->rows.rows[i]->start_ticks == p->start_ticks) {
			ui_select_row(ui, i);
			return;
		}
}

/* Built once per width on a recording; live, again after each refresh
 * (from the histories, a bounded read). */
static void tl_sync(struct ui *ui, struct timeline_view *tv)
{
	size_t cols = chart_cols(ui);
	bool live = !model_is_replay(ui->m);
	if (tv->built && tv->built_cols == cols && (!live || tv->built_gen == ui->rows_gen))
		return;
	if (timeline_build(&tv->tl, ui->m, cols) < 0)
		ui_message(ui, true, "out of memory building the timeline");
	tv->built = true;
	tv->built_cols = cols;
	tv->built_gen = ui->rows_gen;
	for (size_t k = 0; k < tv->tl.nprocs; k++)
		if (tv->tl.procs[k].tid == tv->sel_tid && tv->tl.procs[k].start_ticks == tv->sel_start)
			tv->sel = k;
	if (tv->sel >= tv->tl.nprocs)
		tv->sel = tv->tl.nprocs ? tv->tl.nprocs - 1 : 0;
	select_chosen(ui, tv);
}

static void put_glyph(int y, int x, const char *g, attr_t a)
{
	attrset(a);
	mvaddstr(y, x, g);
	attrset(A_NORMAL);
}

/* Column j of the CPU stack, rows [y, y + h), one row = unit percent. */
static void cpu_column(struct ui *ui, const struct timeline *tl, size_t j, int x, int y, int h,
		       double unit)
{
	double total = 0;
	for (size_t k = 0; k < tl->nprocs; k++)
		total += tl->cpu_pct[k][j];
	for (int r = 0; r < h; r++) {
		double lo = r * unit, mid = lo + unit / 2;
		if (total <= lo)
			break;
		/* the process whose band holds the cell's middle (or the top one) */
		size_t k = 0;
		double acc = 0;
		for (; k < tl->nprocs; k++) {
			acc += tl->cpu_pct[k][j];
			if (acc > mid || k + 1 == tl->nprocs)
				break;
		}
		int eighths = total >= lo + unit ? 8 : (int)((total - lo) / unit * 8 + 0.5);
		int row = y + h - 1 - r;
		if (fancy(ui)) {
			if (eighths > 0)
				put_glyph(row, x, screen_eighths[eighths], looks[k]);
		} else if (eighths >= 4) {
			char g[2] = {cpu_chars[k], 0};
			put_glyph(row, x, g, looks[k]);
		}
	}
}

/* Column j of the RSS lines: a braille dot (4 per cell, bottom to top) or
 * the process's digit at its height. */
static void rss_column(struct ui *ui, const struct timeline *tl, size_t j, int x, int y, int h)
{
	static const uint8_t dot_bits[4] = {0x40, 0x04, 0x02, 0x01}; /* bottom to top, left column */
	uint8_t bits[64] = {0};
	int owner[64];
	int rows = h < 64 ? h : 64;
	for (int r = 0; r < rows; r++)
		owner[r] = -1;
	for (size_t k = tl->nprocs; k-- > 0;) { /* the busiest drawn last, on top */
		double v = tl->rss_kb[k][j];
		if (v <= 0 || tl->rss_max_kb <= 0)
			continue;
		int level = (int)(v / tl->rss_max_kb * (rows * 4 - 1) + 0.5);
		int r = level / 4;
		bits[r] |= dot_bits[level % 4];
		owner[r] = (int)k;
	}
	for (int r = 0; r < rows; r++) {
		if (owner[r] < 0)
			continue;
		int row = y + rows - 1 - r;
		if (fancy(ui)) {
			char g[4] = {(char)0xe2, (char)(0xa0 | (bits[r] >> 6)),
				     (char)(0x80 | (bits[r] & 0x3f)), 0};
			put_glyph(row, x, g, looks[owner[r]]);
		} else {
			char g[2] = {rss_chars[owner[r]], 0};
			put_glyph(row, x, g, looks[owner[r]]);
		}
	}
}

static void fmt_time(int64_t wall_ns, char *out, size_t outsize)
{
	time_t t = (time_t)(wall_ns / 1000000000);
	struct tm tm;
	if (wall_ns <= 0 || !localtime_r(&t, &tm) || !strftime(out, outsize, "%H:%M:%S", &tm))
		snprintf(out, outsize, "-");
}

/* The axis under the CPU stack: start and end times, the cursor's mark. */
static void draw_axis(struct ui *ui, const struct timeline *tl, int y, int width, int cursor_x)
{
	char a[16], b[16], line[64];
	fmt_time(tl->start_wall_ns, a, sizeof a);
	fmt_time(tl->ncols ? tl->end_wall_ns[tl->ncols - 1] : 0, b, sizeof b);
	screen_put(ui, y, 0, AXIS_W, "       +", ui->attr[R_DIM]);
	attrset(ui->attr[R_DIM]);
	mvhline(y, AXIS_W, ui->utf8 ? ACS_HLINE : '-', width);
	attrset(A_NORMAL);
	screen_put(ui, y, cursor_x, 1, "^", ui->attr[R_LABEL]);
	snprintf(line, sizeof line, " %s ", a);
	screen_put(ui, y, AXIS_W, (int)strlen(line), line, ui->attr[R_DIM]);
	snprintf(line, sizeof line, " %s ", b);
	int bx = AXIS_W + width - (int)strlen(line);
	if (bx > AXIS_W + 12)
		screen_put(ui, y, bx, (int)strlen(line), line, ui->attr[R_DIM]);
}

/* The cursor's column, drawn before a chart: it shows where the chart
 * leaves the cells empty. */
static void draw_cursor(struct ui *ui, int y, int h, int x)
{
	for (int r = 0; r < h; r++)
		put_glyph(y + r, x, ui->utf8 ? "\xe2\x94\x82" : "|", ui->attr[R_DIM]);
}

static void draw_legend(struct ui *ui, struct timeline_view *tv, int y, int y_end)
{
	const struct timeline *tl = &tv->tl;
	tv->legend_y = y;
	for (size_t k = 0; k < tl->nprocs && y < y_end; k++, y++) {
		const struct timeline_proc *p = &tl->procs[k];
		char name[TASK_COMM_INLINE * 4 + 1], cpu[32], line[256];
		sanitize_text(p->name, strnlen(p->name, sizeof p->name), name, sizeof name);
		format_duration(p->cpu_s, cpu, sizeof cpu);
		char mark[8];
		if (fancy(ui))
			snprintf(mark, sizeof mark, "%s", screen_eighths[8]);
		else
			snprintf(mark, sizeof mark, "%c%c", cpu_chars[k], rss_chars[k]);
		screen_put(ui, y, 1, 3, mark, looks[k]);
		char id[40];
		snprintf(id, sizeof id, p->tid != p->pid ? "%d tid %d" : "%d", p->pid, p->tid);
		snprintf(line, sizeof line, "%-16s pid %-8s CPU %s over the span", name, id, cpu);
		screen_put(ui, y, 4, ui->cols - 4, line,
			   ui->attr[k == tv->sel ? R_SELECTED : R_NORMAL]);
	}
}

static void draw_scale(struct ui *ui, int y, int h, const char *top)
{
	for (int r = 0; r < h; r++)
		screen_put(ui, y + r, AXIS_W - 1, 1, "|", ui->attr[R_DIM]);
	screen_put(ui, y, 0, AXIS_W - 1, top, ui->attr[R_DIM]);
	screen_put(ui, y + h - 1, 0, AXIS_W - 1, "      0", ui->attr[R_DIM]);
}

void timelineview_draw(struct ui *ui)
{
	struct timeline_view *tv = ui->tv;
	int y = ui->geo.head_y >= 0 ? ui->geo.head_y : ui->geo.rows_y;
	int y_end = ui->geo.rows_y + ui->geo.rows_h;
	if (!tv || y >= y_end)
		return;
	setup_looks(ui);
	tl_sync(ui, tv);
	const struct timeline *tl = &tv->tl;
	char title[256];
	snprintf(title, sizeof title,
		 "Timeline: CPU%% stacked by process (top), RSS (bottom); the %zu busiest over %s",
		 tl->nprocs, tl->replay ? "the whole recording" : "the history kept so far");
	screen_put(ui, y++, 0, ui->cols, title, ui->attr[R_TABLE_HEAD]);
	if (tl->nprocs == 0 || tl->ncols == 0) {
		screen_put(ui, y, 1, ui->cols - 1,
			   tl->replay ? "no process used CPU in the recording"
				      : "no process has used CPU yet: the chart fills as refreshes come",
			   ui->attr[R_NORMAL]);
		return;
	}
	int legend_h = (int)tl->nprocs;
	int room = y_end - y - legend_h - 1; /* the axis line */
	if (room < 2 * MIN_CHART_H) {
		screen_put(ui, y, 1, ui->cols - 1, "the terminal is too small for the timeline",
			   ui->attr[R_NORMAL]);
		return;
	}
	int cpu_h = room * 3 / 5, rss_h = room - cpu_h;
	double unit = tl->cpu_max > 0 ? tl->cpu_max / cpu_h : 1;
	/* fewer columns than the screen has: each takes several cells */
	int width = (int)chart_cols(ui);
	size_t ncols = tl->ncols;
	size_t cursor = timeline_cursor(tl, ui->m); /* at the last cell of its column */
	int cursor_x = AXIS_W + (int)((cursor + 1) * (size_t)width / ncols) - 1;
	char top[32], rss[16];
	snprintf(top, sizeof top, "%5.0f%%", tl->cpu_max);
	draw_scale(ui, y, cpu_h, top);
	draw_cursor(ui, y, cpu_h, cursor_x);
	for (int x = 0; x < width; x++)
		cpu_column(ui, tl, (size_t)x * ncols / (size_t)width, AXIS_W + x, y, cpu_h, unit);
	draw_axis(ui, tl, y + cpu_h, width, cursor_x);
	int ry = y + cpu_h + 1;
	format_bytes(tl->rss_max_kb * 1024, rss, sizeof rss);
	snprintf(top, sizeof top, "%6s", rss);
	draw_scale(ui, ry, rss_h, top);
	draw_cursor(ui, ry, rss_h, cursor_x);
	for (int x = 0; x < width; x++)
		rss_column(ui, tl, (size_t)x * ncols / (size_t)width, AXIS_W + x, ry, rss_h);
	draw_legend(ui, tv, ry + rss_h, y_end);
}

static unsigned open_selected(struct ui *ui)
{
	struct timeline_view *tv = ui->tv;
	if (!tv || tv->sel >= tv->tl.nprocs) {
		ui_message(ui, true, "no process in the timeline");
		return RX_REDRAW;
	}
	const struct timeline_proc *p = &tv->tl.procs[tv->sel];
	return drill_open_row(ui, p->tid, p->pid, p->start_ticks);
}

unsigned timelineview_key(struct ui *ui, int key)
{
	struct timeline_view *tv = ui->tv;
	if (!tv)
		return 0;
	switch (key) {
	case KEY_UP: case 'k':
		if (tv->sel > 0)
			tv->sel--;
		select_chosen(ui, tv);
		return RX_REDRAW;
	case KEY_DOWN: case 'j':
		if (tv->sel + 1 < tv->tl.nprocs)
			tv->sel++;
		select_chosen(ui, tv);
		return RX_REDRAW;
	case '\n': case '\r': case KEY_ENTER: return open_selected(ui);
	default: return 0;
	}
}

unsigned timelineview_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	(void)x;
	struct timeline_view *tv = ui->tv;
	if (!tv)
		return 0;
	if (bstate & BUTTON4_PRESSED)
		return timelineview_key(ui, KEY_UP);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return timelineview_key(ui, KEY_DOWN);
#endif
	if (!(bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return 0;
	if (y >= tv->legend_y && (size_t)(y - tv->legend_y) < tv->tl.nprocs) {
		tv->sel = (size_t)(y - tv->legend_y);
		select_chosen(ui, tv);
		return RX_REDRAW;
	}
	return 0;
}
