/* test_flowtable.c - flow key hashing, table growth, deletion, fragments; the integer
 * map; the capture's published tables by pid */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "../src/flowtable.h"
#include "../src/intmap.h"
#include "../src/netcap_priv.h"

struct val {
	uint64_t n;
	uint32_t tag;
};

static struct flow_key key_n(uint32_t n)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.family = (n & 1) ? AF_INET6 : AF_INET;
	k.proto = (n & 2) ? IPPROTO_UDP : IPPROTO_TCP;
	k.sport = (uint16_t)(1024 + n % 50000);
	k.dport = 443;
	k.saddr[0] = 10;
	k.saddr[1] = (uint8_t)(n >> 16);
	k.saddr[2] = (uint8_t)(n >> 8);
	k.saddr[3] = (uint8_t)n;
	k.daddr[0] = 192;
	k.daddr[3] = 1;
	return k;
}

static void test_hash_keyed_and_stable(void **state)
{
	(void)state;
	struct flowtable a, b;
	assert_int_equal(flowtable_init(&a, sizeof(struct val), 1000), 0);
	assert_int_equal(flowtable_init(&b, sizeof(struct val), 1000), 0);
	struct flow_key k1 = key_n(1), k2 = key_n(1);
	assert_true(flowtable_hash(&a, &k1) == flowtable_hash(&a, &k2));
	k2.dport = 444;
	assert_true(flowtable_hash(&a, &k1) != flowtable_hash(&a, &k2));
	/* each table has its own key, so peers cannot precompute collisions */
	assert_true(flowtable_hash(&a, &k1) != flowtable_hash(&b, &k1));
	/* a one-bit change anywhere in the key changes the hash */
	for (size_t byte = 0; byte < sizeof k1; byte++) {
		struct flow_key m = k1;
		((uint8_t *)&m)[byte] ^= 0x10;
		assert_true(flowtable_hash(&a, &m) != flowtable_hash(&a, &k1));
	}
	flowtable_free(&a);
	flowtable_free(&b);
}

static void test_growth_keeps_values(void **state)
{
	(void)state;
	struct flowtable ft;
	assert_int_equal(flowtable_init(&ft, sizeof(struct val), 1u << 20), 0);
	const uint32_t n = 20000;
	for (uint32_t i = 0; i < n; i++) {
		struct flow_key k = key_n(i);
		bool created;
		struct val *v = flowtable_get(&ft, &k, &created);
		assert_non_null(v);
		assert_true(created);
		assert_int_equal(v->n, 0);
		v->n = i * 3ULL;
		v->tag = i;
	}
	assert_int_equal(flowtable_count(&ft), n);
	assert_true(ft.cap >= 2 * n);
	for (uint32_t i = 0; i < n; i++) {
		struct flow_key k = key_n(i);
		struct val *v = flowtable_find(&ft, &k);
		assert_non_null(v);
		assert_int_equal(v->n, i * 3ULL);
		bool created;
		assert_ptr_equal(flowtable_get(&ft, &k, &created), v);
		assert_false(created);
	}
	struct flow_key absent = key_n(n + 5);
	assert_null(flowtable_find(&ft, &absent));

	size_t pos = 0, seen = 0;
	const struct flow_key *kp;
	uint64_t sum = 0;
	struct val *v;
	while ((v = flowtable_next(&ft, &pos, &kp))) {
		assert_int_equal(kp->sport, 1024 + v->tag % 50000);
		sum += v->tag;
		seen++;
	}
	assert_int_equal(seen, n);
	assert_true(sum == (uint64_t)n * (n - 1) / 2);

	size_t cap = ft.cap;
	flowtable_clear(&ft);
	assert_int_equal(flowtable_count(&ft), 0);
	assert_int_equal(ft.cap, cap);
	assert_null(flowtable_find(&ft, &absent));
	struct flow_key k0 = key_n(0);
	assert_null(flowtable_find(&ft, &k0));
	flowtable_free(&ft);
}

