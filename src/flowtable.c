/* flowtable.c - open-addressing hash tables keyed by the binary flow key */
#include "flowtable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Slot layout: header, then value_size bytes of caller data. */
struct slot_hdr {
	struct flow_key key;
	uint32_t used;
	uint32_t pad;
};

#define MIN_CAP 64

_Static_assert(sizeof(struct flow_key) == 40, "flow_key must have no hidden padding");
_Static_assert(sizeof(struct slot_hdr) % 8 == 0, "slot header keeps values 8-aligned");

static uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

/* SipHash-1-3 (Aumasson & Bernstein, "SipHash: a fast short-input PRF"):
 * one compression round per word, three finalisation rounds. */
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = rotl(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = rotl(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = rotl(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = rotl(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = rotl(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = rotl(v2, 32);                                                                 \
	} while (0)

static uint64_t siphash13(const uint64_t k[2], const void *data, size_t len)
{
	uint64_t v0 = k[0] ^ 0x736f6d6570736575ULL;
	uint64_t v1 = k[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = k[0] ^ 0x6c7967656e657261ULL;
	uint64_t v3 = k[1] ^ 0x7465646279746573ULL;
	const uint8_t *p = data;
	size_t words = len / 8;
	for (size_t i = 0; i < words; i++) {
		uint64_t m;
		memcpy(&m, p + i * 8, 8);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	size_t rest = len % 8;
	for (size_t i = 0; i < rest; i++)
		b |= (uint64_t)p[words * 8 + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static void random_seed(uint64_t seed[2])
{
	if (getrandom(seed, 2 * sizeof seed[0], GRND_NONBLOCK) == (ssize_t)(2 * sizeof seed[0]))
		return;
	/* early boot without entropy: weaker, but the table still works */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)seed;
	seed[1] = (uint64_t)ts.tv_sec ^ rotl(seed[0], 29);
}

int flowtable_init(struct flowtable *ft, size_t value_size, size_t max_entries)
{
	memset(ft, 0, sizeof *ft);
	if (value_size > SIZE_MAX / 4) {
		errno = EOVERFLOW;
		return -1;
	}
	ft->value_size = value_size;
	ft->stride = (sizeof(struct slot_hdr) + value_size + 7) & ~(size_t)7;
	ft->max_entries = max_entries;
	random_seed(ft->seed);
	return 0;
}

void flowtable_free(struct flowtable *ft)
{
	free(ft->slots);
	ft->slots = NULL;
	ft->cap = ft->count = 0;
}

uint64_t flowtable_hash(const struct flowtable *ft, const struct flow_key *key)
{
	return siphash13(ft->seed, key, sizeof *key);
}

static struct slot_hdr *slot_at(const struct flowtable *ft, size_t i)
{
	return (struct slot_hdr *)(ft->slots + i * ft->stride);
}

static void *slot_value(struct slot_hdr *s)
{
	return s + 1;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t probe(const struct flowtable *ft, const struct flow_key *key, bool *found)
{
	size_t mask = ft->cap - 1;
	size_t i = (size_t)flowtable_hash(ft, key) & mask;
	for (;;) {
		struct slot_hdr *s = slot_at(ft, i);
		if (!s->used) {
			*found = false;
			return i;
		}
		if (memcmp(&s->key, key, sizeof *key) == 0) {
			*found = true;
			return i;
		}
		i = (i + 1) & mask;
	}
}

/* Moves every entry into a fresh array of ncap slots (a power of two that
 * holds them at load at most 1/2). On failure the table stays as it was. */
static int rehash(struct flowtable *ft, size_t ncap)
{
	if (ncap > SIZE_MAX / ft->stride) {
		errno = EOVERFLOW;
		return -1;
	}
	uint8_t *nslots = calloc(ncap, ft->stride);
	if (!nslots)
		return -1;
	struct flowtable old = *ft;
	ft->slots = nslots;
	ft->cap = ncap;
	for (size_t i = 0; i < old.cap; i++) {
		struct slot_hdr *s = slot_at(&old, i);
		if (!s->used)
			continue;
		bool found;
		size_t j = probe(ft, &s->key, &found);
		memcpy(slot_at(ft, j), s, ft->stride);
	}
	free(old.slots);
	return 0;
}

static int grow(struct flowtable *ft)
{
	size_t ncap = ft->cap ? ft->cap * 2 : MIN_CAP;
	if (ncap < ft->cap) {
		errno = EOVERFLOW;
		return -1;
	}
	return rehash(ft, ncap);
}

/* After a sweep: a table at most 1/8 full goes down to the smallest size
 * that holds it at most 1/4 full, so a burst does not keep its memory and
 * the next growth is two doublings away. */
static void shrink(struct flowtable *ft)
{
	if (ft->cap <= MIN_CAP || ft->count * 8 > ft->cap)
		return;
	size_t ncap = MIN_CAP;
	while (ncap < ft->count * 4)
		ncap *= 2;
	(void)rehash(ft, ncap); /* without memory the table stays as large */
}

void *flowtable_find(const struct flowtable *ft, const struct flow_key *key)
{
	if (ft->count == 0)
		return NULL;
	bool found;
	size_t i = probe(ft, key, &found);
	return found ? slot_value(slot_at(ft, i)) : NULL;
}

void *flowtable_get(struct flowtable *ft, const struct flow_key *key, bool *created)
{
	*created = false;
	bool found = false;
	size_t i = 0;
	if (ft->cap) {
		i = probe(ft, key, &found);
		if (found)
			return slot_value(slot_at(ft, i));
	}
	if (ft->count >= ft->max_entries)
		return NULL;
	/* keep the load at most 1/2 so probe chains stay short */
	if (ft->cap == 0 || (ft->count + 1) * 2 > ft->cap) {
		if (grow(ft) < 0)
			return NULL;
		i = probe(ft, key, &found);
	}
	struct slot_hdr *s = slot_at(ft, i);
	memset(s, 0, ft->stride);
	s->key = *key;
	s->used = 1;
	ft->count++;
	*created = true;
	return slot_value(s);
}

/* Backward-shift deletion (Knuth 6.4 algorithm R): pull later members of
 * the cluster into the hole when their home slot allows it. */
static void delete_at(struct flowtable *ft, size_t hole)
{
	size_t mask = ft->cap - 1;
	size_t j = hole;
	for (;;) {
		j = (j + 1) & mask;
		struct slot_hdr *s = slot_at(ft, j);
		if (!s->used)
			break;
		size_t home = (size_t)flowtable_hash(ft, &s->key) & mask;
		/* s may move to hole unless home lies cyclically in (hole, j] */
		bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
		if (stays)
			continue;
		memcpy(slot_at(ft, hole), s, ft->stride);
		hole = j;
	}
	memset(slot_at(ft, hole), 0, ft->stride);
	ft->count--;
}

bool flowtable_remove(struct flowtable *ft, const struct flow_key *key)
{
	if (ft->count == 0)
		return false;
	bool found;
	size_t i = probe(ft, key, &found);
	if (!found)
		return false;
	delete_at(ft, i);
	return true;
}

void flowtable_clear(struct flowtable *ft)
{
	if (ft->slots && ft->count)
		memset(ft->slots, 0, ft->cap * ft->stride);
	ft->count = 0;
}

void *flowtable_next(const struct flowtable *ft, size_t *pos, const struct flow_key **key)
{
	for (size_t i = *pos; i < ft->cap; i++) {
		struct slot_hdr *s = slot_at(ft, i);
		if (s->used) {
			*pos = i + 1;
			*key = &s->key;
			return slot_value(s);
		}
	}
	*pos = ft->cap;
	return NULL;
}

size_t flowtable_sweep(struct flowtable *ft,
		       bool (*keep)(const struct flow_key *key, void *value, void *ctx), void *ctx)
{
	size_t removed = 0;
	/* After a deletion the hole at i may be refilled from later in the
	 * cluster, so slot i is looked at again. An entry that wraps from the
	 * start of the array to its end can be offered to keep() twice. */
	for (size_t i = 0; i < ft->cap;) {
		struct slot_hdr *s = slot_at(ft, i);
		if (s->used && !keep(&s->key, slot_value(s), ctx)) {
			delete_at(ft, i);
			removed++;
			continue;
		}
		i++;
	}
	shrink(ft);
	return removed;
}

struct frag_id_key {
	struct flow_key key; /* ports zero */
	uint32_t id;
	uint32_t pad;
};

static size_t frag_index(const struct flowtable_fragcache *fc, const struct pkt_info *pi,
			 struct frag_id_key *k)
{
	memset(k, 0, sizeof *k);
	k->key = pi->key;
	k->key.sport = k->key.dport = 0;
	k->id = pi->frag_id;
	return (size_t)(siphash13(fc->seed, k, sizeof *k) % FLOWTABLE_FRAG_SLOTS);
}

void flowtable_frag_init(struct flowtable_fragcache *fc)
{
	memset(fc, 0, sizeof *fc);
	random_seed(fc->seed);
}

void flowtable_frag_remember(struct flowtable_fragcache *fc, const struct pkt_info *pi)
{
	struct frag_id_key k;
	struct flowtable_frag_slot *s = &fc->slot[frag_index(fc, pi, &k)];
	s->key = pi->key;
	s->id = pi->frag_id;
	s->used = true;
}

bool flowtable_frag_lookup(const struct flowtable_fragcache *fc, struct pkt_info *pi)
{
	struct frag_id_key k;
	const struct flowtable_frag_slot *s = &fc->slot[frag_index(fc, pi, &k)];
	if (!s->used || s->id != pi->frag_id)
		return false;
	struct flow_key sk = s->key;
	sk.sport = sk.dport = 0;
	if (memcmp(&sk, &k.key, sizeof sk) != 0)
		return false;
	pi->key.sport = s->key.sport;
	pi->key.dport = s->key.dport;
	return true;
}
