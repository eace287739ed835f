/* record.c - the recording's schema, and a model's sample written into it */
#include "model_priv.h"
#include "record.h"
#include "clock.h"
#include "netcap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define U(n) {n, REC_U64}
#define I(n) {n, REC_I64}
#define F(n) {n, REC_F64}
#define S(n) {n, REC_STR}

static const struct rec_field task_fields[RF_COUNT] = {
	[RF_TID] = U("tid"), [RF_START] = U("start_ticks"),
	[RF_TGID] = I("tgid"), [RF_PPID] = I("ppid"), [RF_UID] = U("uid"),
	[RF_STATE] = U("state"), [RF_NICE] = I("nice"), [RF_PRIORITY] = I("priority"),
	[RF_PROCESSOR] = I("processor"), [RF_NTHREADS] = I("nthreads"),
	[RF_FLAGS] = U("flags"), [RF_HAVE] = U("have"), [RF_DENIED] = U("denied"),
	[RF_BASE] = U("base"), [RF_ENDED_AGO] = U("ended_ago"),
	[RF_VSZ_KB] = U("vsz_kb"), [RF_RSS_KB] = U("rss_kb"), [RF_PREV_RSS_KB] = U("prev_rss_kb"),
	[RF_UTIME] = U("utime"), [RF_STIME] = U("stime"), [RF_GUEST] = U("guest"),
	[RF_MINFLT] = U("minflt"), [RF_MAJFLT] = U("majflt"), [RF_RUN_NS] = U("run_ns"),
	[RF_WAIT_NS] = U("wait_ns"), [RF_SLICES] = U("slices"), [RF_CSWCH] = U("cswch"),
	[RF_NVCSWCH] = U("nvcswch"), [RF_READ_BYTES] = U("read_bytes"),
	[RF_WRITE_BYTES] = U("write_bytes"), [RF_CWRITE_BYTES] = U("cwrite_bytes"),
	[RF_BLKIO_NS] = U("blkio_delay_ns"), [RF_SWAPIN_NS] = U("swapin_delay_ns"),
	[RF_RECLAIM_NS] = U("reclaim_delay_ns"), [RF_THRASHING_NS] = U("thrashing_delay_ns"),
	[RF_NET_TX_BYTES] = U("net_tx_bytes"), [RF_NET_TX_PKTS] = U("net_tx_pkts"),
	[RF_NET_RX_BYTES] = U("net_rx_bytes"), [RF_NET_RX_PKTS] = U("net_rx_pkts"),
	[RF_T_US] = I("t_us"), [RF_PREV_T_US] = I("prev_t_us"), [RF_TS_T_US] = I("ts_t_us"),
	[RF_PREV_TS_T_US] = I("prev_ts_t_us"),
	[RF_COMM] = S("comm"), [RF_CMDLINE] = S("cmdline"),
	[RF_OOM_SCORE] = I("oom_score"), [RF_IOPRIO] = U("ioprio"), [RF_CGROUP] = S("cgroup"),
};

