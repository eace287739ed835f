/* tasktable.c - tid -> task hash table with chunked, reusable storage */
#include "task.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_TASKS 256
#define CHUNK_DELTAS 64

static struct task *at(const struct task_table *t, uint32_t place)
{
	return &t->chunks[place / CHUNK_TASKS][place % CHUNK_TASKS];
}

void task_table_init(struct task_table *t)
{
	memset(t, 0, sizeof *t);
	intmap_init(&t->index);
	t->free_list = INTMAP_NONE;
}

void task_table_free(struct task_table *t)
{
	for (size_t c = 0; c < t->nchunks; c++) {
		struct task *chunk = t->chunks[c];
		for (size_t i = 0; i < CHUNK_TASKS; i++)
			task_release(&chunk[i], t->deltas);
		free(chunk);
	}
	free(t->chunks);
	intmap_free(&t->index);
	task_table_init(t);
}

struct task *task_table_find(const struct task_table *t, int32_t tid)
{
	uint32_t place = intmap_get(&t->index, (uint32_t)tid);
	return place == INTMAP_NONE ? NULL : at(t, place);
}

static bool add_chunk(struct task_table *t)
{
	if (t->nchunks >= INTMAP_NONE / CHUNK_TASKS - 1)
		return false;
	struct task **chunks = array_grow(t->chunks, &t->chunks_cap, t->nchunks + 1,
					  sizeof *chunks, 16);
	if (!chunks)
		return false;
	t->chunks = chunks;
	struct task *chunk = calloc(CHUNK_TASKS, sizeof *chunk);
	if (!chunk)
		return false;
	uint32_t first = (uint32_t)(t->nchunks * CHUNK_TASKS);
	t->chunks[t->nchunks++] = chunk;
	for (size_t i = CHUNK_TASKS; i-- > 0;) {
		chunk[i].pool_next = t->free_list;
		t->free_list = first + (uint32_t)i;
	}
	return true;
}

struct task *task_table_insert(struct task_table *t, int32_t tid)
{
	if (t->free_list == INTMAP_NONE && !add_chunk(t))
		return NULL;
	uint32_t place = t->free_list;
	if (intmap_put(&t->index, (uint32_t)tid, place) < 0)
		return NULL;
	struct task *task = at(t, place);
	t->free_list = task->pool_next;
	memset(task, 0, sizeof *task);
	task->tid = tid;
	task->in_use = true;
	t->count++;
	return task;
}

void task_table_remove(struct task_table *t, struct task *task)
{
	uint32_t place = intmap_get(&t->index, (uint32_t)task->tid);
	if (place == INTMAP_NONE || at(t, place) != task)
		return;
	intmap_remove(&t->index, (uint32_t)task->tid);
	t->count--;
	task_release(task, t->deltas);
	task->in_use = false;
	task->pool_next = t->free_list;
	t->free_list = place;
}

void task_table_foreach(struct task_table *t, void (*fn)(struct task *, void *), void *ctx)
{
	for (size_t c = 0; c < t->nchunks; c++) {
		struct task *chunk = t->chunks[c];
		for (size_t i = 0; i < CHUNK_TASKS; i++)
			if (chunk[i].in_use)
				fn(&chunk[i], ctx);
	}
}

void task_reset(struct task *task, struct delta_pool *pool)
{
	int32_t tid = task->tid;
	task_release(task, pool);
	memset(task, 0, sizeof *task);
	task->tid = tid;
	task->in_use = true;
}

void task_release(struct task *task, struct delta_pool *pool)
{
	free(task->cmdline);
	task->cmdline = NULL;
	free(task->cgroup);
	task->cgroup = NULL;
	free(task->first);
	task->first = NULL;
	free(task->hist);
	task->hist = NULL;
	free(task->main_raw);
	task->main_raw = NULL;
	free(task->comm_long);
	task->comm_long = NULL;
	delta_release(pool, task);
}

bool task_set_comm(struct task *t, const char *name)
{
	if (strcmp(task_comm(t), name) == 0)
		return false;
	size_t n = strlen(name);
	if (n < sizeof t->comm_in) {
		free(t->comm_long);
		t->comm_long = NULL;
		memcpy(t->comm_in, name, n + 1);
		return true;
	}
	char *s = realloc(t->comm_long, n + 1);
	if (s) {
		memcpy(s, name, n + 1);
		t->comm_long = s;
		return true;
	}
	free(t->comm_long);
	t->comm_long = NULL;
	memcpy(t->comm_in, name, sizeof t->comm_in - 1);
	t->comm_in[sizeof t->comm_in - 1] = '\0';
	return true;
}

/* ---- delta records ---- */

void delta_pool_free(struct delta_pool *pool)
{
	for (size_t c = 0; c < pool->nchunks; c++)
		free(pool->chunks[c]);
	free(pool->chunks);
	memset(pool, 0, sizeof *pool);
}

static bool delta_add_chunk(struct delta_pool *pool)
{
	struct task_delta **chunks = array_grow(pool->chunks, &pool->chunks_cap,
						pool->nchunks + 1, sizeof *chunks, 16);
	if (!chunks)
		return false;
	pool->chunks = chunks;
	struct task_delta *chunk = malloc(CHUNK_DELTAS * sizeof *chunk);
	if (!chunk)
		return false;
	pool->chunks[pool->nchunks++] = chunk;
	for (size_t i = CHUNK_DELTAS; i-- > 0;) {
		chunk[i].next_free = pool->free_list;
		pool->free_list = &chunk[i];
	}
	return true;
}

bool delta_hold(struct delta_pool *pool, struct task *task)
{
	if (task->delta)
		return true;
	if (!pool || (!pool->free_list && !delta_add_chunk(pool)))
		return false;
	struct task_delta *d = pool->free_list;
	pool->free_list = d->next_free;
	d->next_free = NULL;
	d->prev = task->cur;
	memset(&d->net, 0, sizeof d->net);
	memset(&d->rates, 0, sizeof d->rates);
	task->delta = d;
	pool->held++;
	return true;
}

void delta_release(struct delta_pool *pool, struct task *task)
{
	struct task_delta *d = task->delta;
	task->delta = NULL;
	if (!d || !pool)
		return; /* no pool: a record the caller owns (tests) */
	d->next_free = pool->free_list;
	pool->free_list = d;
	pool->held--;
}
