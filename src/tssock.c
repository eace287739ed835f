/* tssock.c - the socket plumbing the taskstats query and exit sockets
 * share. See tssock.h.
 */
#include "tssock.h"

#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#define TS_REASON_PERM "needs CAP_NET_ADMIN (run as root or setcap cap_net_admin+ep)"
/* the family checks the capability in the initial user namespace
 * (GENL_ADMIN_PERM, netlink_capable) */
#define TS_REASON_PERM_USERNS                                                                      \
	"needs CAP_NET_ADMIN in the initial user namespace (a user namespace's root does not "     \
	"count)"
#define TS_REASON_NOFAMILY "no taskstats family in this network namespace"

void ts_rx_free(struct ts_rx *rx)
{
	free(rx->buf);
	free(rx->msgs);
	free(rx->iov);
	memset(rx, 0, sizeof(*rx));
}

int ts_rx_alloc(struct ts_rx *rx, size_t nslots, size_t slot)
{
	size_t i;

	if (nslots == 0 || slot == 0 || nslots > SIZE_MAX / slot)
		return -ENOMEM;
	ts_rx_free(rx);
	rx->buf = malloc(nslots * slot);
	rx->msgs = calloc(nslots, sizeof(*rx->msgs));
	rx->iov = calloc(nslots, sizeof(*rx->iov));
	if (!rx->buf || !rx->msgs || !rx->iov) {
		ts_rx_free(rx);
		return -ENOMEM;
	}
	rx->nslots = nslots;
	rx->slot = slot;
	for (i = 0; i < nslots; i++) {
		rx->iov[i].iov_base = rx->buf + i * slot;
		rx->iov[i].iov_len = slot;
		rx->msgs[i].msg_hdr.msg_iov = &rx->iov[i];
		rx->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

/* Receive what is queued, without blocking, into up to max slots.
 * Returns the number of messages, 0 when the queue is empty, -ENOBUFS when
 * the kernel reported an overrun (call again), or another -errno. */
int ts_rx_recv(int fd, struct ts_rx *rx, size_t max)
{
	unsigned vlen = max < rx->nslots ? (unsigned)max : (unsigned)rx->nslots;
	int r;

	for (;;) {
		r = recvmmsg(fd, rx->msgs, vlen, MSG_DONTWAIT, NULL);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return -errno;
	}
}

/* Round a message length up to a receive slot with room to spare. */
size_t ts_slot_for(size_t msglen)
{
	size_t s = msglen + 128;
	return (s + 63) & ~(size_t)63;
}

__attribute__((format(printf, 3, 4))) void ts_set_reason(char *why, size_t whylen, const char *fmt,
                                                         ...)
{
	va_list ap;

	if (!why || !whylen)
		return;
	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
}

/* Opens a generic-netlink socket and resolves the family.
 * Returns 0, or -1 with why set. */
static int ts_socket(struct nl_sock **skp, uint16_t *family, size_t rcvbuf, char *why,
                     size_t whylen)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1, size = (int)rcvbuf, rc, fd;

	if (!sk) {
		ts_set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	rc = genl_connect(sk);
	if (rc < 0) {
		ts_set_reason(why, whylen, "netlink socket: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return -1;
	}
	rc = genl_ctrl_resolve(sk, TS_GENL_NAME);
	if (rc < 0) {
		if (rc == -NLE_OBJ_NOTFOUND)
			ts_set_reason(why, whylen, "%s", TS_REASON_NOFAMILY);
		else
			ts_set_reason(why, whylen, "taskstats family lookup: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return -1;
	}
	*family = (uint16_t)rc;
	fd = nl_socket_get_fd(sk);
	/* SO_RCVBUFFORCE passes net.core.rmem_max for CAP_NET_ADMIN, which
	 * every taskstats command needs anyway; SO_RCVBUF is the fallback. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* Error replies without the echoed request: smaller, and we match by
	 * sequence number anyway (NETLINK_CAP_ACK, Linux 4.3). */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	*skp = sk;
	return 0;
}

size_t ts_rcvbuf(int fd)
{
	int v = 0;
	socklen_t vl = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &vl) < 0 || v <= 0)
		return 0;
	return (size_t)v;
}

int ts_template_build(struct ts_template *t, uint16_t family, int attr, const void *val,
                      size_t vlen, int nlflags)
{
	struct nl_msg *m = nlmsg_alloc();
	struct nlmsghdr *nlh;
	struct nlattr *a;
	int rc = -ENOMEM;

	if (!m)
		return rc;
	if (!genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, nlflags, TS_CMD_GET,
	                 TS_GENL_VERSION) ||
	    nla_put(m, attr, (int)vlen, val) < 0)
		goto out;
	nlh = nlmsg_hdr(m);
	a = nlmsg_find_attr(nlh, GENL_HDRLEN, attr);
	if (!a)
		goto out;
	t->len = nlh->nlmsg_len;
	t->id_off = (size_t)((unsigned char *)nla_data(a) - (unsigned char *)nlh);
	t->bytes = malloc(t->len);
	if (!t->bytes)
		goto out;
	memcpy(t->bytes, nlh, t->len);
	rc = 0;
out:
	nlmsg_free(m);
	return rc;
}

void ts_msg_set_seq(unsigned char *msg, uint32_t seq)
{
	struct nlmsghdr h;

	memcpy(&h, msg, sizeof(h));
	h.nlmsg_seq = seq;
	memcpy(msg, &h, sizeof(h));
}

/* Writes one request from t into dst with the given seq and id. */
void ts_template_emit(const struct ts_template *t, unsigned char *dst, uint32_t seq, uint32_t id)
{
	memcpy(dst, t->bytes, t->len);
	ts_msg_set_seq(dst, seq);
	memcpy(dst + t->id_off, &id, sizeof(id));
}

int ts_send_all(int fd, const void *buf, size_t len)
{
	ssize_t r;

	do
		r = send(fd, buf, len, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	/* A netlink datagram is taken whole or refused. */
	return (size_t)r == len ? 0 : -EMSGSIZE;
}

static void probe_cb(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct ts_probe_result *p = ctx;

	if (seq != p->seq || p->answered)
		return;
	p->answered = true;
	p->err = s ? 0 : (err ? err : ENODATA);
}

/* Queries the calling thread once: tells whether we may use the family
 * and how large a reply is. Returns 0 with *msglen, or a positive errno. */
static int ts_probe(int fd, uint16_t family, uint32_t seq, size_t *msglen)
{
	struct ts_template t = {0};
	struct ts_probe_result pr = {.seq = seq};
	uint32_t tid = (uint32_t)gettid();
	unsigned char *buf = NULL;
	ssize_t n;
	int rc;

	rc = ts_template_build(&t, family, TS_CMD_ATTR_PID, &tid, sizeof(tid), NLM_F_REQUEST);
	if (rc < 0)
		return -rc;
	ts_msg_set_seq(t.bytes, seq);
	rc = ts_send_all(fd, t.bytes, t.len);
	free(t.bytes);
	if (rc < 0)
		return -rc;
	/* The kernel answers inside send(): the reply is already queued.
	 * MSG_TRUNC makes a peek return the message's real length. */
	do
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? ETIMEDOUT : errno;
	buf = malloc((size_t)n + 1);
	if (!buf)
		return ENOMEM;
	n = recv(fd, buf, (size_t)n + 1, MSG_DONTWAIT);
	if (n < 0) {
		rc = errno;
		free(buf);
		return rc;
	}
	if (taskstats_parse_messages(buf, (size_t)n, family, probe_cb, &pr) < 0 || !pr.answered)
		pr.err = EBADMSG;
	free(buf);
	*msglen = (size_t)n;
	return pr.err;
}

static void probe_reason(int err, char *why, size_t whylen)
{
	if (err == EPERM || err == EACCES)
		ts_set_reason(why, whylen, "%s",
		              procfs_self_in_user_ns() ? TS_REASON_PERM_USERNS : TS_REASON_PERM);
	else
		ts_set_reason(why, whylen, "taskstats query: %s", strerror(err));
}

/* A taskstats socket that answers: ts_socket, then the probe with sequence
 * number 1 (the caller goes on from 2). On failure why says why and
 * nothing is left open. */
int ts_open_probed(struct nl_sock **skp, uint16_t *family, int *fd, size_t rcvbuf, size_t *msglen,
                   char *why, size_t whylen)
{
	int err;

	if (ts_socket(skp, family, rcvbuf, why, whylen) < 0)
		return -1;
	*fd = nl_socket_get_fd(*skp);
	err = ts_probe(*fd, *family, 1, msglen);
	if (err) {
		probe_reason(err, why, whylen);
		nl_socket_free(*skp);
		*skp = NULL;
		return -1;
	}
	return 0;
}
/* Grows the receive slots after a message did not fit (a kernel whose
 * struct grew): the message is lost, later ones fit. */
void ts_rx_grow(struct ts_rx *rx)
{
	struct ts_rx bigger = {0};

	if (rx->slot <= SIZE_MAX / 2 && ts_rx_alloc(&bigger, rx->nslots, rx->slot * 2) == 0) {
		ts_rx_free(rx);
		*rx = bigger;
	}
}

/* Reads a whole small text file into a NUL-terminated malloc'd buffer. */
int ts_read_text(const char *path, char **out)
{
	size_t cap = 64, len = 0;
	char *buf = NULL;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t r;
		if (!buf || len + 1 >= cap) {
			char *nb;
			if (buf && cap > SIZE_MAX / 2) {
				rc = -EFBIG;
				break;
			}
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}
