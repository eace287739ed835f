/* tcpevents.c - TCP state changes with the process behind them (see
 * tcpevents.h) */
#include "tcpevents.h"
#include "flowtable.h"
#include "routeevents.h"
#include "tracefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* data pages per CPU, resident (the kernel maps them all): ~300 changes
 * between two reads, and the resolver reads at every new connection */
#define RING_PAGES 8
#define MAX_OPENING (1u << 16)   /* sockets in SYN_SENT remembered; beyond: start over */
#define KIND_SKADDR 0xfe         /* flow_key.proto of the socket-address table */

/* include/net/tcp_states.h */
enum { ST_SYN_SENT = 2, ST_FIN_WAIT1 = 4, ST_CLOSE = 7, ST_LAST_ACK = 9 };

#define TCP_EVENT "sock/inet_sock_set_state"

/* data pages per CPU for the route look-ups: their own rings, so that a
 * busy UDP sender cannot crowd TCP's changes out between two reads; ~150
 * look-ups, and each new flow makes the resolver read */
#define ROUTE_RING_PAGES 4

struct ring {
	int fd, cpu;
	int extra_fd;  /* another event writing into this ring, or -1 */
	size_t pages;  /* data pages */
	uint8_t *base; /* the header page, then the data pages */
};

/* A route look-up event (routeevents.h). */
struct route_event {
	struct routeevents_layout layout;
	long id;
	bool on;
};

struct tcpevents {
	struct tcpevents_layout layout;
	uint16_t tcp_id; /* the records' common_type */
	struct route_event route[2];
	struct ring *rings;
	size_t nrings;
	size_t page;
	struct flowtable opening; /* socket address -> int32_t pid of its connect() */
	uint64_t lost;
	uint8_t *rec; /* one record copied out of a ring where it wraps */
	size_t rec_cap;
};

/* ---- the format file and the raw record (pure) --------------------------- */

#define W(field, bytes) {#field, bytes, offsetof(struct tcpevents_layout, field)}

static const struct tracefmt_want wanted[] = {
	W(skaddr, 8), W(newstate, 4), W(sport, 2), W(dport, 2), W(family, 2),
	W(protocol, 2), W(saddr, 4), W(daddr, 4), W(saddr_v6, 16), W(daddr_v6, 16),
};