static const struct rec_field sample_fields[RS_COUNT] = {
	[RS_THREADS] = U("threads"), [RS_CLK_TCK] = U("clk_tck"), [RS_PAGE_KB] = U("page_kb"),
	[RS_SCHEDSTAT_WORKS] = U("schedstat_works"), [RS_DELAYACCT_ON] = U("delayacct_on"),
	[RS_REFRESH_US] = I("refresh_us"),
	[RS_SRC_PROC_OK] = U("source_proc_ok"), [RS_SRC_PROC] = S("source_proc"),
	[RS_SRC_TS_OK] = U("source_taskstats_ok"), [RS_SRC_TS] = S("source_taskstats"),
	[RS_SRC_NET_OK] = U("source_net_ok"), [RS_SRC_NET] = S("source_net"),
	[RS_NET_TCP] = U("unattributed_tcp_bytes"), [RS_NET_UDP] = U("unattributed_udp_bytes"),
	[RS_NET_OTHER] = U("unattributed_other_bytes"), [RS_NET_DROPS] = U("capture_drops"),
	[RS_NET_SAMPLES] = U("net_samples"), [RS_EXIT_OVERRUNS] = U("exit_overruns"),
	[RS_UPTIME] = F("uptime_s"), [RS_BTIME] = U("btime"), [RS_NCPUS] = U("ncpus"),
	[RS_MEM_TOTAL] = U("mem_total_kb"), [RS_MEM_FREE] = U("mem_free_kb"),
	[RS_MEM_AVAILABLE] = U("mem_available_kb"), [RS_BUFFERS] = U("buffers_kb"),
	[RS_CACHED] = U("cached_kb"), [RS_SWAP_TOTAL] = U("swap_total_kb"),
	[RS_SWAP_FREE] = U("swap_free_kb"), [RS_SHMEM] = U("shmem_kb"),
	[RS_SRECLAIMABLE] = U("sreclaimable_kb"), [RS_MEM_FLAGS] = U("mem_flags"),
	[RS_LOAD1] = F("load1"), [RS_LOAD5] = F("load5"), [RS_LOAD15] = F("load15"),
	[RS_LOAD_RUNNING] = I("load_running"), [RS_LOAD_TOTAL] = I("load_total"),
	[RS_LAST_PID] = I("last_pid"),
	[RS_CPU_USER] = U("cpu_user"), [RS_CPU_NICE] = U("cpu_nice"),
	[RS_CPU_SYSTEM] = U("cpu_system"), [RS_CPU_IDLE] = U("cpu_idle"),
	[RS_CPU_IOWAIT] = U("cpu_iowait"), [RS_CPU_IRQ] = U("cpu_irq"),
	[RS_CPU_SOFTIRQ] = U("cpu_softirq"), [RS_CPU_STEAL] = U("cpu_steal"),
	[RS_CPU_GUEST] = U("cpu_guest"), [RS_CPU_GUEST_NICE] = U("cpu_guest_nice"),
	[RS_DISK_READ] = U("disk_read_sectors"), [RS_DISK_WRITE] = U("disk_write_sectors"),
	[RS_NDISKS] = U("ndisks"), [RS_NET_RX_BYTES] = U("net_rx_bytes"),
	[RS_NET_TX_BYTES] = U("net_tx_bytes"), [RS_NET_RX_PKTS] = U("net_rx_packets"),
	[RS_NET_TX_PKTS] = U("net_tx_packets"), [RS_NIFACES] = U("nifaces"),
	[RS_T_PROCESSES] = I("tasks_processes"), [RS_T_THREADS] = I("tasks_threads"),
	[RS_T_RUNNING] = I("tasks_running"), [RS_T_SLEEPING] = I("tasks_sleeping"),
	[RS_T_DISK_SLEEP] = I("tasks_disk_sleep"), [RS_T_STOPPED] = I("tasks_stopped"),
	[RS_T_ZOMBIE] = I("tasks_zombie"), [RS_T_IDLE] = I("tasks_idle"),
	[RS_T_OTHER] = I("tasks_other"), [RS_T_KTHREADS] = I("tasks_kernel_threads"),
#define PSI_FIELDS(r, name)                                                              \
	[RS_PSI + 9 * (r) + RP_FLAGS] = U("psi_" name "_flags"),                          \
	[RS_PSI + 9 * (r) + RP_SOME_AVG10] = F("psi_" name "_some_avg10"),                \
	[RS_PSI + 9 * (r) + RP_SOME_AVG60] = F("psi_" name "_some_avg60"),                \
	[RS_PSI + 9 * (r) + RP_SOME_AVG300] = F("psi_" name "_some_avg300"),              \
	[RS_PSI + 9 * (r) + RP_SOME_TOTAL] = U("psi_" name "_some_total_us"),             \
	[RS_PSI + 9 * (r) + RP_FULL_AVG10] = F("psi_" name "_full_avg10"),                \
	[RS_PSI + 9 * (r) + RP_FULL_AVG60] = F("psi_" name "_full_avg60"),                \
	[RS_PSI + 9 * (r) + RP_FULL_AVG300] = F("psi_" name "_full_avg300"),              \
	[RS_PSI + 9 * (r) + RP_FULL_TOTAL] = U("psi_" name "_full_total_us")
	PSI_FIELDS(PSI_CPU, "cpu"), PSI_FIELDS(PSI_MEMORY, "memory"), PSI_FIELDS(PSI_IO, "io"),
#undef PSI_FIELDS
};

static const struct rec_field cpu_fields[RC_COUNT] = {
	[RC_CPU] = U("cpu"), [RC_USER] = U("user"), [RC_NICE] = U("nice"),
	[RC_SYSTEM] = U("system"), [RC_IDLE] = U("idle"), [RC_IOWAIT] = U("iowait"),
	[RC_IRQ] = U("irq"), [RC_SOFTIRQ] = U("softirq"), [RC_STEAL] = U("steal"),
	[RC_GUEST] = U("guest"), [RC_GUEST_NICE] = U("guest_nice"),
};

