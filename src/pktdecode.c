/* pktdecode.c - pure decoder of captured link/IP/TCP/UDP headers.
 *
 * Layouts: Linux cooked v1/v2 from libpcap's pcap/sll.h and
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL{,2}.html; IPv4 from
 * RFC 791, IPv6 and its extension headers from RFC 8200 (section 4), AH from
 * RFC 4302 (its length is in 4-octet units, minus 2). */
#include "pktdecode.h"

#include <netinet/in.h>
#include <pcap/dlt.h>
#include <string.h>
#include <sys/socket.h>

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20
#define ETH_HDR_LEN 14
#define VLAN_TAG_LEN 4
#define VLAN_MAX_TAGS 4 /* QinQ is 2; more than 4 stacked tags is not traffic */
#define IPV6_MAX_EXT 8  /* bounded walk: real chains carry 1-3 headers */

/* Linux packet types, include/uapi/linux/if_packet.h */
#define SLL_HOST 0
#define SLL_BROADCAST 1
#define SLL_MULTICAST 2
#define SLL_OTHERHOST 3
#define SLL_OUTGOING 4
/* include/uapi/linux/if_arp.h */
#define HATYPE_LOOPBACK 772

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_MIN 0x0600 /* below: an 802.3 length field */

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static bool is_v4mapped(const uint8_t a[16])
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, prefix, sizeof prefix) == 0;
}

static void v4mapped_to_v4(uint8_t a[16])
{
	memmove(a, a + 12, 4);
	memset(a + 4, 0, 12);
}

void pktdecode_normalize_addr(uint8_t *family, uint8_t addr[16])
{
	if (*family != AF_INET6 || !is_v4mapped(addr))
		return;
	v4mapped_to_v4(addr);
	*family = AF_INET;
}

const char *pktdecode_result_name(int result)
{
	switch (result) {
	case PKTDECODE_FLOW:
		return "flow";
	case PKTDECODE_FRAGMENT:
		return "fragment";
	case PKTDECODE_NO_PORTS:
		return "no ports";
	case PKTDECODE_NOT_IP:
		return "not IP";
	case PKTDECODE_ERR_TRUNCATED:
		return "truncated";
	case PKTDECODE_ERR_MALFORMED:
		return "malformed";
	case PKTDECODE_ERR_LINKTYPE:
		return "unsupported link type";
	default:
		return "?";
	}
}

/* What the IP layer decoders need besides the bytes. */
struct ip_ctx {
	const uint8_t *p; /* start of the IP header */
	size_t caplen;    /* captured bytes from p on */
	size_t wire_left; /* bytes on the wire from p on, 0 when unknown */
};

/* The IP length to count: the header's own figure, or the wire's when the
 * header says 0 (a GSO super-packet); never more than the wire carried, so a
 * forged length field cannot inflate the counts. */
static int ip_length(const struct ip_ctx *c, uint32_t from_header, uint32_t min, uint32_t *out)
{
	uint32_t len = from_header;
	if (len == 0) {
		if (c->wire_left == 0 || c->wire_left > UINT32_MAX)
			return PKTDECODE_ERR_MALFORMED;
		len = (uint32_t)c->wire_left;
	} else if (c->wire_left != 0 && len > c->wire_left) {
		len = (uint32_t)c->wire_left;
	}
	if (len < min)
		return PKTDECODE_ERR_MALFORMED;
	*out = len;
	return 0;
}

static int decode_ports(const struct ip_ctx *c, size_t off, struct pkt_info *out)
{
	if (out->key.proto != IPPROTO_TCP && out->key.proto != IPPROTO_UDP)
		return PKTDECODE_NO_PORTS;
	/* both TCP and UDP start with the source and destination ports */
	if (off > out->ip_len || out->ip_len - off < 4)
		return PKTDECODE_ERR_MALFORMED;
	if (off > c->caplen || c->caplen - off < 4)
		return PKTDECODE_NO_PORTS;
	out->key.sport = be16(c->p + off);
	out->key.dport = be16(c->p + off + 2);
	return PKTDECODE_FLOW;
}

