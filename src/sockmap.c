/* sockmap.c - flow -> socket inode (sock_diag) -> pid (/proc/PID/fd index) */
#include "sockmap.h"
#include "buf.h"
#include "flowtable.h"
#include "parse.h"
#include "peers.h"
#include "procfs.h"
#include "sockdiag.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* The inode and pid indexes reuse the flow table with a key that carries
 * one number; kind keeps the two key spaces apart. */
enum { KIND_PID = 1, KIND_INODE = 2 };

struct pid_entry {
	uint64_t dir_ino;   /* inode of /proc/PID: changes when the pid is reused */
	int64_t fd_count;   /* st_size of /proc/PID/fd: the open fd count (Linux >= 6.2) */
	uint32_t gen;       /* bumped each time the fds are read */
	uint32_t seen_pass; /* last /proc pass that listed the pid */
	uint32_t read_pass; /* last pass that read its fds */
	bool has_sockets;   /* held a socket when last read */
};

struct inode_entry {
	int32_t pid;
	uint32_t gen; /* the pid's gen when the link was read: older means stale */
};

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
	struct flowtable inodes; /* KIND_INODE -> struct inode_entry */
	struct peers peers;      /* remote end -> the process talking to it */
	uint32_t pass;
	/* every process up to this pid was listed by a walk or a fresh probe
	 * (0: unknown, the proc root has no loadavg) */
	int32_t top_pid;
	uint64_t last_incr_ns, last_recheck_ns, last_owners_ns, last_full_ns;
	uint64_t incr_cost_ns;    /* CLOCK_MONOTONIC time the last walk for new processes took */
	uint64_t recheck_cost_ns; /* and the last re-check of fd counts */
	bool scanned_once;
	struct sockmap_stats stats;
};

static const uint8_t zero16[16];

static bool addr_is_wild(const uint8_t a[16])
{
	return memcmp(a, zero16, 16) == 0;
}

int sockmap_match_score(const struct sockmap_sock *s, const struct flow_key *leg)
{
	if (s->proto != leg->proto || s->lport != leg->sport)
		return -1;
	int score = 0;
	if (s->family == leg->family) {
		score += 1;
	} else if (!(leg->family == AF_INET && s->family == AF_INET6 && !s->v6only &&
		     addr_is_wild(s->laddr))) {
		/* only a dual-stack socket bound to [::] takes IPv4 */
		return -1;
	}
	if (s->family == leg->family && memcmp(s->laddr, leg->saddr, 16) == 0)
		score += 2;
	else if (!addr_is_wild(s->laddr))
		return -1;
	if (s->rport == 0 && addr_is_wild(s->raddr))
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

static uint64_t key_id(const struct flow_key *k)
{
	uint64_t id;
	memcpy(&id, k->saddr, sizeof id);
	return id;
}

static struct flow_key id_key(uint8_t kind, uint64_t id)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.proto = kind;
	memcpy(k.saddr, &id, sizeof id);
	return k;
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
	sm->root_fd = open(proc_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sm->root_fd < 0) {
		snprintf(why, whylen, "cannot open proc root '%s': %s", proc_root, strerror(errno));
		sockmap_close(sm);
		return -1;
	}
	sm->nl_fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (sm->nl_fd < 0) {
		snprintf(why, whylen, "no sock_diag netlink socket: %s", strerror(errno));
		sockmap_close(sm);
		return -1;
	}
	/* bounded against floods: past these, flows stay unattributed */
	if (flowtable_init(&sm->pids, sizeof(struct pid_entry), 4u << 20) < 0 ||
	    flowtable_init(&sm->inodes, sizeof(struct inode_entry), 16u << 20) < 0 ||
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
	flowtable_free(&sm->inodes);
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
	memset(out, 0, sizeof *out);
	int rc = diag_request(sm, leg->family, IPPROTO_TCP, ~0u, &id);
	if (!rc)
		rc = diag_receive(sm, IPPROTO_TCP, take_sock, out);
	return rc < 0 ? rc : out->inode != 0;
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

/* Whether leg's local end is a server's: a TCP listener, or a UDP socket
 * bound without a peer, holds its local port in the last dump. Its remote
 * end is then a client's port, which says nothing about who the next
 * connection from that port talks to. */
static bool serves(const struct sockmap *sm, const struct flow_key *leg)
{
	struct flow_key any = *leg;
	memset(any.daddr, 0, sizeof any.daddr);
	any.dport = 0;
	const struct sockmap_sock *s = sockmap_lookup(sm, &any);
	return s && s->rport == 0 && addr_is_wild(s->raddr) &&
	       (s->proto == IPPROTO_UDP || s->state == ST_LISTEN);
}

/* "socket:[12345]" -> 12345 */
static bool parse_socket_link(const char *s, size_t n, uint32_t *inode)
{
	static const char prefix[] = "socket:[";
	size_t pl = sizeof prefix - 1;
	if (n < pl + 2 || memcmp(s, prefix, pl) != 0 || s[n - 1] != ']')
		return false;
	uint64_t v = 0;
	for (size_t i = pl; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return false;
	}
	*inode = (uint32_t)v;
	return true;
}

static void read_fds(struct sockmap *sm, int32_t pid, struct pid_entry *pe)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, pid, 0, "fd");
	int fd = openat(sm->root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return; /* gone, or not ours to read */
	struct stat st;
	pe->fd_count = fstat(fd, &st) == 0 ? (int64_t)st.st_size : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	pe->gen++;
	pe->has_sockets = false;
	sm->stats.fd_dirs_read++;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		/* "socket:[4294967295]" is 19 bytes: a longer link is not a socket */
		char link[32];
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof link);
		uint32_t inode;
		if (n <= 0 || (size_t)n >= sizeof link || !parse_socket_link(link, (size_t)n, &inode))
			continue;
		struct flow_key k = id_key(KIND_INODE, inode);
		bool created;
		struct inode_entry *ie = flowtable_get(&sm->inodes, &k, &created);
		if (ie) {
			ie->pid = pid;
			ie->gen = pe->gen;
		}
		pe->has_sockets = true;
	}
	closedir(d);
}

