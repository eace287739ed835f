/* sockdiag.c - sock_diag inet replies to struct sockmap_sock. See sockdiag.h. */
#include "sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

static bool addr_is_wild(const uint8_t a[16])
{
	static const uint8_t zero16[16];
	return memcmp(a, zero16, 16) == 0;
}

/* Socket addresses arrive as the kernel stores them; a dual-stack IPv6
 * socket talking IPv4 holds ::ffff:a.b.c.d, which packets never carry. */
static void normalise_sock(struct sockmap_sock *s)
{
	uint8_t lf = s->family, rf = s->family;
	pktdecode_normalize_addr(&lf, s->laddr);
	pktdecode_normalize_addr(&rf, s->raddr);
	if (lf == rf) {
		s->family = lf;
	} else if (lf == AF_INET && addr_is_wild(s->raddr)) {
		s->family = AF_INET; /* the wildcard reads the same in both families */
	} else if (rf == AF_INET && addr_is_wild(s->laddr)) {
		s->family = AF_INET;
	}
}

int sockdiag_parse(const void *payload, size_t len, uint8_t proto, struct sockmap_sock *out)
{
	struct inet_diag_msg m;
	if (len < sizeof m)
		return -1;
	memcpy(&m, payload, sizeof m);
	if (m.idiag_family != AF_INET && m.idiag_family != AF_INET6)
		return -1;
	memset(out, 0, sizeof *out);
	out->family = m.idiag_family;
	out->proto = proto;
	out->state = m.idiag_state;
	out->lport = ntohs(m.id.idiag_sport);
	out->rport = ntohs(m.id.idiag_dport);
	size_t alen = m.idiag_family == AF_INET ? 4 : 16;
	memcpy(out->laddr, m.id.idiag_src, alen);
	memcpy(out->raddr, m.id.idiag_dst, alen);
	out->uid = m.idiag_uid;
	out->inode = m.idiag_inode;

	/* attributes: net/ipv4/inet_diag.c inet_diag_msg_attrs_fill() always
	 * adds INET_DIAG_SKV6ONLY for AF_INET6 sockets */
	const uint8_t *p = payload;
	size_t off = NLMSG_ALIGN(sizeof m);
	while (off <= len && len - off >= NLA_HDRLEN) {
		struct nlattr na;
		memcpy(&na, p + off, sizeof na);
		if (na.nla_len < NLA_HDRLEN || na.nla_len > len - off)
			break;
		if ((na.nla_type & NLA_TYPE_MASK) == INET_DIAG_SKV6ONLY && na.nla_len > NLA_HDRLEN)
			out->v6only = p[off + NLA_HDRLEN] != 0;
		size_t step = NLA_ALIGN((size_t)na.nla_len);
		if (step > len - off)
			break;
		off += step;
	}
	normalise_sock(out);
	return 0;
}

/* An NLMSG_ERROR reply's error (negative, or 0 for an acknowledgement);
 * -EPROTO when it is cut short or outside the errno range. */
static int diag_error(const struct nlmsghdr *h)
{
	struct nlmsgerr e;
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof e))
		return -EPROTO;
	memcpy(&e, NLMSG_DATA(h), sizeof e);
	return e.error > 0 || e.error <= -4096 ? -EPROTO : e.error;
}

int sockdiag_walk(const void *buf, size_t len, uint32_t seq, uint8_t proto, sockdiag_sock_cb cb,
                  void *ctx)
{
	/* NLMSG_NEXT would step past the end when the last message's length
	 * is not padded (len is a size_t: it wraps), so the walk is by hand */
	const uint8_t *p = buf;
	for (size_t off = 0, step; len - off >= NLMSG_HDRLEN; off += step) {
		const struct nlmsghdr *h = (const void *)(p + off);
		if (h->nlmsg_len < NLMSG_HDRLEN || h->nlmsg_len > len - off)
			break;
		step = NLMSG_ALIGN(h->nlmsg_len);
		if (step > len - off)
			step = len - off;
		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE)
			return 1;
		if (h->nlmsg_type == NLMSG_ERROR) {
			int err = diag_error(h);
			return err == -ENOENT ? 1 : err;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		struct sockmap_sock sk;
		if (sockdiag_parse(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), proto, &sk) < 0)
			memset(&sk, 0, sizeof sk);
		int rc = cb(ctx, &sk);
		if (rc)
			return rc < 0 ? rc : 1;
	}
	return 0;
}
