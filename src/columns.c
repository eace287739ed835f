/* columns.c - every column pidtop knows, one row each */
#include "columns.h"
#include "model.h"
#include "rowextra.h"
#include "task.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct task *proc_of(const struct task *t)
{
	return t->process ? t->process : t;
}

static void set_int(struct cell *c, int64_t v)
{
	c->state = CELL_VALUE;
	c->kind = CELL_INT;
	c->i = v;
}

static void set_real(struct cell *c, double v)
{
	c->state = CELL_VALUE;
	c->kind = CELL_REAL;
	c->d = v;
}

static void set_text(struct cell *c, const char *s)
{
	c->state = CELL_VALUE;
	c->kind = CELL_TEXT;
	c->s = s ? s : "";
	c->slen = strlen(c->s);
}

static void set_state(struct cell *c, enum cell_state st, enum cell_kind kind)
{
	c->state = st;
	c->kind = kind;
}

/* A rate: no value on the first sample, n/a or no access when the source
 * of the figure is missing. */
static bool rate_ready(const struct task *t, unsigned group, struct cell *c)
{
	if (group && (t->denied & group)) {
		set_state(c, CELL_DENIED, CELL_REAL);
		return false;
	}
	if (group && !(t->have & group)) {
		set_state(c, CELL_NA, CELL_REAL);
		return false;
	}
	if (!t->rates_valid) {
		set_state(c, CELL_NONE, CELL_REAL);
		return false;
	}
	return true;
}

#define RATE_GETTER(name, group, field)                                               \
	static void get_##name(struct model *m, const struct task *t, struct cell *c) \
	{                                                                             \
		(void)m;                                                              \
		if (rate_ready(t, group, c))                                          \
			set_real(c, task_rates(t)->field);                                  \
	}

RATE_GETTER(cpu_pct, TG_STAT, cpu_pct)
RATE_GETTER(usr_pct, TG_STAT, usr_pct)
RATE_GETTER(sys_pct, TG_STAT, sys_pct)
RATE_GETTER(guest_pct, TG_STAT, guest_pct)
RATE_GETTER(wait_pct, TG_SCHEDSTAT, wait_pct)
RATE_GETTER(minflt_ps, TG_STAT, minflt_ps)
RATE_GETTER(majflt_ps, TG_STAT, majflt_ps)
RATE_GETTER(read_bps, TG_IO, read_bps)
RATE_GETTER(write_bps, TG_IO, write_bps)
RATE_GETTER(cwrite_bps, TG_IO, cwrite_bps)
RATE_GETTER(io_delay_pct, TG_DELAY, io_delay_pct)
RATE_GETTER(swapin_delay_pct, TG_DELAY, swapin_delay_pct)
RATE_GETTER(reclaim_delay_pct, TG_DELAY, reclaim_delay_pct)
RATE_GETTER(thrashing_delay_pct, TG_DELAY, thrashing_delay_pct)
RATE_GETTER(cswch_ps, TG_STATUS, cswch_ps)
RATE_GETTER(nvcswch_ps, TG_STATUS, nvcswch_ps)
RATE_GETTER(net_tx_bps, TG_NET, net_tx_bps)
RATE_GETTER(net_rx_bps, TG_NET, net_rx_bps)
RATE_GETTER(net_tx_pps, TG_NET, net_tx_pps)
RATE_GETTER(net_rx_pps, TG_NET, net_rx_pps)

static void get_pid(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->tgid);
}

static void get_tid(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->tid);
}

static void get_ppid(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, proc_of(t)->ppid);
}

static void get_uid(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->uid);
}

static void get_user(struct model *m, const struct task *t, struct cell *c)
{
	set_text(c, model_user_name(m, t->uid));
}

static void get_comm(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_text(c, task_comm(t));
}

static void get_cmdline(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	const struct task *p = proc_of(t);
	set_text(c, p->cmdline ? p->cmdline : task_comm(p));
}

static void get_cgroup(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	const struct task *p = proc_of(t);
	if (p->cgroup)
		set_text(c, p->cgroup);
	else
		set_state(c, CELL_NA, CELL_TEXT);
}

static void get_state(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	static const char *const names[] = {"R", "S", "D", "T", "t", "Z", "X", "I", "P", "W", "K"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (names[i][0] == t->state) {
			set_text(c, names[i]);
			return;
		}
	}
	set_text(c, "?");
}

static void get_threads(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, proc_of(t)->nthreads);
}

static void get_start_time(struct model *m, const struct task *t, struct cell *c)
{
	set_real(c, model_task_start_epoch_s(m, t));
}

static void get_cpu(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	if (t->processor < 0)
		set_state(c, CELL_NA, CELL_INT);
	else
		set_int(c, t->processor);
}

