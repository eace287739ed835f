/* help.c - the help screen (every key, from keys_help[]) and the setup
 * screen that adds, removes and reorders the table's columns. */
#include "uistate.h"
#include "text.h"
#include "format.h"
#include "help.h"
#include "keys.h"
#include "screen.h"

#include <stdio.h>
#include <string.h>

static const char *const legend[] = {
	"",
	"Cells: '-' no rate yet (a task's first sample); 'n/a' the source is off or the",
	"kernel lacks it; 'no access' not permitted ('denied' in narrow columns).",
	"CPU% counts 100 per CPU (a 4-thread burner shows 400). Rates are per second",
	"over the measured interval; 'a' switches to totals since pidtop saw the task.",
	"Bars: CPU user green, nice blue, system red, irq/softirq/steal/guest magenta,",
	"iowait grey; memory used green, cache yellow; swap red.",
	"Rows: R running green, D disk sleep red, Z zombie magenta; a task that exited",
	"stays dimmed for two refreshes. Names are shown with control characters and",
	"invalid UTF-8 escaped (\\xNN, \\uNNNN), so no process can drive the terminal.",
	"Mouse: click selects, wheel scrolls, a header click sorts (again: reverse),",
	"the function bar acts. --readonly turns off k, F7/F8 [ ] and i.",
	"Settings are saved on quit in $XDG_CONFIG_HOME/pidtop/pidtoprc.",
	"",
	"Activity grid (Tab): one cell per task (threads with H), a line per user, in",
	"start-time order. Colour = the last interval: grey idle, red CPU >= 1%, green",
	"disk I/O, orange both (magenta on 8 colours), yellow exited (two refreshes).",
	"A mark after the glyph: network traffic. Glyph size = RSS against the largest",
	"(x8 per size); one size up or down for a refresh where RSS grew or shrank.",
	"Grid keys: arrows and h j k l move, g/G first/last, p pins the tip; the mouse",
	"moves the cursor where the terminal reports motion, a click pins too; help",
	"there is ? or F1 and the signal menu F9.",
	"Drill-down (Enter): the task's last 120 refreshes as sparklines (scaled to the",
	"largest shown) with totals since first seen; Left/Right or Tab switch tabs,",
	"Up/Down scroll, Esc or q back; F9 k, F7/F8 [ ] and i act on the task as in",
	"the table. On a recording (-R) it shows the sample at the cursor, its history",
	"in the recording up to the cursor, and \"not recorded\" for open files,",
	"connections, maps, environment and limits (a recording keeps counters only).",
	"",
	"Timeline (Tab after the grid): the 8 busiest processes over the whole",
	"recording, or over the history kept so far (live): CPU% stacked by process",
	"above, RSS as lines below, one colour each (without colour or UTF-8, the",
	"legend's characters). The ^ and the bar mark the replay position (, . { } b",
	"move it); Up/Down or j k choose a process in the legend, Enter opens its",
	"drill-down at the cursor's sample.",
};
#define NLEGEND (sizeof legend / sizeof legend[0])

static size_t help_lines(void)
{
	return 2 + keys_help_count + NLEGEND;
}

void help_draw(struct ui *ui)
{
	int h = ui->geo.bar_y >= 0 ? ui->geo.bar_y : ui->lines;
	size_t total = help_lines();
	if (h > 0 && ui->help_top + (size_t)h > total)
		ui->help_top = total > (size_t)h ? total - (size_t)h : 0;
	char line[256];
	for (int y = 0; y < h; y++) {
		size_t k = ui->help_top + (size_t)y;
		attr_t a = ui->attr[R_NORMAL];
		if (k == 0) {
			snprintf(line, sizeof line, "pidtop %s - keys (this screen: F1 h ?)",
				 PACKAGE_VERSION);
			a = ui->attr[R_LABEL];
		} else if (k == 1) {
			line[0] = '\0';
		} else if (k - 2 < keys_help_count) {
			const struct key_help *kh = &keys_help[k - 2];
			bool off = ui->opt->readonly && keys_action_modifies(kh->action);
			snprintf(line, sizeof line, "  %-15s %s%s", kh->keys, kh->what,
				 off ? " (off: --readonly)" : "");
			if (off)
				a = ui->attr[R_DIM];
		} else if (k - 2 - keys_help_count < NLEGEND) {
			snprintf(line, sizeof line, "%s", legend[k - 2 - keys_help_count]);
		} else {
			break;
		}
		screen_put(ui, y, 0, ui->cols, line, a);
	}
}

