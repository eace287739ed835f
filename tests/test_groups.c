/* test_groups.c - unit tests of the exporter's pure parts: group naming
 * and --group-file rules (groups.c), the accumulator whose group counters
 * never decrease (groupacc.c), and the metric text (metrics.c), on a model
 * whose task table is filled by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "groupacc.h"
#include "groups.h"
#include "metrics.h"
#include "model_priv.h"
#include "task.h"

static struct model m;

static void model_setup(void)
{
	memset(&m, 0, sizeof m);
	m.clk_tck = 100;
	task_table_init(&m.procs);
	users_init(&m.users);
	m.sources[SOURCE_PROC] = (struct source_state){"proc", true, "ok"};
	m.sources[SOURCE_TASKSTATS] = (struct source_state){"taskstats", false, "off"};
	m.sources[SOURCE_NET] = (struct source_state){"net", false, "off (--no-net)"};
}

static void model_teardown(void)
{
	task_table_free(&m.procs);
	users_free(&m.users);
	free(m.exited);
	m.exited = NULL;
}

/* a living process sampled in this refresh */
static struct task *proc(int32_t pid, uint64_t start, const char *comm, uint64_t utime)
{
	struct task *t = task_table_find(&m.procs, pid);
	if (!t)
		t = task_table_insert(&m.procs, pid);
	assert_non_null(t);
	t->tgid = pid;
	t->ppid = 1;
	t->start_ticks = start;
	t->nsamples = 2;
	t->nthreads = 1;
	t->seen_gen = m.gen;
	t->rss_kb = 100;
	t->cur.utime = utime;
	task_set_comm(t, comm);
	return t;
}

static const struct group_stats *group(struct groupacc *a, const char *name)
{
	for (size_t i = 0; i < groupacc_ngroups(a); i++)
		if (strcmp(groupacc_group_name(a, i), name) == 0)
			return groupacc_group(a, i);
	fail_msg("no group %s", name);
	return NULL;
}

static uint64_t group_value(struct groupacc *a, const char *name, int counter)
{
	return group(a, name)->c[counter];
}

/* a model with no task, and an accumulator grouping by comm */
static void start(struct groupacc *a, unsigned top_k)
{
	static const struct grouping by_comm = {GROUP_BY_COMM, NULL};
	model_setup();
	groupacc_init(a, &by_comm, top_k);
	m.gen = 1;
}

static void finish(struct groupacc *a)
{
	groupacc_free(a);
	model_teardown();
}

/* the model's exit rows last one refresh */
static void next_refresh(struct groupacc *a)
{
	assert_int_equal(groupacc_update(a, &m), 0);
	m.gen++;
	m.nexited = 0;
}

/* a task known only by its exit record, this refresh's exited row */
static struct task *exit_row(int32_t pid, uint64_t start, const char *comm)
{
	if (!m.exited)
		m.exited = calloc(1, sizeof *m.exited);
	assert_non_null(m.exited);
	struct task *z = &m.exited[0];
	memset(z, 0, sizeof *z);
	z->tid = z->tgid = pid;
	z->start_ticks = start;
	z->exit_final = z->in_use = true;
	z->exited_gen = z->seen_gen = m.gen;
	z->nsamples = 2;
	task_set_comm(z, comm);
	m.nexited = 1;
	return z;
}