static void test_max_entries(void **state)
{
	(void)state;
	struct flowtable ft;
	assert_int_equal(flowtable_init(&ft, sizeof(struct val), 100), 0);
	bool created;
	for (uint32_t i = 0; i < 100; i++) {
		struct flow_key k = key_n(i);
		assert_non_null(flowtable_get(&ft, &k, &created));
	}
	struct flow_key extra = key_n(100);
	assert_null(flowtable_get(&ft, &extra, &created));
	assert_false(created);
	/* existing keys are still found when full */
	struct flow_key k5 = key_n(5);
	assert_non_null(flowtable_get(&ft, &k5, &created));
	flowtable_free(&ft);
}

/* Random inserts and deletes on a small table, checked against a plain
 * array: backward-shift deletion must keep every survivor reachable. */
static void test_random_ops_against_reference(void **state)
{
	(void)state;
	struct flowtable ft;
	assert_int_equal(flowtable_init(&ft, sizeof(struct val), 1000), 0);
	enum { POOL = 90 };
	bool present[POOL] = {false};
	uint64_t want[POOL] = {0};
	srand(12345);
	for (int op = 0; op < 200000; op++) {
		uint32_t i = (uint32_t)rand() % POOL;
		struct flow_key k = key_n(i);
		if (rand() % 3 == 0) {
			assert_int_equal(flowtable_remove(&ft, &k), present[i]);
			present[i] = false;
		} else {
			bool created;
			struct val *v = flowtable_get(&ft, &k, &created);
			assert_non_null(v);
			assert_int_equal(created, !present[i]);
			if (created)
				want[i] = 0;
			v->n += op;
			want[i] += op;
			present[i] = true;
		}
		if (op % 997 == 0) {
			size_t cnt = 0;
			for (uint32_t j = 0; j < POOL; j++) {
				struct flow_key kj = key_n(j);
				struct val *v = flowtable_find(&ft, &kj);
				assert_int_equal(v != NULL, present[j]);
				if (v)
					assert_true(v->n == want[j]);
				cnt += present[j];
			}
			assert_int_equal(flowtable_count(&ft), cnt);
		}
	}
	flowtable_free(&ft);
}

static bool keep_even(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	(*(size_t *)ctx)++;
	return ((struct val *)value)->tag % 2 == 0;
}

static void test_sweep(void **state)
{
	(void)state;
	struct flowtable ft;
	assert_int_equal(flowtable_init(&ft, sizeof(struct val), 100000), 0);
	for (uint32_t i = 0; i < 5000; i++) {
		struct flow_key k = key_n(i);
		bool created;
		struct val *v = flowtable_get(&ft, &k, &created);
		v->tag = i;
	}
	size_t calls = 0, cap = ft.cap;
	assert_int_equal(flowtable_sweep(&ft, keep_even, &calls), 2500);
	assert_true(calls >= 5000);
	assert_int_equal(flowtable_count(&ft), 2500);
	assert_int_equal(ft.cap, cap); /* more than 1/8 full: no shrink */
	for (uint32_t i = 0; i < 5000; i++) {
		struct flow_key k = key_n(i);
		struct val *v = flowtable_find(&ft, &k);
		if (i % 2)
			assert_null(v);
		else
			assert_true(v && v->tag == i);
	}
	flowtable_free(&ft);
}

static bool keep_below_ctx(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	return ((struct val *)value)->tag < *(uint32_t *)ctx;
}

/* A sweep that leaves the table at most 1/8 full gives the memory back (a
 * burst of short connections kept 27 MiB of rows for good) and keeps every
 * entry that stays, with its value; the table grows again after. */