int tcpevents_parse_format(const char *text, size_t len, struct tcpevents_layout *out)
{
	return tracefmt_parse(text, len, wanted, sizeof wanted / sizeof wanted[0], out, &out->size);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

int tcpevents_decode(const struct tcpevents_layout *l, const uint8_t *raw, size_t len,
		     struct tcpevents_change *out)
{
	if (l->size <= 0 || len < (size_t)l->size)
		return -1;
	memset(out, 0, sizeof *out);
	uint16_t family = get16(raw + l->family);
	if (get16(raw + l->protocol) != IPPROTO_TCP || (family != AF_INET && family != AF_INET6))
		return -1;
	memcpy(&out->skaddr, raw + l->skaddr, sizeof out->skaddr);
	int32_t st;
	memcpy(&st, raw + l->newstate, sizeof st);
	out->newstate = st;
	struct flow_key *k = &out->leg;
	k->family = (uint8_t)family;
	k->proto = IPPROTO_TCP;
	k->sport = get16(raw + l->sport); /* the tracepoint stores them in host order */
	k->dport = get16(raw + l->dport);
	if (family == AF_INET) {
		memcpy(k->saddr, raw + l->saddr, 4);
		memcpy(k->daddr, raw + l->daddr, 4);
		return 0;
	}
	memcpy(k->saddr, raw + l->saddr_v6, 16);
	memcpy(k->daddr, raw + l->daddr_v6, 16);
	/* a dual-stack socket talking IPv4 holds ::ffff:a.b.c.d */
	uint8_t sf = AF_INET6, df = AF_INET6;
	pktdecode_normalize_addr(&sf, k->saddr);
	pktdecode_normalize_addr(&df, k->daddr);
	if (sf == AF_INET && df == AF_INET)
		k->family = AF_INET;
	return 0;
}

/* ---- tracefs and perf ------------------------------------------------------ */

/* The tracepoint's id and layout from tracefs. */
static int find_event(struct tcpevents *te, long *id, char *why, size_t whylen)
{
	char buf[8192];
	size_t n;
	if (tracefmt_find(TCP_EVENT, id, buf, sizeof buf, &n) < 0) {
		snprintf(why, whylen, "no sock:inet_sock_set_state tracepoint (tracefs not mounted?)");
		return -1;
	}
	if (tcpevents_parse_format(buf, n, &te->layout) < 0) {
		snprintf(why, whylen, "unexpected layout of sock:inet_sock_set_state");
		return -1;
	}
	te->tcp_id = (uint16_t)*id;
	return 0;
}

static int open_on_cpu(long id, int cpu)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof a;
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_RAW;
	return (int)syscall(SYS_perf_event_open, &a, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* Maps a ring of pages data pages for event fd (on cpu) into te->rings;
 * closes fd when it cannot. Returns 0 or -1 with errno. */
static int map_ring(struct tcpevents *te, int fd, int cpu, size_t pages)
{
	void *m = mmap(NULL, te->page * (1 + pages), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		int err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	te->rings[te->nrings++] =
		(struct ring){.fd = fd, .cpu = cpu, .extra_fd = -1, .pages = pages, .base = m};
	return 0;
}

static int open_rings(struct tcpevents *te, long id, char *why, size_t whylen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	if (ncpu <= 0 || ncpu > 4096)
		ncpu = 1;
	/* one TCP ring and one route ring per CPU */
	te->rings = calloc(2 * (size_t)ncpu, sizeof *te->rings);
	if (!te->rings) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	int err = 0;
	for (long cpu = 0; cpu < ncpu; cpu++) {
		int fd = open_on_cpu(id, (int)cpu);
		if (fd < 0 || map_ring(te, fd, (int)cpu, RING_PAGES) < 0)
			err = errno; /* an offline CPU: ENODEV; go on */
	}
	if (te->nrings == 0) {
		snprintf(why, whylen, "perf_event_open: %s", strerror(err ? err : ENODEV));
		return -1;
	}
	return 0;
}

/* The ports the kernel hands to sockets bound to none
 * (/proc/sys/net/ipv4/ip_local_port_range, which IPv6 shares). */
static void ephemeral_range(unsigned *lo, unsigned *hi)
{
	*lo = 1024;
	*hi = 65535;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "re");
	unsigned a, b;
	if (f && fscanf(f, "%u %u", &a, &b) == 2 && a > 0 && a <= b && b <= 65535) {
		*lo = a;
		*hi = b;
	}
	if (f)
		fclose(f);
}

/* Route look-up event i (routeevents.h) from tracefs, with the kernel
 * filter; false when it is not there (UDP senders then go by inference). */
static bool find_route(struct tcpevents *te, int i, const char *event, uint8_t family)
{
	char buf[8192];
	size_t n;
	struct route_event *re = &te->route[i];
	re->on = tracefmt_find(event, &re->id, buf, sizeof buf, &n) == 0 &&
		 routeevents_parse_format(buf, n, family, &re->layout) == 0;
	return re->on;
}

static int open_filtered(const struct route_event *re, int cpu, const char *filter)
{
	if (!re->on)
		return -1;
	int fd = open_on_cpu(re->id, cpu);
	if (fd >= 0 && ioctl(fd, PERF_EVENT_IOC_SET_FILTER, filter) < 0) {
		close(fd); /* unfiltered, every route look-up would come: none */
		fd = -1;
	}
	return fd;
}

/* The route look-ups into a ring of their own on each CPU that has a TCP
 * ring, IPv6's written into IPv4's (perf takes an output ring only from an
 * event on the same CPU). */
static void attach_routes(struct tcpevents *te)
{
	bool v4 = find_route(te, 0, ROUTEEVENTS_IPV4, AF_INET);
	bool v6 = find_route(te, 1, ROUTEEVENTS_IPV6, AF_INET6);
	if (!v4 && !v6)
		return;
	char filter[128];
	unsigned lo, hi;
	ephemeral_range(&lo, &hi);
	routeevents_filter(filter, sizeof filter, lo, hi);
	size_t ntcp = te->nrings;
	for (size_t r = 0; r < ntcp; r++) {
		int cpu = te->rings[r].cpu;
		int fd4 = open_filtered(&te->route[0], cpu, filter);
		int fd6 = open_filtered(&te->route[1], cpu, filter);
		int own = fd4 >= 0 ? fd4 : fd6;
		if (own < 0 || map_ring(te, own, cpu, ROUTE_RING_PAGES) < 0) {
			if (fd4 >= 0 && fd6 >= 0)
				close(fd6);
			continue;
		}
		if (own == fd6)
			continue;
		if (fd6 >= 0 && ioctl(fd6, PERF_EVENT_IOC_SET_OUTPUT, fd4) == 0)
			te->rings[te->nrings - 1].extra_fd = fd6;
		else if (fd6 >= 0)
			close(fd6);
	}
}

int tcpevents_open(struct tcpevents **out, char *why, size_t whylen)
{
	*out = NULL;
	struct tcpevents *te = calloc(1, sizeof *te);
	if (!te) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	te->page = (size_t)sysconf(_SC_PAGESIZE);
	long id;
	if (flowtable_init(&te->opening, sizeof(int32_t), MAX_OPENING) < 0) {
		snprintf(why, whylen, "out of memory");
		tcpevents_close(te);
		return -1;
	}
	if (find_event(te, &id, why, whylen) < 0 || open_rings(te, id, why, whylen) < 0) {
		tcpevents_close(te);
		return -1;
	}
	attach_routes(te);
	*out = te;
	return 0;
}

void tcpevents_close(struct tcpevents *te)
{
	if (!te)
		return;
	for (size_t i = 0; i < te->nrings; i++) {
		if (te->rings[i].extra_fd >= 0)
			close(te->rings[i].extra_fd);
		munmap(te->rings[i].base, te->page * (1 + te->rings[i].pages));
		close(te->rings[i].fd);
	}
	free(te->rings);
	flowtable_free(&te->opening);
	free(te->rec);
	free(te);
}

static struct flow_key skaddr_key(uint64_t skaddr)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.proto = KIND_SKADDR;
	memcpy(k.saddr, &skaddr, sizeof skaddr);
	return k;
}

/* One change made while task pid ran: see tcpevents.h for which say who. */
static void on_change(struct tcpevents *te, const struct tcpevents_change *c, int32_t pid,
		      void (*fn)(const struct flow_key *, int32_t, void *), void *ctx)
{
	struct flow_key sk = skaddr_key(c->skaddr);
	bool named = c->leg.sport && c->leg.dport;
	if (c->newstate == ST_SYN_SENT) {
		bool created;
		int32_t *p = flowtable_get(&te->opening, &sk, &created);
		if (!p) { /* full: start over rather than grow */
			flowtable_clear(&te->opening);
			p = flowtable_get(&te->opening, &sk, &created);
		}
		if (p)
			*p = pid;
	} else if (c->newstate == ST_FIN_WAIT1 || c->newstate == ST_LAST_ACK) {
		if (named && pid > 0)
			fn(&c->leg, pid, ctx);
		flowtable_remove(&te->opening, &sk);
		return;
	}
	const int32_t *opener = flowtable_find(&te->opening, &sk);
	if (opener && named) {
		fn(&c->leg, *opener, ctx);
		flowtable_remove(&te->opening, &sk); /* named once is enough */
	} else if (c->newstate == ST_CLOSE) {
		flowtable_remove(&te->opening, &sk);
	}
}

/* The record at tail, contiguous (copied out when it wraps), or NULL. */
static const uint8_t *record_at(struct tcpevents *te, const uint8_t *data, size_t size,
				uint64_t tail, size_t len)
{
	size_t at = (size_t)(tail % size);
	if (at + len <= size)
		return data + at;
	if (len > te->rec_cap) {
		uint8_t *n = realloc(te->rec, len);
		if (!n)
			return NULL;
		te->rec = n;
		te->rec_cap = len;
	}
	memcpy(te->rec, data + at, size - at);
	memcpy(te->rec + (size - at), data, len - (size - at));
	return te->rec;
}

static void on_record(struct tcpevents *te, const uint8_t *r, size_t len,
		      void (*fn)(const struct flow_key *, int32_t, void *), void *ctx)
{
	struct perf_event_header h;
	memcpy(&h, r, sizeof h);
	if (h.type == PERF_RECORD_LOST && len >= sizeof h + 16) {
		uint64_t lost;
		memcpy(&lost, r + sizeof h + 8, sizeof lost);
		te->lost += lost;
		return;
	}
	/* PERF_SAMPLE_TID then PERF_SAMPLE_RAW: u32 pid, u32 tid, u32 size, data */
	if (h.type != PERF_RECORD_SAMPLE || len < sizeof h + 12)
		return;
	uint32_t pid, rawlen;
	memcpy(&pid, r + sizeof h, 4);
	memcpy(&rawlen, r + sizeof h + 8, 4);
	if (rawlen > len - sizeof h - 12)
		return;
	const uint8_t *raw = r + sizeof h + 12;
	if (rawlen < 2)
		return;
	uint16_t type = get16(raw + TRACEFMT_TYPE_OFFSET);
	struct tcpevents_change c;
	if (type == te->tcp_id) {
		if (tcpevents_decode(&te->layout, raw, rawlen, &c) == 0)
			on_change(te, &c, (int32_t)pid, fn, ctx);
		return;
	}
	for (int i = 0; i < 2; i++) {
		struct flow_key leg;
		if (te->route[i].on && type == te->route[i].id && pid > 0 &&
		    routeevents_decode(&te->route[i].layout, raw, rawlen, &leg) == 0)
			fn(&leg, (int32_t)pid, ctx);
	}
}

size_t tcpevents_read(struct tcpevents *te,
		      void (*fn)(const struct flow_key *leg, int32_t pid, void *ctx), void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < te->nrings; i++) {
		size_t size = te->page * te->rings[i].pages;
		struct perf_event_mmap_page *mp = (struct perf_event_mmap_page *)te->rings[i].base;
		const uint8_t *data = te->rings[i].base + te->page;
		uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
		uint64_t tail = mp->data_tail;
		while (tail + sizeof(struct perf_event_header) <= head) {
			struct perf_event_header h;
			const uint8_t *hp = record_at(te, data, size, tail, sizeof h);
			if (!hp)
				break;
			memcpy(&h, hp, sizeof h);
			if (h.size < sizeof h || tail + h.size > head)
				break;
			const uint8_t *r = record_at(te, data, size, tail, h.size);
			if (!r)
				break;
			on_record(te, r, h.size, fn, ctx);
			tail += h.size;
			n++;
		}
		__atomic_store_n(&mp->data_tail, head, __ATOMIC_RELEASE);
	}
	return n;
}

uint64_t tcpevents_lost(const struct tcpevents *te)
{
	return te->lost;
}
