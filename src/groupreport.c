/* groupreport.c - batch reports of groups */
#include "groupreport.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* the columns a group row sums, in report order */
static const char *const summed_ids[] = {
	"cpu_pct", "usr_pct", "sys_pct", "guest_pct", "wait_pct",
	"vsz_kb", "rss_kb", "mem_pct", "minflt_ps", "majflt_ps",
	"read_bps", "write_bps", "cwrite_bps", "io_delay_pct", "swapin_delay_pct",
	"cswch_ps", "nvcswch_ps", "net_tx_bps", "net_rx_bps", "net_tx_pps", "net_rx_pps",
};
#define NSUMMED (sizeof summed_ids / sizeof summed_ids[0])

struct group_sum {
	uint32_t members; /* rows in this report; 0: not in it */
	int64_t processes, threads;
	double v[NSUMMED];
	bool has[NSUMMED];
};

void group_report_init(struct group_report *g, const struct grouping *grouping)
{
	memset(g, 0, sizeof *g);
	g->grouping = *grouping;
	group_table_init(&g->names);
}

void group_report_free(struct group_report *g)
{
	group_table_free(&g->names);
	free(g->sums);
	free(g->order);
	free(g->row_group);
	memset(g, 0, sizeof *g);
}

static const struct column *summed_column(size_t k)
{
	return column_find(summed_ids[k]);
}

/* Adds t to its group; returns the group's index, or -1 when out of memory. */
static long add_row(struct group_report *g, struct model *m, const struct task *t)
{
	char exe[4096], name[GROUP_NAME_MAX];
	bool need_exe = grouping_needs_exe(&g->grouping);
	if (need_exe)
		grouping_read_exe(m, t->tgid, exe, sizeof exe);
	grouping_name(&g->grouping, m, t, need_exe ? exe : NULL, name, sizeof name);
	long i = group_table_intern(&g->names, name);
	if (i < 0)
		return -1;
	if ((size_t)i >= g->sums_cap) {
		size_t old = g->sums_cap;
		struct group_sum *v = array_grow(g->sums, &g->sums_cap, (size_t)i + 1, sizeof *v, 64);
		if (!v)
			return -1;
		memset(v + old, 0, (g->sums_cap - old) * sizeof *v);
		g->sums = v;
	}
	struct group_sum *s = &g->sums[i];
	s->members++;
	if (t->is_thread) {
		s->threads++;
		s->processes += t->tid == t->tgid;
	} else {
		s->processes++;
		s->threads += t->nthreads > 0 ? t->nthreads : 1;
	}
	for (size_t k = 0; k < NSUMMED; k++) {
		const struct column *col = summed_column(k);
		/* threads share their process's memory: count it once, on the
		 * leader's row */
		if (t->is_thread && t->tid != t->tgid &&
		    (col->unit == UNIT_KB || strcmp(col->id, "mem_pct") == 0))
			continue;
		struct cell c;
		col->get(m, t, &c);
		if (c.state != CELL_VALUE)
			continue;
		s->v[k] += c.kind == CELL_INT ? (double)c.i : c.d;
		s->has[k] = true;
	}
	return i;
}

static struct cell sum_cell(const struct group_sum *s, size_t k)
{
	struct cell c = {0};
	c.state = s->has[k] ? CELL_VALUE : CELL_NA;
	const struct column *col = summed_column(k);
	c.kind = col->unit == UNIT_KB ? CELL_INT : CELL_REAL;
	c.i = (int64_t)s->v[k];
	c.d = s->v[k];
	return c;
}

/* ---- order ---- */

/* By a summed column's sum; or by the group's thread count (threads),
 * its name (a text column: the name is the group's text); else by CPU%. */
#define KEY_THREADS NSUMMED
#define KEY_NAME (NSUMMED + 1)

struct sort_ctx {
	const struct group_report *g;
	size_t key;
	bool reverse;
};
static struct sort_ctx sort_by; /* qsort has no context argument */

