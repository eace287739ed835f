/* average.c - the "Average:" block of a text run with a COUNT */
#include "average.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

/* One column of one task over the run. */
struct avg_cell {
	double sum;       /* averaged columns: the values summed */
	uint32_t n;       /* how many reports gave a value */
	struct cell last; /* the last report's cell (text copied to `text`) */
	char *text;
};

struct avg_task {
	int32_t tid;
	uint64_t start;
	struct avg_cell *cells; /* ncols of them */
};

struct average {
	const struct column *cols[OUTPUT_MAX_COLUMNS];
	size_t ncols;
	struct avg_task *tasks;
	size_t ntasks, cap;
	size_t *slots; /* open addressing by tid: index + 1 into tasks, 0 empty */
	size_t nslots;  /* a power of two, at least twice ntasks */
	unsigned reports;
};

/* Rates, percentages and sizes are averaged; ids, names, states, counts
 * and times keep their last value. */
static bool averaged(const struct column *col)
{
	return col->unit == UNIT_PCT || col->unit == UNIT_KB || col->unit == UNIT_BPS ||
	       col->unit == UNIT_PS;
}

struct average *average_new(const struct output *o)
{
	struct average *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->ncols = o->ntext;
	memcpy(a->cols, o->text_cols, o->ntext * sizeof o->text_cols[0]);
	return a;
}

static void task_free(const struct average *a, struct avg_task *t)
{
	for (size_t i = 0; t->cells && i < a->ncols; i++)
		free(t->cells[i].text);
	free(t->cells);
}

void average_free(struct average *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->ntasks; i++)
		task_free(a, &a->tasks[i]);
	free(a->tasks);
	free(a->slots);
	free(a);
}

static size_t slot_of(const struct average *a, int32_t tid)
{
	return ((uint32_t)tid * 2654435761u) & (a->nslots - 1);
}

static bool rehash(struct average *a)
{
	size_t n = a->nslots ? a->nslots * 2 : 256;
	size_t *s = calloc(n, sizeof *s);
	if (!s)
		return false;
	free(a->slots);
	a->slots = s;
	a->nslots = n;
	for (size_t i = 0; i < a->ntasks; i++) {
		size_t k = slot_of(a, a->tasks[i].tid);
		while (a->slots[k])
			k = (k + 1) & (n - 1);
		a->slots[k] = i + 1;
	}
	return true;
}

static struct avg_task *find_or_add(struct average *a, const struct task *t)
{
	if ((a->ntasks + 1) * 2 > a->nslots && !rehash(a))
		return NULL;
	size_t k = slot_of(a, t->tid);
	for (; a->slots[k]; k = (k + 1) & (a->nslots - 1)) {
		struct avg_task *e = &a->tasks[a->slots[k] - 1];
		if (e->tid == t->tid && e->start == t->start_ticks)
			return e;
	}
	struct avg_task *grown = array_grow(a->tasks, &a->cap, a->ntasks + 1, sizeof *a->tasks, 256);
	struct avg_cell *cells = calloc(a->ncols ? a->ncols : 1, sizeof *cells);
	if (!grown || !cells) {
		free(cells);
		return NULL;
	}
	a->tasks = grown;
	struct avg_task *e = &a->tasks[a->ntasks++];
	*e = (struct avg_task){t->tid, t->start_ticks, cells};
	a->slots[k] = a->ntasks;
	return e;
}

static int keep_cell(const struct column *col, struct avg_cell *ac, const struct cell *c)
{
	if (c->state == CELL_VALUE && averaged(col)) {
		ac->sum += c->kind == CELL_INT ? (double)c->i : c->d;
		ac->n++;
	}
	if (c->state != CELL_VALUE && averaged(col) && ac->n)
		return 0; /* a rate missing now: the mean of those it had stands */
	ac->last = *c;
	if (c->state == CELL_VALUE && c->kind == CELL_TEXT &&
	    !(ac->text && strlen(ac->text) == c->slen && memcmp(ac->text, c->s, c->slen) == 0)) {
		char *copy = malloc(c->slen + 1);
		if (!copy)
			return -1;
		memcpy(copy, c->s, c->slen);
		copy[c->slen] = '\0';
		free(ac->text);
		ac->text = copy;
	}
	return 0;
}

int average_add(struct average *a, struct model *m, const struct rows *v)
{
	a->reports++;
	for (size_t r = 0; r < v->nrows; r++) {
		struct avg_task *e = find_or_add(a, v->rows[r]);
		if (!e)
			return -1;
		for (size_t i = 0; i < a->ncols; i++) {
			struct cell c;
			a->cols[i]->get(m, v->rows[r], &c);
			if (keep_cell(a->cols[i], &e->cells[i], &c) < 0)
				return -1;
		}
	}
	return 0;
}

static int by_tid(const void *x, const void *y)
{
	const struct avg_task *a = x, *b = y;
	return (a->tid > b->tid) - (a->tid < b->tid);
}

void average_report(struct average *a, struct output *o, struct model *m)
{
	if (!a->reports)
		return;
	/* the slots index the tasks: they are not used again after sorting */
	qsort(a->tasks, a->ntasks, sizeof *a->tasks, by_tid);
	static const char prefix[] = "Average: ";
	buf_printf(&o->b, "%s# %u reports\n", prefix, a->reports);
	output_text_titles(o, m, prefix);
	struct cell cells[OUTPUT_MAX_COLUMNS];
	for (size_t t = 0; t < a->ntasks; t++) {
		for (size_t i = 0; i < a->ncols; i++) {
			const struct avg_cell *ac = &a->tasks[t].cells[i];
			cells[i] = ac->last;
			if (ac->last.state == CELL_VALUE && ac->last.kind == CELL_TEXT) {
				cells[i].s = ac->text ? ac->text : "";
				cells[i].slen = strlen(cells[i].s);
			}
			if (averaged(a->cols[i]) && ac->n) {
				cells[i].state = CELL_VALUE;
				cells[i].kind = CELL_REAL;
				cells[i].d = ac->sum / ac->n;
			}
		}
		output_text_line(o, m, prefix, cells);
	}
	free(a->slots);
	a->slots = NULL;
	a->nslots = 0;
}
