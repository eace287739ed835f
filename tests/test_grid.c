/* test_grid.c - the activity grid's layout (ui/grid.c) as a pure function:
 * tasks in, cells out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "grid.h"

#define NT 16
static struct task pool[NT];
static struct task_delta deltas[NT];

static struct task *mk(int32_t tid, uint32_t uid, uint64_t start, uint64_t rss_kb)
{
	struct task *t = &pool[tid % NT];
	memset(t, 0, sizeof *t);
	t->tid = t->tgid = tid;
	t->uid = uid;
	t->start_ticks = start;
	t->rss_kb = rss_kb;
	t->rates_valid = true;
	/* a record as the model gives a task that moved: tests set its rates */
	t->delta = &deltas[tid % NT];
	memset(t->delta, 0, sizeof *t->delta);
	return t;
}

static const struct grid_cell *cell_of(const struct grid *g, int32_t tid)
{
	for (size_t i = 0; i < g->ncells; i++)
		if (g->cells[i].t->tid == tid)
			return &g->cells[i];
	return NULL;
}

static void test_groups_by_user_in_start_order(void **state)
{
	(void)state;
	struct task *in[] = {mk(1, 1000, 50, 10), mk(2, 0, 30, 10), mk(3, 1000, 10, 10),
			     mk(4, 0, 5, 10), mk(5, 1000, 10, 10)};
	struct grid g = {0};
	assert_int_equal(grid_build(&g, in, 5, 80), 0);
	assert_int_equal(g.ncells, 5);
	assert_int_equal(g.nlines, 2);
	/* root's line first, each group's first line labelled */
	assert_int_equal(g.lines[0].uid, 0);
	assert_true(g.lines[0].labelled);
	assert_int_equal(g.lines[0].ncells, 2);
	assert_int_equal(g.lines[1].uid, 1000);
	assert_true(g.lines[1].labelled);
	/* start time order inside a group; equal start times by tid */
	assert_int_equal(g.cells[0].t->tid, 4);
	assert_int_equal(g.cells[1].t->tid, 2);
	assert_int_equal(g.cells[2].t->tid, 3);
	assert_int_equal(g.cells[3].t->tid, 5);
	assert_int_equal(g.cells[4].t->tid, 1);
	assert_int_equal(cell_of(&g, 1)->line, 1);
	assert_int_equal(cell_of(&g, 1)->col, 2);
	grid_free(&g);
}

static void test_wraps_long_groups(void **state)
{
	(void)state;
	struct task *in[5];
	for (int i = 0; i < 5; i++)
		in[i] = mk(i + 1, 7, (uint64_t)i, 1);
	struct grid g = {0};
	assert_int_equal(grid_build(&g, in, 5, 2), 0);
	assert_int_equal(g.nlines, 3);
	assert_true(g.lines[0].labelled);
	assert_false(g.lines[1].labelled);
	assert_false(g.lines[2].labelled);
	assert_int_equal(g.lines[2].ncells, 1);
	assert_int_equal(cell_of(&g, 5)->line, 2);
	assert_int_equal(cell_of(&g, 5)->col, 0);
	/* up and down keep the column, clamped to a shorter line */
	size_t c4 = (size_t)grid_find(&g, 4, 3);
	assert_int_equal(g.cells[grid_vertical(&g, c4, 1)].t->tid, 5);
	assert_int_equal(g.cells[grid_vertical(&g, c4, -1)].t->tid, 2);
	assert_int_equal(g.cells[grid_vertical(&g, c4, -9)].t->tid, 2);
	assert_int_equal(grid_find(&g, 4, 99), -1); /* identity includes the start time */
	grid_free(&g);
}

