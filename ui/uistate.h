/* uistate.h - the screen's state, shared by the ui/ modules.
 *
 * One struct ui holds what the user chose (settings, filters, selection),
 * the rows of the current frame and the open menu or prompt. The loop
 * (loop.c) owns it; the other modules draw it (header.c, table.c,
 * menus.c) or change it (act.c, menus.c). */
#ifndef PIDTOP_UI_STATE_H
#define PIDTOP_UI_STATE_H

#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"
#include "groupreport.h"
#include "grid.h"
#include "keys.h"
#include "model.h"
#include "options.h"
#include "settings.h"
#include "tree.h"
#include "rows.h"

/* Looks: each is a colour pair plus attributes, or attributes alone on a
 * monochrome terminal. */
enum ui_role {
	R_NORMAL, R_DIM, R_LABEL, R_BRACKET,
	R_BAR_USER, R_BAR_NICE, R_BAR_SYS, R_BAR_IRQ, R_BAR_OTHER,
	R_MEM_USED, R_MEM_BUFFERS, R_MEM_CACHE, R_SWAP,
	R_TABLE_HEAD, R_SORT_HEAD, R_SELECTED,
	R_FKEY, R_FLABEL, R_MSG_ERROR, R_MSG_INFO,
	R_STATE_RUN, R_STATE_DISK, R_STATE_ZOMBIE, R_LARGE, R_EXITED, R_TREE,
	R_TAGGED, R_NEW,
	R_COUNT
};

enum ui_mode { MODE_TABLE, MODE_HELP, MODE_MENU, MODE_PROMPT, MODE_SETUP };

enum menu_kind { MENU_SIGNAL, MENU_SORT, MENU_USER, MENU_IONICE };

struct menu {
	enum menu_kind kind;
	char title[64];
	char (*items)[64];
	long *values;
	size_t nitems, cap, sel, top;
	int32_t target_tid; /* the task the menu acts on, by identity */
	uint64_t target_start;
};

enum prompt_kind { PROMPT_FILTER, PROMPT_SEARCH, PROMPT_DELAY, PROMPT_TIME };

struct prompt {
	enum prompt_kind kind;
	char text[256];
	size_t len;
	char saved[256]; /* the value before the prompt opened, for Esc */
};

struct setup_state {
	int side;  /* 0: shown columns, 1: available columns */
	size_t sel[2], top[2];
};

struct ui_geometry {
	int meters_y, meters_h; /* header meters */
	int head_y;             /* column headers; -1 when hidden */
	int rows_y, rows_h;     /* the task rows */
	int bar_y;              /* function bar, prompt or message; -1 when hidden */
};

struct ui_tag {
	int32_t tid;
	uint64_t start;
};

/* the group view (groupview.c) */
struct ui_groups {
	struct group_report rep;
	bool ready;            /* rep is initialised for `by` */
	enum ui_group by;
	struct task *standins; /* group i's row: tid -(i + 1) */
	bool *expanded;        /* by group index */
	struct task **members; /* the rows by group: members[first[i] .. first[i + 1]) */
	size_t *first;
	size_t *rank; /* by group index, while the order is kept (groupview.c) */
	struct tree_info *info; /* indentation of the display rows */
	size_t standins_cap, expanded_cap, members_cap, first_cap, rank_cap, info_cap;
	char text[GROUP_NAME_MAX + 32]; /* a group row's name cell */
};

struct ui {
	struct model *m;
	struct options *opt;
	volatile sig_atomic_t *stop;

	struct ui_settings set, set_file, set_start;
	struct settings_file file;

	/* filters: the command line's, plus the user filter and live filter */
	struct row_filter filter;
	uint32_t user_uid;
	bool user_filter;
	char live_filter[256];
	char search[256];

	struct rows rows;
	struct ui_groups groups;
	struct tree tree;
	struct tree_info *info; /* tree facts per row, NULL without tree */
	int32_t *collapsed;
	size_t ncollapsed, collapsed_cap;
	struct rowmap order_map; /* previous order, while re-sorting pauses */
	int32_t *order_tids;
	uint64_t *order_starts;
	size_t order_cap;

	/* tagged tasks, by identity (tags.c) */
	struct ui_tag *tags;
	size_t ntags, tags_cap;

	/* the selected task, by identity */
	size_t sel, top;
	int32_t sel_tid;
	uint64_t sel_start;
	bool have_sel;
	bool select_top; /* the cursor stays on the first row (start, a new sort) */
	int follow_line; /* F: the screen line the followed task keeps; -1 off */

	double now_s, next_refresh_s, sort_pause_until_s, msg_until_s;
	bool paused;
	int replay_speed; /* replay: samples played at 1, 10 or 100 times their pace */
	char msg[512];
	bool msg_error;

	enum ui_mode mode;
	struct menu menu;
	struct prompt prompt;
	struct setup_state setup;
	size_t help_top;

	/* the activity grid (gridview.c) and the drill-down (drill.c, NULL
	 * while closed); rows_gen counts ui_rebuild() calls */
	struct grid_view gv;
	unsigned rows_gen;
	struct drill *drill;
	struct timeline_view *tv; /* the timeline (timelineview.c), NULL until shown */

	bool utf8, colour, mouse;
	bool mouse_motion; /* motion reports asked for (the grid's hover) */
	attr_t attr[R_COUNT];
	int lines, cols;
	struct ui_geometry geo;
	char scratch[4096]; /* one cell's sanitised and fitted text */
};