static const struct rec_field conn_fields[RN_COUNT] = {
	[RN_PID] = I("pid"), [RN_PROTO] = U("proto"), [RN_FAMILY] = U("family"),
	[RN_LOCAL] = S("local_addr"), [RN_LPORT] = U("local_port"),
	[RN_REMOTE] = S("remote_addr"), [RN_RPORT] = U("remote_port"),
	[RN_UID] = U("uid"), [RN_INODE] = U("inode"), [RN_STATE] = U("state"),
	[RN_FLAGS] = U("flags"),
	[RN_TX_BYTES] = U("tx_bytes"), [RN_RX_BYTES] = U("rx_bytes"),
	[RN_TX_PKTS] = U("tx_packets"), [RN_RX_PKTS] = U("rx_packets"),
	[RN_IV_TX_BYTES] = U("interval_tx_bytes"), [RN_IV_RX_BYTES] = U("interval_rx_bytes"),
	[RN_IV_TX_PKTS] = U("interval_tx_packets"), [RN_IV_RX_PKTS] = U("interval_rx_packets"),
};

#undef U
#undef I
#undef F
#undef S

static const struct rec_table tables[RT_COUNT] = {
	[RT_SAMPLE] = {"sample", REC_STATE, 0, RS_COUNT, sample_fields},
	[RT_CPUS] = {"cpus", REC_STATE, 1, RC_COUNT, cpu_fields},
	[RT_PROCS] = {"procs", REC_STATE, 2, RF_COUNT, task_fields},
	[RT_THREADS] = {"threads", REC_STATE, 2, RF_COUNT, task_fields},
	[RT_ENDED] = {"ended", REC_EVENT, 0, RF_COUNT, task_fields},
	[RT_CONNS] = {"conns", REC_STATE, RN_UID, RN_COUNT, conn_fields},
};

const struct rec_schema record_schema = {RT_COUNT, tables};

/* ---- writing ---- */

struct recorder {
	struct recwrite *w;
	bool no_cmdline;
	struct rec_value vals[RECORD_MAX_FIELDS];
};

static void put_u(struct rec_value *v, uint64_t x)
{
	v->v.u64 = x;
	v->present = true;
}

static void put_i(struct rec_value *v, int64_t x)
{
	v->v.i64 = x;
	v->present = true;
}

static void put_f(struct rec_value *v, double x)
{
	v->v.f64 = x;
	v->present = true;
}

static void put_sn(struct rec_value *v, const char *s, size_t len)
{
	v->str = s ? s : "";
	v->str_len = s ? (uint32_t)len : 0;
	v->present = s != NULL;
}

static void put_s(struct rec_value *v, const char *s)
{
	put_sn(v, s, s ? strlen(s) : 0);
}

void record_put_cpu_times(struct rec_value *v, const struct cpu_times *c)
{
	const uint64_t t[] = {c->user, c->nice, c->system, c->idle, c->iowait,
			      c->irq, c->softirq, c->steal, c->guest, c->guest_nice};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		put_u(&v[i], t[i]);
}

void record_get_cpu_times(const struct rec_value *v, struct cpu_times *c)
{
	uint64_t *t[] = {&c->user, &c->nice, &c->system, &c->idle, &c->iowait,
			 &c->irq, &c->softirq, &c->steal, &c->guest, &c->guest_nice};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		*t[i] = v[i].present ? v[i].v.u64 : 0;
}

/* What a task's rates in this sample are taken against. A record with a
 * zero previous sample means zero, whatever the previous sample held (a
 * task born, or all of an ended one's life); without a record the previous
 * counters equal the current ones. */
static enum record_base base_of(const struct task *t)
{
	if (!t->rates_valid)
		return RB_NONE;
	static const struct task_counters zero;
	if (t->delta && memcmp(&t->delta->prev, &zero, sizeof zero) == 0)
		return RB_ZERO;
	/* counters all 0 (a child not yet run): zero is its baseline whatever
	 * came before, and a replay needs no previous sample for it */
	if (!t->delta && task_counters_equal(&t->cur, &zero))
		return RB_ZERO;
	return RB_PREV;
}

/* A time of the task as microseconds from the sample's: those of a task
 * whose counters did not move since its previous sample say nothing (every
 * rate is 0) and are written as 0, so an idle task costs nothing in a
 * delta frame. */
static int64_t t_off(double t, int64_t sample_us, bool moved)
{
	return moved && t > 0 ? clock_s_to_us(t) - sample_us : 0;
}

