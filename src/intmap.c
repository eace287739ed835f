/* intmap.c - the one integer map (intmap.h) */
#include "intmap.h"

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
