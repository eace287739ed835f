/* netpublish.c - the capture's refresh on the model's thread: rows
 * revalidated against the kernel's sockets, old ones expired, and the
 * snapshot the getters of netcap.h read published (netcap_refresh). */
#include "clock.h"
#include "netcap_priv.h"
#include "procfs.h"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>


/* ---- refresh and the published snapshot ---------------------------------- */

/* Whether revalidate() looks at row r: settled rows, and of the idle ones
 * those not known closed yet. */
static bool needs_check(const struct row *r, uint64_t since)
{
	return r->status != ROW_PENDING && !(r->last_ns < since && r->conn.closed);
}

/* Row r (leg k) against s, the socket that now best matches it (NULL when
 * none does). */
static void revalidate_row(struct netcap *nc, struct row *r, const struct flow_key *k,
			   const struct sockmap_sock *s, uint64_t t, uint64_t since)
{
	if (r->last_ns < since) {
		/* idle: only whether a socket of its own still holds it */
		if (!s || netcap_stands_in(s, k))
			netcap_mark_closed(r);
		return;
	}
	if (!s) {
		netcap_exact_state(nc, r);
		return;
	}
	bool retry = r->status == ROW_FAILED && t - r->last_try_ns >= RETRY_FAILED_NS;
	if (s->inode == r->conn.inode || (r->status == ROW_FAILED && !retry)) {
		netcap_apply_match(nc, r, s);
		return;
	}
	/* another socket now carries this conversation: find its owner */
	int32_t pid;
	uint32_t inode = s->inode;
	r->last_try_ns = t;
	if (sockmap_pids(nc->sm, &inode, k, &pid, 1, t) == 1) {
		netcap_apply_match(nc, r, s);
		netcap_set_owner(r, pid);
		r->conn.inferred = false;
		r->status = ROW_OK;
	}
}

/* Few TCP rows to check: each asked of the kernel alone. A dump walks the
 * kernel's whole TCP hash table once per address family, whatever the
 * number of sockets: at a refresh a second it was 3.9 of the 5.2 ms of CPU
 * a second pidtop's main thread took while watching one iperf3 connection
 * (bench/README.md). Returns false (nothing done) when a dump is due. */
static bool revalidate_exact(struct netcap *nc, uint64_t t, uint64_t since)
{
	size_t pos = 0, n = 0;
	const struct flow_key *k;
	struct row *r;
	while ((r = flowtable_next(&nc->rows, &pos, &k)))
		if (needs_check(r, since) && (k->proto != IPPROTO_TCP || ++n > EXACT_ROWS_MAX))
			return false;
	pos = 0;
	while ((r = flowtable_next(&nc->rows, &pos, &k))) {
		if (!needs_check(r, since))
			continue;
		struct sockmap_sock e;
		int rc = sockmap_find_exact(nc->sm, k, &e);
		if (rc < 0)
			continue; /* the kernel did not answer: as it was */
		if (rc == 0 && e.family && r->last_ns >= since) {
			r->conn.state = e.state; /* no process holds it any more */
			continue;
		}
		revalidate_row(nc, r, k, rc == 1 ? &e : NULL, t, since);
	}
	return true;
}

/* Once per refresh: sockets of active rows may have changed state, closed,
 * or (after a failure) appeared; owners are re-checked for those. */
static void revalidate(struct netcap *nc, uint64_t t, uint64_t since)
{
	if (nc->last_resolve_ns != t && revalidate_exact(nc, t, since))
		return;
	if (!nc->dump_ok || nc->last_resolve_ns != t) {
		nc->dump_ok = sockmap_dump(nc->sm) == 0;
		nc->last_resolve_ns = t;
	}
	if (!nc->dump_ok)
		return;
	size_t pos = 0;
	const struct flow_key *k;
	struct row *r;
	while ((r = flowtable_next(&nc->rows, &pos, &k)))
		if (needs_check(r, since))
			revalidate_row(nc, r, k, sockmap_lookup(nc->sm, k), t, since);
}

struct expiry {
	uint64_t t, since; /* this refresh, the one before */
};

/* An open connection stays however idle; a closed one goes once the
 * refresh before this one published its last bytes (they came before it)
 * and CONN_CLOSED_NS have passed since. (Keeping closed ones for a minute
 * held 24,000 rows, 27 MiB, at 200 short connections a second.) */
static bool keep_row(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	const struct row *r = value;
	const struct expiry *e = ctx;
	/* and one that booked bytes since the last refresh (that waited for
	 * its owner) is published with them once */
	return r->queued || !r->conn.closed || r->last_ns >= e->since ||
	       e->t - r->last_ns < CONN_CLOSED_NS || !netcap_counters_zero(&r->conn.booked);
}