static int decode_ipv4(const struct ip_ctx *c, struct pkt_info *out)
{
	const uint8_t *p = c->p;
	if (c->caplen < 20)
		return PKTDECODE_ERR_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return PKTDECODE_ERR_MALFORMED;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return PKTDECODE_ERR_MALFORMED;
	int rc = ip_length(c, be16(p + 2), (uint32_t)ihl, &out->ip_len);
	if (rc)
		return rc;
	out->key.family = AF_INET;
	out->key.proto = p[9];
	memcpy(out->key.saddr, p + 12, 4);
	memcpy(out->key.daddr, p + 16, 4);

	uint16_t frag = be16(p + 6);
	uint32_t frag_off = (uint32_t)(frag & 0x1fff) * 8;
	bool more = (frag & 0x2000) != 0;
	if (more || frag_off != 0) {
		out->fragment = true;
		out->frag_id = be16(p + 4);
		out->frag_offset = frag_off;
		if (frag_off != 0)
			return PKTDECODE_FRAGMENT;
	}
	return decode_ports(c, ihl, out);
}

static bool ipv6_ext_generic(uint8_t nh)
{
	/* hop-by-hop, routing, destination options, mobility, HIP, shim6:
	 * RFC 8200 4.3-4.6 format, length in 8-octet units not counting the
	 * first 8 */
	return nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140;
}

static int decode_ipv6(const struct ip_ctx *c, struct pkt_info *out)
{
	const uint8_t *p = c->p;
	if (c->caplen < 40)
		return PKTDECODE_ERR_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return PKTDECODE_ERR_MALFORMED;
	uint32_t plen = be16(p + 4);
	int rc = ip_length(c, plen ? plen + 40 : 0, 40, &out->ip_len);
	if (rc)
		return rc;
	out->key.family = AF_INET6;
	memcpy(out->key.saddr, p + 8, 16);
	memcpy(out->key.daddr, p + 24, 16);
	/* a v4-mapped pair never crosses a wire, but a socket of a dual-stack
	 * program names its peer that way: make both forms one key */
	if (is_v4mapped(out->key.saddr) && is_v4mapped(out->key.daddr)) {
		v4mapped_to_v4(out->key.saddr);
		v4mapped_to_v4(out->key.daddr);
		out->key.family = AF_INET;
	}

	uint8_t nh = p[6];
	size_t off = 40;
	for (int i = 0; i < IPV6_MAX_EXT; i++) {
		out->key.proto = nh;
		size_t len;
		if (ipv6_ext_generic(nh) || nh == 51) {
			if (off > c->caplen || c->caplen - off < 2)
				return PKTDECODE_NO_PORTS;
			len = nh == 51 ? ((size_t)p[off + 1] + 2) * 4 : ((size_t)p[off + 1] + 1) * 8;
			nh = p[off];
		} else if (nh == 44) {
			if (off > c->caplen || c->caplen - off < 8)
				return PKTDECODE_NO_PORTS;
			uint16_t fo = be16(p + off + 2);
			out->fragment = true;
			out->frag_offset = fo & 0xfff8u; /* 13-bit offset in 8-octet units */
			out->frag_id = be32(p + off + 4);
			len = 8;
			nh = p[off];
			if (out->frag_offset != 0) {
				out->key.proto = nh;
				return PKTDECODE_FRAGMENT;
			}
		} else {
			return decode_ports(c, off, out);
		}
		off += len;
		if (off > out->ip_len)
			return PKTDECODE_ERR_MALFORMED;
	}
	/* a chain longer than any real stack builds: count it, name no ports */
	out->key.proto = nh;
	return PKTDECODE_NO_PORTS;
}

/* Walks 802.1Q/802.1ad tags from *off (which points just after an
 * EtherType field holding type) and dispatches on the inner EtherType. */
static int decode_ethertype(uint16_t type, const uint8_t *p, size_t caplen, size_t wirelen,
			    size_t off, struct pkt_info *out)
{
	for (int tags = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
			   type == ETHERTYPE_QINQ_OLD;
	     tags++) {
		if (tags == VLAN_MAX_TAGS)
			return PKTDECODE_ERR_MALFORMED;
		if (caplen - off < VLAN_TAG_LEN)
			return PKTDECODE_ERR_TRUNCATED;
		type = be16(p + off + 2);
		off += VLAN_TAG_LEN;
	}
	struct ip_ctx c = {
		.p = p + off,
		.caplen = caplen - off,
		.wire_left = wirelen > off ? wirelen - off : 0,
	};
	if (type == ETHERTYPE_IPV4)
		return decode_ipv4(&c, out);
	if (type == ETHERTYPE_IPV6)
		return decode_ipv6(&c, out);
	return PKTDECODE_NOT_IP;
}