static bool pid_alive_in_pass(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	return ((struct pid_entry *)value)->seen_pass == *(uint32_t *)ctx;
}

/* An inode whose pid vanished or re-read its fds since is stale. */
static bool inode_current(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	const struct inode_entry *ie = value;
	struct sockmap *sm = ctx;
	struct flow_key pk = id_key(KIND_PID, (uint64_t)(uint32_t)ie->pid);
	const struct pid_entry *pe = flowtable_find(&sm->pids, &pk);
	return pe && pe->gen == ie->gen;
}

/* The pid the kernel handed out last (loadavg's last field), or 0. */
static int32_t last_pid(const struct sockmap *sm)
{
	char buf[128];
	struct loadavg la;
	ssize_t n = procfs_read(sm->root_fd, "loadavg", buf, sizeof buf);
	if (n <= 0 || parse_loadavg(buf, (size_t)n, &la) < 0 || la.last_pid <= 0 ||
	    la.last_pid > INT32_MAX)
		return 0;
	return (int32_t)la.last_pid;
}

/* Whether pid is a process (not one of a process's threads, whose ids
 * /proc answers for too): its status says Tgid is pid. */
static bool is_process(const struct sockmap *sm, int32_t pid)
{
	char path[PROCFS_PATH_MAX], buf[4096];
	struct proc_status st;
	procfs_task_path(path, pid, 0, "status");
	ssize_t n = procfs_read(sm->root_fd, path, buf, sizeof buf);
	return n > 0 && parse_proc_status(buf, (size_t)n, &st) == 0 && st.has_tgid &&
	       st.tgid == pid;
}

/* The processes started since the last walk, read without one: the pids
 * the kernel handed out since then are looked at one by one. At 1,000
 * processes a walk costs milliseconds, and the process that opened a
 * connection a moment ago is most likely among these few. Returns false
 * when it cannot tell (no walk yet, no loadavg, pids wrapped around, more
 * than SOCKMAP_FRESH_MAX of them): the walk is for that. */
