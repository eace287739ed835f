/* netcap_priv.h - struct netcap, its pages and rows, and the functions
 * shared by netcap.c (capture thread, open / close, refresh and the
 * published snapshot) and netresolve.c (resolver side and resolver
 * thread). Not part of netcap.h's contract: see netcap.c for the threads
 * and locks. */
#ifndef PIDTOP_NETCAP_PRIV_H
#define PIDTOP_NETCAP_PRIV_H

#include "netcap.h"
#include "capfilter.h"
#include "flowtable.h"
#include "sockmap.h"

#include <pcap/pcap.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

#define RECENT_SLOTS 4096          /* capture-side memory of flows already announced */
#define RETRY_FAILED_NS (5000 * 1000000ULL)
/* a closed connection is listed at least this long after its last bytes,
 * and until a refresh has published them */
#define CONN_CLOSED_NS (5000 * 1000000ULL)
#define PID_IDLE_NS (30000 * 1000000ULL)
#define SEEN_TTL_NS (10000 * 1000000ULL) /* an owner named by tcpevents waits this long for bytes */
#define LOCALADDR_TTL_NS (1000 * 1000000ULL)
#define QUICK_ROWS 8           /* queued rows looked up one by one before a dump */
#define EXACT_ROWS_MAX 32      /* TCP rows asked again one by one rather than with a dump */
#define SYN_SLOTS 256          /* connection openings announced per drain; more wait for the ring */
/* include/net/tcp_states.h */
#define TCP_STATE_CLOSE 7
#define TCP_STATE_LISTEN 10

enum row_status { ROW_PENDING = 0, ROW_OK, ROW_FAILED };

struct page {
	struct flowtable flows; /* struct flowtable_counts per src -> dst flow */
	struct netcap_unattributed unattr;
	uint64_t malformed;
	/* connections the SYN watcher saw open, as local legs to resolve at
	 * once: their bytes arrive later through the main ring */
	struct flow_key syn[SYN_SLOTS];
	size_t nsyn;
};

/* Resolver-side state of one local conversation (a netcap_conn plus the
 * bytes waiting for an owner). */
struct row {
	struct netcap_conn conn;
	struct netcap_counters pending;
	struct netcap_counters published; /* conn.c at the last publish */
	uint64_t last_ns, last_try_ns; /* first seen: conn.first_ns */
	uint8_t status;
	bool queued;      /* in the pending list */
	bool quick_tried; /* asked of the kernel one by one since queued */
	bool sock_known;  /* a look-up since queued found its socket, with an inode: conn.inode */
	bool sock_gone;   /* a look-up since queued had no socket for it */
	bool parked;      /* sock_gone and out of the queue: waits in nc->parked for its give-up */
};

/* A row no look-up can help any more (sock_gone), waiting for tcpevents or
 * its give-up at due_ns out of the batch's way. */
struct parked_row {
	struct flow_key key;
	uint64_t due_ns;
};

struct seen_owner {
	int32_t pid;
	uint64_t t_ns;
};

struct pid_total {
	int32_t pid;
	uint64_t last_ns;
	struct netcap_counters c;
	/* the totals at the last publish and at the one before: a snapshot's
	 * interval is the difference (a new pid starts from zeros) */
	struct netcap_counters published, before;
};

/* Where pid is, or would go, in v[n] sorted by pid: n elements of stride
 * bytes, each with its int32_t pid pid_at bytes in (the per-pid totals,
 * the published connections). */