static void test_counters_never_decrease(void **state)
{
	(void)state;
	struct groupacc a;
	start(&a, 0);
	/* alive before pidtop: their whole lives count at once */
	proc(10, 1000, "cc", 100);
	struct task *y = proc(11, 1001, "cc", 50);
	y->cur.cswch = 40;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_CPU_USER), 150);
	assert_int_equal(group(&a, "cc")->processes, 2);
	assert_int_equal(group(&a, "cc")->started, 0);

	/* y ends: its exit record's final figures are its last increase */
	proc(10, 1000, "cc", 120);
	y->exited_gen = m.gen;
	y->exit_final = true;
	y->cur.utime = 70;
	y->cur.cswch = 30; /* a thread's switches left the sum: no decrease */
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_CPU_USER), 190);
	assert_int_equal(group_value(&a, "cc", GC_CSWCH), 40);
	assert_int_equal(group(&a, "cc")->processes, 1);

	/* y leaves the table; z lived between two refreshes (exit record only) */
	task_table_remove(&m.procs, y);
	proc(10, 1000, "cc", 120);
	struct task *z = exit_row(12, 1500, "cc");
	z->cur.utime = 5;
	z->cur.write_bytes = 4096;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_CPU_USER), 195);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096);
	assert_int_equal(group(&a, "cc")->started, 1);

	/* w is sampled alive, then ends, and its exit record comes as a task of
	 * its own whose start time is in whole seconds: not counted twice */
	struct task *w = proc(13, 1600, "cc", 0);
	w->cur.write_bytes = 1000;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096 + 1000);
	assert_int_equal(group(&a, "cc")->started, 2);
	w->exited_gen = m.gen; /* vanished: the model could not tie its record to it */
	z = exit_row(13, 1563, "cc"); /* ac_btime: whole seconds */
	z->cur.write_bytes = 3000;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096 + 3000);
	task_table_remove(&m.procs, w);

	/* v is read alive for the first time and ends before the same
	 * refresh's exit records are drained: its partial figures and its
	 * record (in whole seconds) are one process */
	struct task *v = proc(14, 1700, "cc", 0);
	v->cur.write_bytes = 500;
	z = exit_row(14, 1651, "cc");
	z->cur.write_bytes = 2000;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096 + 3000 + 2000);
	task_table_remove(&m.procs, v);

	/* u's exit record comes first (a task of its own, start in whole
	 * seconds); a refresh later the walk lists it, a zombie, with all it
	 * did since its birth: still one process */
	z = exit_row(15, 1700, "cc");
	z->cur.write_bytes = 800;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096 + 3000 + 2000 + 800);
	struct task *u = proc(15, 1742, "cc", 0);
	u->cur.write_bytes = 800;
	u->state = 'Z';
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), 4096 + 3000 + 2000 + 800);
	task_table_remove(&m.procs, u);

	/* q ends with its record; the model lets go of it, and a few refreshes
	 * later lists its zombie anew, with all it did: still one process */
	struct task *q = proc(16, 1800, "cc", 0);
	q->cur.write_bytes = 300;
	q->exited_gen = m.gen;
	q->exit_final = true;
	next_refresh(&a);
	uint64_t before_q = group_value(&a, "cc", GC_WRITE_BYTES);
	task_table_remove(&m.procs, q);
	for (int i = 0; i < 3; i++)
		next_refresh(&a);
	q = proc(16, 1800, "cc", 0);
	q->cur.write_bytes = 300;
	q->nsamples = 1;
	q->state = 'Z';
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_WRITE_BYTES), before_q);
	task_table_remove(&m.procs, q);

	/* x's pid is reused by a new process: it starts from zero, x's 120 stay */
	proc(10, 2000, "cc", 3);
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_CPU_USER), 198);
	assert_int_equal(group(&a, "cc")->started, 6);

	/* it execs: what it did stays in cc, the rest goes to ld */
	proc(10, 2000, "ld", 10);
	next_refresh(&a);
	assert_int_equal(group_value(&a, "cc", GC_CPU_USER), 198);
	assert_int_equal(group_value(&a, "ld", GC_CPU_USER), 7);
	assert_int_equal(group(&a, "cc")->processes, 0);
	assert_int_equal(group(&a, "ld")->processes, 1);
	finish(&a);
}

