/* settings.h - the screen's settings and $XDG_CONFIG_HOME/pidtop/pidtoprc.
 *
 * The file is "key=value" lines ('#' starts a comment):
 *   columns=pid,user,state,...   column ids in display order
 *   sort=cpu_pct  reverse=0  interval=1  threads=0  tree=0  header=1
 *   cmdline=1  kernel=1  color=auto|mono  view=table|grid
 *   group=none|user|cgroup|comm   the table's group view (v)
 * A bad line is reported and its setting keeps the default; the file is
 * never rewritten without a backup. It is written only by the user who
 * owns it and its directory (so a sudo run never writes into the invoking
 * user's), never through a symbolic link nor into a directory writable by
 * group or others, atomically, mode 0600. No curses here. */
#ifndef PIDTOP_UI_SETTINGS_H
#define PIDTOP_UI_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "columns.h"

#define SETTINGS_MAX_COLUMNS 64
#define SETTINGS_FILE_MAX (64 * 1024)

enum ui_view { UI_VIEW_TABLE, UI_VIEW_GRID, UI_VIEW_TIMELINE };
/* the table's rows: tasks, or groups of tasks (v cycles in this order) */
enum ui_group { UI_GROUP_NONE, UI_GROUP_USER, UI_GROUP_CGROUP, UI_GROUP_COMM, UI_GROUP_COUNT };
/* "none", "user", "cgroup", "comm" */
extern const char *const settings_group_names[UI_GROUP_COUNT];

struct ui_settings {
	const struct column *cols[SETTINGS_MAX_COLUMNS];
	size_t ncols;
	const struct column *sort;
	bool reverse;
	double interval_s;
	bool threads, tree, header;
	bool cmdline; /* COMMAND shows the full command line (else the task name) */
	bool kernel;  /* kernel threads shown (K) */
	bool mono;    /* monochrome even where colours work */
	enum ui_view view;
	enum ui_group group;
};

void settings_defaults(struct ui_settings *s);
/* Parses a file's text over s (start from settings_defaults). Returns the
 * number of bad lines; the first problem is described in warn
 * ("line 3: unknown column 'foo'"). */
int settings_parse(const char *text, size_t len, struct ui_settings *s, char *warn,
		   size_t warnlen);
void settings_format(const struct ui_settings *s, struct buf *b);
bool settings_equal(const struct ui_settings *a, const struct ui_settings *b);
/* What to save: the file's settings, with every setting that the user
 * changed on the screen (cur differs from start) taken from cur; so
 * command-line overrides that were not touched are not persisted. */
void settings_merge(const struct ui_settings *file, const struct ui_settings *start,
		    const struct ui_settings *cur, struct ui_settings *out);

struct settings_file {
	char dir[4096];  /* .../pidtop */
	char path[4200]; /* .../pidtop/pidtoprc */
	bool exists;     /* it was there and readable at load */
	bool malformed;  /* it had bad lines: back it up before replacing it */
};

/* Finds the path from XDG_CONFIG_HOME (or HOME/.config). Returns 0, or -1
 * when neither is set to an absolute path. */
int settings_locate(struct settings_file *f);
/* Loads the file over s. Returns 0 (also when it does not exist), or -1
 * with a one-line warning in warn (malformed, unreadable, a symlink);
 * the good parts are still applied. */
int settings_load(struct settings_file *f, struct ui_settings *s, char *warn, size_t warnlen);
/* Writes s atomically. Returns 1 when written, 0 when skipped because the
 * effective user does not own the directory or the file (or the file is
 * not a regular file: a symbolic link), -1 with why on error or when the
 * directory is writable by group or others. */
int settings_save(const struct settings_file *f, const struct ui_settings *s, char *why,
		  size_t whylen);

#endif
