/* system.c - per-CPU times, memory, load, disk and network totals */
#include <errno.h>
#include "system.h"
#include "procfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const system_psi_names[PSI_COUNT] = {"cpu", "memory", "io"};

static void read_pressure(struct system_stats *st, int root_fd)
{
	char tmp[512], path[32];
	for (int i = 0; i < PSI_COUNT; i++) {
		snprintf(path, sizeof path, "pressure/%s", system_psi_names[i]);
		ssize_t n = procfs_read(root_fd, path, tmp, sizeof tmp);
		st->has_psi[i] = n > 0 && parse_pressure(tmp, (size_t)n, &st->psi[i]) == 0;
	}
}

int system_reader_init(struct system_reader *sr)
{
	memset(sr, 0, sizeof *sr);
	long n = sysconf(_SC_NPROCESSORS_CONF);
	sr->cpus_cap = n > 0 && n < PARSE_MAX_CPUS ? (int)n : 64;
	sr->cur_cpus = calloc((size_t)sr->cpus_cap, sizeof *sr->cur_cpus);
	sr->prev_cpus = calloc((size_t)sr->cpus_cap, sizeof *sr->prev_cpus);
	sr->stats.cpu = calloc((size_t)sr->cpus_cap, sizeof *sr->stats.cpu);
	if (!sr->cur_cpus || !sr->prev_cpus || !sr->stats.cpu)
		return -1;
	return 0;
}

void system_reader_free(struct system_reader *sr)
{
	free(sr->cur_cpus);
	free(sr->prev_cpus);
	free(sr->stats.cpu);
	buf_free(&sr->scratch);
	memset(sr, 0, sizeof *sr);
}

static bool grow_cpus(struct system_reader *sr, int want)
{
	if (want <= sr->cpus_cap || want > PARSE_MAX_CPUS)
		return want <= sr->cpus_cap;
	struct cpu_times *a = calloc((size_t)want, sizeof *a);
	struct cpu_times *b = calloc((size_t)want, sizeof *b);
	struct cpu_pct *c = calloc((size_t)want, sizeof *c);
	if (!a || !b || !c) {
		free(a), free(b), free(c);
		return false;
	}
	memcpy(b, sr->prev_cpus, (size_t)sr->cpus_cap * sizeof *b);
	free(sr->cur_cpus), free(sr->prev_cpus), free(sr->stats.cpu);
	sr->cur_cpus = a, sr->prev_cpus = b, sr->stats.cpu = c;
	sr->cpus_cap = want;
	return true;
}

static double delta_pct(uint64_t cur, uint64_t prev, double total)
{
	return cur > prev && total > 0 ? (double)(cur - prev) * 100.0 / total : 0.0;
}

static void cpu_pct_from(const struct cpu_times *c, const struct cpu_times *p, struct cpu_pct *out)
{
	uint64_t tc = cpu_times_total(c), tp = cpu_times_total(p);
	double total = tc > tp ? (double)(tc - tp) : 0.0;
	/* guest time is already inside user and nice: show it apart, not twice */
	uint64_t cu = c->user - (c->guest <= c->user ? c->guest : c->user);
	uint64_t pu = p->user - (p->guest <= p->user ? p->guest : p->user);
	out->user = delta_pct(cu, pu, total);
	out->guest = delta_pct(c->guest + c->guest_nice, p->guest + p->guest_nice, total);
	out->nice = delta_pct(c->nice - (c->guest_nice <= c->nice ? c->guest_nice : c->nice),
			      p->nice - (p->guest_nice <= p->nice ? p->guest_nice : p->nice), total);
	out->system = delta_pct(c->system, p->system, total);
	out->irq = delta_pct(c->irq, p->irq, total);
	out->softirq = delta_pct(c->softirq, p->softirq, total);
	out->steal = delta_pct(c->steal, p->steal, total);
	out->iowait = delta_pct(c->iowait, p->iowait, total);
	out->idle = delta_pct(c->idle, p->idle, total);
	out->busy = delta_pct(cpu_times_busy(c), cpu_times_busy(p), total);
}

/* The current raw figures become the previous ones; time moves to now_s. */
void system_shift(struct system_reader *sr, double now_s)
{
	struct cpu_times *tmpc = sr->prev_cpus;
	sr->prev_cpus = sr->cur_cpus;
	sr->cur_cpus = tmpc;
	memset(sr->cur_cpus, 0, (size_t)sr->cpus_cap * sizeof *sr->cur_cpus);
	sr->prev_total = sr->cur_total;
	sr->prev_disk = sr->cur_disk;
	sr->prev_net = sr->cur_net;
	sr->prev_t = sr->cur_t;
	sr->cur_t = now_s;
}

bool system_set_ncpus(struct system_reader *sr, int ncpus)
{
	if (ncpus > sr->cpus_cap && grow_cpus(sr, ncpus))
		sr->nsamples = 0; /* CPUs came: no rate against fewer */
	sr->stats.ncpus = ncpus < sr->cpus_cap ? ncpus : sr->cpus_cap;
	return ncpus <= sr->cpus_cap;
}

/* A file of counters failed to read (EIO, a signal...): its figures are
 * zero or stale, so no rate from this refresh nor from the next, which
 * would be taken against them. */
static void gap(struct system_reader *sr)
{
	sr->nsamples = -1;
}

static int read_cpu_times(struct system_reader *sr, size_t n);
static void read_others(struct system_reader *sr, int root_fd);

/* Reads the raw figures of the files under root_fd. Returns -1 only when
 * the proc root is gone; a file that fails to read leaves a gap. */
