/* sockmap.c - flow -> socket inode: the kernel's sockets (sock_diag), matched
 * against a flow; the inode -> pid index is fdindex.c's */
#include "sockmap_priv.h"
#include "procfs.h"
#include "sockdiag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int sockmap_match_score(const struct sockmap_sock *s, const struct flow_key *leg)
{
	if (s->proto != leg->proto || s->lport != leg->sport)
		return -1;
	int score = 0;
	if (s->family == leg->family) {
		score += 1;
	} else if (!(leg->family == AF_INET && s->family == AF_INET6 && !s->v6only &&
		     sockmap_addr_is_wild(s->laddr))) {
		/* only a dual-stack socket bound to [::] takes IPv4 */
		return -1;
	}
	if (s->family == leg->family && memcmp(s->laddr, leg->saddr, 16) == 0)
		score += 2;
	else if (!sockmap_addr_is_wild(s->laddr))
		return -1;
	if (s->rport == 0 && sockmap_addr_is_wild(s->raddr))
		return score; /* unconnected UDP, or a TCP listener */
	if (s->family == leg->family && s->rport == leg->dport &&
	    memcmp(s->raddr, leg->daddr, 16) == 0)
		return score + 4;
	return -1;
}

const struct sockmap_sock *sockmap_match(const struct sockmap_sock *socks, size_t n,
					 const struct flow_key *leg)
{
	const struct sockmap_sock *best = NULL;
	int best_score = -1;
	for (size_t i = 0; i < n; i++) {
		int sc = sockmap_match_score(&socks[i], leg);
		if (sc > best_score) {
			best_score = sc;
			best = &socks[i];
		}
	}
	return best;
}

const char *sockmap_state_name(uint8_t proto, uint8_t state)
{
	static const char *const tcp[] = {
		[ST_ESTABLISHED] = "ESTABLISHED", [ST_SYN_SENT] = "SYN_SENT",
		[ST_SYN_RECV] = "SYN_RECV",       [ST_FIN_WAIT1] = "FIN_WAIT1",
		[ST_FIN_WAIT2] = "FIN_WAIT2",     [ST_TIME_WAIT] = "TIME_WAIT",
		[ST_CLOSE] = "CLOSE",             [ST_CLOSE_WAIT] = "CLOSE_WAIT",
		[ST_LAST_ACK] = "LAST_ACK",       [ST_LISTEN] = "LISTEN",
		[ST_CLOSING] = "CLOSING",         [ST_NEW_SYN_RECV] = "NEW_SYN_RECV",
		[ST_BOUND_INACTIVE] = "BOUND_INACTIVE",
	};
	if (proto == IPPROTO_UDP)
		return state == ST_ESTABLISHED ? "CONNECTED" : "UNCONN";
	if (state < sizeof tcp / sizeof tcp[0] && tcp[state])
		return tcp[state];
	return "UNKNOWN";
}

int sockmap_open(struct sockmap **out, const char *proc_root, char *why, size_t whylen)
{
	*out = NULL;
	struct sockmap *sm = calloc(1, sizeof *sm);
	if (!sm) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	sm->nl_fd = -1;
	intvec_init(&sm->inodes, sizeof(struct inode_entry), offsetof(struct inode_entry, inode));
	sm->root_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sm->root_fd < 0) {
		snprintf(why, whylen, "cannot open proc root '%s': %s", proc_root, strerror(errno));
		sockmap_close(sm);
		return -1;
	}
	char self[24];
	ssize_t n = readlinkat(sm->root_fd, "self", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		sm->own_pids = strtol(self, NULL, 10) == (long)getpid();
	}
	sm->nl_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (sm->nl_fd < 0) {
		snprintf(why, whylen, "no sock_diag netlink socket: %s", strerror(errno));
		sockmap_close(sm);
		return -1;
	}
	/* bounded against floods: past these, flows stay unattributed */
	if (flowtable_init(&sm->pids, sizeof(struct pid_entry), 4u << 20) < 0 ||
	    peers_init(&sm->peers, 1u << 16) < 0) {
		snprintf(why, whylen, "out of memory");
		sockmap_close(sm);
		return -1;
	}
	*out = sm;
	return 0;
}

