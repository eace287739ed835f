/* loop.c - ui_run(): one poll loop over the keyboard and the refresh timer.
 *
 * A key acts at once; the model is sampled when the timer is due (or on
 * request). The selected task is tracked by (tid, start time) across
 * refreshes, and while the user navigates the previous row order is kept
 * for a moment so rows do not jump under the cursor. */
#include "ui.h"
#include "clock.h"
#include "uistate.h"
#include "replayui.h"
#include "recfile.h"
#include "drill.h"
#include "timelineview.h"
#include "act.h"
#include "core.h"
#include "grid.h"
#include "groupview.h"
#include "header.h"
#include "keys.h"
#include "menus.h"
#include "screen.h"
#include "settings.h"
#include "tags.h"
#include "layout.h"
#include "gridview.h"
#include "views.h"

#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SORT_PAUSE_S 1.5   /* re-sorting waits this long after navigation */
#define WARNING_S 10.0     /* a settings warning stays longer */
#define KEYS_PER_WAKE 256  /* bound the work before the next frame */

static volatile sig_atomic_t *stop_flag;
/* set by SIGCONT: whoever had the terminal while we were stopped (the
 * shell that reported the stop) may have changed its modes and contents */
static volatile sig_atomic_t continued;

static void on_continue(int sig)
{
	(void)sig;
	continued = 1;
}

static void on_stop(int sig)
{
	(void)sig;
	if (stop_flag)
		*stop_flag = 1;
}

struct order_ctx {
	struct ui *ui;
};

/* While re-sorting pauses: rows keep their previous positions; new rows
 * follow, in the sort order. */
static int compare_kept(const void *a, const void *b, void *arg)
{
	struct ui *ui = ((struct order_ctx *)arg)->ui;
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
	long px = rowmap_find(&ui->order_map, x->tid, x->start_ticks);
	long py = rowmap_find(&ui->order_map, y->tid, y->start_ticks);
	if (px >= 0 && py >= 0)
		return (px > py) - (px < py);
	if (px >= 0 || py >= 0)
		return px >= 0 ? -1 : 1;
	return ui->set.sort ? column_compare(ui->set.sort, ui->m, x, y, ui->set.reverse)
			    : (x->tid > y->tid) - (x->tid < y->tid);
}

static void remember_order(struct ui *ui)
{
	size_t n = ui->rows.nrows;
	if (n > ui->order_cap) {
		int32_t *t = realloc(ui->order_tids, n * sizeof *t);
		if (!t)
			return;
		ui->order_tids = t;
		uint64_t *s = realloc(ui->order_starts, n * sizeof *s);
		if (!s)
			return;
		ui->order_starts = s;
		ui->order_cap = n;
	}
	for (size_t i = 0; i < n; i++) {
		ui->order_tids[i] = ui->rows.rows[i]->tid;
		ui->order_starts[i] = ui->rows.rows[i]->start_ticks;
	}
	if (rowmap_build(&ui->order_map, ui->order_tids, ui->order_starts, n) < 0)
		rowmap_free(&ui->order_map);
}

