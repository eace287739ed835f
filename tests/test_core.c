/* test_core.c - unit tests of the model's pure parts: the sanitiser, the
 * output buffer, the task table, the column table, the command line and
 * the per-task history. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "columns.h"
#include "history.h"
#include <math.h>
#include <pthread.h>
#include <sys/wait.h>
#include "model_priv.h"
#include "options.h"
#include "procfs.h"
#include "sanitize.h"
#include "task.h"

static const char *san(const char *in, size_t len)
{
	static char out[512];
	sanitize_text(in, len, out, sizeof out);
	return out;
}

static void test_sanitize_plain(void **state)
{
	(void)state;
	assert_string_equal(san("bash", 4), "bash");
	assert_string_equal(san("a b(c)", 6), "a b(c)");
	assert_true(sanitize_is_clean("plain text", 10));
}

static void test_sanitize_controls(void **state)
{
	(void)state;
	/* ESC [31m would turn a terminal red */
	assert_string_equal(san("\x1b[31mred", 8), "\\x1b[31mred");
	assert_string_equal(san("a\nb\tc", 5), "a\\x0ab\\x09c");
	assert_string_equal(san("\x7f", 1), "\\x7f");
	assert_string_equal(san("a\0b", 3), "a\\x00b");
	/* C1 control U+009B (CSI) encoded as UTF-8 */
	assert_string_equal(san("x\xc2\x9by", 4), "x\\u009by");
	/* bidi override U+202E */
	assert_string_equal(san("\xe2\x80\xae", 3), "\\u202e");
	assert_string_equal(san("back\\slash", 10), "back\\\\slash");
	assert_false(sanitize_is_clean("\x1b", 1));
	assert_false(sanitize_is_clean("\\", 1));
}

static void test_sanitize_utf8(void **state)
{
	(void)state;
	/* valid multi-byte text passes unchanged */
	assert_string_equal(san("caf\xc3\xa9 \xe6\x97\xa5", 9), "caf\xc3\xa9 \xe6\x97\xa5");
	assert_true(sanitize_is_clean("caf\xc3\xa9", 5));
	/* invalid: lone continuation, overlong, surrogate, truncated sequence */
	assert_string_equal(san("\x80", 1), "\\x80");
	assert_string_equal(san("\xc0\xaf", 2), "\\xc0\\xaf");
	assert_string_equal(san("\xed\xa0\x80", 3), "\\xed\\xa0\\x80");
	assert_string_equal(san("ok\xe6\x97", 4), "ok\\xe6\\x97");
	assert_string_equal(san("\xf5\x80\x80\x80", 4), "\\xf5\\x80\\x80\\x80");
}

static void test_sanitize_truncation(void **state)
{
	(void)state;
	char out[6];
	/* never splits an escape: "ab" fits, "\x1b" (4 bytes) does not */
	size_t n = sanitize_text("ab\x1b", 3, out, sizeof out);
	assert_int_equal(n, 2);
	assert_string_equal(out, "ab");
	n = sanitize_text("\xe6\x97\xa5\xe6\x97\xa5", 6, out, 5);
	assert_int_equal(n, 3);
	assert_int_equal(sanitize_bound(10), 41);
	assert_int_equal(sanitize_text("x", 1, out, 0), 0);
}

static void test_buf_numbers(void **state)
{
	(void)state;
	struct buf b = {0};
	buf_put_u64(&b, UINT64_MAX);
	buf_putc(&b, ' ');
	buf_put_i64(&b, INT64_MIN);
	buf_putc(&b, ' ');
	buf_put_fixed(&b, 3.14159, 2);
	buf_putc(&b, ' ');
	buf_put_fixed(&b, -0.004, 2);
	buf_putc(&b, ' ');
	buf_put_fixed(&b, 99.995, 2);
	buf_putc(&b, ' ');
	buf_put_fixed(&b, 1e20, 1);
	buf_putc(&b, '\0');
	assert_string_equal(b.data, "18446744073709551615 -9223372036854775808 3.14 0.00 100.00 "
				    "100000000000000000000.0");
	buf_free(&b);
}

