/* act.c - what each action does to the screen's state.
 * Every function returns reaction flags (keys.h); the loop acts on them. */
#include "uistate.h"
#include "replayui.h"
#include "taskctl.h"
#include "drill.h"
#include "act.h"
#include "core.h"
#include "grid.h"
#include "groupview.h"
#include "keys.h"
#include "menus.h"
#include "table.h"
#include "tags.h"
#include "tools.h"
#include "rowact.h"
#include "gridview.h"
#include "views.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* iotop's Left/Right: the sort moves to the neighbouring shown column */
static unsigned sort_step(struct ui *ui, int dir)
{
	struct layout_slot slots[SETTINGS_MAX_COLUMNS];
	size_t n = table_layout(ui, slots, SETTINGS_MAX_COLUMNS);
	if (n == 0)
		return 0;
	size_t cur = 0;
	bool found = false;
	for (size_t i = 0; i < n && !found; i++)
		if (slots[i].col == ui->set.sort) {
			cur = i;
			found = true;
		}
	if (!found)
		return table_sort_set(ui, slots[0].col);
	if ((dir < 0 && cur == 0) || (dir > 0 && cur + 1 >= n))
		return 0;
	return table_sort_set(ui, slots[dir < 0 ? cur - 1 : cur + 1].col);
}

static unsigned toggle_collapse(struct ui *ui, bool collapse)
{
	if (groupview_on(ui))
		return groupview_fold(ui, collapse ? -1 : 1);
	struct task *t = ui_selected(ui);
	if (!ui->set.tree || !t) {
		ui_message(ui, false, "+ and - fold the tree (t shows it) or the groups (v)");
		return RX_REDRAW;
	}
	for (size_t i = 0; i < ui->ncollapsed; i++) {
		if (ui->collapsed[i] == t->tid) {
			if (!collapse)
				ui->collapsed[i] = ui->collapsed[--ui->ncollapsed];
			return RX_REBUILD | RX_REDRAW;
		}
	}
	if (!collapse)
		return 0;
	if (ui->ncollapsed == ui->collapsed_cap) {
		size_t cap = ui->collapsed_cap ? ui->collapsed_cap * 2 : 16;
		int32_t *c = realloc(ui->collapsed, cap * sizeof *c);
		if (!c)
			return 0;
		ui->collapsed = c;
		ui->collapsed_cap = cap;
	}
	ui->collapsed[ui->ncollapsed++] = t->tid;
	return RX_REBUILD | RX_REDRAW;
}

static int renice_one(struct ui *ui, struct task *t, long delta, char *why, size_t whylen)
{
	int to = t->nice + (int)delta;
	if (to < -20 || to > 19) {
		snprintf(why, whylen, "nice stays between -20 and 19 (it is at %d)", t->nice);
		return -1;
	}
	struct taskctl_result res;
	if (taskctl_renice_row(ui->m, t, to, &res) == 0)
		return 0;
	return rowact_why(&res, "reniced", why, whylen);
}

static unsigned renice(struct ui *ui, int delta)
{
	if (ui->ntags)
		return rowact_on_tagged(ui, delta < 0 ? "reniced (nice - 1)" : "reniced (nice + 1)",
				     renice_one, delta);
	struct task *t = ui_selected(ui);
	if (!t)
		return 0;
	int to = t->nice + delta;
	if (to < -20 || to > 19) {
		ui_message(ui, true, "nice stays between -20 and 19 (%d is at %d)", t->tid, t->nice);
		return RX_REDRAW;
	}
	struct taskctl_result res;
	char done[64];
	taskctl_renice_row(ui->m, t, to, &res);
	snprintf(done, sizeof done, "nice %d -> %d", t->nice, to);
	rowact_report(ui, t, &res, "reniced", done);
	return RX_REDRAW;
}

/* Space: htop's tag in the table; the grid has no rows to mark and the
 * drill-down shows one task, so there Space keeps refreshing (the help
 * screen says so). */
static unsigned tag(struct ui *ui)
{
	if (ui->set.view != UI_VIEW_TABLE || ui->drill)
		return RX_REFRESH | RX_REDRAW;
	struct task *t = ui_selected(ui);
	if (!t)
		return 0;
	tags_toggle(ui, t);
	return table_move(ui, 1) | RX_REDRAW;
}

static unsigned tag_tree(struct ui *ui)
{
	struct task *t = ui_selected(ui);
	if (!t)
		return 0;
	size_t added = tags_add_descendants(ui, t);
	ui_message(ui, false, "%d and its descendants: %zu more tagged, %zu in all", t->tgid, added,
		   ui->ntags);
	return RX_REDRAW;
}

