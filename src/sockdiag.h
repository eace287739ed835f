/* sockdiag.h - the inet replies of NETLINK_SOCK_DIAG decoded without I/O:
 * one SOCK_DIAG_BY_FAMILY message (struct inet_diag_msg and its attributes,
 * net/ipv4/inet_diag.c) and a received datagram of such messages. Pure
 * functions of their input: what sockmap.c receives, and what
 * fuzz/fuzz_sockdiag.c feeds them.
 */
#ifndef PIDTOP_SOCKDIAG_H
#define PIDTOP_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

#include "sockmap.h"

/* Parses one SOCK_DIAG_BY_FAMILY reply payload (len bytes) for protocol
 * proto; v4-mapped addresses are normalised. Returns 0, or -1 when the
 * message is too short or not an inet socket. */
int sockdiag_parse(const void *payload, size_t len, uint8_t proto, struct sockmap_sock *out);

/* Called per socket message; a message that does not parse gives a socket
 * of all zeroes (inode 0: nobody's). Returns 0 to go on, 1 to stop (the
 * answer is complete) or a negative errno. */
typedef int (*sockdiag_sock_cb)(void *ctx, const struct sockmap_sock *s);

/* Walks one received datagram of netlink messages (len bytes) answering
 * the request numbered seq; messages of other numbers are skipped (late
 * parts of something earlier). Returns 1 when the answer is complete
 * (NLMSG_DONE, an ENOENT error: a kernel without IPv6 or UDP diag, or no
 * such socket; or cb returned 1), 0 when more datagrams are due, or a
 * negative errno (an error reply, -EPROTO for a cut one, or cb's). */
int sockdiag_walk(const void *buf, size_t len, uint32_t seq, uint8_t proto, sockdiag_sock_cb cb,
                  void *ctx);

#endif
