/* tree.c - rows by identity, and children under their parents */
#include "tree.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(int32_t tid, size_t mask)
{
	/* Fibonacci hashing: pids are dense and sequential */
	return (size_t)(((uint32_t)tid * 2654435761u)) & mask;
}

int rowmap_build(struct rowmap *map, const int32_t *tids, const uint64_t *starts, size_t n)
{
	size_t want = 16;
	while (want < n * 2 + 1) {
		if (want > SIZE_MAX / 2 / sizeof *map->slots)
			return -1;
		want *= 2;
	}
	if (want > map->nslots) {
		struct rowmap_slot *s = realloc(map->slots, want * sizeof *s);
		if (!s)
			return -1;
		map->slots = s;
		map->nslots = want;
	}
	memset(map->slots, 0, map->nslots * sizeof *map->slots);
	size_t mask = map->nslots - 1;
	for (size_t i = 0; i < n; i++) {
		size_t k = slot_of(tids[i], mask);
		while (map->slots[k].tid != 0 && map->slots[k].tid != tids[i])
			k = (k + 1) & mask;
		if (map->slots[k].tid != 0)
			continue; /* the first position of a repeated tid wins */
		map->slots[k].tid = tids[i];
		map->slots[k].pos = (uint32_t)i;
		map->slots[k].start_ticks = starts ? starts[i] : 0;
	}
	return 0;
}

long rowmap_find_tid(const struct rowmap *map, int32_t tid)
{
	if (!map->nslots || tid == 0)
		return -1;
	size_t mask = map->nslots - 1;
	for (size_t k = slot_of(tid, mask);; k = (k + 1) & mask) {
		if (map->slots[k].tid == tid)
			return (long)map->slots[k].pos;
		if (map->slots[k].tid == 0)
			return -1;
	}
}

long rowmap_find(const struct rowmap *map, int32_t tid, uint64_t start_ticks)
{
	if (!map->nslots || tid == 0)
		return -1;
	size_t mask = map->nslots - 1;
	for (size_t k = slot_of(tid, mask);; k = (k + 1) & mask) {
		if (map->slots[k].tid == tid)
			return map->slots[k].start_ticks == start_ticks ? (long)map->slots[k].pos
									 : -1;
		if (map->slots[k].tid == 0)
			return -1;
	}
}

void rowmap_free(struct rowmap *map)
{
	free(map->slots);
	memset(map, 0, sizeof *map);
}

int32_t tree_parent_tid(const struct task *t)
{
	if (t->tid != t->tgid)
		return t->tgid;
	return t->process ? t->process->ppid : t->ppid;
}

static int grow(struct tree *tr, size_t n)
{
	if (n <= tr->cap)
		return 0;
	size_t cap = tr->cap ? tr->cap : 256;
	while (cap < n)
		cap *= 2;
	long *a = realloc(tr->first_child, cap * sizeof *a);
	if (!a)
		return -1;
	tr->first_child = a;
	if (!(a = realloc(tr->next_sibling, cap * sizeof *a)))
		return -1;
	tr->next_sibling = a;
	if (!(a = realloc(tr->parent, cap * sizeof *a)))
		return -1;
	tr->parent = a;
	if (!(a = realloc(tr->stack, cap * sizeof *a)))
		return -1;
	tr->stack = a;
	struct task **o = realloc(tr->out, cap * sizeof *o);
	if (!o)
		return -1;
	tr->out = o;
	struct tree_info *inf = realloc(tr->info, cap * sizeof *inf);
	if (!inf)
		return -1;
	tr->info = inf;
	int32_t *ids = realloc(tr->tids, cap * sizeof *ids);
	if (!ids)
		return -1;
	tr->tids = ids;
	uint16_t *d = realloc(tr->depth, cap * sizeof *d);
	if (!d)
		return -1;
	tr->depth = d;
	tr->cap = cap;
	return 0;
}

static bool is_collapsed(int32_t tid, const int32_t *collapsed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (collapsed[i] == tid)
			return true;
	return false;
}