static void test_positions_stable_across_refreshes(void **state)
{
	(void)state;
	struct task *a = mk(10, 0, 100, 1), *b = mk(11, 0, 200, 1), *c = mk(12, 0, 300, 1);
	struct task *first[] = {a, b, c};
	struct grid g = {0};
	assert_int_equal(grid_build(&g, first, 3, 80), 0);
	uint32_t ca = cell_of(&g, 10)->col, cb = cell_of(&g, 11)->col, cc = cell_of(&g, 12)->col;
	/* next refresh: other input order (sorted by CPU, say) and a new task */
	struct task *d = mk(13, 0, 400, 1);
	b->delta->rates.cpu_pct = 90;
	struct task *second[] = {b, d, c, a};
	assert_int_equal(grid_build(&g, second, 4, 80), 0);
	assert_int_equal(cell_of(&g, 10)->col, ca);
	assert_int_equal(cell_of(&g, 11)->col, cb);
	assert_int_equal(cell_of(&g, 12)->col, cc);
	assert_int_equal(cell_of(&g, 13)->col, 3); /* the new task at the end */
	grid_free(&g);
}

static void test_colours_from_deltas(void **state)
{
	(void)state;
	struct task *idle = mk(1, 0, 1, 1), *cpu = mk(2, 0, 2, 1), *io = mk(3, 0, 3, 1);
	struct task *both = mk(4, 0, 4, 1), *gone = mk(5, 0, 5, 1), *fresh = mk(6, 0, 6, 1);
	struct task *net = mk(7, 0, 7, 1), *trickle = mk(8, 0, 8, 1);
	cpu->delta->rates.cpu_pct = 99.5;
	io->delta->rates.write_bps = 8 << 20;
	both->delta->rates.cpu_pct = 30;
	both->delta->rates.read_bps = 4096;
	gone->exited_gen = 5;
	gone->delta->rates.cpu_pct = 50; /* an exited task is yellow whatever it did */
	fresh->rates_valid = false;
	fresh->delta->rates.cpu_pct = 70;
	net->delta->rates.net_rx_bps = 100;
	trickle->delta->rates.cpu_pct = GRID_CPU_ACTIVE_PCT / 2;
	struct task *in[] = {idle, cpu, io, both, gone, fresh, net, trickle};
	struct grid g = {0};
	assert_int_equal(grid_build(&g, in, 8, 80), 0);
	assert_int_equal(cell_of(&g, 1)->activity, GRID_IDLE);
	assert_int_equal(cell_of(&g, 2)->activity, GRID_CPU);
	assert_int_equal(cell_of(&g, 3)->activity, GRID_IO);
	assert_int_equal(cell_of(&g, 4)->activity, GRID_BOTH);
	assert_int_equal(cell_of(&g, 5)->activity, GRID_EXITED);
	assert_int_equal(cell_of(&g, 6)->activity, GRID_IDLE);
	assert_true(cell_of(&g, 6)->first_sample);
	assert_int_equal(cell_of(&g, 7)->activity, GRID_IDLE); /* network is a mark, not a colour */
	assert_true(cell_of(&g, 7)->net);
	assert_false(cell_of(&g, 2)->net);
	assert_int_equal(cell_of(&g, 8)->activity, GRID_IDLE);
	grid_free(&g);
}

static void test_glyph_sizes_and_throb(void **state)
{
	(void)state;
	struct task *big = mk(1, 0, 1, 64000), *half = mk(2, 0, 2, 32000), *mid = mk(3, 0, 3, 8000);
	struct task *small = mk(4, 0, 4, 1000), *tiny = mk(5, 0, 5, 10), *kthread = mk(6, 0, 6, 0);
	struct task *in[] = {big, half, mid, small, tiny, kthread};
	struct grid g = {0};
	assert_int_equal(grid_build(&g, in, 6, 80), 0);
	assert_int_equal(g.max_rss_kb, 64000);
	assert_int_equal(cell_of(&g, 1)->glyph, 4);
	assert_int_equal(cell_of(&g, 2)->glyph, 4);
	assert_int_equal(cell_of(&g, 3)->glyph, 3);
	assert_int_equal(cell_of(&g, 4)->glyph, 2);
	assert_int_equal(cell_of(&g, 5)->glyph, 1);
	assert_int_equal(cell_of(&g, 6)->glyph, 1);
	/* RSS grew: one size up for this refresh; shrank: one down */
	big->rss_delta_kb = 4;
	tiny->rss_delta_kb = -4;
	mid->rss_delta_kb = 100;
	assert_int_equal(grid_build(&g, in, 6, 80), 0);
	assert_int_equal(cell_of(&g, 1)->glyph, GRID_GLYPHS - 1);
	assert_int_equal(cell_of(&g, 5)->glyph, 0);
	assert_int_equal(cell_of(&g, 3)->glyph, 4);
	/* next refresh without change: back to its size */
	big->rss_delta_kb = 0;
	assert_int_equal(grid_build(&g, in, 6, 80), 0);
	assert_int_equal(cell_of(&g, 1)->glyph, 4);
	grid_free(&g);
}