static bool fresh_pass(struct sockmap *sm)
{
	int32_t last = last_pid(sm);
	if (!last || !sm->top_pid || last < sm->top_pid || last - sm->top_pid > SOCKMAP_FRESH_MAX)
		return false;
	for (int32_t pid = sm->top_pid + 1; pid <= last; pid++) {
		struct flow_key k = id_key(KIND_PID, (uint64_t)pid);
		if (flowtable_find(&sm->pids, &k) || !is_process(sm, pid))
			continue;
		bool created;
		struct pid_entry *pe = flowtable_get(&sm->pids, &k, &created);
		if (!pe)
			continue;
		char path[16];
		struct stat st;
		snprintf(path, sizeof path, "%d", (int)pid);
		pe->dir_ino = fstatat(sm->root_fd, path, &st, 0) == 0 ? (uint64_t)st.st_ino : 0;
		/* as if the last walk had listed it: the next one keeps it
		 * without reading it again */
		pe->seen_pass = pe->read_pass = sm->pass;
		read_fds(sm, pid, pe);
	}
	sm->top_pid = last;
	return true;
}

/* One walk of the proc root. full: read every process's fds; otherwise
 * only those of processes that are new or reused (a pid is cheap to list,
 * and the process that just opened a connection is most likely new). */
static void proc_pass(struct sockmap *sm, bool full)
{
	/* read first: a pid handed out during the walk may not be listed */
	int32_t last = last_pid(sm);
	int fd = openat(sm->root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	uint32_t pass = ++sm->pass;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX || de->d_name[0] < '1' ||
		    de->d_name[0] > '9')
			continue;
		struct flow_key k = id_key(KIND_PID, (uint64_t)pid);
		bool created;
		struct pid_entry *pe = flowtable_get(&sm->pids, &k, &created);
		if (!pe)
			continue;
		bool read = full || created || pe->dir_ino != (uint64_t)de->d_ino;
		pe->dir_ino = (uint64_t)de->d_ino;
		pe->seen_pass = pass;
		if (read) {
			read_fds(sm, (int32_t)pid, pe);
			pe->read_pass = pass;
		}
	}
	closedir(d);
	sm->top_pid = last;
	flowtable_sweep(&sm->pids, pid_alive_in_pass, &pass);
	if (full)
		flowtable_sweep(&sm->inodes, inode_current, sm);
}

static int32_t pid_of(struct sockmap *sm, uint32_t inode)
{
	struct flow_key k = id_key(KIND_INODE, inode);
	struct inode_entry *ie = flowtable_find(&sm->inodes, &k);
	if (!ie || !inode_current(&k, ie, sm))
		return 0;
	return ie->pid;
}

static size_t lookup_all(struct sockmap *sm, const uint32_t *inodes, int32_t *pids, size_t n)
{
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		if (!pids[i] && inodes[i])
			pids[i] = pid_of(sm, inodes[i]);
		found += pids[i] != 0;
	}
	return found;
}

/* Re-reads the process that last owned a socket to the same remote end as
 * each missed leg. */
static void hinted_reads(struct sockmap *sm, const struct flow_key *legs, const int32_t *pids,
			 size_t n)
{
	int32_t done[SOCKMAP_HINTED_READS];
	size_t ndone = 0;
	for (size_t i = 0; i < n && ndone < SOCKMAP_HINTED_READS; i++) {
		if (pids[i])
			continue;
		int32_t owner = peers_last_owner(&sm->peers, &legs[i]);
		if (!owner)
			continue;
		bool seen = false;
		for (size_t j = 0; j < ndone; j++)
			seen |= done[j] == owner;
		if (seen)
			continue;
		done[ndone++] = owner;
		struct flow_key k = id_key(KIND_PID, (uint64_t)(uint32_t)owner);
		struct pid_entry *pe = flowtable_find(&sm->pids, &k);
		if (pe) {
			read_fds(sm, owner, pe);
			sm->stats.hinted_reads++;
		}
	}
}

/* The processes the last walk listed, and did not read, whose fd count
 * changed (one stat of /proc/PID/fd each: milliseconds at 1,000
 * processes, so rate-limited apart from the walk) are read again. */
static void recheck_pass(struct sockmap *sm)
{
	size_t pos = 0;
	const struct flow_key *k;
	struct pid_entry *pe;
	while ((pe = flowtable_next(&sm->pids, &pos, &k))) {
		if (pe->seen_pass != sm->pass || pe->read_pass == sm->pass)
			continue;
		int32_t pid = (int32_t)key_id(k);
		char path[PROCFS_PATH_MAX];
		struct stat st;
		procfs_task_path(path, pid, 0, "fd");
		if (fstatat(sm->root_fd, path, &st, 0) == 0 && (int64_t)st.st_size != pe->fd_count) {
			read_fds(sm, pid, pe);
			pe->read_pass = sm->pass;
		}
	}
}