static void ui_rebuild(struct ui *ui)
{
	bool keep = ui_now() < ui->sort_pause_until_s && rowmap_built(&ui->order_map);
	ui->rows_gen++;
	ui->filter.nuids = ui->user_filter ? 1 : ui->opt->nuids;
	ui->filter.uids = ui->user_filter ? &ui->user_uid : ui->opt->uids;
	if (rows_build(&ui->rows, ui->m, &ui->filter, keep ? NULL : ui->set.sort,
		       ui->set.reverse) < 0) {
		ui_message(ui, true, "out of memory building the rows");
		ui->rows.nrows = 0;
	}
	rows_keep_matching(&ui->rows, ui->live_filter);
	if (keep && ui->rows.nrows > 1) {
		struct order_ctx c = {ui};
		qsort_r(ui->rows.rows, ui->rows.nrows, sizeof *ui->rows.rows, compare_kept, &c);
	}
	ui->info = NULL;
	if (groupview_on(ui)) {
		if (groupview_build(ui) < 0) {
			ui_message(ui, true, "out of memory building the groups");
			ui->rows.nrows = 0;
		}
	} else if (ui->set.tree) {
		if (tree_order(&ui->tree, ui->rows.rows, &ui->rows.nrows, ui->collapsed,
			       ui->ncollapsed) == 0)
			ui->info = ui->tree.info;
		else
			ui_message(ui, true, "out of memory building the tree");
	}
	/* the selected task keeps its selection wherever it moved */
	size_t found = SIZE_MAX;
	if (ui->select_top && ui->follow_line < 0) {
		/* a new order (and the start): the cursor stays on the first row,
		 * whichever task that is as the order changes, until the user
		 * moves it, like htop; so the top of a new sort stays in view */
		ui->top = 0;
		ui_select_row(ui, 0);
		ui->select_top = true;
		remember_order(ui);
		return;
	}
	ui->select_top = false;
	if (ui->have_sel)
		for (size_t i = 0; i < ui->rows.nrows && found == SIZE_MAX; i++)
			if (ui->rows.rows[i]->tid == ui->sel_tid &&
			    ui->rows.rows[i]->start_ticks == ui->sel_start)
				found = i;
	if (found != SIZE_MAX) {
		ui->sel = found;
	} else {
		if (ui->have_sel && ui->follow_line >= 0) {
			ui_message(ui, false, "the followed task %d is gone", ui->sel_tid);
			ui->follow_line = -1;
		}
		ui_select_row(ui, ui->sel);
	}
	remember_order(ui);
}

static int refresh_model(struct ui *ui, char *why, size_t whylen)
{
	int rc = model_refresh(ui->m);
	ui->now_s = ui_now();
	if (rc == MODEL_END) {
		ui->paused = true; /* a replay's end: it stays on the last sample */
		ui_message(ui, false, "the end of the recording");
		return 0;
	}
	if (rc == MODEL_ERR_RECORD) {
		ui_message(ui, true, "recording stopped: %s", model_record_why(ui->m));
		ui->msg_until_s = ui->now_s + WARNING_S;
	} else if (rc < 0) {
		if (model_is_replay(ui->m))
			snprintf(why, whylen, "cannot read the recording any more");
		else
			snprintf(why, whylen, "cannot read %s any more", model_cfg(ui->m)->proc_root);
		return -1;
	}
	ui->next_refresh_s =
		ui->now_s + (replayui_active(ui) ? replayui_wait_s(ui) : ui->set.interval_s);
	ui_rebuild(ui);
	tags_prune(ui); /* a task that ended is no longer tagged */
	if (ui->drill)
		drill_refresh(ui);
	return 0;
}

static void draw_frame(struct ui *ui)
{
	layout_update(ui);
	erase();
	const struct view_ops *top = views_top(ui);
	if (top->place == VIEW_WHOLE) {
		top->draw(ui);
	} else {
		header_draw(ui);
		views_main(ui)->draw(ui);
		if (top->place == VIEW_OVER && top->draw)
			top->draw(ui);
	}
	menus_bar_draw(ui);
	wnoutrefresh(stdscr);
	doupdate();
}

#define KEY_DROPPED (-2) /* an unknown escape sequence, read and dropped */
#define ESC_TAIL_MS 20   /* how long the rest of a split sequence may take */

/* One key from curses. ESC alone is the Esc key; ESC with bytes already
 * behind it is a sequence curses did not recognise: all of it is dropped. */
static int read_key(void)
{
	int key = getch();
	if (key != KEYS_ESC)
		return key;
	int ch = getch();
	if (ch == ERR)
		return KEYS_ESC;
	struct keys_escape e = {0};
	timeout(ESC_TAIL_MS);
	while (keys_escape_more(&e, ch)) {
		ch = getch();
		if (ch == ERR)
			break;
	}
	nodelay(stdscr, TRUE);
	return KEY_DROPPED;
}