static void test_array_grow(void **state)
{
	(void)state;
	size_t cap = 0;
	int *v = array_grow(NULL, &cap, 1, sizeof *v, 16);
	assert_non_null(v);
	assert_int_equal(cap, 16);
	assert_ptr_equal(array_grow(v, &cap, 16, sizeof *v, 16), v); /* fits: untouched */
	v = array_grow(v, &cap, 17, sizeof *v, 16);
	assert_non_null(v);
	assert_int_equal(cap, 32);
	v = array_grow(v, &cap, 200, sizeof *v, 16);
	assert_non_null(v);
	assert_int_equal(cap, 256);
	/* a size that cannot be: NULL, and the array as it was */
	assert_null(array_grow(v, &cap, SIZE_MAX / 2, sizeof *v, 16));
	assert_int_equal(cap, 256);
	free(v);
}

static void test_task_table(void **state)
{
	(void)state;
	struct task_table t;
	task_table_init(&t);
	/* enough inserts to grow the slots and the chunk list several times */
	for (int32_t i = 1; i <= 5000; i++) {
		struct task *task = task_table_insert(&t, i * 7);
		assert_non_null(task);
		task->nice = i;
	}
	assert_int_equal(t.count, 5000);
	for (int32_t i = 1; i <= 5000; i++) {
		struct task *task = task_table_find(&t, i * 7);
		assert_non_null(task);
		assert_int_equal(task->nice, i);
	}
	assert_null(task_table_find(&t, 3));
	/* remove every other one: the rest must still be found (backward shift) */
	for (int32_t i = 1; i <= 5000; i += 2)
		task_table_remove(&t, task_table_find(&t, i * 7));
	assert_int_equal(t.count, 2500);
	for (int32_t i = 1; i <= 5000; i++) {
		struct task *task = task_table_find(&t, i * 7);
		if (i % 2)
			assert_null(task);
		else
			assert_int_equal(task->nice, i);
	}
	/* storage is reused: no new chunk for 2500 more */
	size_t chunks = t.nchunks;
	for (int32_t i = 1; i <= 2500; i++)
		assert_non_null(task_table_insert(&t, 100000 + i));
	assert_int_equal(t.nchunks, chunks);
	task_table_free(&t);
}

/* Names up to 15 bytes live in the task; longer ones (kernel threads) in an
 * allocation that follows every change and goes with the task. */
static void test_task_comm(void **state)
{
	(void)state;
	struct task_table t;
	task_table_init(&t);
	struct task *a = task_table_insert(&t, 1);
	assert_string_equal(task_comm(a), "");
	assert_true(task_set_comm(a, "fifteen_bytes_x"));
	assert_false(task_set_comm(a, "fifteen_bytes_x"));
	assert_string_equal(task_comm(a), "fifteen_bytes_x");
	assert_null(a->comm_long);
	assert_true(task_set_comm(a, "kworker/1:0H-events_highpri"));
	assert_string_equal(task_comm(a), "kworker/1:0H-events_highpri");
	assert_non_null(a->comm_long);
	assert_false(task_set_comm(a, "kworker/1:0H-events_highpri"));
	assert_true(task_set_comm(a, "kworker/1:0H-kblockd"));
	assert_string_equal(task_comm(a), "kworker/1:0H-kblockd");
	assert_true(task_set_comm(a, "sixteen_bytes_xy"));
	assert_string_equal(task_comm(a), "sixteen_bytes_xy");
	assert_true(task_set_comm(a, "short"));
	assert_null(a->comm_long);
	assert_string_equal(task_comm(a), "short");
	/* a reused entry starts without the old name; removal and the
	 * table's end free long names (the sanitizer build checks for leaks) */
	assert_true(task_set_comm(a, "kworker/u8:3-events_unbound"));
	task_reset(a, NULL);
	assert_null(a->comm_long);
	assert_string_equal(task_comm(a), "");
	struct task *b = task_table_insert(&t, 2);
	assert_true(task_set_comm(b, "kworker/u8:3-events_unbound"));
	task_table_remove(&t, b);
	b = task_table_insert(&t, 3);
	assert_string_equal(task_comm(b), "");
	assert_true(task_set_comm(b, "kworker/u8:3-events_unbound"));
	task_table_free(&t);
}

static int count_cb_n;
static void count_cb(struct task *task, void *ctx)
{
	(void)task;
	(void)ctx;
	count_cb_n++;
}