static void get_cpu_time(struct model *m, const struct task *t, struct cell *c)
{
	set_real(c, (double)(t->cur.utime + t->cur.stime) / (double)model_clk_tck(m));
}

static void get_nice(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->nice);
}

static void get_priority(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->priority);
}

static void get_exited(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	set_int(c, t->exited_gen != 0);
	c->kind = CELL_BOOL;
}

static void get_vsz(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	if (!(t->have & TG_MEM)) {
		set_state(c, CELL_NA, CELL_INT);
		return;
	}
	set_int(c, (int64_t)t->vsz_kb);
}

static void get_rss(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	if (!(t->have & TG_MEM)) {
		set_state(c, CELL_NA, CELL_INT);
		return;
	}
	set_int(c, (int64_t)t->rss_kb);
}

static void get_rss_delta(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	if (rate_ready(t, TG_MEM, c))
		set_int(c, t->rss_delta_kb);
}

static void get_mem_pct(struct model *m, const struct task *t, struct cell *c)
{
	uint64_t total = model_system(m)->mem.mem_total_kb;
	if (!total || !(t->have & TG_MEM))
		set_state(c, CELL_NA, CELL_REAL);
	else
		set_real(c, (double)t->rss_kb * 100.0 / (double)total);
}

static void get_oom_score(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	if (!t->extra_read)
		set_state(c, CELL_NONE, CELL_INT);
	else if (t->oom_score < 0)
		set_state(c, CELL_NA, CELL_INT);
	else
		set_int(c, t->oom_score);
}

static void get_ioprio(struct model *m, const struct task *t, struct cell *c)
{
	(void)m;
	const char *name = rowextra_ioprio_name(t);
	if (!t->extra_read) {
		set_state(c, CELL_NONE, CELL_TEXT);
		return;
	}
	if (!name) {
		set_state(c, CELL_NA, CELL_TEXT);
		return;
	}
	set_text(c, name);
	c->i = rowextra_ioprio_rank(t);
}

