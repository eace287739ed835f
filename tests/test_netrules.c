/* test_netrules.c - the remote-end owner rules (src/peers.c) that infer the
 * process of a connection seen only after it closed, the tracepoint layout
 * and records of src/tcpevents.c and src/routeevents.c, and the capture's devices and filter
 * (src/capfilter.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include "../src/capfilter.h"
#include "../src/peers.h"
#include "../src/routeevents.h"
#include "../src/tcpevents.h"

#define S 1000000000ULL

static struct flow_key leg(uint16_t sport, const char *daddr, uint16_t dport)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.family = AF_INET;
	k.proto = IPPROTO_TCP;
	k.sport = sport;
	k.dport = dport;
	inet_pton(AF_INET, "127.0.0.1", k.saddr);
	inet_pton(AF_INET, daddr, k.daddr);
	return k;
}

/* One process talking to an end is its sole owner while it keeps being
 * seen; another local port to the same end is covered, another end not. */
static void test_sole_owner(void **state)
{
	(void)state;
	struct peers p;
	assert_int_equal(peers_init(&p, 64), 0);
	struct flow_key a = leg(40000, "10.0.0.1", 443), b = leg(40001, "10.0.0.1", 443);
	struct flow_key other = leg(40002, "10.0.0.1", 80);
	assert_int_equal(peers_sole_owner(&p, &a, 1 * S), 0);
	peers_learn(&p, &a, 100, 1 * S);
	assert_int_equal(peers_last_owner(&p, &b), 100);
	assert_int_equal(peers_sole_owner(&p, &b, 2 * S), 100);
	assert_int_equal(peers_sole_owner(&p, &other, 2 * S), 0);
	/* not seen for longer than PEERS_TRUST_NS: no longer trusted */
	assert_int_equal(peers_sole_owner(&p, &b, 1 * S + PEERS_TRUST_NS + 1), 0);
	peers_free(&p);
}

/* Two processes talking to the same end (a DNS server): neither is
 * inferred until the other has not taken it over for PEERS_AMBIGUOUS_NS. */
static void test_ambiguous(void **state)
{
	(void)state;
	struct peers p;
	assert_int_equal(peers_init(&p, 64), 0);
	struct flow_key a = leg(40000, "10.0.0.53", 53);
	peers_learn(&p, &a, 100, 1 * S);
	peers_learn(&p, &a, 200, 2 * S);
	assert_int_equal(peers_last_owner(&p, &a), 200);
	assert_int_equal(peers_sole_owner(&p, &a, 3 * S), 0);
	uint64_t later = 2 * S + PEERS_AMBIGUOUS_NS + 1;
	peers_learn(&p, &a, 200, later);
	assert_int_equal(peers_sole_owner(&p, &a, later + 1), 200);
	peers_free(&p);
}

/* A full table starts over rather than growing. */
static void test_bounded(void **state)
{
	(void)state;
	struct peers p;
	assert_int_equal(peers_init(&p, 4), 0);
	for (uint16_t port = 1; port <= 20; port++) {
		struct flow_key k = leg(40000, "10.0.0.1", port);
		peers_learn(&p, &k, port, 1 * S);
		assert_int_equal(peers_last_owner(&p, &k), port);
	}
	assert_true(p.ends.count <= 4);
	peers_free(&p);
}

