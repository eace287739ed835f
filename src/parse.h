/* parse.h - pure parsers for /proc files.
 *
 * Every parser takes the bytes of one file as read (not necessarily
 * NUL-terminated) and fills a caller-owned struct. No I/O, no allocation.
 * A parser returns 0 on success and -1 when the text is not what the kernel
 * writes (a required field missing or unparsable). Optional fields that an
 * older kernel lacks are reported through a `has_*` flag, never as 0.
 *
 * Rules shared by every parser (parse.c):
 * - Bytes past len are never read; buf may be NULL when len is 0.
 * - A number too large for its field (18446744073709551616 for a u64,
 *   2147483648 for an int32) makes the parser fail with -1: it neither
 *   wraps nor saturates, because the kernel never writes such a value and a
 *   clamped counter would turn into a made-up rate. Sums over several lines
 *   (diskstats, net/dev) saturate at UINT64_MAX.
 * - Text that may have been cut by a short read is not used: line-oriented
 *   files only parse lines ending in '\n', and in single-line files a token
 *   that runs into the end of the buffer is treated as missing.
 * - *out is fully written on success and on failure (zeroed, with the
 *   documented "absent" values), so a caller never sees stale data.
 */
#ifndef PIDTOP_PARSE_H
#define PIDTOP_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PARSE_COMM_MAX 64 /* kernel TASK_COMM_LEN is 16; room for newer kernels */

/* /proc/PID/stat and /proc/PID/task/TID/stat (see proc_pid_stat(5)) */
struct proc_stat {
	int32_t pid;
	char comm[PARSE_COMM_MAX]; /* raw bytes between the first '(' and the last ')', NUL-terminated, truncated to fit */
	char state;                /* field 3 */
	int32_t ppid;              /* field 4 */
	uint64_t minflt;           /* field 10 */
	uint64_t majflt;           /* field 12 */
	uint64_t utime;            /* field 14, clock ticks, includes guest time */
	uint64_t stime;            /* field 15, clock ticks */
	int64_t priority;          /* field 18 */
	int64_t nice;              /* field 19 */
	int64_t num_threads;       /* field 20 */
	uint64_t starttime;        /* field 22, clock ticks after boot */
	uint64_t vsize;            /* field 23, bytes */
	int64_t rss_pages;         /* field 24, pages */
	int32_t processor;         /* field 39, last CPU; -1 when absent */
	uint64_t delayacct_blkio_ticks; /* field 42 */
	uint64_t guest_time;       /* field 43, clock ticks; 0 when has_guest is false */
	bool has_processor;
	bool has_blkio;
	bool has_guest;
};
/* Fields 1-24 are required (starttime identifies a task); fields 39, 42
 * and 43 are optional; fields after 44 are ignored. */
int parse_proc_stat(const char *buf, size_t len, struct proc_stat *out);

/* /proc/PID/status: only the fields the model uses */
struct proc_status {
	uint32_t uid_real, uid_effective;
	int32_t tgid, ppid;
	int64_t threads;
	uint64_t vm_rss_kb;
	uint64_t voluntary_ctxt_switches;
	uint64_t nonvoluntary_ctxt_switches;
	bool has_uid, has_tgid, has_ppid, has_threads, has_vm_rss;
	bool has_ctxt; /* both ctxt lines present */
};
/* Fails when a recognised line has a malformed value, or when no
 * recognised line is present at all (empty or foreign text). */
int parse_proc_status(const char *buf, size_t len, struct proc_status *out);

/* /proc/PID/statm, pages */
struct proc_statm {
	uint64_t size, resident, shared, text, lib, data, dt;
};
int parse_proc_statm(const char *buf, size_t len, struct proc_statm *out);

/* /proc/PID/io */
struct proc_io {
	uint64_t rchar, wchar, syscr, syscw;
	uint64_t read_bytes;            /* bytes this task caused to be fetched from storage */
	uint64_t write_bytes;           /* bytes this task caused to be sent to storage (dirtied) */
	uint64_t cancelled_write_bytes; /* dirtied bytes later truncated before writeback */
	bool has_storage;               /* read_bytes/write_bytes lines present (CONFIG_TASK_IO_ACCOUNTING) */
};
/* rchar, wchar, syscr and syscw are required; has_storage needs
 * read_bytes, write_bytes and cancelled_write_bytes (printed together) */
int parse_proc_io(const char *buf, size_t len, struct proc_io *out);

/* /proc/PID/schedstat: "run_ns wait_ns timeslices" */
struct proc_schedstat {
	uint64_t run_ns;  /* time spent on the CPU */
	uint64_t wait_ns; /* time spent waiting on a run queue */
	uint64_t timeslices;
};
int parse_proc_schedstat(const char *buf, size_t len, struct proc_schedstat *out);