static bool keep_seen(const struct flow_key *key, void *value, void *ctx)
{
	(void)key;
	return *(const uint64_t *)ctx - ((const struct seen_owner *)value)->t_ns < SEEN_TTL_NS;
}

static void expire(struct netcap *nc, uint64_t t, uint64_t since)
{
	struct expiry e = {t, since};
	flowtable_sweep(&nc->rows, keep_row, &e);
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
			memset(&r->conn.booked, 0, sizeof r->conn.booked);
			if (r->status != ROW_OK)
				nc->pub_conns[n].pid = 0;
			/* the interval holds what was booked since the last refresh;
			 * bytes still waiting for an owner show in the row's total
			 * only, and in an interval once booked (to its owner then) */
			struct netcap_conn *out = &nc->pub_conns[n++];
			out->iv.tx_bytes = r->conn.c.tx_bytes - r->published.tx_bytes;
			out->iv.tx_pkts = r->conn.c.tx_pkts - r->published.tx_pkts;
			out->iv.rx_bytes = r->conn.c.rx_bytes - r->published.rx_bytes;
			out->iv.rx_pkts = r->conn.c.rx_pkts - r->published.rx_pkts;
			r->published = r->conn.c;
			netcap_counters_add(&out->c, &r->pending);
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
	uint64_t t = clock_mono_ns();
	netcap_drain(nc, t);
	netcap_resolve(nc, t);
	uint64_t since = nc->last_refresh_ns;
	nc->pub_since_ns = since;
	revalidate(nc, t, since);
	nc->last_refresh_ns = t;
	expire(nc, t, since);
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
	size_t lo = netcap_pid_index(nc->pub_pids, nc->pub_npids, pid);
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
	return !netcap_counters_zero(out);
}

bool netcap_pid_interval_within(const struct netcap *nc, int32_t pid, uint64_t from_ns,
				uint64_t to_ns, struct netcap_counters *iv)
{
	if (netcap_counters_zero(iv))
		return false;
	size_t n;
	const struct netcap_conn *v = netcap_pid_connections(nc, pid, &n);
	struct netcap_counters own = {0}, seen = {0};
	bool shared = false;
	for (size_t i = 0; i < n; i++) {
		if (netcap_counters_zero(&v[i].booked))
			continue;
		netcap_counters_add(&seen, &v[i].booked);
		uint64_t f = v[i].first_ns;
		if (f && (f < from_ns || f >= to_ns))
			shared = true;
		else
			netcap_counters_add(&own, &v[i].booked);
	}
	/* a process that held pid for the whole interval owns all of it, also
	 * what a row booked before it passed to another owner; otherwise such
	 * bytes are of unknown origin */
	bool whole = from_ns <= nc->pub_since_ns && to_ns == UINT64_MAX;
	if (!whole && memcmp(&seen, iv, sizeof seen) != 0)
		shared = true;
	if (shared)
		*iv = own;
	return !netcap_counters_zero(iv);
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

void netcap_lookup_costs(struct netcap *nc, struct netcap_lookup_costs *out)
{
	struct sockmap_stats st;
	pthread_mutex_lock(&nc->state_mu);
	sockmap_get_stats(nc->sm, &st);
	out->batch_rows = nc->batch_rows;
	out->closed_misses = nc->closed_misses;
	pthread_mutex_unlock(&nc->state_mu);
	out->dumps = st.dumps;
	out->fd_dirs = st.fd_dirs_read;
	out->searches = st.fresh_passes + st.incr_passes + st.recheck_passes + st.owners_passes +
			st.full_passes;
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

const struct netcap_conn *netcap_conns_of_pid(const struct netcap_conn *v, size_t nv,
					      int32_t pid, size_t *n)
{
	size_t lo = netcap_lower_bound_pid(v, nv, sizeof *v, offsetof(struct netcap_conn, pid), pid);
	size_t end = lo;
	while (end < nv && v[end].pid == pid)
		end++;
	*n = end - lo;
	return v + lo;
}

const struct netcap_conn *netcap_pid_connections(const struct netcap *nc, int32_t pid, size_t *n)
{
	return netcap_conns_of_pid(nc->pub_conns, nc->pub_nconns, pid, n);
}

void netcap_conn_rates(const struct netcap_conn *c, double interval_s, struct netcap_rates *out)
{
	double dt = interval_s > 0 ? interval_s : 1;
	out->tx_bps = (double)c->iv.tx_bytes / dt;
	out->rx_bps = (double)c->iv.rx_bytes / dt;
	out->tx_pps = (double)c->iv.tx_pkts / dt;
	out->rx_pps = (double)c->iv.rx_pkts / dt;
}
