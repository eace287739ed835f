/* replay.c - a recording's samples put back into a model */
#include "model_priv.h"
#include "replay.h"
#include "clock.h"
#include "netcap.h"
#include "record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct replay {
	struct recread *r;
	bool threads;
	bool schedstat_works; /* of the current sample (replay_frame) */
	struct rec_value vals[RECORD_MAX_FIELDS];
};

struct recread *replay_reader(struct replay *rp)
{
	return rp->r;
}

bool replay_threads(const struct replay *rp)
{
	return rp->threads;
}

static uint64_t u_of(const struct rec_value *v)
{
	return v->present ? v->v.u64 : 0;
}

static int64_t i_of(const struct rec_value *v)
{
	return v->present ? v->v.i64 : 0;
}

static double f_of(const struct rec_value *v)
{
	return v->present ? v->v.f64 : 0;
}

/* A string value as a C string in buf (bytes past a NUL, or past bufsize,
 * are dropped: names and command lines were sanitised when recorded). */
static const char *s_of(const struct rec_value *v, char *buf, size_t bufsize)
{
	size_t n = v->present ? v->str_len : 0;
	if (n >= bufsize)
		n = bufsize - 1;
	if (n)
		memcpy(buf, v->str, n);
	buf[n] = '\0';
	return buf;
}

int replay_open(struct replay **out, const char *path, rec_warn_fn *warn, void *warn_ctx,
		char *why, size_t whylen)
{
	struct replay *rp = calloc(1, sizeof *rp);
	if (!rp) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (recread_open(&rp->r, path, &record_schema, warn, warn_ctx, why, whylen) < 0) {
		free(rp);
		return -1;
	}
	if (recread_info(rp->r)->samples == 0 || recread_seek(rp->r, 0) < 0) {
		snprintf(why, whylen, "%s: the recording holds no sample", path);
		recread_close(rp->r);
		free(rp);
		return -1;
	}
	if (recread_rows(rp->r, RT_SAMPLE) > 0) {
		recread_row(rp->r, RT_SAMPLE, 0, rp->vals);
		rp->threads = u_of(&rp->vals[RS_THREADS]) != 0;
	}
	*out = rp;
	return 0;
}

void replay_close(struct replay *rp)
{
	if (!rp)
		return;
	recread_close(rp->r);
	free(rp);
}

/* ---- the machine ---- */

static void apply_sources(struct model *m, const struct rec_value *v)
{
	static const char *const names[SOURCE_COUNT] = {"proc", "taskstats", "net"};
	for (int i = 0; i < SOURCE_COUNT; i++) {
		m->sources[i].name = names[i];
		m->sources[i].ok = u_of(&v[RS_SRC_PROC_OK + 2 * i]) != 0;
		s_of(&v[RS_SRC_PROC + 2 * i], m->sources[i].text, sizeof m->sources[i].text);
	}
}

