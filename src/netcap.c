/* netcap.c - libpcap capture thread, resolver thread, per-process totals.
 *
 * Threads and locks:
 *  - capture thread: poll()s the pcap fd, decodes, and adds to the active
 *    "page" (flow counters + unattributed counters) under page_mu, held
 *    for one pcap_dispatch batch. It never touches anything else.
 *  - resolver thread: woken (wake_mu/wake_cv) when the capture thread saw
 *    a flow it had not seen recently; runs drain + resolve under state_mu,
 *    at most once per NETCAP_RESOLVE_MIN_NS.
 *  - the model thread: netcap_refresh() runs drain + resolve under
 *    state_mu, then copies the state into the published snapshot that only
 *    it reads.
 * Draining swaps the two pages under page_mu, so the capture thread is
 * held up for a pointer swap, never for a resolve.
 */
#include "netcap.h"
#include "buf.h"
#include "capfilter.h"
#include "flowtable.h"
#include "sockmap.h"
#include "tcpevents.h"

#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_FLOWS_PER_PAGE (1u << 20) /* beyond: counted as unattributed */
#define MAX_CONNS (1u << 20)
#define RECENT_SLOTS 4096          /* capture-side memory of flows already announced */
#define RETRY_FAILED_NS (5000 * 1000000ULL)
#define CONN_IDLE_NS (60000 * 1000000ULL)
#define PID_IDLE_NS (30000 * 1000000ULL)
#define SEEN_TTL_NS (10000 * 1000000ULL) /* an owner named by tcpevents waits this long for bytes */
#define MAX_SEEN (1u << 16)
#define LOCALADDR_TTL_NS (1000 * 1000000ULL)
#define QUICK_ROWS 8           /* queued rows looked up one by one before a dump */
#define SYN_SLOTS 256          /* connection openings announced per drain; more wait for the ring */
/* the SYN watcher's ring, all of it resident: in immediate mode it wakes
 * for every opening, and this holds a couple of hundred between two
 * wake-ups; more only make attribution slower */
#define SYN_BUFFER_BYTES (64 << 10)
/* include/net/tcp_states.h */
#define TCP_STATE_CLOSE 7
#define TCP_STATE_LISTEN 10

/* Connection openings: a TCP SYN without ACK, IPv4 or IPv6 with TCP as the
 * first header (IPv6 extension headers before TCP are rare enough to leave
 * to the main ring). ip6[53] is the TCP flags byte behind a 40-byte IPv6
 * header. */
#define FILTER_SYN                                                                                 \
	"(tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn) or "                                       \
	"(ip6 and ip6[6] == 6 and ip6[53] & 0x12 == 0x02)"

/* tcp or udp (libpcap also matches IPv6 fragments of them), IPv4 later
 * fragments of anything, and IPv6 packets whose first header is an
 * extension header (hop-by-hop, routing, destination options, AH) that the
 * "tcp"/"udp" primitives do not look behind */
#define FILTER_IP                                                                                  \
	"tcp or udp or (ip and ip[6:2] & 0x1fff != 0) or "                                         \
	"(ip6 and (ip6[6] == 0 or ip6[6] == 43 or ip6[6] == 60 or ip6[6] == 51))"

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
	struct netcap_counters published; /* conn.c + pending at the last publish */
	uint64_t first_ns, last_ns, last_try_ns;
	uint8_t status;
	bool queued;      /* in the pending list */
	bool quick_tried; /* asked of the kernel one by one since queued */
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
	uint32_t *q_inodes;
	int32_t *q_pids;
	size_t q_cap;
	struct tcpevents *te;  /* NULL when the tracepoint cannot be read */
	struct flowtable seen; /* leg -> struct seen_owner: owners named before their bytes came */
	struct pid_total *pids; /* sorted by pid */
	size_t npids, pids_cap;
	struct netcap_unattributed unattr;
	uint64_t malformed;
	uint64_t last_resolve_ns;
	uint64_t last_refresh_ns;
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
	char state[PCAP_ERRBUF_SIZE + 96];
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void count_add(uint64_t *bytes, uint64_t *pkts, uint64_t b, uint64_t p)
{
	*bytes += b;
	*pkts += p;
}

static void unattr_add(struct netcap_unattributed *u, uint8_t proto, uint64_t bytes,
		       uint64_t pkts)
{
	if (proto == IPPROTO_TCP)
		count_add(&u->tcp_bytes, &u->tcp_pkts, bytes, pkts);
	else if (proto == IPPROTO_UDP)
		count_add(&u->udp_bytes, &u->udp_pkts, bytes, pkts);
	else
		count_add(&u->other_bytes, &u->other_pkts, bytes, pkts);
}

static void unattr_merge(struct netcap_unattributed *to, const struct netcap_unattributed *from)
{
	to->tcp_bytes += from->tcp_bytes;
	to->tcp_pkts += from->tcp_pkts;
	to->udp_bytes += from->udp_bytes;
	to->udp_pkts += from->udp_pkts;
	to->other_bytes += from->other_bytes;
	to->other_pkts += from->other_pkts;
}

/* ---- capture thread ---------------------------------------------------- */

/* Whether this flow was announced to the resolver recently: a direct-mapped
 * cache of flow hashes. A collision only delays resolution to the next
 * refresh. */
static bool recently_announced(struct netcap *nc, const struct flow_key *k)
{
	uint64_t h = flowtable_hash(&nc->pages[0].flows, k) ^ nc->recent_seed;
	h |= 1; /* 0 marks an empty slot */
	uint64_t *slot = &nc->recent[h % RECENT_SLOTS];
	if (*slot == h)
		return true;
	*slot = h;
	return false;
}

struct batch {
	struct netcap *nc;
	bool new_flow;
};

static void syn_push(struct page *pg, const struct flow_key *leg)
{
	if (pg->nsyn < SYN_SLOTS)
		pg->syn[pg->nsyn++] = *leg;
}