static void test_exited_cells_age_out(void **state)
{
	(void)state;
	struct task *a = mk(1, 0, 1, 1), *b = mk(2, 0, 2, 1), *c = mk(3, 0, 3, 1);
	struct task *in[] = {a, b, c};
	struct grid g = {0};
	/* the refreshes where the model still lists the exited task: it keeps
	 * its place, yellow */
	b->exited_gen = 7;
	assert_int_equal(grid_build(&g, in, 3, 80), 0);
	assert_int_equal(cell_of(&g, 2)->activity, GRID_EXITED);
	assert_int_equal(cell_of(&g, 2)->col, 1);
	assert_int_equal(cell_of(&g, 3)->col, 2);
	/* then the model drops it: gone, the later cell moves up */
	struct task *after[] = {a, c};
	assert_int_equal(grid_build(&g, after, 2, 80), 0);
	assert_null(cell_of(&g, 2));
	assert_int_equal(g.ncells, 2);
	assert_int_equal(cell_of(&g, 3)->col, 1);
	/* an empty grid */
	assert_int_equal(grid_build(&g, NULL, 0, 80), 0);
	assert_int_equal(g.ncells, 0);
	assert_int_equal(g.nlines, 0);
	grid_free(&g);
}

static void test_many_tasks(void **state)
{
	(void)state;
	enum { N = 10000 };
	static struct task many[N];
	static struct task *in[N];
	for (int i = 0; i < N; i++) {
		memset(&many[i], 0, sizeof many[i]);
		many[i].tid = N - i;
		many[i].uid = (uint32_t)(i % 3);
		many[i].start_ticks = (uint64_t)(N - i);
		many[i].rates_valid = true;
		in[i] = &many[i];
	}
	struct grid g = {0};
	assert_int_equal(grid_build(&g, in, N, 95), 0);
	assert_int_equal(g.ncells, N);
	for (size_t i = 1; i < g.ncells; i++) {
		const struct task *p = g.cells[i - 1].t, *q = g.cells[i].t;
		assert_true(p->uid < q->uid || (p->uid == q->uid && p->start_ticks < q->start_ticks));
		assert_true(g.cells[i].col < 95);
	}
	grid_free(&g);
}

static void test_spark_scale(void **state)
{
	(void)state;
	double v[] = {0, 1, 50, 100, 200, -3, 0.001};
	uint8_t lv[7];
	grid_spark_scale(v, 7, 200, lv);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 1); /* tiny but not nothing */
	assert_int_equal(lv[2], 3);
	assert_int_equal(lv[3], 5);
	assert_int_equal(lv[4], 8);
	assert_int_equal(lv[5], 0);
	assert_int_equal(lv[6], 1);
	/* max 0: scaled against the largest value */
	double w[] = {10, 5, 0};
	grid_spark_scale(w, 3, 0, lv);
	assert_int_equal(lv[0], 8);
	assert_int_equal(lv[1], 5);
	assert_int_equal(lv[2], 0);
	/* all zero: nothing */
	double z[] = {0, 0};
	grid_spark_scale(z, 2, 0, lv);
	assert_int_equal(lv[0], 0);
	assert_int_equal(lv[1], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_by_user_in_start_order),
		cmocka_unit_test(test_wraps_long_groups),
		cmocka_unit_test(test_positions_stable_across_refreshes),
		cmocka_unit_test(test_colours_from_deltas),
		cmocka_unit_test(test_glyph_sizes_and_throb),
		cmocka_unit_test(test_exited_cells_age_out),
		cmocka_unit_test(test_many_tasks),
		cmocka_unit_test(test_spark_scale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
