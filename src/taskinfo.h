/* taskinfo.h - everything about ONE task, read on demand.
 *
 * The drill-down (ui/drill.c) and `pidtop --dump` (dump.c) read a task's
 * files only while they look at it; nothing here runs in the refresh of
 * every task. Every part carries its own status: err 0 and the parsed
 * figures, or -errno (-EACCES: not permitted, -ENOENT: the kernel or the
 * proc tree lacks the file) and nothing. Every string here is sanitised
 * (sanitize.h) when it is read: safe for a terminal, still needs quoting
 * for JSON. */
#ifndef PIDTOP_TASKINFO_H
#define PIDTOP_TASKINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

#include "parse.h"

struct model;

struct ti_kv {
	char *key, *value;
	uint64_t num; /* the value as a number (kB for "N kB" values) */
	bool is_num, is_kb;
};

struct ti_limit {
	char *name, *unit; /* "Max open files", "files" (unit may be "") */
	uint64_t soft, hard;
	bool soft_unlimited, hard_unlimited;
};

struct ti_cgroup {
	char *hierarchy, *controllers, *path;
};

struct ti_fstype {
	char *name;
	size_t count;
};

enum ti_fd_type { TI_FD_FILE, TI_FD_SOCKET, TI_FD_PIPE, TI_FD_ANON, TI_FD_OTHER };

/* A socket of the task from /proc/PID/net: the same flow key and state
 * numbers as the capture's connections (netcap.h), so both are shown by
 * one code (taskinfo_conn_text). */
struct ti_conn {
	struct flow_key key; /* local end in saddr/sport, remote in daddr/dport */
	uint8_t state;       /* TCP_* numbers; UDP: 1 connected, 7 not */
	uint32_t inode;
	int fd;              /* the fd holding it, -1 when not among the fds */
};

/* A socket as text: "tcp6", "[::1]:53", "[::]:0", "UNCONN". */
struct ti_conn_text {
	char proto[8], local[64], remote[64];
	const char *state;
};
void taskinfo_conn_text(const struct ti_conn *c, struct ti_conn_text *out);

struct ti_fd {
	int fd;
	enum ti_fd_type type;
	char *target;  /* readlink text */
	uint32_t inode; /* sockets, pipes: the inode number */
	long conn;     /* index into conns, or -1 */
};

struct ti_map {
	uint64_t start, end;
	uint64_t size_kb, rss_kb; /* rss_kb only when smaps was read */
	char perms[5];
	char *path; /* "" for anonymous memory */
};

struct ti_thread {
	int32_t tid;
	char comm[PARSE_COMM_MAX]; /* sanitised */
	char state;
	uint64_t utime, stime;   /* clock ticks */
	uint64_t run_ns, wait_ns; /* schedstat; has_sched */
	uint64_t read_bytes, write_bytes; /* io; has_io */
	uint64_t blkio_ticks;    /* stat field 42: block I/O delay, clock ticks */
	bool has_sched, has_io;
};

#define TASKINFO_TOP_MAPS 12

struct taskinfo {
	int32_t pid;
	int err; /* 0, or -ESRCH/-ENOENT when the task does not exist */
	/* identity */
	struct proc_stat stat;
	int stat_err;
	int64_t rt_priority, policy; /* stat fields 40, 41; -1 when absent */
	char *cmdline;
	bool cmdline_empty;
	char *exe, *cwd;
	int exe_err, cwd_err;
	char *parent_comm; /* NULL when the parent is unknown */
	int ioprio_err;    /* ioprio_get on the live task; -ENOTSUP for another proc tree */
	int ioprio_class, ioprio_level;
	double start_epoch_s, age_s; /* from btime and uptime of the proc tree */
	bool have_start;
	/* files */
	struct ti_kv *status;
	size_t nstatus;
	int status_err;
	struct proc_statm statm;
	int statm_err;
	struct proc_io io;
	int io_err;
	struct proc_schedstat sched;
	int sched_err;
	struct ti_limit *limits;
	size_t nlimits;
	int limits_err;
	char **environ;
	size_t nenviron;
	int environ_err;
	struct ti_cgroup *cgroups;
	size_t ncgroups;
	int cgroup_err;
	struct ti_fstype *fstypes;
	size_t nfstypes, nmounts;
	char *root_fstype; /* the file system type mounted on "/" for the task */
	int mountinfo_err;
	struct ti_fd *fds;
	size_t nfds;
	int fds_err;
	struct ti_conn *conns;
	size_t nconns;
	int conns_err;
	/* memory: maps always; smaps and smaps_rollup only when asked */
	size_t nmaps;
	uint64_t maps_total_kb, maps_anon_kb, maps_file_kb;
	struct ti_map top_maps[TASKINFO_TOP_MAPS]; /* largest first */
	size_t ntop;
	int maps_err;
	struct ti_kv *rollup;
	size_t nrollup;
	int rollup_err;
	bool smaps_read;
	/* threads */
	struct ti_thread *threads;
	size_t nthreads;
	int threads_err;
};

enum taskinfo_flags {
	TASKINFO_SMAPS = 1u << 0, /* read smaps_rollup and smaps (RSS of the largest maps) */
};

/* Reads everything about pid under the proc root (root_fd, as opened by
 * procfs). live: the proc root is this machine's /proc (I/O priority is
 * asked of the kernel). Returns 0, or -1 when the task does not exist
 * (ti->err says why). ti is reset first; free it with taskinfo_free. */
int taskinfo_read(struct taskinfo *ti, int root_fd, int32_t pid, bool live, unsigned flags);
void taskinfo_free(struct taskinfo *ti);

/* "SCHED_OTHER"..., or "unknown" */
const char *taskinfo_policy_name(int64_t policy);
const char *taskinfo_fd_type_name(enum ti_fd_type t);
/* "not permitted", "not available", "the task exited"... for an err */
const char *taskinfo_reason(int err);

#endif