static struct flow_key reversed(const struct flow_key *k);

/* A SYN from the watcher: the local legs of the new connection. */
static void on_syn(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct batch *b = (struct batch *)user;
	struct page *pg = b->nc->active;
	struct pkt_info pi;
	if (pktdecode(b->nc->syn_dlt, bytes, h->caplen, h->len, &pi) != PKTDECODE_FLOW ||
	    pi.dir == PKTDIR_OTHERHOST || (pi.loopback && pi.dir == PKTDIR_OUT))
		return;
	/* the sender's leg when it leaves from here, the listener's when it
	 * arrives here; both on loopback or without a direction (a leg that
	 * is not local simply never finds a socket) */
	if (pi.loopback || pi.dir != PKTDIR_IN)
		syn_push(pg, &pi.key);
	if (pi.loopback || pi.dir != PKTDIR_OUT) {
		struct flow_key leg = reversed(&pi.key);
		syn_push(pg, &leg);
	}
	b->new_flow = true;
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct batch *b = (struct batch *)user;
	struct netcap *nc = b->nc;
	struct page *pg = nc->active;
	struct pkt_info pi;
	int rc = pktdecode(nc->dlt, bytes, h->caplen, h->len, &pi);
	if (rc < 0) {
		pg->malformed++;
		unattr_add(&pg->unattr, 0, h->len, 1);
		return;
	}
	if (rc == PKTDECODE_NOT_IP || pi.dir == PKTDIR_OTHERHOST)
		return; /* not IP, or not this host's traffic */
	/* a loopback packet is counted from its incoming copy, for both ends */
	if (pi.loopback && pi.dir == PKTDIR_OUT)
		return;
	if (rc == PKTDECODE_FRAGMENT && flowtable_frag_lookup(&nc->frags, &pi))
		rc = PKTDECODE_FLOW;
	else if (rc == PKTDECODE_FLOW && pi.fragment)
		flowtable_frag_remember(&nc->frags, &pi);
	if (rc != PKTDECODE_FLOW) {
		unattr_add(&pg->unattr, pi.key.proto, pi.ip_len, 1);
		return;
	}
	bool created;
	struct flowtable_counts *c = flowtable_get(&pg->flows, &pi.key, &created);
	if (!c) {
		unattr_add(&pg->unattr, pi.key.proto, pi.ip_len, 1);
		return;
	}
	if (pi.loopback) {
		count_add(&c->tx_bytes, &c->tx_pkts, pi.ip_len, 1);
		count_add(&c->rx_bytes, &c->rx_pkts, pi.ip_len, 1);
	} else if (pi.dir == PKTDIR_OUT) {
		count_add(&c->tx_bytes, &c->tx_pkts, pi.ip_len, 1);
	} else if (pi.dir == PKTDIR_IN) {
		count_add(&c->rx_bytes, &c->rx_pkts, pi.ip_len, 1);
	} else {
		count_add(&c->any_bytes, &c->any_pkts, pi.ip_len, 1);
	}
	if (created && !recently_announced(nc, &pi.key))
		b->new_flow = true;
}