static int compare_groups(const void *pa, const void *pb)
{
	const struct group_sum *a = &sort_by.g->sums[*(const size_t *)pa];
	const struct group_sum *b = &sort_by.g->sums[*(const size_t *)pb];
	size_t k = sort_by.key;
	const char *na = sort_by.g->names.names[*(const size_t *)pa];
	const char *nb = sort_by.g->names.names[*(const size_t *)pb];
	if (k == KEY_NAME)
		return sort_by.reverse ? strcmp(nb, na) : strcmp(na, nb);
	if (k == KEY_THREADS) {
		if (a->threads != b->threads) {
			int bigger_first = a->threads > b->threads ? -1 : 1;
			return sort_by.reverse ? -bigger_first : bigger_first;
		}
		return strcmp(na, nb);
	}
	if (a->has[k] != b->has[k])
		return a->has[k] ? -1 : 1; /* values before empty cells */
	if (a->has[k] && a->v[k] != b->v[k]) {
		int bigger_first = a->v[k] > b->v[k] ? -1 : 1;
		return sort_by.reverse ? -bigger_first : bigger_first;
	}
	return strcmp(na, nb);
}

static size_t sort_key(const struct column *sort)
{
	for (size_t k = 0; sort && k < NSUMMED; k++)
		if (strcmp(sort->id, summed_ids[k]) == 0)
			return k;
	if (sort && strcmp(sort->id, "threads") == 0)
		return KEY_THREADS;
	if (sort && (sort->flags & COL_LEFT))
		return KEY_NAME;
	return 0; /* cpu_pct */
}

/* ---- the three formats ---- */

static void write_json(struct group_report *g, struct output *o, struct model *m, size_t n)
{
	struct buf *b = &o->b;
	output_json_head(b, m);
	buf_printf(b, ",\"group_by\":\"%s\",\"groups\":[",
		   g->grouping.rules && g->grouping.rules->n ? "rules"
							     : group_by_name(g->grouping.by));
	for (size_t r = 0; r < n; r++) {
		size_t i = g->order[r];
		const struct group_sum *s = &g->sums[i];
		struct cell name = {.state = CELL_VALUE, .kind = CELL_TEXT, .s = g->names.names[i]};
		name.slen = strlen(name.s);
		buf_puts(b, r ? ",{\"group\":" : "{\"group\":");
		output_json_cell(b, NULL, &name);
		buf_printf(b, ",\"processes\":%lld,\"threads\":%lld", (long long)s->processes,
			   (long long)s->threads);
		for (size_t k = 0; k < NSUMMED; k++) {
			struct cell c = sum_cell(s, k);
			buf_printf(b, ",\"%s\":", summed_ids[k]);
			output_json_cell(b, summed_column(k), &c);
		}
		buf_putc(b, '}');
		output_row_done(o);
	}
	buf_puts(b, "]}\n");
}

static void write_csv(struct group_report *g, struct output *o, struct model *m, size_t n)
{
	struct buf *b = &o->b;
	if (!o->header_done) {
		buf_puts(b, "time,group,processes,threads");
		for (size_t k = 0; k < NSUMMED; k++)
			buf_printf(b, ",%s", summed_ids[k]);
		buf_putc(b, '\n');
		o->header_done = true;
	}
	for (size_t r = 0; r < n; r++) {
		size_t i = g->order[r];
		const struct group_sum *s = &g->sums[i];
		output_time_iso(b, model_wall(m));
		buf_putc(b, ',');
		output_csv_text(b, g->names.names[i], strlen(g->names.names[i]));
		buf_printf(b, ",%lld,%lld", (long long)s->processes, (long long)s->threads);
		for (size_t k = 0; k < NSUMMED; k++) {
			struct cell c = sum_cell(s, k);
			buf_putc(b, ',');
			if (c.state == CELL_VALUE)
				output_json_cell(b, summed_column(k), &c);
		}
		buf_putc(b, '\n');
		output_row_done(o);
	}
}

#define GROUP_TEXT_WIDTH 20

