/* groupview.c - the table's group view (v): tasks grouped by user, cgroup
 * or program (comm), as atop's accumulations and htop's folded tree show
 * them.
 *
 * The rows are built as always (filters, sort), so a group is made of the
 * tasks the filters keep; src/groupreport.c sums them, the same sums as
 * the batch reports' --group-by. Each group is one stand-in row in the
 * row vector: a struct task of this module's whose tid is -(index + 1)
 * (no task has a negative id), followed by its members while expanded.
 * Group indexes last while the grouping stays the same, so a group keeps
 * its selection and its expansion from refresh to refresh. */
#include "uistate.h"
#include "core.h"
#include "groupview.h"

#include <stdlib.h>
#include <string.h>

static const enum group_by group_keys[UI_GROUP_COUNT] = {
	[UI_GROUP_USER] = GROUP_BY_USER,
	[UI_GROUP_CGROUP] = GROUP_BY_CGROUP,
	[UI_GROUP_COMM] = GROUP_BY_COMM,
};

bool groupview_on(const struct ui *ui)
{
	return ui->set.group != UI_GROUP_NONE && ui->set.view == UI_VIEW_TABLE;
}

void groupview_free(struct ui *ui)
{
	struct ui_groups *g = &ui->groups;
	if (g->ready)
		group_report_free(&g->rep);
	free(g->standins);
	free(g->expanded);
	free(g->members);
	free(g->info);
	free(g->first);
	free(g->rank);
	memset(g, 0, sizeof *g);
}

/* A new grouping starts afresh: its indexes mean other groups. */
static void use_grouping(struct ui *ui)
{
	struct ui_groups *g = &ui->groups;
	if (g->ready && g->by == ui->set.group)
		return;
	groupview_free(ui);
	struct grouping grouping = {group_keys[ui->set.group], NULL};
	group_report_init(&g->rep, &grouping);
	g->by = ui->set.group;
	g->ready = true;
}

/* Grows *v to hold n items of size each, zeroing what is new. */
static bool grow_zeroed(void **v, size_t *cap, size_t n, size_t size)
{
	size_t old = *cap;
	void *p = array_grow(*v, cap, n, size, 64);
	if (!p)
		return false;
	memset((char *)p + old * size, 0, (*cap - old) * size);
	*v = p;
	return true;
}

static bool make_room(struct ui *ui, size_t nrows, size_t ngroups)
{
	struct ui_groups *g = &ui->groups;
	size_t old = g->standins_cap;
	if (!grow_zeroed((void **)&g->standins, &g->standins_cap, ngroups, sizeof *g->standins) ||
	    !grow_zeroed((void **)&g->expanded, &g->expanded_cap, ngroups, sizeof *g->expanded) ||
	    !grow_zeroed((void **)&g->first, &g->first_cap, ngroups + 1, sizeof *g->first) ||
	    !grow_zeroed((void **)&g->rank, &g->rank_cap, ngroups, sizeof *g->rank) ||
	    !grow_zeroed((void **)&g->members, &g->members_cap, nrows + 1, sizeof *g->members) ||
	    !grow_zeroed((void **)&g->info, &g->info_cap, nrows + ngroups + 1, sizeof *g->info))
		return false;
	for (size_t i = old; i < g->standins_cap; i++) {
		g->standins[i].tid = g->standins[i].tgid = -(int32_t)i - 1;
		g->standins[i].in_use = true;
		g->standins[i].state = ' ';
	}
	struct task **rows = array_grow(ui->rows.rows, &ui->rows.cap, nrows + ngroups + 1,
					sizeof *rows, 1024);
	if (!rows)
		return false;
	ui->rows.rows = rows;
	return true;
}

/* The members of each group, in the rows' order: members[first[i] ..
 * first[i + 1]) (a counting sort by group index). */
static void bucket_members(struct ui_groups *g, struct task *const *rows, size_t n)
{
	size_t ng = g->rep.names.n;
	memset(g->first, 0, (ng + 1) * sizeof *g->first);
	for (size_t r = 0; r < n; r++)
		g->first[g->rep.row_group[r] + 1]++;
	for (size_t i = 0; i < ng; i++)
		g->first[i + 1] += g->first[i];
	for (size_t r = 0; r < n; r++) {
		size_t i = (size_t)g->rep.row_group[r];
		g->members[g->first[i]++] = rows[r];
	}
	for (size_t i = ng; i > 0; i--)
		g->first[i] = g->first[i - 1];
	g->first[0] = 0;
}

/* While re-sorting pauses (the user navigates), groups keep their places
 * of the last frame; new groups follow in the sort order. */
struct keep_ctx {
	const struct rowmap *map;
	const size_t *rank; /* by group index: its place in the sort order */
};

static int compare_kept(const void *a, const void *b, void *arg)
{
	const struct keep_ctx *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	long px = rowmap_find(c->map, -(int32_t)x - 1, 0);
	long py = rowmap_find(c->map, -(int32_t)y - 1, 0);
	if (px < 0 && py < 0)
		return (c->rank[x] > c->rank[y]) - (c->rank[x] < c->rank[y]);
	if (px >= 0 && py >= 0)
		return (px > py) - (px < py);
	return px >= 0 ? -1 : 1;
}

