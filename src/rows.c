/* rows.c - filtering and sorting the rows */
#include "rows.h"
#include "rowextra.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

/* /proc/PID/io (or taskstats) storage bytes moved since the previous
 * sample: iotop's -o, in rate and accumulated mode alike */
static bool did_io(const struct task *t)
{
	const struct task_counters *prev = task_prev(t);
	return t->rates_valid && (t->have & TG_IO) &&
	       (t->cur.read_bytes != prev->read_bytes || t->cur.write_bytes != prev->write_bytes);
}

bool rows_filter_match(const struct row_filter *f, struct model *m, const struct task *t)
{
	/* exited tasks show once, in the report of the interval they ended in,
	 * when their exit record gave their final figures */
	bool just_ended = t->exit_final && t->exited_gen == model_gen(m);
	if (t->exited_gen && (f->hide_exited || (!just_ended && !f->include_exited)))
		return false;
	if (f->npids) {
		bool hit = false;
		for (size_t i = 0; i < f->npids && !hit; i++)
			hit = f->pids[i] == t->tgid;
		if (!hit)
			return false;
	}
	if (f->nuids) {
		bool hit = false;
		for (size_t i = 0; i < f->nuids && !hit; i++)
			hit = f->uids[i] == t->uid;
		if (!hit)
			return false;
	}
	if (f->only_active && !t->active)
		return false;
	if (f->only_io && !did_io(t))
		return false;
	if (f->hide_kernel && task_is_kernel_thread(t->process ? t->process : t))
		return false;
	if (f->command) {
		const struct task *p = t->process ? t->process : t;
		const char *cmd = p->cmdline ? p->cmdline : task_comm(p);
		if (regexec(f->command, cmd, 0, NULL, 0) != 0)
			return false;
	}
	return true;
}

struct collect_ctx {
	struct rows *v;
	struct model *m;
	const struct row_filter *f;
	bool failed;
};

static void collect(struct task *t, void *arg)
{
	struct collect_ctx *c = arg;
	if (c->failed || !rows_filter_match(c->f, c->m, t))
		return;
	struct rows *v = c->v;
	struct task **rows = array_grow(v->rows, &v->cap, v->nrows + 1, sizeof *rows, 1024);
	if (!rows) {
		c->failed = true;
		return;
	}
	v->rows = rows;
	v->rows[v->nrows++] = t;
}

struct sort_ctx {
	const struct column *col;
	struct model *m;
	bool reverse;
};

static int compare_rows(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *s = arg;
	return column_compare(s->col, s->m, *(struct task *const *)a, *(struct task *const *)b,
			      s->reverse);
}

int rows_build(struct rows *v, struct model *m, const struct row_filter *f,
	       const struct column *sort, bool reverse)
{
	v->nrows = 0;
	struct collect_ctx c = {v, m, f, false};
	task_table_foreach(model_rows_table(m), collect, &c);
	size_t nexited;
	struct task *exited = model_exited(m, &nexited);
	for (size_t i = 0; i < nexited && !c.failed; i++)
		collect(&exited[i], &c);
	if (c.failed)
		return -1;
	if (sort && (sort->flags & COL_EXTRA))
		rowextra_update(m, v->rows, v->nrows); /* every row's value, to sort */
	if (sort && v->nrows > 1) {
		struct sort_ctx s = {sort, m, reverse};
		qsort_r(v->rows, v->nrows, sizeof *v->rows, compare_rows, &s);
	}
	return 0;
}

void rows_free(struct rows *v)
{
	free(v->rows);
	memset(v, 0, sizeof *v);
}

static const char *command_of(const struct task *t)
{
	const struct task *p = t->process ? t->process : t;
	return p->cmdline ? p->cmdline : task_comm(p);
}

bool rows_task_matches(const struct task *t, const char *text)
{
	return strcasestr(command_of(t), text) || strcasestr(task_comm(t), text);
}

void rows_keep_matching(struct rows *v, const char *text)
{
	if (!text || !*text)
		return;
	size_t k = 0;
	for (size_t i = 0; i < v->nrows; i++)
		if (rows_task_matches(v->rows[i], text))
			v->rows[k++] = v->rows[i];
	v->nrows = k;
}