static void task_values(struct recorder *r, const struct model *m, const struct task *t,
			int64_t sample_us)
{
	struct rec_value *v = r->vals;
	memset(v, 0, sizeof r->vals);
	const struct task_counters *c = &t->cur;
	enum record_base base = base_of(t);
	/* a task's first sample (RB_NONE) is -a's base: its times count */
	bool moved = t->delta || base != RB_PREV || t->exit_final;
	put_u(&v[RF_TID], (uint64_t)(uint32_t)t->tid);
	put_u(&v[RF_START], t->start_ticks);
	put_i(&v[RF_TGID], t->tgid);
	put_i(&v[RF_PPID], t->ppid);
	put_u(&v[RF_UID], t->uid);
	put_u(&v[RF_STATE], (unsigned char)t->state);
	put_i(&v[RF_NICE], t->nice);
	put_i(&v[RF_PRIORITY], t->priority);
	put_i(&v[RF_PROCESSOR], t->processor);
	put_i(&v[RF_NTHREADS], t->nthreads);
	put_u(&v[RF_FLAGS], (t->is_thread ? RFL_THREAD : 0u) | (t->ts_source ? RFL_TS_SOURCE : 0u) |
				    (t->exit_final ? RFL_EXIT_FINAL : 0u) |
				    (t->cmdline_empty ? RFL_CMDLINE_EMPTY : 0u) |
				    (t->extra_read ? RFL_EXTRA_READ : 0u));
	put_u(&v[RF_HAVE], t->have);
	put_u(&v[RF_DENIED], t->denied);
	put_u(&v[RF_BASE], base);
	put_u(&v[RF_ENDED_AGO], t->exited_gen && t->exited_gen <= m->gen ? m->gen - t->exited_gen + 1 : 0);
	put_u(&v[RF_VSZ_KB], t->vsz_kb);
	put_u(&v[RF_RSS_KB], t->rss_kb);
	put_u(&v[RF_PREV_RSS_KB], t->prev_rss_kb);
	const uint64_t counters[] = {
		c->utime, c->stime, c->guest, c->minflt, c->majflt, c->run_ns, c->wait_ns,
		c->slices, c->cswch, c->nvcswch, c->read_bytes, c->write_bytes, c->cwrite_bytes,
		c->blkio_delay_ns, c->swapin_delay_ns, c->reclaim_delay_ns, c->thrashing_delay_ns,
	};
	for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
		put_u(&v[RF_UTIME + i], counters[i]);
	const struct task_net *n = t->delta ? &t->delta->net : NULL;
	put_u(&v[RF_NET_TX_BYTES], n ? n->tx_bytes : 0);
	put_u(&v[RF_NET_TX_PKTS], n ? n->tx_pkts : 0);
	put_u(&v[RF_NET_RX_BYTES], n ? n->rx_bytes : 0);
	put_u(&v[RF_NET_RX_PKTS], n ? n->rx_pkts : 0);
	put_i(&v[RF_T_US], t_off(t->cur_t, sample_us, moved));
	put_i(&v[RF_PREV_T_US], t_off(t->prev_t, sample_us, moved));
	put_i(&v[RF_TS_T_US], t_off(t->cur_ts_t, sample_us, moved));
	put_i(&v[RF_PREV_TS_T_US], t_off(t->prev_ts_t, sample_us, moved));
	put_s(&v[RF_COMM], task_comm(t));
	put_sn(&v[RF_CMDLINE], r->no_cmdline ? NULL : t->cmdline, t->cmdline_len);
	put_s(&v[RF_CGROUP], t->cgroup);
	put_i(&v[RF_OOM_SCORE], t->oom_score);
	put_u(&v[RF_IOPRIO], t->ioprio);
}

struct write_ctx {
	struct recorder *r;
	const struct model *m;
	unsigned table;
	int64_t sample_us;
	int rc;
};

static void write_task(struct task *t, void *arg)
{
	struct write_ctx *c = arg;
	if (c->rc < 0 || !t->in_use || !t->nsamples)
		return;
	task_values(c->r, c->m, t, c->sample_us);
	c->rc = recwrite_row(c->r->w, c->table, c->r->vals);
}