static void keep_order(struct ui *ui, size_t count)
{
	struct ui_groups *g = &ui->groups;
	if (ui_now() >= ui->sort_pause_until_s || !rowmap_built(&ui->order_map))
		return;
	for (size_t k = 0; k < count; k++)
		g->rank[g->rep.order[k]] = k;
	struct keep_ctx c = {&ui->order_map, g->rank};
	qsort_r(g->rep.order, count, sizeof *g->rep.order, compare_kept, &c);
}

int groupview_build(struct ui *ui)
{
	if (!groupview_on(ui))
		return 0;
	use_grouping(ui);
	struct ui_groups *g = &ui->groups;
	size_t n = ui->rows.nrows;
	/* the sums and buckets read the filtered rows; the row vector then
	 * becomes the display rows */
	if (!grow_zeroed((void **)&g->members, &g->members_cap, n + 1, sizeof *g->members))
		return -1;
	struct task **rows = malloc((n + 1) * sizeof *rows);
	if (!rows)
		return -1;
	memcpy(rows, ui->rows.rows, n * sizeof *rows);
	long count = group_report_sum(&g->rep, ui->m, rows, n, ui->set.sort, ui->set.reverse);
	if (count < 0 || !make_room(ui, n, g->rep.names.n)) {
		free(rows);
		return -1;
	}
	bucket_members(g, rows, n);
	free(rows);
	keep_order(ui, (size_t)count);
	size_t out = 0;
	for (long k = 0; k < count; k++) {
		size_t i = g->rep.order[k];
		size_t from = g->first[i], to = g->first[i + 1];
		g->info[out] = (struct tree_info){0, false, to > from, !g->expanded[i]};
		ui->rows.rows[out++] = &g->standins[i];
		for (size_t j = from; g->expanded[i] && j < to; j++) {
			g->info[out] = (struct tree_info){1, j + 1 == to, false, false};
			ui->rows.rows[out++] = g->members[j];
		}
	}
	ui->rows.nrows = out;
	ui->info = g->info;
	return 0;
}

/* The group of the selected row: its own, or a member's. */
static long selected_group(struct ui *ui, size_t *group_row)
{
	for (size_t r = ui->sel + 1; r-- > 0 && r < ui->rows.nrows;) {
		long i = groupview_group(ui->rows.rows[r]);
		if (i >= 0) {
			*group_row = r;
			return i;
		}
	}
	return -1;
}

unsigned groupview_fold(struct ui *ui, int how)
{
	size_t row = 0;
	long i = selected_group(ui, &row);
	if (i < 0 || (size_t)i >= ui->groups.expanded_cap)
		return 0;
	bool *e = &ui->groups.expanded[i];
	*e = how > 0 ? true : how < 0 ? false : !*e;
	if (!*e)
		ui_select_row(ui, row); /* the cursor stays on the folded group */
	return RX_REBUILD | RX_REDRAW;
}

unsigned groupview_cycle(struct ui *ui)
{
	ui->set.group = (enum ui_group)((ui->set.group + 1) % UI_GROUP_COUNT);
	ui->select_top = true;
	if (ui->set.group == UI_GROUP_NONE)
		ui_message(ui, false, "one row per task");
	else
		ui_message(ui, false, "grouped by %s (+ - or Enter: expand, collapse)",
			   groupview_label(ui));
	return RX_REBUILD | RX_REDRAW;
}

const char *groupview_label(const struct ui *ui)
{
	static const char *const label[UI_GROUP_COUNT] = {"", "user", "cgroup", "program"};
	return label[ui->set.group];
}

/* The column that shows a group's name besides COMMAND, per grouping. */
static bool names_group(const struct ui *ui, const struct column *col)
{
	static const char *const id[UI_GROUP_COUNT] = {"", "user", "cgroup", "comm"};
	return strcmp(col->id, id[ui->set.group]) == 0;
}

bool groupview_cell(struct ui *ui, long i, const struct column *col, struct cell *out)
{
	struct ui_groups *g = &ui->groups;
	memset(out, 0, sizeof *out);
	if ((col->flags & COL_LAST) || names_group(ui, col)) {
		const char *name = group_report_name(&g->rep, (size_t)i);
		int64_t procs, threads;
		group_report_counts(&g->rep, (size_t)i, &procs, &threads);
		if (col->flags & COL_LAST)
			snprintf(g->text, sizeof g->text, "%s (%lld)", name,
				 (long long)(ui->set.threads ? threads : procs));
		else
			snprintf(g->text, sizeof g->text, "%s", name);
		*out = (struct cell){.state = CELL_VALUE, .kind = CELL_TEXT, .s = g->text};
		out->slen = strlen(g->text);
		return true;
	}
	return group_report_cell(&g->rep, (size_t)i, col, out);
}
