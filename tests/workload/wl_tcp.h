/* wl_tcp.h - the TCP helper the network workloads share (netburst,
 * netpair, netpattern): static inline, as in wl_common.h. */
#ifndef PIDTOP_WL_TCP_H
#define PIDTOP_WL_TCP_H

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "wl_common.h"

#define WL_TCP_STATE_CLOSE 7 /* TCP_CLOSE in include/net/tcp_states.h */

/* Waits (at most 200 ms, polling every poll_s) until the close handshake is
 * over: the socket is in TCP_CLOSE once its FIN was acknowledged and the
 * peer's FIN answered, so TCP_INFO then holds every segment of the
 * connection. */
static inline void wl_tcp_wait_closed(int s, double poll_s)
{
	double limit = wl_clock_seconds(CLOCK_MONOTONIC) + 0.2;

	for (;;) {
		struct tcp_info ti;
		socklen_t len = sizeof ti;

		if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0 ||
		    ti.tcpi_state == WL_TCP_STATE_CLOSE || wl_clock_seconds(CLOCK_MONOTONIC) > limit)
			return;
		wl_sleep_seconds(poll_s);
	}
}

#endif
