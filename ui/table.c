/* table.c - the column headers and the visible slice of rows.
 * Only rows on screen are formatted; the frame is pushed by the loop's
 * single doupdate(). */
#include "uistate.h"
#include "sanitize.h"
#include "text.h"
#include "rowextra.h"
#include "format.h"
#include "groupview.h"
#include "screen.h"
#include "table.h"
#include "tags.h"
#include "core.h"

#include <string.h>

#define MAX_SLOTS SETTINGS_MAX_COLUMNS
#define RSS_LARGE_KB (1024 * 1024) /* a GiB: worth the eye */

size_t table_layout(struct ui *ui, struct layout_slot *out, size_t max)
{
	const struct column *cols[SETTINGS_MAX_COLUMNS];
	size_t n = 0;
	const struct column *tid = column_find("tid");
	bool has_tid = false;
	for (size_t i = 0; i < ui->set.ncols; i++)
		has_tid |= ui->set.cols[i] == tid;
	for (size_t i = 0; i < ui->set.ncols && n < max && n < SETTINGS_MAX_COLUMNS; i++) {
		const struct column *c = ui->set.cols[i];
		/* thread rows: the PID column shows the thread id, like htop */
		if (model_cfg(ui->m)->threads && !has_tid && strcmp(c->id, "pid") == 0 && tid)
			c = tid;
		cols[n++] = c;
	}
	return layout_columns(cols, n, ui->cols, ui->utf8, out);
}

/* The cell of a column; COMMAND shows the task name when `c` toggled it. */
static void get_cell(struct ui *ui, const struct column *col, const struct task *t,
		     struct cell *c)
{
	memset(c, 0, sizeof *c);
	if (!ui->set.cmdline && strcmp(col->id, "cmdline") == 0) {
		const struct column *comm = column_find("comm");
		if (comm) {
			comm->get(ui->m, t, c);
			return;
		}
	}
	col->get(ui->m, t, c);
	static char short_form[128]; /* drawn before the next cell is got */
	if (column_screen_text(col, c, short_form, sizeof short_form)) {
		c->s = short_form;
		c->slen = strlen(short_form);
	}
}

/* htop's marks: a task born since the last refresh stands out for one
 * refresh (its start time is after the previous sample's uptime); one that
 * ended shows as such for its last refreshes. */
static bool just_born(const struct ui *ui, const struct task *t)
{
	return model_born_since_prev(ui->m, t);
}

/* The look of a whole row (ended, tagged, new), or R_COUNT for none:
 * worked out once per row, not per cell. */
static enum ui_role row_role(struct ui *ui, const struct task *t)
{
	if (t->exited_gen)
		return R_EXITED;
	if (tags_has(ui, t))
		return R_TAGGED;
	if (just_born(ui, t))
		return R_NEW;
	return R_COUNT;
}

static enum ui_role cell_role(enum ui_role row, const struct column *col, const struct cell *c)
{
	if (row != R_COUNT)
		return row;
	if (c->state != CELL_VALUE)
		return R_DIM;
	if (c->kind == CELL_TEXT) {
		if (strcmp(col->id, "state") == 0 && c->s) {
			switch (c->s[0]) {
			case 'R': return R_STATE_RUN;
			case 'D': return R_STATE_DISK;
			case 'Z': return R_STATE_ZOMBIE;
			default: return R_NORMAL;
			}
		}
		return R_NORMAL;
	}
	double v = c->kind == CELL_INT ? (double)c->i : c->d;
	if (v == 0 && col->unit != UNIT_NONE && col->unit != UNIT_EPOCH)
		return R_DIM;
	if ((col->unit == UNIT_KB && v >= RSS_LARGE_KB) || (col->unit == UNIT_PCT && v >= 90))
		return R_LARGE;
	return R_NORMAL;
}

/* Sanitised text of a cell, in buf when it had to be escaped. The model
 * sanitises command lines and user names, but the task name (comm) comes
 * raw, so every text is checked here before it can reach the terminal;
 * text already sanitised passes unchanged (its escapes are not doubled). */
static const char *safe_text(const char *s, size_t len, char *buf, size_t bufsize)
{
	if (text_is_safe(s, len))
		return s;
	size_t room = bufsize / 4; /* sanitize_bound is at most 4 bytes out per byte in */
	sanitize_text(s, len < room ? len : room, buf, bufsize);
	return buf;
}

#define TREE_MAX_INDENT 20

