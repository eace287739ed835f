/* menus.c - the side menus (signal, sort column, user, I/O priority), the
 * prompts (filter, search, interval) and the bottom line (function bar,
 * prompt or message). */
#include "uistate.h"
#include "taskctl.h"
#include "text.h"
#include "core.h"
#include "format.h"
#include "keys.h"
#include "menus.h"
#include "screen.h"
#include "rowact.h"
#include "table.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENU_WIDTH 30

void menu_free(struct menu *menu)
{
	free(menu->items);
	free(menu->values);
	memset(menu, 0, sizeof *menu);
}

static void menu_reset(struct ui *ui, enum menu_kind kind, const char *title)
{
	struct menu *mn = &ui->menu;
	mn->kind = kind;
	mn->nitems = mn->sel = mn->top = 0;
	snprintf(mn->title, sizeof mn->title, "%s", title);
	struct task *t = ui_selected(ui);
	mn->target_tid = t ? t->tid : 0;
	mn->target_start = t ? t->start_ticks : 0;
	ui->mode = MODE_MENU;
}

static void menu_add(struct menu *mn, long value, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void menu_add(struct menu *mn, long value, const char *fmt, ...)
{
	if (mn->nitems == mn->cap) {
		size_t cap = mn->cap ? mn->cap * 2 : 32;
		char(*items)[64] = realloc(mn->items, cap * sizeof *items);
		if (!items)
			return;
		mn->items = items;
		long *values = realloc(mn->values, cap * sizeof *values);
		if (!values)
			return;
		mn->values = values;
		mn->cap = cap;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mn->items[mn->nitems], sizeof mn->items[0], fmt, ap);
	va_end(ap);
	mn->values[mn->nitems++] = value;
}

void menu_open_signal(struct ui *ui)
{
	char title[64];
	if (ui->ntags)
		snprintf(title, sizeof title, "Send signal to %zu tagged:", ui->ntags);
	else
		snprintf(title, sizeof title, "Send signal to %d:", ui->sel_tid);
	menu_reset(ui, MENU_SIGNAL, title);
	for (int sig = 1; sig < 32; sig++) {
		const char *name = sigabbrev_np(sig);
		if (!name)
			continue;
		if (sig == SIGTERM)
			ui->menu.sel = ui->menu.nitems;
		menu_add(&ui->menu, sig, "%2d SIG%s", sig, name);
	}
}

void menu_open_sort(struct ui *ui)
{
	menu_reset(ui, MENU_SORT, "Sort by:");
	for (size_t i = 0; i < columns_count; i++) {
		if (&columns[i] == ui->set.sort)
			ui->menu.sel = ui->menu.nitems;
		char title[64];
		const char *h = format_header(&columns[i], ui->utf8, model_cfg(ui->m)->accumulated);
		text_pad(h, strlen(h), 9, ui->utf8, title, sizeof title);
		menu_add(&ui->menu, (long)i, "%s %s", title, columns[i].id);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

struct user_collect {
	uint32_t *uids;
	size_t n, cap;
};

static void collect_uid(struct task *t, void *arg)
{
	struct user_collect *c = arg;
	for (size_t i = 0; i < c->n; i++)
		if (c->uids[i] == t->uid)
			return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		uint32_t *u = realloc(c->uids, cap * sizeof *u);
		if (!u)
			return;
		c->uids = u;
		c->cap = cap;
	}
	c->uids[c->n++] = t->uid;
}

void menu_open_user(struct ui *ui)
{
	menu_reset(ui, MENU_USER, "Show processes of:");
	menu_add(&ui->menu, -1, "All users");
	struct user_collect c = {0};
	task_table_foreach(model_rows_table(ui->m), collect_uid, &c);
	size_t first = ui->menu.nitems;
	for (size_t i = 0; i < c.n; i++)
		menu_add(&ui->menu, (long)c.uids[i], "%s", model_user_name(ui->m, c.uids[i]));
	free(c.uids);
	/* names sorted; the value travels with its name (it follows the text) */
	size_t n = ui->menu.nitems - first;
	struct pair {
		char name[64];
		long v;
	} *pairs = calloc(n ? n : 1, sizeof *pairs);
	if (!pairs)
		return;
	for (size_t i = 0; i < n; i++) {
		memcpy(pairs[i].name, ui->menu.items[first + i], sizeof pairs[i].name);
		pairs[i].v = ui->menu.values[first + i];
	}
	qsort(pairs, n, sizeof *pairs, by_name);
	for (size_t i = 0; i < n; i++) {
		memcpy(ui->menu.items[first + i], pairs[i].name, sizeof pairs[i].name);
		ui->menu.values[first + i] = pairs[i].v;
		if (ui->user_filter && pairs[i].v == (long)ui->user_uid)
			ui->menu.sel = first + i;
	}
	free(pairs);
}

void menu_open_ionice(struct ui *ui)
{
	char title[64];
	struct task *t = ui_selected(ui);
	enum ioprio_class cls;
	int level;
	char why[128];
	static const char *const names[] = {"none", "realtime", "best-effort", "idle"};
	if (ui->ntags)
		snprintf(title, sizeof title, "I/O priority of %zu tagged:", ui->ntags);
	else if (t && taskctl_ioprio_get(ui->m, t, &cls, &level, why, sizeof why) == 0 && cls <= 3)
		snprintf(title, sizeof title, "I/O priority of %d (%s %d):", t->tid, names[cls],
			 level);
	else
		snprintf(title, sizeof title, "I/O priority of %d:", ui->sel_tid);
	menu_reset(ui, MENU_IONICE, title);
	menu_add(&ui->menu, IOPRIO_NONE << 8, "none (follows nice)");
	for (int l = 0; l <= 7; l++)
		menu_add(&ui->menu, IOPRIO_BE << 8 | l, "best-effort %d%s", l,
			 l == 0 ? " (highest)" : l == 7 ? " (lowest)" : "");
	for (int l = 0; l <= 7; l++)
		menu_add(&ui->menu, IOPRIO_RT << 8 | l, "realtime %d (root)", l);
	menu_add(&ui->menu, IOPRIO_IDLE << 8, "idle (only when disk is idle)");
	ui->menu.sel = 1 + 4; /* best-effort 4, the kernel's default level */
}

static int signal_one(struct ui *ui, struct task *t, long sig, char *why, size_t whylen)
{
	return taskctl_signal(ui->m, t, (int)sig, why, whylen);
}

/* v: class << 8 | level, as the menu's values */
static int ioprio_one(struct ui *ui, struct task *t, long v, char *why, size_t whylen)
{
	struct taskctl_result res;
	if (taskctl_ioprio_row(ui->m, t, (enum ioprio_class)(v >> 8), (int)(v & 0xff), &res) == 0)
		return 0;
	return rowact_why(&res, "changed", why, whylen);
}

static unsigned menu_choose(struct ui *ui)
{
	struct menu *mn = &ui->menu;
	if (mn->sel >= mn->nitems)
		return RX_REDRAW;
	long v = mn->values[mn->sel];
	ui->mode = MODE_TABLE;
	char why[256];
	switch (mn->kind) {
	case MENU_SORT:
		return table_sort_by(ui, &columns[v]);
	case MENU_USER:
		ui->user_filter = v >= 0;
		ui->user_uid = v >= 0 ? (uint32_t)v : 0;
		return RX_REBUILD | RX_REDRAW;
	case MENU_SIGNAL:
	case MENU_IONICE: {
		if (ui->ntags)
			return mn->kind == MENU_SIGNAL
				       ? rowact_on_tagged(ui, "signalled", signal_one, v)
				       : rowact_on_tagged(ui, "changed", ioprio_one, v);
		/* the target by identity: rows may have changed while the menu was open */
		struct task *t = ui_find_task(ui, mn->target_tid, mn->target_start);
		if (!t) {
			ui_message(ui, true, "task %d is gone", mn->target_tid);
			return RX_REDRAW;
		}
		if (mn->kind == MENU_IONICE) {
			struct taskctl_result res;
			char done[96];
			taskctl_ioprio_row(ui->m, t, (enum ioprio_class)(v >> 8), (int)(v & 0xff), &res);
			snprintf(done, sizeof done, "%s done", mn->items[mn->sel]);
			rowact_report(ui, t, &res, "changed", done);
		} else if (taskctl_signal(ui->m, t, (int)v, why, sizeof why) < 0) {
			ui_message(ui, true, "%d: %s", t->tid, why);
		} else {
			ui_message(ui, false, "%d: %s done", t->tid, mn->items[mn->sel]);
		}
		return RX_REDRAW;
	}
	}
	return RX_REDRAW;
}

unsigned menu_key(struct ui *ui, int key)
{
	struct menu *mn = &ui->menu;
	size_t page = ui->geo.rows_h > 2 ? (size_t)ui->geo.rows_h - 2 : 1;
	switch (key) {
	case KEY_UP: case KEYS_CTRL('p'): if (mn->sel) mn->sel--; break;
	case KEY_DOWN: case 'j': case KEYS_CTRL('n'): if (mn->sel + 1 < mn->nitems) mn->sel++; break;
	case KEY_PPAGE: mn->sel = mn->sel > page ? mn->sel - page : 0; break;
	case KEY_NPAGE: mn->sel = mn->sel + page < mn->nitems ? mn->sel + page : mn->nitems - 1; break;
	case KEY_HOME: case 'g': mn->sel = 0; break;
	case KEY_END: case 'G': mn->sel = mn->nitems ? mn->nitems - 1 : 0; break;
	case '\n': case '\r': case KEY_ENTER: return menu_choose(ui);
	case KEYS_ESC: case 'q': case KEY_F(10): ui->mode = MODE_TABLE; break;
	default: return 0;
	}
	return RX_REDRAW;
}

static void menu_box(const struct ui *ui, int *y0, int *h, int *w)
{
	*y0 = ui->geo.head_y >= 0 ? ui->geo.head_y : ui->geo.rows_y;
	*h = ui->geo.rows_y + ui->geo.rows_h - *y0;
	*w = ui->cols < MENU_WIDTH ? ui->cols : MENU_WIDTH;
}

void menu_draw(struct ui *ui)
{
	struct menu *mn = &ui->menu;
	int y0, h, w;
	menu_box(ui, &y0, &h, &w);
	if (h <= 0 || w <= 0)
		return;
	attrset(ui->attr[R_NORMAL]);
	for (int y = y0; y < y0 + h; y++)
		mvhline(y, 0, ' ', w);
	attrset(ui->attr[R_TABLE_HEAD]);
	mvhline(y0, 0, ' ', w);
	screen_put(ui, y0, 0, w, mn->title, ui->attr[R_TABLE_HEAD]);
	size_t vis = h > 1 ? (size_t)h - 1 : 0;
	if (vis == 0)
		return;
	if (mn->sel < mn->top)
		mn->top = mn->sel;
	if (mn->sel >= mn->top + vis)
		mn->top = mn->sel - vis + 1;
	for (size_t i = 0; i < vis && mn->top + i < mn->nitems; i++) {
		size_t k = mn->top + i;
		attr_t a = k == mn->sel ? ui->attr[R_SELECTED] : ui->attr[R_NORMAL];
		if (k == mn->sel) {
			attrset(a);
			mvhline(y0 + 1 + (int)i, 0, ' ', w);
		}
		screen_put(ui, y0 + 1 + (int)i, 1, w - 1, mn->items[k], a);
	}
	attrset(A_NORMAL);
	/* a separator between the menu and the table */
	if (w < ui->cols)
		for (int y = y0; y < y0 + h; y++)
			screen_put(ui, y, w, 1, ui->utf8 ? "\xe2\x94\x82" : "|", ui->attr[R_DIM]);
}

void prompt_open(struct ui *ui, enum prompt_kind kind)
{
	struct prompt *p = &ui->prompt;
	p->kind = kind;
	p->accept = NULL;
	const char *init = kind == PROMPT_FILTER ? ui->live_filter : "";
	char delay[32];
	if (kind == PROMPT_DELAY) {
		snprintf(delay, sizeof delay, "%g", ui->set.interval_s);
		init = delay;
	}
	snprintf(p->text, sizeof p->text, "%s", init);
	p->len = strlen(p->text);
	snprintf(p->saved, sizeof p->saved, "%s", p->text);
	ui->mode = MODE_PROMPT;
}

static unsigned prompt_changed(struct ui *ui)
{
	struct prompt *p = &ui->prompt;
	if (p->kind == PROMPT_FILTER) {
		snprintf(ui->live_filter, sizeof ui->live_filter, "%s", p->text);
		return RX_REBUILD | RX_REDRAW;
	}
	if (p->kind == PROMPT_SEARCH) {
		snprintf(ui->search, sizeof ui->search, "%s", p->text);
		/* incremental: the current row counts, so typing more keeps it */
		if (p->len && !ui_search(ui, p->text, ui->sel))
			ui_message(ui, true, "no command contains \"%s\"", p->text);
		else
			ui->msg[0] = '\0';
		return RX_REDRAW | RX_NAVIGATE;
	}
	return RX_REDRAW;
}

static unsigned prompt_done(struct ui *ui, bool accept)
{
	struct prompt *p = &ui->prompt;
	ui->mode = MODE_TABLE;
	if (p->kind == PROMPT_FILTER && !accept) {
		ui->live_filter[0] = '\0'; /* Esc drops the filter, as in htop */
		return RX_REBUILD | RX_REDRAW;
	}
	if (p->accept)
		return accept && p->len ? p->accept(ui, p->text) : RX_REDRAW;
	if (p->kind == PROMPT_DELAY && accept) {
		char *end;
		double d = strtod(p->text, &end);
		if (end == p->text || *end || !isfinite(d) || d < 0.01 || d > 86400) {
			ui_message(ui, true, "interval '%s': expected 0.01 to 86400 seconds", p->text);
		} else {
			ui->set.interval_s = d;
			ui->next_refresh_s = ui_now() + d;
			ui_message(ui, false, "refresh every %g s", d);
		}
	}
	return RX_REDRAW;
}

unsigned prompt_key(struct ui *ui, int key)
{
	struct prompt *p = &ui->prompt;
	switch (key) {
	case '\n': case '\r': case KEY_ENTER: return prompt_done(ui, true);
	case KEYS_ESC: return prompt_done(ui, false);
	case KEY_F(3):
		if (p->kind == PROMPT_SEARCH && p->len)
			ui_search(ui, p->text, ui->sel + 1);
		return RX_REDRAW | RX_NAVIGATE;
	case KEY_BACKSPACE: case 127: case 8:
		/* one character: drop UTF-8 continuation bytes with it */
		while (p->len && ((unsigned char)p->text[p->len - 1] & 0xc0) == 0x80)
			p->len--;
		if (p->len)
			p->len--;
		p->text[p->len] = '\0';
		return prompt_changed(ui);
	case KEYS_CTRL('u'):
		p->len = 0;
		p->text[0] = '\0';
		return prompt_changed(ui);
	default:
		if (key < 32 || key > 255 || key == 127 || p->len + 1 >= sizeof p->text)
			return 0;
		p->text[p->len++] = (char)key;
		p->text[p->len] = '\0';
		/* act only on whole characters */
		if ((unsigned char)key >= 0x80) {
			size_t start = p->len;
			while (start && ((unsigned char)p->text[start - 1] & 0xc0) == 0x80)
				start--;
			if (start)
				start--;
			unsigned char lead = (unsigned char)p->text[start];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
			if (p->len - start < need)
				return 0;
		}
		return prompt_changed(ui);
	}
}


unsigned menu_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	struct menu *mn = &ui->menu;
	if (bstate & BUTTON4_PRESSED)
		return menu_key(ui, KEY_UP);
#ifdef BUTTON5_PRESSED
	if (bstate & BUTTON5_PRESSED)
		return menu_key(ui, KEY_DOWN);
#endif
	if (!(bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
		return 0;
	int y0, h, w;
	menu_box(ui, &y0, &h, &w);
	if (x >= w || y <= y0 || y >= y0 + h) {
		ui->mode = MODE_TABLE; /* a click outside closes the menu */
		return RX_REDRAW;
	}
	size_t k = mn->top + (size_t)(y - y0 - 1);
	if (k >= mn->nitems)
		return 0;
	mn->sel = k;
	return menu_choose(ui);
}

/* Bar items and their x positions; with --readonly the ones that change a
 * task are left out. Returns the action under x, or draws when draw. */
static enum ui_action fbar_walk(struct ui *ui, int hit_x, bool draw)
{
	int x = 0;
	for (size_t i = 0; i < keys_fbar_count; i++) {
		const struct fbar_item *it = &keys_fbar[i];
		if (it->modifies && ui->opt->readonly)
			continue;
		int kw = (int)strlen(it->key);
		char label[16];
		snprintf(label, sizeof label, "%-7s", it->label);
		int lw = (int)strlen(label);
		if (draw) {
			screen_put(ui, ui->geo.bar_y, x, kw, it->key, ui->attr[R_FKEY]);
			screen_put(ui, ui->geo.bar_y, x + kw, lw, label, ui->attr[R_FLABEL]);
		} else if (hit_x >= x && hit_x < x + kw + lw) {
			return it->action;
		}
		x += kw + lw;
		if (x >= ui->cols)
			break;
	}
	return ACT_NONE;
}

enum ui_action menus_fbar_hit(struct ui *ui, int x)
{
	return fbar_walk(ui, x, false);
}

void menus_bar_draw(struct ui *ui)
{
	int y = ui->geo.bar_y;
	if (y < 0)
		return;
	if (ui->mode == MODE_PROMPT) {
		static const char *const labels[] = {"Filter: ", "Search: ", "Refresh interval (s): ",
						     "Go to (HH:MM[:SS] or YYYY-MM-DD HH:MM): "};
		const char *label = labels[ui->prompt.kind];
		int w = screen_put(ui, y, 0, ui->cols, label, ui->attr[R_FLABEL]);
		/* the end of the text stays visible: scroll it left when long */
		int room = ui->cols - w - 1;
		int tw = text_width(ui->prompt.text, ui->prompt.len, ui->utf8);
		int skip = tw > room ? tw - room : 0;
		size_t off = text_skip(ui->prompt.text, ui->prompt.len, skip, ui->utf8);
		int used = screen_put(ui, y, w, room, ui->prompt.text + off, ui->attr[R_NORMAL]);
		screen_put(ui, y, w + used, 1, "_", ui->attr[R_SELECTED]);
		if (ui->msg[0])
			screen_put(ui, y, w + used + 3, ui->cols - (w + used + 3), ui->msg,
				   ui->attr[ui->msg_error ? R_MSG_ERROR : R_MSG_INFO]);
		return;
	}
	if (ui->msg[0]) {
		screen_put(ui, y, 0, ui->cols, ui->msg,
			   ui->attr[ui->msg_error ? R_MSG_ERROR : R_MSG_INFO]);
		return;
	}
	static const char *const hints[] = {
		[MODE_MENU] = "Enter: choose   Esc: cancel   Up/Down: move",
		[MODE_HELP] = "Up/Down/PgUp/PgDn: scroll   any other key: back",
		[MODE_SETUP] = "Enter: add/remove  Left/Right: list  [ ]: move  Esc: done",
	};
	if (ui->mode != MODE_TABLE) {
		screen_put(ui, y, 0, ui->cols, hints[ui->mode], ui->attr[R_FLABEL]);
		return;
	}
	fbar_walk(ui, -1, true);
}