const struct column columns[] = {
	{"pid", "PID", "process id (thread group id)", 7, 0, UNIT_NONE, COL_ASCENDING | COL_TEXT, get_pid},
	{"tid", "TID", "thread id (the pid on process rows)", 7, 0, UNIT_NONE, COL_ASCENDING | COL_THREADS, get_tid},
	{"ppid", "PPID", "parent process id", 7, 0, UNIT_NONE, COL_ASCENDING, get_ppid},
	{"uid", "UID", "real user id", 6, 0, UNIT_NONE, COL_ASCENDING, get_uid},
	{"user", "USER", "user name of the real uid", 9, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING | COL_TEXT, get_user},
	{"comm", "COMM", "task name (the thread's own on thread rows)", 15, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING, get_comm},
	{"cgroup", "CGROUP", "cgroup v2 path (the screen shows the unit or container id)", 24, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING, get_cgroup},
	{"cmdline", "COMMAND", "full command line; [name] for kernel threads", 0, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING | COL_TEXT | COL_LAST, get_cmdline},
	{"state", "S", "state: R running, S sleeping, D disk sleep, T stopped, Z zombie, I idle", 1, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING | COL_TEXT, get_state},
	{"threads", "THR", "threads in the process", 4, 0, UNIT_NONE, 0, get_threads},
	{"starttime", "START", "start time, seconds since the epoch", 13, 2, UNIT_EPOCH, 0, get_start_time},
	{"exited", "EXITED", "ended in this interval (final figures from its exit record)", 6, 0, UNIT_NONE, 0, get_exited},
	{"cpu_pct", "%CPU", "CPU use, 100 = one CPU (never clamped)", 6, 1, UNIT_PCT, COL_TEXT, get_cpu_pct},
	{"usr_pct", "%usr", "user CPU, guest time excluded", 6, 1, UNIT_PCT, COL_TEXT, get_usr_pct},
	{"sys_pct", "%sys", "kernel CPU", 6, 1, UNIT_PCT, COL_TEXT, get_sys_pct},
	{"guest_pct", "%guest", "CPU running a virtual machine's guest", 6, 1, UNIT_PCT, 0, get_guest_pct},
	{"wait_pct", "%wait", "time runnable but waiting for a CPU (run-queue delay)", 6, 1, UNIT_PCT, COL_TEXT, get_wait_pct},
	{"cpu", "CPU", "CPU it last ran on", 3, 0, UNIT_NONE, COL_TEXT, get_cpu},
	{"cpu_time", "TIME", "CPU time used since it started, seconds", 9, 2, UNIT_SECONDS, 0, get_cpu_time},
	{"nice", "NI", "nice value", 3, 0, UNIT_NONE, 0, get_nice},
	{"priority", "PRI", "kernel scheduling priority", 3, 0, UNIT_NONE, 0, get_priority},
	{"oom_score", "OOM", "badness for the OOM killer, 0-2000 (/proc/PID/oom_score)", 4, 0, UNIT_NONE, COL_EXTRA, get_oom_score},
	{"ioprio", "PRIO", "I/O priority as iotop shows it: be/4, rt/0, idle, none/4", 6, 0, UNIT_NONE, COL_LEFT | COL_ASCENDING | COL_SORT_I | COL_EXTRA, get_ioprio},
	{"vsz_kb", "VSZ", "virtual memory size, KiB", 7, 0, UNIT_KB, COL_HUMAN, get_vsz},
	{"rss_kb", "RSS", "resident memory, KiB", 7, 0, UNIT_KB, COL_TEXT | COL_HUMAN, get_rss},
	{"rss_delta_kb", "dRSS", "change of RSS over the interval, KiB", 7, 0, UNIT_KB, COL_TEXT | COL_HUMAN, get_rss_delta},
	{"mem_pct", "%MEM", "RSS as a share of physical memory", 5, 1, UNIT_PCT, COL_TEXT, get_mem_pct},
	{"minflt_ps", "minflt/s", "minor page faults per second", 8, 1, UNIT_PS, 0, get_minflt_ps},
	{"majflt_ps", "majflt/s", "major page faults (storage reads) per second", 8, 1, UNIT_PS, COL_TEXT, get_majflt_ps},
	{"read_bps", "READ/s", "bytes fetched from storage per second", 7, 0, UNIT_BPS, COL_TEXT | COL_HUMAN, get_read_bps},
	{"write_bps", "WRITE/s", "bytes written (dirtied) toward storage per second", 7, 0, UNIT_BPS, COL_TEXT | COL_HUMAN, get_write_bps},
	{"cwrite_bps", "CWRITE/s", "written bytes cancelled by truncation per second", 8, 0, UNIT_BPS, COL_HUMAN, get_cwrite_bps},
	{"io_delay_pct", "IO%", "time waiting for block I/O (delay accounting)", 5, 1, UNIT_PCT, COL_TEXT, get_io_delay_pct},
	{"swapin_delay_pct", "SWAP%", "time waiting for swap-in (delay accounting)", 5, 1, UNIT_PCT, 0, get_swapin_delay_pct},
	{"reclaim_delay_pct", "RECL%", "time in memory reclaim (delay accounting)", 5, 1, UNIT_PCT, 0, get_reclaim_delay_pct},
	{"thrashing_delay_pct", "THRASH%", "time thrashing on page cache (delay accounting)", 7, 1, UNIT_PCT, 0, get_thrashing_delay_pct},
	{"cswch_ps", "cswch/s", "voluntary context switches per second", 8, 1, UNIT_PS, COL_TEXT, get_cswch_ps},
	{"nvcswch_ps", "nvcsw/s", "involuntary context switches per second", 8, 1, UNIT_PS, COL_TEXT, get_nvcswch_ps},
	{"net_tx_bps", "NET_TX/s", "IP bytes sent by its sockets per second", 8, 0, UNIT_BPS, COL_TEXT | COL_HUMAN, get_net_tx_bps},
	{"net_rx_bps", "NET_RX/s", "IP bytes received by its sockets per second", 8, 0, UNIT_BPS, COL_TEXT | COL_HUMAN, get_net_rx_bps},
	{"net_tx_pps", "PKT_TX/s", "packets sent per second", 8, 0, UNIT_PS, 0, get_net_tx_pps},
	{"net_rx_pps", "PKT_RX/s", "packets received per second", 8, 0, UNIT_PS, 0, get_net_rx_pps},
};
const size_t columns_count = sizeof columns / sizeof columns[0];

const struct column *column_find(const char *id)
{
	if (strcmp(id, "start_time") == 0) /* its id before 0.1.0: old settings files and scripts */
		id = "starttime";
	for (size_t i = 0; i < columns_count; i++)
		if (strcmp(columns[i].id, id) == 0)
			return &columns[i];
	return NULL;
}

/* The rate titles without "/s", made once from the table. */
static char total_titles[sizeof columns / sizeof columns[0]][16];

const char *column_title(const struct column *col, bool accumulated)
{
	size_t len = strlen(col->header);
	if (!accumulated || (col->unit != UNIT_BPS && col->unit != UNIT_PS) || len < 3 ||
	    strcmp(col->header + len - 2, "/s") != 0 || len - 2 >= sizeof total_titles[0])
		return col->header;
	char *t = total_titles[col - columns];
	if (!t[0])
		memcpy(t, col->header, len - 2);
	return t;
}

