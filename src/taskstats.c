/* taskstats.c - taskstats generic-netlink client: layout decoding, pipelined
 * queries, exit notifications, the delay-accounting sysctl. See taskstats.h.
 *
 * Kernel sources this follows: kernel/taskstats.c (commands, reply shape,
 * exit listeners), include/uapi/linux/taskstats.h (the struct and its
 * versions), Documentation/accounting/taskstats.rst.
 */
#include "taskstats.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

/* The family's ABI numbers (include/uapi/linux/taskstats.h); defined here
 * so the build machine's header is never needed. */
#define TS_GENL_NAME "TASKSTATS"
#define TS_GENL_VERSION 1
#define TS_CMD_GET 1
#define TS_CMD_NEW 2
#define TS_TYPE_PID 1
#define TS_TYPE_TGID 2
#define TS_TYPE_STATS 3
#define TS_TYPE_AGGR_PID 4
#define TS_TYPE_AGGR_TGID 5
#define TS_TYPE_MAX 6 /* TASKSTATS_TYPE_NULL: 64-bit alignment padding */
#define TS_CMD_ATTR_PID 1
#define TS_CMD_ATTR_TGID 2
#define TS_CMD_ATTR_REGISTER_CPUMASK 3
#define TS_CMD_ATTR_DEREGISTER_CPUMASK 4

#define TS_REASON_PERM "needs CAP_NET_ADMIN (run as root or setcap cap_net_admin+ep)"
#define TS_REASON_NOFAMILY "no taskstats family in this network namespace"

/* ---- layout decoding ---------------------------------------------------- */

/* Byte offsets of the blocks of struct taskstats in one layout. Every
 * delay category is {count, delay_total} (u64 each) at its offset; its
 * {delay_max, delay_min} pair sits at the *_ext offset (0: not carried).
 *
 * Two layouts exist:
 * - "classic", versions 1-14 and 16+: fields only ever appended. Version 16
 *   (the fix merged for Linux 6.15, "taskstats: fix struct taskstats breaks
 *   backward compatibility since version 15") appended the max/min pairs
 *   after irq_delay_total; later versions append after those.
 * - version 15 (Linux 6.14 and 6.15-rc): a max and a min u64 inserted after
 *   each category's delay_total, shifting everything after cpu_delay_total.
 */
struct ts_layout {
	uint16_t cpu, blkio, swapin; /* delay categories of version 1 */
	uint16_t run;                /* cpu_run_real_total, then cpu_run_virtual_total */
	uint16_t basic;              /* ac_comm: start of the block described by BASIC_* */
	uint16_t freepages, thrashing, btime64, compact, tgid, wpcopy, irq;
	uint16_t cpu_ext, blkio_ext, swapin_ext, freepages_ext, thrashing_ext, compact_ext,
	    wpcopy_ext, irq_ext;
};

/* clang-format off */
static const struct ts_layout layout_classic = {
	.cpu = 16, .blkio = 32, .swapin = 48, .run = 64, .basic = 80,
	.freepages = 312, .thrashing = 328, .btime64 = 344, .compact = 352,
	.tgid = 368, .wpcopy = 400, .irq = 416,
	/* version 16+ only */
	.cpu_ext = 432, .blkio_ext = 448, .swapin_ext = 464, .freepages_ext = 480,
	.thrashing_ext = 496, .compact_ext = 512, .wpcopy_ext = 528, .irq_ext = 544,
};

static const struct ts_layout layout_v15 = {
	.cpu = 16, .cpu_ext = 32, .blkio = 48, .blkio_ext = 64, .swapin = 80,
	.swapin_ext = 96, .run = 112, .basic = 128,
	.freepages = 360, .freepages_ext = 376, .thrashing = 392, .thrashing_ext = 408,
	.btime64 = 424, .compact = 432, .compact_ext = 448, .tgid = 464,
	.wpcopy = 496, .wpcopy_ext = 512, .irq = 528, .irq_ext = 544,
};

/* Offsets inside the basic block, identical in both layouts (the block
 * moved as a whole): ac_comm[32], ac_sched (aligned 8), ac_uid (aligned 8)... */
enum {
	BASIC_COMM = 0, BASIC_SCHED = 32, BASIC_UID = 40, BASIC_GID = 44, BASIC_PID = 48,
	BASIC_PPID = 52, BASIC_BTIME = 56, BASIC_ETIME = 64, BASIC_UTIME = 72,
	BASIC_STIME = 80, BASIC_MINFLT = 88, BASIC_MAJFLT = 96, BASIC_END = 104,
	XACCT_COREMEM = 104, XACCT_VIRTMEM = 112, XACCT_HIWATER_RSS = 120,
	XACCT_HIWATER_VM = 128, XACCT_READ_CHAR = 136, XACCT_WRITE_CHAR = 144,
	XACCT_READ_SYSCALLS = 152, XACCT_WRITE_SYSCALLS = 160, XACCT_END = 168,
	IO_READ = 168, IO_WRITE = 176, IO_CANCELLED = 184, IO_END = 192,
	CTXSW_NVCSW = 192, CTXSW_NIVCSW = 200, CTXSW_END = 208,
	SCALED_UTIME = 208, SCALED_STIME = 216, SCALED_RUN_REAL = 224, SCALED_END = 232,
};