static void apply_system(struct replay *rp, struct model *m, const struct rec_value *v)
{
	struct system_reader *sr = &m->sys;
	struct system_stats *st = &sr->stats;
	system_shift(sr, m->now_s);
	system_set_ncpus(sr, (int)u_of(&v[RS_NCPUS]));
	record_get_cpu_times(&v[RS_CPU_USER], &sr->cur_total);
	st->uptime_s = f_of(&v[RS_UPTIME]);
	st->btime = u_of(&v[RS_BTIME]);
	uint64_t *mem[] = {&st->mem.mem_total_kb, &st->mem.mem_free_kb,
			   &st->mem.mem_available_kb, &st->mem.buffers_kb, &st->mem.cached_kb,
			   &st->mem.swap_total_kb, &st->mem.swap_free_kb, &st->mem.shmem_kb,
			   &st->mem.sreclaimable_kb};
	for (size_t i = 0; i < sizeof mem / sizeof mem[0]; i++)
		*mem[i] = u_of(&v[RS_MEM_TOTAL + i]);
	uint64_t mf = u_of(&v[RS_MEM_FLAGS]);
	st->mem.has_available = mf & 1, st->mem.has_shmem = mf & 2, st->mem.has_sreclaimable = mf & 4;
	st->load.load1 = f_of(&v[RS_LOAD1]);
	st->load.load5 = f_of(&v[RS_LOAD5]);
	st->load.load15 = f_of(&v[RS_LOAD15]);
	st->load.running = i_of(&v[RS_LOAD_RUNNING]);
	st->load.total = i_of(&v[RS_LOAD_TOTAL]);
	st->load.last_pid = i_of(&v[RS_LAST_PID]);
	sr->cur_disk.read_sectors = u_of(&v[RS_DISK_READ]);
	sr->cur_disk.write_sectors = u_of(&v[RS_DISK_WRITE]);
	sr->cur_disk.ndisks = (int)u_of(&v[RS_NDISKS]);
	sr->cur_net.rx_bytes = u_of(&v[RS_NET_RX_BYTES]);
	sr->cur_net.tx_bytes = u_of(&v[RS_NET_TX_BYTES]);
	sr->cur_net.rx_packets = u_of(&v[RS_NET_RX_PKTS]);
	sr->cur_net.tx_packets = u_of(&v[RS_NET_TX_PKTS]);
	sr->cur_net.nifaces = (int)u_of(&v[RS_NIFACES]);
	for (int i = 0; i < PSI_COUNT; i++) {
		const struct rec_value *p = &v[RS_PSI + 9 * i];
		struct pressure *ps = &st->psi[i];
		uint64_t fl = u_of(&p[RP_FLAGS]);
		st->has_psi[i] = fl & 1;
		ps->has_full = fl & 2;
		struct psi_line *l[2] = {&ps->some, &ps->full};
		for (int k = 0; k < 2; k++) {
			l[k]->avg10 = f_of(&p[RP_SOME_AVG10 + 4 * k]);
			l[k]->avg60 = f_of(&p[RP_SOME_AVG60 + 4 * k]);
			l[k]->avg300 = f_of(&p[RP_SOME_AVG300 + 4 * k]);
			l[k]->total_us = u_of(&p[RP_SOME_TOTAL + 4 * k]);
		}
	}
	int64_t *counts[] = {&st->tasks.processes, &st->tasks.threads, &st->tasks.running,
			     &st->tasks.sleeping, &st->tasks.disk_sleep, &st->tasks.stopped,
			     &st->tasks.zombie, &st->tasks.idle, &st->tasks.other,
			     &st->tasks.kernel_threads};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
		*counts[i] = i_of(&v[RS_T_PROCESSES + i]);
	struct rec_value cv[RC_COUNT];
	size_t n = recread_rows(rp->r, RT_CPUS);
	for (size_t i = 0; i < n; i++) {
		recread_row(rp->r, RT_CPUS, i, cv);
		uint64_t cpu = u_of(&cv[RC_CPU]);
		if (cpu < (uint64_t)st->ncpus)
			record_get_cpu_times(&cv[RC_USER], &sr->cur_cpus[cpu]);
	}
	system_compute(sr);
}

static void apply_sample_row(struct replay *rp, struct model *m)
{
	struct rec_value *v = rp->vals;
	memset(v, 0, sizeof rp->vals);
	if (recread_rows(rp->r, RT_SAMPLE) > 0)
		recread_row(rp->r, RT_SAMPLE, 0, v);
	if (v[RS_CLK_TCK].present && u_of(&v[RS_CLK_TCK]) > 0)
		m->clk_tck = (long)u_of(&v[RS_CLK_TCK]);
	if (v[RS_PAGE_KB].present && u_of(&v[RS_PAGE_KB]) > 0)
		m->page_kb = (long)u_of(&v[RS_PAGE_KB]);
	m->schedstat_works = u_of(&v[RS_SCHEDSTAT_WORKS]) != 0;
	m->delayacct_on = u_of(&v[RS_DELAYACCT_ON]) != 0;
	m->refresh_s = clock_us_to_s(i_of(&v[RS_REFRESH_US]));
	apply_sources(m, v);
	m->net_prev = m->net_cur;
	m->net_cur.tcp_bytes = u_of(&v[RS_NET_TCP]);
	m->net_cur.udp_bytes = u_of(&v[RS_NET_UDP]);
	m->net_cur.other_bytes = u_of(&v[RS_NET_OTHER]);
	m->net_cur.drops = u_of(&v[RS_NET_DROPS]);
	m->net_samples += m->net_samples < 2 && u_of(&v[RS_NET_SAMPLES]) > 0;
	m->ts_exit_overruns = u_of(&v[RS_EXIT_OVERRUNS]);
	apply_system(rp, m, v);
}

