/* sampler.c - where the model's samples come from: the kernel (the proc
 * root, taskstats, the capture), a sequence of fixture trees (the tests:
 * tree k at refresh k, its uptime the clock), or a recording. model_new
 * picks one; model_refresh calls it; the rest of the model computes the
 * same figures from whichever it is. */
#include "model_priv.h"
#include "threadsum.h"
#include "clock.h"
#include "netcap.h"
#include "parse.h"
#include "record.h"
#include "replay.h"
#include "scan.h"
#include "tsmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void set_source(struct model *m, enum source_id id, const char *name, bool ok,
		       const char *text)
{
	m->sources[id].name = name;
	m->sources[id].ok = ok;
	snprintf(m->sources[id].text, sizeof m->sources[id].text, "%s", text);
}

static int open_recorder(struct model *m, char *why, size_t whylen)
{
	if (!m->cfg.record_path)
		return 0;
	struct record_opts ro = {m->cfg.record_path, m->cfg.record_max, m->cfg.record_no_cmdline};
	return recorder_open(&m->recorder, &ro, why, whylen);
}

static int open_net(struct model *m, char *why, size_t whylen)
{
	if (m->cfg.no_net) {
		set_source(m, SOURCE_NET, "net", false, "off (--no-net)");
		return 0;
	}
	char reason[160];
	int rc = netcap_open_filtered(m->cfg.net_device, m->cfg.net_filter, m->cfg.proc_root, &m->net,
				      reason, sizeof reason);
	if (rc == NETCAP_ERR_DEVICE) {
		snprintf(why, whylen, "%s", reason);
		return MODEL_ERR_USAGE;
	}
	if (rc < 0) {
		char text[200];
		snprintf(text, sizeof text, "unavailable: %s", reason);
		set_source(m, SOURCE_NET, "net", false, text);
		m->net = NULL;
		return 0;
	}
	set_source(m, SOURCE_NET, "net", true, netcap_state(m->net));
	return 0;
}

/* A start time (clock ticks since boot) as the capture's CLOCK_MONOTONIC
 * ns; boot_off: clock_boot_offset_ns(). Ticks are floored by the kernel,
 * so this is at most a tick before the true start. */
static uint64_t start_mono_ns(const struct model *m, uint64_t ticks, uint64_t boot_off)
{
	if (m->clk_tck <= 0)
		return 0;
	uint64_t hz = (uint64_t)m->clk_tck;
	uint64_t boot = ticks / hz * 1000000000u + ticks % hz * 1000000000u / hz;
	return boot > boot_off ? boot - boot_off : 0;
}

static bool later_holder(const struct task *x, const struct task *t, uint64_t *next)
{
	if (!x || x == t || x->tid != x->tgid || x->tgid != t->tgid ||
	    x->start_ticks <= t->start_ticks || x->start_ticks >= *next)
		return false;
	*next = x->start_ticks;
	return true;
}

/* When ended t's pid passed to another process, as far as this refresh
 * knows: the start of the next process that held it (listed now, or ended
 * in this interval too); UINT64_MAX when none did. */
static uint64_t pid_passed_ns(struct model *m, const struct task *t, uint64_t boot_off)
{
	uint64_t next = UINT64_MAX;
	bool found = later_holder(task_table_find(model_rows_table(m), t->tgid), t, &next);
	for (size_t i = 0; i < m->nexited; i++)
		found |= later_holder(&m->exited[i], t, &next);
	return found ? start_mono_ns(m, next, boot_off) : UINT64_MAX;
}

struct net_ctx {
	struct model *m;
	uint64_t boot_off; /* clock_boot_offset_ns() of this refresh */
};

/* Credits a process (on thread rows its leader) with the capture's traffic
 * of its pid in this interval, as the interval's delta; the rates come
 * from the deltas like everything else. The capture keeps traffic by pid:
 * only connections first seen while t held the pid are t's when its pid
 * was another process's within the interval. ended: t ended in it. */