unsigned help_key(struct ui *ui, int key)
{
	size_t page = ui->lines > 2 ? (size_t)ui->lines - 2 : 1;
	switch (key) {
	case KEY_UP: case KEYS_CTRL('p'):
		if (ui->help_top)
			ui->help_top--;
		return RX_REDRAW;
	case KEY_DOWN: case 'j': case KEYS_CTRL('n'):
		ui->help_top++;
		return RX_REDRAW;
	case KEY_PPAGE: ui->help_top = ui->help_top > page ? ui->help_top - page : 0; return RX_REDRAW;
	case KEY_NPAGE: case ' ': ui->help_top += page; return RX_REDRAW;
	case KEY_HOME: ui->help_top = 0; return RX_REDRAW;
	case KEY_RESIZE: return RX_REDRAW;
	default:
		ui->mode = MODE_TABLE;
		return RX_REDRAW;
	}
}

unsigned help_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	(void)y;
	(void)x;
	if (bstate & BUTTON4_PRESSED)
		return help_key(ui, KEY_UP);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return help_key(ui, KEY_DOWN);
#endif
	if (bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		ui->mode = MODE_TABLE;
	return RX_REDRAW;
}

/* ---- setup: shown columns on the left, the others on the right ---- */

static bool is_shown(const struct ui *ui, const struct column *c)
{
	for (size_t i = 0; i < ui->set.ncols; i++)
		if (ui->set.cols[i] == c)
			return true;
	return false;
}

/* The k-th column not shown, or NULL */
static const struct column *available(const struct ui *ui, size_t k)
{
	for (size_t i = 0; i < columns_count; i++) {
		if (is_shown(ui, &columns[i]))
			continue;
		if (k-- == 0)
			return &columns[i];
	}
	return NULL;
}

static size_t side_count(const struct ui *ui, int side)
{
	return side == 0 ? ui->set.ncols : columns_count - ui->set.ncols;
}

static int setup_split(const struct ui *ui)
{
	return ui->cols / 3 < 24 ? (ui->cols < 24 ? ui->cols : 24) : ui->cols / 3;
}

static void draw_list(struct ui *ui, int side, int x, int w, int y0, int h)
{
	size_t n = side_count(ui, side);
	struct setup_state *s = &ui->setup;
	size_t vis = h > 0 ? (size_t)h : 0;
	if (vis == 0 || w <= 0)
		return;
	if (s->sel[side] >= n)
		s->sel[side] = n ? n - 1 : 0;
	if (s->sel[side] < s->top[side])
		s->top[side] = s->sel[side];
	if (s->sel[side] >= s->top[side] + vis)
		s->top[side] = s->sel[side] - vis + 1;
	char line[256];
	for (size_t i = 0; i < vis && s->top[side] + i < n; i++) {
		size_t k = s->top[side] + i;
		const struct column *c = side == 0 ? ui->set.cols[k] : available(ui, k);
		if (!c)
			break;
		char title[64];
		const char *head = format_header(c, ui->utf8, model_cfg(ui->m)->accumulated);
		text_pad(head, strlen(head), 9, ui->utf8, title, sizeof title); /* ΔRSS: 5 bytes, 4 cells */
		if (side == 0)
			snprintf(line, sizeof line, "%s %s", title, c->id);
		else
			snprintf(line, sizeof line, "%s %-18s %s", title, c->id, c->desc);
		bool cur = k == s->sel[side];
		attr_t a = cur ? ui->attr[s->side == side ? R_SELECTED : R_SORT_HEAD]
			       : ui->attr[R_NORMAL];
		if (cur) {
			attrset(a);
			mvhline(y0 + (int)i, x, ' ', w);
			attrset(A_NORMAL);
		}
		screen_put(ui, y0 + (int)i, x + 1, w - 1, line, a);
	}
}

