/* pktdecode.h - pure decoder of captured link/IP/TCP/UDP headers.
 *
 * One call turns the first caplen bytes of a captured frame into a flow key,
 * the IP-layer length and the direction. No I/O, no allocation, no state:
 * every read is bounds-checked against caplen, so any byte string is a safe
 * input (the fuzz target in fuzz/fuzz_pktdecode.c holds us to that).
 */
#ifndef PIDTOP_PKTDECODE_H
#define PIDTOP_PKTDECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A binary flow key as the packet travels: src -> dst. IPv4 addresses sit in
 * the first 4 bytes of the 16 with the rest zero; IPv4-mapped IPv6 addresses
 * (::ffff:a.b.c.d) are normalised to that IPv4 form. Ports are host order.
 * The struct has no implicit padding, and every byte is written by the
 * decoder, so keys can be hashed and compared with memcmp. */
struct flow_key {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t proto;  /* IPPROTO_TCP, IPPROTO_UDP, or another IP protocol number */
	uint16_t sport;
	uint16_t dport;
	uint16_t pad; /* always 0 */
	uint8_t saddr[16];
	uint8_t daddr[16];
};

enum pktdecode_dir {
	PKTDIR_UNKNOWN = 0, /* the link type carries no direction (Ethernet, raw IP) */
	PKTDIR_IN,          /* addressed to this host (unicast, broadcast or multicast) */
	PKTDIR_OUT,         /* sent by this host */
	PKTDIR_OTHERHOST,   /* seen in promiscuous mode, for another host */
};

struct pkt_info {
	struct flow_key key;
	/* IP header + IP payload, from the IP header's length field (never from
	 * caplen); when that field is 0 (TSO / BIG TCP super-packets) from
	 * wirelen minus the link header. */
	uint32_t ip_len;
	uint32_t frag_id;     /* IPv4 16-bit identification or IPv6 32-bit one */
	uint32_t frag_offset; /* in bytes; 0 for the first fragment */
	uint32_t ifindex;     /* Linux cooked v2 only; 0 when unknown */
	uint16_t hatype;      /* ARPHRD_* from Linux cooked headers; 0 when unknown */
	uint8_t dir;          /* enum pktdecode_dir */
	bool loopback;        /* captured on a loopback device */
	bool fragment;        /* part of a fragmented datagram (first or later) */
};

enum pktdecode_result {
	/* TCP or UDP with ports: key complete. A first fragment returns this
	 * too, with fragment set, so its ports can be remembered by frag_id. */
	PKTDECODE_FLOW = 0,
	/* A fragment after the first: addresses, proto, frag_id and ip_len are
	 * set, ports are 0 (they live in the first fragment only). */
	PKTDECODE_FRAGMENT = 1,
	/* An IP packet that names no ports: another protocol (ICMP, ESP...), or
	 * TCP/UDP whose transport header lies beyond caplen. Addresses, proto
	 * and ip_len are set, so its bytes can still be counted. */
	PKTDECODE_NO_PORTS = 2,
	/* A frame that carries no IP (ARP, LLDP, 802.3 LLC...). */
	PKTDECODE_NOT_IP = 3,
	PKTDECODE_ERR_TRUNCATED = -1, /* link or IP header cut short by caplen */
	PKTDECODE_ERR_MALFORMED = -2, /* impossible header values */
	PKTDECODE_ERR_LINKTYPE = -3,  /* a DLT this decoder does not know */
};

/* Decodes one frame of link type dlt (a DLT_* value from pcap_datalink).
 * Supported: DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_EN10MB (with up to 4
 * 802.1Q/802.1ad tags), DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NULL, DLT_LOOP.
 * out is fully written (zeroed first) whatever the result. */
int pktdecode(int dlt, const uint8_t *p, size_t caplen, uint32_t wirelen, struct pkt_info *out);

/* Rewrites an IPv4-mapped IPv6 address (::ffff:a.b.c.d) held in addr[16]
 * with *family AF_INET6 into the AF_INET form used by struct flow_key.
 * Other addresses are left alone. Shared with sockmap so socket addresses
 * and packet addresses compare equal. */
void pktdecode_normalize_addr(uint8_t *family, uint8_t addr[16]);

/* A short name for a result, for messages and tests. */
const char *pktdecode_result_name(int result);

#endif
