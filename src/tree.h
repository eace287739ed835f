/* tree.h - identity maps over the row vector, and the tree order.
 * Pure functions over struct task; no curses. */
#ifndef PIDTOP_UI_TREE_H
#define PIDTOP_UI_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "intmap.h"
#include "task.h"

/* tid -> position, for keeping an order across refreshes and for finding
 * parents; reused from build to build. */
struct rowmap {
	struct intmap pos;     /* tid -> its first position */
	uint64_t *start_ticks; /* by position: the start time built with */
	size_t cap;
};

/* Fills the map with ids[i] -> i. Returns 0, or -1 when out of memory. */
int rowmap_build(struct rowmap *map, const int32_t *tids, const uint64_t *starts, size_t n);
/* Position of (tid, start_ticks), or -1. */
long rowmap_find(const struct rowmap *map, int32_t tid, uint64_t start_ticks);
/* Position of tid whatever its start time, or -1. */
long rowmap_find_tid(const struct rowmap *map, int32_t tid);
void rowmap_free(struct rowmap *map);
/* Whether the map was built since it was last freed. */
static inline bool rowmap_built(const struct rowmap *map)
{
	return map->pos.nslots != 0;
}

/* Per-row tree facts for drawing the COMMAND column. */
struct tree_info {
	uint16_t depth;        /* 0 = a root */
	bool last;             /* the last child of its parent */
	bool has_children;     /* (visible or collapsed) */
	bool collapsed;
};

struct tree {
	struct rowmap map;
	long *first_child, *next_sibling, *parent;
	struct task **out;
	struct tree_info *info; /* parallel to the reordered rows */
	long *stack;
	int32_t *tids;
	uint16_t *depth;
	size_t cap;
};

/* Parent of a row: a thread's process (its tgid), a process's ppid. */
int32_t tree_parent_tid(const struct task *t);

/* Reorders rows[0..*n) into tree order: each task followed by its
 * children (in the rows' current order, so the sort applies among
 * siblings), tasks whose parent is not among the rows as roots. The
 * children of tasks whose tid is in collapsed[] are left out; *n
 * shrinks accordingly. info[] describes the new rows. Returns 0 or -1
 * (out of memory: the rows are left as they were). */
int tree_order(struct tree *tr, struct task **rows, size_t *n, const int32_t *collapsed,
	       size_t ncollapsed);
void tree_free(struct tree *tr);

#endif