/* Depth-first from root r, appending to tr->out; returns the new count.
 * The stack holds rows still to visit, ~i for rows hidden under a
 * collapsed parent (visited but not shown). A visited mark (parent = -2)
 * stops a cycle (pid reuse can make a task look like its own ancestor). */
static size_t walk(struct tree *tr, struct task **rows, long r, size_t count,
		   const int32_t *collapsed, size_t ncollapsed)
{
	size_t sp = 0;
	tr->stack[sp++] = r;
	tr->depth[r] = 0;
	while (sp) {
		long v = tr->stack[--sp];
		bool hidden = v < 0;
		long i = hidden ? ~v : v;
		if (tr->parent[i] == -2)
			continue;
		long par = tr->parent[i];
		tr->parent[i] = -2;
		bool fold = hidden;
		if (!hidden) {
			struct tree_info *inf = &tr->info[count];
			inf->depth = tr->depth[i];
			inf->last = tr->next_sibling[i] < 0 || par < 0;
			inf->has_children = tr->first_child[i] >= 0;
			inf->collapsed = inf->has_children &&
					 is_collapsed(rows[i]->tid, collapsed, ncollapsed);
			tr->out[count++] = rows[i];
			fold = inf->collapsed;
		}
		/* push children in reverse so the first child is visited first */
		size_t base = sp;
		for (long c = tr->first_child[i]; c >= 0; c = tr->next_sibling[c]) {
			if (tr->parent[c] == -2 || sp >= tr->cap)
				continue;
			tr->depth[c] = tr->depth[i] < UINT16_MAX ? (uint16_t)(tr->depth[i] + 1)
								 : UINT16_MAX;
			tr->stack[sp++] = fold ? ~c : c;
		}
		for (size_t a = base, b = sp; a + 1 < b; a++, b--) {
			long t = tr->stack[a];
			tr->stack[a] = tr->stack[b - 1];
			tr->stack[b - 1] = t;
		}
	}
	return count;
}

int tree_order(struct tree *tr, struct task **rows, size_t *n, const int32_t *collapsed,
	       size_t ncollapsed)
{
	size_t nrows = *n;
	if (nrows == 0)
		return 0;
	if (grow(tr, nrows) < 0)
		return -1;
	int32_t *tids = tr->tids;
	for (size_t i = 0; i < nrows; i++)
		tids[i] = rows[i]->tid;
	if (rowmap_build(&tr->map, tids, NULL, nrows) < 0)
		return -1;
	for (size_t i = 0; i < nrows; i++) {
		tr->first_child[i] = tr->next_sibling[i] = -1;
		int32_t ptid = tree_parent_tid(rows[i]);
		long p = ptid != rows[i]->tid ? rowmap_find_tid(&tr->map, ptid) : -1;
		tr->parent[i] = p;
	}
	/* children lists in row order: prepend while walking backwards */
	for (size_t k = nrows; k-- > 0;) {
		long p = tr->parent[k];
		if (p >= 0) {
			tr->next_sibling[k] = tr->first_child[p];
			tr->first_child[p] = (long)k;
		}
	}
	size_t count = 0;
	for (size_t i = 0; i < nrows; i++)
		if (tr->parent[i] == -1)
			count = walk(tr, rows, (long)i, count, collapsed, ncollapsed);
	/* rows in a parent cycle have no root: show them as roots */
	for (size_t i = 0; i < nrows; i++)
		if (tr->parent[i] != -2) {
			tr->parent[i] = -1;
			count = walk(tr, rows, (long)i, count, collapsed, ncollapsed);
		}
	memcpy(rows, tr->out, count * sizeof *rows);
	*n = count;
	return 0;
}

void tree_free(struct tree *tr)
{
	rowmap_free(&tr->map);
	free(tr->first_child);
	free(tr->next_sibling);
	free(tr->parent);
	free(tr->stack);
	free(tr->out);
	free(tr->info);
	free(tr->tids);
	free(tr->depth);
	memset(tr, 0, sizeof *tr);
}
