/* tsdecode.h - the bytes of the kernel's taskstats generic-netlink family,
 * decoded without I/O: one struct taskstats by its version and size
 * (taskstats_decode) and a buffer of netlink messages as a taskstats socket
 * receives them (taskstats_parse_messages). Pure functions of their input:
 * what the sockets in taskstats.c receive, and what fuzz/fuzz_taskstats.c
 * feeds them.
 *
 * The build machine's <linux/taskstats.h> is never used: the running
 * kernel's struct may be newer or older than the header, and version 15
 * (Linux 6.14/6.15-rc) inserted fields in the middle of the struct.
 */
#ifndef PIDTOP_TSDECODE_H
#define PIDTOP_TSDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The family's ABI numbers (include/uapi/linux/taskstats.h); defined here
 * so the build machine's header is never needed. */
#define TS_GENL_NAME "TASKSTATS"
#define TS_GENL_VERSION 1
#define TS_CMD_GET 1
#define TS_CMD_NEW 2
#define TS_TYPE_PID 1
#define TS_TYPE_TGID 2
#define TS_TYPE_STATS 3
#define TS_TYPE_AGGR_PID 4
#define TS_TYPE_AGGR_TGID 5
#define TS_TYPE_MAX 6 /* TASKSTATS_TYPE_NULL: 64-bit alignment padding */
#define TS_CMD_ATTR_PID 1
#define TS_CMD_ATTR_TGID 2
#define TS_CMD_ATTR_REGISTER_CPUMASK 3
#define TS_CMD_ATTR_DEREGISTER_CPUMASK 4

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
 * calls cb with sample NULL and err = the positive errno (0 for an ack;
 * EBADMSG for a value outside the errno range).
 * A record that does not decode gives sample NULL and err EBADMSG.
 * seq is the message's nlmsg_seq. Returns the number of callbacks made, or
 * -EBADMSG when the buffer's framing is broken (callbacks made up to there). */
typedef void (*taskstats_record_cb)(void *ctx, uint32_t seq, const struct taskstats_sample *s,
                                    int err);
int taskstats_parse_messages(const void *buf, size_t len, uint16_t family_id,
                             taskstats_record_cb cb, void *ctx);

#endif