static void write_text(struct group_report *g, struct output *o, struct model *m, size_t n)
{
	struct buf *b = &o->b;
	char tmp[64];
	output_text_head(b, m);
	buf_printf(b, "%-*s %6s %6s", GROUP_TEXT_WIDTH, "GROUP", "PROCS", "THR");
	for (size_t k = 0; k < NSUMMED; k++) {
		const struct column *col = summed_column(k);
		if (col->flags & COL_TEXT) {
			buf_putc(b, ' ');
			output_padded(b, col->header, strlen(col->header), col->width, false, false);
		}
	}
	buf_putc(b, '\n');
	for (size_t r = 0; r < n; r++) {
		size_t i = g->order[r];
		const struct group_sum *s = &g->sums[i];
		const char *name = g->names.names[i];
		output_padded(b, name, strlen(name), GROUP_TEXT_WIDTH, true, false);
		buf_printf(b, " %6lld %6lld", (long long)s->processes, (long long)s->threads);
		for (size_t k = 0; k < NSUMMED; k++) {
			const struct column *col = summed_column(k);
			if (!(col->flags & COL_TEXT))
				continue;
			struct cell c = sum_cell(s, k);
			output_text_cell(col, &c, model_cfg(m)->accumulated, tmp, sizeof tmp);
			buf_putc(b, ' ');
			output_padded(b, tmp, strlen(tmp), col->width, false, false);
		}
		buf_putc(b, '\n');
		output_row_done(o);
	}
	buf_putc(b, '\n');
}

long group_report_sum(struct group_report *g, struct model *m, struct task *const *rows,
		      size_t n, const struct column *sort, bool reverse)
{
	for (size_t i = 0; i < g->sums_cap; i++)
		memset(&g->sums[i], 0, sizeof g->sums[i]);
	long *row_group = array_grow(g->row_group, &g->row_group_cap, n + 1, sizeof *row_group, 64);
	if (!row_group)
		return -1;
	g->row_group = row_group;
	for (size_t r = 0; r < n; r++)
		if ((row_group[r] = add_row(g, m, rows[r])) < 0)
			return -1;
	size_t *order = array_grow(g->order, &g->order_cap, g->names.n + 1, sizeof *order, 64);
	if (!order)
		return -1;
	g->order = order;
	size_t count = 0;
	for (size_t i = 0; i < g->names.n; i++)
		if (g->sums[i].members)
			order[count++] = i;
	sort_by = (struct sort_ctx){g, sort_key(sort), reverse};
	qsort(order, count, sizeof *order, compare_groups);
	return (long)count;
}

const char *group_report_name(const struct group_report *g, size_t i)
{
	return g->names.names[i];
}

void group_report_counts(const struct group_report *g, size_t i, int64_t *processes,
			 int64_t *threads)
{
	*processes = g->sums[i].processes;
	*threads = g->sums[i].threads;
}

bool group_report_cell(const struct group_report *g, size_t i, const struct column *col,
		       struct cell *out)
{
	if (strcmp(col->id, "threads") == 0) {
		*out = (struct cell){.state = CELL_VALUE, .kind = CELL_INT, .i = g->sums[i].threads};
		return true;
	}
	for (size_t k = 0; k < NSUMMED; k++) {
		if (strcmp(col->id, summed_ids[k]) == 0) {
			*out = sum_cell(&g->sums[i], k);
			return true;
		}
	}
	return false;
}

int group_report_write(struct group_report *g, struct output *o, struct model *m,
		       const struct rows *v, const struct column *sort, bool reverse)
{
	long n = group_report_sum(g, m, v->rows, v->nrows, sort, reverse);
	if (n < 0)
		return -1;
	switch (o->fmt) {
	case OUTPUT_JSON: write_json(g, o, m, (size_t)n); break;
	case OUTPUT_CSV: write_csv(g, o, m, (size_t)n); break;
	case OUTPUT_TEXT: write_text(g, o, m, (size_t)n); break;
	}
	return 0;
}
