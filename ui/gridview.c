/* gridview.c - drawing the activity grid, its legend and tips; its cursor
 * keys and mouse. The layout itself is grid.c (pure). */
#include "uistate.h"
#include "grid.h"
#include "sanitize.h"
#include "text.h"
#include "core.h"
#include "format.h"
#include "screen.h"
#include "gridview.h"

#include <stdio.h>
#include <string.h>

#define LABEL_W 9 /* "username " before each group's first line */
#define CELL_W 2  /* glyph, then the network mark or a space */
#define TIP_W 46
#define TIP_H 7

/* Cell looks: colour pairs after the screen's roles (screen.c numbers its
 * pairs 1..R_COUNT). */
static attr_t looks[GRID_ACTIVITY_COUNT];
static bool looks_ready, have_orange;

static const char *const glyph_utf8[GRID_GLYPHS] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", /* U+2581..U+2583 */
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x88", /* U+2585, U+2586, U+2588 */
};
static const char glyph_ascii[GRID_GLYPHS + 1] = ".:oO@#";
#define NET_MARK_UTF8 "\xe2\x86\x95" /* U+2195 up down arrow */
#define NET_MARK_ASCII "~"

static void setup_looks(struct ui *ui)
{
	if (looks_ready)
		return;
	looks_ready = true;
	/* mono: weight and underline say what colour would */
	looks[GRID_IDLE] = A_DIM;
	looks[GRID_CPU] = A_BOLD;
	looks[GRID_IO] = A_UNDERLINE;
	looks[GRID_BOTH] = A_BOLD | A_UNDERLINE;
	looks[GRID_EXITED] = A_DIM;
	if (!ui->colour || COLOR_PAIRS <= R_COUNT + 1 + GRID_ACTIVITY_COUNT)
		return;
	bool wide = COLORS >= 256;
	have_orange = wide;
	/* 256 colours: xterm grey 244, red 196, green 46, orange 208, yellow 226;
	 * 8 colours have no orange: magenta stands in (the legend says so) */
	static const short fg256[GRID_ACTIVITY_COUNT] = {244, 196, 46, 208, 226};
	static const short fg8[GRID_ACTIVITY_COUNT] = {COLOR_BLACK, COLOR_RED, COLOR_GREEN,
						       COLOR_MAGENTA, COLOR_YELLOW};
	for (int k = 0; k < GRID_ACTIVITY_COUNT; k++) {
		short pair = (short)(R_COUNT + 1 + k);
		init_pair(pair, wide ? fg256[k] : fg8[k], -1);
		looks[k] = COLOR_PAIR(pair) | (!wide && k == GRID_IDLE ? A_BOLD : A_NORMAL);
	}
}

static const char *safe(const char *s, char *buf, size_t bufsize)
{
	size_t len = strlen(s);
	if (text_is_safe(s, len))
		return s;
	size_t room = bufsize / 4;
	sanitize_text(s, len < room ? len : room, buf, bufsize);
	return buf;
}

/* Which view row holds t (actions act on ui_selected()), or SIZE_MAX. */
static size_t view_row_of(struct ui *ui, const struct task *t)
{
	if (ui->sel < ui->rows.nrows && ui->rows.rows[ui->sel] == t)
		return ui->sel;
	for (size_t i = 0; i < ui->rows.nrows; i++)
		if (ui->rows.rows[i] == t)
			return i;
	return SIZE_MAX;
}

static void select_cell(struct ui *ui, size_t i)
{
	struct grid_view *gv = &ui->gv;
	if (i >= gv->g.ncells)
		return;
	struct task *t = gv->g.cells[i].t;
	gv->cur = i;
	gv->cur_tid = t->tid;
	gv->cur_start = t->start_ticks;
	gv->have_cur = true;
	size_t row = view_row_of(ui, t);
	if (row != SIZE_MAX)
		ui->sel = row;
	ui->sel_tid = t->tid;
	ui->sel_start = t->start_ticks;
	ui->have_sel = true;
	ui->follow_line = -1;
}