static unsigned toggle(struct ui *ui, bool *flag, const char *on, const char *off)
{
	*flag = !*flag;
	ui_message(ui, false, "%s", *flag ? on : off);
	return RX_REBUILD | RX_REDRAW;
}

static unsigned act_misc(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case ACT_THREADS:
		if (replayui_active(ui)) {
			ui_message(ui, true, "the recording holds %s rows only",
				   model_cfg(ui->m)->threads ? "thread" : "process");
			return RX_REDRAW;
		}
		ui->set.threads = !ui->set.threads;
		model_set_threads(ui->m, ui->set.threads);
		ui_message(ui, false, "%s (rates after the next refresh)",
			   ui->set.threads ? "one row per thread" : "one row per process");
		return RX_REFRESH | RX_REDRAW;
	case ACT_ACCUMULATED:
		model_set_accumulated(ui->m, !model_cfg(ui->m)->accumulated);
		ui_message(ui, false, "%s", model_cfg(ui->m)->accumulated
						    ? "accumulated: totals since first seen"
						    : "rates over the last interval");
		return RX_REFRESH | RX_REDRAW;
	case ACT_PAUSE:
		ui->paused = !ui->paused;
		if (!ui->paused)
			ui->next_refresh_s = ui_now();
		return RX_REDRAW;
	case ACT_FOLLOW:
		if (ui->follow_line >= 0 || !ui_selected(ui)) {
			ui->follow_line = -1;
		} else {
			ui->follow_line = (int)(ui->sel - ui->top);
			ui_message(ui, false, "following %d on this line (F again stops)", ui->sel_tid);
		}
		return RX_REDRAW;
	case ACT_SEARCH_NEXT:
		if (!ui->search[0])
			ui_message(ui, false, "nothing searched yet (/ searches)");
		else if (!ui_search(ui, ui->search, ui->sel + 1))
			ui_message(ui, true, "no command contains \"%s\"", ui->search);
		return RX_REDRAW | RX_NAVIGATE;
	default:
		return 0;
	}
}