static void credit_net(const struct net_ctx *nx, struct task *t, bool ended)
{
	struct model *m = nx->m;
	if (t->is_thread && t->tid != t->tgid)
		return; /* sockets belong to the process: its leader's row shows them */
	struct netcap_counters c;
	bool moved = netcap_pid_interval(m->net, t->tgid, &c);
	if (moved) {
		uint64_t from = start_mono_ns(m, t->start_ticks, nx->boot_off);
		uint64_t to = ended ? pid_passed_ns(m, t, nx->boot_off) : UINT64_MAX;
		moved = netcap_pid_interval_within(m->net, t->tgid, from, to, &c);
	}
	struct task_net iv = {c.tx_bytes, c.tx_pkts, c.rx_bytes, c.rx_pkts};
	t->have |= TG_NET;
	model_first_add_net(m, t, &iv);
	if (!moved || t->nsamples < 2) {
		/* a first sample has no rate: what came before it is not counted */
		if (t->delta)
			memset(&t->delta->net, 0, sizeof t->delta->net);
		return;
	}
	if (!delta_hold(&m->deltas, t)) {
		t->nsamples = 1; /* out of memory: no rate rather than a wrong one */
		return;
	}
	t->delta->net = iv;
}

static void credit_ended(struct task *t, void *arg)
{
	const struct net_ctx *nx = arg;
	if (t->exit_final && t->exited_gen == nx->m->gen && t->seen_gen != nx->m->gen)
		credit_net(nx, t, true);
}

/* Credits each process (and on thread rows its leader) with the capture's
 * cumulative traffic; the rates come from the deltas like everything else.
 * Tasks that ended in this interval get their last bytes too (the capture
 * keeps a pid's totals a while after it exits), so a sender that exits
 * is not short of its final interval. Runs after the exit records. */
static void refresh_net(struct model *m)
{
	if (!m->net)
		return;
	netcap_refresh(m->net);
	const char *state = netcap_state(m->net);
	set_source(m, SOURCE_NET, "net", strncmp(state, "ok", 2) == 0, state);
	struct net_ctx nx = {m, clock_boot_offset_ns()};
	const struct task_list *l = m->cfg.threads ? &m->listed_threads : &m->listed;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i])
			credit_net(&nx, l->v[i], false);
	task_table_foreach(model_rows_table(m), credit_ended, &nx);
	for (size_t i = 0; i < m->nexited; i++)
		credit_net(&nx, &m->exited[i], true);
	struct netcap_unattributed u;
	netcap_unattributed(m->net, &u);
	m->net_prev = m->net_cur;
	m->net_cur.tcp_bytes = u.tcp_bytes;
	m->net_cur.udp_bytes = u.udp_bytes;
	m->net_cur.other_bytes = u.other_bytes;
	m->net_cur.drops = netcap_drops(m->net);
	m->net_samples += m->net_samples < 2;
}

/* ---- a proc tree: the kernel's or a fixture's ---- */

/* One sample of the proc tree, once the refresh's clocks are taken. */
static int walk(struct model *m)
{
	m->interval_s = m->gen > 1 ? m->now_s - m->prev_now_s : 0;
	users_check_passwd(&m->users);
	m->prev_uptime_s = m->sys.stats.uptime_s;
	if (system_refresh(&m->sys, m->pfs.root_fd, m->now_s) < 0)
		return -1;
	if (m->gen == 1)
		m->first_uptime_s = m->sys.stats.uptime_s;
	tsmodel_begin_refresh(m);
	if (scan_all(m) < 0)
		return -1;
	tsmodel_drain_exits(m);
	refresh_net(m);
	model_finish(m);
	return 0;
}

/* The refresh before a walk: the previous sample goes to the recording,
 * and the clocks move on. */
static int begin_walk(struct model *m)
{
	int rc = model_record_flush(m);
	m->gen++;
	m->prev_now_s = m->now_s;
	return rc;
}

/* ---- the kernel ---- */