static void test_sweep_shrinks(void **state)
{
	(void)state;
	struct flowtable ft;
	assert_int_equal(flowtable_init(&ft, sizeof(struct val), 100000), 0);
	for (int round = 0; round < 2; round++) {
		for (uint32_t i = 0; i < 20000; i++) {
			struct flow_key k = key_n(i);
			bool created;
			struct val *v = flowtable_get(&ft, &k, &created);
			assert_non_null(v);
			assert_int_equal(created, round == 0 || i >= 10);
			v->tag = i;
			v->n = 3 * (uint64_t)i;
		}
		assert_true(ft.cap >= 40000);
		uint32_t below = 1000; /* 1000 of 20000: 1/64 of the 65,536 slots */
		assert_int_equal(flowtable_sweep(&ft, keep_below_ctx, &below), 19000);
		assert_int_equal(ft.cap, 4096); /* 1000 at most 1/4 full */
		below = 10;
		assert_int_equal(flowtable_sweep(&ft, keep_below_ctx, &below), 990);
		assert_int_equal(ft.cap, 64);
		assert_int_equal(flowtable_count(&ft), 10);
		for (uint32_t i = 0; i < 20000; i++) {
			struct flow_key k = key_n(i);
			struct val *v = flowtable_find(&ft, &k);
			if (i < 10)
				assert_true(v && v->tag == i && v->n == 3 * (uint64_t)i);
			else
				assert_null(v);
		}
	}
	flowtable_free(&ft);
}

static void test_fragment_cache(void **state)
{
	(void)state;
	struct flowtable_fragcache *fc = malloc(sizeof *fc);
	assert_non_null(fc);
	flowtable_frag_init(fc);
	struct pkt_info first;
	memset(&first, 0, sizeof first);
	first.key = key_n(7);
	first.key.proto = IPPROTO_UDP;
	first.fragment = true;
	first.frag_id = 0xabcd;
	flowtable_frag_remember(fc, &first);

	struct pkt_info later = first;
	later.key.sport = later.key.dport = 0;
	later.frag_offset = 1480;
	assert_true(flowtable_frag_lookup(fc, &later));
	assert_int_equal(later.key.sport, first.key.sport);
	assert_int_equal(later.key.dport, first.key.dport);

	struct pkt_info other_id = later;
	other_id.key.sport = other_id.key.dport = 0;
	other_id.frag_id = 0xabce;
	assert_false(flowtable_frag_lookup(fc, &other_id));
	assert_int_equal(other_id.key.sport, 0);

	struct pkt_info other_src = later;
	other_src.key.sport = other_src.key.dport = 0;
	other_src.key.saddr[3] ^= 1;
	assert_false(flowtable_frag_lookup(fc, &other_src));
	free(fc);
}

/* ---- intmap.h, the integer map ---- */

/* Random puts, replacements and removals over a key range that collides a
 * lot (pids 1..4,000, with uid 0 and the largest keys), checked after every
 * step against a plain array; backward-shift removal must leave every
 * other key findable. */
static void test_intmap_against_reference(void **state)
{
	(void)state;
	enum { RANGE = 4096, STEPS = 200000 };
	uint32_t *want = malloc(RANGE * sizeof *want);
	assert_non_null(want);
	for (size_t i = 0; i < RANGE; i++)
		want[i] = INTMAP_NONE;
	/* keys: 0, 1..4093, UINT32_MAX - 1 and UINT32_MAX (a key may equal INTMAP_NONE) */
	uint32_t keys[RANGE];
	for (uint32_t i = 0; i < RANGE; i++)
		keys[i] = i < RANGE - 2 ? i : UINT32_MAX - (RANGE - 1 - i);
	struct intmap m;
	intmap_init(&m);
	assert_int_equal(intmap_get(&m, 5), INTMAP_NONE);
	assert_int_equal(intmap_remove(&m, 5), INTMAP_NONE);
	size_t count = 0;
	uint32_t seed = 12345;
	for (size_t step = 0; step < STEPS; step++) {
		seed = seed * 1103515245u + 12345u;
		size_t i = (seed >> 8) % (step < STEPS / 2 ? RANGE : 64);
		uint32_t op = (seed >> 24) % 3;
		if (op < 2) {
			uint32_t val = (uint32_t)step;
			assert_int_equal(intmap_put(&m, keys[i], val), 0);
			count += want[i] == INTMAP_NONE;
			want[i] = val;
		} else {
			assert_int_equal(intmap_remove(&m, keys[i]), want[i]);
			count -= want[i] != INTMAP_NONE;
			want[i] = INTMAP_NONE;
		}
		assert_int_equal(m.count, count);
		assert_true(m.count * 4 <= m.nslots * 3);
		if (step % 997 == 0)
			for (size_t k = 0; k < RANGE; k++)
				assert_int_equal(intmap_get(&m, keys[k]), want[k]);
	}
	for (size_t k = 0; k < RANGE; k++)
		assert_int_equal(intmap_get(&m, keys[k]), want[k]);
	size_t nslots = m.nslots;
	intmap_clear(&m);
	assert_int_equal(m.count, 0);
	assert_int_equal(m.nslots, nslots);
	assert_int_equal(intmap_get(&m, keys[1]), INTMAP_NONE);
	/* room made ahead: n puts without growing */
	assert_int_equal(intmap_reserve(&m, 3 * nslots), 0);
	nslots = m.nslots;
	for (uint32_t k = 1; k <= 3 * nslots / 4; k++)
		assert_int_equal(intmap_put(&m, k * 4096u, k), 0);
	assert_int_equal(m.nslots, nslots);
	intmap_free(&m);
	assert_int_equal(m.nslots, 0);
	free(want);
}