/* /proc/PID/cmdline: NUL-separated arguments. Writes the arguments joined
 * by single spaces into out (always NUL-terminated when outsize > 0),
 * dropping trailing NULs. Bytes are copied raw; sanitising is the caller's
 * job. Returns the number of bytes written (without the NUL). */
size_t parse_proc_cmdline(const char *buf, size_t len, char *out, size_t outsize);

/* /proc/stat */
#define PARSE_MAX_CPUS 1024
struct cpu_times { /* USER_HZ ticks, as in the "cpu" lines */
	uint64_t user, nice, system, idle, iowait, irq, softirq, steal, guest, guest_nice;
};
struct sys_stat {
	struct cpu_times total;
	struct cpu_times *cpus; /* caller-provided array of cpus_cap entries, may be NULL */
	int cpus_cap;
	int ncpus;      /* highest "cpuN" seen + 1 (offline CPUs leave zeroed holes);
			 * may exceed cpus_cap: only min(ncpus, cpus_cap) entries are stored */
	uint64_t btime; /* boot time, seconds since the epoch */
	uint64_t ctxt, processes;
	int64_t procs_running, procs_blocked;
	bool has_btime;
	bool has_ctxt, has_processes, has_procs_running, has_procs_blocked;
};
/* The "cpu" total line is required; a cpu line needs at least 4 columns
 * (user nice system idle) and missing trailing columns (older kernels) read
 * as 0. The cpus array (cpus_cap entries) is zeroed before parsing. */
int parse_sys_stat(const char *buf, size_t len, struct sys_stat *out);
uint64_t cpu_times_busy(const struct cpu_times *t);  /* everything but idle and iowait, guest excluded (already in user) */
uint64_t cpu_times_total(const struct cpu_times *t); /* busy + idle + iowait */

/* /proc/meminfo, kB */
struct meminfo {
	uint64_t mem_total_kb, mem_free_kb, mem_available_kb, buffers_kb, cached_kb;
	uint64_t swap_total_kb, swap_free_kb, shmem_kb, sreclaimable_kb;
	bool has_available;              /* MemAvailable: Linux 3.14 */
	bool has_shmem, has_sreclaimable; /* Shmem: 2.6.32, SReclaimable: 2.6.19 */
};
/* MemTotal, MemFree, Buffers, Cached, SwapTotal and SwapFree are required */
int parse_meminfo(const char *buf, size_t len, struct meminfo *out);

/* /proc/loadavg */
struct loadavg {
	double load1, load5, load15;
	int64_t running, total;
	int64_t last_pid;
};
int parse_loadavg(const char *buf, size_t len, struct loadavg *out);

/* /proc/uptime */
int parse_uptime(const char *buf, size_t len, double *uptime_s);

/* /proc/pressure/{cpu,memory,io} (kernel/sched/psi.c): a "some" line and
 * a "full" line (cpu has it since Linux 5.13), each
 * "avg10=P avg60=P avg300=P total=US": the share of time, in percent over
 * the last 10, 60 and 300 s, in which some (or all non-idle) tasks were
 * stalled on the resource, and the total stall time in microseconds. */
struct psi_line {
	double avg10, avg60, avg300;
	uint64_t total_us;
};
struct pressure {
	struct psi_line some, full;
	bool has_full;
};
/* The "some" line is required; a line must carry all four fields, each
 * average within 0..100. */
int parse_pressure(const char *buf, size_t len, struct pressure *out);

/* /proc/PID/syscall (fs/proc/base.c proc_pid_syscall): "running", or
 * "-1 SP PC" (blocked, but not in a system call), or "NR A1 .. A6 SP PC"
 * (blocked in system call NR with those arguments), hex with 0x. */
enum syscall_state { SYSCALL_RUNNING, SYSCALL_NONE, SYSCALL_IN };
struct proc_syscall {
	enum syscall_state state;
	int32_t nr;       /* SYSCALL_IN; -1 otherwise */
	uint64_t args[6]; /* SYSCALL_IN */
	uint64_t sp, pc;  /* SYSCALL_NONE and SYSCALL_IN */
};
int parse_proc_syscall(const char *buf, size_t len, struct proc_syscall *out);

/* One decimal integer on a line of its own, within [min, max]:
 * /proc/PID/oom_score (0..2000), /proc/PID/oom_score_adj (-1000..1000). */
int parse_proc_int(const char *buf, size_t len, int64_t min, int64_t max, int64_t *out);

/* /proc/diskstats: sums sectors over whole physical disks only (see
 * diskstats_is_whole_disk) */
struct disk_totals {
	uint64_t read_sectors, write_sectors; /* 512-byte sectors */
	int ndisks;
};
/* An empty file (no block devices) is valid. A whole disk needs at least
 * the 11 stat columns of Linux 2.6 (14 fields; 4.18 has 18, 5.5 has 20). */