const struct column_group column_groups[] = {
	{"cpu", "usr_pct,sys_pct,guest_pct,wait_pct,cpu_pct,cpu"},
	{"mem", "minflt_ps,majflt_ps,vsz_kb,rss_kb,mem_pct"},
	{"io", "read_bps,write_bps,cwrite_bps,io_delay_pct"},
	{"ctx", "cswch_ps,nvcswch_ps"},
	{"net", "net_tx_bps,net_rx_bps,net_tx_pps,net_rx_pps"},
};
const size_t column_groups_count = sizeof column_groups / sizeof column_groups[0];

/* Adds the column named by s[0..n) once; 1 added or present, 0 unknown,
 * -1 when out is full. */
static int list_add(const char *s, size_t n, const struct column **out, size_t *count, size_t max)
{
	char id[64];
	if (n == 0 || n >= sizeof id)
		return 0;
	memcpy(id, s, n);
	id[n] = '\0';
	const struct column *c = column_find(id);
	if (!c)
		return 0;
	for (size_t i = 0; i < *count; i++)
		if (out[i] == c)
			return 1;
	if (*count >= max)
		return -1;
	out[(*count)++] = c;
	return 1;
}

int column_list_parse(const char *list, const struct column **out, size_t max, char *err,
		      size_t errlen)
{
	size_t count = 0;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		const char *ids = NULL;
		for (size_t g = 0; g < column_groups_count; g++)
			if (strlen(column_groups[g].name) == n && memcmp(column_groups[g].name, p, n) == 0)
				ids = column_groups[g].ids;
		int rc = 1;
		for (const char *q = ids; q && *q && rc == 1;) {
			const char *c2 = strchr(q, ',');
			size_t m = c2 ? (size_t)(c2 - q) : strlen(q);
			rc = list_add(q, m, out, &count, max);
			q += m + (c2 ? 1 : 0);
		}
		if (!ids)
			rc = list_add(p, n, out, &count, max);
		if (rc == 0) {
			snprintf(err, errlen, "unknown column '%.*s' (pidtop --help lists them)",
				 (int)(n < 64 ? n : 64), p);
			return -1;
		}
		if (rc < 0) {
			snprintf(err, errlen, "too many columns");
			return -1;
		}
		p += n + (comma ? 1 : 0);
	}
	if (count == 0) {
		snprintf(err, errlen, "no column named in '%s'", list);
		return -1;
	}
	return (int)count;
}

static double cell_number(const struct cell *c)
{
	return c->kind == CELL_INT ? (double)c->i : c->d;
}

int column_compare(const struct column *col, struct model *m, const struct task *a,
		   const struct task *b, bool reverse)
{
	struct cell ca, cb;
	col->get(m, a, &ca);
	col->get(m, b, &cb);
	int r = 0;
	bool va = ca.state == CELL_VALUE, vb = cb.state == CELL_VALUE;
	if (va != vb)
		return va ? -1 : 1; /* empty cells last, whichever the direction */
	if (va) {
		if (ca.kind == CELL_TEXT && (col->flags & COL_SORT_I)) {
			r = (ca.i > cb.i) - (ca.i < cb.i);
		} else if (ca.kind == CELL_TEXT) {
			r = strcmp(ca.s, cb.s);
		} else if (ca.kind == CELL_INT && cb.kind == CELL_INT) {
			r = (ca.i > cb.i) - (ca.i < cb.i);
		} else {
			double x = cell_number(&ca), y = cell_number(&cb);
			r = (x > y) - (x < y);
		}
		bool descending = !(col->flags & COL_ASCENDING);
		if (descending != reverse)
			r = -r;
	}
	if (r == 0)
		r = (a->tid > b->tid) - (a->tid < b->tid);
	return r;
}

void column_format_human(double v, char *out, size_t outsize)
{
	static const char units[] = "KMGTPE";
	double a = fabs(v);
	if (a < 1024) {
		snprintf(out, outsize, "%.0f", v);
		return;
	}
	int u = -1;
	while (a >= 1024 && u < 5) {
		a /= 1024;
		v /= 1024;
		u++;
	}
	snprintf(out, outsize, a < 10 ? "%.1f%c" : "%.0f%c", v, units[u]);
}

bool column_screen_text(const struct column *col, const struct cell *c, char *out,
			size_t outsize)
{
	if (col->get != get_cgroup || c->state != CELL_VALUE || c->kind != CELL_TEXT)
		return false;
	cgroup_short_name(c->s, c->slen, out, outsize);
	return true;
}
