/* cgrouptab.c - the drill-down's Cgroup tab (cgrouptab.h) */
#include "cgrouptab.h"
#include "cglimits.h"
#include "taskinfo.h"
#include "uistate.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

/* "n/a" (no such file: its controller is off), the reason, or "" when err
 * is 0 and the caller writes the figure */
static const char *state_text(int err)
{
	return err == -ENOENT ? "n/a" : err ? taskinfo_reason(err) : "";
}

/* bytes: "unlimited", or human units with the exact count */
static void put_bytes(struct buf *b, const char *label, const struct cg_value *v)
{
	char h[32];
	if (v->err)
		buf_printf(b, "  %s %s", label, state_text(v->err));
	else if (v->v == CGFS_MAX)
		buf_printf(b, "  %s unlimited", label);
	else {
		column_format_human((double)v->v, h, sizeof h);
		buf_printf(b, "  %s %s (%llu)", label, h, (unsigned long long)v->v);
	}
}

static void put_count(struct buf *b, const char *label, const struct cg_value *v)
{
	if (v->err)
		buf_printf(b, "  %s %s", label, state_text(v->err));
	else if (v->v == CGFS_MAX)
		buf_printf(b, "  %s unlimited", label);
	else
		buf_printf(b, "  %s %llu", label, (unsigned long long)v->v);
}

static void put_memory(struct buf *b, const struct cglimits *c)
{
	buf_puts(b, "memory  ");
	put_bytes(b, "current", &c->mem_current);
	put_bytes(b, "max", &c->mem_max);
	put_bytes(b, "high", &c->mem_high);
	if (c->events_err)
		buf_printf(b, "\n          events %s\n", state_text(c->events_err));
	else
		buf_printf(b, "\n          events: high %llu  max %llu  oom %llu  oom_kill %llu\n",
			   (unsigned long long)c->ev_high, (unsigned long long)c->ev_max,
			   (unsigned long long)c->ev_oom, (unsigned long long)c->ev_oom_kill);
}

static void put_cpu(struct buf *b, const struct cglimits *c)
{
	buf_puts(b, "cpu       max ");
	if (c->cpu_max_err)
		buf_puts(b, state_text(c->cpu_max_err));
	else if (c->cpu_quota_us == CGFS_MAX)
		buf_printf(b, "unlimited (period %llu us)", (unsigned long long)c->cpu_period_us);
	else
		buf_printf(b, "%llu us per %llu us (%.2f CPUs)", (unsigned long long)c->cpu_quota_us,
			   (unsigned long long)c->cpu_period_us,
			   (double)c->cpu_quota_us / (double)c->cpu_period_us);
	if (c->throttle_err)
		buf_printf(b, "\n          throttled %s\n", state_text(c->throttle_err));
	else
		buf_printf(b, "\n          throttled in %llu of %llu periods, %.3f s in all\n",
			   (unsigned long long)c->nr_throttled, (unsigned long long)c->nr_periods,
			   (double)c->throttled_usec / 1e6);
}

static void io_limit(char *out, size_t outsize, const char *key, uint64_t v)
{
	if (v == CGFS_MAX)
		snprintf(out, outsize, "%s max", key);
	else
		snprintf(out, outsize, "%s %llu", key, (unsigned long long)v);
}

static void put_io(struct buf *b, const struct cglimits *c)
{
	buf_puts(b, "io        max ");
	if (c->io_max_err) {
		buf_printf(b, "%s\n", state_text(c->io_max_err));
		return;
	}
	if (!c->io_max.n)
		buf_puts(b, "unlimited\n");
	for (size_t i = 0; i < c->io_max.n; i++) {
		const struct cgfs_io_limit *d = &c->io_max.dev[i];
		char r[40], w[40], ri[40], wi[40];
		io_limit(r, sizeof r, "read B/s", d->rbps);
		io_limit(w, sizeof w, "write B/s", d->wbps);
		io_limit(ri, sizeof ri, "read IO/s", d->riops);
		io_limit(wi, sizeof wi, "write IO/s", d->wiops);
		buf_printf(b, "%sdevice %u:%u  %s  %s  %s  %s\n", i ? "              " : "", d->major,
			   d->minor, r, w, ri, wi);
	}
	if (c->io_max.more)
		buf_puts(b, "              (more devices)\n");
}

static void put_pressure(struct buf *b, const struct cglimits *c)
{
	static const char *const names[CG_PSI_COUNT] = {"cpu", "memory", "io"};
	buf_puts(b, "pressure  some avg10  full avg10\n");
	for (int i = 0; i < CG_PSI_COUNT; i++) {
		if (c->psi_err[i]) {
			buf_printf(b, "  %-7s %s\n", names[i], state_text(c->psi_err[i]));
			continue;
		}
		const struct pressure *p = &c->psi[i];
		char full[16] = "-";
		if (p->has_full)
			snprintf(full, sizeof full, "%.2f%%", p->full.avg10);
		buf_printf(b, "  %-7s %9.2f%%  %10s\n", names[i], p->some.avg10, full);
	}
}

void cgrouptab_format(const struct cglimits *c, struct buf *b)
{
	put_memory(b, c);
	put_cpu(b, c);
	put_io(b, c);
	buf_puts(b, "pids    ");
	put_count(b, "current", &c->pids_current);
	put_count(b, "max", &c->pids_max);
	buf_puts(b, "\n\n");
	put_pressure(b, c);
	buf_puts(b, "\nn/a: the controller is not enabled for this cgroup "
		    "(cgroup.subtree_control of its parent)\n");
}

void cgrouptab_text(struct ui *ui, const char *path, struct buf *b)
{
	if (model_is_replay(ui->m)) {
		buf_puts(b, "cgroup limits and pressure: not recorded "
			    "(a recording holds no cgroup files)\n");
		return;
	}
	if (!path) {
		buf_puts(b, "cgroup: n/a (no cgroup v2 line in /proc/PID/cgroup)\n");
		return;
	}
	buf_printf(b, "cgroup %s\n\n", path);
	int root = cglimits_open_root();
	if (root < 0) {
		buf_puts(b, "n/a: no cgroup v2 hierarchy mounted\n");
		return;
	}
	struct cglimits c;
	int err = cglimits_read(root, path, &c);
	close(root);
	if (err)
		buf_printf(b, "cannot read it: %s\n", taskinfo_reason(err));
	else
		cgrouptab_format(&c, b);
}