static uint8_t sll_dir(unsigned pkttype)
{
	switch (pkttype) {
	case SLL_HOST:
	case SLL_BROADCAST:
	case SLL_MULTICAST:
		return PKTDIR_IN;
	case SLL_OUTGOING:
		return PKTDIR_OUT;
	case SLL_OTHERHOST:
		return PKTDIR_OTHERHOST;
	default:
		return PKTDIR_UNKNOWN;
	}
}

static int decode_null(int dlt, const uint8_t *p, size_t caplen, size_t wirelen,
		       struct pkt_info *out)
{
	if (caplen < 4)
		return PKTDECODE_ERR_TRUNCATED;
	uint32_t af = be32(p);
	/* DLT_NULL is in the capturing host's byte order: a family number
	 * fits in the low 16 bits, so a value above that is byte-swapped */
	if (dlt == DLT_NULL && af > 0xffff)
		af = __builtin_bswap32(af);
	out->loopback = true;
	struct ip_ctx c = {.p = p + 4, .caplen = caplen - 4, .wire_left = wirelen > 4 ? wirelen - 4 : 0};
	/* BSD AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (NetBSD,
	 * OpenBSD), 28 (FreeBSD), 30 (macOS) */
	switch (af) {
	case 2:
		return decode_ipv4(&c, out);
	case 10:
	case 24:
	case 28:
	case 30:
		return decode_ipv6(&c, out);
	default:
		return PKTDECODE_NOT_IP;
	}
}

int pktdecode(int dlt, const uint8_t *p, size_t caplen, uint32_t wirelen, struct pkt_info *out)
{
	memset(out, 0, sizeof *out);
	size_t wire = wirelen < caplen ? caplen : wirelen;
	if (!p)
		caplen = 0;

	switch (dlt) {
	case DLT_LINUX_SLL:
		if (caplen < SLL_HDR_LEN)
			return PKTDECODE_ERR_TRUNCATED;
		out->dir = sll_dir(be16(p));
		out->hatype = be16(p + 2);
		out->loopback = out->hatype == HATYPE_LOOPBACK;
		return decode_ethertype(be16(p + 14), p, caplen, wire, SLL_HDR_LEN, out);
	case DLT_LINUX_SLL2:
		if (caplen < SLL2_HDR_LEN)
			return PKTDECODE_ERR_TRUNCATED;
		out->ifindex = be32(p + 4);
		out->hatype = be16(p + 8);
		out->dir = sll_dir(p[10]);
		out->loopback = out->hatype == HATYPE_LOOPBACK;
		return decode_ethertype(be16(p), p, caplen, wire, SLL2_HDR_LEN, out);
	case DLT_EN10MB: {
		if (caplen < ETH_HDR_LEN)
			return PKTDECODE_ERR_TRUNCATED;
		uint16_t type = be16(p + 12);
		if (type < ETHERTYPE_MIN)
			return PKTDECODE_NOT_IP;
		return decode_ethertype(type, p, caplen, wire, ETH_HDR_LEN, out);
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6: {
		struct ip_ctx c = {.p = p, .caplen = caplen, .wire_left = wire};
		if (caplen < 1)
			return PKTDECODE_ERR_TRUNCATED;
		unsigned version = p[0] >> 4;
		if ((dlt == DLT_IPV4 && version != 4) || (dlt == DLT_IPV6 && version != 6))
			return PKTDECODE_ERR_MALFORMED;
		if (version == 4)
			return decode_ipv4(&c, out);
		if (version == 6)
			return decode_ipv6(&c, out);
		return PKTDECODE_ERR_MALFORMED;
	}
	case DLT_NULL:
	case DLT_LOOP:
		return decode_null(dlt, p, caplen, wire, out);
	default:
		return PKTDECODE_ERR_LINKTYPE;
	}
}