/* ---- tasks ---- */

static double t_at(int64_t sample_us, const struct rec_value *v)
{
	return clock_us_to_s(sample_us + i_of(v));
}

static double time_or(int64_t sample_us, const struct rec_value *v, double none)
{
	return v->present && i_of(v) != 0 ? t_at(sample_us, v) : none;
}

/* A string of the task (command line, cgroup) from v: allocated only when
 * it changed; absent is NULL. Returns its length. */
static size_t set_string(char **dst, const struct rec_value *v)
{
	if (!v->present) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	size_t len = strnlen(v->str, v->str_len);
	if (*dst && strlen(*dst) == len && memcmp(*dst, v->str, len) == 0)
		return len;
	char *s = malloc(len + 1);
	if (!s)
		return *dst ? strlen(*dst) : 0;
	memcpy(s, v->str, len);
	s[len] = '\0';
	free(*dst);
	*dst = s;
	return len;
}

static void set_counters(struct task_counters *c, const struct rec_value *v)
{
	uint64_t *f[] = {&c->utime, &c->stime, &c->guest, &c->minflt, &c->majflt, &c->run_ns,
			 &c->wait_ns, &c->slices, &c->cswch, &c->nvcswch, &c->read_bytes,
			 &c->write_bytes, &c->cwrite_bytes, &c->blkio_delay_ns,
			 &c->swapin_delay_ns, &c->reclaim_delay_ns, &c->thrashing_delay_ns};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		*f[i] = u_of(&v[RF_UTIME + i]);
}

/* The row's identity, state and names. */
static void set_identity(struct task *t, const struct rec_value *v)
{
	char comm[PARSE_COMM_MAX * 4 + 1];
	t->start_ticks = u_of(&v[RF_START]);
	t->tgid = (int32_t)i_of(&v[RF_TGID]);
	t->ppid = (int32_t)i_of(&v[RF_PPID]);
	t->uid = (uint32_t)u_of(&v[RF_UID]);
	t->state = (char)u_of(&v[RF_STATE]);
	t->nice = (int16_t)i_of(&v[RF_NICE]);
	t->priority = (int16_t)i_of(&v[RF_PRIORITY]);
	t->processor = (int16_t)i_of(&v[RF_PROCESSOR]);
	t->nthreads = (int32_t)i_of(&v[RF_NTHREADS]);
	uint64_t fl = u_of(&v[RF_FLAGS]);
	t->is_thread = fl & RFL_THREAD;
	t->extra_read = fl & RFL_EXTRA_READ;
	t->oom_score = (int16_t)i_of(&v[RF_OOM_SCORE]);
	t->ioprio = (uint16_t)u_of(&v[RF_IOPRIO]);
	t->ts_source = fl & RFL_TS_SOURCE;
	t->exit_final = fl & RFL_EXIT_FINAL;
	t->cmdline_empty = fl & RFL_CMDLINE_EMPTY;
	t->have = (uint16_t)u_of(&v[RF_HAVE]);
	t->denied = (uint16_t)u_of(&v[RF_DENIED]);
	t->vsz_kb = u_of(&v[RF_VSZ_KB]);
	t->rss_kb = u_of(&v[RF_RSS_KB]);
	t->prev_rss_kb = u_of(&v[RF_PREV_RSS_KB]);
	task_set_comm(t, s_of(&v[RF_COMM], comm, sizeof comm));
	t->cmdline_len = (uint32_t)set_string(&t->cmdline, &v[RF_CMDLINE]);
	set_string(&t->cgroup, &v[RF_CGROUP]);
}

/* The row's counters, times and baseline: what a live sample leaves in a
 * task before the model computes its rates. had_prev: the task was in the
 * previous sample, its cur still that sample's. */