static void sample_values(struct recorder *r, const struct model *m)
{
	struct rec_value *v = r->vals;
	const struct system_reader *sr = &m->sys;
	const struct system_stats *st = &sr->stats;
	memset(v, 0, sizeof r->vals);
	put_u(&v[RS_THREADS], m->cfg.threads);
	put_u(&v[RS_CLK_TCK], (uint64_t)m->clk_tck);
	put_u(&v[RS_PAGE_KB], (uint64_t)m->page_kb);
	put_u(&v[RS_SCHEDSTAT_WORKS], m->schedstat_works);
	put_u(&v[RS_DELAYACCT_ON], m->delayacct_on);
	put_i(&v[RS_REFRESH_US], clock_s_to_us(m->refresh_s));
	for (int i = 0; i < SOURCE_COUNT; i++) {
		put_u(&v[RS_SRC_PROC_OK + 2 * i], m->sources[i].ok);
		put_s(&v[RS_SRC_PROC + 2 * i], m->sources[i].text);
	}
	put_u(&v[RS_NET_TCP], m->net_cur.tcp_bytes);
	put_u(&v[RS_NET_UDP], m->net_cur.udp_bytes);
	put_u(&v[RS_NET_OTHER], m->net_cur.other_bytes);
	put_u(&v[RS_NET_DROPS], m->net_cur.drops);
	put_u(&v[RS_NET_SAMPLES], (uint64_t)m->net_samples);
	put_u(&v[RS_EXIT_OVERRUNS], m->ts_exit_overruns);
	put_f(&v[RS_UPTIME], st->uptime_s);
	put_u(&v[RS_BTIME], st->btime);
	put_u(&v[RS_NCPUS], (uint64_t)st->ncpus);
	const uint64_t mem[] = {
		st->mem.mem_total_kb, st->mem.mem_free_kb, st->mem.mem_available_kb,
		st->mem.buffers_kb, st->mem.cached_kb, st->mem.swap_total_kb,
		st->mem.swap_free_kb, st->mem.shmem_kb, st->mem.sreclaimable_kb,
	};
	for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
		put_u(&v[RS_MEM_TOTAL + i], mem[i]);
	put_u(&v[RS_MEM_FLAGS], (st->mem.has_available ? 1u : 0u) | (st->mem.has_shmem ? 2u : 0u) |
					(st->mem.has_sreclaimable ? 4u : 0u));
	put_f(&v[RS_LOAD1], st->load.load1);
	put_f(&v[RS_LOAD5], st->load.load5);
	put_f(&v[RS_LOAD15], st->load.load15);
	put_i(&v[RS_LOAD_RUNNING], st->load.running);
	put_i(&v[RS_LOAD_TOTAL], st->load.total);
	put_i(&v[RS_LAST_PID], st->load.last_pid);
	record_put_cpu_times(&v[RS_CPU_USER], &sr->cur_total);
	put_u(&v[RS_DISK_READ], sr->cur_disk.read_sectors);
	put_u(&v[RS_DISK_WRITE], sr->cur_disk.write_sectors);
	put_u(&v[RS_NDISKS], (uint64_t)sr->cur_disk.ndisks);
	put_u(&v[RS_NET_RX_BYTES], sr->cur_net.rx_bytes);
	put_u(&v[RS_NET_TX_BYTES], sr->cur_net.tx_bytes);
	put_u(&v[RS_NET_RX_PKTS], sr->cur_net.rx_packets);
	put_u(&v[RS_NET_TX_PKTS], sr->cur_net.tx_packets);
	put_u(&v[RS_NIFACES], (uint64_t)sr->cur_net.nifaces);
	const int64_t counts[] = {
		st->tasks.processes, st->tasks.threads, st->tasks.running, st->tasks.sleeping,
		st->tasks.disk_sleep, st->tasks.stopped, st->tasks.zombie, st->tasks.idle,
		st->tasks.other, st->tasks.kernel_threads,
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		put_i(&v[RS_T_PROCESSES + i], counts[i]);
	for (int i = 0; i < PSI_COUNT; i++) {
		struct rec_value *p = &v[RS_PSI + 9 * i];
		const struct pressure *ps = &st->psi[i];
		put_u(&p[RP_FLAGS], (st->has_psi[i] ? 1u : 0u) | (ps->has_full ? 2u : 0u));
		const struct psi_line *l[2] = {&ps->some, &ps->full};
		for (int k = 0; k < 2; k++) {
			put_f(&p[RP_SOME_AVG10 + 4 * k], l[k]->avg10);
			put_f(&p[RP_SOME_AVG60 + 4 * k], l[k]->avg60);
			put_f(&p[RP_SOME_AVG300 + 4 * k], l[k]->avg300);
			put_u(&p[RP_SOME_TOTAL + 4 * k], l[k]->total_us);
		}
	}
}

static size_t addr_len(uint8_t family)
{
	return family == AF_INET6 ? 16 : 4;
}

static int write_conns(struct recorder *r, const struct model *m)
{
	size_t n = 0;
	const struct netcap_conn *cs = m->cfg.record_connections && m->net
					       ? netcap_connections(m->net, &n)
					       : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct netcap_conn *c = &cs[i];
		struct rec_value *v = r->vals;
		memset(v, 0, sizeof r->vals);
		put_i(&v[RN_PID], c->pid);
		put_u(&v[RN_PROTO], c->key.proto);
		put_u(&v[RN_FAMILY], c->key.family);
		put_sn(&v[RN_LOCAL], (const char *)c->key.saddr, addr_len(c->key.family));
		put_u(&v[RN_LPORT], c->key.sport);
		put_sn(&v[RN_REMOTE], (const char *)c->key.daddr, addr_len(c->key.family));
		put_u(&v[RN_RPORT], c->key.dport);
		put_u(&v[RN_UID], c->uid);
		put_u(&v[RN_INODE], c->inode);
		put_u(&v[RN_STATE], c->state);
		put_u(&v[RN_FLAGS], (c->closed ? RNF_CLOSED : 0u) | (c->inferred ? RNF_INFERRED : 0u));
		const struct netcap_counters *k[2] = {&c->c, &c->iv};
		for (int j = 0; j < 2; j++) {
			put_u(&v[RN_TX_BYTES + 4 * j], k[j]->tx_bytes);
			put_u(&v[RN_RX_BYTES + 4 * j], k[j]->rx_bytes);
			put_u(&v[RN_TX_PKTS + 4 * j], k[j]->tx_pkts);
			put_u(&v[RN_RX_PKTS + 4 * j], k[j]->rx_pkts);
		}
		if (recwrite_row(r->w, RT_CONNS, v) < 0)
			return -1;
	}
	return 0;
}

