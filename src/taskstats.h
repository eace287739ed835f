/* taskstats.h - the kernel's taskstats generic-netlink family, through libnl-genl-3.
 *
 * Three parts:
 * - taskstats_decode(): a pure decoder of one struct taskstats as the kernel
 *   sent it, by its version field and its size, with our own layout tables.
 *   The build machine's <linux/taskstats.h> is never used: the running
 *   kernel's struct may be newer or older than the header, and version 15
 *   (Linux 6.14/6.15-rc) inserted fields in the middle of the struct.
 * - a query socket: pipelined TASKSTATS_CMD_GET requests for many tids or
 *   tgids (many requests per send, replies drained with recvmmsg), matched
 *   to their ids by sequence number.
 * - an exit socket: per-CPU exit notifications (REGISTER_CPUMASK), so tasks
 *   that start and exit between two refreshes still report their totals.
 * And the kernel.task_delayacct sysctl (read, and write for --enable-delayacct).
 *
 * Every socket operation needs CAP_NET_ADMIN (the family's commands are
 * GENL_ADMIN_PERM in kernel/taskstats.c). Nothing here prints or exits.
 * An object is used by one thread at a time.
 */
#ifndef PIDTOP_TASKSTATS_H
#define PIDTOP_TASKSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TASKSTATS_COMM_LEN 32 /* TS_COMM_LEN of the uapi header */

/* ac_flag bits, include/uapi/linux/acct.h */
#define TASKSTATS_FLAG_FORK 0x01  /* forked but never exec'd */
#define TASKSTATS_FLAG_SU 0x02    /* used super-user privileges */
#define TASKSTATS_FLAG_CORE 0x08  /* dumped core */
#define TASKSTATS_FLAG_XSIG 0x10  /* killed by a signal */
#define TASKSTATS_FLAG_GROUP 0x20 /* last task of its thread group (since version 12) */

/* One delay category: count of delays and their sum, in nanoseconds.
 * The kernel fills *_count/total_ns only while kernel.task_delayacct is on
 * (except the CPU run-queue delay, which comes from sched_info); it sets
 * total_ns to 0 when the sum overflowed. max_ns/min_ns are the largest and
 * smallest single delay, since version 15 (has_delay_extremes). */
struct taskstats_delay {
	uint64_t count;
	uint64_t total_ns;
	uint64_t max_ns;
	uint64_t min_ns;
};

/* What one reply record is about. */
enum taskstats_scope {
	TASKSTATS_SCOPE_TASK,    /* TASKSTATS_TYPE_AGGR_PID: one thread */
	TASKSTATS_SCOPE_PROCESS, /* TASKSTATS_TYPE_AGGR_TGID: a thread group */
};

/* One struct taskstats, in fixed units. A field is meaningful only when its
 * has_* flag says the reply's version carries it; otherwise it is 0.
 *
 * On SCOPE_PROCESS records (tgid queries, and the aggregate the kernel sends
 * when the last thread of a multi-threaded process exits) the kernel sums
 * only the delay fields, cpu_run_*, utime/stime, nvcsw/nivcsw and etime over
 * the threads (kernel/taskstats.c fill_stats_for_tgid, fill_tgid_exit);
 * identity, comm and the byte counters are left 0 there. */
struct taskstats_sample {
	enum taskstats_scope scope; /* set by the reply parser, not by decode */
	int32_t id;                 /* the PID or TGID attribute of the reply */

	uint16_t version;
	uint32_t exitcode; /* ac_exitcode: wait status of an exited task */
	uint8_t flags;     /* ac_flag: TASKSTATS_FLAG_* */
	uint8_t nice;      /* ac_nice */

	/* delay accounting block (always carried) */
	struct taskstats_delay cpu;        /* waiting on a run queue while runnable */
	struct taskstats_delay blkio;      /* waiting for synchronous block I/O */
	struct taskstats_delay swapin;     /* waiting for swap-in page faults */
	uint64_t cpu_run_real_total_ns;    /* wall-clock run time */
	uint64_t cpu_run_virtual_total_ns; /* run time as the scheduler saw it */

	/* basic accounting (has_basic) */
	char comm[TASKSTATS_COMM_LEN + 1]; /* raw bytes, NUL-terminated; untrusted */
	uint8_t sched;
	uint32_t uid, gid, pid, ppid;
	uint64_t btime_s;  /* start time, seconds since the epoch (ac_btime64 when carried) */
	uint64_t etime_us; /* elapsed time since start */
	uint64_t utime_us, stime_us;
	uint64_t minflt, majflt;

	/* extended accounting (has_xacct) */
	uint64_t coremem_mb_us, virtmem_mb_us; /* accumulated RSS/VM, MB-usec */
	uint64_t hiwater_rss_kb, hiwater_vm_kb;
	uint64_t read_char, write_char; /* bytes through read/write syscalls */
	uint64_t read_syscalls, write_syscalls;

	/* storage I/O (has_io), same meaning as /proc/PID/io */
	uint64_t read_bytes, write_bytes, cancelled_write_bytes;

	uint64_t nvcsw, nivcsw; /* has_ctxsw */

	uint64_t utimescaled_us, stimescaled_us, cpu_scaled_run_real_total_ns; /* has_scaled */

	struct taskstats_delay freepages; /* memory reclaim (has_freepages) */
	struct taskstats_delay thrashing; /* has_thrashing */
	struct taskstats_delay compact;   /* memory compaction (has_compact) */

	uint32_t tgid;               /* has_tgid (version 12) */
	uint64_t tgetime_us;         /* thread group elapsed time */
	uint64_t exe_dev, exe_inode; /* /proc/PID/exe at the end; 0 for kernel threads */

