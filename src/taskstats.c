/* taskstats.c - the taskstats query socket (pipelined TASKSTATS_CMD_GET)
 * and the delay-accounting sysctl. See taskstats.h; the bytes are decoded
 * by tsdecode.c, the exit socket is tsexits.c.
 *
 * Kernel sources this follows: kernel/taskstats.c (commands, reply shape),
 * Documentation/accounting/taskstats.rst.
 */
#include "taskstats.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "tssock.h"

/* ---- the query socket --------------------------------------------------- */

#define TS_QUERY_RCVBUF (1u << 20) /* asked for; the kernel doubles it */
#define TS_QUERY_MAX_CHUNK 256u    /* requests per send; their replies wait in the socket */
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
	ts_rx_free(&ts->rx);
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

	if (ts_template_build(&ts->tmpl_pid, ts->family, TS_CMD_ATTR_PID, &zero, sizeof(zero),
	                      NLM_F_REQUEST) < 0 ||
	    ts_template_build(&ts->tmpl_tgid, ts->family, TS_CMD_ATTR_TGID, &zero, sizeof(zero),
	                      NLM_F_REQUEST) < 0)
		return -ENOMEM;
	req = ts->tmpl_pid.len > ts->tmpl_tgid.len ? ts->tmpl_pid.len : ts->tmpl_tgid.len;
	ts->chunk = chunk_for(ts_rcvbuf(ts->fd), msglen);
	ts->txbuf = calloc(ts->chunk, req);
	ts->answered = calloc(ts->chunk, 1);
	ts->missing = calloc(ts->chunk, sizeof(*ts->missing));
	if (!ts->txbuf || !ts->answered || !ts->missing)
		return -ENOMEM;
	return ts_rx_alloc(&ts->rx, ts->chunk < TS_QUERY_RX_SLOTS ? ts->chunk : TS_QUERY_RX_SLOTS,
	                   ts_slot_for(msglen));
}

int taskstats_open(struct taskstats **out, char *why, size_t whylen)
{
	struct taskstats *ts = calloc(1, sizeof(*ts));
	size_t msglen = 0;

	*out = NULL;
	if (!ts) {
		ts_set_reason(why, whylen, "%s", strerror(ENOMEM));
		return -1;
	}
	if (ts_open_probed(&ts->sk, &ts->family, &ts->fd, TS_QUERY_RCVBUF, &msglen, why, whylen) <
	    0) {
		free(ts);
		return -1;
	}
	ts->next_seq = 2;
	if (query_alloc(ts, msglen) < 0) {
		ts_set_reason(why, whylen, "%s", strerror(ENOMEM));
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
		ts_template_emit(t, ts->txbuf + i * t->len, q.seq0 + (uint32_t)i, (uint32_t)ids[i]);
	rc = ts_send_all(ts->fd, ts->txbuf, n * t->len);
	/* Every reply was queued (or dropped) inside send(): drain until the
	 * queue is empty. */
	while (rc == 0 && q.answered < n) {
		rc = ts_rx_recv(ts->fd, &ts->rx, n - q.answered);
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
		ts_rx_grow(&ts->rx);
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
	rc = ts_read_text(path, &text);
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