static void *capture_main(void *arg)
{
	struct netcap *nc = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	struct pollfd pfd[3] = {
		{.fd = pcap_get_selectable_fd(nc->pcap), .events = POLLIN},
		{.fd = nc->stop_fd, .events = POLLIN},
		{.fd = nc->syn_pcap ? pcap_get_selectable_fd(nc->syn_pcap) : -1, .events = POLLIN},
	};
	for (;;) {
		if (poll(pfd, 3, -1) < 0 && errno != EINTR) {
			snprintf(nc->cap_why, sizeof nc->cap_why, "poll on the capture failed: %s",
				 strerror(errno));
			break;
		}
		if (pfd[1].revents)
			return NULL;
		if (pfd[0].revents & (POLLERR | POLLHUP | POLLNVAL) && !(pfd[0].revents & POLLIN)) {
			snprintf(nc->cap_why, sizeof nc->cap_why, "the capture device went away");
			break;
		}
		struct batch b = {.nc = nc};
		pthread_mutex_lock(&nc->page_mu);
		/* a watcher that fails only costs the early look-ups: stop polling it */
		if (pfd[2].fd >= 0 && (pfd[2].revents & (POLLERR | POLLHUP | POLLNVAL) ||
				       (pfd[2].revents & POLLIN &&
					pcap_dispatch(nc->syn_pcap, -1, on_syn, (u_char *)&b) < 0)))
			pfd[2].fd = -1;
		int n = pcap_dispatch(nc->pcap, -1, on_packet, (u_char *)&b);
		pthread_mutex_unlock(&nc->page_mu);
		if (n == PCAP_ERROR) {
			snprintf(nc->cap_why, sizeof nc->cap_why, "capture stopped: %s",
				 pcap_geterr(nc->pcap));
			break;
		}
		if (b.new_flow) {
			pthread_mutex_lock(&nc->wake_mu);
			nc->wake = true;
			pthread_cond_signal(&nc->wake_cv);
			pthread_mutex_unlock(&nc->wake_mu);
		}
	}
	__atomic_store_n(&nc->cap_failed, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- resolver side (state_mu held) -------------------------------------- */

static struct pid_total *pid_slot(struct netcap *nc, int32_t pid)
{
	size_t lo = 0, hi = nc->npids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nc->pids[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nc->npids && nc->pids[lo].pid == pid)
		return &nc->pids[lo];
	struct pid_total *p = array_grow(nc->pids, &nc->pids_cap, nc->npids + 1, sizeof *p, 64);
	if (!p)
		return NULL;
	nc->pids = p;
	memmove(&nc->pids[lo + 1], &nc->pids[lo], (nc->npids - lo) * sizeof *nc->pids);
	nc->npids++;
	memset(&nc->pids[lo], 0, sizeof nc->pids[lo]);
	nc->pids[lo].pid = pid;
	return &nc->pids[lo];
}

static void counters_add(struct netcap_counters *to, const struct netcap_counters *from)
{
	to->tx_bytes += from->tx_bytes;
	to->tx_pkts += from->tx_pkts;
	to->rx_bytes += from->rx_bytes;
	to->rx_pkts += from->rx_pkts;
}

/* Books bytes a row's owner is now known (or known to be nobody) for. */
static void row_book(struct netcap *nc, struct row *r, const struct netcap_counters *d,
		     uint64_t t)
{
	counters_add(&r->conn.c, d);
	if (r->status == ROW_OK) {
		struct pid_total *p = pid_slot(nc, r->conn.pid);
		if (p) {
			counters_add(&p->c, d);
			p->last_ns = t;
			return;
		}
	}
	unattr_add(&nc->unattr, r->conn.key.proto, d->tx_bytes + d->rx_bytes,
		   d->tx_pkts + d->rx_pkts);
}

static void queue_row(struct netcap *nc, struct row *r)
{
	if (r->queued)
		return;
	struct flow_key *q = array_grow(nc->queue, &nc->queue_cap, nc->nqueue + 1, sizeof *q, 256);
	if (!q)
		return;
	nc->queue = q;
	nc->queue[nc->nqueue++] = r->conn.key;
	r->queued = true;
	r->quick_tried = false;
}

static void credit_leg(struct netcap *nc, const struct flow_key *leg, bool tx, uint64_t bytes,
		       uint64_t pkts, uint64_t t)
{
	bool created;
	struct row *r = flowtable_get(&nc->rows, leg, &created);
	if (!r) {
		unattr_add(&nc->unattr, leg->proto, bytes, pkts);
		return;
	}
	if (created) {
		r->conn.key = *leg;
		r->conn.uid = UINT32_MAX;
		r->first_ns = t;
		r->status = ROW_PENDING;
		const struct seen_owner *so = flowtable_find(&nc->seen, leg);
		if (so && t - so->t_ns < SEEN_TTL_NS) {
			r->status = ROW_OK;
			r->conn.pid = so->pid;
		} else {
			queue_row(nc, r);
		}
	}
	r->last_ns = t;
	struct netcap_counters d = {0};
	if (tx)
		count_add(&d.tx_bytes, &d.tx_pkts, bytes, pkts);
	else
		count_add(&d.rx_bytes, &d.rx_pkts, bytes, pkts);
	if (r->status == ROW_PENDING)
		counters_add(&r->pending, &d);
	else
		row_book(nc, r, &d, t);
}

/* A connection opening on leg: a row with no bytes yet, queued for the
 * resolve that follows. A row left by an earlier connection on the same
 * ports belongs to another socket, maybe another process: look it up
 * again (bytes until then wait in pending, as for any new row). */
static void syn_leg(struct netcap *nc, const struct flow_key *leg, uint64_t t)
{
	struct row *r = flowtable_find(&nc->rows, leg);
	if (r && !r->queued) {
		r->status = ROW_PENDING;
		r->first_ns = t;
		queue_row(nc, r);
		return;
	}
	credit_leg(nc, leg, true, 0, 0, t);
}

static void refresh_local_addrs(struct netcap *nc, uint64_t t)
{
	if (nc->local_ns && t - nc->local_ns < LOCALADDR_TTL_NS)
		return;
	nc->local_ns = t;
	nc->nlocal = 0;
	struct ifaddrs *ifa;
	if (getifaddrs(&ifa) < 0)
		return;
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr ||
		    (i->ifa_addr->sa_family != AF_INET && i->ifa_addr->sa_family != AF_INET6))
			continue;
		struct flow_key *l = array_grow(nc->local, &nc->local_cap, nc->nlocal + 1, sizeof *l, 16);
		if (!l)
			break;
		nc->local = l;
		struct flow_key *k = &nc->local[nc->nlocal++];
		memset(k, 0, sizeof *k);
		k->family = (uint8_t)i->ifa_addr->sa_family;
		if (k->family == AF_INET)
			memcpy(k->saddr, &((struct sockaddr_in *)i->ifa_addr)->sin_addr, 4);
		else
			memcpy(k->saddr, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr, 16);
	}
	freeifaddrs(ifa);
}

static bool is_local(const struct netcap *nc, uint8_t family, const uint8_t a[16])
{
	if (family == AF_INET && a[0] == 127)
		return true;
	for (size_t i = 0; i < nc->nlocal; i++)
		if (nc->local[i].family == family && memcmp(nc->local[i].saddr, a, 16) == 0)
			return true;
	return false;
}

static struct flow_key reversed(const struct flow_key *k)
{
	struct flow_key r = *k;
	memcpy(r.saddr, k->daddr, 16);
	memcpy(r.daddr, k->saddr, 16);
	r.sport = k->dport;
	r.dport = k->sport;
	return r;
}

static void row_settle(struct netcap *nc, struct row *r, enum row_status status, int32_t pid,
		       uint64_t t);

/* Drops from the queue the rows settled since they were queued. */
static void compact_queue(struct netcap *nc)
{
	size_t keep = 0;
	for (size_t i = 0; i < nc->nqueue; i++) {
		const struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		if (r && r->queued)
			nc->queue[keep++] = nc->queue[i];
	}
	nc->nqueue = keep;
}

struct owner_ctx {
	struct netcap *nc;
	uint64_t t;
};

/* A connection's owner named by tcpevents: its row takes it (over an
 * inference), and a row still to come finds it in seen. */
