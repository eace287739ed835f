/* peers.h - which process talks to a remote end.
 *
 * Remembers, for each remote end (protocol, family, address, port) a local
 * socket was found to talk to, the process that owned it and when; and
 * whether another process owned one to the same end not long before. Two
 * uses: the process to re-read first when a new socket to that end is
 * looked for (a hint, any owner will do), and the owner of a connection
 * whose socket closed before it could be looked up, which is inferred only
 * when one process alone talked to that end lately (PEERS_TRUST_NS) and no
 * other did for PEERS_AMBIGUOUS_NS.
 *
 * Legs are struct flow_key seen from the local socket: daddr/dport is the
 * remote end. Not thread-safe: the owner serialises access.
 */
#ifndef PIDTOP_PEERS_H
#define PIDTOP_PEERS_H

#include <stdint.h>

#include "flowtable.h"

#define PEERS_TRUST_NS (10000 * 1000000ULL)     /* an owner seen this recently may be inferred */
#define PEERS_AMBIGUOUS_NS (60000 * 1000000ULL) /* two owners this close: infer neither */

struct peers {
	struct flowtable ends; /* remote end -> struct peer_owner */
};

/* max_ends bounds memory; past it the table starts over. Returns 0 or -1. */
int peers_init(struct peers *p, size_t max_ends);
void peers_free(struct peers *p);

/* pid was found to own a socket on leg at now_ns. */
void peers_learn(struct peers *p, const struct flow_key *leg, int32_t pid, uint64_t now_ns);

/* The last process found talking to leg's remote end, or 0. */
int32_t peers_last_owner(const struct peers *p, const struct flow_key *leg);

/* The process that alone talked to leg's remote end lately (see above), or
 * 0 when none did or more than one did. */
int32_t peers_sole_owner(const struct peers *p, const struct flow_key *leg, uint64_t now_ns);

#endif