static void test_capfilter(void **state)
{
	(void)state;
	struct capfilter cf;
	char why[128];
	assert_int_equal(capfilter_init(&cf, NULL, NULL, why, sizeof why), 0);
	assert_string_equal(cf.dev, "any");
	assert_string_equal(cf.label, "");
	char *e = capfilter_expr(&cf, "tcp");
	assert_string_equal(e, "(tcp)");
	free(e);
	capfilter_free(&cf);

	assert_int_equal(capfilter_init(&cf, "lo", "port 80", why, sizeof why), 0);
	assert_string_equal(cf.dev, "lo");
	assert_null(cf.ifexpr);
	assert_string_equal(cf.label, "on lo, filter \"port 80\"");
	e = capfilter_expr(&cf, "tcp or udp");
	assert_string_equal(e, "(tcp or udp) and (port 80)");
	free(e);
	capfilter_free(&cf);

	/* a list opens "any" and keeps the listed interfaces by index */
	assert_int_equal(capfilter_init(&cf, "lo,lo", NULL, why, sizeof why), 0);
	assert_string_equal(cf.dev, "any");
	char want[64];
	snprintf(want, sizeof want, "ifindex %u or ifindex %u", if_nametoindex("lo"),
		 if_nametoindex("lo"));
	assert_string_equal(cf.ifexpr, want);
	assert_string_equal(cf.label, "on lo,lo");
	capfilter_free(&cf);

	assert_int_equal(capfilter_init(&cf, "lo,nosuchdev0", NULL, why, sizeof why), -1);
	assert_string_equal(why, "no such capture device 'nosuchdev0'");
	assert_int_equal(capfilter_init(&cf, "lo,", NULL, why, sizeof why), -1);
	assert_string_equal(why, "invalid capture device ''");
}

static size_t read_fixture(const char *name, char *buf, size_t size)
{
	char path[512];
	const char *dir = getenv("TESTS_SRCDIR");
	snprintf(path, sizeof path, "%s/fixtures/tcpevents/%s", dir ? dir : "tests", name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, size, f);
	fclose(f);
	return n;
}

/* A real format file (Linux 6.18) parses to the kernel's layout; a record
 * of it decodes to the connection's local and remote ends. */
static void test_tcpevents_layout(void **state)
{
	(void)state;
	char text[8192];
	size_t n = read_fixture("inet_sock_set_state.format", text, sizeof text);
	struct tcpevents_layout l;
	assert_int_equal(tcpevents_parse_format(text, n, &l), 0);
	assert_int_equal(l.skaddr, 8);
	assert_int_equal(l.newstate, 20);
	assert_int_equal(l.sport, 24);
	assert_int_equal(l.daddr_v6, 56);
	assert_int_equal(l.size, 72);
	/* a field missing, or of another size: refused */
	char cut[8192];
	memcpy(cut, text, n);
	char *f = strstr(cut, "newstate");
	assert_non_null(f);
	f[0] = 'X';
	assert_int_equal(tcpevents_parse_format(cut, n, &l), -1);

	assert_int_equal(tcpevents_parse_format(text, n, &l), 0);
	uint8_t raw[72] = {0};
	uint64_t sk = 0x1234;
	int32_t st = 4;
	uint16_t sport = 40000, dport = 443, fam = AF_INET, proto = IPPROTO_TCP;
	memcpy(raw + 8, &sk, 8);
	memcpy(raw + 20, &st, 4);
	memcpy(raw + 24, &sport, 2);
	memcpy(raw + 26, &dport, 2);
	memcpy(raw + 28, &fam, 2);
	memcpy(raw + 30, &proto, 2);
	inet_pton(AF_INET, "10.0.0.2", raw + 32);
	inet_pton(AF_INET, "10.0.0.1", raw + 36);
	struct tcpevents_change c;
	assert_int_equal(tcpevents_decode(&l, raw, sizeof raw, &c), 0);
	assert_int_equal(c.newstate, 4);
	assert_true(c.skaddr == 0x1234);
	struct flow_key want = leg(40000, "10.0.0.1", 443);
	inet_pton(AF_INET, "10.0.0.2", want.saddr);
	assert_memory_equal(&c.leg, &want, sizeof want);
	assert_int_equal(tcpevents_decode(&l, raw, sizeof raw - 1, &c), -1);
	/* a dual-stack socket's v4-mapped ends read as IPv4 */
	fam = AF_INET6;
	memcpy(raw + 28, &fam, 2);
	inet_pton(AF_INET6, "::ffff:10.0.0.2", raw + 40);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", raw + 56);
	assert_int_equal(tcpevents_decode(&l, raw, sizeof raw, &c), 0);
	assert_memory_equal(&c.leg, &want, sizeof want);
	proto = IPPROTO_UDP; /* not TCP (MPTCP, SCTP): refused */
	memcpy(raw + 30, &proto, 2);
	assert_int_equal(tcpevents_decode(&l, raw, sizeof raw, &c), -1);
}