/* loop.c */
void ui_message(struct ui *ui, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
double ui_now(void);
/* The selected task, or NULL when there are no rows. */
struct task *ui_selected(struct ui *ui);
/* Re-filters and re-sorts the rows (keeping the order while paused). */
void ui_rebuild(struct ui *ui);
void ui_select_row(struct ui *ui, size_t row);

/* screen.c */
int screen_init(struct ui *ui, char *why, size_t whylen);
void screen_end(struct ui *ui);
void screen_geometry(struct ui *ui);
/* Writes text clipped to the screen, from (y, x), at most `width` cells. */
int screen_put(struct ui *ui, int y, int x, int width, const char *s, attr_t a);
/* Bars 0 to 8 eighths of a cell high: a space, then U+2581..U+2588 (UTF-8) */
extern const char *const screen_eighths[9];
/* The mouse events asked for: buttons and wheel, plus motion when true. */
void screen_mouse(struct ui *ui, bool motion);

/* header.c */
int header_height(const struct ui *ui, int cols);
void header_draw(struct ui *ui);

/* table.c */
void table_draw(struct ui *ui);
/* Placed columns for the current width; returns the count. */
size_t table_layout(struct ui *ui, struct layout_slot *out, size_t max);
/* The row under screen line y, or -1. */
long table_row_at(const struct ui *ui, int y);
void table_scroll_to_selection(struct ui *ui);

/* act.c */
unsigned act_run(struct ui *ui, enum ui_action a);
/* Mouse: a click or wheel at (y, x) with the curses button mask. */
unsigned act_mouse(struct ui *ui, int y, int x, unsigned long bstate);
/* Sorting by a column; clicking the sort column again reverses. */
unsigned act_sort_by(struct ui *ui, const struct column *col);
struct taskctl_result;
/* One change to one task; 0, or -1 with a one-line reason. */
typedef int (*act_tag_fn)(struct ui *ui, struct task *t, long arg, char *why, size_t whylen);
/* A failed row change as one line ("2 of 3 threads <verb>: why"); -1. */
int act_row_why(const struct taskctl_result *res, const char *verb, char *why, size_t whylen);
/* Applies fn to every tagged task and says how many it changed. */
unsigned act_on_tagged(struct ui *ui, const char *verb, act_tag_fn fn, long arg);
/* The message after a change to a row's threads: done, or "2 of 3
 * threads <verb>: <why>". */
void act_report_row(struct ui *ui, const struct task *t, const struct taskctl_result *res,
		    const char *verb, const char *done);

/* menus.c */
void menu_open_signal(struct ui *ui);
void menu_open_sort(struct ui *ui);
void menu_open_user(struct ui *ui);
void menu_open_ionice(struct ui *ui);
void prompt_open(struct ui *ui, enum prompt_kind kind);
unsigned menus_key(struct ui *ui, int key);
unsigned menus_mouse(struct ui *ui, int y, int x, unsigned long bstate);
void menus_draw(struct ui *ui);
void menus_bar_draw(struct ui *ui);
void menu_free(struct menu *menu);
/* The function-bar action under column x of the bar, or ACT_NONE. */
enum ui_action menus_fbar_hit(struct ui *ui, int x);
/* Selects the next row from `from` (wrapping) whose command or name
 * contains text, case-insensitively; returns false when none does. */
bool ui_search(struct ui *ui, const char *text, size_t from);
/* The task with this identity among the rows, or NULL. */
struct task *ui_find_task(struct ui *ui, int32_t tid, uint64_t start);

/* tags.c: tagged tasks */
bool tags_has(const struct ui *ui, const struct task *t);
/* Tags or untags t; returns whether it is tagged now. */
bool tags_toggle(struct ui *ui, const struct task *t);
void tags_clear(struct ui *ui);
/* Tags t and every row whose process descends from t's; returns how many
 * were newly tagged. */
size_t tags_add_descendants(struct ui *ui, const struct task *t);
/* The live task of tag i, or NULL once it is gone. */
struct task *tags_task(struct ui *ui, size_t i);
/* Forgets the tags of tasks that are gone. */
void tags_prune(struct ui *ui);

/* groupview.c: the group view (v). Group rows are stand-in tasks in the
 * row vector with a negative tid; ui_selected() is NULL on them. */
bool groupview_on(const struct ui *ui);
/* The group index of a row's task, or -1 for a task row. */
long groupview_group(const struct task *t);
/* Turns the filtered, sorted rows into group rows, each followed by its
 * members while expanded; sets ui->info. 0, or -1 when out of memory. */
int groupview_build(struct ui *ui);
/* Expands (how > 0), collapses (< 0) or toggles (0) the selected row's
 * group (a member's: its group's). Reaction flags. */
unsigned groupview_fold(struct ui *ui, int how);
/* v: tasks, by user, by cgroup, by program, tasks again. */
unsigned groupview_cycle(struct ui *ui);
/* "user", "cgroup", "program" ("" while off) */
const char *groupview_label(const struct ui *ui);
/* Group i's cell of col (its name in COMMAND and in the column that names
 * the grouping); false for a column groups do not sum. */
bool groupview_cell(struct ui *ui, long i, const struct column *col, struct cell *out);
void groupview_free(struct ui *ui);

/* tools.c: s and l run strace or lsof on the selected task (the screen
 * suspended meanwhile); a missing tool gets a message naming its package */
unsigned tools_run(struct ui *ui, bool strace);

/* help.c: the help screen and the column setup screen */
void help_draw(struct ui *ui);
unsigned help_key(struct ui *ui, int key);
unsigned help_mouse(struct ui *ui, int y, int x, unsigned long bstate);
void setup_draw(struct ui *ui);
unsigned setup_key(struct ui *ui, int key);
unsigned setup_mouse(struct ui *ui, int y, int x, unsigned long bstate);

#endif