static void tree_prefix(struct ui *ui, const struct tree_info *inf, char *out, size_t outsize)
{
	size_t n = 0;
	out[0] = '\0';
	/* 20 levels of indent at most, so the name stays in the column;
	 * deeper rows say their depth before the link */
	int depth = inf->depth > TREE_MAX_INDENT ? TREE_MAX_INDENT : inf->depth;
	for (int d = 1; d < depth && n + 3 < outsize; d++) {
		memcpy(out + n, "  ", 2);
		n += 2;
	}
	if (inf->depth > TREE_MAX_INDENT) {
		int w = snprintf(out + n, outsize - n, "%u", (unsigned)inf->depth);
		if (w > 0 && (size_t)w < outsize - n)
			n += (size_t)w;
	}
	const char *con = "";
	if (depth > 0)
		con = ui->utf8 ? (inf->last ? "\xe2\x94\x94\xe2\x94\x80 " : "\xe2\x94\x9c\xe2\x94\x80 ")
			       : (inf->last ? "`- " : "|- ");
	snprintf(out + n, outsize - n, "%s%s", con, inf->collapsed ? "+" : "");
}

static void draw_row(struct ui *ui, int y, size_t row, const struct layout_slot *slots,
		     size_t nslots)
{
	struct task *t = ui->rows.rows[row];
	long group = groupview_group(t);
	bool selected = row == ui->sel && ui->mode != MODE_SETUP;
	if (selected) {
		attrset(ui->attr[R_SELECTED]);
		mvhline(y, 0, ' ', ui->cols);
		attrset(A_NORMAL);
	}
	char num[64], esc[1024], pre[128];
	enum ui_role row_look = group >= 0 ? R_COUNT : row_role(ui, t);
	for (size_t i = 0; i < nslots; i++) {
		const struct layout_slot *sl = &slots[i];
		struct cell c;
		if (group < 0)
			get_cell(ui, sl->col, t, &c);
		else if (!groupview_cell(ui, group, sl->col, &c))
			continue; /* a column groups do not sum: blank */
		const char *s = format_cell(sl->col, &c, sl->width, num, sizeof num);
		enum ui_role role = cell_role(row_look, sl->col, &c);
		attr_t a = selected ? ui->attr[R_SELECTED] : ui->attr[role];
		int x = sl->x, w = sl->width;
		if (c.state == CELL_VALUE && c.kind == CELL_TEXT)
			s = safe_text(s, c.slen, esc, sizeof esc);
		if ((sl->col->flags & COL_LAST) && ui->info) {
			tree_prefix(ui, &ui->info[row], pre, sizeof pre);
			int pw = screen_put(ui, y, x, w, pre,
					    selected ? ui->attr[R_SELECTED] : ui->attr[R_TREE]);
			x += pw;
			w -= pw;
		}
		if (!(sl->col->flags & COL_LEFT)) {
			int tw = text_width(s, strlen(s), ui->utf8);
			if (tw < w)
				x += w - tw;
		}
		screen_put(ui, y, x, w, s, a);
	}
}

static void draw_head(struct ui *ui, const struct layout_slot *slots, size_t nslots)
{
	int y = ui->geo.head_y;
	if (y < 0)
		return;
	attrset(ui->attr[R_TABLE_HEAD]);
	mvhline(y, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	for (size_t i = 0; i < nslots; i++) {
		const struct layout_slot *sl = &slots[i];
		const char *h = format_header(sl->col, ui->utf8, model_cfg(ui->m)->accumulated);
		bool sorted = sl->col == ui->set.sort;
		int hw = text_width(h, strlen(h), ui->utf8);
		int x = sl->x;
		if (!(sl->col->flags & COL_LEFT) && hw < sl->width)
			x += sl->width - hw;
		screen_put(ui, y, x, sl->width, h, ui->attr[sorted ? R_SORT_HEAD : R_TABLE_HEAD]);
	}
}

void table_scroll_to_selection(struct ui *ui)
{
	size_t h = ui->geo.rows_h > 0 ? (size_t)ui->geo.rows_h : 1;
	size_t n = ui->rows.nrows;
	if (ui->sel >= n)
		ui->sel = n ? n - 1 : 0;
	if (ui->follow_line >= 0) {
		size_t line = (size_t)ui->follow_line < h ? (size_t)ui->follow_line : h - 1;
		ui->top = ui->sel > line ? ui->sel - line : 0;
	}
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (ui->sel >= ui->top + h)
		ui->top = ui->sel - h + 1;
	/* no empty space below the last row while rows are above the top */
	if (n > h && ui->top > n - h && ui->follow_line < 0)
		ui->top = n - h;
	if (n <= h)
		ui->top = 0;
}

/* rowextra_update over each run of task rows (group rows are not tasks) */
static void extra_update(struct ui *ui, struct task *const *rows, size_t n)
{
	size_t from = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && groupview_group(rows[i]) < 0)
			continue;
		if (i > from)
			rowextra_update(ui->m, rows + from, i - from);
		from = i + 1;
	}
}

