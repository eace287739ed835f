/* grid.h - the activity grid: one cell per task, grouped by user.
 *
 * grid.c is the layout as a pure function (tasks in, cells out, no curses):
 * cells are grouped by user (uid order), each group starts a new line, and
 * inside a group cells are ordered by start time (then tid), so a cell
 * keeps its place from refresh to refresh and a new task appears at the
 * end of its group. A cell's colour class comes from what the task did in
 * the last interval, its glyph size from its RSS relative to the largest
 * RSS in the grid, one size up or down for the refresh where RSS changed.
 *
 * gridview.c draws it and handles its keys and mouse (curses). */
#ifndef PIDTOP_UI_GRID_H
#define PIDTOP_UI_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "task.h"

/* CPU% at which a cell counts as "used CPU": a hundredth of one CPU would
 * flag every task that woke up once; one percent is visible work. */
#define GRID_CPU_ACTIVE_PCT 1.0

enum grid_activity { GRID_IDLE, GRID_CPU, GRID_IO, GRID_BOTH, GRID_EXITED, GRID_ACTIVITY_COUNT };

/* Glyph sizes: base sizes 1..GRID_GLYPHS-2 by RSS; a throb moves one up or
 * down, so 0 and GRID_GLYPHS-1 appear only while RSS changes. */
#define GRID_GLYPHS 6

struct grid_cell {
	struct task *t;
	uint32_t line;  /* grid line (user groups take one or more lines) */
	uint32_t col;   /* cell position in its line */
	uint8_t activity; /* enum grid_activity */
	uint8_t glyph;    /* 0 .. GRID_GLYPHS-1 */
	bool net;         /* sent or received network traffic */
	bool first_sample; /* no rate yet: its colour says nothing */
};

struct grid_line {
	uint32_t uid;
	size_t first;  /* index of its first cell */
	uint32_t ncells;
	bool labelled; /* the first line of a user's group carries the name */
};

struct grid {
	struct grid_cell *cells;
	size_t ncells, cells_cap;
	struct grid_line *lines;
	size_t nlines, lines_cap;
	uint32_t per_line;
	uint64_t max_rss_kb;
};

/* Lays out tasks (any order) in lines of at most per_line cells (at least
 * 1). Returns 0, or -1 when out of memory (the grid is then empty). */
int grid_build(struct grid *g, struct task *const *tasks, size_t n, uint32_t per_line);
void grid_free(struct grid *g);

/* What a task did in the last interval, and its glyph size given the
 * largest RSS in the grid. */
enum grid_activity grid_activity_of(const struct task *t);
unsigned grid_glyph_of(const struct task *t, uint64_t max_rss_kb);

/* The cell of the task with this identity, or -1. */
long grid_find(const struct grid *g, int32_t tid, uint64_t start_ticks);
/* Cursor moves: the cell one line up or down at the same position (or the
 * last cell of a shorter line); returns cur when there is no such line. */
size_t grid_vertical(const struct grid *g, size_t cur, long dlines);

/* Sparklines: scales n values against max into levels 0 (nothing) to 8
 * (full); a value above 0 is at least level 1 so activity never vanishes.
 * max <= 0 takes the largest value. */
void grid_spark_scale(const double *v, size_t n, double max, uint8_t *levels);

/* ---- gridview.c (curses) ---- */

/* The grid view's state inside struct ui. The cursor follows the screen's
 * selected task by identity; cur_* remember it so that when the task is
 * gone the cursor stays at the same place in the grid. */
struct grid_view {
	struct grid g;
	unsigned built_gen; /* ui->rows_gen the grid was laid out from */
	bool built;
	size_t cur, top_line;
	int32_t cur_tid;
	uint64_t cur_start;
	bool have_cur;
	bool pinned; /* p: a second tip follows this task */
	int32_t pin_tid;
	uint64_t pin_start;
};

#endif