static void set_sample(struct model *m, struct task *t, const struct rec_value *v, bool had_prev,
		       int64_t sample_us)
{
	struct task_counters prev = t->cur;
	enum record_base base = (enum record_base)u_of(&v[RF_BASE]);
	if (base == RB_PREV && !had_prev)
		base = RB_NONE;
	if (base == RB_ZERO)
		memset(&prev, 0, sizeof prev);
	set_counters(&t->cur, v);
	struct task_net net = {u_of(&v[RF_NET_TX_BYTES]), u_of(&v[RF_NET_TX_PKTS]),
			       u_of(&v[RF_NET_RX_BYTES]), u_of(&v[RF_NET_RX_PKTS])};
	bool net_moved = net.tx_bytes || net.tx_pkts || net.rx_bytes || net.rx_pkts;
	delta_release(&m->deltas, t);
	t->nsamples = base == RB_NONE ? 1 : 2;
	if (base != RB_NONE && (!task_counters_equal(&prev, &t->cur) || net_moved) &&
	    delta_hold(&m->deltas, t)) {
		t->delta->prev = prev;
		t->delta->net = net;
	}
	/* a time written as 0 says nothing (record.c t_off): the sample's */
	double prev_now = m->prev_now_s > 0 && m->prev_now_s < m->now_s ? m->prev_now_s
								       : m->now_s - 1;
	t->cur_t = time_or(sample_us, &v[RF_T_US], m->now_s);
	t->prev_t = time_or(sample_us, &v[RF_PREV_T_US], prev_now);
	t->cur_ts_t = time_or(sample_us, &v[RF_TS_T_US], m->now_s);
	t->prev_ts_t = time_or(sample_us, &v[RF_PREV_TS_T_US], prev_now);
	/* as scan.c: -a's base is the task's first sample in the model */
	if (m->cfg.accumulated && (!had_prev || !t->first))
		model_take_first(m, t, base == RB_ZERO);
	model_first_add_net(m, t, &net);
}

/* One row of procs or threads into table. */
static void apply_task(struct model *m, struct task_table *table, const struct rec_value *v,
		       int64_t sample_us)
{
	int32_t tid = (int32_t)u_of(&v[RF_TID]);
	if (tid <= 0)
		return;
	struct task *t = task_table_find(table, tid);
	if (t && t->start_ticks != u_of(&v[RF_START]))
		task_reset(t, &m->deltas);
	bool had_prev = t && t->nsamples && t->sample_gen + 1 == m->gen;
	uint64_t ended_ago = u_of(&v[RF_ENDED_AGO]);
	if (t && ended_ago > 1 && had_prev) {
		/* shown ended since an earlier sample: nothing of it changes */
		t->sample_gen = m->gen;
		return;
	}
	if (!t && !(t = task_table_insert(table, tid)))
		return;
	set_identity(t, v);
	/* the table it is in says what it is, whatever the file's flag
	 * (modelcheck.c I9): a hostile file made a process entry a thread,
	 * and its removal went to the other table */
	t->is_thread = table == &m->threads;
	set_sample(m, t, v, had_prev, sample_us);
	t->sample_gen = m->gen;
	t->seen_gen = ended_ago ? m->gen - 1 : m->gen;
	t->exited_gen = ended_ago ? m->gen + 1 - (uint32_t)ended_ago : 0;
	if (ended_ago && !t->exit_final) {
		/* gone from the listing: its row shows no figures */
		delta_release(&m->deltas, t);
		t->rates_valid = t->active = false;
		t->rss_delta_kb = 0;
	}
}

struct drop_ctx {
	struct model *m;
	struct task_table *table; /* the one walked */
};

static void drop_unsampled(struct task *t, void *arg)
{
	struct drop_ctx *c = arg;
	if (t->sample_gen != c->m->gen)
		task_table_remove(c->table, t);
}

static void link_process(struct task *t, void *arg)
{
	struct model *m = arg;
	t->process = task_table_find(&m->procs, t->tgid);
}

static void apply_ended(struct replay *rp, struct model *m, int64_t sample_us)
{
	for (size_t i = 0; i < m->nexited; i++)
		task_release(&m->exited[i], &m->deltas);
	m->nexited = 0;
	size_t n = recread_rows(rp->r, RT_ENDED);
	for (size_t i = 0; i < n; i++) {
		struct task *v = array_grow(m->exited, &m->exited_cap, m->nexited + 1,
					    sizeof *m->exited, 64);
		if (!v)
			return;
		m->exited = v;
		struct task *t = &m->exited[m->nexited++];
		memset(t, 0, sizeof *t);
		recread_row(rp->r, RT_ENDED, i, rp->vals);
		t->tid = (int32_t)u_of(&rp->vals[RF_TID]);
		t->in_use = true;
		set_identity(t, rp->vals);
		set_sample(m, t, rp->vals, false, sample_us);
		t->seen_gen = t->sample_gen = t->exited_gen = m->gen;
	}
}