/* The route look-ups' format files (Linux 6.18) parse to the kernel's
 * layouts; an output look-up for UDP made in a system call decodes to the
 * sender's leg, anything else is refused. */
static void test_routeevents(void **state)
{
	(void)state;
	char text[8192];
	size_t n = read_fixture("fib_table_lookup.format", text, sizeof text);
	struct routeevents_layout l;
	assert_int_equal(routeevents_parse_format(text, n, AF_INET, &l), 0);
	assert_int_equal(l.iif, 20);
	assert_int_equal(l.proto, 24);
	assert_int_equal(l.src, 28);
	assert_int_equal(l.sport, 56);
	assert_int_equal(l.size, 60);
	assert_int_equal(routeevents_parse_format(text, n, AF_INET6, &l), -1); /* 4-byte addresses */
	assert_int_equal(routeevents_parse_format(text, n, AF_INET, &l), 0);

	uint8_t raw[76] = {0};
	int32_t iif = 1;
	uint16_t sport = 40000, dport = 53;
	memcpy(raw + 20, &iif, 4);
	raw[24] = IPPROTO_UDP;
	inet_pton(AF_INET, "10.0.0.1", raw + 32);
	memcpy(raw + 56, &sport, 2);
	memcpy(raw + 58, &dport, 2);
	struct flow_key got, want = leg(40000, "10.0.0.1", 53);
	want.proto = IPPROTO_UDP;
	memset(want.saddr, 0, sizeof want.saddr); /* unbound: the route picks it later */
	assert_int_equal(routeevents_decode(&l, raw, sizeof raw, &got), 0);
	assert_memory_equal(&got, &want, sizeof want);
	assert_int_equal(routeevents_decode(&l, raw, 59, &got), -1);
	raw[2] = 0x10; /* in a softirq: whoever was interrupted is not the sender */
	assert_int_equal(routeevents_decode(&l, raw, sizeof raw, &got), -1);
	raw[2] = 0;
	iif = 2; /* an arriving packet's look-up */
	memcpy(raw + 20, &iif, 4);
	assert_int_equal(routeevents_decode(&l, raw, sizeof raw, &got), -1);
	iif = 1;
	memcpy(raw + 20, &iif, 4);
	raw[24] = IPPROTO_TCP;
	assert_int_equal(routeevents_decode(&l, raw, sizeof raw, &got), -1);
	raw[24] = IPPROTO_UDP;
	memset(raw + 56, 0, 2); /* connect() before the port was chosen */
	assert_int_equal(routeevents_decode(&l, raw, sizeof raw, &got), -1);

	/* IPv6, a dual-stack socket sending to IPv4: the leg is IPv4 */
	n = read_fixture("fib6_table_lookup.format", text, sizeof text);
	assert_int_equal(routeevents_parse_format(text, n, AF_INET6, &l), 0);
	assert_int_equal(l.src, 31);
	assert_int_equal(l.proto, 68);
	uint8_t raw6[102] = {0};
	memcpy(raw6 + l.iif, &iif, 4);
	raw6[l.proto] = IPPROTO_UDP;
	memcpy(raw6 + l.sport, &sport, 2);
	memcpy(raw6 + l.dport, &dport, 2);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", raw6 + l.dst);
	assert_int_equal(routeevents_decode(&l, raw6, sizeof raw6, &got), 0);
	assert_memory_equal(&got, &want, sizeof want);
	inet_pton(AF_INET6, "fd00::1", raw6 + l.dst);
	assert_int_equal(routeevents_decode(&l, raw6, sizeof raw6, &got), 0);
	assert_int_equal(got.family, AF_INET6);

	char filter[128];
	routeevents_filter(filter, sizeof filter, 32768, 60999);
	assert_string_equal(filter, "proto == 17 && iif == 1 && sport >= 32768 && sport <= 60999");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sole_owner),
		cmocka_unit_test(test_ambiguous),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_capfilter),
		cmocka_unit_test(test_tcpevents_layout),
		cmocka_unit_test(test_routeevents),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
