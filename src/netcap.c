/* netcap.c - libpcap capture thread, resolver thread, per-process totals.
 * The resolver side and the resolver thread are in netresolve.c; struct
 * netcap and what the two files share, in netcap_priv.h.
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
#include "netcap_priv.h"
#include "procfs.h"
#include "tcpevents.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#define MAX_FLOWS_PER_PAGE (1u << 20) /* beyond: counted as unattributed */
#define MAX_CONNS (1u << 20)
#define MAX_SEEN (1u << 16)
/* the SYN watcher's ring, all of it resident: in immediate mode it wakes
 * for every opening, and this holds a couple of hundred between two
 * wake-ups; more only make attribution slower */
#define SYN_BUFFER_BYTES (64 << 10)
#define LOOPBACK_IFINDEX 1 /* include/net/flow.h: lo's index in every network namespace */

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
		struct flow_key leg = netcap_reversed(&pi.key);
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
		netcap_unattr_add(&pg->unattr, 0, h->len, 1);
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
		netcap_unattr_add(&pg->unattr, pi.key.proto, pi.ip_len, 1);
		return;
	}
	bool created;
	struct flowtable_counts *c = flowtable_get(&pg->flows, &pi.key, &created);
	if (!c) {
		netcap_unattr_add(&pg->unattr, pi.key.proto, pi.ip_len, 1);
		return;
	}
	if (pi.loopback) {
		netcap_count_add(&c->tx_bytes, &c->tx_pkts, pi.ip_len, 1);
		netcap_count_add(&c->rx_bytes, &c->rx_pkts, pi.ip_len, 1);
	} else if (pi.dir == PKTDIR_OUT) {
		netcap_count_add(&c->tx_bytes, &c->tx_pkts, pi.ip_len, 1);
	} else if (pi.dir == PKTDIR_IN) {
		netcap_count_add(&c->rx_bytes, &c->rx_pkts, pi.ip_len, 1);
	} else {
		netcap_count_add(&c->any_bytes, &c->any_pkts, pi.ip_len, 1);
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

/* ---- open / close -------------------------------------------------------- */

static int open_error(pcap_t *p, int rc, const char *dev, char *why, size_t whylen)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(why, whylen, "no such capture device '%s'", dev);
		return NETCAP_ERR_DEVICE;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(why, whylen, "needs CAP_NET_RAW%s",
			 procfs_self_in_user_ns()
				 ? " over this network namespace (a user namespace's root has it only "
				   "in a network namespace of its own)"
				 : " (run as root or setcap cap_net_raw+ep)");
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

/* Every device is switched to Linux cooked v2 headers when libpcap has
 * them (pcap-linux.c offers DLT_LINUX_SLL and DLT_LINUX_SLL2 for every
 * device), else v1: both carry the packet type (the direction), and v2
 * the interface index, which the filters test ("ifindex": -i's device
 * list, and loopback's outgoing copies). On v1, "any"'s default, libpcap
 * reads the index from the kernel's ancillary data, which only the
 * kernel's run of the filter has; libpcap runs the filter itself on the
 * packets of the ring's first block (those that may predate the filter),
 * so with a device list every packet of that block failed it: the first
 * connection a capture saw was lost. */
static void prefer_cooked(pcap_t *p)
{
	int dlt = pcap_datalink(p);
	if (dlt == DLT_LINUX_SLL2 || pcap_set_datalink(p, DLT_LINUX_SLL2) == 0 ||
	    dlt == DLT_LINUX_SLL)
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

/* base, and on Linux cooked v2 headers (which carry the interface index)
 * without the outgoing copy of each loopback packet: it is counted from
 * its incoming one, and the kernel need not copy it into the ring nor wake
 * us for it. libpcap before 1.10 has no "ifindex": then base alone. */
static int apply_filter_lo(struct netcap *nc, pcap_t *p, int dlt, const char *base, char *why,
			   size_t whylen)
{
	if (dlt == DLT_LINUX_SLL2) {
		char expr[512];
		snprintf(expr, sizeof expr, "(%s) and not (outbound and ifindex %d)", base,
			 LOOPBACK_IFINDEX);
		if (apply_filter(&nc->cf, p, expr, why, whylen) == 0)
			return 0;
	}
	return apply_filter(&nc->cf, p, base, why, whylen);
}

static int set_filter(struct netcap *nc, char *why, size_t whylen)
{
	const char *expr = FILTER_IP;
	char vlan_expr[512];
	if (nc->dlt == DLT_EN10MB) {
		snprintf(vlan_expr, sizeof vlan_expr, "(%s) or (vlan and (%s))", FILTER_IP, FILTER_IP);
		expr = vlan_expr;
	}
	return apply_filter_lo(nc, nc->pcap, nc->dlt, expr, why, whylen);
}

/* The SYN watcher (see struct netcap in netcap_priv.h). Failing to open it
 * is not an error: the main ring still counts and attributes everything,
 * only later. */
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
	if (apply_filter_lo(nc, p, pcap_datalink(p), FILTER_SYN, why, sizeof why) < 0 ||
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
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the resolver's deadlines are clock_mono_ns() */
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
	/* named, so that top -H and bench/net.sh tell the packet path's CPU
	 * from the resolver's and the refresh's */
	if (rc == 0 && (errno = pthread_create(&nc->cap_thread, NULL, capture_main, nc)) == 0) {
		nc->cap_started = true;
		(void)pthread_setname_np(nc->cap_thread, "pidtop-capture");
	}
	if (rc == 0 && nc->cap_started &&
	    (errno = pthread_create(&nc->res_thread, NULL, netcap_resolver_main, nc)) == 0) {
		nc->res_started = true;
		(void)pthread_setname_np(nc->res_thread, "pidtop-resolve");
	}
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
	free(nc->parked);
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
