/* tree.c - rows by identity, and children under their parents */
#include "tree.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

int rowmap_build(struct rowmap *map, const int32_t *tids, const uint64_t *starts, size_t n)
{
	intmap_clear(&map->pos);
	if (n >= INTMAP_NONE || intmap_reserve(&map->pos, n) < 0 ||
	    array_reserve((void **)&map->start_ticks, &map->cap, n, sizeof *map->start_ticks) < 0)
		return -1;
	/* backwards, so that the first position of a repeated tid is put
	 * last and wins; tid 0 is no task's */
	for (size_t i = n; i-- > 0;) {
		map->start_ticks[i] = starts ? starts[i] : 0;
		if (tids[i] != 0)
			intmap_put(&map->pos, (uint32_t)tids[i], (uint32_t)i); /* room was made */
	}
	return 0;
}

long rowmap_find_tid(const struct rowmap *map, int32_t tid)
{
	uint32_t pos = tid ? intmap_get(&map->pos, (uint32_t)tid) : INTMAP_NONE;
	return pos == INTMAP_NONE ? -1 : (long)pos;
}

long rowmap_find(const struct rowmap *map, int32_t tid, uint64_t start_ticks)
{
	long pos = rowmap_find_tid(map, tid);
	return pos >= 0 && map->start_ticks[pos] == start_ticks ? pos : -1;
}

void rowmap_free(struct rowmap *map)
{
	intmap_free(&map->pos);
	free(map->start_ticks);
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
