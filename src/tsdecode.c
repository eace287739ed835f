/* tsdecode.c - taskstats bytes to struct taskstats_sample: the layout
 * tables and the netlink reply walk. See tsdecode.h.
 *
 * Kernel sources this follows: include/uapi/linux/taskstats.h (the struct
 * and its versions), kernel/taskstats.c (the reply shape).
 */
#include "tsdecode.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/genl/genl.h>

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

/* An NLMSG_ERROR's error as a positive errno (0 for an ack); a value no
 * kernel sends (positive, or below -4095, the errno range) is EBADMSG. */
static int reply_errno(int error)
{
	if (error == 0)
		return 0;
	return error < 0 && error > -4096 ? -error : EBADMSG;
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
			cb(ctx, nlh->nlmsg_seq, NULL, reply_errno(e->error));
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
