/* tsexits.c - the taskstats exit-notification socket: a listener
 * registered on every online CPU (TASKSTATS_CMD_ATTR_REGISTER_CPUMASK).
 * See taskstats.h.
 *
 * Kernel sources this follows: kernel/taskstats.c (add_del_listener,
 * send_cpu_listeners, taskstats_exit).
 */
#include "taskstats.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "tssock.h"

/* ---- exit notifications ------------------------------------------------- */

#define TS_EXITS_RCVBUF (4u << 20) /* asked for; the kernel doubles it */
#define TS_EXITS_SLOTS 64u

struct taskstats_exits {
	struct nl_sock *sk;
	int fd;
	uint16_t family;
	uint32_t seq;
	char *cpumask;
	struct ts_rx rx;
	size_t drain_cap; /* messages per drain call, so a flood cannot hold us */
	uint64_t records, overruns, truncated;
	taskstats_exit_cb cb;
	void *ctx;
};

/* The CPU list the listener registers on, in the kernel's cpulist format
 * ("0-1", "0,2-5"): the online CPUs. A CPU brought online later is not
 * covered until the socket is opened again. */
static char *exits_cpumask(void)
{
	char *s = NULL;
	size_t i, n;
	long cpus;

	if (ts_read_text("/sys/devices/system/cpu/online", &s) == 0) {
		n = strcspn(s, "\n");
		s[n] = '\0';
		for (i = 0; i < n; i++)
			if (!strchr("0123456789,-", s[i]))
				break;
		if (n > 0 && i == n)
			return s;
		free(s);
	}
	cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (cpus < 1)
		cpus = 1;
	if (asprintf(&s, "0-%ld", cpus - 1) < 0)
		return NULL;
	return s;
}

/* Sends a command whose attribute is the cpumask string. */
static int exits_command(struct taskstats_exits *ex, int attr, int nlflags, uint32_t seq)
{
	struct ts_template t = {0};
	int rc;

	rc = ts_template_build(&t, ex->family, attr, ex->cpumask, strlen(ex->cpumask) + 1, nlflags);
	if (rc < 0)
		return rc;
	ts_msg_set_seq(t.bytes, seq);
	rc = ts_send_all(ex->fd, t.bytes, t.len);
	free(t.bytes);
	return rc;
}

static void ack_cb(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct ts_probe_result *p = ctx;

	if (s || seq != p->seq || p->answered)
		return;
	p->answered = true;
	p->err = err;
}

/* Registers the listener and waits for the kernel's ack. Exit records that
 * arrive before the ack are dropped: they belong to the instant of opening. */
static int exits_register(struct taskstats_exits *ex)
{
	struct ts_probe_result ack = {.seq = ex->seq++};
	struct pollfd pfd = {.fd = ex->fd, .events = POLLIN};
	int rc, i;

	rc = exits_command(ex, TS_CMD_ATTR_REGISTER_CPUMASK, NLM_F_REQUEST | NLM_F_ACK, ack.seq);
	if (rc < 0)
		return -rc;
	while (!ack.answered) {
		rc = ts_rx_recv(ex->fd, &ex->rx, ex->rx.nslots);
		if (rc == -ENOBUFS)
			continue;
		if (rc < 0)
			return -rc;
		if (rc == 0) {
			/* the ack is queued inside send(); wait a little anyway */
			if (poll(&pfd, 1, 1000) <= 0)
				return ETIMEDOUT;
			continue;
		}
		for (i = 0; i < rc; i++)
			if (!(ex->rx.msgs[i].msg_hdr.msg_flags & MSG_TRUNC))
				(void)taskstats_parse_messages(ex->rx.iov[i].iov_base,
				                               ex->rx.msgs[i].msg_len, ex->family,
				                               ack_cb, &ack);
	}
	return ack.err;
}

struct delivery_check {
	int32_t tid;
	bool seen;
};

static void *delivery_thread(void *arg)
{
	struct delivery_check *c = arg;

	c->tid = (int32_t)gettid();
	return NULL;
}

static void delivery_record(void *ctx, const struct taskstats_sample *s)
{
	struct delivery_check *c = ctx;

	if (s->scope == TASKSTATS_SCOPE_TASK && s->id == c->tid)
		c->seen = true;
}

/* Registration succeeds in any network namespace, but the kernel sends
 * the records to our port in the initial one (kernel/taskstats.c
 * send_cpu_listeners: genlmsg_unicast(&init_net, ...)): elsewhere nothing
 * arrives. So let a thread exit and wait for its record. Its exit record
 * is queued before pthread_join returns (do_exit calls taskstats_exit
 * before exit_mm wakes the joiner); records of other tasks read meanwhile
 * are dropped, like those before registration. Returns 0 or an errno. */
static int exits_check_delivery(struct taskstats_exits *ex)
{
	struct delivery_check c = {0};
	struct pollfd pfd = {.fd = ex->fd, .events = POLLIN};
	pthread_t t;
	int waited_ms = 0, rc;

	rc = pthread_create(&t, NULL, delivery_thread, &c);
	if (rc)
		return rc;
	pthread_join(t, NULL);
	for (;;) {
		rc = taskstats_exits_drain(ex, delivery_record, &c);
		if (rc < 0)
			return -rc;
		if (c.seen)
			break;
		if (waited_ms >= 500)
			return EHOSTUNREACH;
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			return errno;
		waited_ms += 50;
	}
	ex->records = 0;
	return 0;
}

