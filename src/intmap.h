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

/* An indexed vector: a dense array of elements of size bytes, each holding
 * its own 32-bit key key_at bytes in, found through an intmap of key ->
 * position. Adding puts an element at the end; removing moves the last
 * one into the hole, so positions change. The thread baselines and the fd
 * index's socket inodes are kept so. */
struct intvec {
	struct intmap index;
	void *v;
	size_t n, cap;
	size_t size, key_at;
};

void intvec_init(struct intvec *iv, size_t size, size_t key_at);
/* Frees the elements and the index; the vector stays usable, empty. */
void intvec_free(struct intvec *iv);
static inline void *intvec_at(const struct intvec *iv, size_t i)
{
	return (char *)iv->v + i * iv->size;
}
/* key's element, or NULL. */
void *intvec_find(const struct intvec *iv, uint32_t key);
/* A zeroed element holding key, added at the end (key must not be there
 * yet), or NULL when out of memory. */
void *intvec_add(struct intvec *iv, uint32_t key);
void intvec_remove_at(struct intvec *iv, size_t i);
/* The memory the vector and its index hold. */
size_t intvec_bytes(const struct intvec *iv);

#endif