static void on_owner(const struct flow_key *leg, int32_t pid, void *arg)
{
	struct owner_ctx *c = arg;
	struct netcap *nc = c->nc;
	struct row *r = flowtable_find(&nc->rows, leg);
	if (r && r->queued) {
		row_settle(nc, r, ROW_OK, pid, c->t);
	} else if (r && (r->status != ROW_OK || r->conn.inferred)) {
		r->status = ROW_OK; /* what it was booked with stays where it went */
		r->conn.pid = pid;
		r->conn.inferred = false;
	}
	sockmap_learn_owner(nc->sm, leg, pid, c->t);
	bool created;
	struct seen_owner *so = flowtable_get(&nc->seen, leg, &created);
	if (!so) { /* full: start over rather than grow */
		flowtable_clear(&nc->seen);
		so = flowtable_get(&nc->seen, leg, &created);
	}
	if (so)
		*so = (struct seen_owner){pid, c->t};
}

static void read_owners(struct netcap *nc, uint64_t t)
{
	struct owner_ctx c = {nc, t};
	tcpevents_read(nc->te, on_owner, &c);
	compact_queue(nc);
}

static void drain(struct netcap *nc, uint64_t t)
{
	pthread_mutex_lock(&nc->page_mu);
	struct page *pg = nc->active;
	nc->active = pg == &nc->pages[0] ? &nc->pages[1] : &nc->pages[0];
	pthread_mutex_unlock(&nc->page_mu);

	size_t pos = 0;
	const struct flow_key *k;
	struct flowtable_counts *c;
	while ((c = flowtable_next(&pg->flows, &pos, &k))) {
		uint64_t txb = c->tx_bytes, txp = c->tx_pkts, rxb = c->rx_bytes, rxp = c->rx_pkts;
		if (c->any_pkts) {
			refresh_local_addrs(nc, t);
			bool src_local = is_local(nc, k->family, k->saddr);
			bool dst_local = is_local(nc, k->family, k->daddr);
			if (src_local)
				count_add(&txb, &txp, c->any_bytes, c->any_pkts);
			if (dst_local)
				count_add(&rxb, &rxp, c->any_bytes, c->any_pkts);
			if (!src_local && !dst_local) /* forwarded, or to an address we missed */
				unattr_add(&nc->unattr, k->proto, c->any_bytes, c->any_pkts);
		}
		if (txp)
			credit_leg(nc, k, true, txb, txp, t);
		if (rxp) {
			struct flow_key leg = reversed(k);
			credit_leg(nc, &leg, false, rxb, rxp, t);
		}
	}
	/* rows for the connections that just opened, with no bytes yet: the
	 * resolve that follows looks them up while they are alive */
	for (size_t i = 0; i < pg->nsyn; i++)
		syn_leg(nc, &pg->syn[i], t);
	if (nc->te)
		read_owners(nc, t);
	unattr_merge(&nc->unattr, &pg->unattr);
	nc->malformed += pg->malformed;
	flowtable_clear(&pg->flows);
	memset(&pg->unattr, 0, sizeof pg->unattr);
	pg->malformed = 0;
	pg->nsyn = 0;
}

static bool grow_batch(struct netcap *nc, size_t n)
{
	if (n <= nc->q_cap)
		return true;
	if (n > SIZE_MAX / sizeof(uint32_t))
		return false;
	uint32_t *in = realloc(nc->q_inodes, n * sizeof *in);
	if (!in)
		return false;
	nc->q_inodes = in;
	int32_t *p = realloc(nc->q_pids, n * sizeof *p);
	if (!p)
		return false;
	nc->q_pids = p;
	nc->q_cap = n;
	return true;
}

static void apply_sock(struct row *r, const struct sockmap_sock *s)
{
	r->conn.inode = s->inode;
	r->conn.uid = s->uid;
	r->conn.state = s->state;
	r->conn.closed = false;
}

static void mark_closed(struct row *r)
{
	r->conn.closed = true;
	r->conn.state = TCP_STATE_CLOSE;
}

/* Whether s only stands in for leg's own socket: a TCP listener matched to
 * one of its connections (not accepted yet, or gone). */
static bool stands_in(const struct sockmap_sock *s, const struct flow_key *leg)
{
	return s->proto == IPPROTO_TCP && s->state == TCP_STATE_LISTEN && leg->dport != 0;
}

/* A TCP connection's own state, asked of the kernel: one that no process
 * holds any more (FIN_WAIT2, TIME_WAIT...) is left out of the dumps. Gone
 * altogether: closed. */
static void exact_state(struct netcap *nc, struct row *r)
{
	struct sockmap_sock e;
	if (r->conn.key.proto == IPPROTO_TCP && sockmap_find_exact(nc->sm, &r->conn.key, &e) >= 0 &&
	    e.family) {
		r->conn.state = e.state;
		return;
	}
	mark_closed(r);
}

/* Takes s's owner and state for r; a listener standing in for one of its
 * connections gives its owner, never its LISTEN state. */
static void apply_match(struct netcap *nc, struct row *r, const struct sockmap_sock *s)
{
	apply_sock(r, s);
	if (stands_in(s, &r->conn.key))
		exact_state(nc, r);
}

/* A queued row's look-up ended: found (ROW_OK, owned by pid) or given up
 * (ROW_FAILED). The bytes that waited go to the owner or to unattributed. */
static void row_settle(struct netcap *nc, struct row *r, enum row_status status, int32_t pid,
		       uint64_t t)
{
	r->last_try_ns = t;
	r->status = status;
	if (status == ROW_OK)
		r->conn.pid = pid;
	r->conn.inferred = false;
	r->queued = false;
	struct netcap_counters d = r->pending;
	memset(&r->pending, 0, sizeof r->pending);
	row_book(nc, r, &d, t);
}

/* The newest queued rows not asked yet (those the SYN watcher just saw
 * open), at most QUICK_ROWS, are asked of the kernel one by one and their
 * owners read at once: a connection of a millisecond (curl to a local
 * server) is over before the socket dumps of a full resolve come back. A
 * TCP connection the kernel knows but no process holds any more (closed
 * already) gets its owner inferred. What is not found waits for the dump. */
