/* tags.c - tagged tasks (htop's Space): kept by identity (tid and start
 * time) across refreshes, so a reused pid is never tagged by mistake, and
 * acted on together by kill, nice and ionice. */
#include "uistate.h"
#include "tags.h"

#include <stdlib.h>

static const struct task *proc_of(const struct task *t)
{
	return t->process ? t->process : t;
}

static long tag_index(const struct ui *ui, int32_t tid, uint64_t start)
{
	for (size_t i = 0; i < ui->ntags; i++)
		if (ui->tags[i].tid == tid && ui->tags[i].start == start)
			return (long)i;
	return -1;
}

bool tags_has(const struct ui *ui, const struct task *t)
{
	return ui->ntags && tag_index(ui, t->tid, t->start_ticks) >= 0;
}

static bool tag_add(struct ui *ui, const struct task *t)
{
	if (tag_index(ui, t->tid, t->start_ticks) >= 0)
		return true;
	if (ui->ntags == ui->tags_cap) {
		size_t cap = ui->tags_cap ? ui->tags_cap * 2 : 16;
		struct ui_tag *v = realloc(ui->tags, cap * sizeof *v);
		if (!v)
			return false;
		ui->tags = v;
		ui->tags_cap = cap;
	}
	ui->tags[ui->ntags++] = (struct ui_tag){t->tid, t->start_ticks};
	return true;
}

bool tags_toggle(struct ui *ui, const struct task *t)
{
	long i = tag_index(ui, t->tid, t->start_ticks);
	if (i >= 0) {
		ui->tags[i] = ui->tags[--ui->ntags];
		return false;
	}
	return tag_add(ui, t);
}

void tags_clear(struct ui *ui)
{
	ui->ntags = 0;
}

/* The rows whose process descends from t's process: each pass adds the
 * children of what is tagged so far, until a pass adds nothing. */
struct desc_ctx {
	struct ui *ui;
	int32_t *pids;
	size_t npids, cap;
	bool grew, failed;
};

static bool has_pid(const struct desc_ctx *c, int32_t pid)
{
	for (size_t i = 0; i < c->npids; i++)
		if (c->pids[i] == pid)
			return true;
	return false;
}

static void add_child(struct task *t, void *arg)
{
	struct desc_ctx *c = arg;
	const struct task *p = proc_of(t);
	if (t->exited_gen || !has_pid(c, p->ppid) || has_pid(c, p->tgid))
		return;
	if (c->npids == c->cap) {
		size_t cap = c->cap * 2;
		int32_t *v = realloc(c->pids, cap * sizeof *v);
		if (!v) {
			c->failed = true;
			return;
		}
		c->pids = v;
		c->cap = cap;
	}
	c->pids[c->npids++] = p->tgid;
	c->grew = true;
}

static void tag_member(struct task *t, void *arg)
{
	struct desc_ctx *c = arg;
	if (!t->exited_gen && has_pid(c, t->tgid) && !tag_add(c->ui, t))
		c->failed = true;
}

size_t tags_add_descendants(struct ui *ui, const struct task *t)
{
	struct desc_ctx c = {ui, malloc(16 * sizeof(int32_t)), 1, 16, true, false};
	if (!c.pids)
		return 0;
	c.pids[0] = t->tgid;
	struct task_table *rows = model_rows_table(ui->m);
	while (c.grew && !c.failed) {
		c.grew = false;
		task_table_foreach(rows, add_child, &c);
	}
	size_t before = ui->ntags;
	task_table_foreach(rows, tag_member, &c);
	free(c.pids);
	return ui->ntags - before;
}

struct task *tags_task(struct ui *ui, size_t i)
{
	struct task *t = task_table_find(model_rows_table(ui->m), ui->tags[i].tid);
	return t && t->start_ticks == ui->tags[i].start && !t->exited_gen ? t : NULL;
}

void tags_prune(struct ui *ui)
{
	for (size_t i = 0; i < ui->ntags;) {
		if (!tags_task(ui, i))
			ui->tags[i] = ui->tags[--ui->ntags];
		else
			i++;
	}
}