/* ---- connections ---- */

/* A recorded address into a flow key's 16 bytes (zeros past a short one). */
static void set_addr(uint8_t *dst, const struct rec_value *v)
{
	memset(dst, 0, 16);
	if (v->present)
		memcpy(dst, v->str, v->str_len < 16 ? v->str_len : 16);
}

static void apply_conns(struct replay *rp, struct model *m)
{
	m->nrconns = 0;
	size_t n = recread_rows(rp->r, RT_CONNS);
	struct netcap_conn *cs = n ? array_grow(m->rconns, &m->rconns_cap, n, sizeof *cs, 16) : NULL;
	if (!cs)
		return;
	m->rconns = cs;
	const struct rec_value *v = rp->vals;
	for (size_t i = 0; i < n; i++) {
		struct netcap_conn *c = &cs[m->nrconns];
		memset(c, 0, sizeof *c);
		recread_row(rp->r, RT_CONNS, i, rp->vals);
		uint64_t family = u_of(&v[RN_FAMILY]);
		if (family != AF_INET && family != AF_INET6)
			continue;
		c->key.family = (uint8_t)family;
		c->key.proto = (uint8_t)u_of(&v[RN_PROTO]);
		c->key.sport = (uint16_t)u_of(&v[RN_LPORT]);
		c->key.dport = (uint16_t)u_of(&v[RN_RPORT]);
		set_addr(c->key.saddr, &v[RN_LOCAL]);
		set_addr(c->key.daddr, &v[RN_REMOTE]);
		c->pid = (int32_t)i_of(&v[RN_PID]);
		c->uid = (uint32_t)u_of(&v[RN_UID]);
		c->inode = (uint32_t)u_of(&v[RN_INODE]);
		c->state = (uint8_t)u_of(&v[RN_STATE]);
		uint64_t flags = u_of(&v[RN_FLAGS]);
		c->closed = flags & RNF_CLOSED;
		c->inferred = flags & RNF_INFERRED;
		struct netcap_counters *k[2] = {&c->c, &c->iv};
		for (int j = 0; j < 2; j++) {
			k[j]->tx_bytes = u_of(&v[RN_TX_BYTES + 4 * j]);
			k[j]->rx_bytes = u_of(&v[RN_RX_BYTES + 4 * j]);
			k[j]->tx_pkts = u_of(&v[RN_TX_PKTS + 4 * j]);
			k[j]->rx_pkts = u_of(&v[RN_RX_PKTS + 4 * j]);
		}
		/* the file's key order is the table's (by pid); a damaged file
		 * may break it, and the lookup needs it */
		if (m->nrconns && cs[m->nrconns - 1].pid > c->pid)
			continue;
		m->nrconns++;
	}
}

int replay_apply(struct replay *rp, struct model *m)
{
	int64_t sample_us = recread_mono_ns(rp->r) / 1000;
	int64_t wall_ns = recread_wall_ns(rp->r);
	m->prev_now_s = m->now_s;
	m->now_s = clock_us_to_s(sample_us);
	m->interval_s = m->gen > 1 && m->now_s > m->prev_now_s ? m->now_s - m->prev_now_s : 0;
	m->prev_uptime_s = m->sys.stats.uptime_s;
	m->wall.tv_sec = (time_t)(wall_ns / 1000000000);
	m->wall.tv_nsec = (long)(wall_ns % 1000000000);
	apply_sample_row(rp, m);
	size_t n = recread_rows(rp->r, RT_PROCS);
	for (size_t i = 0; i < n; i++) {
		recread_row(rp->r, RT_PROCS, i, rp->vals);
		apply_task(m, &m->procs, rp->vals, sample_us);
	}
	n = m->cfg.threads ? recread_rows(rp->r, RT_THREADS) : 0;
	for (size_t i = 0; i < n; i++) {
		recread_row(rp->r, RT_THREADS, i, rp->vals);
		apply_task(m, &m->threads, rp->vals, sample_us);
	}
	struct drop_ctx procs = {m, &m->procs}, threads = {m, &m->threads};
	task_table_foreach(&m->procs, drop_unsampled, &procs);
	task_table_foreach(&m->threads, drop_unsampled, &threads);
	task_table_foreach(&m->threads, link_process, m);
	apply_ended(rp, m, sample_us);
	apply_conns(rp, m);
	return 0;
}

