/* taskstats.h - the kernel's taskstats generic-netlink family, through libnl-genl-3.
 *
 * The bytes are decoded by tsdecode.h (pure, no I/O). Here:
 * - a query socket: pipelined TASKSTATS_CMD_GET requests for many tids or
 *   tgids (many requests per send, replies drained with recvmmsg), matched
 *   to their ids by sequence number.
 * - an exit socket: per-CPU exit notifications (REGISTER_CPUMASK), so tasks
 *   that start and exit between two refreshes still report their totals.
 *   (tsexits.c)
 * And the kernel.task_delayacct sysctl (read, and write for --enable-delayacct).
 * The socket plumbing both objects share is in tssock.h.
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

#include "tsdecode.h"

/* The query socket. */
struct taskstats;

/* Opens a socket, resolves the family once and probes with a query for the
 * calling thread (which needs CAP_NET_ADMIN). Returns 0, or -1 with a
 * one-line reason in why: "needs CAP_NET_ADMIN (run as root or setcap
 * cap_net_admin+ep)" (in a user namespace: "needs CAP_NET_ADMIN in the
 * initial user namespace ..."), "no taskstats family in this network namespace", or
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
 * one, "exit notifications need the initial pid namespace: ...",
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