unsigned act_run(struct ui *ui, enum ui_action a)
{
	long page = ui->geo.rows_h > 1 ? ui->geo.rows_h - 1 : 1;
	if (replayui_active(ui) && keys_action_modifies(a)) {
		ui_message(ui, true, "a replay: no signals, nice or I/O priority (these tasks are past)");
		return RX_REDRAW;
	}
	if (ui->opt->readonly && keys_action_modifies(a)) {
		ui_message(ui, true, "read-only (--readonly): no signals, nice, I/O priority, strace or lsof");
		return RX_REDRAW;
	}
	if (keys_action_modifies(a) && !ui_selected(ui) && !ui->ntags) {
		ui_message(ui, true, "no task selected");
		return RX_REDRAW;
	}
	switch (a) {
	case ACT_NONE:
	case ACT_COUNT: return 0;
	case ACT_UP: return table_move(ui, -1);
	case ACT_DOWN: return table_move(ui, 1);
	case ACT_PAGE_UP: return table_move(ui, -page);
	case ACT_PAGE_DOWN: return table_move(ui, page);
	case ACT_HOME: return table_move(ui, -(long)ui->rows.nrows);
	case ACT_END: return table_move(ui, (long)ui->rows.nrows);
	case ACT_SORT_MENU: menu_open_sort(ui); return RX_REDRAW;
	case ACT_SORT_LEFT: return sort_step(ui, -1);
	case ACT_SORT_RIGHT: return sort_step(ui, 1);
	case ACT_SORT_CPU: return table_sort_set(ui, column_find("cpu_pct"));
	case ACT_SORT_MEM: return table_sort_set(ui, column_find("rss_kb"));
	case ACT_SORT_TIME: return table_sort_set(ui, column_find("cpu_time"));
	case ACT_SORT_PID: return table_sort_set(ui, column_find(model_cfg(ui->m)->threads ? "tid" : "pid"));
	case ACT_SORT_READ: return table_sort_set(ui, column_find("read_bps"));
	case ACT_SORT_WRITE: return table_sort_set(ui, column_find("write_bps"));
	case ACT_SORT_NET: return table_sort_set(ui, column_find("net_tx_bps"));
	case ACT_REVERSE:
		ui->set.reverse = !ui->set.reverse;
		ui->sort_pause_until_s = 0;
		ui->select_top = true;
		return RX_REBUILD | RX_REDRAW;
	case ACT_TREE: return toggle(ui, &ui->set.tree, "tree view", "flat list");
	case ACT_EXPAND: return toggle_collapse(ui, false);
	case ACT_COLLAPSE: return toggle_collapse(ui, true);
	case ACT_FILTER: prompt_open(ui, PROMPT_FILTER); return RX_REDRAW;
	case ACT_SEARCH: prompt_open(ui, PROMPT_SEARCH); return RX_REDRAW;
	case ACT_USER: menu_open_user(ui); return RX_REDRAW;
	case ACT_ONLY_ACTIVE:
		return toggle(ui, &ui->filter.only_active, "only tasks active in the interval",
			      "all tasks");
	case ACT_ONLY_IO:
		return toggle(ui, &ui->filter.only_io, "only tasks that read or wrote storage",
			      "all tasks");
	case ACT_EXITED:
		return toggle(ui, &ui->filter.hide_exited, "the tasks that ended are hidden",
			      "the tasks that ended are shown (state X)");
	case ACT_CMDLINE:
		return toggle(ui, &ui->set.cmdline, "COMMAND: full command line",
			      "COMMAND: task name");
	case ACT_SIGNAL: menu_open_signal(ui); return RX_REDRAW;
	case ACT_NICE_MINUS: return renice(ui, -1);
	case ACT_NICE_PLUS: return renice(ui, 1);
	case ACT_IONICE: menu_open_ionice(ui); return RX_REDRAW;
	case ACT_DELAY: prompt_open(ui, PROMPT_DELAY); return RX_REDRAW;
	case ACT_REFRESH: return RX_REFRESH | RX_REDRAW;
	case ACT_TAG: return tag(ui);
	case ACT_TAG_TREE: return tag_tree(ui);
	case ACT_UNTAG_ALL:
		ui_message(ui, false, "%zu tasks untagged", ui->ntags);
		tags_clear(ui);
		return RX_REDRAW;
	case ACT_KERNEL:
		ui->set.kernel = !ui->set.kernel;
		ui->filter.hide_kernel = !ui->set.kernel;
		ui_message(ui, false, "kernel threads %s", ui->set.kernel ? "shown" : "hidden");
		return RX_REBUILD | RX_REDRAW;
	case ACT_STRACE:
	case ACT_LSOF: return tools_run(ui, a == ACT_STRACE);
	case ACT_REDRAW: return RX_CLEAR | RX_REDRAW;
	case ACT_HEADER: ui->set.header = !ui->set.header; return RX_REDRAW;
	case ACT_HELP: ui->mode = MODE_HELP; ui->help_top = 0; return RX_REDRAW;
	case ACT_SETUP:
		ui->mode = MODE_SETUP;
		memset(&ui->setup, 0, sizeof ui->setup);
		return RX_REDRAW;
	case ACT_QUIT: return RX_QUIT;
	case ACT_VIEW: /* table -> grid -> timeline -> table */
		ui->set.view = ui->set.view == UI_VIEW_TABLE  ? UI_VIEW_GRID
			       : ui->set.view == UI_VIEW_GRID ? UI_VIEW_TIMELINE
							      : UI_VIEW_TABLE;
		if (views_main(ui)->enter)
			views_main(ui)->enter(ui);
		return RX_REBUILD | RX_REDRAW | RX_CLEAR; /* the grid has no group rows */
	case ACT_OPEN:
		if (groupview_on(ui) && ui->sel < ui->rows.nrows &&
		    groupview_group(ui->rows.rows[ui->sel]) >= 0)
			return groupview_fold(ui, 0); /* Enter on a group row expands it */
		return drill_open(ui);
	case ACT_GROUP: return groupview_cycle(ui);
	case ACT_PIN:
		if (ui->set.view == UI_VIEW_GRID)
			return gridview_pin(ui);
		ui_message(ui, false, "p pins the activity grid's tip (Tab shows the grid)");
		return RX_REDRAW;
	case ACT_THREADS:
	case ACT_ACCUMULATED:
	case ACT_PAUSE:
	case ACT_FOLLOW:
	case ACT_SEARCH_NEXT: return act_misc(ui, a);
	case ACT_REPLAY_BACK:
	case ACT_REPLAY_FWD:
	case ACT_REPLAY_START:
	case ACT_REPLAY_END:
	case ACT_REPLAY_JUMP:
	case ACT_REPLAY_SPEED: return replayui_action(ui, a);
	}
	return 0;
}

unsigned act_mouse(struct ui *ui, int y, int x, unsigned long bstate)
{
	const struct view_ops *v = views_top(ui);
	/* the function bar answers under every view but a modal one */
	if (!v->modal && y == ui->geo.bar_y) {
		if (!(bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
			return 0;
		enum ui_action a = menus_fbar_hit(ui, x);
		return a == ACT_NONE ? 0 : act_run(ui, a);
	}
	return v->mouse ? v->mouse(ui, y, x, bstate) : 0;
}