static void owners_pass(struct sockmap *sm)
{
	size_t pos = 0;
	const struct flow_key *k;
	struct pid_entry *pe;
	while ((pe = flowtable_next(&sm->pids, &pos, &k))) {
		if (!pe->has_sockets)
			continue;
		read_fds(sm, (int32_t)key_id(k), pe);
	}
}

static void full_pass(struct sockmap *sm, uint64_t now_ns)
{
	proc_pass(sm, true);
	sm->scanned_once = true;
	sm->last_full_ns = sm->last_incr_ns = sm->last_recheck_ns = sm->last_owners_ns = now_ns;
	sm->stats.full_passes++;
}

/* How long after a step that cost cost_ns it may run again: a step costs at
 * most 1/SOCKMAP_INCR_COST_FACTOR of the time, and waits at least
 * SOCKMAP_INCR_MIN_NS. */
static uint64_t gap_after(uint64_t cost_ns)
{
	return cost_ns > SOCKMAP_INCR_MIN_NS / SOCKMAP_INCR_COST_FACTOR
		       ? cost_ns * SOCKMAP_INCR_COST_FACTOR
		       : SOCKMAP_INCR_MIN_NS;
}

static uint64_t ns_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (uint64_t)(t1.tv_sec - t0->tv_sec) * 1000000000ULL + (uint64_t)t1.tv_nsec -
	       (uint64_t)t0->tv_nsec;
}

void sockmap_learn_owner(struct sockmap *sm, const struct flow_key *leg, int32_t pid,
			 uint64_t now_ns)
{
	if (!serves(sm, leg))
		peers_learn(&sm->peers, leg, pid, now_ns);
}

size_t sockmap_pids(struct sockmap *sm, const uint32_t *inodes, const struct flow_key *legs,
		    int32_t *pids, size_t n, uint64_t now_ns)
{
	memset(pids, 0, n * sizeof *pids);
	size_t found = lookup_all(sm, inodes, pids, n);
	if (found < n && legs && sm->scanned_once) {
		hinted_reads(sm, legs, pids, n);
		found = lookup_all(sm, inodes, pids, n);
	}
	struct timespec t0;
	if (found < n && !sm->scanned_once) {
		full_pass(sm, now_ns);
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < n && fresh_pass(sm)) {
		sm->stats.fresh_passes++;
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < n && now_ns - sm->last_incr_ns >= gap_after(sm->incr_cost_ns)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		proc_pass(sm, false);
		sm->incr_cost_ns = ns_since(&t0);
		sm->last_incr_ns = now_ns;
		sm->stats.incr_passes++;
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < n && now_ns - sm->last_recheck_ns >= gap_after(sm->recheck_cost_ns)) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		recheck_pass(sm);
		sm->recheck_cost_ns = ns_since(&t0);
		sm->last_recheck_ns = now_ns;
		sm->stats.recheck_passes++;
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < n && now_ns - sm->last_owners_ns >= SOCKMAP_OWNERS_SCAN_NS) {
		owners_pass(sm);
		sm->last_owners_ns = now_ns;
		sm->stats.owners_passes++;
		found = lookup_all(sm, inodes, pids, n);
	}
	if (found < n && now_ns - sm->last_full_ns >= SOCKMAP_FULL_SCAN_NS) {
		full_pass(sm, now_ns);
		found = lookup_all(sm, inodes, pids, n);
	}
	for (size_t i = 0; legs && i < n; i++)
		if (pids[i])
			sockmap_learn_owner(sm, &legs[i], pids[i], now_ns);
	return found;
}

int32_t sockmap_last_holder(const struct sockmap *sm, uint32_t inode)
{
	struct flow_key k = id_key(KIND_INODE, inode);
	const struct inode_entry *ie = inode ? flowtable_find(&sm->inodes, &k) : NULL;
	return ie ? ie->pid : 0;
}

int32_t sockmap_infer_owner(const struct sockmap *sm, const struct flow_key *leg, uint64_t now_ns)
{
	if (serves(sm, leg))
		return 0;
	int32_t pid = peers_sole_owner(&sm->peers, leg, now_ns);
	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return 0;
	return pid;
}

void sockmap_get_stats(const struct sockmap *sm, struct sockmap_stats *st)
{
	*st = sm->stats;
}