static void resolve_quick(struct netcap *nc, uint64_t t)
{
	uint32_t inodes[QUICK_ROWS];
	struct flow_key legs[QUICK_ROWS];
	int32_t pids[QUICK_ROWS];
	struct row *rows[QUICK_ROWS];
	size_t m = 0, settled = 0;
	for (size_t i = nc->nqueue; i-- > 0 && m < QUICK_ROWS;) {
		struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		if (!r || r->quick_tried)
			continue;
		r->quick_tried = true;
		struct sockmap_sock s;
		int rc = sockmap_find_exact(nc->sm, &nc->queue[i], &s);
		int32_t pid = rc == 0 && s.family ? sockmap_infer_owner(nc->sm, &r->conn.key, t) : 0;
		if (pid > 0) {
			r->conn.state = s.state;
			row_settle(nc, r, ROW_OK, pid, t);
			r->conn.inferred = true;
			settled++;
		}
		if (rc != 1)
			continue;
		apply_sock(r, &s);
		inodes[m] = s.inode;
		legs[m] = nc->queue[i];
		rows[m++] = r;
	}
	if (m > 0 && sockmap_pids(nc->sm, inodes, legs, pids, m, t) > 0) {
		for (size_t k = 0; k < m; k++)
			if (pids[k] > 0) {
				row_settle(nc, rows[k], ROW_OK, pids[k], t);
				settled++;
			}
	}
	if (settled)
		compact_queue(nc);
}

/* Resolves the queued rows: a few new connections one by one, then the
 * rest in one batch: one socket dump, one pid lookup. */
static void resolve_batch(struct netcap *nc, uint64_t t);

static void resolve(struct netcap *nc, uint64_t t)
{
	resolve_quick(nc, t);
	resolve_batch(nc, t);
}

static void resolve_batch(struct netcap *nc, uint64_t t)
{
	if (nc->nqueue == 0)
		return;
	nc->last_resolve_ns = t;
	nc->dump_ok = sockmap_dump(nc->sm) == 0;
	if (!grow_batch(nc, nc->nqueue))
		return;
	size_t n = nc->nqueue;
	for (size_t i = 0; i < n; i++) {
		struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		const struct sockmap_sock *s = r && nc->dump_ok ? sockmap_lookup(nc->sm, &r->conn.key) : NULL;
		nc->q_inodes[i] = s ? s->inode : 0;
		if (s)
			apply_match(nc, r, s);
	}
	sockmap_pids(nc->sm, nc->q_inodes, nc->queue, nc->q_pids, n, t);
	size_t keep = 0;
	for (size_t i = 0; i < n; i++) {
		struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		if (!r)
			continue;
		/* a socket that is gone (no match in a good dump) will not be
		 * found later either: infer its owner now, or at the give-up */
		bool gone = nc->dump_ok && !nc->q_inodes[i];
		/* its inode, read when it opened, may have been indexed since */
		if (gone && nc->q_pids[i] <= 0 && r->conn.inode)
			nc->q_pids[i] = sockmap_last_holder(nc->sm, r->conn.inode);
		int32_t inferred = 0;
		if (nc->q_pids[i] <= 0 && (gone || t - r->first_ns >= NETCAP_GIVEUP_NS))
			inferred = sockmap_infer_owner(nc->sm, &r->conn.key, t);
		if (nc->q_pids[i] > 0) {
			row_settle(nc, r, ROW_OK, nc->q_pids[i], t);
		} else if (inferred > 0) {
			row_settle(nc, r, ROW_OK, inferred, t);
			r->conn.inferred = true;
		} else if (t - r->first_ns >= NETCAP_GIVEUP_NS) {
			row_settle(nc, r, ROW_FAILED, 0, t);
		} else {
			r->last_try_ns = t;
			nc->queue[keep++] = nc->queue[i];
		}
	}
	nc->nqueue = keep;
}

/* ---- resolver thread ---------------------------------------------------- */

static void *resolver_main(void *arg)
{
	struct netcap *nc = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* rows left for the batch, and when its rate limit lets it run */
	bool waiting = false;
	uint64_t due = 0;
	for (;;) {
		pthread_mutex_lock(&nc->wake_mu);
		while (!nc->wake && !nc->stopping) {
			if (!waiting) {
				pthread_cond_wait(&nc->wake_cv, &nc->wake_mu);
				continue;
			}
			if (now_ns() >= due)
				break;
			struct timespec ts = {.tv_sec = (time_t)(due / 1000000000ULL),
					      .tv_nsec = (long)(due % 1000000000ULL)};
			pthread_cond_timedwait(&nc->wake_cv, &nc->wake_mu, &ts);
		}
		bool stop = nc->stopping;
		nc->wake = false;
		pthread_mutex_unlock(&nc->wake_mu);
		if (stop)
			return NULL;
		/* the new connections at once (their sockets may live a
		 * millisecond), the batch with its dump at most every
		 * NETCAP_RESOLVE_MIN_NS */
		pthread_mutex_lock(&nc->state_mu);
		uint64_t t = now_ns();
		drain(nc, t);
		resolve_quick(nc, t);
		if (t - nc->last_resolve_ns >= NETCAP_RESOLVE_MIN_NS)
			resolve_batch(nc, t);
		waiting = nc->nqueue > 0;
		due = nc->last_resolve_ns + NETCAP_RESOLVE_MIN_NS;
		pthread_mutex_unlock(&nc->state_mu);
	}
}

/* ---- open / close -------------------------------------------------------- */

static int open_error(pcap_t *p, int rc, const char *dev, char *why, size_t whylen)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(why, whylen, "no such capture device '%s'", dev);
		return NETCAP_ERR_DEVICE;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(why, whylen, "needs CAP_NET_RAW (run as root or setcap cap_net_raw+ep)");
		return NETCAP_ERR_PERM;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(why, whylen, "interface '%s' is down", dev);
		return NETCAP_ERR_OTHER;
	default:
		snprintf(why, whylen, "cannot capture on '%s': %s", dev,
			 rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		return NETCAP_ERR_OTHER;
	}
}

