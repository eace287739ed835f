/* modelread.c - the model's read-only interface (model.h): what the
 * screen, the reports and the exporter may know of the latest sample. */
#include "model_priv.h"
#include "netcap.h"

const struct model_config *model_cfg(const struct model *m)
{
	return &m->cfg;
}

void model_set_accumulated(struct model *m, bool on)
{
	m->cfg.accumulated = on;
}

uint32_t model_gen(const struct model *m)
{
	return m->gen;
}

double model_now_s(const struct model *m)
{
	return m->now_s;
}

double model_interval_s(const struct model *m)
{
	return m->interval_s;
}

double model_refresh_s(const struct model *m)
{
	return m->refresh_s;
}

const struct timespec *model_wall(const struct model *m)
{
	return &m->wall;
}

long model_clk_tck(const struct model *m)
{
	return m->clk_tck > 0 ? m->clk_tck : 100;
}

const struct source_state *model_source(const struct model *m, enum source_id id)
{
	return &m->sources[id];
}

const struct system_stats *model_system(const struct model *m)
{
	return &m->sys.stats;
}

bool model_delayacct_on(const struct model *m)
{
	return m->delayacct_on;
}

struct task *model_exited(struct model *m, size_t *n)
{
	*n = m->nexited;
	return m->exited;
}

struct task_table *model_table(struct model *m, bool threads)
{
	return threads ? &m->threads : &m->procs;
}

const struct netcap_conn *model_connections(const struct model *m, int32_t tgid, size_t *n)
{
	*n = 0;
	if (m->replay)
		return model_has_capture(m) ? netcap_conns_of_pid(m->rconns, m->nrconns, tgid, n) : NULL;
	return m->net ? netcap_pid_connections(m->net, tgid, n) : NULL;
}

bool model_net_rates_valid(const struct model *m)
{
	return m->net_samples >= 2 && m->interval_s > 0;
}

bool model_conn_rates(const struct model *m, const struct netcap_conn *c, struct netcap_rates *out)
{
	bool valid = model_net_rates_valid(m);
	if (valid)
		netcap_conn_rates(c, m->interval_s, out);
	else
		*out = (struct netcap_rates){0, 0, 0, 0};
	return valid;
}

bool model_unattributed(const struct model *m, struct net_extra *now, struct net_extra *prev)
{
	*now = m->net_cur;
	*prev = m->net_prev;
	return model_has_capture(m);
}

int model_proc_fd(const struct model *m)
{
	return m->replay ? -1 : m->pfs.root_fd;
}

const char *model_record_why(const struct model *m)
{
	return m->record_why;
}

bool model_is_recording(const struct model *m)
{
	return m->recorder != NULL;
}

bool model_is_replay(const struct model *m)
{
	return m->replay != NULL;
}

bool model_has_capture(const struct model *m)
{
	return m->net || (m->replay && m->net_samples > 0);
}

int64_t model_wall_ns(const struct model *m)
{
	return (int64_t)m->wall.tv_sec * 1000000000 + m->wall.tv_nsec;
}

bool model_threads_on(const struct model *m)
{
	return m->cfg.threads;
}

double model_task_start_epoch_s(const struct model *m, const struct task *t)
{
	if (m->sys.stats.btime == 0)
		return 0;
	return (double)m->sys.stats.btime + (double)t->start_ticks / (double)model_clk_tck(m);
}

struct task_table *model_process_table(struct model *m)
{
	return &m->procs;
}

struct threads_of {
	int32_t pid;
	const struct task **out;
	size_t max, n;
};

static void thread_of(struct task *t, void *arg)
{
	struct threads_of *c = arg;
	if (t->tgid == c->pid && c->n < c->max)
		c->out[c->n++] = t;
}

size_t model_threads_of(struct model *m, int32_t pid, const struct task **out, size_t max)
{
	struct threads_of c = {pid, out, max, 0};
	task_table_foreach(&m->threads, thread_of, &c);
	return c.n;
}

struct task_table *model_rows_table(struct model *m)
{
	return m->cfg.threads ? &m->threads : &m->procs;
}

const char *model_user_name(struct model *m, uint32_t uid)
{
	return users_name(&m->users, uid);
}