/* The indexed vector against a plain array of keys: adds, finds, and
 * removals that move the last element into the hole, keys 0 and
 * UINT32_MAX among them; every element found is the one holding its key. */
static void test_intvec(void **state)
{
	(void)state;
	struct elem {
		uint64_t payload;
		uint32_t key;
	};
	struct intvec iv;
	intvec_init(&iv, sizeof(struct elem), offsetof(struct elem, key));
	enum { N = 5000 };
	uint32_t keys[N];
	size_t n = 0;
	srand(7);
	for (int round = 0; round < 20000; round++) {
		if (n < N && (n == 0 || rand() % 3)) {
			uint32_t k = n == 0 ? 0 : n == 1 ? UINT32_MAX : (uint32_t)rand() * 2654435761u;
			if (intvec_find(&iv, k))
				continue;
			struct elem *e = intvec_add(&iv, k);
			assert_non_null(e);
			assert_int_equal(e->key, k);
			assert_int_equal(e->payload, 0);
			e->payload = (uint64_t)k * 3 + 1;
			keys[n++] = k;
		} else {
			size_t i = (size_t)rand() % iv.n;
			uint32_t gone = ((struct elem *)intvec_at(&iv, i))->key;
			intvec_remove_at(&iv, i);
			assert_null(intvec_find(&iv, gone));
			for (size_t j = 0; j < n; j++)
				if (keys[j] == gone) {
					keys[j] = keys[--n];
					break;
				}
		}
		assert_int_equal(iv.n, n);
	}
	for (size_t j = 0; j < n; j++) {
		struct elem *e = intvec_find(&iv, keys[j]);
		assert_non_null(e);
		assert_int_equal(e->key, keys[j]);
		assert_int_equal(e->payload, (uint64_t)keys[j] * 3 + 1);
	}
	assert_true(intvec_bytes(&iv) >= n * (sizeof(struct elem) + 8));
	intvec_free(&iv);
	assert_int_equal(iv.n, 0);
	assert_null(intvec_find(&iv, keys[0]));
}

/* The one search by pid, over both arrays sorted by pid: the published
 * connections (a run per pid) and the per-pid totals (where one goes). */
static void test_lower_bound_pid(void **state)
{
	(void)state;
	static const int32_t pids[] = {3, 3, 5, 9, 9, 9};
	struct netcap_conn conns[6];
	struct pid_total tot[6];
	memset(conns, 0, sizeof conns);
	memset(tot, 0, sizeof tot);
	for (size_t i = 0; i < 6; i++) {
		conns[i].pid = pids[i];
		tot[i].pid = pids[i];
	}
	static const struct {
		int32_t pid;
		size_t at, n;
	} want[] = {{1, 0, 0}, {3, 0, 2}, {4, 2, 0}, {5, 2, 1}, {9, 3, 3}, {10, 6, 0}};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		size_t n = 99;
		const struct netcap_conn *c = netcap_conns_of_pid(conns, 6, want[k].pid, &n);
		assert_int_equal(c - conns, want[k].at);
		assert_int_equal(n, want[k].n);
		assert_int_equal(netcap_pid_index(tot, 6, want[k].pid), want[k].at);
	}
	size_t n = 99;
	assert_ptr_equal(netcap_conns_of_pid(conns, 0, 3, &n), conns);
	assert_int_equal(n, 0);
}