/* Devices whose native link type has no direction are switched to Linux
 * cooked headers, which carry the packet type (pcap-linux.c offers
 * DLT_LINUX_SLL and DLT_LINUX_SLL2 for every device). */
static void prefer_cooked(pcap_t *p)
{
	int dlt = pcap_datalink(p);
	if (dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2)
		return;
	if (pcap_set_datalink(p, DLT_LINUX_SLL2) == 0)
		return;
	(void)pcap_set_datalink(p, DLT_LINUX_SLL);
}

/* Compiles base with the devices and the user's filter into p. A filter
 * the user gave that does not compile is a usage error. */
static int apply_filter(const struct capfilter *cf, pcap_t *p, const char *base, char *why,
			size_t whylen)
{
	char *expr = capfilter_expr(cf, base);
	struct bpf_program prog;
	if (!expr) {
		snprintf(why, whylen, "out of memory");
		return NETCAP_ERR_OTHER;
	}
	int rc = pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	free(expr);
	if (rc < 0 && cf->user) {
		snprintf(why, whylen, "bad capture filter '%s': %s", cf->user, pcap_geterr(p));
		return NETCAP_ERR_DEVICE;
	}
	if (rc < 0) {
		snprintf(why, whylen, "cannot set the capture filter: %s", pcap_geterr(p));
		return NETCAP_ERR_OTHER;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc < 0) {
		snprintf(why, whylen, "cannot set the capture filter: %s", pcap_geterr(p));
		return NETCAP_ERR_OTHER;
	}
	return 0;
}

static int set_filter(struct netcap *nc, char *why, size_t whylen)
{
	const char *expr = FILTER_IP;
	char vlan_expr[512];
	if (nc->dlt == DLT_EN10MB) {
		snprintf(vlan_expr, sizeof vlan_expr, "(%s) or (vlan and (%s))", FILTER_IP, FILTER_IP);
		expr = vlan_expr;
	}
	return apply_filter(&nc->cf, nc->pcap, expr, why, whylen);
}

/* The SYN watcher (see struct netcap). Failing to open it is not an error:
 * the main ring still counts and attributes everything, only later. */
static void open_syn_watcher(struct netcap *nc, const char *dev)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(dev, errbuf);
	if (!p)
		return;
	pcap_set_snaplen(p, NETCAP_SNAPLEN);
	pcap_set_promisc(p, 0);
	pcap_set_immediate_mode(p, 1);
	pcap_set_buffer_size(p, SYN_BUFFER_BYTES);
	if (pcap_activate(p) < 0) {
		pcap_close(p);
		return;
	}
	prefer_cooked(p);
	char why[PCAP_ERRBUF_SIZE + 64];
	if (apply_filter(&nc->cf, p, FILTER_SYN, why, sizeof why) < 0 ||
	    pcap_setnonblock(p, 1, errbuf) < 0 || pcap_get_selectable_fd(p) < 0) {
		pcap_close(p);
		return;
	}
	nc->syn_pcap = p;
	nc->syn_dlt = pcap_datalink(p);
}

static int open_pcap(struct netcap *nc, const char *dev, char *why, size_t whylen)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	nc->pcap = pcap_create(dev, errbuf);
	if (!nc->pcap) {
		snprintf(why, whylen, "cannot capture on '%s': %s", dev, errbuf);
		return NETCAP_ERR_OTHER;
	}
	pcap_set_snaplen(nc->pcap, NETCAP_SNAPLEN);
	pcap_set_promisc(nc->pcap, 0);
	pcap_set_timeout(nc->pcap, NETCAP_TIMEOUT_MS);
	pcap_set_buffer_size(nc->pcap, NETCAP_BUFFER_BYTES);
	int rc = pcap_activate(nc->pcap);
	if (rc < 0)
		return open_error(nc->pcap, rc, dev, why, whylen);
	prefer_cooked(nc->pcap);
	nc->dlt = pcap_datalink(nc->pcap);
	rc = set_filter(nc, why, whylen);
	if (rc)
		return rc;
	if (pcap_setnonblock(nc->pcap, 1, errbuf) < 0 || pcap_get_selectable_fd(nc->pcap) < 0) {
		snprintf(why, whylen, "cannot poll the capture: %s", errbuf);
		return NETCAP_ERR_OTHER;
	}
	open_syn_watcher(nc, dev);
	return 0;
}

int netcap_open(const char *dev, const char *proc_root, struct netcap **out, char *why,
		size_t whylen)
{
	return netcap_open_filtered(dev, NULL, proc_root, out, why, whylen);
}

