/* sockmap.h - which socket, and which process, a flow belongs to.
 *
 * Two steps. (1) Flow -> socket: a sock_diag netlink dump (NETLINK_SOCK_DIAG,
 * inet_diag_req_v2; net/ipv4/inet_diag.c) of TCP and UDP, IPv4 and IPv6,
 * gives every socket's 5-tuple, state, uid and inode; a flow is matched to
 * the best socket by a pure scoring rule that also covers UDP sockets that
 * are unconnected or bound to 0.0.0.0 / [::] (dual-stack included).
 * (2) Socket inode -> pid: an index of the "socket:[N]" links under
 * /proc/PID/fd, built incrementally: on a miss only new processes and those
 * whose fd count changed are read, and a full re-read happens at most every
 * SOCKMAP_FULL_SCAN_NS. A client that closes one connection and opens the
 * next keeps its fd count, so two cheaper steps come first: the process
 * that last owned a socket to the same remote end is re-read, then (every
 * SOCKMAP_OWNERS_SCAN_NS) every process known to hold sockets.
 *
 * Flows are passed as "legs": a struct flow_key seen from the local socket,
 * saddr/sport = local end, daddr/dport = remote end.
 */
#ifndef PIDTOP_SOCKMAP_H
#define PIDTOP_SOCKMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

/* Every /proc step (the walk that reads new processes, the re-check of the
 * known ones' fd counts, the re-read of the socket holders, the full pass)
 * is spaced by SOCKMAP_INCR_COST_FACTOR times what it cost last, so each
 * takes at most 1/20 of a CPU, and never closer than its own minimum:
 * SOCKMAP_INCR_MIN_NS for the first two, SOCKMAP_OWNERS_SCAN_NS and
 * SOCKMAP_FULL_SCAN_NS for the others. At 1,000 processes the walk costs
 * ~1 ms and the re-check ~8: kept apart, a new client (a curl run, whose
 * connection may last a millisecond) is still found while it holds its
 * socket. A process holding 20,000 sockets costs ~60 ms a read, so the
 * steps that read it space themselves out to seconds. */
#define SOCKMAP_INCR_MIN_NS (5 * 1000000ULL)
#define SOCKMAP_INCR_COST_FACTOR 20
#define SOCKMAP_OWNERS_SCAN_NS (200 * 1000000ULL) /* re-read of socket-holding processes */
#define SOCKMAP_FULL_SCAN_NS (2000 * 1000000ULL) /* at most one full fd re-read per 2 s */
#define SOCKMAP_FRESH_MAX 512   /* pids handed out since the last walk looked at one by one */
#define SOCKMAP_HINTED_READS 16 /* per call: processes re-read on a remembered peer */

struct sockmap_sock {
	uint8_t family; /* AF_INET (v4-mapped addresses normalised) or AF_INET6 */
	uint8_t proto;  /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;  /* TCP_* (include/net/tcp_states.h); UDP: 1 connected, 7 unconnected */
	bool v6only;    /* AF_INET6 socket with IPV6_V6ONLY: takes no IPv4 */
	uint16_t lport, rport;
	uint8_t laddr[16], raddr[16]; /* same layout as struct flow_key */
	uint32_t uid;
	uint32_t inode;
};

/* How well socket s fits leg: -1 when it cannot carry it, else higher is
 * better (exact remote end 4, exact local address 2, same family 1; a
 * wildcard local address or an unconnected remote end adds 0). */
int sockmap_match_score(const struct sockmap_sock *s, const struct flow_key *leg);

/* The best-scoring socket among n for leg (the first on ties), or NULL. */
const struct sockmap_sock *sockmap_match(const struct sockmap_sock *socks, size_t n,
					 const struct flow_key *leg);

/* A short name for a TCP state ("ESTABLISHED", "LISTEN"...), or for UDP
 * "CONNECTED"/"UNCONN". */
const char *sockmap_state_name(uint8_t proto, uint8_t state);

struct sockmap;

/* proc_root is the proc tree holding the PID/fd directories. Returns 0, or
 * -1 with a reason (no netlink socket, unreadable proc root). */
int sockmap_open(struct sockmap **out, const char *proc_root, char *why, size_t whylen);
void sockmap_close(struct sockmap *sm);

/* Replaces the socket list with a fresh dump of TCP and UDP over IPv4 and
 * IPv6. Returns 0 or -errno (the old list is kept on failure). */
int sockmap_dump(struct sockmap *sm);