/* clang-format on */

/* The smallest struct a version can have: a shorter payload claiming that
 * version was cut. Versions 1-7 only guarantee the version 1 block; their
 * later fields are taken when the payload is long enough for them. */
static size_t ts_min_size(unsigned version)
{
	/* clang-format off */
	static const uint16_t by_version[] = {
		[8] = 328,  /* freepages */
		[9] = 344,  /* thrashing (4.20) */
		[10] = 352, /* ac_btime64 */
		[11] = 368, /* compact */
		[12] = 400, /* ac_tgid, ac_tgetime, ac_exe_dev, ac_exe_inode */
		[13] = 416, /* wpcopy */
		[14] = 432, /* irq */
		[15] = 560, /* max/min inserted mid-struct */
		[16] = 560, /* max/min appended */
	};
	/* clang-format on */
	if (version >= 16)
		return 560;
	if (version >= 8)
		return by_version[version];
	return 80;
}

static uint64_t get_u64(const unsigned char *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint32_t get_u32(const unsigned char *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

/* Whether [off, off + size) lies inside a payload of len bytes. */
static bool ts_fits(size_t len, size_t off, size_t size)
{
	return off <= len && size <= len - off;
}

static void get_delay(const unsigned char *p, size_t off, struct taskstats_delay *d)
{
	d->count = get_u64(p, off);
	d->total_ns = get_u64(p, off + 8);
}

static void get_extremes(const unsigned char *p, size_t off, struct taskstats_delay *d)
{
	d->max_ns = get_u64(p, off);
	d->min_ns = get_u64(p, off + 8);
}

static void decode_basic(const unsigned char *p, size_t len, size_t b, struct taskstats_sample *o)
{
	o->has_basic = ts_fits(len, b, BASIC_END);
	if (o->has_basic) {
		memcpy(o->comm, p + b + BASIC_COMM, TASKSTATS_COMM_LEN);
		o->comm[TASKSTATS_COMM_LEN] = '\0';
		o->sched = p[b + BASIC_SCHED];
		o->uid = get_u32(p, b + BASIC_UID);
		o->gid = get_u32(p, b + BASIC_GID);
		o->pid = get_u32(p, b + BASIC_PID);
		o->ppid = get_u32(p, b + BASIC_PPID);
		o->btime_s = get_u32(p, b + BASIC_BTIME);
		o->etime_us = get_u64(p, b + BASIC_ETIME);
		o->utime_us = get_u64(p, b + BASIC_UTIME);
		o->stime_us = get_u64(p, b + BASIC_STIME);
		o->minflt = get_u64(p, b + BASIC_MINFLT);
		o->majflt = get_u64(p, b + BASIC_MAJFLT);
	}
	o->has_xacct = ts_fits(len, b, XACCT_END);
	if (o->has_xacct) {
		o->coremem_mb_us = get_u64(p, b + XACCT_COREMEM);
		o->virtmem_mb_us = get_u64(p, b + XACCT_VIRTMEM);
		o->hiwater_rss_kb = get_u64(p, b + XACCT_HIWATER_RSS);
		o->hiwater_vm_kb = get_u64(p, b + XACCT_HIWATER_VM);
		o->read_char = get_u64(p, b + XACCT_READ_CHAR);
		o->write_char = get_u64(p, b + XACCT_WRITE_CHAR);
		o->read_syscalls = get_u64(p, b + XACCT_READ_SYSCALLS);
		o->write_syscalls = get_u64(p, b + XACCT_WRITE_SYSCALLS);
	}
	o->has_io = ts_fits(len, b, IO_END);
	if (o->has_io) {
		o->read_bytes = get_u64(p, b + IO_READ);
		o->write_bytes = get_u64(p, b + IO_WRITE);
		o->cancelled_write_bytes = get_u64(p, b + IO_CANCELLED);
	}
	o->has_ctxsw = ts_fits(len, b, CTXSW_END);
	if (o->has_ctxsw) {
		o->nvcsw = get_u64(p, b + CTXSW_NVCSW);
		o->nivcsw = get_u64(p, b + CTXSW_NIVCSW);
	}
	o->has_scaled = ts_fits(len, b, SCALED_END);
	if (o->has_scaled) {
		o->utimescaled_us = get_u64(p, b + SCALED_UTIME);
		o->stimescaled_us = get_u64(p, b + SCALED_STIME);
		o->cpu_scaled_run_real_total_ns = get_u64(p, b + SCALED_RUN_REAL);
	}
}

/* A delay category appended after the basic block: present when it fits. */
static bool decode_delay(const unsigned char *p, size_t len, size_t off, struct taskstats_delay *d)
{
	if (!ts_fits(len, off, 16))
		return false;
	get_delay(p, off, d);
	return true;
}

static void decode_extremes(const unsigned char *p, const struct ts_layout *l,
                            struct taskstats_sample *o)
{
	get_extremes(p, l->cpu_ext, &o->cpu);
	get_extremes(p, l->blkio_ext, &o->blkio);
	get_extremes(p, l->swapin_ext, &o->swapin);
	get_extremes(p, l->freepages_ext, &o->freepages);
	get_extremes(p, l->thrashing_ext, &o->thrashing);
	get_extremes(p, l->compact_ext, &o->compact);
	get_extremes(p, l->wpcopy_ext, &o->wpcopy);
	get_extremes(p, l->irq_ext, &o->irq);
}

int taskstats_decode(const void *payload, size_t len, struct taskstats_sample *out)
{
	const unsigned char *p = payload;
	const struct ts_layout *l;
	uint16_t version;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(version))
		return -EBADMSG;
	memcpy(&version, p, sizeof(version));
	if (version == 0 || len < ts_min_size(version))
		return -EBADMSG;
	l = version == 15 ? &layout_v15 : &layout_classic;

	out->version = version;
	out->exitcode = get_u32(p, 4);
	out->flags = p[8];
	out->nice = p[9];
	get_delay(p, l->cpu, &out->cpu);
	get_delay(p, l->blkio, &out->blkio);
	get_delay(p, l->swapin, &out->swapin);
	out->cpu_run_real_total_ns = get_u64(p, l->run);
	out->cpu_run_virtual_total_ns = get_u64(p, l->run + 8);

	decode_basic(p, len, l->basic, out);
	out->has_freepages = decode_delay(p, len, l->freepages, &out->freepages);
	out->has_thrashing = decode_delay(p, len, l->thrashing, &out->thrashing);
	out->has_btime64 = ts_fits(len, l->btime64, 8);
	if (out->has_btime64)
		out->btime_s = get_u64(p, l->btime64);
	out->has_compact = decode_delay(p, len, l->compact, &out->compact);
	out->has_tgid = ts_fits(len, l->tgid, 32);
	if (out->has_tgid) {
		out->tgid = get_u32(p, l->tgid);
		out->tgetime_us = get_u64(p, l->tgid + 8);
		out->exe_dev = get_u64(p, l->tgid + 16);
		out->exe_inode = get_u64(p, l->tgid + 24);
	}
	out->has_wpcopy = decode_delay(p, len, l->wpcopy, &out->wpcopy);
	out->has_irq = decode_delay(p, len, l->irq, &out->irq);
	/* The bytes after irq_delay_total of a version <= 14 payload are not
	 * ours to interpret; ts_min_size() guarantees the pairs fit from 15 on. */
	out->has_delay_extremes = version >= 15;
	if (out->has_delay_extremes)
		decode_extremes(p, l, out);
	return 0;
}

/* ---- reply parsing ------------------------------------------------------ */

/* One AGGR_PID / AGGR_TGID nest: the id attribute and the stats. */
static int parse_record(struct nlattr *nest, enum taskstats_scope scope, struct taskstats_sample *s)
{
	struct nlattr *tb[TS_TYPE_MAX + 1];
	int id_type = scope == TASKSTATS_SCOPE_TASK ? TS_TYPE_PID : TS_TYPE_TGID;
	int rc;

	if (nla_parse_nested(tb, TS_TYPE_MAX, nest, NULL) < 0)
		return -EBADMSG;
	if (!tb[id_type] || nla_len(tb[id_type]) < (int)sizeof(uint32_t) || !tb[TS_TYPE_STATS])
		return -EBADMSG;
	rc = taskstats_decode(nla_data(tb[TS_TYPE_STATS]), (size_t)nla_len(tb[TS_TYPE_STATS]), s);
	if (rc < 0)
		return rc;
	s->scope = scope;
	s->id = (int32_t)nla_get_u32(tb[id_type]);
	return 0;
}

static int parse_genl(struct nlmsghdr *nlh, taskstats_record_cb cb, void *ctx)
{
	struct genlmsghdr *gh;
	struct nlattr *pos;
	struct taskstats_sample s;
	int rem, calls = 0;

	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	gh = nlmsg_data(nlh);
	if (gh->cmd != TS_CMD_NEW)
		return 0;
	nla_for_each_attr(pos, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem)
	{
		enum taskstats_scope scope;
		int type = nla_type(pos);

		if (type == TS_TYPE_AGGR_PID)
			scope = TASKSTATS_SCOPE_TASK;
		else if (type == TS_TYPE_AGGR_TGID)
			scope = TASKSTATS_SCOPE_PROCESS;
		else
			continue; /* TASKSTATS_TYPE_NULL padding, or newer types */
		if (parse_record(pos, scope, &s) == 0)
			cb(ctx, nlh->nlmsg_seq, &s, 0);
		else
			cb(ctx, nlh->nlmsg_seq, NULL, EBADMSG);
		calls++;
	}
	return calls;
}

int taskstats_parse_messages(const void *buf, size_t len, uint16_t family_id,
                             taskstats_record_cb cb, void *ctx)
{
	/* libnl's accessors take non-const pointers but only read. */
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	int rem, calls = 0;

	if (len > INT_MAX)
		return -EBADMSG;
	rem = (int)len;
	for (; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = nlmsg_data(nlh);
			if (nlh->nlmsg_len < (uint32_t)nlmsg_size(sizeof(*e)))
				return -EBADMSG;
			cb(ctx, nlh->nlmsg_seq, NULL, e->error < 0 ? -e->error : e->error);
			calls++;
		} else if (nlh->nlmsg_type == family_id) {
			int r = parse_genl(nlh, cb, ctx);
			if (r < 0)
				return r;
			calls += r;
		}
		/* NLMSG_NOOP, NLMSG_DONE and other families: nothing for us */
	}
	/* Bytes left that are not a whole message: a cut buffer. (rem goes
	 * negative when the last message's length is not padded.) */
	if (rem > 0)
		return -EBADMSG;
	return calls;
}