void sockmap_close(struct sockmap *sm)
{
	if (!sm)
		return;
	if (sm->nl_fd >= 0)
		close(sm->nl_fd);
	if (sm->root_fd >= 0)
		close(sm->root_fd);
	free(sm->socks);
	free(sm->next);
	free(sm->rbuf);
	flowtable_free(&sm->pids);
	intvec_free(&sm->inodes);
	peers_free(&sm->peers);
	free(sm);
}

static int push_sock(struct sockmap *sm, const struct sockmap_sock *s)
{
	struct sockmap_sock *n = array_grow(sm->next, &sm->next_cap, sm->nnext + 1, sizeof *n, 256);
	if (!n)
		return -ENOMEM;
	sm->next = n;
	sm->next[sm->nnext++] = *s;
	return 0;
}

/* Receives one datagram whole, growing the buffer to the size the kernel
 * reports (MSG_PEEK | MSG_TRUNC returns the real length). */
static ssize_t recv_whole(struct sockmap *sm)
{
	for (;;) {
		ssize_t need = recv(sm->nl_fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
		if (need < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		size_t want = need > 4096 ? (size_t)need : 4096;
		if (want > sm->rbuf_cap) {
			uint8_t *n = realloc(sm->rbuf, want);
			if (!n)
				return -ENOMEM;
			sm->rbuf = n;
			sm->rbuf_cap = want;
		}
		ssize_t got = recv(sm->nl_fd, sm->rbuf, sm->rbuf_cap, 0);
		if (got < 0 && errno == EINTR)
			continue;
		return got < 0 ? -errno : got;
	}
}

/* Sends one inet_diag request: for every socket of (family, proto) in
 * states, or, with id, for the one socket of those addresses. */
static int diag_request(struct sockmap *sm, uint8_t family, uint8_t proto, uint32_t states,
			const struct inet_diag_sockid *id)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	memset(&msg, 0, sizeof msg);
	msg.nlh.nlmsg_len = sizeof msg;
	msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | (id ? 0 : NLM_F_DUMP);
	msg.nlh.nlmsg_seq = ++sm->seq;
	msg.req.sdiag_family = family;
	msg.req.sdiag_protocol = proto;
	msg.req.idiag_states = states;
	if (id)
		msg.req.id = *id;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(sm->nl_fd, &msg, sizeof msg, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0)
		return -errno;
	return 0;
}

/* Reads the replies to the last request, each socket to fn (sockdiag.h).
 * Returns 0 when the answer is complete, or -errno. */
static int diag_receive(struct sockmap *sm, uint8_t proto, sockdiag_sock_cb fn, void *ctx)
{
	for (;;) {
		ssize_t got = recv_whole(sm);
		if (got < 0)
			return (int)got;
		int rc = sockdiag_walk(sm->rbuf, (size_t)got, sm->seq, proto, fn, ctx);
		if (rc)
			return rc < 0 ? rc : 0;
	}
}

/* TIME_WAIT and request sockets carry inode 0: no process owns them */
static int collect_sock(void *ctx, const struct sockmap_sock *sk)
{
	struct sockmap *sm = ctx;
	return sk->inode ? push_sock(sm, sk) : 0;
}

static int dump_one(struct sockmap *sm, uint8_t family, uint8_t proto)
{
	/* the states that never carry an inode are not even asked for */
	int rc = diag_request(sm, family, proto,
			      ~(uint32_t)((1u << ST_TIME_WAIT) | (1u << ST_SYN_RECV) |
					  (1u << ST_NEW_SYN_RECV)),
			      NULL);
	return rc ? rc : diag_receive(sm, proto, collect_sock, sm);
}

/* The one answer to an exact request; a connection no process holds any
 * more (time-wait, a request) has inode 0. */
static int take_sock(void *ctx, const struct sockmap_sock *sk)
{
	*(struct sockmap_sock *)ctx = *sk;
	return 1;
}

int sockmap_find_exact(struct sockmap *sm, const struct flow_key *leg, struct sockmap_sock *out)
{
	/* cleared first: a caller reads out->family after any 0 */
	memset(out, 0, sizeof *out);
	if (leg->proto != IPPROTO_TCP || (leg->family != AF_INET && leg->family != AF_INET6))
		return 0;
	struct inet_diag_sockid id;
	memset(&id, 0, sizeof id);
	id.idiag_sport = htons(leg->sport);
	id.idiag_dport = htons(leg->dport);
	size_t alen = leg->family == AF_INET ? 4 : 16;
	memcpy(id.idiag_src, leg->saddr, alen);
	memcpy(id.idiag_dst, leg->daddr, alen);
	id.idiag_cookie[0] = id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	int rc = diag_request(sm, leg->family, IPPROTO_TCP, ~0u, &id);
	if (!rc)
		rc = diag_receive(sm, IPPROTO_TCP, take_sock, out);
	return rc < 0 ? rc : out->inode != 0;
}

size_t sockmap_drop_unheld(struct sockmap *sm, uint32_t *inodes, const struct flow_key *legs,
			   const bool *own, const int32_t *pids, size_t n)
{
	size_t dropped = 0;
	for (size_t i = 0; i < n; i++) {
		if (pids[i] || !inodes[i] || !own[i] || legs[i].proto != IPPROTO_TCP)
			continue;
		struct sockmap_sock s;
		int rc = sockmap_find_exact(sm, &legs[i], &s);
		if (rc == 0 || (rc == 1 && s.inode != inodes[i])) {
			inodes[i] = 0;
			dropped++;
		}
	}
	return dropped;
}

static int sock_order(const void *a, const void *b)
{
	const struct sockmap_sock *x = a, *y = b;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	if (x->lport != y->lport)
		return x->lport < y->lport ? -1 : 1;
	/* keep dump order among equals so ties resolve the same way each time */
	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

int sockmap_dump(struct sockmap *sm)
{
	static const uint8_t fams[] = {AF_INET, AF_INET6};
	static const uint8_t protos[] = {IPPROTO_TCP, IPPROTO_UDP};
	sm->nnext = 0;
	for (size_t f = 0; f < 2; f++) {
		for (size_t p = 0; p < 2; p++) {
			int rc = dump_one(sm, fams[f], protos[p]);
			if (rc)
				return rc;
		}
	}
	if (sm->nnext > 1)
		qsort(sm->next, sm->nnext, sizeof *sm->next, sock_order);
	struct sockmap_sock *t = sm->socks;
	size_t tcap = sm->socks_cap;
	sm->socks = sm->next;
	sm->socks_cap = sm->next_cap;
	sm->nsocks = sm->nnext;
	sm->next = t;
	sm->next_cap = tcap;
	sm->nnext = 0;
	sm->stats.dumps++;
	return 0;
}

const struct sockmap_sock *sockmap_lookup(const struct sockmap *sm, const struct flow_key *leg)
{
	/* lower bound of (proto, lport) in the sorted list */
	size_t lo = 0, hi = sm->nsocks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct sockmap_sock *s = &sm->socks[mid];
		if (s->proto < leg->proto || (s->proto == leg->proto && s->lport < leg->sport))
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < sm->nsocks && sm->socks[end].proto == leg->proto &&
	       sm->socks[end].lport == leg->sport)
		end++;
	return sockmap_match(sm->socks + lo, end - lo, leg);
}

const struct sockmap_sock *sockmap_sockets(const struct sockmap *sm, size_t *n)
{
	*n = sm->nsocks;
	return sm->socks;
}

