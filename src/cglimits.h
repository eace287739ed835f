/* cglimits.h - one cgroup v2's limits, event counts and pressure, read on
 * demand (the drill-down's Cgroup tab; nothing here runs per refresh).
 *
 * Each part carries its status: err 0 and the figures, -ENOENT when the
 * file is not there (its controller is not enabled for the cgroup, or the
 * kernel lacks it: shown n/a), another -errno when it could not be read,
 * or -EINVAL when its text was not what the kernel writes. */
#ifndef PIDTOP_CGLIMITS_H
#define PIDTOP_CGLIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"

struct cg_value {
	int err;
	uint64_t v; /* CGFS_MAX: no limit */
};

enum cg_psi { CG_PSI_CPU, CG_PSI_MEMORY, CG_PSI_IO, CG_PSI_COUNT };

struct cglimits {
	struct cg_value mem_current, mem_max, mem_high, pids_current, pids_max;
	/* memory.events: times the high and max limits were hit, OOM events
	 * and the tasks the OOM killer killed */
	int events_err;
	uint64_t ev_high, ev_max, ev_oom, ev_oom_kill;
	int cpu_max_err;
	uint64_t cpu_quota_us, cpu_period_us; /* quota CGFS_MAX: none */
	/* cpu.stat: nr_throttled and throttled_usec exist with the cpu
	 * controller only; throttle_err says whether they were there */
	int cpu_stat_err, throttle_err;
	uint64_t usage_usec, nr_periods, nr_throttled, throttled_usec;
	int io_max_err;
	struct cgfs_io_max io_max;
	int psi_err[CG_PSI_COUNT];
	struct pressure psi[CG_PSI_COUNT];
};

/* Opens the cgroup v2 hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified
 * on a machine that mounts v1 controllers beside it. Returns a directory
 * fd, or -errno (-ENOENT: no cgroup v2). */
int cglimits_open_root(void);
/* Reads the cgroup at path (as /proc/PID/cgroup gives it, "/a/b") under
 * the hierarchy root_fd. Returns 0, or -errno when the cgroup's directory
 * cannot be opened (it is gone, or path is not a cgroup's); the parts'
 * own errors are in out. */
int cglimits_read(int root_fd, const char *path, struct cglimits *out);

#endif