static void test_task_table_foreach_remove(void **state)
{
	(void)state;
	struct task_table t;
	task_table_init(&t);
	for (int32_t i = 1; i <= 600; i++)
		task_table_insert(&t, i);
	count_cb_n = 0;
	task_table_foreach(&t, count_cb, NULL);
	assert_int_equal(count_cb_n, 600);
	task_table_free(&t);
}

static void test_columns_unique(void **state)
{
	(void)state;
	/* every JSON key doc/pidtop.1 lists exists, and ids are unique */
	static const char *const keys[] = {
		"pid", "tid", "ppid", "uid", "user", "comm", "cmdline", "state", "threads",
		"starttime", "cpu_pct", "usr_pct", "sys_pct", "guest_pct", "wait_pct", "cpu",
		"vsz_kb", "rss_kb", "rss_delta_kb", "mem_pct", "minflt_ps", "majflt_ps",
		"read_bps", "write_bps", "cwrite_bps", "io_delay_pct", "swapin_delay_pct",
		"cswch_ps", "nvcswch_ps", "net_tx_bps", "net_rx_bps", "net_tx_pps", "net_rx_pps"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		assert_non_null(column_find(keys[i]));
	for (size_t i = 0; i < columns_count; i++)
		for (size_t j = i + 1; j < columns_count; j++)
			assert_string_not_equal(columns[i].id, columns[j].id);
	assert_null(column_find("nosuch"));
	char out[16];
	column_format_human(1536, out, sizeof out);
	assert_string_equal(out, "1.5K");
	column_format_human(1000, out, sizeof out);
	assert_string_equal(out, "1000");
	column_format_human(50.0 * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "50M");
}

static void test_column_cells(void **state)
{
	(void)state;
	static struct model m;
	memset(&m, 0, sizeof m);
	m.clk_tck = 100;
	m.sys.stats.mem.mem_total_kb = 1000;
	struct task t;
	memset(&t, 0, sizeof t);
	t.tid = t.tgid = 42;
	t.rss_kb = 250;
	t.have = TG_STAT | TG_MEM;
	t.denied = TG_IO;
	struct cell c;
	column_find("mem_pct")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_VALUE);
	assert_true(c.d > 24.99 && c.d < 25.01);
	/* first sample: no rate from nothing */
	column_find("cpu_pct")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_NONE);
	column_find("read_bps")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_DENIED);
	column_find("io_delay_pct")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_NA);
	column_find("net_rx_bps")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_NA);
	struct task_delta d;
	memset(&d, 0, sizeof d);
	t.delta = &d;
	t.rates_valid = true;
	d.rates.cpu_pct = 250.0; /* never clamped */
	column_find("cpu_pct")->get(&m, &t, &c);
	assert_int_equal(c.state, CELL_VALUE);
	assert_true(c.d == 250.0);
	t.state = 'D';
	column_find("state")->get(&m, &t, &c);
	assert_string_equal(c.s, "D");
}

static void test_column_sort(void **state)
{
	(void)state;
	static struct model m;
	memset(&m, 0, sizeof m);
	struct task a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.tid = 1, b.tid = 2;
	a.have = b.have = TG_STAT;
	struct task_delta da, db;
	memset(&da, 0, sizeof da);
	memset(&db, 0, sizeof db);
	a.delta = &da, b.delta = &db;
	a.rates_valid = b.rates_valid = true;
	da.rates.cpu_pct = 10, db.rates.cpu_pct = 20;
	const struct column *cpu = column_find("cpu_pct");
	assert_true(column_compare(cpu, &m, &a, &b, false) > 0); /* busiest first */
	assert_true(column_compare(cpu, &m, &a, &b, true) < 0);
	const struct column *pid = column_find("pid");
	a.tgid = 1, b.tgid = 2;
	assert_true(column_compare(pid, &m, &a, &b, false) < 0); /* ids ascend */
	/* a task with no value sorts last in both directions */
	b.rates_valid = false;
	assert_true(column_compare(cpu, &m, &a, &b, false) < 0);
	assert_true(column_compare(cpu, &m, &a, &b, true) < 0);
}