int parse_diskstats(const char *buf, size_t len, struct disk_totals *out);
/* true for a whole physical disk (sda, vda, xvda, hda, nvme0n1, mmcblk0),
 * false for partitions and stacked or virtual devices (loop, ram, zram,
 * dm-, md, sr, fd, nbd) whose I/O is counted on the disks below them.
 * Also excluded: zd (ZFS zvols), drbd, bcache, nullb (null_blk) and NVMe
 * multipath path devices (nvme0c0n1: their I/O is counted on nvme0n1). */
bool diskstats_is_whole_disk(const char *name, size_t len);

/* /proc/net/dev: sums over every interface except loopback */
struct net_totals {
	uint64_t rx_bytes, tx_bytes, rx_packets, tx_packets;
	int nifaces;
};
/* The two header lines are required; each interface line needs at least
 * 10 counter columns. */
int parse_net_dev(const char *buf, size_t len, struct net_totals *out);

/* /proc/PID/cgroup: the cgroup v2 line "0::PATH" (cgroups(7)); v1
 * hierarchy lines ("N:controllers:PATH") are skipped. */
struct proc_cgroup {
	const char *path; /* points into buf, not NUL-terminated */
	size_t len;
};
/* Fails when no complete v2 line is there (a v1-only machine) or its
 * path does not start with '/'. */
int parse_proc_cgroup(const char *buf, size_t len, struct proc_cgroup *out);
/* The short form of a cgroup v2 path for a narrow column, into out
 * (always NUL-terminated when outsize > 0): a container's id (12 hex
 * digits) when a component names one (docker-ID.scope, cri-containerd-ID,
 * crio-ID, libpod-ID, or a bare 64-digit id), else the deepest systemd
 * unit (.service, .scope, .slice...), else the last component ("/" for the
 * root). Returns the bytes written. */
size_t cgroup_short_name(const char *path, size_t len, char *out, size_t outsize);

/* ---- cgroup v2 interface files (parse_cgfs.c;
 * Documentation/admin-guide/cgroup-v2.rst) ---- */

#define CGFS_MAX UINT64_MAX /* "max": no limit */

/* A one-value file: "max" (*out = CGFS_MAX) or a decimal, then '\n'
 * (memory.current, memory.max, memory.high, pids.current, pids.max). */
int parse_cgfs_value(const char *buf, size_t len, uint64_t *out);
/* cpu.max: "$MAX $PERIOD", $MAX "max" (CGFS_MAX) or microseconds per
 * period; the period is 1 to 1,000,000 us. */
int parse_cgfs_cpu_max(const char *buf, size_t len, uint64_t *quota_us, uint64_t *period_us);
/* A flat keyed file ("key value" lines: memory.events, cpu.stat): the
 * value of key. 0, or -1 when the key is missing or a line is malformed. */
int parse_cgfs_keyed(const char *buf, size_t len, const char *key, uint64_t *out);
/* io.max: "MAJ:MIN rbps=N wbps=N riops=N wiops=N" per device with a limit
 * (each N a number or "max", a key left out is "max"). */
struct cgfs_io_limit {
	uint32_t major, minor;
	uint64_t rbps, wbps, riops, wiops; /* CGFS_MAX: none */
};
#define CGFS_IO_DEVICES 16 /* the first this many devices are kept */
struct cgfs_io_max {
	struct cgfs_io_limit dev[CGFS_IO_DEVICES];
	size_t n;
	bool more; /* devices past CGFS_IO_DEVICES were left out */
};
/* An empty file is no limit (n = 0). */
int parse_cgfs_io_max(const char *buf, size_t len, struct cgfs_io_max *out);

/* ---- tokenizers, for every reader of /proc text ---- */

/* The complete lines of buf[0..len), each without its '\n'; a last line
 * lacking '\n' may have been cut by a short read and is not returned. */
struct lines {
	const char *p, *end;
};
void parse_lines_init(struct lines *l, const char *buf, size_t len);
bool parse_lines_next(struct lines *l, const char **s, const char **e);
/* the same, as a start and a length */
static inline bool parse_lines_next_len(struct lines *l, const char **line, size_t *len)
{
	const char *e;
	if (!parse_lines_next(l, line, &e))
		return false;
	*len = (size_t)(e - *line);
	return true;
}
/* The space-separated tokens of the line starting at p (up to its '\n'
 * or end). A last token touching an end that is not a '\n' may have been
 * cut by a short read and is not returned: for a line from struct lines,
 * pass end = the line's end + 1 (its '\n'). */
struct fields {
	const char *p, *end;
	bool terminated; /* end is a newline, not the end of a possibly cut buffer */
};
void parse_fields_init(struct fields *f, const char *p, const char *end);
bool parse_fields_next(struct fields *f, const char **tok, size_t *n);
/* tok[0..n) as a decimal number, all digits (no sign, no blank); -1 when
 * it is not one or overflows */
int parse_tok_u64(const char *tok, size_t n, uint64_t *out);
/* [*s, *s + *n) without leading and trailing blanks (space, tab) */
void parse_trim(const char **s, size_t *n);

#endif
