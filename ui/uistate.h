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

struct ui;

struct prompt {
	enum prompt_kind kind;
	char text[256];
	size_t len;
	char saved[256]; /* the value before the prompt opened, for Esc */
	/* set by the opener after prompt_open: what Enter does with the text
	 * (reaction flags); NULL for the kinds menus.c knows */
	unsigned (*accept)(struct ui *ui, const char *text);
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

#endif
