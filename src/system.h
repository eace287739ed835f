/* system.h - machine-wide figures for the header and the "system" object */
#ifndef PIDTOP_SYSTEM_H
#define PIDTOP_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "parse.h"

struct cpu_pct {
	double user, nice, system, irq, softirq, steal, guest, iowait, idle;
	double busy; /* everything but idle and iowait; 100 = this CPU fully busy */
};

struct task_counts {
	int64_t processes, threads;
	int64_t running, sleeping, disk_sleep, stopped, zombie, idle, other;
	int64_t kernel_threads;
};

enum psi_resource { PSI_CPU, PSI_MEMORY, PSI_IO, PSI_COUNT };
extern const char *const system_psi_names[PSI_COUNT]; /* "cpu", "memory", "io" */

struct system_stats {
	int ncpus;                  /* entries in cpu[] */
	struct cpu_pct *cpu;        /* per CPU, over the last interval */
	struct cpu_pct total;       /* all CPUs; 100 = all busy */
	struct meminfo mem;
	uint64_t mem_used_kb;       /* total - available */
	uint64_t swap_used_kb;
	struct loadavg load;
	double uptime_s;
	uint64_t btime;             /* boot, seconds since the epoch */
	struct task_counts tasks;   /* filled by the scan */
	double disk_read_bps, disk_write_bps;
	double net_rx_bps, net_tx_bps, net_rx_pps, net_tx_pps;
	bool rates_valid;           /* false on the first sample */
	/* /proc/pressure/<resource>; has_psi false without PSI (kernel < 4.20,
	 * CONFIG_PSI off or psi=0) */
	struct pressure psi[PSI_COUNT];
	bool has_psi[PSI_COUNT];
	int ndisks, nifaces;
};

struct system_reader {
	struct system_stats stats;
	struct cpu_times *cur_cpus, *prev_cpus;
	int cpus_cap;
	struct cpu_times cur_total, prev_total;
	struct disk_totals cur_disk, prev_disk;
	struct net_totals cur_net, prev_net;
	double cur_t, prev_t;
	int nsamples;
	struct buf scratch; /* /proc/stat can be long: one line per CPU plus interrupts */
};

int system_reader_init(struct system_reader *sr);
void system_reader_free(struct system_reader *sr);
/* Reads the machine-wide files under root_fd at time now_s; returns 0 or
 * -1 when /proc/stat cannot be read. The same in steps, for a source that
 * is not a proc root (a recording): system_shift, then the raw figures
 * (cur_cpus, cur_total, cur_disk, cur_net; stats' mem, load, uptime_s,
 * btime and, through system_set_ncpus, ncpus), then system_compute. */
int system_refresh(struct system_reader *sr, int root_fd, double now_s);
void system_shift(struct system_reader *sr, double now_s);
/* False when ncpus CPUs do not fit (out of memory): fewer are kept. */
bool system_set_ncpus(struct system_reader *sr, int ncpus);
void system_compute(struct system_reader *sr);

#endif