int taskstats_exits_open(struct taskstats_exits **out, char *why, size_t whylen)
{
	struct taskstats_exits *ex = calloc(1, sizeof(*ex));
	size_t msglen = 0;
	int err;

	*out = NULL;
	if (!ex) {
		ts_set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (ts_open_probed(&ex->sk, &ex->family, &ex->fd, TS_EXITS_RCVBUF, &msglen, why, whylen) <
	    0) {
		free(ex);
		return -1;
	}
	ex->seq = 2;
	ex->cpumask = exits_cpumask();
	/* an exit message carries up to two records (thread, then process) */
	if (!ex->cpumask || ts_rx_alloc(&ex->rx, TS_EXITS_SLOTS, ts_slot_for(2 * msglen)) < 0) {
		ts_set_reason(why, whylen, "%s", strerror(ENOMEM));
		goto fail_noreg;
	}
	ex->drain_cap = ts_rcvbuf(ex->fd) / (msglen ? msglen : 1) + TS_EXITS_SLOTS;
	err = exits_register(ex);
	if (err) {
		/* The probe proved CAP_NET_ADMIN: here EINVAL (EPERM on older
		 * kernels) means a pid or user namespace other than the initial
		 * one (kernel/taskstats.c add_del_listener); our CPU mask is of
		 * online CPUs, so it is not the mask. */
		if (err == EINVAL || err == EPERM || err == EACCES)
			ts_set_reason(
			    why, whylen,
			    "exit notifications need the initial pid namespace: tasks that "
			    "start and end between two refreshes are not seen");
		else
			ts_set_reason(why, whylen, "exit notifications: %s", strerror(err));
		/* the kernel registers CPU by CPU: undo a partial success */
		taskstats_exits_close(ex);
		return -1;
	}
	err = exits_check_delivery(ex);
	if (err) {
		if (err == EHOSTUNREACH)
			ts_set_reason(why, whylen,
			              "exit notifications are not delivered in this "
			              "network namespace (only in the initial one)");
		else
			ts_set_reason(why, whylen, "exit notifications: %s", strerror(err));
		taskstats_exits_close(ex);
		return -1;
	}
	/* Non-blocking for the caller's poll loop; we pass MSG_DONTWAIT anyway. */
	(void)nl_socket_set_nonblocking(ex->sk);
	*out = ex;
	return 0;
fail_noreg:
	free(ex->cpumask);
	ts_rx_free(&ex->rx);
	nl_socket_free(ex->sk);
	free(ex);
	return -1;
}

void taskstats_exits_close(struct taskstats_exits *ex)
{
	if (!ex)
		return;
	/* Without this the kernel drops the listener only when a send to the
	 * closed socket fails (kernel/taskstats.c send_cpu_listeners). */
	if (ex->cpumask)
		(void)exits_command(ex, TS_CMD_ATTR_DEREGISTER_CPUMASK, NLM_F_REQUEST, ex->seq++);
	free(ex->cpumask);
	ts_rx_free(&ex->rx);
	nl_socket_free(ex->sk);
	free(ex);
}

int taskstats_exits_fd(const struct taskstats_exits *ex)
{
	return ex->fd;
}

static void exit_record(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct taskstats_exits *ex = ctx;

	(void)seq;
	(void)err; /* an error message here answers nothing we wait for */
	if (!s)
		return;
	ex->records++;
	ex->cb(ex->ctx, s);
}

int taskstats_exits_drain(struct taskstats_exits *ex, taskstats_exit_cb cb, void *ctx)
{
	uint64_t before = ex->records;
	size_t got = 0;
	bool grow = false;
	int rc, i;

	ex->cb = cb;
	ex->ctx = ctx;
	while (got < ex->drain_cap) {
		rc = ts_rx_recv(ex->fd, &ex->rx, ex->rx.nslots);
		if (rc == -ENOBUFS) {
			ex->overruns++;
			got++;
			continue;
		}
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		for (i = 0; i < rc; i++) {
			if (ex->rx.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				ex->truncated++;
				grow = true;
				continue;
			}
			(void)taskstats_parse_messages(ex->rx.iov[i].iov_base,
			                               ex->rx.msgs[i].msg_len, ex->family,
			                               exit_record, ex);
		}
		got += (size_t)rc;
	}
	if (grow)
		ts_rx_grow(&ex->rx);
	return (int)(ex->records - before);
}

void taskstats_exits_get_stats(struct taskstats_exits *ex, struct taskstats_exits_stats *out)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	memset(out, 0, sizeof(*out));
	out->records = ex->records;
	out->overruns = ex->overruns;
	out->truncated = ex->truncated;
	/* sk_drops counts every message the kernel could not queue to us
	 * (net/netlink/af_netlink.c netlink_overrun); SO_MEMINFO, Linux 4.12. */
	if (getsockopt(ex->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len >= (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) {
		out->dropped = mem[SK_MEMINFO_DROPS];
		out->has_dropped = true;
	}
}
