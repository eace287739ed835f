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