static int kernel_open(struct model *m, char *why, size_t whylen)
{
	if (procfs_open(&m->pfs, m->cfg.proc_root, why, whylen) < 0)
		return -1;
	/* schedstat is the idle probe; a kernel without CONFIG_SCHED_INFO
	 * writes zeros there, and then every task gets a full read */
	char tmp[128];
	ssize_t n = procfs_read(m->pfs.root_fd, "self/schedstat", tmp, sizeof tmp);
	struct proc_schedstat ss;
	m->schedstat_works = n > 0 && parse_proc_schedstat(tmp, (size_t)n, &ss) == 0 &&
			     (ss.run_ns || ss.timeslices);
	m->own_pidns = procfs_own_pidns(m->pfs.root_fd);
	set_source(m, SOURCE_PROC, "proc", true, "ok");
	set_source(m, SOURCE_TASKSTATS, "taskstats", false, "off");
	set_source(m, SOURCE_NET, "net", false, "off");
	if (tsmodel_open(m, why, whylen) < 0)
		return -1;
	int rc = open_net(m, why, whylen);
	return rc == 0 ? open_recorder(m, why, whylen) : rc;
}

static int kernel_refresh(struct model *m)
{
	int rrc = begin_walk(m);
	/* the two clocks side by side: a report's time and its interval
	 * agree even when the machine starves this refresh */
	m->now_s = clock_mono_s();
	clock_gettime(CLOCK_REALTIME, &m->wall);
	if (walk(m) < 0)
		return -1;
	/* whole microseconds, as a recording keeps it */
	m->refresh_s = clock_us_to_s(clock_mono_us() - clock_s_to_us(m->now_s));
	m->record_due = m->recorder != NULL;
	return rrc;
}

static double kernel_read_time(const struct model *m)
{
	(void)m;
	return clock_mono_s();
}

const struct sampler sampler_kernel = {"kernel", kernel_open, kernel_refresh, kernel_read_time};

/* ---- fixture trees ---- */

static int fixture_open(struct model *m, char *why, size_t whylen)
{
	char path[4096];
	int n = snprintf(path, sizeof path, "%s/%d", m->cfg.proc_root, m->fixture_index);
	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(why, whylen, "proc root path too long");
		return -1;
	}
	if (procfs_open(&m->pfs, path, why, whylen) < 0)
		return -1;
	if (m->cfg.enable_delayacct) {
		snprintf(why, whylen, "--enable-delayacct needs the taskstats source");
		return -1;
	}
	m->schedstat_works = true;
	set_source(m, SOURCE_PROC, "proc", true, "ok");
	set_source(m, SOURCE_TASKSTATS, "taskstats", false,
		   m->cfg.no_taskstats ? "off (--no-taskstats)" : "off (fixture tree)");
	set_source(m, SOURCE_NET, "net", false,
		   m->cfg.no_net ? "off (--no-net)" : "off (fixture tree)");
	return open_recorder(m, why, whylen);
}

/* Fixture trees: refresh k reads tree k, and the tree's uptime is the clock. */
static int fixture_advance(struct model *m)
{
	if (m->gen > 1) {
		char why[256];
		struct procfs next;
		char path[4096];
		snprintf(path, sizeof path, "%s/%d", m->cfg.proc_root, m->fixture_index + 1);
		if (procfs_open(&next, path, why, sizeof why) == 0) {
			procfs_close(&m->pfs);
			m->pfs = next;
			m->fixture_index++;
		} else {
			procfs_close(&next);
		}
	}
	char tmp[128];
	ssize_t n = procfs_read(m->pfs.root_fd, "uptime", tmp, sizeof tmp);
	double up = 0;
	if (n <= 0 || parse_uptime(tmp, (size_t)n, &up) < 0)
		return -1;
	m->now_s = up;
	return 0;
}

static int fixture_refresh(struct model *m)
{
	int rrc = begin_walk(m);
	if (fixture_advance(m) < 0 || walk(m) < 0)
		return -1;
	double wall = (double)m->sys.stats.btime + m->now_s;
	m->wall.tv_sec = (time_t)wall;
	m->wall.tv_nsec = (long)((wall - (double)m->wall.tv_sec) * 1e9);
	m->refresh_s = 0;
	m->record_due = m->recorder != NULL;
	return rrc;
}