static uint32_t cells_per_line(const struct ui *ui)
{
	int w = (ui->cols - LABEL_W) / CELL_W;
	return w > 0 ? (uint32_t)w : 1;
}

/* Lays the grid out again when the rows changed, and puts the cursor on
 * the screen's selected task. */
static void grid_sync(struct ui *ui)
{
	struct grid_view *gv = &ui->gv;
	struct grid *g = &gv->g;
	uint32_t per = cells_per_line(ui);
	long i = -1;
	if (!gv->built || gv->built_gen != ui->rows_gen || g->per_line != per) {
		if (grid_build(g, ui->rows.rows, ui->rows.nrows, per) < 0)
			ui_message(ui, true, "out of memory laying out the grid");
		gv->built = true;
		gv->built_gen = ui->rows_gen;
		/* the task under the cursor, or (it is gone) the same place */
		if (gv->have_cur)
			i = grid_find(g, gv->cur_tid, gv->cur_start);
		if (i < 0 && gv->have_cur && g->ncells)
			i = (long)(gv->cur < g->ncells ? gv->cur : g->ncells - 1);
	}
	if (i < 0 && ui->have_sel &&
	    (!gv->have_cur || ui->sel_tid != gv->cur_tid || ui->sel_start != gv->cur_start))
		i = grid_find(g, ui->sel_tid, ui->sel_start);
	if (i < 0 && gv->have_cur)
		i = grid_find(g, gv->cur_tid, gv->cur_start);
	if (i < 0 && g->ncells)
		i = 0;
	if (i >= 0)
		select_cell(ui, (size_t)i);
	else
		gv->have_cur = false;
}

void gridview_enter(struct ui *ui)
{
	ui->gv.have_cur = false; /* the table's selection becomes the cursor */
	ui->gv.built = false;
	/* hover moves the cursor where the terminal reports motion */
	screen_mouse(ui, true);
}

void gridview_free(struct ui *ui)
{
	grid_free(&ui->gv.g);
}

static struct task *pinned_task(struct ui *ui)
{
	struct grid_view *gv = &ui->gv;
	if (!gv->pinned)
		return NULL;
	long i = grid_find(&gv->g, gv->pin_tid, gv->pin_start);
	return i >= 0 ? gv->g.cells[i].t : NULL;
}

unsigned gridview_pin(struct ui *ui)
{
	struct grid_view *gv = &ui->gv;
	grid_sync(ui);
	if (!gv->have_cur)
		return RX_REDRAW;
	const struct task *t = gv->g.cells[gv->cur].t;
	if (gv->pinned && gv->pin_tid == t->tid && gv->pin_start == t->start_ticks) {
		gv->pinned = false;
		ui_message(ui, false, "tip unpinned");
	} else {
		gv->pinned = true;
		gv->pin_tid = t->tid;
		gv->pin_start = t->start_ticks;
		ui_message(ui, false, "tip pinned to %d (p on it again unpins)", t->tid);
	}
	return RX_REDRAW;
}

/* ---- drawing ---- */

static int cell_x(const struct grid_cell *c)
{
	return LABEL_W + (int)c->col * CELL_W;
}

static void draw_cell(struct ui *ui, int y, const struct grid_cell *c, bool cursor)
{
	attr_t a = looks[c->activity];
	if (cursor)
		a |= A_REVERSE;
	const char *glyph;
	char g[2] = {0, 0};
	if (c->activity == GRID_EXITED && !ui->colour) {
		g[0] = 'x';
		glyph = g;
	} else if (ui->utf8) {
		glyph = glyph_utf8[c->glyph];
	} else {
		g[0] = glyph_ascii[c->glyph];
		glyph = g;
	}
	int x = cell_x(c);
	screen_put(ui, y, x, 1, glyph, a);
	if (c->net)
		screen_put(ui, y, x + 1, 1, ui->utf8 ? NET_MARK_UTF8 : NET_MARK_ASCII,
			   looks[c->activity]);
}

