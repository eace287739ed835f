/* intmap.h - the one integer map: a 32-bit key (a tid, a pid, a uid, a
 * socket inode) to a 32-bit value, in practice an index into its owner's
 * own storage (the task table's chunks, the thread baselines, the user
 * names, a row vector, the fd index's entries). Open addressing with
 * linear probing and Fibonacci hashing (pids and inodes are dense and
 * sequential), at most three quarters full, and backward-shift removal,
 * so there are no tombstones and a lookup stops at the first empty slot.
 * Every key is allowed; INTMAP_NONE is no value. */
#ifndef PIDTOP_INTMAP_H
#define PIDTOP_INTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INTMAP_NONE UINT32_MAX

struct intmap {
	struct intmap_slot {
		uint32_t key;
		uint32_t val; /* INTMAP_NONE: an empty slot */
	} *slots;
	size_t nslots; /* 0 or a power of two */
	size_t count;
};

void intmap_init(struct intmap *m);
void intmap_free(struct intmap *m);
/* Empties the map, keeping its slots. */
void intmap_clear(struct intmap *m);
/* key's value, or INTMAP_NONE. */
uint32_t intmap_get(const struct intmap *m, uint32_t key);
/* Sets key to val (not INTMAP_NONE), replacing any value it had. Returns
 * 0, or -1 when out of memory (the map is as it was). */
int intmap_put(struct intmap *m, uint32_t key, uint32_t val);
/* Makes room for n keys in all without growing later. 0 or -1. */
int intmap_reserve(struct intmap *m, size_t n);
/* Removes key; returns the value it had, or INTMAP_NONE. */
uint32_t intmap_remove(struct intmap *m, uint32_t key);

#endif
