/* tasktable.c - tid -> task hash table with chunked, reusable storage */
#include "task.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#define CHUNK_TASKS 256
#define CHUNK_DELTAS 64

static size_t slot_of(int32_t tid, size_t nslots)
{
	/* Fibonacci hashing spreads sequential pids over the table */
	uint64_t h = (uint64_t)(uint32_t)tid * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (nslots - 1);
}

void task_table_init(struct task_table *t)
{
	memset(t, 0, sizeof *t);
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
	free(t->slots);
	memset(t, 0, sizeof *t);
}

struct task *task_table_find(const struct task_table *t, int32_t tid)
{
	if (!t->nslots)
		return NULL;
	size_t mask = t->nslots - 1;
	for (size_t i = slot_of(tid, t->nslots);; i = (i + 1) & mask) {
		struct task *task = t->slots[i];
		if (!task)
			return NULL;
		if (task->tid == tid)
			return task;
	}
}

static bool grow_slots(struct task_table *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 1024;
	if (n < t->nslots || n > SIZE_MAX / sizeof(struct task *))
		return false;
	struct task **slots = calloc(n, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < t->nslots; i++) {
		struct task *task = t->slots[i];
		if (!task)
			continue;
		size_t j = slot_of(task->tid, n);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = task;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return true;
}

static bool add_chunk(struct task_table *t)
{
	struct task **chunks = array_grow(t->chunks, &t->chunks_cap, t->nchunks + 1,
					  sizeof *chunks, 16);
	if (!chunks)
		return false;
	t->chunks = chunks;
	struct task *chunk = calloc(CHUNK_TASKS, sizeof *chunk);
	if (!chunk)
		return false;
	t->chunks[t->nchunks++] = chunk;
	for (size_t i = CHUNK_TASKS; i-- > 0;) {
		chunk[i].pool_next = t->free_list;
		t->free_list = &chunk[i];
	}
	return true;
}

struct task *task_table_insert(struct task_table *t, int32_t tid)
{
	/* keep the load factor under three quarters so probes stay short
	 * (linear probing: ~2.5 slots per hit, ~8.5 per miss at the limit) */
	if ((t->count + 1) * 4 > t->nslots * 3 && !grow_slots(t))
		return NULL;
	if (!t->free_list && !add_chunk(t))
		return NULL;
	struct task *task = t->free_list;
	t->free_list = task->pool_next;
	memset(task, 0, sizeof *task);
	task->tid = tid;
	task->in_use = true;
	size_t mask = t->nslots - 1;
	size_t i = slot_of(tid, t->nslots);
	while (t->slots[i])
		i = (i + 1) & mask;
	t->slots[i] = task;
	t->count++;
	return task;
}

void task_table_remove(struct task_table *t, struct task *task)
{
	size_t mask = t->nslots - 1;
	size_t i = slot_of(task->tid, t->nslots);
	while (t->slots[i] != task) {
		if (!t->slots[i])
			return;
		i = (i + 1) & mask;
	}
	/* backward-shift deletion keeps probe chains intact without tombstones */
	size_t j = i;
	for (;;) {
		t->slots[i] = NULL;
		for (;;) {
			j = (j + 1) & mask;
			if (!t->slots[j])
				goto done;
			size_t k = slot_of(t->slots[j]->tid, t->nslots);
			/* move slots[j] into the hole unless its home lies cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->slots[i] = t->slots[j];
		i = j;
	}
done:
	t->count--;
	task_release(task, t->deltas);
	task->in_use = false;
	task->pool_next = t->free_list;
	t->free_list = task;
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
