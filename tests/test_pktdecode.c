/* test_pktdecode.c - the packet decoder on crafted frames of every link type */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/dlt.h>
#include <sys/socket.h>

#include "../src/pktdecode.h"

/* A frame under construction; big enough for every test below. */
struct frame {
	uint8_t b[512];
	size_t len;
};

static void put(struct frame *f, const void *data, size_t n)
{
	assert_true(f->len + n <= sizeof f->b);
	memcpy(f->b + f->len, data, n);
	f->len += n;
}

static void put16(struct frame *f, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	put(f, x, 2);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void put_zeros(struct frame *f, size_t n)
{
	assert_true(f->len + n <= sizeof f->b);
	memset(f->b + f->len, 0, n);
	f->len += n;
}

static void sll1(struct frame *f, uint16_t pkttype, uint16_t hatype, uint16_t proto)
{
	put16(f, pkttype);
	put16(f, hatype);
	put16(f, 6);
	put_zeros(f, 8);
	put16(f, proto);
}

static void sll2(struct frame *f, uint16_t proto, uint32_t ifindex, uint16_t hatype, uint8_t pkttype)
{
	put16(f, proto);
	put16(f, 0);
	put32(f, ifindex);
	put16(f, hatype);
	put(f, &pkttype, 1);
	uint8_t halen = 6;
	put(f, &halen, 1);
	put_zeros(f, 8);
}

static void eth(struct frame *f, uint16_t type)
{
	put_zeros(f, 12);
	put16(f, type);
}

/* IPv4 header with opt_words 32-bit words of options (NOP-filled). */
static void ipv4(struct frame *f, uint8_t proto, const char *src, const char *dst,
		 uint16_t tot_len, uint16_t id, uint16_t frag, unsigned opt_words)
{
	uint8_t h[20] = {0};
	h[0] = (uint8_t)(0x40 | (5 + opt_words));
	h[2] = (uint8_t)(tot_len >> 8);
	h[3] = (uint8_t)tot_len;
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
	h[6] = (uint8_t)(frag >> 8);
	h[7] = (uint8_t)frag;
	h[8] = 64;
	h[9] = proto;
	assert_int_equal(inet_pton(AF_INET, src, h + 12), 1);
	assert_int_equal(inet_pton(AF_INET, dst, h + 16), 1);
	put(f, h, sizeof h);
	for (unsigned i = 0; i < opt_words * 4; i++) {
		uint8_t nop = 1;
		put(f, &nop, 1);
	}
}

static void ipv6(struct frame *f, uint8_t nh, const char *src, const char *dst, uint16_t plen)
{
	uint8_t h[40] = {0};
	h[0] = 0x60;
	h[4] = (uint8_t)(plen >> 8);
	h[5] = (uint8_t)plen;
	h[6] = nh;
	h[7] = 64;
	assert_int_equal(inet_pton(AF_INET6, src, h + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, dst, h + 24), 1);
	put(f, h, sizeof h);
}

/* generic extension header of (len8+1)*8 bytes */
static void ipv6_ext(struct frame *f, uint8_t nh, uint8_t len8)
{
	put(f, &nh, 1);
	put(f, &len8, 1);
	put_zeros(f, (size_t)(len8 + 1) * 8 - 2);
}

static void ipv6_frag(struct frame *f, uint8_t nh, uint16_t offset_bytes, int more, uint32_t id)
{
	put(f, &nh, 1);
	put_zeros(f, 1);
	put16(f, (uint16_t)(offset_bytes | (more ? 1 : 0)));
	put32(f, id);
}

static void ports(struct frame *f, uint16_t sport, uint16_t dport, size_t hdr_len)
{
	put16(f, sport);
	put16(f, dport);
	put_zeros(f, hdr_len - 4);
}

/* Decodes from an exact-size heap copy so that AddressSanitizer sees any
 * read past caplen. */
static int decode(int dlt, const struct frame *f, size_t caplen, uint32_t wirelen,
		  struct pkt_info *pi)
{
	assert_true(caplen <= f->len);
	uint8_t *copy = malloc(caplen ? caplen : 1);
	assert_non_null(copy);
	memcpy(copy, f->b, caplen);
	int rc = pktdecode(dlt, copy, caplen, wirelen, pi);
	free(copy);
	return rc;
}

static void assert_addr(const uint8_t a[16], int family, const char *text)
{
	uint8_t want[16] = {0};
	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(a, want, 16);
}

static void test_sll_ipv4_tcp_outgoing_snaplen(void **state)
{
	(void)state;
	struct frame f = {0};
	sll1(&f, 4, 1, 0x0800);
	ipv4(&f, IPPROTO_TCP, "10.0.0.1", "192.168.1.7", 1500, 1, 0x4000, 0);
	ports(&f, 40000, 443, 20);
	put_zeros(&f, 200); /* payload start; the rest is beyond snaplen */
	struct pkt_info pi;
	/* snaplen 128: the IP length must come from the header, not caplen */
	assert_int_equal(decode(DLT_LINUX_SLL, &f, 128, 16 + 1500, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.family, AF_INET);
	assert_int_equal(pi.key.proto, IPPROTO_TCP);
	assert_int_equal(pi.key.sport, 40000);
	assert_int_equal(pi.key.dport, 443);
	assert_addr(pi.key.saddr, AF_INET, "10.0.0.1");
	assert_addr(pi.key.daddr, AF_INET, "192.168.1.7");
	assert_int_equal(pi.ip_len, 1500);
	assert_int_equal(pi.dir, PKTDIR_OUT);
	assert_false(pi.loopback);
	assert_false(pi.fragment);
	assert_int_equal(pi.key.pad, 0);
}

static void test_sll_loopback_directions(void **state)
{
	(void)state;
	static const struct {
		uint16_t pkttype;
		uint8_t dir;
	} cases[] = {{0, PKTDIR_IN}, {1, PKTDIR_IN}, {2, PKTDIR_IN}, {3, PKTDIR_OTHERHOST},
		     {4, PKTDIR_OUT}, {9, PKTDIR_UNKNOWN}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct frame f = {0};
		sll1(&f, cases[i].pkttype, 772, 0x0800);
		ipv4(&f, IPPROTO_UDP, "127.0.0.1", "127.0.0.1", 28 + 100, 7, 0, 0);
		ports(&f, 5000, 6000, 8);
		struct pkt_info pi;
		assert_int_equal(decode(DLT_LINUX_SLL, &f, f.len, 16 + 128, &pi), PKTDECODE_FLOW);
		assert_int_equal(pi.dir, cases[i].dir);
		assert_true(pi.loopback);
		assert_int_equal(pi.hatype, 772);
		assert_int_equal(pi.ip_len, 128);
	}
}

static void test_sll2_ipv6_udp(void **state)
{
	(void)state;
	struct frame f = {0};
	sll2(&f, 0x86dd, 3, 1, 0);
	ipv6(&f, IPPROTO_UDP, "2001:db8::1", "2001:db8::2", 8 + 1000);
	ports(&f, 53, 33333, 8);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_LINUX_SLL2, &f, f.len, 20 + 1048, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.family, AF_INET6);
	assert_int_equal(pi.key.proto, IPPROTO_UDP);
	assert_int_equal(pi.key.sport, 53);
	assert_int_equal(pi.key.dport, 33333);
	assert_addr(pi.key.saddr, AF_INET6, "2001:db8::1");
	assert_addr(pi.key.daddr, AF_INET6, "2001:db8::2");
	assert_int_equal(pi.ip_len, 1048);
	assert_int_equal(pi.ifindex, 3);
	assert_int_equal(pi.dir, PKTDIR_IN);
	assert_false(pi.loopback);
}

static void test_ethernet_vlan_qinq(void **state)
{
	(void)state;
	struct frame f = {0};
	eth(&f, 0x88a8); /* outer 802.1ad */
	put16(&f, 100);
	put16(&f, 0x8100); /* inner 802.1Q */
	put16(&f, 200);
	put16(&f, 0x0800);
	ipv4(&f, IPPROTO_UDP, "10.1.1.1", "10.1.1.2", 60, 0, 0, 0);
	ports(&f, 1234, 4321, 8);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_EN10MB, &f, f.len, (uint32_t)f.len + 32, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.sport, 1234);
	assert_int_equal(pi.key.dport, 4321);
	assert_int_equal(pi.ip_len, 60);
	assert_int_equal(pi.dir, PKTDIR_UNKNOWN);

	/* Ethernet minimum frame padding must not count: tot_len wins */
	struct frame g = {0};
	eth(&g, 0x0800);
	ipv4(&g, IPPROTO_TCP, "10.1.1.1", "10.1.1.2", 40, 0, 0, 0);
	ports(&g, 1, 2, 20);
	put_zeros(&g, 6);
	assert_int_equal(decode(DLT_EN10MB, &g, g.len, 60, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.ip_len, 40);
}

static void test_ethernet_not_ip_and_too_many_tags(void **state)
{
	(void)state;
	struct frame f = {0};
	eth(&f, 0x0806); /* ARP */
	put_zeros(&f, 28);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_EN10MB, &f, f.len, (uint32_t)f.len, &pi), PKTDECODE_NOT_IP);

	struct frame g = {0};
	eth(&g, 46); /* an 802.3 length, LLC follows */
	put_zeros(&g, 46);
	assert_int_equal(decode(DLT_EN10MB, &g, g.len, (uint32_t)g.len, &pi), PKTDECODE_NOT_IP);

	struct frame h = {0};
	eth(&h, 0x8100);
	for (int i = 0; i < 5; i++) {
		put16(&h, 1);
		put16(&h, 0x8100);
	}
	put_zeros(&h, 40);
	assert_int_equal(decode(DLT_EN10MB, &h, h.len, (uint32_t)h.len, &pi),
			 PKTDECODE_ERR_MALFORMED);
}