/* The legend: each colour word in its colour, then marks and sizes, then
 * how much is off-screen. */
static void draw_legend(struct ui *ui, int y, size_t above, size_t below)
{
	if (y < 0)
		return;
	struct {
		const char *text;
		int look;
	} parts[] = {
		{"idle", GRID_IDLE},
		{"CPU>=1%", GRID_CPU},
		{"disk I/O", GRID_IO},
		{have_orange ? "both (orange)" : "both (magenta)", GRID_BOTH},
		{"exited", GRID_EXITED},
	};
	int x = 0;
	x += screen_put(ui, y, x, ui->cols - x, "Grid: ", ui->attr[R_LABEL]);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		x += screen_put(ui, y, x, ui->cols - x, parts[i].text, looks[parts[i].look]);
		x += screen_put(ui, y, x, ui->cols - x, " ", A_NORMAL);
	}
	char tail[160];
	snprintf(tail, sizeof tail, " %s network  size %s = RSS (a step up/down: grew/shrank)",
		 ui->utf8 ? NET_MARK_UTF8 : NET_MARK_ASCII,
		 ui->utf8 ? "\xe2\x96\x82\xe2\x96\x83\xe2\x96\x85\xe2\x96\x86" : ":oO@");
	x += screen_put(ui, y, x, ui->cols - x, tail, ui->attr[R_DIM]);
	if (above || below) {
		snprintf(tail, sizeof tail, "  [%zu above, %zu below]", above, below);
		screen_put(ui, y, x, ui->cols - x, tail, ui->attr[R_MSG_INFO]);
	}
}

static void tip_lines(struct ui *ui, const struct task *t, bool pinned, char lines[TIP_H][128])
{
	char esc[512], a[32], b[32], c[32];
	const struct task *p = t->process ? t->process : t;
	const char *cmd = p->cmdline && p->cmdline[0] ? p->cmdline : task_comm(p);
	const struct task_rates *r = task_rates(t);
	double hz = model_clk_tck(ui->m) > 0 ? (double)model_clk_tck(ui->m) : 100;
	snprintf(lines[0], 128, "%s %d  %s  %c%s%s", t->is_thread ? "TID" : "PID", t->tid,
		 model_user_name(ui->m, t->uid), t->state ? t->state : '?',
		 t->exited_gen ? " exited" : "", pinned ? "  [pinned]" : "");
	/* the tip is one line of the box: a long command line is cut */
	const char *shown = safe(cmd, esc, sizeof esc);
	size_t len = strnlen(shown, 127);
	memcpy(lines[1], shown, len);
	lines[1][len] = '\0';
	format_duration((double)t->cur.utime / hz, a, sizeof a);
	format_duration((double)t->cur.stime / hz, b, sizeof b);
	if (t->rates_valid)
		snprintf(lines[2], 128, "CPU %.1f%% (usr %.1f sys %.1f)", r->cpu_pct, r->usr_pct,
			 r->sys_pct);
	else
		snprintf(lines[2], 128, "CPU - (first sample)");
	snprintf(lines[3], 128, "time usr %s sys %s", a, b);
	format_bytes((double)t->rss_kb * 1024.0, a, sizeof a);
	format_bytes((double)(t->rss_delta_kb < 0 ? -t->rss_delta_kb : t->rss_delta_kb) * 1024.0,
		     b, sizeof b);
	snprintf(lines[4], 128, "RSS %s (%s%s)", a, t->rss_delta_kb < 0 ? "-" : "+", b);
	if (!(t->have & (TG_IO | TG_TSIO)))
		snprintf(lines[5], 128, "disk %s", (t->denied & TG_IO) ? "no access" : "n/a");
	else {
		format_bytes(r->read_bps, a, sizeof a);
		format_bytes(r->write_bps, b, sizeof b);
		snprintf(lines[5], 128, "disk read %s/s write %s/s", a, b);
	}
	if (!(t->have & TG_NET) && !(p->have & TG_NET)) {
		snprintf(lines[6], 128, "net n/a (%.100s)", model_source(ui->m, SOURCE_NET)->text);
	} else {
		format_bytes(r->net_tx_bps, a, sizeof a);
		format_bytes(r->net_rx_bps, c, sizeof c);
		snprintf(lines[6], 128, "net tx %s/s rx %s/s", a, c);
	}
}