/* The TCP socket of leg's exact addresses and ports, asked of the kernel
 * alone (no dump): the connection, or else a listener on the local end.
 * Returns 1 with *out filled when a process holds one, 0 when not (or
 * when leg is not TCP), -errno. With 0, *out still holds a socket no
 * process holds (TIME_WAIT, an orphan: inode 0) when out->family is set.
 * One round trip: for a few new connections, quicker than a dump. */
int sockmap_find_exact(struct sockmap *sm, const struct flow_key *leg, struct sockmap_sock *out);

/* The socket of the last dump that best matches leg, or NULL. */
const struct sockmap_sock *sockmap_lookup(const struct sockmap *sm, const struct flow_key *leg);

/* The sockets of the last dump (for tests and diagnostics). */
const struct sockmap_sock *sockmap_sockets(const struct sockmap *sm, size_t *n);

/* Fills pids[i] with the process holding socket inodes[i], or 0 when none
 * is known. legs (may be NULL) are the conversations the inodes were
 * matched for: they name the remote end for the re-read hint and are
 * remembered with the owner found. Misses trigger the steps above, each
 * rate-limited; now_ns is CLOCK_MONOTONIC. Returns how many were found. */
size_t sockmap_pids(struct sockmap *sm, const uint32_t *inodes, const struct flow_key *legs,
		    int32_t *pids, size_t n, uint64_t now_ns);

/* sockmap_pids in two halves, for a caller that can tell between them
 * which sockets are worth a search: _indexed fills pids from what the
 * index knows (and the re-read hint), _search runs the steps for the
 * inodes[i] still without pids[i] (0 in inodes: none wanted). */
size_t sockmap_pids_indexed(struct sockmap *sm, const uint32_t *inodes,
			    const struct flow_key *legs, int32_t *pids, size_t n, uint64_t now_ns);
size_t sockmap_pids_search(struct sockmap *sm, const uint32_t *inodes,
			   const struct flow_key *legs, int32_t *pids, size_t n, uint64_t now_ns);

/* Between the two: of the sockets still without pids[i] that are their
 * leg's own (own[i]: not a listener standing in for a connection gone),
 * those the kernel says no process holds any more (closed: no inode), or
 * for whose leg it names another socket (the listener, once a server's
 * side is gone), are no longer looked for (inodes[i] = 0):
 * no step could find their owner. A connection closed between its look-up
 * and the read of its owner's fds cost a fresh pass, a walk and a
 * re-check. TCP legs only (the others cannot be asked one by one). Returns
 * how many were dropped. */
size_t sockmap_drop_unheld(struct sockmap *sm, uint32_t *inodes, const struct flow_key *legs,
			   const bool *own, const int32_t *pids, size_t n);

/* The process last seen holding socket inode, even if it has closed it
 * since (for a socket that is gone), or 0. */
int32_t sockmap_last_holder(const struct sockmap *sm, uint32_t inode);

/* pid was named the owner of leg by other means (tcpevents.h): remembered
 * for inference as a socket found in its fds would be. */
void sockmap_learn_owner(struct sockmap *sm, const struct flow_key *leg, int32_t pid,
			 uint64_t now_ns);

/* The process that owns leg by inference, for a connection whose socket
 * closed before it could be looked up: the one process alone found talking
 * to leg's remote end lately (peers.h), if it is alive and leg's local end
 * is no server's (a listener or an unconnected UDP socket on its port).
 * 0 when there is no such process. */
int32_t sockmap_infer_owner(const struct sockmap *sm, const struct flow_key *leg, uint64_t now_ns);

/* Counters for tests and the benchmark: processes whose fds were read,
 * incremental passes, full passes, and the CLOCK_MONOTONIC time the spaced
 * steps took in all. */
struct sockmap_stats {
	uint64_t fd_dirs_read;
	uint64_t fresh_passes;   /* looks at the pids handed out since the last walk */
	uint64_t fresh_probes;   /* pids those looked at in /proc (the ones still there) */
	uint64_t incr_passes;    /* walks of the proc root for new processes */
	uint64_t recheck_passes; /* fd counts of the processes known */
	uint64_t owners_passes;
	uint64_t hinted_reads;
	uint64_t full_passes;
	uint64_t dumps;
	uint64_t steps_ns; /* the walk, re-check, holders' re-read and full passes */
	uint64_t inodes;      /* socket inodes indexed now */
	uint64_t index_bytes; /* the memory they take */
};
void sockmap_get_stats(const struct sockmap *sm, struct sockmap_stats *st);

#endif
