/* test_timeline.c - the timeline's data (src/timeline.c): column edges,
 * bucketing a series, and the two-pass builder that picks the busiest
 * processes and gives each column its mean CPU% and its RSS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "timeline.h"

static void test_edges(void **state)
{
	(void)state;
	uint64_t e[11];
	timeline_edges(0, 100, 10, e);
	for (size_t j = 0; j <= 10; j++)
		assert_int_equal(e[j], j * 10);
	/* as many columns as intervals: every sample an edge */
	timeline_edges(5, 9, 4, e);
	for (size_t j = 0; j <= 4; j++)
		assert_int_equal(e[j], 5 + j);
	/* a day at 10 s into 317 columns: strictly ascending, both ends kept */
	static uint64_t big[TIMELINE_MAX_COLS + 1];
	timeline_edges(0, 8639, 317, big);
	assert_int_equal(big[0], 0);
	assert_int_equal(big[317], 8639);
	for (size_t j = 1; j <= 317; j++)
		assert_true(big[j] > big[j - 1]);
}

static void test_bucket(void **state)
{
	(void)state;
	double v[10];
	for (int i = 0; i < 10; i++)
		v[i] = i + 1;
	float out[10];
	timeline_bucket(v, 10, 5, true, out);
	for (int j = 0; j < 5; j++)
		assert_float_equal(out[j], 2 * j + 1.5, 1e-6);
	timeline_bucket(v, 10, 5, false, out);
	for (int j = 0; j < 5; j++)
		assert_float_equal(out[j], 2 * j + 2, 1e-6);
	/* uneven: 10 values into 3 columns of 3, 3 and 4 */
	timeline_bucket(v, 10, 3, true, out);
	assert_float_equal(out[0], 2, 1e-6);
	assert_float_equal(out[1], 5, 1e-6);
	assert_float_equal(out[2], 8.5, 1e-6);
	timeline_bucket(v, 10, 10, true, out);
	for (int j = 0; j < 10; j++)
		assert_float_equal(out[j], j + 1, 1e-6);
}

static struct timeline_point pt(int32_t pid, uint64_t start, uint64_t ticks, uint64_t rss)
{
	struct timeline_point p = {.pid = pid, .start_ticks = start, .cpu_ticks = ticks, .rss_kb = rss};
	snprintf(p.name, sizeof p.name, "p%d", pid);
	return p;
}

/* Three edges 10 s apart at 100 ticks a second (uptime 1000 s at the
 * first): A runs all along, B never, C is born inside the first column,
 * D was already running but is first seen at the second edge. */
static void edge(struct timeline_builder *b, size_t j)
{
	struct timeline_point e0[] = {pt(10, 50, 0, 1000), pt(20, 50, 100, 2000)};
	struct timeline_point e1[] = {pt(40, 50, 900, 10), pt(10, 50, 500, 1100),
				      pt(20, 50, 100, 2000), pt(30, 100500, 200, 300)};
	struct timeline_point e2[] = {pt(10, 50, 1500, 1200), pt(20, 50, 100, 2000),
				      pt(30, 100500, 300, 400), pt(40, 50, 1000, 20)};
	const struct timeline_point *pts[] = {e0, e1, e2};
	size_t n[] = {2, 4, 4};
	assert_int_equal(timeline_builder_add(b, j, 10.0 * (double)j, 1000 + 10.0 * (double)j, 100,
					      pts[j], n[j]),
			 0);
}

static void test_builder(void **state)
{
	(void)state;
	struct timeline *tl = calloc(1, sizeof *tl);
	struct timeline_builder *b;
	assert_non_null(tl);
	assert_int_equal(timeline_builder_new(&b, tl, 2), 0);
	for (size_t j = 0; j < 3; j++)
		edge(b, j);
	timeline_builder_choose(b);
	for (size_t j = 0; j < 3; j++)
		edge(b, j);
	timeline_builder_finish(b);
	assert_int_equal(tl->ncols, 2);
	/* B used no CPU: left out; A 15 s, C 3 s, D 1 s (none before its first edge) */
	assert_int_equal(tl->nprocs, 3);
	assert_int_equal(tl->procs[0].pid, 10);
	assert_int_equal(tl->procs[0].tid, 10);
	assert_float_equal(tl->procs[0].cpu_s, 15, 1e-9);
	assert_string_equal(tl->procs[0].name, "p10");
	assert_int_equal(tl->procs[1].pid, 30);
	assert_float_equal(tl->procs[1].cpu_s, 3, 1e-9);
	assert_int_equal(tl->procs[2].pid, 40);
	assert_float_equal(tl->procs[2].cpu_s, 1, 1e-9);
	/* A: 500 ticks in 10 s = 50%, then 100% */
	assert_float_equal(tl->cpu_pct[0][0], 50, 1e-4);
	assert_float_equal(tl->cpu_pct[0][1], 100, 1e-4);
	assert_float_equal(tl->rss_kb[0][0], 1100, 1e-4);
	assert_float_equal(tl->rss_kb[0][1], 1200, 1e-4);
	/* C: born in the first column, counted from zero: 20%, then 10% */
	assert_float_equal(tl->cpu_pct[1][0], 20, 1e-4);
	assert_float_equal(tl->cpu_pct[1][1], 10, 1e-4);
	/* D: ... and no CPU in its first column, where it has no base */
	assert_float_equal(tl->cpu_pct[2][0], 0, 1e-4);
	assert_float_equal(tl->cpu_pct[2][1], 10, 1e-4);
	assert_float_equal(tl->cpu_max, 120, 1e-4);
	assert_float_equal(tl->rss_max_kb, 1200, 1e-4);
	free(tl);
}

/* More busy processes than are charted: the busiest TIMELINE_TOP, in
 * order, ties to the lower pid; a pid reused by another process (another
 * start time) is another process. */
static void test_top(void **state)
{
	(void)state;
	struct timeline *tl = calloc(1, sizeof *tl);
	struct timeline_builder *b;
	assert_non_null(tl);
	assert_int_equal(timeline_builder_new(&b, tl, 1), 0);
	enum { N = 12 };
	struct timeline_point e[2][N + 1];
	for (int pass = 0; pass < 2; pass++) {
		for (int j = 0; j < 2; j++) {
			for (int i = 0; i < N; i++) /* pid 100 + i uses 10 * (i / 2) ticks */
				e[j][i] = pt(100 + i, 7, j ? (uint64_t)(10 * (i / 2)) : 0, 1);
			e[j][N] = pt(105, 9, j ? 1000 : 0, 1); /* pid 105 again, later start */
			assert_int_equal(timeline_builder_add(b, (size_t)j, j, 0, 100, e[j], N + 1), 0);
		}
		if (pass == 0)
			timeline_builder_choose(b);
	}
	timeline_builder_finish(b);
	assert_int_equal(tl->nprocs, TIMELINE_TOP);
	assert_int_equal(tl->procs[0].pid, 105);
	assert_int_equal(tl->procs[0].start_ticks, 9);
	int want[] = {110, 111, 108, 109, 106, 107, 104};
	for (int k = 0; k < 7; k++)
		assert_int_equal(tl->procs[k + 1].pid, want[k]);
	assert_float_equal(tl->cpu_pct[0][0], 1000, 1e-3); /* 10 s of CPU in 1 s: 10 CPUs */
	free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_builder),
		cmocka_unit_test(test_top),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