static void draw_tip(struct ui *ui, const struct task *t, int y, int x, bool pinned, int y_min,
		     int y_end)
{
	char lines[TIP_H][128];
	tip_lines(ui, t, pinned, lines);
	int w = TIP_W < ui->cols ? TIP_W : ui->cols;
	if (x + w > ui->cols)
		x = ui->cols - w;
	if (x < 0)
		x = 0;
	if (y + TIP_H > y_end)
		y = y_end - TIP_H;
	if (y < y_min)
		y = y_min;
	for (int k = 0; k < TIP_H && y + k < y_end; k++) {
		attr_t a = k == 0 ? ui->attr[R_TABLE_HEAD] : ui->attr[R_NORMAL];
		attrset(a);
		mvhline(y + k, x, ' ', w);
		attrset(A_NORMAL);
		screen_put(ui, y + k, x + 1, w - 2, lines[k], a);
	}
}

void gridview_draw(struct ui *ui)
{
	struct grid_view *gv = &ui->gv;
	struct grid *g = &gv->g;
	setup_looks(ui);
	grid_sync(ui);
	int y0 = ui->geo.rows_y, h = ui->geo.rows_h;
	size_t vis = h > 0 ? (size_t)h : 0;
	if (gv->have_cur && vis) {
		size_t line = g->cells[gv->cur].line;
		if (line < gv->top_line)
			gv->top_line = line;
		if (line >= gv->top_line + vis)
			gv->top_line = line - vis + 1;
	}
	if (gv->top_line + vis > g->nlines)
		gv->top_line = g->nlines > vis ? g->nlines - vis : 0;
	size_t first = gv->top_line < g->nlines ? g->lines[gv->top_line].first : g->ncells;
	size_t last_line = gv->top_line + vis < g->nlines ? gv->top_line + vis : g->nlines;
	size_t end = last_line < g->nlines ? g->lines[last_line].first : g->ncells;
	if (ui->geo.head_y >= 0) {
		attrset(A_NORMAL);
		draw_legend(ui, ui->geo.head_y, first, g->ncells - end);
	}
	char esc[256];
	for (size_t k = 0; k < vis && gv->top_line + k < g->nlines; k++) {
		const struct grid_line *l = &g->lines[gv->top_line + k];
		int y = y0 + (int)k;
		if (l->labelled)
			screen_put(ui, y, 0, LABEL_W - 1,
				   safe(model_user_name(ui->m, l->uid), esc, sizeof esc),
				   ui->attr[R_LABEL]);
		for (uint32_t c = 0; c < l->ncells; c++) {
			size_t i = l->first + c;
			draw_cell(ui, y, &g->cells[i], gv->have_cur && i == gv->cur);
		}
	}
	if (g->ncells == 0 && h > 0)
		screen_put(ui, y0, 1, ui->cols - 1,
			   ui->live_filter[0] || ui->user_filter || ui->filter.only_active ||
				   ui->filter.hide_exited
				   ? "no task matches the filters"
				   : "no tasks",
			   ui->attr[R_DIM]);
	/* tips: the pinned task's at the top right, the cursor's beside it */
	struct task *pt = pinned_task(ui);
	int y_end = y0 + h;
	if (pt && h > 0)
		draw_tip(ui, pt, y0, ui->cols - TIP_W, true, y0, y_end);
	if (gv->have_cur && h > 0 && (!pt || pt != g->cells[gv->cur].t)) {
		const struct grid_cell *c = &g->cells[gv->cur];
		int y = y0 + (int)(c->line - gv->top_line) + 1;
		int x = cell_x(c) + CELL_W + 1;
		if (x + TIP_W > ui->cols)
			x = cell_x(c) - TIP_W - 1;
		draw_tip(ui, c->t, y, x, false, y0, y_end);
	}
}