static struct netcap_conn booked_conn(int32_t pid, uint64_t first_ns, uint64_t tx)
{
	struct netcap_conn c;
	memset(&c, 0, sizeof c);
	c.pid = pid;
	c.first_ns = first_ns;
	c.booked.tx_bytes = c.iv.tx_bytes = tx;
	c.booked.tx_pkts = c.iv.tx_pkts = 1;
	return c;
}

/* pid's interval (netcap_pid_interval) narrowed to [from, to) */
static bool within(const struct netcap *nc, int32_t pid, uint64_t from, uint64_t to,
		   struct netcap_counters *c)
{
	netcap_pid_interval(nc, pid, c);
	return netcap_pid_interval_within(nc, pid, from, to, c);
}

/* Traffic is kept by pid: pid 7's interval holds 1,000 bytes from a
 * connection its previous holder opened at 100 and 300 from one its new
 * holder (born at 200) opened at 250. Each holder gets its own connections,
 * a holder of the whole interval everything; bytes booked to the pid by a
 * row that passed to another owner go to no holder of part of it. */
static void test_pid_interval_within(void **state)
{
	(void)state;
	struct netcap nc;
	memset(&nc, 0, sizeof nc);
	struct netcap_conn conns[] = {booked_conn(7, 100, 1000), booked_conn(7, 250, 300),
				      booked_conn(7, 90, 0), booked_conn(8, 150, 5000)};
	struct pid_total tot[2];
	memset(tot, 0, sizeof tot);
	tot[0].pid = 7;
	tot[0].published.tx_bytes = 1300;
	tot[0].published.tx_pkts = 2;
	tot[1].pid = 8;
	tot[1].published.tx_bytes = 5000;
	tot[1].published.tx_pkts = 1;
	nc.pub_conns = conns;
	nc.pub_nconns = 4;
	nc.pub_pids = tot;
	nc.pub_npids = 2;
	nc.pub_since_ns = 80;
	struct netcap_counters c;
	/* the new holder: only what it opened */
	assert_true(within(&nc, 7, 200, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 300);
	/* the holder that ended when the pid passed at 200 */
	assert_true(within(&nc, 7, 50, 200, &c));
	assert_int_equal(c.tx_bytes, 1000);
	/* a holder born after every connection: nothing of it */
	assert_false(within(&nc, 7, 260, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 0);
	/* one holder all along: all of it, as netcap_pid_interval says */
	assert_true(within(&nc, 8, 10, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 5000);
	assert_true(within(&nc, 7, 10, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 1300);
	assert_false(within(&nc, 9, 10, UINT64_MAX, &c));
	/* 200 more booked to pid 8 by a row now another's: its whole-interval
	 * holder keeps them, one born within the interval does not */
	tot[1].published.tx_bytes = 5200;
	assert_true(within(&nc, 8, 10, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 5200);
	assert_true(within(&nc, 8, 120, UINT64_MAX, &c));
	assert_int_equal(c.tx_bytes, 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_keyed_and_stable),
		cmocka_unit_test(test_growth_keeps_values),
		cmocka_unit_test(test_max_entries),
		cmocka_unit_test(test_random_ops_against_reference),
		cmocka_unit_test(test_sweep),
		cmocka_unit_test(test_sweep_shrinks),
		cmocka_unit_test(test_fragment_cache),
		cmocka_unit_test(test_intmap_against_reference),
		cmocka_unit_test(test_intvec),
		cmocka_unit_test(test_lower_bound_pid),
		cmocka_unit_test(test_pid_interval_within),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
