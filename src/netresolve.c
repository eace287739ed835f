/* netresolve.c - netcap's resolver side and resolver thread: drains the
 * capture pages into rows, finds the owner of each local conversation
 * (sockmap, tcpevents), and books its bytes to per-process totals. The
 * resolver side runs with state_mu held, from the resolver thread or from
 * netcap_refresh(); see netcap.c for the threads and locks. */
#include "netcap_priv.h"
#include "clock.h"
#include "buf.h"
#include "tcpevents.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void unattr_merge(struct netcap_unattributed *to, const struct netcap_unattributed *from)
{
	to->tcp_bytes += from->tcp_bytes;
	to->tcp_pkts += from->tcp_pkts;
	to->udp_bytes += from->udp_bytes;
	to->udp_pkts += from->udp_pkts;
	to->other_bytes += from->other_bytes;
	to->other_pkts += from->other_pkts;
}

/* ---- resolver side (state_mu held) -------------------------------------- */

static struct pid_total *pid_slot(struct netcap *nc, int32_t pid)
{
	size_t lo = netcap_pid_index(nc->pids, nc->npids, pid);
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

void netcap_counters_add(struct netcap_counters *to, const struct netcap_counters *from)
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
	netcap_counters_add(&r->conn.c, d);
	if (r->status == ROW_OK) {
		struct pid_total *p = pid_slot(nc, r->conn.pid);
		if (p) {
			netcap_counters_add(&p->c, d);
			netcap_counters_add(&r->conn.booked, d);
			p->last_ns = t;
			return;
		}
	}
	netcap_unattr_add(&nc->unattr, r->conn.key.proto, d->tx_bytes + d->rx_bytes,
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
	r->sock_known = false;
	r->sock_gone = false;
	r->parked = false;
}

/* The owner named for leg before its bytes came: for UDP, also under the
 * unbound local address a route look-up names (routeevents.h). */
static const struct seen_owner *seen_owner_of(const struct netcap *nc, const struct flow_key *leg)
{
	const struct seen_owner *so = flowtable_find(&nc->seen, leg);
	if (so || leg->proto != IPPROTO_UDP)
		return so;
	struct flow_key unbound = *leg;
	memset(unbound.saddr, 0, sizeof unbound.saddr);
	return flowtable_find(&nc->seen, &unbound);
}

static void credit_leg(struct netcap *nc, const struct flow_key *leg, bool tx, uint64_t bytes,
		       uint64_t pkts, uint64_t t)
{
	bool created;
	struct row *r = flowtable_get(&nc->rows, leg, &created);
	if (!r) {
		netcap_unattr_add(&nc->unattr, leg->proto, bytes, pkts);
		return;
	}
	if (created) {
		r->conn.key = *leg;
		r->conn.uid = UINT32_MAX;
		r->conn.first_ns = t;
		r->status = ROW_PENDING;
		const struct seen_owner *so = seen_owner_of(nc, leg);
		if (so && t - so->t_ns < SEEN_TTL_NS) {
			r->status = ROW_OK;
			netcap_set_owner(r, so->pid);
		} else {
			queue_row(nc, r);
		}
	}
	r->last_ns = t;
	struct netcap_counters d = {0};
	if (tx)
		netcap_count_add(&d.tx_bytes, &d.tx_pkts, bytes, pkts);
	else
		netcap_count_add(&d.rx_bytes, &d.rx_pkts, bytes, pkts);
	if (r->status == ROW_PENDING)
		netcap_counters_add(&r->pending, &d);
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
		r->conn.first_ns = t;
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

struct flow_key netcap_reversed(const struct flow_key *k)
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

/* A connection's owner named by tcpevents (a TCP state change or a UDP
 * route look-up): its row takes it (over an inference), and a row still to
 * come finds it in seen. */
static void on_owner(const struct flow_key *leg, int32_t pid, void *arg)
{
	struct owner_ctx *c = arg;
	struct netcap *nc = c->nc;
	struct row *r = flowtable_find(&nc->rows, leg);
	if (r && r->queued) {
		row_settle(nc, r, ROW_OK, pid, c->t);
	} else if (r && (r->status != ROW_OK || r->conn.inferred)) {
		r->status = ROW_OK; /* what it was booked with stays where it went */
		netcap_set_owner(r, pid);
		r->conn.inferred = false;
	} else if (r && leg->proto == IPPROTO_UDP && r->conn.pid != pid) {
		/* a datagram's route look-up names its sender: another process's
		 * socket has the local port of this row's closed one, a new
		 * conversation from now on */
		netcap_set_owner(r, pid);
		r->conn.first_ns = c->t;
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

void netcap_drain(struct netcap *nc, uint64_t t)
{
	pthread_mutex_lock(&nc->page_mu);
	struct page *pg = nc->active;
	nc->active = pg == &nc->pages[0] ? &nc->pages[1] : &nc->pages[0];
	pthread_mutex_unlock(&nc->page_mu);

	size_t pos = 0;
	const struct flow_key *k;
	struct flowtable_counts *c;
	/* rows for the connections that just opened, with no bytes yet: the
	 * resolve that follows looks them up while they are alive */
	for (size_t i = 0; i < pg->nsyn; i++)
		syn_leg(nc, &pg->syn[i], t);
	/* then the owners named since (connect(), close(), sendto()): before
	 * the bytes, since an owner is named before its packets reach the
	 * page just taken, and a row made below finds it */
	if (nc->te)
		read_owners(nc, t);
	while ((c = flowtable_next(&pg->flows, &pos, &k))) {
		uint64_t txb = c->tx_bytes, txp = c->tx_pkts, rxb = c->rx_bytes, rxp = c->rx_pkts;
		if (c->any_pkts) {
			refresh_local_addrs(nc, t);
			bool src_local = is_local(nc, k->family, k->saddr);
			bool dst_local = is_local(nc, k->family, k->daddr);
			if (src_local)
				netcap_count_add(&txb, &txp, c->any_bytes, c->any_pkts);
			if (dst_local)
				netcap_count_add(&rxb, &rxp, c->any_bytes, c->any_pkts);
			if (!src_local && !dst_local) /* forwarded, or to an address we missed */
				netcap_unattr_add(&nc->unattr, k->proto, c->any_bytes, c->any_pkts);
		}
		if (txp)
			credit_leg(nc, k, true, txb, txp, t);
		if (rxp) {
			struct flow_key leg = netcap_reversed(k);
			credit_leg(nc, &leg, false, rxb, rxp, t);
		}
	}
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

/* Takes s, what the kernel answered when asked for r's own socket alone,
 * for r: closed_state is the state of r's own socket when no process holds
 * it any more (0 when it did not answer). A listener answering instead
 * (the kernel's look-up falls back to it) gives its owner, and means r's
 * own socket is gone: never its LISTEN state (connection rows read LISTEN
 * for the first report of a server's short connections). */
static void apply_exact(struct row *r, const struct sockmap_sock *s, uint8_t closed_state)
{
	apply_sock(r, s);
	if (closed_state)
		r->conn.state = closed_state;
	else if (netcap_stands_in(s, &r->conn.key))
		netcap_mark_closed(r);
}

void netcap_mark_closed(struct row *r)
{
	r->conn.closed = true;
	r->conn.state = TCP_STATE_CLOSE;
}

/* Whether s only stands in for leg's own socket: a TCP listener matched to
 * one of its connections (not accepted yet, or gone). */
bool netcap_stands_in(const struct sockmap_sock *s, const struct flow_key *leg)
{
	return s->proto == IPPROTO_TCP && s->state == TCP_STATE_LISTEN && leg->dport != 0;
}

/* A TCP connection's own state, asked of the kernel: one that no process
 * holds any more (FIN_WAIT2, TIME_WAIT...) is left out of the dumps. Gone
 * altogether (the listener on its local end answers): closed. */
void netcap_exact_state(struct netcap *nc, struct row *r)
{
	struct sockmap_sock e;
	if (r->conn.key.proto == IPPROTO_TCP && sockmap_find_exact(nc->sm, &r->conn.key, &e) >= 0 &&
	    e.family && !netcap_stands_in(&e, &r->conn.key)) {
		r->conn.state = e.state;
		return;
	}
	netcap_mark_closed(r);
}

/* Takes s's owner and state for r; a listener standing in for one of its
 * connections gives its owner, never its LISTEN state. */
void netcap_apply_match(struct netcap *nc, struct row *r, const struct sockmap_sock *s)
{
	apply_sock(r, s);
	if (netcap_stands_in(s, &r->conn.key))
		netcap_exact_state(nc, r);
}

/* A queued row's look-up ended: found (ROW_OK, owned by pid) or given up
 * (ROW_FAILED). The bytes that waited go to the owner or to unattributed. */
static void row_settle(struct netcap *nc, struct row *r, enum row_status status, int32_t pid,
		       uint64_t t)
{
	r->last_try_ns = t;
	r->status = status;
	if (status == ROW_OK)
		netcap_set_owner(r, pid);
	r->conn.inferred = false;
	r->queued = false;
	r->parked = false;
	struct netcap_counters d = r->pending;
	memset(&r->pending, 0, sizeof r->pending);
	row_book(nc, r, &d, t);
}

/* The listening socket on leg's local end, asked of the kernel alone (the
 * remote end left out, so the connection's own socket, closed, is not
 * what answers): 1 with *out filled, 0 when there is none, -errno. */
static int listener_of(struct netcap *nc, const struct flow_key *leg, struct sockmap_sock *out)
{
	struct flow_key lk = *leg;
	lk.dport = 0;
	memset(lk.daddr, 0, sizeof lk.daddr);
	int rc = sockmap_find_exact(nc->sm, &lk, out);
	return rc == 1 && out->state != TCP_STATE_LISTEN ? 0 : rc;
}

/* When r, unresolved, is given up. */
static uint64_t giveup_ns(const struct row *r)
{
	return r->conn.first_ns + NETCAP_GIVEUP_NS;
}

/* Settles r, whose socket is gone or whose time is up and whose owner the
 * fd index did not name, with what is left: the last process the index saw
 * hold its socket, else the owner inferred from its remote end; at the
 * give-up (giveup), as failed. Returns whether r settled. */
static bool settle_lost(struct netcap *nc, struct row *r, bool giveup, uint64_t t)
{
	/* its inode, read when it opened, may have been indexed since (a row
	 * queued again still has its last connection's: not that) */
	int32_t pid = r->sock_known && r->conn.inode ? sockmap_last_holder(nc->sm, r->conn.inode) : 0;
	if (pid > 0) {
		row_settle(nc, r, ROW_OK, pid, t);
		return true;
	}
	int32_t inferred = sockmap_infer_owner(nc->sm, &r->conn.key, t);
	if (inferred > 0) {
		row_settle(nc, r, ROW_OK, inferred, t);
		r->conn.inferred = true;
		return true;
	}
	if (giveup)
		row_settle(nc, r, ROW_FAILED, 0, t);
	return giveup;
}

/* Takes r, which no look-up can help any more, out of the queue until its
 * give-up. Left in it, such rows were walked, their old inodes looked for
 * in the fd index and their owners inferred again at every batch: under
 * bench/soak.sh's churn without tracefs some 180 clients' sides in
 * TIME_WAIT waited so, and pidtop's CPU went from 20 to 33 ms a second
 * whenever the first look-ups came after the churn's close. */
static bool park_row(struct netcap *nc, struct row *r)
{
	if (nc->park_head > 0 && nc->park_head * 2 >= nc->nparked) {
		nc->nparked -= nc->park_head;
		memmove(nc->parked, nc->parked + nc->park_head, nc->nparked * sizeof *nc->parked);
		nc->park_head = 0;
	}
	struct parked_row *p = array_grow(nc->parked, &nc->parked_cap, nc->nparked + 1,
					  sizeof *p, 256);
	if (!p) /* no room: it stays in the queue, as it was */
		return false;
	nc->parked = p;
	uint64_t due = giveup_ns(r);
	size_t i = nc->nparked++;
	/* the rows come nearly in order of their first packet: a short walk */
	for (; i > nc->park_head && nc->parked[i - 1].due_ns > due; i--)
		nc->parked[i] = nc->parked[i - 1];
	nc->parked[i] = (struct parked_row){r->conn.key, due};
	r->parked = true;
	return true;
}

/* The parked rows whose give-up has come: settled with what is left. A row
 * settled meanwhile (tcpevents named its owner), or settled and queued
 * again, is not this entry's any more. */
static void settle_parked(struct netcap *nc, uint64_t t)
{
	while (nc->park_head < nc->nparked && nc->parked[nc->park_head].due_ns <= t) {
		const struct parked_row *p = &nc->parked[nc->park_head++];
		struct row *r = flowtable_find(&nc->rows, &p->key);
		if (r && r->queued && r->parked && giveup_ns(r) == p->due_ns)
			settle_lost(nc, r, true, t);
	}
	if (nc->park_head == nc->nparked)
		nc->park_head = nc->nparked = 0;
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
	bool own[QUICK_ROWS]; /* inodes[k] is legs[k]'s own socket, not its listener's */
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
		uint8_t closed_state = 0;
		if (rc == 0 && s.family && pid <= 0) {
			/* closed already: the listener a dump would stand in */
			closed_state = s.state;
			rc = listener_of(nc, &nc->queue[i], &s);
			if (rc == 0)
				r->conn.state = closed_state;
		}
		/* no process holds its socket, or (TCP: the kernel's own look-up
		 * answered) there is none: a dump would not find its owner
		 * either, so none is made for it (one every 20 ms while a
		 * client's side in TIME_WAIT waited for the give-up: 170-310 ms
		 * of CPU a refresh in bench/soak.sh) */
		if (rc == 0 && r->conn.key.proto == IPPROTO_TCP)
			r->sock_gone = true;
		if (rc != 1)
			continue;
		apply_exact(r, &s, closed_state);
		r->sock_known = true;
		inodes[m] = s.inode;
		legs[m] = nc->queue[i];
		own[m] = !closed_state;
		rows[m++] = r;
	}
	size_t found = m > 0 ? sockmap_pids_indexed(nc->sm, inodes, legs, pids, m, t) : 0;
	/* a socket closed since its look-up (under bench/soak.sh's churn,
	 * every one the index missed) is not searched for: the batch asks
	 * for it again */
	if (found < m) {
		size_t dropped = sockmap_drop_unheld(nc->sm, inodes, legs, own, pids, m);
		nc->closed_misses += dropped;
		found = sockmap_pids_search(nc->sm, inodes, legs, pids, m, t);
	}
	if (found > 0) {
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

void netcap_resolve(struct netcap *nc, uint64_t t)
{
	resolve_quick(nc, t);
	resolve_batch(nc, t);
}

/* How the queued rows are looked at now. A row never found needs a dump
 * at once. One whose socket was found but not its owner is asked again
 * (gone meanwhile, the listener on its local end stands in for it): one
 * by one at each batch while there are few, each a look-up of one socket;
 * else with a dump every NETCAP_REDUMP_NS. One that a look-up found
 * without any socket, or held by no process, is never: it waits for
 * tcpevents or the give-up, and another look-up would not find its owner
 * either. (Under 200 short connections a second the queue was never
 * empty: a dump every 20 ms, each a walk of the kernel's whole TCP hash
 * table, took 79% of pidtop's CPU. Asked again only every 200 ms, a
 * server's last connections before it exited lost their listener first:
 * 10% of test_netcap_live's flash receiver went unattributed.) */
enum batch_look { LOOK_NONE, LOOK_EXACT, LOOK_DUMP };

static enum batch_look batch_look(const struct netcap *nc, uint64_t t)
{
	size_t known = 0;
	for (size_t i = 0; i < nc->nqueue; i++) {
		const struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		if (!r || r->sock_gone)
			continue;
		if (!r->sock_known)
			return LOOK_DUMP;
		/* only TCP sockets can be asked for one by one */
		known += r->conn.key.proto == IPPROTO_TCP ? 1 : EXACT_ROWS_MAX + 1;
	}
	if (!known)
		return LOOK_NONE;
	if (known <= EXACT_ROWS_MAX)
		return LOOK_EXACT;
	return t - nc->last_recheck_ns < NETCAP_REDUMP_NS ? LOOK_NONE : LOOK_DUMP;
}

/* Row r's socket asked of the kernel again: its own, or, closed already,
 * the listener on its local end. The inode to look its owner up by, 0
 * when there is none (then r->sock_gone). */
static uint32_t ask_again(struct netcap *nc, struct row *r)
{
	struct sockmap_sock e;
	int rc = sockmap_find_exact(nc->sm, &r->conn.key, &e);
	uint8_t closed_state = 0;
	if (rc == 0 && e.family) {
		closed_state = e.state;
		rc = listener_of(nc, &r->conn.key, &e);
	}
	if (rc < 0)
		return r->conn.inode; /* the kernel did not answer: as it was */
	if (rc == 0) {
		r->sock_gone = true;
		return 0;
	}
	apply_exact(r, &e, closed_state);
	return e.inode;
}

static void resolve_batch(struct netcap *nc, uint64_t t)
{
	settle_parked(nc, t);
	if (nc->nqueue == 0)
		return;
	nc->last_batch_ns = t;
	enum batch_look look = batch_look(nc, t);
	if (look != LOOK_NONE)
		nc->last_recheck_ns = t;
	if (look == LOOK_DUMP) {
		nc->last_resolve_ns = t;
		nc->dump_ok = sockmap_dump(nc->sm) == 0;
	}
	bool dumped = look == LOOK_DUMP && nc->dump_ok;
	if (!grow_batch(nc, nc->nqueue))
		return;
	size_t n = nc->nqueue;
	nc->batch_rows += n;
	for (size_t i = 0; i < n; i++) {
		struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		nc->q_inodes[i] = r && r->sock_known ? r->conn.inode : 0;
		if (!r || r->sock_gone)
			continue;
		if (look == LOOK_EXACT) {
			nc->q_inodes[i] = ask_again(nc, r);
			continue;
		}
		if (!dumped)
			continue;
		const struct sockmap_sock *s = sockmap_lookup(nc->sm, &r->conn.key);
		nc->q_inodes[i] = s ? s->inode : 0;
		/* no socket at all, 20 ms or more after its first packet: gone */
		if (!s && t - r->conn.first_ns >= NETCAP_RESOLVE_MIN_NS)
			r->sock_gone = true;
		if (s) {
			netcap_apply_match(nc, r, s);
			r->sock_known = s->inode != 0;
		}
	}
	size_t known = 0;
	for (size_t i = 0; i < n; i++)
		known += nc->q_inodes[i] != 0;
	if (known) /* the fd index finds pids by inode: none, no look-up */
		sockmap_pids(nc->sm, nc->q_inodes, nc->queue, nc->q_pids, n, t);
	else
		memset(nc->q_pids, 0, n * sizeof *nc->q_pids);
	size_t keep = 0;
	for (size_t i = 0; i < n; i++) {
		struct row *r = flowtable_find(&nc->rows, &nc->queue[i]);
		if (!r)
			continue;
		/* a socket that is gone (no match in a good dump) will not be
		 * found later either: infer its owner now, or at the give-up */
		bool gone = r->sock_gone || (dumped && !nc->q_inodes[i]);
		bool giveup = t >= giveup_ns(r);
		if (nc->q_pids[i] > 0) {
			row_settle(nc, r, ROW_OK, nc->q_pids[i], t);
			continue;
		}
		if ((gone || giveup) && settle_lost(nc, r, giveup, t))
			continue;
		r->last_try_ns = t;
		/* gone, found by no one now: nothing to do until its give-up */
		if (!r->sock_gone || !park_row(nc, r))
			nc->queue[keep++] = nc->queue[i];
	}
	nc->nqueue = keep;
}

/* ---- resolver thread ---------------------------------------------------- */

void *netcap_resolver_main(void *arg)
{
	struct netcap *nc = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* rows left for the batch, and when its rate limit lets it run */
	bool waiting = false;
	uint64_t due = 0, last_quick = 0;
	for (;;) {
		pthread_mutex_lock(&nc->wake_mu);
		while (!nc->wake && !nc->stopping) {
			if (!waiting) {
				pthread_cond_wait(&nc->wake_cv, &nc->wake_mu);
				continue;
			}
			if (clock_mono_ns() >= due)
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
		 * millisecond) but at most every NETCAP_QUICK_MIN_NS, the batch
		 * (with its dump, when one can help) at most every
		 * NETCAP_RESOLVE_MIN_NS */
		uint64_t t = clock_mono_ns();
		if (t - last_quick < NETCAP_QUICK_MIN_NS) {
			uint64_t wait = NETCAP_QUICK_MIN_NS - (t - last_quick);
			struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)wait};
			nanosleep(&ts, NULL);
		}
		pthread_mutex_lock(&nc->state_mu);
		t = clock_mono_ns();
		last_quick = t;
		netcap_drain(nc, t);
		resolve_quick(nc, t);
		if (t - nc->last_batch_ns >= NETCAP_RESOLVE_MIN_NS)
			resolve_batch(nc, t);
		waiting = nc->nqueue > 0 || nc->park_head < nc->nparked;
		due = nc->last_batch_ns + NETCAP_RESOLVE_MIN_NS;
		/* parked rows alone: nothing to do before the first's give-up */
		if (nc->nqueue == 0 && waiting && nc->parked[nc->park_head].due_ns > due)
			due = nc->parked[nc->park_head].due_ns;
		pthread_mutex_unlock(&nc->state_mu);
	}
}