/* A fixture tree's or a recording's clock stands still within a refresh:
 * every task was read at the sample's time, and rates are exact. */
static double sample_time(const struct model *m)
{
	return m->now_s;
}

const struct sampler sampler_fixture = {"fixture tree", fixture_open, fixture_refresh,
					sample_time};

/* ---- a recording ---- */

/* Warnings of a damaged recording: one line each on stderr, before the
 * screen starts or among batch reports (they go to stdout). */
static void replay_warn(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "pidtop: %s\n", line);
}

static int replay_open_sampler(struct model *m, char *why, size_t whylen)
{
	if (replay_open(&m->replay, m->cfg.replay_path, replay_warn, NULL, why, whylen) < 0)
		return -1;
	m->cfg.threads = replay_threads(m->replay);
	m->cfg.no_net = m->cfg.no_taskstats = true;
	m->replay_pending = true;
	return 0;
}

static int replay_refresh(struct model *m)
{
	struct recread *r = replay_reader(m->replay);
	if (!m->replay_pending) {
		int rc = recread_next(r);
		if (rc <= 0)
			return rc == 0 ? MODEL_END : -1;
	}
	m->replay_pending = false;
	m->gen++;
	if (replay_apply(m->replay, m) < 0)
		return -1;
	model_finish(m);
	return 0;
}

const struct sampler sampler_replay = {"recording", replay_open_sampler, replay_refresh,
				       sample_time};

/* ---- the model's life: opened on a sampler, refreshed, freed ---- */

int model_init(struct model *m, const struct model_config *cfg, char *why, size_t whylen)
{
	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	if (!m->cfg.proc_root)
		m->cfg.proc_root = "/proc";
	m->pfs.root_fd = -1;
	task_table_init(&m->procs);
	task_table_init(&m->threads);
	m->procs.deltas = m->threads.deltas = &m->deltas;
	threadsum_init(&m->bases);
	users_init(&m->users);
	if (system_reader_init(&m->sys) < 0) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	m->clk_tck = sysconf(_SC_CLK_TCK);
	if (m->clk_tck <= 0)
		m->clk_tck = 100;
	long page = sysconf(_SC_PAGESIZE);
	m->page_kb = page >= 1024 ? page / 1024 : 4;
	m->delayacct_saved = -1; /* untouched: nothing to restore */
	m->sampler = m->cfg.replay_path	       ? &sampler_replay
		     : m->cfg.fixture_sequence ? &sampler_fixture
					       : &sampler_kernel;
	return m->sampler->open(m, why, whylen);
}

struct model *model_new(const struct model_config *cfg, int *rc, char *why, size_t whylen)
{
	struct model *m = malloc(sizeof *m);
	if (!m) {
		snprintf(why, whylen, "out of memory");
		*rc = -1;
		return NULL;
	}
	*rc = model_init(m, cfg, why, whylen);
	if (*rc < 0) {
		model_free(m);
		return NULL;
	}
	return m;
}

void model_free(struct model *m)
{
	if (!m)
		return;
	model_fini(m);
	free(m);
}

void model_fini(struct model *m)
{
	model_record_flush(m);
	recorder_close(m->recorder);
	m->recorder = NULL;
	replay_close(m->replay);
	m->replay = NULL;
	free(m->rconns);
	tsmodel_close(m);
	if (m->net)
		netcap_close(m->net);
	m->net = NULL;
	free(m->listed.v);
	free(m->listed_threads.v);
	task_table_free(&m->procs);
	task_table_free(&m->threads);
	delta_pool_free(&m->deltas);
	intvec_free(&m->bases);
	system_reader_free(&m->sys);
	users_free(&m->users);
	procfs_close(&m->pfs);
	buf_free(&m->cmdline_buf);
}

int model_refresh(struct model *m)
{
	return m->sampler->refresh(m);
}