static unsigned handle_key(struct ui *ui, int key)
{
	if (key == KEY_RESIZE) {
		layout_update(ui);
		return RX_REDRAW | RX_CLEAR;
	}
	if (key == KEY_MOUSE) {
		MEVENT ev;
		if (getmouse(&ev) != OK)
			return 0;
		return act_mouse(ui, ev.y, ev.x, (unsigned long)ev.bstate);
	}
	/* the view up takes its own keys first; a modal one takes them all */
	const struct view_ops *v = views_top(ui);
	unsigned own = v->key ? v->key(ui, key) : 0;
	if (own || v->modal)
		return own;
	enum ui_action a = keys_action(key);
	if (a == ACT_NONE)
		return 0;
	return act_run(ui, a);
}

static void init_state(struct ui *ui, struct model *m, struct options *opt,
		       volatile sig_atomic_t *stop)
{
	ui->m = m;
	ui->opt = opt;
	ui->stop = stop;
	ui->follow_line = -1;
	ui->select_top = true;
	char warn[600] = "";
	settings_defaults(&ui->set);
	if (settings_locate(&ui->file) == 0)
		settings_load(&ui->file, &ui->set, warn, sizeof warn);
	ui->set_file = ui->set;
	/* the command line wins over the file for this run */
	if (opt->delay_set)
		ui->set.interval_s = opt->delay_s;
	if (opt->sort_id && column_find(opt->sort_id))
		ui->set.sort = column_find(opt->sort_id);
	if (opt->reverse)
		ui->set.reverse = true;
	if (opt->threads)
		ui->set.threads = true;
	if (opt->view)
		ui->set.view = strcmp(opt->view, "grid") == 0	    ? UI_VIEW_GRID
			       : strcmp(opt->view, "timeline") == 0 ? UI_VIEW_TIMELINE
								    : UI_VIEW_TABLE;
	ui->set_start = ui->set;
	if (ui->set.view == UI_VIEW_GRID)
		ui->gv.built = false;
	if (model_is_replay(m)) {
		/* a recording is shown as recorded, paused: the keys move in it */
		ui->set.threads = model_cfg(m)->threads;
		ui->paused = true;
		ui->replay_speed = 1;
		if (!opt->have_begin && model_replay_info(m)->samples > 1)
			model_replay_seek(m, 1); /* the first sample with rates */
	}
	model_set_threads(m, ui->set.threads);
	ui->filter.pids = opt->pids;
	ui->filter.npids = opt->npids;
	ui->filter.command = opt->have_command_re ? &opt->command_re : NULL;
	ui->filter.only_active = opt->only_active;
	ui->filter.only_io = opt->only_io;
	ui->filter.include_exited = true; /* shown (dimmed) for their last refreshes */
	ui->filter.hide_kernel = !ui->set.kernel;
	if (warn[0]) {
		ui_message(ui, true, "%s", warn);
		ui->msg_until_s = ui_now() + WARNING_S;
	}
}

static void save_settings(struct ui *ui)
{
	struct ui_settings out;
	settings_merge(&ui->set_file, &ui->set_start, &ui->set, &out);
	if (!ui->file.path[0] || settings_equal(&out, &ui->set_file))
		return;
	char err[512];
	/* the screen is gone by now: a failure is a line on stderr, not an
	 * exit status (the user's session itself went fine) */
	if (settings_save(&ui->file, &out, err, sizeof err) < 0)
		fprintf(stderr, "pidtop: settings not saved: %s\n", err);
}

static void free_state(struct ui *ui)
{
	rows_free(&ui->rows);
	groupview_free(ui);
	tree_free(&ui->tree);
	rowmap_free(&ui->order_map);
	free(ui->order_tids);
	free(ui->order_starts);
	free(ui->collapsed);
	free(ui->tags);
	menu_free(&ui->menu);
	drill_close(ui);
	gridview_free(ui);
	timelineview_free(ui);
}