static int parse_args(const char *const *args, struct options *o, char *err, size_t errlen)
{
	int argc = 0;
	char *argv[16];
	while (args[argc] && argc < 15) {
		argv[argc] = (char *)args[argc];
		argc++;
	}
	argv[argc] = NULL;
	return options_parse(argc, argv, o, err, errlen);
}

static void test_options_good(void **state)
{
	(void)state;
	struct options o;
	char err[256];
	const char *a1[] = {"pidtop", "-b", "-o", "json", "-d", "0.5", "-n", "3", "-H", "-p", "1,2",
			    "-s", "rss_kb", "-r", NULL};
	assert_int_equal(parse_args(a1, &o, err, sizeof err), 0);
	assert_true(o.batch && o.threads && o.reverse);
	assert_int_equal(o.format, OUTPUT_JSON);
	assert_true(o.delay_s == 0.5);
	assert_int_equal(o.count, 3);
	assert_int_equal(o.npids, 2);
	assert_int_equal(o.pids[1], 2);
	assert_string_equal(o.sort_id, "rss_kb");
	options_free(&o);
	const char *a2[] = {"pidtop", "2", "10", NULL};
	assert_int_equal(parse_args(a2, &o, err, sizeof err), 0);
	assert_true(o.delay_s == 2.0);
	assert_int_equal(o.count, 10);
	options_free(&o);
	const char *a3[] = {"pidtop", "-u", "root,0", "-c", "^ba(sh|r)$", NULL};
	assert_int_equal(parse_args(a3, &o, err, sizeof err), 0);
	assert_int_equal(o.nuids, 2);
	assert_int_equal(o.uids[0], 0);
	assert_true(o.have_command_re);
	options_free(&o);
}