static void test_idle_groups_forgotten(void **state)
{
	(void)state;
	struct groupacc a;
	start(&a, 0);
	a.idle_samples = 100;
	proc(1, 1, "keeper", 5); /* alive throughout, idle */
	struct task *z = exit_row(50, 10, "spwc17"); /* a name that never comes back */
	z->cur.utime = 7;
	next_refresh(&a);
	assert_int_equal(group_value(&a, "spwc17", GC_CPU_USER), 7);
	size_t before = groupacc_ngroups(&a);
	for (int i = 0; i < 130; i++) {
		proc(1, 1, "keeper", 5);
		next_refresh(&a);
	}
	assert_int_equal(groupacc_ngroups(&a), before - 1);
	for (size_t i = 0; i < groupacc_ngroups(&a); i++)
		assert_string_not_equal(groupacc_group_name(&a, i), "spwc17");
	assert_int_equal(group_value(&a, "keeper", GC_CPU_USER), 5);
	assert_int_equal(group(&a, "keeper")->processes, 1);
	proc(1, 1, "keeper", 9); /* its process still counts into it */
	next_refresh(&a);
	assert_int_equal(group_value(&a, "keeper", GC_CPU_USER), 9);
	/* past the cap, new names share one group */
	for (int i = 0; i < GROUPACC_MAX_GROUPS + 20; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		proc(1000 + i, 1, name, 1);
	}
	next_refresh(&a);
	assert_int_equal(groupacc_ngroups(&a), GROUPACC_MAX_GROUPS + 1);
	assert_int_equal(group(&a, GROUPACC_OTHER)->processes, 21);
	assert_int_equal(group(&a, "keeper")->processes, 1);
	finish(&a);
}

static void test_top_processes(void **state)
{
	(void)state;
	struct groupacc a;
	start(&a, 1);
	for (int i = 0; i < 5; i++)
		proc(100 + i, 1, "w", 0);
	next_refresh(&a);
	proc(102, 1, "w", 50); /* the busiest of this interval */
	proc(103, 1, "w", 10);
	next_refresh(&a);
	struct buf b = {0};
	metrics_format(&b, false, &a, &m, 0.001);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.data, "pidtop_process_cpu_seconds_total{pid=\"102\",comm=\"w\",group=\"w\"} 0.5\n"));
	assert_null(strstr(b.data, "pid=\"103\""));
	/* it stays selected while idle, for GROUPACC_TOP_HOLD samples */
	for (int i = 0; i < GROUPACC_TOP_HOLD - 2; i++) {
		proc(102, 1, "w", 50);
		next_refresh(&a);
	}
	buf_reset(&b);
	metrics_format(&b, false, &a, &m, 0.001);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.data, "pid=\"102\""));
	proc(102, 1, "w", 50);
	next_refresh(&a);
	proc(102, 1, "w", 50);
	next_refresh(&a);
	buf_reset(&b);
	metrics_format(&b, false, &a, &m, 0.001);
	buf_putc(&b, '\0');
	assert_null(strstr(b.data, "pid=\"102\""));
	buf_free(&b);
	finish(&a);
}

static void test_metric_text(void **state)
{
	(void)state;
	struct groupacc a;
	start(&a, 0);
	struct task *t = proc(7, 1, "a\"b\\c", 123);
	t->cur.wait_ns = 1500000001; /* 1.500000001 s */
	next_refresh(&a);
	struct buf b = {0};
	metrics_format(&b, false, &a, &m, 0.25);
	buf_putc(&b, '\0');
	/* label values escape backslash and double quote; values are exact */
	assert_non_null(strstr(b.data, "pidtop_group_cpu_seconds_total{group=\"a\\\"b\\\\c\",mode=\"user\"} 1.23\n"));
	assert_non_null(strstr(b.data, "pidtop_group_runqueue_wait_seconds_total{group=\"a\\\"b\\\\c\"} 1.500000001\n"));
	assert_non_null(strstr(b.data, "# TYPE pidtop_group_cpu_seconds_total counter\n"));
	assert_non_null(strstr(b.data, "pidtop_source_info{source=\"net\",state=\"off (--no-net)\"} 1\n"));
	assert_non_null(strstr(b.data, "# TYPE pidtop_build_info gauge\n"));
	assert_null(strstr(b.data, "# EOF"));
	buf_reset(&b);
	metrics_format(&b, true, &a, &m, 0.25);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.data, "# TYPE pidtop_group_cpu_seconds counter\n"));
	assert_non_null(strstr(b.data, "# TYPE pidtop_build info\npidtop_build_info{version="));
	size_t n = strlen(b.data);
	assert_true(n > 6 && strcmp(b.data + n - 6, "# EOF\n") == 0);
	buf_reset(&b);
	metrics_label_value(&b, "x\ny");
	buf_putc(&b, '\0');
	assert_string_equal(b.data, "\"x\\ny\"");
	buf_free(&b);
	finish(&a);
}