void setup_draw(struct ui *ui)
{
	int h = ui->geo.bar_y >= 0 ? ui->geo.bar_y : ui->lines;
	int split = setup_split(ui);
	if (h <= 0)
		return;
	attrset(ui->attr[R_TABLE_HEAD]);
	mvhline(0, 0, ' ', ui->cols);
	attrset(A_NORMAL);
	screen_put(ui, 0, 0, split, "Shown columns", ui->attr[R_TABLE_HEAD]);
	screen_put(ui, 0, split + 1, ui->cols - split - 1, "Available columns",
		   ui->attr[R_TABLE_HEAD]);
	draw_list(ui, 0, 0, split, 1, h - 1);
	draw_list(ui, 1, split + 1, ui->cols - split - 1, 1, h - 1);
}

/* Moves the shown column at i by dir; the unbounded column stays last. */
static void move_column(struct ui *ui, size_t i, int dir)
{
	size_t j = dir < 0 ? i - 1 : i + 1;
	if ((dir < 0 && i == 0) || j >= ui->set.ncols)
		return;
	if ((ui->set.cols[i]->flags & COL_LAST) || (ui->set.cols[j]->flags & COL_LAST))
		return;
	const struct column *c = ui->set.cols[i];
	ui->set.cols[i] = ui->set.cols[j];
	ui->set.cols[j] = c;
	ui->setup.sel[0] = j;
}

static void add_or_remove(struct ui *ui)
{
	struct setup_state *s = &ui->setup;
	if (s->side == 0) {
		size_t i = s->sel[0];
		if (ui->set.ncols <= 1 || i >= ui->set.ncols)
			return;
		memmove(&ui->set.cols[i], &ui->set.cols[i + 1],
			(ui->set.ncols - i - 1) * sizeof ui->set.cols[0]);
		ui->set.ncols--;
		return;
	}
	const struct column *c = available(ui, s->sel[1]);
	if (!c || ui->set.ncols >= SETTINGS_MAX_COLUMNS)
		return;
	size_t at = ui->set.ncols;
	if (at && (ui->set.cols[at - 1]->flags & COL_LAST) && !(c->flags & COL_LAST))
		at--; /* before the command line */
	memmove(&ui->set.cols[at + 1], &ui->set.cols[at],
		(ui->set.ncols - at) * sizeof ui->set.cols[0]);
	ui->set.cols[at] = c;
	ui->set.ncols++;
}

unsigned setup_key(struct ui *ui, int key)
{
	struct setup_state *s = &ui->setup;
	size_t n = side_count(ui, s->side);
	switch (key) {
	case KEY_UP: case KEYS_CTRL('p'): if (s->sel[s->side]) s->sel[s->side]--; break;
	case KEY_DOWN: case 'j': case KEYS_CTRL('n'):
		if (s->sel[s->side] + 1 < n)
			s->sel[s->side]++;
		break;
	case KEY_HOME: s->sel[s->side] = 0; break;
	case KEY_END: s->sel[s->side] = n ? n - 1 : 0; break;
	case KEY_LEFT: s->side = 0; break;
	case KEY_RIGHT: s->side = 1; break;
	case '\t': s->side = !s->side; break;
	case '\n': case '\r': case KEY_ENTER: case ' ': case KEY_DC: case KEY_IC:
		add_or_remove(ui);
		return RX_REBUILD | RX_REDRAW;
	case '[': case '-': case KEY_F(7):
		if (s->side == 0)
			move_column(ui, s->sel[0], -1);
		break;
	case ']': case '+': case KEY_F(8):
		if (s->side == 0)
			move_column(ui, s->sel[0], 1);
		break;
	case KEYS_ESC: case 'q': case KEY_F(10): case KEY_F(2): case 'S':
		ui->mode = MODE_TABLE;
		return RX_REBUILD | RX_REDRAW;
	default: return 0;
	}
	return RX_REDRAW;
}

unsigned setup_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	struct setup_state *s = &ui->setup;
	int split = setup_split(ui);
	int side = x > split ? 1 : 0;
	if (bstate & BUTTON4_PRESSED) {
		s->side = side;
		return setup_key(ui, KEY_UP);
	}
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED) {
		s->side = side;
		return setup_key(ui, KEY_DOWN);
	}
#endif
	if (!(bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) || y < 1)
		return 0;
	size_t k = s->top[side] + (size_t)(y - 1);
	if (k >= side_count(ui, side))
		return 0;
	s->side = side;
	s->sel[side] = k;
	return RX_REDRAW;
}