static void expect_error(const char *const *args, const char *needle)
{
	struct options o;
	char err[256] = "";
	assert_int_equal(parse_args(args, &o, err, sizeof err), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not name '%s'", err, needle);
	options_free(&o);
}

static void test_options_bad(void **state)
{
	(void)state;
	expect_error((const char *[]){"pidtop", "-d", "abc", NULL}, "'abc'");
	expect_error((const char *[]){"pidtop", "-d", "0", NULL}, "'0'");
	expect_error((const char *[]){"pidtop", "-d", "-1", NULL}, "'-1'");
	expect_error((const char *[]){"pidtop", "-d", "nan", NULL}, "'nan'");
	expect_error((const char *[]){"pidtop", "-n", "x", NULL}, "'x'");
	expect_error((const char *[]){"pidtop", "-n", "0", NULL}, "'0'");
	expect_error((const char *[]){"pidtop", "-o", "yaml", NULL}, "'yaml'");
	expect_error((const char *[]){"pidtop", "-p", "12x", NULL}, "'12x'");
	expect_error((const char *[]){"pidtop", "-p", "1,,x", NULL}, "'x'");
	expect_error((const char *[]){"pidtop", "-s", "nosuchcol", NULL}, "'nosuchcol'");
	expect_error((const char *[]){"pidtop", "-u", "nosuchuser_xyz", NULL}, "'nosuchuser_xyz'");
	expect_error((const char *[]){"pidtop", "-c", "(", NULL}, "'('");
	expect_error((const char *[]){"pidtop", "1", "2", "3", NULL}, "'3'");
	expect_error((const char *[]){"pidtop", "--bogus", NULL}, "'--bogus'");
	expect_error((const char *[]){"pidtop", "-x", NULL}, "'-x'");
	expect_error((const char *[]){"pidtop", "-d", NULL}, "'-d'");
}

static void test_procfs_path(void **state)
{
	(void)state;
	char p[PROCFS_PATH_MAX];
	procfs_task_path(p, 123, 0, "stat");
	assert_string_equal(p, "123/stat");
	procfs_task_path(p, 2147483647, 2147483646, "schedstat");
	assert_string_equal(p, "2147483647/task/2147483646/schedstat");
}

/* the 16-bit code: 0 and small counts exact, everything else within 0.05 %
 * (and the rounding to whole units) */
static void test_hist_codec(void **state)
{
	(void)state;
	assert_int_equal(hist_encode(0), 0);
	assert_int_equal(hist_encode(-5), 0);
	assert_int_equal(hist_encode(NAN), 0);
	assert_true(hist_decode(hist_encode(1e-9)) > 0); /* a trace is not nothing */
	for (unsigned v = 0; v < 2048; v++)
		if (hist_decode(hist_encode(v)) != v)
			fail_msg("%u is not exact", v);
	double prev = 0;
	for (double x = 1; x < 9e18; x *= 1.0137) {
		double back = hist_decode(hist_encode(x));
		if (fabs(back - x) > 0.0005 * x + 0.5)
			fail_msg("%.17g came back as %.17g", x, back);
		if (back < prev)
			fail_msg("the code is not monotonic at %g", x);
		prev = back;
	}
	/* beyond 2^63: the largest code, never a wrap to small */
	assert_int_equal(hist_encode(1e30), hist_encode(9.3e18));
	assert_true(hist_decode(hist_encode(1e30)) > 1.8e19);
}

static struct hist_sample sample(double cpu, double rss, double rd)
{
	struct hist_sample s = {{0}};
	s.v[HIST_CPU] = cpu;
	s.v[HIST_RSS] = rss;
	s.v[HIST_READ] = rd;
	return s;
}

/* idle tasks own no ring; the first activity starts one that replays the
 * idle stretch; totals count from the rates and the intervals */
static void test_hist_lazy(void **state)
{
	(void)state;
	struct hist *h = NULL;
	uint8_t n = 0;
	struct hist_sample s = sample(0, 5000, 0), out[HIST_LEN];
	for (int i = 0; i < 5; i++)
		assert_int_equal(hist_record(&h, &n, &s, 0.5, 5000), 0);
	assert_null(h);
	assert_int_equal(n, 5);
	assert_int_equal(hist_read(h, n, 5000, out, HIST_LEN), 5);
	assert_true(out[4].v[HIST_RSS] == 5000 && out[4].v[HIST_CPU] == 0);

	s = sample(50, 5000, 2048); /* half a CPU, 2 KiB/s for 0.5 s */
	assert_int_equal(hist_record(&h, &n, &s, 0.5, 5000), 0);
	assert_non_null(h);
	assert_int_equal(hist_read(h, n, 5000, out, HIST_LEN), 6);
	for (int i = 0; i < 5; i++) {
		assert_true(out[i].v[HIST_CPU] == 0 && out[i].v[HIST_READ] == 0);
		assert_true(fabs(out[i].v[HIST_RSS] - 5000) < 2);
	}
	assert_true(fabs(out[5].v[HIST_CPU] - 50) < 0.02);
	assert_true(fabs(out[5].v[HIST_READ] - 2048) < 1);
	assert_true(fabs(h->tot.cpu_s - 0.25) < 1e-9);
	assert_true(fabs(h->tot.read_bytes - 1024) < 1e-6);
	/* the last 2 only */
	assert_int_equal(hist_read(h, n, 5000, out, 2), 2);
	assert_true(out[0].v[HIST_CPU] == 0 && out[1].v[HIST_CPU] > 49);
	free(h);

	/* RSS moving is activity too, and the idle stretch keeps the old RSS */
	h = NULL;
	n = 0;
	s = sample(0, 100, 0);
	hist_record(&h, &n, &s, 1, 100);
	s = sample(0, 100, 0);
	hist_record(&h, &n, &s, 1, 100);
	assert_null(h);
	s = sample(0, 4000, 0);
	hist_record(&h, &n, &s, 1, 100);
	assert_non_null(h);
	assert_int_equal(hist_read(h, n, 4000, out, HIST_LEN), 3);
	assert_true(fabs(out[0].v[HIST_RSS] - 100) < 0.1 && fabs(out[2].v[HIST_RSS] - 4000) < 2);
	free(h);
}

/* past HIST_LEN samples the ring keeps the newest, oldest first */
static void test_hist_wrap(void **state)
{
	(void)state;
	struct hist *h = NULL;
	uint8_t n = 0;
	struct hist_sample out[HIST_LEN];
	for (int i = 0; i < 100; i++) { /* a long idle start: more than fits after */
		struct hist_sample s = sample(0, 10, 0);
		hist_record(&h, &n, &s, 1, 10);
	}
	for (int i = 1; i <= 250; i++) {
		struct hist_sample s = sample(i, 10, 0);
		hist_record(&h, &n, &s, 1, 10);
	}
	assert_int_equal(n, HIST_LEN);
	assert_int_equal(hist_read(h, n, 10, out, HIST_LEN), HIST_LEN);
	for (int k = 0; k < HIST_LEN; k++) {
		double want = 250 - HIST_LEN + 1 + k;
		if (fabs(out[k].v[HIST_CPU] - want) > 0.0005 * want + 0.005)
			fail_msg("slot %d: %g, want %g", k, out[k].v[HIST_CPU], want);
	}
	assert_true(fabs(h->tot.cpu_s - 250 * 251 / 2 / 100.0) < 1e-6);
	free(h);

	/* a ring that starts after more idle refreshes than it holds */
	h = NULL;
	n = 0;
	for (int i = 0; i < 200; i++) {
		struct hist_sample s = sample(0, 10, 0);
		hist_record(&h, &n, &s, 1, 10);
	}
	struct hist_sample s = sample(7, 10, 0);
	hist_record(&h, &n, &s, 1, 10);
	assert_int_equal(hist_read(h, n, 10, out, HIST_LEN), HIST_LEN);
	assert_true(out[HIST_LEN - 2].v[HIST_CPU] == 0);
	assert_true(fabs(out[HIST_LEN - 1].v[HIST_CPU] - 7) < 0.01);
	free(h);
}

static void count_hist(struct task *t, void *ctx)
{
	*(int *)ctx += t->hist != NULL;
}

/* The history is kept for rows only: with -H, the process entries (which
 * are not sampled as rows are: with taskstats their figures come from the
 * TGID replies) own no ring, while busy thread rows do. Live: needs the
 * taskstats of root to show the difference. */
static void test_history_rows_only(void **state)
{
	(void)state;
	struct model_config cfg = {.proc_root = "/proc", .threads = true, .no_net = true};
	struct model m;
	char why[256];
	assert_int_equal(model_init(&m, &cfg, why, sizeof why), 0);
	if (strcmp(m.sources[SOURCE_TASKSTATS].text, "ok") != 0 &&
	    strncmp(m.sources[SOURCE_TASKSTATS].text, "delay accounting off", 20) != 0) {
		print_message("skipped: taskstats is '%s'\n", m.sources[SOURCE_TASKSTATS].text);
		model_fini(&m);
		skip();
	}
	volatile double sink = 0;
	for (int r = 0; r < 4; r++) {
		assert_int_equal(model_refresh(&m), 0);
		for (int i = 0; i < 3000000; i++) /* this thread runs: a busy row */
			sink += i;
		usleep(50 * 1000);
	}
	int procs = 0, rows = 0;
	task_table_foreach(&m.procs, count_hist, &procs);
	task_table_foreach(&m.threads, count_hist, &rows);
	print_message("rings: %d process entries, %d thread rows\n", procs, rows);
	assert_int_equal(procs, 0);
	assert_true(rows >= 1);
	model_fini(&m);
}

/* ---- the hot path's invariants (src/modelcheck.c) ---- */

static void refresh_checked(struct model *m, int n)
{
	char why[256];
	for (int r = 0; r < n; r++) {
		assert_int_equal(model_refresh(m), 0);
		if (model_check(m, why, sizeof why) < 0)
			fail_msg("refresh %d: %s", r + 1, why);
	}
}

static void test_invariants_fixture(void **state)
{
	(void)state;
	const char *srcdir = getenv("srcdir");
	char root[4096];
	snprintf(root, sizeof root, "%s/tests/fixtures/proc-seq", srcdir && *srcdir ? srcdir : ".");
	for (int mode = 0; mode < 3; mode++) {
		struct model_config cfg = {.proc_root = root, .fixture_sequence = true,
					   .threads = mode == 1, .accumulated = mode == 2};
		static struct model m;
		char why[256];
		assert_int_equal(model_init(&m, &cfg, why, sizeof why), 0);
		refresh_checked(&m, 3);
		model_fini(&m);
	}
}

/* A recording found by fuzz_replay: a row of the process table flagged as
 * a thread. Its removal went to the empty thread table (undefined
 * behaviour before the integer map, a stale entry after it). Every sample
 * keeps the invariants, I9 among them. */
static void test_invariants_hostile_replay(void **state)
{
	(void)state;
	const char *srcdir = getenv("srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/replay/thread-flag-in-procs.rec",
		 srcdir && *srcdir ? srcdir : ".");
	struct model_config cfg = {.replay_path = path};
	int rc = 0;
	char why[256];
	struct model *m = model_new(&cfg, &rc, why, sizeof why);
	if (!m)
		fail_msg("cannot open %s: %s", path, why);
	int samples = 0;
	for (int r = 0; r < 50; r++) {
		rc = model_refresh(m);
		if (rc != 0)
			break; /* the end, or damage past the last good sample */
		samples++;
		if (model_check(m, why, sizeof why) < 0)
			fail_msg("sample %d: %s", samples, why);
	}
	assert_true(samples >= 1);
	model_free(m);
}

/* children and threads born and ended between refreshes, a pid reused */
static void *short_thread(void *arg)
{
	(void)arg;
	return NULL;
}

static void churn(void)
{
	for (int i = 0; i < 20; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		if (c > 0 && i % 2)
			waitpid(c, NULL, 0); /* the others are reaped after the refresh */
	}
	for (int i = 0; i < 5; i++) {
		pthread_t th;
		if (pthread_create(&th, NULL, short_thread, NULL) == 0)
			pthread_join(th, NULL);
	}
}

static void test_invariants_live(void **state)
{
	(void)state;
	for (int mode = 0; mode < 3; mode++) {
		struct model_config cfg = {.proc_root = "/proc", .no_net = true,
					   .threads = mode == 1, .accumulated = mode == 2};
		static struct model m;
		char why[256];
		assert_int_equal(model_init(&m, &cfg, why, sizeof why), 0);
		for (int r = 0; r < 6; r++) {
			churn();
			refresh_checked(&m, 1);
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			usleep(30 * 1000);
		}
		model_fini(&m);
	}
}

/* the check fails when an invariant is broken: it is not a test that
 * cannot fail */
static void test_invariants_catch(void **state)
{
	(void)state;
	struct model_config cfg = {.proc_root = "/proc", .no_net = true, .no_taskstats = true};
	static struct model m;
	char why[256];
	assert_int_equal(model_init(&m, &cfg, why, sizeof why), 0);
	refresh_checked(&m, 2);
	struct task *self = task_table_find(&m.procs, getpid());
	assert_non_null(self);
	uint32_t seen = self->seen_gen;
	self->seen_gen = m.gen + 1;
	assert_int_equal(model_check(&m, why, sizeof why), -1);
	assert_non_null(strstr(why, "I2"));
	self->seen_gen = seen;
	uint8_t n = self->nsamples;
	self->nsamples = 1;
	self->rates_valid = true;
	assert_int_equal(model_check(&m, why, sizeof why), -1);
	assert_non_null(strstr(why, "I3"));
	self->nsamples = n;
	m.deltas.held++;
	assert_int_equal(model_check(&m, why, sizeof why), -1);
	assert_non_null(strstr(why, "I4"));
	m.deltas.held--;
	assert_int_equal(model_check(&m, why, sizeof why), 0);
	model_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_plain),
		cmocka_unit_test(test_sanitize_controls),
		cmocka_unit_test(test_sanitize_utf8),
		cmocka_unit_test(test_sanitize_truncation),
		cmocka_unit_test(test_buf_numbers),
		cmocka_unit_test(test_array_grow),
		cmocka_unit_test(test_task_table),
		cmocka_unit_test(test_task_table_foreach_remove),
		cmocka_unit_test(test_task_comm),
		cmocka_unit_test(test_columns_unique),
		cmocka_unit_test(test_column_cells),
		cmocka_unit_test(test_column_sort),
		cmocka_unit_test(test_options_good),
		cmocka_unit_test(test_options_bad),
		cmocka_unit_test(test_procfs_path),
		cmocka_unit_test(test_hist_codec),
		cmocka_unit_test(test_hist_lazy),
		cmocka_unit_test(test_hist_wrap),
		cmocka_unit_test(test_history_rows_only),
		cmocka_unit_test(test_invariants_fixture),
		cmocka_unit_test(test_invariants_live),
		cmocka_unit_test(test_invariants_catch),
		cmocka_unit_test(test_invariants_hostile_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