void table_draw(struct ui *ui)
{
	struct layout_slot slots[MAX_SLOTS];
	size_t nslots = table_layout(ui, slots, MAX_SLOTS);
	draw_head(ui, slots, nslots);
	table_scroll_to_selection(ui);
	for (size_t i = 0; i < nslots; i++) {
		if (!(slots[i].col->flags & COL_EXTRA) || ui->top >= ui->rows.nrows)
			continue;
		size_t n = ui->rows.nrows - ui->top;
		if (ui->geo.rows_h >= 0 && n > (size_t)ui->geo.rows_h)
			n = (size_t)ui->geo.rows_h;
		extra_update(ui, ui->rows.rows + ui->top, n); /* the shown rows only */
		break;
	}
	for (int line = 0; line < ui->geo.rows_h; line++) {
		size_t row = ui->top + (size_t)line;
		if (row >= ui->rows.nrows)
			break;
		draw_row(ui, ui->geo.rows_y + line, row, slots, nslots);
	}
	if (ui->rows.nrows == 0 && ui->geo.rows_h > 0)
		screen_put(ui, ui->geo.rows_y, 1, ui->cols - 1,
			   ui->live_filter[0] || ui->user_filter || ui->filter.only_active || ui->filter.only_io ||
				   ui->filter.hide_exited
				   ? "no task matches the filters"
				   : "no tasks",
			   ui->attr[R_DIM]);
}

long table_row_at(const struct ui *ui, int y)
{
	if (y < ui->geo.rows_y || y >= ui->geo.rows_y + ui->geo.rows_h)
		return -1;
	size_t row = ui->top + (size_t)(y - ui->geo.rows_y);
	return row < ui->rows.nrows ? (long)row : -1;
}

unsigned table_sort_set(struct ui *ui, const struct column *col)
{
	if (!col)
		return 0;
	ui->set.sort = col;
	ui->set.reverse = false;
	ui->sort_pause_until_s = 0; /* a sort the user asked for shows at once */
	ui->select_top = true;
	return RX_REBUILD | RX_REDRAW;
}

unsigned table_sort_by(struct ui *ui, const struct column *col)
{
	if (!col)
		return 0;
	if (ui->set.sort == col) {
		ui->set.reverse = !ui->set.reverse;
		ui->sort_pause_until_s = 0;
		ui->select_top = true;
		return RX_REBUILD | RX_REDRAW;
	}
	return table_sort_set(ui, col);
}

unsigned table_move(struct ui *ui, long delta)
{
	size_t n = ui->rows.nrows;
	if (n == 0)
		return RX_REDRAW;
	long row = (long)ui->sel + delta;
	if (row < 0)
		row = 0;
	if ((size_t)row >= n)
		row = (long)n - 1;
	ui_select_row(ui, (size_t)row);
	if (ui->follow_line >= 0)
		ui->follow_line = -1; /* moving the cursor ends following */
	return RX_REDRAW | RX_NAVIGATE;
}

void table_enter(struct ui *ui)
{
	screen_mouse(ui, false); /* the table has no use for motion */
}

#define WHEEL_ROWS 3

unsigned table_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return table_move(ui, -WHEEL_ROWS);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return table_move(ui, WHEEL_ROWS);
#endif
	if (!(bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return 0;
	if (y == ui->geo.head_y) {
		struct layout_slot slots[SETTINGS_MAX_COLUMNS];
		size_t n = table_layout(ui, slots, SETTINGS_MAX_COLUMNS);
		for (size_t i = 0; i < n; i++)
			if (x >= slots[i].x && x < slots[i].x + slots[i].width + 1)
				return table_sort_by(ui, slots[i].col);
		return 0;
	}
	long row = table_row_at(ui, y);
	if (row < 0)
		return 0;
	ui_select_row(ui, (size_t)row);
	ui->follow_line = -1;
	return RX_REDRAW | RX_NAVIGATE;
}
