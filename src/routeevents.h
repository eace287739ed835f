/* routeevents.h - which process sent UDP from which port, from the kernel's
 * route look-ups (include/trace/events/fib.h fib_table_lookup, fib6.h
 * fib6_table_lookup).
 *
 * No socket tracepoint names a datagram's sender with its ports, and a
 * socket that lives for one sendto() is gone long before a capture sees the
 * datagram. But a UDP socket that is not connected looks its route up on
 * every sendto() (udp_sendmsg, udpv6_sendmsg), and a connected one once in
 * connect(), after the kernel chose its port; both in the sender's system
 * call, and the look-up carries the protocol and both ports. An output
 * look-up names the loopback device as its input (flowi iif
 * LOOPBACK_IFINDEX), which tells it from the look-ups of arriving packets.
 *
 * The local address is not in the look-up for a socket bound to none (the
 * route chooses it afterwards): the leg's saddr is then all zeros.
 */
#ifndef PIDTOP_ROUTEEVENTS_H
#define PIDTOP_ROUTEEVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

#define ROUTEEVENTS_IPV4 "fib/fib_table_lookup"
#define ROUTEEVENTS_IPV6 "fib6/fib6_table_lookup"
#define ROUTEEVENTS_OUTPUT_IIF 1 /* include/net/flow.h LOOPBACK_IFINDEX */

/* Where the fields sit in a look-up's raw record; offsets in bytes. */
struct routeevents_layout {
	int proto, iif, src, dst, sport, dport;
	int size;       /* bytes the record must hold */
	uint8_t family; /* AF_INET (fib_table_lookup) or AF_INET6 (fib6_table_lookup) */
};

/* Parses the format file of the family's event (text of len bytes).
 * Returns 0, or -1 when a needed field is missing or of another size. */
int routeevents_parse_format(const char *text, size_t len, uint8_t family,
			     struct routeevents_layout *out);

/* Decodes one raw record of len bytes into the sender's leg (local end in
 * saddr/sport, zeros for an unbound address). Returns 0, or -1 when it is
 * too short, fired in an interrupt, is not an output look-up for UDP, or
 * lacks a port (a connect() before the port is chosen). */
int routeevents_decode(const struct routeevents_layout *l, const uint8_t *raw, size_t len,
		       struct flow_key *leg);

/* The kernel filter (perf's PERF_EVENT_IOC_SET_FILTER) that passes what
 * routeevents_decode keeps, for local ports lo..hi (the ephemeral range:
 * a socket that lives for one datagram got its port from the kernel). */
void routeevents_filter(char *buf, size_t size, unsigned lo, unsigned hi);

#endif