int netcap_open_filtered(const char *devs, const char *filter, const char *proc_root,
			 struct netcap **out, char *why, size_t whylen)
{
	*out = NULL;
	struct netcap *nc = calloc(1, sizeof *nc);
	if (!nc) {
		snprintf(why, whylen, "out of memory");
		return NETCAP_ERR_OTHER;
	}
	if (capfilter_init(&nc->cf, devs, filter, why, whylen) < 0) {
		free(nc);
		return NETCAP_ERR_DEVICE;
	}
	const char *dev = nc->cf.dev;
	nc->stop_fd = -1;
	pthread_mutex_init(&nc->page_mu, NULL);
	pthread_mutex_init(&nc->wake_mu, NULL);
	pthread_mutex_init(&nc->state_mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the resolver's deadlines are now_ns() */
	pthread_cond_init(&nc->wake_cv, &ca);
	pthread_condattr_destroy(&ca);
	nc->active = &nc->pages[0];
	flowtable_frag_init(&nc->frags);
	nc->recent_seed = nc->frags.seed[0] ^ 0x5bd1e995u;
	if (flowtable_init(&nc->pages[0].flows, sizeof(struct flowtable_counts), MAX_FLOWS_PER_PAGE) ||
	    flowtable_init(&nc->pages[1].flows, sizeof(struct flowtable_counts), MAX_FLOWS_PER_PAGE) ||
	    flowtable_init(&nc->rows, sizeof(struct row), MAX_CONNS)) {
		snprintf(why, whylen, "out of memory");
		netcap_close(nc);
		return NETCAP_ERR_OTHER;
	}
	int rc = open_pcap(nc, dev, why, whylen);
	if (rc == 0 && sockmap_open(&nc->sm, proc_root, why, whylen) < 0)
		rc = NETCAP_ERR_OTHER;
	if (rc == 0 && flowtable_init(&nc->seen, sizeof(struct seen_owner), MAX_SEEN) < 0) {
		snprintf(why, whylen, "out of memory");
		rc = NETCAP_ERR_OTHER;
	}
	char te_why[128];
	if (rc == 0 && tcpevents_open(&nc->te, te_why, sizeof te_why) < 0)
		nc->te = NULL; /* attribution without it: slower to name short connections */
	if (rc == 0) {
		nc->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (nc->stop_fd < 0) {
			snprintf(why, whylen, "eventfd: %s", strerror(errno));
			rc = NETCAP_ERR_OTHER;
		}
	}
	if (rc == 0 && (errno = pthread_create(&nc->cap_thread, NULL, capture_main, nc)) == 0)
		nc->cap_started = true;
	if (rc == 0 && nc->cap_started &&
	    (errno = pthread_create(&nc->res_thread, NULL, resolver_main, nc)) == 0)
		nc->res_started = true;
	if (rc == 0 && !(nc->cap_started && nc->res_started)) {
		snprintf(why, whylen, "cannot start the capture threads: %s", strerror(errno));
		rc = NETCAP_ERR_OTHER;
	}
	if (rc) {
		netcap_close(nc);
		return rc;
	}
	snprintf(nc->state, sizeof nc->state, "ok%s%s", nc->cf.label[0] ? " " : "", nc->cf.label);
	*out = nc;
	return 0;
}

void netcap_close(struct netcap *nc)
{
	if (!nc)
		return;
	if (nc->cap_started) {
		uint64_t one = 1;
		if (write(nc->stop_fd, &one, sizeof one) < 0) {
			/* the counter cannot overflow from one write: nothing to do */
		}
		pthread_join(nc->cap_thread, NULL);
	}
	if (nc->res_started) {
		pthread_mutex_lock(&nc->wake_mu);
		nc->stopping = true;
		pthread_cond_signal(&nc->wake_cv);
		pthread_mutex_unlock(&nc->wake_mu);
		pthread_join(nc->res_thread, NULL);
	}
	if (nc->pcap)
		pcap_close(nc->pcap);
	if (nc->syn_pcap)
		pcap_close(nc->syn_pcap);
	if (nc->stop_fd >= 0)
		close(nc->stop_fd);
	sockmap_close(nc->sm);
	tcpevents_close(nc->te);
	flowtable_free(&nc->seen);
	flowtable_free(&nc->pages[0].flows);
	flowtable_free(&nc->pages[1].flows);
	flowtable_free(&nc->rows);
	free(nc->queue);
	free(nc->q_inodes);
	free(nc->q_pids);
	free(nc->pids);
	free(nc->local);
	free(nc->pub_pids);
	free(nc->pub_conns);
	capfilter_free(&nc->cf);
	pthread_mutex_destroy(&nc->page_mu);
	pthread_mutex_destroy(&nc->wake_mu);
	pthread_mutex_destroy(&nc->state_mu);
	pthread_cond_destroy(&nc->wake_cv);
	free(nc);
}

/* ---- refresh and the published snapshot ---------------------------------- */

/* Once per refresh: sockets of active rows may have changed state, closed,
 * or (after a failure) appeared; owners are re-checked for those. */
static void revalidate(struct netcap *nc, uint64_t t, uint64_t since)
{
	if (!nc->dump_ok || nc->last_resolve_ns != t) {
		nc->dump_ok = sockmap_dump(nc->sm) == 0;
		nc->last_resolve_ns = t;
	}
	if (!nc->dump_ok)
		return;
	size_t pos = 0;
	const struct flow_key *k;
	struct row *r;
	while ((r = flowtable_next(&nc->rows, &pos, &k))) {
		if (r->status == ROW_PENDING || (r->last_ns < since && r->conn.closed))
			continue;
		const struct sockmap_sock *s = sockmap_lookup(nc->sm, k);
		if (r->last_ns < since) {
			/* idle: only whether a socket of its own still holds it */
			if (!s || stands_in(s, k))
				mark_closed(r);
			continue;
		}
		if (!s) {
			exact_state(nc, r);
			continue;
		}
		bool retry = r->status == ROW_FAILED && t - r->last_try_ns >= RETRY_FAILED_NS;
		if (s->inode == r->conn.inode || (r->status == ROW_FAILED && !retry)) {
			apply_match(nc, r, s);
			continue;
		}
		/* another socket now carries this conversation: find its owner */
		int32_t pid;
		uint32_t inode = s->inode;
		r->last_try_ns = t;
		if (sockmap_pids(nc->sm, &inode, k, &pid, 1, t) == 1) {
			apply_match(nc, r, s);
			r->conn.pid = pid;
			r->conn.inferred = false;
			r->status = ROW_OK;
		}
	}
}

static bool keep_row(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	const struct row *r = value;
	uint64_t t = *(const uint64_t *)ctx;
	return r->queued || !r->conn.closed || t - r->last_ns < CONN_IDLE_NS;
}

static bool keep_seen(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	return *(const uint64_t *)ctx - ((const struct seen_owner *)value)->t_ns < SEEN_TTL_NS;
}

static void expire(struct netcap *nc, uint64_t t)
{
	flowtable_sweep(&nc->rows, keep_row, &t);
	flowtable_sweep(&nc->seen, keep_seen, &t);
	size_t keep = 0;
	for (size_t i = 0; i < nc->npids; i++) {
		struct pid_total *p = &nc->pids[i];
		/* a process's totals go only when it is gone: a live process that
		 * idles keeps its cumulative figure, so deltas never go negative */
		if (t - p->last_ns >= PID_IDLE_NS && kill(p->pid, 0) < 0 && errno == ESRCH)
			continue;
		nc->pids[keep++] = *p;
	}
	nc->npids = keep;
}

static int conn_order(const void *a, const void *b)
{
	const struct netcap_conn *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return memcmp(&x->key, &y->key, sizeof x->key);
}

static void publish(struct netcap *nc)
{
	for (size_t i = 0; i < nc->npids; i++) {
		nc->pids[i].before = nc->pids[i].published;
		nc->pids[i].published = nc->pids[i].c;
	}
	struct pid_total *pp = array_grow(nc->pub_pids, &nc->pub_pids_cap, nc->npids,
					  sizeof *pp, 64);
	if (pp) {
		nc->pub_pids = pp;
		if (nc->npids)
			memcpy(nc->pub_pids, nc->pids, nc->npids * sizeof *nc->pids);
		nc->pub_npids = nc->npids;
	}
	size_t nrows = flowtable_count(&nc->rows);
	struct netcap_conn *pc = array_grow(nc->pub_conns, &nc->pub_conns_cap, nrows, sizeof *pc, 64);
	if (pc) {
		nc->pub_conns = pc;
		size_t pos = 0, n = 0;
		const struct flow_key *k;
		struct row *r;
		while ((r = flowtable_next(&nc->rows, &pos, &k))) {
			nc->pub_conns[n] = r->conn;
			if (r->status != ROW_OK)
				nc->pub_conns[n].pid = 0;
			/* bytes still waiting for an owner show on the row too */
			struct netcap_conn *out = &nc->pub_conns[n++];
			counters_add(&out->c, &r->pending);
			out->iv.tx_bytes = out->c.tx_bytes - r->published.tx_bytes;
			out->iv.tx_pkts = out->c.tx_pkts - r->published.tx_pkts;
			out->iv.rx_bytes = out->c.rx_bytes - r->published.rx_bytes;
			out->iv.rx_pkts = out->c.rx_pkts - r->published.rx_pkts;
			r->published = out->c;
		}
		if (n > 1)
			qsort(nc->pub_conns, n, sizeof *nc->pub_conns, conn_order);
		nc->pub_nconns = n;
	}
	nc->pub_unattr = nc->unattr;
	nc->pub_malformed = nc->malformed;
}

int netcap_refresh(struct netcap *nc)
{
	pthread_mutex_lock(&nc->state_mu);
	uint64_t t = now_ns();
	drain(nc, t);
	resolve(nc, t);
	revalidate(nc, t, nc->last_refresh_ns);
	nc->last_refresh_ns = t;
	expire(nc, t);
	publish(nc);
	pthread_mutex_unlock(&nc->state_mu);

	struct pcap_stat ps;
	if (pcap_stats(nc->pcap, &ps) == 0)
		nc->pub_drops = ps.ps_drop;
	if (__atomic_load_n(&nc->cap_failed, __ATOMIC_ACQUIRE)) {
		snprintf(nc->state, sizeof nc->state, "unavailable: %s", nc->cap_why);
		return -1;
	}
	return 0;
}

static const struct pid_total *published_pid(const struct netcap *nc, int32_t pid)
{
	size_t lo = 0, hi = nc->pub_npids;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nc->pub_pids[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nc->pub_npids && nc->pub_pids[lo].pid == pid ? &nc->pub_pids[lo] : NULL;
}

bool netcap_pid_totals(const struct netcap *nc, int32_t pid, struct netcap_counters *out)
{
	const struct pid_total *p = published_pid(nc, pid);
	if (p)
		*out = p->c;
	else
		memset(out, 0, sizeof *out);
	return p != NULL;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now >= then ? now - then : 0;
}

bool netcap_pid_interval(const struct netcap *nc, int32_t pid, struct netcap_counters *out)
{
	const struct pid_total *p = published_pid(nc, pid);
	memset(out, 0, sizeof *out);
	if (!p)
		return false;
	out->tx_bytes = since(p->published.tx_bytes, p->before.tx_bytes);
	out->tx_pkts = since(p->published.tx_pkts, p->before.tx_pkts);
	out->rx_bytes = since(p->published.rx_bytes, p->before.rx_bytes);
	out->rx_pkts = since(p->published.rx_pkts, p->before.rx_pkts);
	return out->tx_bytes || out->tx_pkts || out->rx_bytes || out->rx_pkts;
}

void netcap_unattributed(const struct netcap *nc, struct netcap_unattributed *out)
{
	*out = nc->pub_unattr;
}

uint64_t netcap_drops(const struct netcap *nc)
{
	return nc->pub_drops;
}

uint64_t netcap_malformed(const struct netcap *nc)
{
	return nc->pub_malformed;
}

const char *netcap_state(const struct netcap *nc)
{
	return nc->state;
}

const struct netcap_conn *netcap_connections(const struct netcap *nc, size_t *n)
{
	*n = nc->pub_nconns;
	return nc->pub_conns;
}

const struct netcap_conn *netcap_pid_connections(const struct netcap *nc, int32_t pid, size_t *n)
{
	size_t lo = 0, hi = nc->pub_nconns;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nc->pub_conns[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < nc->pub_nconns && nc->pub_conns[end].pid == pid)
		end++;
	*n = end - lo;
	return nc->pub_conns + lo;
}