static void test_raw_ip_types(void **state)
{
	(void)state;
	struct frame v4 = {0};
	ipv4(&v4, IPPROTO_TCP, "1.2.3.4", "5.6.7.8", 40, 0, 0, 0);
	ports(&v4, 80, 8080, 20);
	struct frame v6 = {0};
	ipv6(&v6, IPPROTO_TCP, "::1", "::1", 20);
	ports(&v6, 22, 50000, 20);
	struct pkt_info pi;

	assert_int_equal(decode(DLT_RAW, &v4, v4.len, 40, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.family, AF_INET);
	assert_int_equal(pi.ip_len, 40);
	assert_int_equal(decode(DLT_RAW, &v6, v6.len, 60, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.family, AF_INET6);
	assert_int_equal(pi.key.sport, 22);
	assert_int_equal(pi.ip_len, 60);
	assert_int_equal(decode(DLT_IPV4, &v4, v4.len, 40, &pi), PKTDECODE_FLOW);
	assert_int_equal(decode(DLT_IPV6, &v6, v6.len, 60, &pi), PKTDECODE_FLOW);
	assert_int_equal(decode(DLT_IPV4, &v6, v6.len, 60, &pi), PKTDECODE_ERR_MALFORMED);
	assert_int_equal(decode(DLT_IPV6, &v4, v4.len, 40, &pi), PKTDECODE_ERR_MALFORMED);

	struct frame bad = {0};
	put_zeros(&bad, 40);
	bad.b[0] = 0x50;
	assert_int_equal(decode(DLT_RAW, &bad, bad.len, 40, &pi), PKTDECODE_ERR_MALFORMED);
	assert_int_equal(decode(DLT_RAW, &bad, 0, 0, &pi), PKTDECODE_ERR_TRUNCATED);
	assert_int_equal(decode(12345, &v4, v4.len, 40, &pi), PKTDECODE_ERR_LINKTYPE);
}

static void test_null_and_loop(void **state)
{
	(void)state;
	struct pkt_info pi;
	/* DLT_NULL in either byte order, AF_INET6 as FreeBSD numbers it */
	uint32_t afs[] = {2, 0x02000000, 28, 0x1c000000, 30, 24, 10};
	int fam[] = {AF_INET, AF_INET, AF_INET6, AF_INET6, AF_INET6, AF_INET6, AF_INET6};
	for (size_t i = 0; i < sizeof afs / sizeof afs[0]; i++) {
		struct frame f = {0};
		put32(&f, afs[i]);
		if (fam[i] == AF_INET) {
			ipv4(&f, IPPROTO_UDP, "127.0.0.1", "127.0.0.2", 28, 0, 0, 0);
		} else {
			ipv6(&f, IPPROTO_UDP, "::1", "::1", 8);
		}
		ports(&f, 7, 9, 8);
		assert_int_equal(decode(DLT_NULL, &f, f.len, (uint32_t)f.len, &pi), PKTDECODE_FLOW);
		assert_int_equal(pi.key.family, fam[i]);
		assert_true(pi.loopback);
	}
	struct frame l = {0};
	put32(&l, 2); /* DLT_LOOP: network order always */
	ipv4(&l, IPPROTO_TCP, "127.0.0.1", "127.0.0.1", 40, 0, 0, 0);
	ports(&l, 1, 2, 20);
	assert_int_equal(decode(DLT_LOOP, &l, l.len, (uint32_t)l.len, &pi), PKTDECODE_FLOW);
	struct frame other = {0};
	put32(&other, 7);
	put_zeros(&other, 20);
	assert_int_equal(decode(DLT_NULL, &other, other.len, 24, &pi), PKTDECODE_NOT_IP);
}

static void test_ipv4_options(void **state)
{
	(void)state;
	struct frame f = {0};
	sll1(&f, 0, 1, 0x0800);
	ipv4(&f, IPPROTO_TCP, "10.0.0.2", "10.0.0.1", 32 + 20 + 10, 0, 0, 3);
	ports(&f, 4444, 5555, 20);
	put_zeros(&f, 10);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_LINUX_SLL, &f, f.len, (uint32_t)f.len, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.sport, 4444);
	assert_int_equal(pi.key.dport, 5555);
	assert_int_equal(pi.ip_len, 62);

	/* options present but the ports beyond caplen: bytes still counted */
	assert_int_equal(decode(DLT_LINUX_SLL, &f, 16 + 32 + 2, (uint32_t)f.len, &pi),
			 PKTDECODE_NO_PORTS);
	assert_int_equal(pi.key.proto, IPPROTO_TCP);
	assert_int_equal(pi.ip_len, 62);
	assert_int_equal(pi.key.sport, 0);
}

static void test_ipv4_malformed(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct frame f = {0};
	ipv4(&f, IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 40, 0, 0, 0);
	ports(&f, 1, 2, 20);
	f.b[0] = 0x44; /* IHL 4 */
	assert_int_equal(decode(DLT_RAW, &f, f.len, 40, &pi), PKTDECODE_ERR_MALFORMED);
	f.b[0] = 0x45;
	f.b[2] = 0;
	f.b[3] = 19; /* total length below the header */
	assert_int_equal(decode(DLT_RAW, &f, f.len, 40, &pi), PKTDECODE_ERR_MALFORMED);
	f.b[3] = 22; /* room for the header but not for ports */
	assert_int_equal(decode(DLT_RAW, &f, f.len, 40, &pi), PKTDECODE_ERR_MALFORMED);
	f.b[3] = 40;
	f.b[0] = 0x4f; /* IHL 60 > total length 40 */
	assert_int_equal(decode(DLT_RAW, &f, f.len, 40, &pi), PKTDECODE_ERR_MALFORMED);
}

static void test_ip_length_zero_and_forged(void **state)
{
	(void)state;
	struct pkt_info pi;
	/* a GSO super-packet with tot_len 0: the wire length minus link header */
	struct frame f = {0};
	sll1(&f, 4, 1, 0x0800);
	ipv4(&f, IPPROTO_TCP, "10.0.0.1", "10.0.0.2", 0, 0, 0, 0);
	ports(&f, 1, 2, 20);
	assert_int_equal(decode(DLT_LINUX_SLL, &f, f.len, 16 + 90000, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.ip_len, 90000);
	/* a length field larger than what the wire carried is clamped */
	struct frame g = {0};
	sll1(&g, 0, 1, 0x0800);
	ipv4(&g, IPPROTO_UDP, "10.0.0.1", "10.0.0.2", 65535, 0, 0, 0);
	ports(&g, 1, 2, 8);
	assert_int_equal(decode(DLT_LINUX_SLL, &g, g.len, 16 + 28, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.ip_len, 28);
	/* IPv6 payload length 0 (BIG TCP drops the jumbo option): the wire length */
	struct frame h = {0};
	ipv6(&h, IPPROTO_UDP, "::1", "::2", 0);
	ports(&h, 1, 2, 8);
	assert_int_equal(decode(DLT_RAW, &h, h.len, 16 + 48, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.ip_len, 64);
}

static void test_ipv6_extension_chain(void **state)
{
	(void)state;
	struct frame f = {0};
	sll1(&f, 4, 1, 0x86dd);
	/* hop-by-hop (8) -> routing (24) -> destination options (16) -> AH (16) -> TCP */
	ipv6(&f, 0, "2001:db8::a", "2001:db8::b", 8 + 24 + 16 + 16 + 20 + 100);
	ipv6_ext(&f, 43, 0);
	ipv6_ext(&f, 60, 2);
	ipv6_ext(&f, 51, 1);
	uint8_t ah[16] = {IPPROTO_TCP, 2}; /* (2+2)*4 = 16 bytes */
	put(&f, ah, sizeof ah);
	ports(&f, 2222, 3333, 20);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_LINUX_SLL, &f, f.len, 16 + 40 + 184, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.proto, IPPROTO_TCP);
	assert_int_equal(pi.key.sport, 2222);
	assert_int_equal(pi.key.dport, 3333);
	assert_int_equal(pi.ip_len, 40 + 184);
	/* the same chain cut inside the destination options header */
	assert_int_equal(decode(DLT_LINUX_SLL, &f, 16 + 40 + 8 + 24 + 1, 16 + 224, &pi),
			 PKTDECODE_NO_PORTS);
	assert_int_equal(pi.ip_len, 224);
}

static void test_ipv6_chain_limits(void **state)
{
	(void)state;
	struct pkt_info pi;
	/* nine destination options headers: longer than the bounded walk */
	struct frame f = {0};
	ipv6(&f, 60, "::1", "::2", 9 * 8 + 8);
	for (int i = 0; i < 9; i++)
		ipv6_ext(&f, i == 8 ? IPPROTO_UDP : 60, 0);
	ports(&f, 1, 2, 8);
	assert_int_equal(decode(DLT_RAW, &f, f.len, (uint32_t)f.len, &pi), PKTDECODE_NO_PORTS);
	assert_int_equal(pi.ip_len, 40 + 80);
	/* an extension header claiming more bytes than the payload length */
	struct frame g = {0};
	ipv6(&g, 0, "::1", "::2", 16);
	ipv6_ext(&g, IPPROTO_TCP, 5);
	assert_int_equal(decode(DLT_RAW, &g, g.len, (uint32_t)g.len, &pi), PKTDECODE_ERR_MALFORMED);
	/* no next header */
	struct frame h = {0};
	ipv6(&h, 59, "::1", "::2", 0 + 8);
	put_zeros(&h, 8);
	assert_int_equal(decode(DLT_RAW, &h, h.len, (uint32_t)h.len, &pi), PKTDECODE_NO_PORTS);
	assert_int_equal(pi.key.proto, 59);
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct frame first = {0};
	sll1(&first, 0, 1, 0x0800);
	ipv4(&first, IPPROTO_UDP, "10.0.0.9", "10.0.0.1", 1500, 0xbeef, 0x2000, 0);
	ports(&first, 5353, 9999, 8);
	assert_int_equal(decode(DLT_LINUX_SLL, &first, first.len, 16 + 1500, &pi), PKTDECODE_FLOW);
	assert_true(pi.fragment);
	assert_int_equal(pi.frag_id, 0xbeef);
	assert_int_equal(pi.frag_offset, 0);
	assert_int_equal(pi.key.sport, 5353);
	assert_int_equal(pi.ip_len, 1500);

	struct frame later = {0};
	sll1(&later, 0, 1, 0x0800);
	ipv4(&later, IPPROTO_UDP, "10.0.0.9", "10.0.0.1", 520, 0xbeef, 185, 0); /* offset 1480 */
	put_zeros(&later, 60);
	assert_int_equal(decode(DLT_LINUX_SLL, &later, later.len, 16 + 520, &pi),
			 PKTDECODE_FRAGMENT);
	assert_true(pi.fragment);
	assert_int_equal(pi.frag_id, 0xbeef);
	assert_int_equal(pi.frag_offset, 1480);
	assert_int_equal(pi.key.proto, IPPROTO_UDP);
	assert_int_equal(pi.key.sport, 0);
	assert_int_equal(pi.key.dport, 0);
	assert_int_equal(pi.ip_len, 520);
	assert_addr(pi.key.saddr, AF_INET, "10.0.0.9");
}

static void test_ipv6_fragments(void **state)
{
	(void)state;
	struct pkt_info pi;
	struct frame first = {0};
	ipv6(&first, 44, "fe80::1", "fe80::2", 8 + 8 + 1000);
	ipv6_frag(&first, IPPROTO_UDP, 0, 1, 0x12345678);
	ports(&first, 4000, 5000, 8);
	assert_int_equal(decode(DLT_RAW, &first, first.len, 40 + 1016, &pi), PKTDECODE_FLOW);
	assert_true(pi.fragment);
	assert_int_equal(pi.frag_id, 0x12345678);
	assert_int_equal(pi.key.dport, 5000);

	struct frame later = {0};
	ipv6(&later, 0, "fe80::1", "fe80::2", 8 + 8 + 500);
	ipv6_ext(&later, 44, 0); /* a hop-by-hop before the fragment header */
	ipv6_frag(&later, IPPROTO_UDP, 1008, 0, 0x12345678);
	put_zeros(&later, 32);
	assert_int_equal(decode(DLT_RAW, &later, later.len, 40 + 516, &pi), PKTDECODE_FRAGMENT);
	assert_int_equal(pi.frag_offset, 1008);
	assert_int_equal(pi.frag_id, 0x12345678);
	assert_int_equal(pi.key.proto, IPPROTO_UDP);
	assert_int_equal(pi.ip_len, 556);
}

static void test_v4mapped_normalised(void **state)
{
	(void)state;
	struct frame f = {0};
	ipv6(&f, IPPROTO_TCP, "::ffff:127.0.0.1", "::ffff:10.0.0.5", 20);
	ports(&f, 1000, 2000, 20);
	struct pkt_info pi;
	assert_int_equal(decode(DLT_RAW, &f, f.len, 60, &pi), PKTDECODE_FLOW);
	assert_int_equal(pi.key.family, AF_INET);
	assert_addr(pi.key.saddr, AF_INET, "127.0.0.1");
	assert_addr(pi.key.daddr, AF_INET, "10.0.0.5");

	uint8_t fam = AF_INET6, a[16];
	assert_int_equal(inet_pton(AF_INET6, "::ffff:192.0.2.1", a), 1);
	pktdecode_normalize_addr(&fam, a);
	assert_int_equal(fam, AF_INET);
	assert_addr(a, AF_INET, "192.0.2.1");
	fam = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::ffff:1", a), 1);
	pktdecode_normalize_addr(&fam, a);
	assert_int_equal(fam, AF_INET6);
}

/* Every prefix of every frame must decode without reading past caplen
 * (ASan checks the exact-size copy) and with a sensible result. */
static void test_every_truncation(void **state)
{
	(void)state;
	struct frame frames[4];
	memset(frames, 0, sizeof frames);
	int dlts[4] = {DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_EN10MB, DLT_RAW};
	sll1(&frames[0], 0, 1, 0x0800);
	ipv4(&frames[0], IPPROTO_TCP, "1.1.1.1", "2.2.2.2", 44 + 20, 0, 0, 6);
	ports(&frames[0], 1, 2, 20);
	sll2(&frames[1], 0x86dd, 1, 1, 4);
	ipv6(&frames[1], 0, "::1", "::2", 8 + 8 + 8);
	ipv6_ext(&frames[1], 44, 0);
	ipv6_frag(&frames[1], IPPROTO_UDP, 0, 1, 5);
	ports(&frames[1], 1, 2, 8);
	eth(&frames[2], 0x8100);
	put16(&frames[2], 5);
	put16(&frames[2], 0x0800);
	ipv4(&frames[2], IPPROTO_UDP, "1.1.1.1", "2.2.2.2", 28, 0, 0, 0);
	ports(&frames[2], 1, 2, 8);
	ipv6(&frames[3], 60, "::1", "::2", 16 + 20);
	ipv6_ext(&frames[3], IPPROTO_TCP, 1);
	ports(&frames[3], 1, 2, 20);
	for (size_t i = 0; i < 4; i++) {
		struct pkt_info pi;
		uint32_t wire = (uint32_t)frames[i].len;
		assert_int_equal(decode(dlts[i], &frames[i], frames[i].len, wire, &pi),
				 PKTDECODE_FLOW);
		for (size_t cut = 0; cut < frames[i].len; cut++) {
			int rc = decode(dlts[i], &frames[i], cut, wire, &pi);
			assert_true(rc == PKTDECODE_ERR_TRUNCATED || rc == PKTDECODE_NO_PORTS ||
				    rc == PKTDECODE_FLOW);
			if (rc == PKTDECODE_NO_PORTS)
				assert_true(pi.ip_len > 0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sll_ipv4_tcp_outgoing_snaplen),
		cmocka_unit_test(test_sll_loopback_directions),
		cmocka_unit_test(test_sll2_ipv6_udp),
		cmocka_unit_test(test_ethernet_vlan_qinq),
		cmocka_unit_test(test_ethernet_not_ip_and_too_many_tags),
		cmocka_unit_test(test_raw_ip_types),
		cmocka_unit_test(test_null_and_loop),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_ip_length_zero_and_forged),
		cmocka_unit_test(test_ipv6_extension_chain),
		cmocka_unit_test(test_ipv6_chain_limits),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv6_fragments),
		cmocka_unit_test(test_v4mapped_normalised),
		cmocka_unit_test(test_every_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
