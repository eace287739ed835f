/* keys.h - which key does what.
 *
 * Keys map to actions through one table (htop's Action.c idea); the action
 * functions (act.c) return reaction flags and the main loop does the rest.
 * The help screen is generated from keys_help[], so every action a key can
 * reach is documented. Pure data and lookup: no curses calls. */
#ifndef PIDTOP_UI_KEYS_H
#define PIDTOP_UI_KEYS_H

#include <stddef.h>

enum ui_action {
	ACT_NONE,
	ACT_UP, ACT_DOWN, ACT_PAGE_UP, ACT_PAGE_DOWN, ACT_HOME, ACT_END,
	ACT_SORT_MENU, ACT_SORT_LEFT, ACT_SORT_RIGHT,
	ACT_SORT_CPU, ACT_SORT_MEM, ACT_SORT_TIME, ACT_SORT_PID,
	ACT_SORT_READ, ACT_SORT_WRITE, ACT_SORT_NET, ACT_REVERSE,
	ACT_THREADS, ACT_TREE, ACT_EXPAND, ACT_COLLAPSE,
	ACT_FILTER, ACT_SEARCH, ACT_SEARCH_NEXT, ACT_USER, ACT_ONLY_ACTIVE, ACT_EXITED,
	ACT_ACCUMULATED, ACT_PAUSE, ACT_FOLLOW, ACT_CMDLINE,
	ACT_SIGNAL, ACT_NICE_MINUS, ACT_NICE_PLUS, ACT_IONICE,
	ACT_DELAY, ACT_REFRESH, ACT_REDRAW, ACT_HEADER, ACT_HELP, ACT_SETUP, ACT_QUIT,
	ACT_VIEW, ACT_OPEN, ACT_PIN,
	ACT_ONLY_IO, ACT_TAG, ACT_TAG_TREE, ACT_UNTAG_ALL, ACT_KERNEL, ACT_STRACE, ACT_LSOF,
	ACT_REPLAY_BACK, ACT_REPLAY_FWD, ACT_REPLAY_START, ACT_REPLAY_END, ACT_REPLAY_JUMP,
	ACT_REPLAY_SPEED, ACT_GROUP,
	ACT_COUNT
};

/* What the loop must do after an action (or a menu, prompt or mouse event). */
enum ui_reaction {
	RX_REDRAW = 1u << 0,  /* draw the frame again */
	RX_REBUILD = 1u << 1, /* filter and sort the rows again (no new sample) */
	RX_REFRESH = 1u << 2, /* take a new sample now */
	RX_NAVIGATE = 1u << 3, /* the user moved: pause re-sorting for a moment */
	RX_QUIT = 1u << 4,
	RX_CLEAR = 1u << 5,   /* repaint the whole terminal (Ctrl-L, after a resize) */
};

/* Control keys as curses reports them */
#define KEYS_CTRL(c) ((c) & 0x1f)
#define KEYS_ESC 27

enum ui_action keys_action(int key);

struct key_help {
	const char *keys; /* as shown: "F9 k" */
	const char *what;
	enum ui_action action;
};
extern const struct key_help keys_help[];
extern const size_t keys_help_count;

/* The function bar at the bottom: label, action, and whether it changes a
 * task (hidden with --readonly). */
struct fbar_item {
	const char *key, *label;
	enum ui_action action;
	int modifies;
};
extern const struct fbar_item keys_fbar[];
extern const size_t keys_fbar_count;

/* Key bindings, for tests and the help screen */
struct key_binding {
	int key;
	enum ui_action action;
};
extern const struct key_binding keys_bindings[];
extern const size_t keys_bindings_count;

/* true for actions that change a task (signal, nice, I/O priority) or
 * attach to it (strace, lsof): all refused with --readonly */
int keys_action_modifies(enum ui_action a);

/* An escape sequence the terminal description does not know (Ctrl+arrows
 * on some terminals, focus reports, Alt+key) reaches us as ESC followed by
 * its bytes. The loop feeds the bytes after the ESC here until it returns
 * 0, and drops them all, so the '[' of "ESC [ 1 ; 5 A" is never read as the
 * nice key. Start with state = 0. */
struct keys_escape {
	int state;
};
int keys_escape_more(struct keys_escape *e, int ch);

#endif