static inline size_t netcap_lower_bound_pid(const void *v, size_t n, size_t stride, size_t pid_at,
					    int32_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int32_t p;
		memcpy(&p, (const char *)v + mid * stride + pid_at, sizeof p);
		if (p < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Where pid is, or would go, in totals v[n] sorted by pid. */
static inline size_t netcap_pid_index(const struct pid_total *v, size_t n, int32_t pid)
{
	return netcap_lower_bound_pid(v, n, sizeof *v, offsetof(struct pid_total, pid), pid);
}

/* Why a SYN watcher. The main ring is a TPACKET_V3 ring whose blocks reach
 * us when full or after NETCAP_TIMEOUT_MS, so a connection can be seen
 * only up to that long after it opened. A curl run to a local server opens,
 * moves 100 KB and closes in 1.5 to 5 ms, and its process exits a few ms
 * later: by the time its first packet was drained, its socket was gone from
 * sock_diag and its pid from /proc, and all its bytes went unattributed.
 * A second capture in immediate mode (libpcap then uses TPACKET_V2, one
 * wake-up per packet) with a kernel filter that passes only SYNs costs one
 * wake-up per new connection, and lets the resolver look the socket and
 * its process up while they still exist. It counts nothing: the bytes,
 * SYN included, are counted from the main ring only. */
struct netcap {
	struct capfilter cf; /* -i and -f */
	pcap_t *pcap;
	pcap_t *syn_pcap; /* NULL when it could not be opened: attribution is slower, not wrong */
	int dlt, syn_dlt;
	int stop_fd; /* eventfd: wakes the capture thread's poll on close */
	pthread_t cap_thread, res_thread;
	bool cap_started, res_started;

	/* capture side */
	pthread_mutex_t page_mu;
	struct page pages[2];
	struct page *active; /* written by the capture thread */
	uint64_t recent[RECENT_SLOTS];
	struct flowtable_fragcache frags;
	uint64_t recent_seed;
	volatile int cap_failed; /* set once by the capture thread */
	char cap_why[PCAP_ERRBUF_SIZE + 64];

	/* wake-up */
	pthread_mutex_t wake_mu;
	pthread_cond_t wake_cv;
	bool wake, stopping;

	/* resolver side, under state_mu */
	pthread_mutex_t state_mu;
	struct sockmap *sm;
	struct flowtable rows; /* leg key -> struct row */
	struct flow_key *queue; /* rows waiting for an owner */
	size_t nqueue, queue_cap;
	struct parked_row *parked; /* sorted by due_ns from park_head on */
	size_t park_head, nparked, parked_cap;
	uint32_t *q_inodes;
	int32_t *q_pids;
	size_t q_cap;
	struct tcpevents *te;  /* NULL when the tracepoint cannot be read */
	struct flowtable seen; /* leg -> struct seen_owner: owners named before their bytes came */
	struct pid_total *pids; /* sorted by pid */
	size_t npids, pids_cap;
	struct netcap_unattributed unattr;
	uint64_t malformed;
	uint64_t last_resolve_ns; /* the last socket dump */
	uint64_t last_batch_ns;   /* the last resolve_batch, dump or not */
	uint64_t last_recheck_ns; /* the last time found rows were asked again */
	uint64_t last_refresh_ns;
	uint64_t batch_rows;    /* netcap_lookup_costs */
	uint64_t closed_misses; /* netcap_lookup_costs */
	struct flow_key *local; /* local addresses (family + addr in saddr) */
	size_t nlocal, local_cap;
	uint64_t local_ns;
	bool dump_ok;

	/* published by netcap_refresh, read by the model thread */
	struct pid_total *pub_pids;
	size_t pub_npids, pub_pids_cap;
	struct netcap_conn *pub_conns;
	size_t pub_nconns, pub_conns_cap;
	struct netcap_unattributed pub_unattr;
	uint64_t pub_drops, pub_malformed;
	uint64_t pub_since_ns; /* the refresh before the published one: its interval's start */
	char state[PCAP_ERRBUF_SIZE + 96];
};

/* counting, shared by both threads */
static inline void netcap_count_add(uint64_t *bytes, uint64_t *pkts, uint64_t b, uint64_t p)
{
	*bytes += b;
	*pkts += p;
}

static inline void netcap_unattr_add(struct netcap_unattributed *u, uint8_t proto, uint64_t bytes,
				     uint64_t pkts)
{
	if (proto == IPPROTO_TCP)
		netcap_count_add(&u->tcp_bytes, &u->tcp_pkts, bytes, pkts);
	else if (proto == IPPROTO_UDP)
		netcap_count_add(&u->udp_bytes, &u->udp_pkts, bytes, pkts);
	else
		netcap_count_add(&u->other_bytes, &u->other_pkts, bytes, pkts);
}

static inline bool netcap_counters_zero(const struct netcap_counters *c)
{
	return !c->tx_bytes && !c->tx_pkts && !c->rx_bytes && !c->rx_pkts;
}

/* A row's owner is pid from now on; what it booked to another pid in this
 * interval is no longer its own. */
static inline void netcap_set_owner(struct row *r, int32_t pid)
{
	if (r->conn.pid != pid)
		memset(&r->conn.booked, 0, sizeof r->conn.booked);
	r->conn.pid = pid;
}

/* netresolve.c: the resolver side, called with state_mu held */
void netcap_counters_add(struct netcap_counters *to, const struct netcap_counters *from);
struct flow_key netcap_reversed(const struct flow_key *k);
void netcap_drain(struct netcap *nc, uint64_t t);
void netcap_resolve(struct netcap *nc, uint64_t t);
void netcap_mark_closed(struct row *r);
bool netcap_stands_in(const struct sockmap_sock *s, const struct flow_key *leg);
void netcap_exact_state(struct netcap *nc, struct row *r);
void netcap_apply_match(struct netcap *nc, struct row *r, const struct sockmap_sock *s);

/* netresolve.c: the resolver thread */
void *netcap_resolver_main(void *arg);

#endif
