/* flowtable.h - open-addressing hash tables keyed by the binary flow key.
 *
 * One table type serves the capture thread's per-interval counters and the
 * resolver's per-connection state: each slot holds a struct flow_key and a
 * caller-defined value of fixed size. Linear probing with backward-shift
 * deletion (no tombstones), power-of-two capacity, load factor at most 1/2,
 * and a keyed hash (SipHash-1-3 with a random key per table) so remote peers
 * cannot choose ports and addresses that collide.
 *
 * Not thread-safe: the owner serialises access. Once a table has grown to
 * its working size, neither lookups nor inserts allocate; a sweep that
 * leaves it mostly empty gives the memory back.
 */
#ifndef PIDTOP_FLOWTABLE_H
#define PIDTOP_FLOWTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pktdecode.h"

struct flowtable {
	uint8_t *slots;
	size_t cap;         /* number of slots, a power of two; 0 before the first insert */
	size_t count;       /* used slots */
	size_t value_size;  /* bytes of caller data per slot */
	size_t stride;      /* bytes per slot */
	size_t max_entries; /* inserts beyond this fail rather than grow */
	uint64_t seed[2];
};

/* Per-interval counters the capture thread keeps for each flow (src -> dst
 * as the packet travelled), split by what the link layer told us about the
 * packet's direction. A loopback packet is both sent and received here, so
 * it adds to tx and rx. */
struct flowtable_counts {
	uint64_t tx_bytes, tx_pkts;   /* leaving this host: the source socket sent it */
	uint64_t rx_bytes, rx_pkts;   /* arriving at this host: the destination socket receives it */
	uint64_t any_bytes, any_pkts; /* direction unknown (Ethernet, raw IP): decided later by local addresses */
};

/* value_size bytes of zero-initialised caller data per entry; max_entries
 * bounds memory against floods. Returns 0, or -1 (ENOMEM, EOVERFLOW). */
int flowtable_init(struct flowtable *ft, size_t value_size, size_t max_entries);
void flowtable_free(struct flowtable *ft);

uint64_t flowtable_hash(const struct flowtable *ft, const struct flow_key *key);

/* The value stored for key, or NULL. */
void *flowtable_find(const struct flowtable *ft, const struct flow_key *key);

/* The value for key, inserting a zeroed one when absent (*created tells
 * which). NULL when the table is at max_entries or growing failed. */
void *flowtable_get(struct flowtable *ft, const struct flow_key *key, bool *created);

/* Removes key; returns whether it was present. */
bool flowtable_remove(struct flowtable *ft, const struct flow_key *key);

/* Removes every entry, keeping the memory for reuse. */
void flowtable_clear(struct flowtable *ft);

/* Iteration: start with *pos = 0; returns the next value and sets *key, or
 * NULL at the end. The table must not change during the walk (use
 * flowtable_sweep to delete). */
void *flowtable_next(const struct flowtable *ft, size_t *pos, const struct flow_key **key);

/* Calls keep(key, value, ctx) for every entry and removes those for which it
 * returns false. keep may be called more than once for an entry, so it must
 * be idempotent. A table left at most 1/8 full then shrinks to at most 1/4
 * full (values move: pointers into the table are stale after a sweep, as
 * after an insert). Returns the number removed. */
size_t flowtable_sweep(struct flowtable *ft,
		       bool (*keep)(const struct flow_key *key, void *value, void *ctx), void *ctx);

static inline size_t flowtable_count(const struct flowtable *ft)
{
	return ft->count;
}

/* Fragment cache: remembers the ports of a first fragment by (family,
 * proto, src, dst, id) so later fragments of the same datagram count
 * against the same flow. Fixed size, direct-mapped, overwritten on
 * collision: a miss only means the bytes are counted as unattributed. */
#define FLOWTABLE_FRAG_SLOTS 1024
struct flowtable_frag_slot {
	struct flow_key key; /* with the ports of the first fragment */
	uint32_t id;
	bool used;
};
struct flowtable_fragcache {
	struct flowtable_frag_slot slot[FLOWTABLE_FRAG_SLOTS];
	uint64_t seed[2];
};

void flowtable_frag_init(struct flowtable_fragcache *fc);
/* For a first fragment (PKTDECODE_FLOW with fragment set). */
void flowtable_frag_remember(struct flowtable_fragcache *fc, const struct pkt_info *pi);
/* For a later fragment (PKTDECODE_FRAGMENT): fills in the ports and returns
 * true when the first fragment was seen. */
bool flowtable_frag_lookup(const struct flowtable_fragcache *fc, struct pkt_info *pi);

#endif