int recorder_open(struct recorder **out, const struct record_opts *o, char *why, size_t whylen)
{
	struct recorder *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	r->no_cmdline = o->no_cmdline;
	struct recwrite_opts wo = {.max_size = o->max_size, .creator = "pidtop " PACKAGE_VERSION};
	char err[256];
	if (recwrite_open(&r->w, o->path, &record_schema, &wo, err, sizeof err) < 0) {
		snprintf(why, whylen, "%s", err);
		free(r);
		return -1;
	}
	*out = r;
	return 0;
}

int recorder_write(struct recorder *r, const struct model *m, char *why, size_t whylen)
{
	int64_t wall_ns = (int64_t)m->wall.tv_sec * 1000000000 + m->wall.tv_nsec;
	int64_t sample_us = clock_s_to_us(m->now_s);
	int rc = recwrite_begin(r->w, wall_ns, sample_us * 1000);
	if (rc == 0) {
		sample_values(r, m);
		rc = recwrite_row(r->w, RT_SAMPLE, r->vals);
	}
	const struct system_reader *sr = &m->sys;
	for (int i = 0; rc == 0 && i < sr->stats.ncpus; i++) {
		memset(r->vals, 0, sizeof r->vals);
		put_u(&r->vals[RC_CPU], (uint64_t)i);
		record_put_cpu_times(&r->vals[RC_USER], &sr->cur_cpus[i]);
		rc = recwrite_row(r->w, RT_CPUS, r->vals);
	}
	struct write_ctx c = {r, m, RT_PROCS, sample_us, rc};
	task_table_foreach((struct task_table *)&m->procs, write_task, &c);
	if (m->cfg.threads) {
		c.table = RT_THREADS;
		task_table_foreach((struct task_table *)&m->threads, write_task, &c);
	}
	for (size_t i = 0; c.rc == 0 && i < m->nexited; i++) {
		task_values(r, m, &m->exited[i], sample_us);
		c.rc = recwrite_row(r->w, RT_ENDED, r->vals);
	}
	if (c.rc == 0)
		c.rc = write_conns(r, m);
	rc = c.rc == 0 ? recwrite_end(r->w) : -1;
	if (rc < 0)
		snprintf(why, whylen, "%s", recwrite_error(r->w));
	return rc;
}

uint64_t recorder_size(const struct recorder *r)
{
	return recwrite_size(r->w);
}

void recorder_close(struct recorder *r)
{
	if (!r)
		return;
	recwrite_close(r->w, true);
	free(r);
}