/* ---- keys and mouse ---- */

static unsigned move_to(struct ui *ui, size_t i)
{
	if (i < ui->gv.g.ncells)
		select_cell(ui, i);
	return RX_REDRAW | RX_NAVIGATE;
}

unsigned gridview_key(struct ui *ui, int key)
{
	struct grid_view *gv = &ui->gv;
	grid_sync(ui);
	size_t n = gv->g.ncells, cur = gv->cur;
	long page = ui->geo.rows_h > 1 ? ui->geo.rows_h - 1 : 1;
	if (n == 0 || !gv->have_cur) {
		switch (key) {
		case KEY_LEFT: case KEY_RIGHT: case KEY_UP: case KEY_DOWN: case 'h': case 'j':
		case 'k': case 'l':
			return RX_REDRAW;
		default: return 0;
		}
	}
	switch (key) {
	case KEY_LEFT: case 'h': return move_to(ui, cur ? cur - 1 : 0);
	case KEY_RIGHT: case 'l': return move_to(ui, cur + 1 < n ? cur + 1 : cur);
	case KEY_UP: case 'k': case KEYS_CTRL('p'): return move_to(ui, grid_vertical(&gv->g, cur, -1));
	case KEY_DOWN: case 'j': case KEYS_CTRL('n'): return move_to(ui, grid_vertical(&gv->g, cur, 1));
	case KEY_PPAGE: case KEYS_CTRL('b'): return move_to(ui, grid_vertical(&gv->g, cur, -page));
	case KEY_NPAGE: case KEYS_CTRL('f'): return move_to(ui, grid_vertical(&gv->g, cur, page));
	case KEY_HOME: case 'g': return move_to(ui, 0);
	case KEY_END: case 'G': return move_to(ui, n - 1);
	default: return 0;
	}
}

/* The cell under (y, x), or -1. */
static long cell_at(struct ui *ui, int y, int x)
{
	struct grid_view *gv = &ui->gv;
	if (y < ui->geo.rows_y || y >= ui->geo.rows_y + ui->geo.rows_h || x < LABEL_W)
		return -1;
	size_t line = gv->top_line + (size_t)(y - ui->geo.rows_y);
	if (line >= gv->g.nlines)
		return -1;
	size_t col = (size_t)((x - LABEL_W) / CELL_W);
	const struct grid_line *l = &gv->g.lines[line];
	return col < l->ncells ? (long)(l->first + col) : -1;
}

unsigned gridview_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	struct grid_view *gv = &ui->gv;
	grid_sync(ui);
	if (bstate & BUTTON4_PRESSED)
		return gridview_key(ui, KEY_UP);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return gridview_key(ui, KEY_DOWN);
#endif
	bool click = bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED);
	long i = cell_at(ui, y, x);
	if (i < 0)
		return 0;
	if (bstate & REPORT_MOUSE_POSITION) {
		if ((size_t)i == gv->cur)
			return 0;
		select_cell(ui, (size_t)i);
		return RX_REDRAW | RX_NAVIGATE;
	}
	if (!click)
		return 0;
	select_cell(ui, (size_t)i);
	/* a click pins the tip to the cell's task */
	gv->pinned = true;
	gv->pin_tid = gv->cur_tid;
	gv->pin_start = gv->cur_start;
	return RX_REDRAW | RX_NAVIGATE;
}