static int read_files(struct system_reader *sr, int root_fd)
{
	ssize_t n = -EIO;
	for (int try = 0; try < 5 && n < 0; try++)
		n = procfs_read_all(root_fd, "stat", &sr->scratch);
	if (n == -ENOENT || n == -ENOTDIR)
		return -1; /* the proc root lost its stat file: it is gone */
	if (n < 0) {
		/* the CPU counters stay as they were, with no rate over them */
		gap(sr);
		sr->cur_total = sr->prev_total;
		memcpy(sr->cur_cpus, sr->prev_cpus, (size_t)sr->cpus_cap * sizeof *sr->cur_cpus);
	} else if (read_cpu_times(sr, (size_t)n) < 0) {
		return -1;
	}
	read_others(sr, root_fd);
	return 0;
}

/* The CPU counters and boot time from the n bytes of /proc/stat in scratch. */
static int read_cpu_times(struct system_reader *sr, size_t n)
{
	struct system_stats *st = &sr->stats;
	struct sys_stat ss;
	memset(&ss, 0, sizeof ss);
	ss.cpus = sr->cur_cpus;
	ss.cpus_cap = sr->cpus_cap;
	if (parse_sys_stat(sr->scratch.data, n, &ss) < 0)
		return -1;
	if (!system_set_ncpus(sr, ss.ncpus) || ss.cpus != sr->cur_cpus) {
		/* more CPUs than sysconf said (hotplug, or a foreign proc root): read again */
		memset(&ss, 0, sizeof ss);
		ss.cpus = sr->cur_cpus;
		ss.cpus_cap = sr->cpus_cap;
		parse_sys_stat(sr->scratch.data, n, &ss);
	}
	sr->cur_total = ss.total;
	if (ss.has_btime)
		st->btime = ss.btime;
	return 0;
}

/* Memory, load, uptime, pressure, disks and network interfaces. */
static void read_others(struct system_reader *sr, int root_fd)
{
	struct system_stats *st = &sr->stats;
	ssize_t n;
	char tmp[4096];
	if ((n = procfs_read(root_fd, "meminfo", tmp, sizeof tmp)) > 0)
		parse_meminfo(tmp, (size_t)n, &st->mem);
	if ((n = procfs_read(root_fd, "loadavg", tmp, sizeof tmp)) > 0)
		parse_loadavg(tmp, (size_t)n, &st->load);
	if ((n = procfs_read(root_fd, "uptime", tmp, sizeof tmp)) > 0)
		parse_uptime(tmp, (size_t)n, &st->uptime_s);
	read_pressure(st, root_fd);

	memset(&sr->cur_disk, 0, sizeof sr->cur_disk);
	if ((n = procfs_read_all(root_fd, "diskstats", &sr->scratch)) > 0)
		parse_diskstats(sr->scratch.data, (size_t)n, &sr->cur_disk);
	else if (n < 0 && n != -ENOENT)
		gap(sr);
	memset(&sr->cur_net, 0, sizeof sr->cur_net);
	if ((n = procfs_read_all(root_fd, "net/dev", &sr->scratch)) > 0)
		parse_net_dev(sr->scratch.data, (size_t)n, &sr->cur_net);
	else if (n < 0 && n != -ENOENT)
		gap(sr);
}

void system_compute(struct system_reader *sr)
{
	struct system_stats *st = &sr->stats;
	st->mem_used_kb = st->mem.mem_total_kb > st->mem.mem_available_kb
				  ? st->mem.mem_total_kb - st->mem.mem_available_kb
				  : 0;
	st->swap_used_kb = st->mem.swap_total_kb > st->mem.swap_free_kb
				   ? st->mem.swap_total_kb - st->mem.swap_free_kb
				   : 0;
	st->ndisks = sr->cur_disk.ndisks;
	st->nifaces = sr->cur_net.nifaces;

	if (sr->nsamples < 2)
		sr->nsamples++;
	st->rates_valid = sr->nsamples >= 2 && sr->cur_t > sr->prev_t;
	if (!st->rates_valid)
		return;

	cpu_pct_from(&sr->cur_total, &sr->prev_total, &st->total);
	for (int i = 0; i < st->ncpus; i++)
		cpu_pct_from(&sr->cur_cpus[i], &sr->prev_cpus[i], &st->cpu[i]);

	double dt = sr->cur_t - sr->prev_t;
#define RATE(cur, prev) ((cur) >= (prev) ? (double)((cur) - (prev)) / dt : 0.0)
	/* diskstats counts 512-byte sectors whatever the device's block size */
	st->disk_read_bps = RATE(sr->cur_disk.read_sectors, sr->prev_disk.read_sectors) * 512.0;
	st->disk_write_bps = RATE(sr->cur_disk.write_sectors, sr->prev_disk.write_sectors) * 512.0;
	st->net_rx_bps = RATE(sr->cur_net.rx_bytes, sr->prev_net.rx_bytes);
	st->net_tx_bps = RATE(sr->cur_net.tx_bytes, sr->prev_net.tx_bytes);
	st->net_rx_pps = RATE(sr->cur_net.rx_packets, sr->prev_net.rx_packets);
	st->net_tx_pps = RATE(sr->cur_net.tx_packets, sr->prev_net.tx_packets);
#undef RATE
}

int system_refresh(struct system_reader *sr, int root_fd, double now_s)
{
	system_shift(sr, now_s);
	if (read_files(sr, root_fd) < 0)
		return -1;
	system_compute(sr);
	return 0;
}