/* ---- sockets shared by both objects ------------------------------------- */

/* A receive area for recvmmsg: nslots buffers of slot bytes. */
struct ts_rx {
	unsigned char *buf;
	struct mmsghdr *msgs;
	struct iovec *iov;
	size_t nslots, slot;
};

static void rx_free(struct ts_rx *rx)
{
	free(rx->buf);
	free(rx->msgs);
	free(rx->iov);
	memset(rx, 0, sizeof(*rx));
}

static int rx_alloc(struct ts_rx *rx, size_t nslots, size_t slot)
{
	size_t i;

	if (nslots == 0 || slot == 0 || nslots > SIZE_MAX / slot)
		return -ENOMEM;
	rx_free(rx);
	rx->buf = malloc(nslots * slot);
	rx->msgs = calloc(nslots, sizeof(*rx->msgs));
	rx->iov = calloc(nslots, sizeof(*rx->iov));
	if (!rx->buf || !rx->msgs || !rx->iov) {
		rx_free(rx);
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
static int rx_recv(int fd, struct ts_rx *rx, size_t max)
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
static size_t slot_for(size_t msglen)
{
	size_t s = msglen + 128;
	return (s + 63) & ~(size_t)63;
}

__attribute__((format(printf, 3, 4))) static void set_reason(char *why, size_t whylen,
                                                             const char *fmt, ...)
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
		set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	rc = genl_connect(sk);
	if (rc < 0) {
		set_reason(why, whylen, "netlink socket: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return -1;
	}
	rc = genl_ctrl_resolve(sk, TS_GENL_NAME);
	if (rc < 0) {
		if (rc == -NLE_OBJ_NOTFOUND)
			set_reason(why, whylen, "%s", TS_REASON_NOFAMILY);
		else
			set_reason(why, whylen, "taskstats family lookup: %s", nl_geterror(rc));
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

static size_t ts_rcvbuf(int fd)
{
	int v = 0;
	socklen_t vl = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &vl) < 0 || v <= 0)
		return 0;
	return (size_t)v;
}

/* A TASKSTATS_CMD_GET request template built with libnl: the bytes are
 * copied per request and only the sequence number and id are patched. */
struct ts_template {
	unsigned char *bytes;
	size_t len;
	size_t id_off; /* offset of the u32 attribute value */
};

static int template_build(struct ts_template *t, uint16_t family, int attr, const void *val,
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

static void msg_set_seq(unsigned char *msg, uint32_t seq)
{
	struct nlmsghdr h;

	memcpy(&h, msg, sizeof(h));
	h.nlmsg_seq = seq;
	memcpy(msg, &h, sizeof(h));
}

/* Writes one request from t into dst with the given seq and id. */
static void template_emit(const struct ts_template *t, unsigned char *dst, uint32_t seq,
                          uint32_t id)
{
	memcpy(dst, t->bytes, t->len);
	msg_set_seq(dst, seq);
	memcpy(dst + t->id_off, &id, sizeof(id));
}

static int send_all(int fd, const void *buf, size_t len)
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

struct probe_result {
	uint32_t seq;
	int err;
	bool answered;
};

static void probe_cb(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct probe_result *p = ctx;

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
	struct probe_result pr = {.seq = seq};
	uint32_t tid = (uint32_t)gettid();
	unsigned char *buf = NULL;
	ssize_t n;
	int rc;

	rc = template_build(&t, family, TS_CMD_ATTR_PID, &tid, sizeof(tid), NLM_F_REQUEST);
	if (rc < 0)
		return -rc;
	msg_set_seq(t.bytes, seq);
	rc = send_all(fd, t.bytes, t.len);
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
		set_reason(why, whylen, "%s", TS_REASON_PERM);
	else
		set_reason(why, whylen, "taskstats query: %s", strerror(err));
}

/* A taskstats socket that answers: ts_socket, then the probe with sequence
 * number 1 (the caller goes on from 2). On failure why says why and
 * nothing is left open. */
static int ts_open_probed(struct nl_sock **skp, uint16_t *family, int *fd, size_t rcvbuf,
                          size_t *msglen, char *why, size_t whylen)
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

/* ---- the query socket --------------------------------------------------- */

#define TS_QUERY_RCVBUF (1u << 20) /* asked for; the kernel doubles it */
#define TS_QUERY_MAX_CHUNK 256u /* requests per send; their replies wait in the socket */
/* replies taken per recvmmsg: a quarter of a chunk keeps the slots ~55 KiB
 * of resident memory instead of ~220 KiB, for 3 more calls per 256 tasks */
#define TS_QUERY_RX_SLOTS 64u

struct taskstats {
	struct nl_sock *sk;
	int fd;
	uint16_t family;
	uint32_t next_seq;
	size_t chunk;
	struct ts_template tmpl_pid, tmpl_tgid;
	unsigned char *txbuf;    /* chunk requests */
	struct ts_rx rx;         /* chunk reply slots */
	unsigned char *answered; /* per request of the chunk in flight */
	int32_t *missing;        /* ids to send again after an overrun */
};

/* The chunk in flight, for the parse callback. */
struct query_run {
	struct taskstats *ts;
	const int32_t *ids;
	size_t n;
	uint32_t seq0;
	size_t answered;
	taskstats_query_cb cb;
	void *ctx;
};

static void query_record(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct query_run *q = ctx;
	uint32_t i = seq - q->seq0; /* wraps with the counter */

	if (i >= q->n || q->ts->answered[i])
		return; /* a stray or duplicate reply */
	if (s && s->id != q->ids[i]) {
		s = NULL;
		err = EBADMSG;
	} else if (!s && err == 0) {
		err = ENODATA; /* an ack where data was due */
	}
	q->ts->answered[i] = 1;
	q->answered++;
	q->cb(q->ctx, q->ids[i], s, err);
}

void taskstats_close(struct taskstats *ts)
{
	if (!ts)
		return;
	nl_socket_free(ts->sk);
	free(ts->tmpl_pid.bytes);
	free(ts->tmpl_tgid.bytes);
	free(ts->txbuf);
	rx_free(&ts->rx);
	free(ts->answered);
	free(ts->missing);
	free(ts);
}

/* Requests per send such that every reply fits the receive buffer: a
 * reply's skb costs about twice its length in kernel memory accounting
 * (truesize: the data rounded to a kmalloc bucket plus sk_buff). */
static size_t chunk_for(size_t rcvbuf, size_t msglen)
{
	size_t per = 2 * msglen + 512;
	size_t c = rcvbuf / per;

	if (c > TS_QUERY_MAX_CHUNK)
		c = TS_QUERY_MAX_CHUNK;
	return c ? c : 1;
}

static int query_alloc(struct taskstats *ts, size_t msglen)
{
	uint32_t zero = 0;
	size_t req;

	if (template_build(&ts->tmpl_pid, ts->family, TS_CMD_ATTR_PID, &zero, sizeof(zero),
	                   NLM_F_REQUEST) < 0 ||
	    template_build(&ts->tmpl_tgid, ts->family, TS_CMD_ATTR_TGID, &zero, sizeof(zero),
	                   NLM_F_REQUEST) < 0)
		return -ENOMEM;
	req = ts->tmpl_pid.len > ts->tmpl_tgid.len ? ts->tmpl_pid.len : ts->tmpl_tgid.len;
	ts->chunk = chunk_for(ts_rcvbuf(ts->fd), msglen);
	ts->txbuf = calloc(ts->chunk, req);
	ts->answered = calloc(ts->chunk, 1);
	ts->missing = calloc(ts->chunk, sizeof(*ts->missing));
	if (!ts->txbuf || !ts->answered || !ts->missing)
		return -ENOMEM;
	return rx_alloc(&ts->rx, ts->chunk < TS_QUERY_RX_SLOTS ? ts->chunk : TS_QUERY_RX_SLOTS,
	                slot_for(msglen));
}

int taskstats_open(struct taskstats **out, char *why, size_t whylen)
{
	struct taskstats *ts = calloc(1, sizeof(*ts));
	size_t msglen = 0;

	*out = NULL;
	if (!ts) {
		set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (ts_open_probed(&ts->sk, &ts->family, &ts->fd, TS_QUERY_RCVBUF, &msglen, why,
	                   whylen) < 0) {
		free(ts);
		return -1;
	}
	ts->next_seq = 2;
	if (query_alloc(ts, msglen) < 0) {
		set_reason(why, whylen, "%s", strerror(ENOMEM));
		taskstats_close(ts);
		return -1;
	}
	*out = ts;
	return 0;
}

size_t taskstats_chunk_size(const struct taskstats *ts)
{
	return ts->chunk;
}

/* Grows the receive slots after a message did not fit (a kernel whose
 * struct grew): the message is lost, later ones fit. */
static void rx_grow(struct ts_rx *rx)
{
	struct ts_rx bigger = {0};

	if (rx->slot <= SIZE_MAX / 2 && rx_alloc(&bigger, rx->nslots, rx->slot * 2) == 0) {
		rx_free(rx);
		*rx = bigger;
	}
}

/* Sends requests for ids[0..n) (n <= chunk) and drains the replies.
 * Ids left unanswered (their replies dropped on an overrun) are moved to
 * ts->missing and their number returned. On a socket error, every
 * unanswered id gets the error through cb and -errno is returned. */
static long query_chunk(struct taskstats *ts, const int32_t *ids, size_t n, bool by_tgid,
                        taskstats_query_cb cb, void *ctx)
{
	const struct ts_template *t = by_tgid ? &ts->tmpl_tgid : &ts->tmpl_pid;
	struct query_run q = {ts, ids, n, ts->next_seq, 0, cb, ctx};
	bool grow = false;
	size_t i, nmissing = 0;
	int rc;

	ts->next_seq += (uint32_t)n;
	memset(ts->answered, 0, n);
	for (i = 0; i < n; i++)
		template_emit(t, ts->txbuf + i * t->len, q.seq0 + (uint32_t)i, (uint32_t)ids[i]);
	rc = send_all(ts->fd, ts->txbuf, n * t->len);
	/* Every reply was queued (or dropped) inside send(): drain until the
	 * queue is empty. */
	while (rc == 0 && q.answered < n) {
		rc = rx_recv(ts->fd, &ts->rx, n - q.answered);
		if (rc == -ENOBUFS) {
			rc = 0;
			continue;
		}
		if (rc <= 0)
			break;
		for (i = 0; i < (size_t)rc; i++) {
			const struct msghdr *mh = &ts->rx.msgs[i].msg_hdr;
			if (mh->msg_flags & MSG_TRUNC) {
				grow = true;
				continue;
			}
			(void)taskstats_parse_messages(ts->rx.iov[i].iov_base,
			                               ts->rx.msgs[i].msg_len, ts->family,
			                               query_record, &q);
		}
		rc = 0;
	}
	if (grow)
		rx_grow(&ts->rx);
	if (rc < 0) {
		for (i = 0; i < n; i++)
			if (!ts->answered[i])
				cb(ctx, ids[i], NULL, -rc);
		return rc;
	}
	/* In place: ids may be ts->missing itself, and nmissing <= i. */
	for (i = 0; i < n; i++)
		if (!ts->answered[i])
			ts->missing[nmissing++] = ids[i];
	return (long)nmissing;
}

static void fail_ids(const int32_t *ids, size_t n, int err, taskstats_query_cb cb, void *ctx)
{
	size_t i;

	for (i = 0; i < n; i++)
		cb(ctx, ids[i], NULL, err);
}

int taskstats_query(struct taskstats *ts, const int32_t *ids, size_t n, bool by_tgid,
                    taskstats_query_cb cb, void *ctx)
{
	size_t done = 0;

	while (done < n) {
		size_t k = n - done < ts->chunk ? n - done : ts->chunk;
		long left = query_chunk(ts, ids + done, k, by_tgid, cb, ctx);

		/* Replies lost to an overrun (the chunk is sized so this
		 * should not happen): ask once more, then give up on them. */
		if (left > 0)
			left = query_chunk(ts, ts->missing, (size_t)left, by_tgid, cb, ctx);
		if (left > 0)
			fail_ids(ts->missing, (size_t)left, ENOBUFS, cb, ctx);
		done += k;
		if (left < 0) {
			fail_ids(ids + done, n - done, (int)-left, cb, ctx);
			return (int)left;
		}
	}
	return 0;
}

/* ---- exit notifications ------------------------------------------------- */

#define TS_EXITS_RCVBUF (4u << 20) /* asked for; the kernel doubles it */
#define TS_EXITS_SLOTS 64u

struct taskstats_exits {
	struct nl_sock *sk;
	int fd;
	uint16_t family;
	uint32_t seq;
	char *cpumask;
	struct ts_rx rx;
	size_t drain_cap; /* messages per drain call, so a flood cannot hold us */
	uint64_t records, overruns, truncated;
	taskstats_exit_cb cb;
	void *ctx;
};

/* Reads a whole small text file into a NUL-terminated malloc'd buffer. */
static int read_text(const char *path, char **out)
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

/* The CPU list the listener registers on, in the kernel's cpulist format
 * ("0-1", "0,2-5"): the online CPUs. A CPU brought online later is not
 * covered until the socket is opened again. */
static char *exits_cpumask(void)
{
	char *s = NULL;
	size_t i, n;
	long cpus;

	if (read_text("/sys/devices/system/cpu/online", &s) == 0) {
		n = strcspn(s, "\n");
		s[n] = '\0';
		for (i = 0; i < n; i++)
			if (!strchr("0123456789,-", s[i]))
				break;
		if (n > 0 && i == n)
			return s;
		free(s);
	}
	cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (cpus < 1)
		cpus = 1;
	if (asprintf(&s, "0-%ld", cpus - 1) < 0)
		return NULL;
	return s;
}

/* Sends a command whose attribute is the cpumask string. */
static int exits_command(struct taskstats_exits *ex, int attr, int nlflags, uint32_t seq)
{
	struct ts_template t = {0};
	int rc;

	rc = template_build(&t, ex->family, attr, ex->cpumask, strlen(ex->cpumask) + 1, nlflags);
	if (rc < 0)
		return rc;
	msg_set_seq(t.bytes, seq);
	rc = send_all(ex->fd, t.bytes, t.len);
	free(t.bytes);
	return rc;
}

static void ack_cb(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct probe_result *p = ctx;

	if (s || seq != p->seq || p->answered)
		return;
	p->answered = true;
	p->err = err;
}

/* Registers the listener and waits for the kernel's ack. Exit records that
 * arrive before the ack are dropped: they belong to the instant of opening. */
static int exits_register(struct taskstats_exits *ex)
{
	struct probe_result ack = {.seq = ex->seq++};
	struct pollfd pfd = {.fd = ex->fd, .events = POLLIN};
	int rc, i;

	rc = exits_command(ex, TS_CMD_ATTR_REGISTER_CPUMASK, NLM_F_REQUEST | NLM_F_ACK, ack.seq);
	if (rc < 0)
		return -rc;
	while (!ack.answered) {
		rc = rx_recv(ex->fd, &ex->rx, ex->rx.nslots);
		if (rc == -ENOBUFS)
			continue;
		if (rc < 0)
			return -rc;
		if (rc == 0) {
			/* the ack is queued inside send(); wait a little anyway */
			if (poll(&pfd, 1, 1000) <= 0)
				return ETIMEDOUT;
			continue;
		}
		for (i = 0; i < rc; i++)
			if (!(ex->rx.msgs[i].msg_hdr.msg_flags & MSG_TRUNC))
				(void)taskstats_parse_messages(ex->rx.iov[i].iov_base,
				                               ex->rx.msgs[i].msg_len, ex->family,
				                               ack_cb, &ack);
	}
	return ack.err;
}

struct delivery_check {
	int32_t tid;
	bool seen;
};

static void *delivery_thread(void *arg)
{
	struct delivery_check *c = arg;

	c->tid = (int32_t)gettid();
	return NULL;
}

static void delivery_record(void *ctx, const struct taskstats_sample *s)
{
	struct delivery_check *c = ctx;

	if (s->scope == TASKSTATS_SCOPE_TASK && s->id == c->tid)
		c->seen = true;
}

/* Registration succeeds in any network namespace, but the kernel sends
 * the records to our port in the initial one (kernel/taskstats.c
 * send_cpu_listeners: genlmsg_unicast(&init_net, ...)): elsewhere nothing
 * arrives. So let a thread exit and wait for its record. Its exit record
 * is queued before pthread_join returns (do_exit calls taskstats_exit
 * before exit_mm wakes the joiner); records of other tasks read meanwhile
 * are dropped, like those before registration. Returns 0 or an errno. */
static int exits_check_delivery(struct taskstats_exits *ex)
{
	struct delivery_check c = {0};
	struct pollfd pfd = {.fd = ex->fd, .events = POLLIN};
	pthread_t t;
	int waited_ms = 0, rc;

	rc = pthread_create(&t, NULL, delivery_thread, &c);
	if (rc)
		return rc;
	pthread_join(t, NULL);
	for (;;) {
		rc = taskstats_exits_drain(ex, delivery_record, &c);
		if (rc < 0)
			return -rc;
		if (c.seen)
			break;
		if (waited_ms >= 500)
			return EHOSTUNREACH;
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			return errno;
		waited_ms += 50;
	}
	ex->records = 0;
	return 0;
}

int taskstats_exits_open(struct taskstats_exits **out, char *why, size_t whylen)
{
	struct taskstats_exits *ex = calloc(1, sizeof(*ex));
	size_t msglen = 0;
	int err;

	*out = NULL;
	if (!ex) {
		set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (ts_open_probed(&ex->sk, &ex->family, &ex->fd, TS_EXITS_RCVBUF, &msglen, why,
	                   whylen) < 0) {
		free(ex);
		return -1;
	}
	ex->seq = 2;
	ex->cpumask = exits_cpumask();
	/* an exit message carries up to two records (thread, then process) */
	if (!ex->cpumask || rx_alloc(&ex->rx, TS_EXITS_SLOTS, slot_for(2 * msglen)) < 0) {
		set_reason(why, whylen, "%s", strerror(ENOMEM));
		goto fail_noreg;
	}
	ex->drain_cap = ts_rcvbuf(ex->fd) / (msglen ? msglen : 1) + TS_EXITS_SLOTS;
	err = exits_register(ex);
	if (err) {
		/* The probe proved CAP_NET_ADMIN: here EPERM means a pid or user
		 * namespace other than the initial one (kernel/taskstats.c
		 * add_del_listener). */
		if (err == EPERM || err == EACCES)
			set_reason(why, whylen,
			           "exit notifications need the initial pid and user namespace");
		else
			set_reason(why, whylen, "exit notifications: %s", strerror(err));
		/* the kernel registers CPU by CPU: undo a partial success */
		taskstats_exits_close(ex);
		return -1;
	}
	err = exits_check_delivery(ex);
	if (err) {
		if (err == EHOSTUNREACH)
			set_reason(why, whylen,
			           "exit notifications are not delivered in this "
			           "network namespace (only in the initial one)");
		else
			set_reason(why, whylen, "exit notifications: %s", strerror(err));
		taskstats_exits_close(ex);
		return -1;
	}
	/* Non-blocking for the caller's poll loop; we pass MSG_DONTWAIT anyway. */
	(void)nl_socket_set_nonblocking(ex->sk);
	*out = ex;
	return 0;
fail_noreg:
	free(ex->cpumask);
	rx_free(&ex->rx);
	nl_socket_free(ex->sk);
	free(ex);
	return -1;
}

void taskstats_exits_close(struct taskstats_exits *ex)
{
	if (!ex)
		return;
	/* Without this the kernel drops the listener only when a send to the
	 * closed socket fails (kernel/taskstats.c send_cpu_listeners). */
	if (ex->cpumask)
		(void)exits_command(ex, TS_CMD_ATTR_DEREGISTER_CPUMASK, NLM_F_REQUEST, ex->seq++);
	free(ex->cpumask);
	rx_free(&ex->rx);
	nl_socket_free(ex->sk);
	free(ex);
}

int taskstats_exits_fd(const struct taskstats_exits *ex)
{
	return ex->fd;
}

static void exit_record(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct taskstats_exits *ex = ctx;

	(void)seq;
	(void)err; /* an error message here answers nothing we wait for */
	if (!s)
		return;
	ex->records++;
	ex->cb(ex->ctx, s);
}

int taskstats_exits_drain(struct taskstats_exits *ex, taskstats_exit_cb cb, void *ctx)
{
	uint64_t before = ex->records;
	size_t got = 0;
	bool grow = false;
	int rc, i;

	ex->cb = cb;
	ex->ctx = ctx;
	while (got < ex->drain_cap) {
		rc = rx_recv(ex->fd, &ex->rx, ex->rx.nslots);
		if (rc == -ENOBUFS) {
			ex->overruns++;
			got++;
			continue;
		}
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		for (i = 0; i < rc; i++) {
			if (ex->rx.msgs[i].msg_hdr.msg_flags & MSG_TRUNC) {
				ex->truncated++;
				grow = true;
				continue;
			}
			(void)taskstats_parse_messages(ex->rx.iov[i].iov_base,
			                               ex->rx.msgs[i].msg_len, ex->family,
			                               exit_record, ex);
		}
		got += (size_t)rc;
	}
	if (grow)
		rx_grow(&ex->rx);
	return (int)(ex->records - before);
}

void taskstats_exits_get_stats(struct taskstats_exits *ex, struct taskstats_exits_stats *out)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	memset(out, 0, sizeof(*out));
	out->records = ex->records;
	out->overruns = ex->overruns;
	out->truncated = ex->truncated;
	/* sk_drops counts every message the kernel could not queue to us
	 * (net/netlink/af_netlink.c netlink_overrun); SO_MEMINFO, Linux 4.12. */
	if (getsockopt(ex->fd, SOL_SOCKET, SO_MEMINFO, mem, &len) == 0 &&
	    len >= (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) {
		out->dropped = mem[SK_MEMINFO_DROPS];
		out->has_dropped = true;
	}
}

/* ---- kernel.task_delayacct ---------------------------------------------- */

static char *delayacct_path(const char *proc_root)
{
	char *path;

	if (asprintf(&path, "%s/sys/kernel/task_delayacct", proc_root) < 0)
		return NULL;
	return path;
}

int taskstats_delayacct_read(const char *proc_root, int *on)
{
	char *path = delayacct_path(proc_root), *text = NULL;
	int rc;

	if (!path)
		return -ENOMEM;
	rc = read_text(path, &text);
	free(path);
	if (rc < 0)
		return rc;
	if ((text[0] == '0' || text[0] == '1') && (text[1] == '\0' || text[1] == '\n'))
		*on = text[0] - '0';
	else
		rc = -EINVAL;
	free(text);
	return rc;
}

int taskstats_delayacct_write(const char *proc_root, int on)
{
	char *path = delayacct_path(proc_root);
	const char *val = on ? "1\n" : "0\n";
	ssize_t r;
	int fd, rc = 0;

	if (!path)
		return -ENOMEM;
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0)
		return -errno;
	do
		r = write(fd, val, 2);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		rc = -errno;
	else if (r != 2)
		rc = -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}