/* ---- series over the recording ---- */

static void point_of(const struct replay *rp, const struct rec_value *v, int64_t sample_us,
		     struct replay_point *p)
{
	char comm[PARSE_COMM_MAX * 4 + 1];
	p->tid = (int32_t)u_of(&v[RF_TID]);
	p->tgid = (int32_t)i_of(&v[RF_TGID]);
	p->start_ticks = u_of(&v[RF_START]);
	s_of(&v[RF_COMM], comm, sizeof comm);
	size_t len = strnlen(comm, sizeof p->comm - 1);
	memcpy(p->comm, comm, len);
	p->comm[len] = '\0';
	p->cpu_ticks = u_of(&v[RF_UTIME]) + u_of(&v[RF_STIME]);
	p->rss_kb = u_of(&v[RF_RSS_KB]);
	p->read_bytes = u_of(&v[RF_READ_BYTES]);
	p->write_bytes = u_of(&v[RF_WRITE_BYTES]);
	p->net_tx_bytes = u_of(&v[RF_NET_TX_BYTES]);
	p->net_rx_bytes = u_of(&v[RF_NET_RX_BYTES]);
	bool moved = v[RF_PREV_T_US].present && i_of(&v[RF_PREV_T_US]) != 0;
	p->t_s = moved ? t_at(sample_us, &v[RF_T_US]) : clock_us_to_s(sample_us);
	p->prev_t_s = moved ? t_at(sample_us, &v[RF_PREV_T_US]) : 0;
	p->ts_t_s = moved ? t_at(sample_us, &v[RF_TS_T_US]) : 0;
	p->prev_ts_t_s = moved ? t_at(sample_us, &v[RF_PREV_TS_T_US]) : 0;
	p->ts_source = u_of(&v[RF_FLAGS]) & RFL_TS_SOURCE;
	p->run_ns = u_of(&v[RF_RUN_NS]);
	p->precise = (u_of(&v[RF_HAVE]) & TG_SCHEDSTAT) && p->run_ns > 0 && rp->schedstat_works;
	p->ended = u_of(&v[RF_ENDED_AGO]) != 0;
}

void replay_frame(struct replay *rp, struct replay_frame *f)
{
	struct rec_value *v = rp->vals;
	memset(f, 0, sizeof *f);
	f->k = recread_pos(rp->r);
	f->wall_ns = recread_wall_ns(rp->r);
	f->mono_s = clock_us_to_s(recread_mono_ns(rp->r) / 1000);
	f->clk_tck = 100;
	if (recread_rows(rp->r, RT_SAMPLE) == 0)
		return;
	recread_row(rp->r, RT_SAMPLE, 0, v);
	f->uptime_s = f_of(&v[RS_UPTIME]);
	rp->schedstat_works = u_of(&v[RS_SCHEDSTAT_WORKS]) != 0;
	if (u_of(&v[RS_CLK_TCK]) > 0)
		f->clk_tck = (long)u_of(&v[RS_CLK_TCK]);
}

void replay_points(struct replay *rp, bool threads, replay_point_fn *fn, void *ctx)
{
	unsigned table = threads ? RT_THREADS : RT_PROCS;
	int64_t sample_us = recread_mono_ns(rp->r) / 1000;
	size_t n = recread_rows(rp->r, table);
	struct replay_point p;
	for (size_t i = 0; i < n; i++) {
		recread_row(rp->r, table, i, rp->vals);
		point_of(rp, rp->vals, sample_us, &p);
		fn(ctx, &p);
	}
}

int replay_find_point(struct replay *rp, bool threads, int32_t tid, uint64_t start_ticks,
		      struct replay_point *out)
{
	unsigned table = threads ? RT_THREADS : RT_PROCS;
	size_t lo = 0, hi = recread_rows(rp->r, table);
	uint64_t want = (uint64_t)(uint32_t)tid;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		recread_row(rp->r, table, mid, rp->vals);
		uint64_t t = u_of(&rp->vals[RF_TID]), s = u_of(&rp->vals[RF_START]);
		if (t == want && s == start_ticks) {
			point_of(rp, rp->vals, recread_mono_ns(rp->r) / 1000, out);
			return 0;
		}
		if (t < want || (t == want && s < start_ticks))
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
