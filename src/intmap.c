/* intmap.c - the one integer map, and the vector it indexes (intmap.h) */
#include "intmap.h"
#include "buf.h"

#include <stdlib.h>
#include <string.h>

#define MIN_SLOTS 16

static size_t home(uint32_t key, size_t nslots)
{
	return (size_t)(((uint64_t)key * 0x9e3779b97f4a7c15ull) >> 32) & (nslots - 1);
}

/* The slot holding key, or the empty slot where it would go. */
static struct intmap_slot *find(const struct intmap *m, uint32_t key)
{
	size_t mask = m->nslots - 1;
	for (size_t i = home(key, m->nslots);; i = (i + 1) & mask) {
		struct intmap_slot *s = &m->slots[i];
		if (s->val == INTMAP_NONE || s->key == key)
			return s;
	}
}

void intmap_init(struct intmap *m)
{
	memset(m, 0, sizeof *m);
}

void intmap_free(struct intmap *m)
{
	free(m->slots);
	intmap_init(m);
}

void intmap_clear(struct intmap *m)
{
	if (m->slots)
		memset(m->slots, 0xff, m->nslots * sizeof *m->slots);
	m->count = 0;
}

uint32_t intmap_get(const struct intmap *m, uint32_t key)
{
	return m->nslots ? find(m, key)->val : INTMAP_NONE;
}

static int resize(struct intmap *m, size_t n)
{
	if (n > SIZE_MAX / sizeof *m->slots)
		return -1;
	struct intmap old = *m;
	m->slots = malloc(n * sizeof *m->slots);
	if (!m->slots) {
		*m = old;
		return -1;
	}
	m->nslots = n;
	intmap_clear(m);
	for (size_t i = 0; i < old.nslots; i++)
		if (old.slots[i].val != INTMAP_NONE)
			*find(m, old.slots[i].key) = old.slots[i];
	m->count = old.count;
	free(old.slots);
	return 0;
}

int intmap_reserve(struct intmap *m, size_t n)
{
	size_t want = m->nslots ? m->nslots : MIN_SLOTS;
	while (n > want / 4 * 3) {
		if (want > SIZE_MAX / 2)
			return -1;
		want *= 2;
	}
	return want > m->nslots ? resize(m, want) : 0;
}

int intmap_put(struct intmap *m, uint32_t key, uint32_t val)
{
	struct intmap_slot *s = m->nslots ? find(m, key) : NULL;
	if (!s || s->val == INTMAP_NONE) {
		/* a new key: room first (a replaced value needs none); its slot
		 * moves only if the slots did */
		size_t nslots = m->nslots;
		if (intmap_reserve(m, m->count + 1) < 0)
			return -1;
		if (m->nslots != nslots)
			s = find(m, key);
		m->count++;
	}
	s->key = key;
	s->val = val;
	return 0;
}

uint32_t intmap_remove(struct intmap *m, uint32_t key)
{
	if (!m->nslots)
		return INTMAP_NONE;
	struct intmap_slot *s = find(m, key);
	uint32_t was = s->val;
	if (was == INTMAP_NONE)
		return was;
	size_t mask = m->nslots - 1, i = (size_t)(s - m->slots), j = i;
	for (;;) {
		m->slots[i].val = INTMAP_NONE;
		for (;;) {
			j = (j + 1) & mask;
			if (m->slots[j].val == INTMAP_NONE)
				goto done;
			size_t k = home(m->slots[j].key, m->nslots);
			/* slots[j] fills the hole unless its home lies cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		m->slots[i] = m->slots[j];
		i = j;
	}
done:
	m->count--;
	return was;
}

/* ---- the indexed vector ---- */

static uint32_t key_of(const struct intvec *iv, size_t i)
{
	uint32_t key;
	memcpy(&key, (const char *)intvec_at(iv, i) + iv->key_at, sizeof key);
	return key;
}

void intvec_init(struct intvec *iv, size_t size, size_t key_at)
{
	memset(iv, 0, sizeof *iv);
	intmap_init(&iv->index);
	iv->size = size;
	iv->key_at = key_at;
}

void intvec_free(struct intvec *iv)
{
	intmap_free(&iv->index);
	free(iv->v);
	iv->v = NULL;
	iv->n = iv->cap = 0;
}

void *intvec_find(const struct intvec *iv, uint32_t key)
{
	uint32_t place = intmap_get(&iv->index, key);
	return place == INTMAP_NONE ? NULL : intvec_at(iv, place);
}

void *intvec_add(struct intvec *iv, uint32_t key)
{
	if (iv->n >= INTMAP_NONE || array_reserve(&iv->v, &iv->cap, iv->n + 1, iv->size) < 0 ||
	    intmap_put(&iv->index, key, (uint32_t)iv->n) < 0)
		return NULL;
	char *e = intvec_at(iv, iv->n++);
	memset(e, 0, iv->size);
	memcpy(e + iv->key_at, &key, sizeof key);
	return e;
}

void intvec_remove_at(struct intvec *iv, size_t i)
{
	intmap_remove(&iv->index, key_of(iv, i));
	if (i != --iv->n) {
		memcpy(intvec_at(iv, i), intvec_at(iv, iv->n), iv->size);
		/* the key is there: replacing its value allocates nothing */
		intmap_put(&iv->index, key_of(iv, i), (uint32_t)i);
	}
}

size_t intvec_bytes(const struct intvec *iv)
{
	return iv->index.nslots * sizeof *iv->index.slots + iv->cap * iv->size;
}