static void test_group_keys_and_rules(void **state)
{
	(void)state;
	model_setup();
	m.gen = 1;
	struct task *t = proc(20, 1, "nginx", 0);
	t->uid = 0;
	t->cgroup = strdup("/system.slice/nginx.service");
	t->cmdline = strdup("nginx: worker process");
	char name[GROUP_NAME_MAX];
	struct grouping g = {GROUP_BY_CGROUP, NULL};
	grouping_name(&g, &m, t, NULL, name, sizeof name);
	assert_string_equal(name, "nginx.service");
	g.by = GROUP_BY_USER;
	grouping_name(&g, &m, t, NULL, name, sizeof name);
	assert_string_equal(name, "root");
	g.by = GROUP_BY_EXE;
	grouping_name(&g, &m, t, "/usr/sbin/nginx", name, sizeof name);
	assert_string_equal(name, "/usr/sbin/nginx");
	grouping_name(&g, &m, t, "", name, sizeof name); /* unreadable: its comm */
	assert_string_equal(name, "nginx");
	/* a kernel thread counts up to its first '/' */
	struct task *k = proc(30, 1, "kworker/3:1H-kblockd", 0);
	k->ppid = 2;
	g.by = GROUP_BY_COMM;
	grouping_name(&g, &m, k, NULL, name, sizeof name);
	assert_string_equal(name, "kworker");

	char path[] = "/tmp/test_groups.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *yml = "groups:\n"
			  "  - name: web\n"
			  "    cmdline: 'worker process$'\n"
			  "    user: '^root$'\n"
			  "  - name: never\n"
			  "    comm: '^nginx$'\n"
			  "    cgroup: 'other'\n";
	assert_int_equal(write(fd, yml, strlen(yml)), (ssize_t)strlen(yml));
	close(fd);
	struct group_rules r;
	char err[256];
	assert_int_equal(group_rules_load(path, &r, err, sizeof err), 0);
	assert_int_equal(r.n, 2);
	g.rules = &r;
	grouping_name(&g, &m, t, NULL, name, sizeof name);
	assert_string_equal(name, "web");
	t->uid = 65534; /* the first rule's user no longer matches, nor the second's cgroup */
	grouping_name(&g, &m, t, NULL, name, sizeof name);
	assert_string_equal(name, "nginx");
	group_rules_free(&r);

	/* malformed: one line naming the file and the line */
	static const char *const bad[] = {
		"groups:\n  - name: x\n",                   /* no pattern */
		"groups:\n  - comm: x\n",                   /* no name */
		"groups:\n  - name: x\n    comm: '('\n",    /* bad regex */
		"groups:\n  - name: x\n    pid: '1'\n",     /* unknown key */
		"rules: []\n",                              /* not groups */
		"groups: [\n",                              /* not YAML */
		"groups:\n  - name: x\n    comm: 'a+++'\n",  /* stacked repetition */
		"groups:\n  - name: x\n    comm: '((a{50}){50}){50}'\n", /* 125,000 copies */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(bad[i], f);
		fclose(f);
		assert_int_equal(group_rules_load(path, &r, err, sizeof err), -1);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "line "));
		assert_null(strchr(err, '\n'));
		assert_int_equal(r.n, 0);
	}
	unlink(path);
	model_teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_never_decrease),
		cmocka_unit_test(test_top_processes),
		cmocka_unit_test(test_idle_groups_forgotten),
		cmocka_unit_test(test_metric_text),
		cmocka_unit_test(test_group_keys_and_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