static int run_loop(struct ui *ui, const sigset_t *wait_mask, char *why, size_t whylen)
{
	long refreshes = 0;
	if (refresh_model(ui, why, whylen) < 0)
		return 1;
	bool dirty = true;
	while (!*ui->stop) {
		if (dirty) {
			draw_frame(ui);
			dirty = false;
		}
		ui->now_s = ui_now();
		double wait = ui->paused ? 3600 : ui->next_refresh_s - ui->now_s;
		if (ui->msg_until_s > ui->now_s && ui->msg_until_s - ui->now_s < wait)
			wait = ui->msg_until_s - ui->now_s;
		if (wait < 0)
			wait = 0;
		struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
		struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
		int r = ppoll(&pfd, 1, &ts, wait_mask);
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "poll: %s", strerror(errno));
			return 1;
		}
		/* ppoll delivers a pending stop signal only when it is interrupted;
		 * when input is ready at once the signal stays pending: look */
		sigset_t pending;
		if (sigpending(&pending) == 0 &&
		    (sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1 ||
		     sigismember(&pending, SIGHUP) == 1))
			*ui->stop = 1;
		if (*ui->stop)
			break;
		if (r > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL)))
			break; /* the terminal is gone (hung up, closed) */
		unsigned rx = 0;
		if (continued) {
			/* our modes back, and every cell drawn again */
			continued = 0;
			reset_prog_mode();
			rx |= RX_REDRAW | RX_CLEAR;
		}
		/* after EINTR too: a SIGWINCH is read as KEY_RESIZE */
		for (int k = 0; k < KEYS_PER_WAKE; k++) {
			int key = read_key();
			if (key == ERR)
				break;
			if (key == KEY_DROPPED)
				continue;
			ui->now_s = ui_now();
			unsigned one = handle_key(ui, key);
			if (one & RX_NAVIGATE)
				ui->sort_pause_until_s = ui->now_s + SORT_PAUSE_S;
			if (one & RX_REBUILD)
				ui_rebuild(ui);
			rx |= one;
			/* a refresh first: a replay's jump has already put another
			 * sample in the model, and the rows would point at tasks it
			 * dropped until the rows are built again */
			if (one & (RX_QUIT | RX_REFRESH))
				break;
		}
		if (rx & RX_QUIT)
			break;
		if (rx & RX_CLEAR)
			clearok(curscr, TRUE);
		ui->now_s = ui_now();
		bool due = !ui->paused && ui->now_s >= ui->next_refresh_s;
		if ((rx & RX_REFRESH) || due) {
			if (refresh_model(ui, why, whylen) < 0)
				return 1;
			refreshes++;
			if (ui->opt->count > 0 && refreshes >= ui->opt->count)
				break;
			dirty = true;
		}
		if (rx)
			dirty = true;
		if (ui->msg[0] && ui->now_s >= ui->msg_until_s) {
			ui->msg[0] = '\0';
			dirty = true;
		}
	}
	return 0;
}

int ui_run(struct model *m, struct options *opt, volatile sig_atomic_t *stop, char *why,
	   size_t whylen)
{
	static struct ui ui_state; /* large; one screen per process */
	struct ui *ui = &ui_state;
	memset(ui, 0, sizeof *ui);
	why[0] = '\0';
	/* characters only: numbers (the settings file) stay in the C locale */
	setlocale(LC_CTYPE, "");
	init_state(ui, m, opt, stop);

	stop_flag = stop;
	struct sigaction sa, old_int, old_term, old_hup, old_cont;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);
	sa.sa_handler = on_continue;
	sigaction(SIGCONT, &sa, &old_cont);
	/* the stop signals (and SIGCONT) are delivered only inside ppoll, so
	 * none is lost between checking the flag and waiting */
	sigset_t block, wait_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCONT); /* it continues us all the same; its handler waits */
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGHUP);
	sigdelset(&wait_mask, SIGCONT);

	int rc = 1;
	if (screen_init(ui, why, whylen) == 0) {
		layout_update(ui);
		if (views_main(ui)->enter)
			views_main(ui)->enter(ui);
		rc = run_loop(ui, &wait_mask, why, whylen);
		screen_end(ui);
		if (rc == 0)
			save_settings(ui);
	}
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGCONT, &old_cont, NULL);
	stop_flag = NULL;
	free_state(ui);
	return rc;
}
