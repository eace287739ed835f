/* sockmap_priv.h - the socket map's state, shared by sockmap.c (the
 * kernel's sockets through sock_diag) and fdindex.c (which process holds
 * a socket inode, from the /proc/PID/fd links); not part of sockmap.h's
 * contract. */
#ifndef PIDTOP_SOCKMAP_PRIV_H
#define PIDTOP_SOCKMAP_PRIV_H

#include "sockmap.h"
#include "flowtable.h"
#include "intmap.h"
#include "peers.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* include/net/tcp_states.h */
enum {
	ST_ESTABLISHED = 1,
	ST_SYN_SENT,
	ST_SYN_RECV,
	ST_FIN_WAIT1,
	ST_FIN_WAIT2,
	ST_TIME_WAIT,
	ST_CLOSE,
	ST_CLOSE_WAIT,
	ST_LAST_ACK,
	ST_LISTEN,
	ST_CLOSING,
	ST_NEW_SYN_RECV,
	ST_BOUND_INACTIVE,
};

/* The pid index reuses the flow table with a key that carries one number;
 * kind keeps that key space apart from the flows'. */
enum { KIND_PID = 1 };

struct pid_entry {
	uint64_t dir_ino;   /* inode of /proc/PID: changes when the pid is reused */
	int64_t fd_count;   /* st_size of /proc/PID/fd: the open fd count (Linux >= 6.2) */
	uint32_t gen;       /* bumped each time the fds are read */
	uint32_t seen_pass; /* last /proc pass that listed the pid */
	uint32_t read_pass; /* last pass that read its fds */
	bool has_sockets;   /* held a socket when last read */
};

struct inode_entry {
	uint32_t inode;
	int32_t pid;
	uint32_t gen; /* the pid's gen when the link was read: older means stale */
};

/* bounded against floods: past this, sockets stay unattributed */
#define SOCKMAP_MAX_INODES (16u << 20)

struct sockmap {
	int nl_fd;
	uint32_t seq;
	int root_fd;
	struct sockmap_sock *socks; /* sorted by (proto, lport) */
	size_t nsocks, socks_cap;
	struct sockmap_sock *next; /* the dump being built */
	size_t nnext, next_cap;
	uint8_t *rbuf;
	size_t rbuf_cap;
	struct flowtable pids;   /* KIND_PID -> struct pid_entry */
	/* struct inode_entry by socket inode: 12 bytes an entry and 8 a slot
	 * of its index, about 35 a socket with room to grow, where a table
	 * keyed by the whole flow key took ~150 (a process may hold 100,000) */
	struct intvec inodes;
	struct peers peers;      /* remote end -> the process talking to it */
	uint32_t pass;
	/* every process up to this pid was listed by a walk or a fresh probe
	 * (0: unknown, the proc root has no loadavg) */
	int32_t top_pid;
	uint64_t last_incr_ns, last_recheck_ns, last_owners_ns, last_full_ns;
	uint64_t incr_cost_ns;    /* CLOCK_MONOTONIC time the last walk for new processes took */
	uint64_t recheck_cost_ns; /* and the last re-check of fd counts */
	uint64_t owners_cost_ns;  /* the last re-read of the socket holders */
	uint64_t full_cost_ns;    /* the last full pass */
	bool scanned_once;
	/* the proc root numbers processes as this process's pid namespace
	 * does (its "self" is our pid): kill(pid, 0) can tell a pid is gone */
	bool own_pids;
	struct sockmap_stats stats;
};

static inline bool sockmap_addr_is_wild(const uint8_t a[16])
{
	static const uint8_t zero16[16];
	return memcmp(a, zero16, 16) == 0;
}

/* the number a KIND_* key carries, and a key for one */
static inline uint64_t sockmap_key_id(const struct flow_key *k)
{
	uint64_t id;
	memcpy(&id, k->saddr, sizeof id);
	return id;
}

static inline struct flow_key sockmap_id_key(uint8_t kind, uint64_t id)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.proto = kind;
	memcpy(k.saddr, &id, sizeof id);
	return k;
}

#endif
