/* tssock.h - the taskstats module's own plumbing, shared by its query
 * socket (taskstats.c) and its exit socket (tsexits.c): receive slots for
 * recvmmsg, request templates, the opening probe. Not for other modules:
 * they use taskstats.h. Nothing here prints or exits.
 */
#ifndef PIDTOP_TSSOCK_H
#define PIDTOP_TSSOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "taskstats.h"

struct nl_sock;

/* A receive area for recvmmsg: nslots buffers of slot bytes. */
struct ts_rx {
	unsigned char *buf;
	struct mmsghdr *msgs;
	struct iovec *iov;
	size_t nslots, slot;
};

void ts_rx_free(struct ts_rx *rx);
/* nslots slots of slot bytes. Returns 0 or -ENOMEM (rx left empty). */
int ts_rx_alloc(struct ts_rx *rx, size_t nslots, size_t slot);
/* Receive what is queued, without blocking, into up to max slots.
 * Returns the number of messages, 0 when the queue is empty, -ENOBUFS when
 * the kernel reported an overrun (call again), or another -errno. */
int ts_rx_recv(int fd, struct ts_rx *rx, size_t max);
/* Doubles the slots after a message did not fit (a kernel whose struct
 * grew): the message is lost, later ones fit. Unchanged when out of memory. */
void ts_rx_grow(struct ts_rx *rx);
/* A message length rounded up to a receive slot with room to spare. */
size_t ts_slot_for(size_t msglen);

/* snprintf into why (when why and whylen are set). */
__attribute__((format(printf, 3, 4))) void ts_set_reason(char *why, size_t whylen, const char *fmt,
                                                         ...);
/* The socket's receive buffer in bytes, 0 when unknown. */
size_t ts_rcvbuf(int fd);

/* A TASKSTATS_CMD_GET request template built with libnl: the bytes are
 * copied per request and only the sequence number and id are patched. */
struct ts_template {
	unsigned char *bytes;
	size_t len;
	size_t id_off; /* offset of the u32 attribute value */
};

/* Builds a TASKSTATS_CMD_GET with one attribute attr = val[0..vlen).
 * Returns 0 or -ENOMEM. The caller frees t->bytes. */
int ts_template_build(struct ts_template *t, uint16_t family, int attr, const void *val,
                      size_t vlen, int nlflags);
/* Patches the sequence number of the netlink message at msg. */
void ts_msg_set_seq(unsigned char *msg, uint32_t seq);
/* Writes one request from t into dst with the given seq and id. */
void ts_template_emit(const struct ts_template *t, unsigned char *dst, uint32_t seq, uint32_t id);
/* One netlink datagram, whole. Returns 0 or a negative errno. */
int ts_send_all(int fd, const void *buf, size_t len);

/* The answer to one request, matched by sequence number. */
struct ts_probe_result {
	uint32_t seq;
	int err;
	bool answered;
};

/* A taskstats socket that answers: opened with a receive buffer of rcvbuf
 * bytes, the family resolved, then probed with a query for the calling
 * thread with sequence number 1 (the caller goes on from 2); *msglen is the
 * size of that reply. Returns 0, or -1 with a one-line reason in why and
 * nothing left open. */
int ts_open_probed(struct nl_sock **skp, uint16_t *family, int *fd, size_t rcvbuf, size_t *msglen,
                   char *why, size_t whylen);

/* Reads a whole small text file into a NUL-terminated malloc'd buffer.
 * Returns 0 or a negative errno. */
int ts_read_text(const char *path, char **out);

#endif