	struct taskstats_delay wpcopy; /* write-protect copy (has_wpcopy, version 13) */
	struct taskstats_delay irq;    /* IRQ/softirq (has_irq, version 14) */

	bool has_basic, has_xacct, has_io, has_ctxsw, has_scaled;
	bool has_freepages, has_thrashing, has_btime64, has_compact;
	bool has_tgid, has_wpcopy, has_irq;
	bool has_delay_extremes; /* the max_ns/min_ns of every category (version 15+) */
};

/* Decode the payload of a TASKSTATS_TYPE_STATS attribute. Pure: reads
 * exactly payload[0..len), no I/O, no allocation, no alignment assumed.
 * Returns 0, or -EBADMSG when len is shorter than the struct of the version
 * it claims (or version is 0); *out is zeroed first in both cases. A payload
 * longer than its version's struct (a newer kernel) decodes the known prefix. */
int taskstats_decode(const void *payload, size_t len, struct taskstats_sample *out);

/* Walk a buffer of netlink messages as received from a taskstats socket
 * (pure: no I/O). For each TASKSTATS_CMD_NEW message of the family
 * family_id, calls cb once per record (a reply carries one; an exit
 * notification one or two: the thread, then its process when it was the
 * last thread of a multi-threaded process) with err 0. For each NLMSG_ERROR,
 * calls cb with sample NULL and err = the positive errno (0 for an ack).
 * A record that does not decode gives sample NULL and err EBADMSG.
 * seq is the message's nlmsg_seq. Returns the number of callbacks made, or
 * -EBADMSG when the buffer's framing is broken (callbacks made up to there). */
typedef void (*taskstats_record_cb)(void *ctx, uint32_t seq, const struct taskstats_sample *s,
                                    int err);
int taskstats_parse_messages(const void *buf, size_t len, uint16_t family_id,
                             taskstats_record_cb cb, void *ctx);

/* The query socket. */
struct taskstats;

/* Opens a socket, resolves the family once and probes with a query for the
 * calling thread (which needs CAP_NET_ADMIN). Returns 0, or -1 with a
 * one-line reason in why: "needs CAP_NET_ADMIN (run as root or setcap
 * cap_net_admin+ep)", "no taskstats family in this network namespace", or
 * a strerror-based line. */
int taskstats_open(struct taskstats **out, char *why, size_t whylen);
void taskstats_close(struct taskstats *ts);

/* sample is NULL when err != 0. err ESRCH (the task is gone) is normal. */
typedef void (*taskstats_query_cb)(void *ctx, int32_t id, const struct taskstats_sample *sample,
                                   int err);

/* Query every id (tids, or tgids when by_tgid), pipelined in chunks sized so
 * the receive buffer cannot overflow; calls cb exactly once per id, in no
 * particular order. Allocates nothing once warm (buffers grow to the largest
 * chunk once). Returns 0, or a negative errno when the socket failed (cb was
 * still called for every id, with that error). */
int taskstats_query(struct taskstats *ts, const int32_t *ids, size_t n, bool by_tgid,
                    taskstats_query_cb cb, void *ctx);

/* Requests per send the socket's receive buffer allows, for reports. */
size_t taskstats_chunk_size(const struct taskstats *ts);

/* The exit-notification socket: one more socket registered as a listener
 * on every online CPU, non-blocking, with a large receive buffer. Before
 * returning it checks that records really arrive, with one short-lived
 * thread: the kernel delivers them only to sockets of the initial network
 * namespace. Returns 0, or -1 with a one-line reason: the CAP_NET_ADMIN
 * one, "exit notifications need the initial pid and user namespace",
 * "exit notifications are not delivered in this network namespace (only in
 * the initial one)", or a strerror-based line. */
struct taskstats_exits;
int taskstats_exits_open(struct taskstats_exits **out, char *why, size_t whylen);
/* Deregisters and closes. */
void taskstats_exits_close(struct taskstats_exits *ex);

/* The socket, readable when records are waiting (for poll). */
int taskstats_exits_fd(const struct taskstats_exits *ex);

/* Called per exit record: scope TASK for each exited thread (its
 * flags has TASKSTATS_FLAG_GROUP when the whole process ended with it),
 * scope PROCESS for the per-tgid aggregate the kernel adds when the last
 * thread of a multi-threaded process exits. */
typedef void (*taskstats_exit_cb)(void *ctx, const struct taskstats_sample *sample);

/* Delivers every record received since the last call without blocking.
 * Returns the number of records, or a negative errno on a socket error.
 * Receive-queue overruns (ENOBUFS: the kernel dropped records) are counted,
 * not returned. */
int taskstats_exits_drain(struct taskstats_exits *ex, taskstats_exit_cb cb, void *ctx);

struct taskstats_exits_stats {
	uint64_t records;  /* records delivered since open */
	uint64_t overruns; /* ENOBUFS reports: at least one record was lost each time */
	uint64_t dropped;  /* records the kernel dropped (socket drop counter), when known */
	bool has_dropped;
	uint64_t truncated; /* messages larger than the receive slot (slot grows after) */
};
void taskstats_exits_get_stats(struct taskstats_exits *ex, struct taskstats_exits_stats *out);

/* kernel.task_delayacct under proc_root (e.g. "/proc"): *on = 0 or 1.
 * Returns 0, -ENOENT when the file is missing (a kernel without the
 * sysctl, before 5.14: delay accounting is then decided at boot), or
 * another negative errno. */
int taskstats_delayacct_read(const char *proc_root, int *on);
/* Writes 0 or 1 to proc_root/sys/kernel/task_delayacct (root only).
 * Returns 0 or a negative errno. The caller restores the old value. */
int taskstats_delayacct_write(const char *proc_root, int on);

#endif
