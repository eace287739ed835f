/* tcpevents.h - which process opened or closed a TCP connection, from the
 * kernel's sock:inet_sock_set_state tracepoint (include/trace/events/sock.h)
 * read through perf_event_open, one ring per CPU.
 *
 * A connection that opens, moves its data and closes within a millisecond
 * is gone before its socket can be looked up in /proc/PID/fd. The
 * tracepoint fires on every TCP state change with the task that was
 * running, and three changes are only ever made by the owner in its own
 * system call: SYN_SENT (connect(), before the local port is chosen: the
 * socket's address ties it to the next change that names the port),
 * FIN_WAIT1 (close() or shutdown() of an open connection) and LAST_ACK
 * (close() after the peer closed). Other changes happen in softirq context
 * on behalf of whatever task was interrupted, and are used only through a
 * socket address seen at SYN_SENT.
 *
 * The same rings carry the route look-ups of routeevents.h, which name the
 * sender of a UDP datagram from a socket that lived for one sendto(): the
 * kernel filters them (UDP, output look-ups, a local port in the ephemeral
 * range) and they reach the same callback. Without those events (an older
 * kernel, a refused filter) TCP goes on alone.
 *
 * Needs root (CAP_PERFMON or CAP_SYS_ADMIN) and tracefs mounted at
 * /sys/kernel/tracing or /sys/kernel/debug/tracing, for the event's id and
 * field layout. Without them tcpevents_open fails and attribution goes on
 * without it. Costs nothing while no TCP connection changes state and no
 * such datagram is sent.
 */
#ifndef PIDTOP_TCPEVENTS_H
#define PIDTOP_TCPEVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

/* Where the fields sit in the tracepoint's raw record (from its format
 * file); offsets in bytes, -1 when absent. */
struct tcpevents_layout {
	int skaddr, newstate, sport, dport, family, protocol, saddr, daddr, saddr_v6, daddr_v6;
	int size; /* bytes the record must hold */
};

/* One state change. */
struct tcpevents_change {
	uint64_t skaddr;
	int newstate;
	struct flow_key leg; /* the socket's local end in saddr/sport */
};

/* Parses the tracepoint's format file (text of len bytes). Returns 0, or -1
 * when a needed field is missing or lies beyond what a record can hold. */
int tcpevents_parse_format(const char *text, size_t len, struct tcpevents_layout *out);

/* Decodes one raw record of len bytes. Returns 0, or -1 when it is too
 * short or not TCP over IPv4/IPv6. */
int tcpevents_decode(const struct tcpevents_layout *l, const uint8_t *raw, size_t len,
		     struct tcpevents_change *out);

struct tcpevents;

/* Returns 0, or -1 with a reason (no tracefs, no permission...). */
int tcpevents_open(struct tcpevents **out, char *why, size_t whylen);
void tcpevents_close(struct tcpevents *te);

/* Drains every CPU's ring: fn(leg, pid, ctx) for each connection whose
 * owner a change or a route look-up names (a look-up's leg has an all-zero
 * saddr when the socket was bound to no address). Returns how many records
 * were read. */
size_t tcpevents_read(struct tcpevents *te,
		      void (*fn)(const struct flow_key *leg, int32_t pid, void *ctx), void *ctx);

/* Records the kernel said it lost because a ring was full. */
uint64_t tcpevents_lost(const struct tcpevents *te);

#endif
