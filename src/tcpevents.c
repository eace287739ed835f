/* tcpevents.c - TCP state changes with the process behind them (see
 * tcpevents.h) */
#include "tcpevents.h"
#include "flowtable.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static const char *const tracefs_dirs[] = {
	"/sys/kernel/tracing/events/sock/inet_sock_set_state",
	"/sys/kernel/debug/tracing/events/sock/inet_sock_set_state",
};

struct ring {
	int fd;
	uint8_t *base; /* the header page, then RING_PAGES data pages */
};

struct tcpevents {
	struct tcpevents_layout layout;
	struct ring *rings;
	size_t nrings;
	size_t page;
	struct flowtable opening; /* socket address -> int32_t pid of its connect() */
	uint64_t lost;
	uint8_t *rec; /* one record copied out of a ring where it wraps */
	size_t rec_cap;
};

/* ---- the format file and the raw record (pure) --------------------------- */

/* The field's name in "field:TYPE NAME[N];": the identifier before '[' or ';'. */
static bool field_name(const char *decl, size_t len, char *out, size_t outsize)
{
	size_t end = 0;
	while (end < len && decl[end] != ';' && decl[end] != '[')
		end++;
	size_t start = end;
	while (start > 0 && (decl[start - 1] == '_' || (decl[start - 1] >= 'a' && decl[start - 1] <= 'z') ||
			     (decl[start - 1] >= 'A' && decl[start - 1] <= 'Z') ||
			     (decl[start - 1] >= '0' && decl[start - 1] <= '9')))
		start--;
	if (start == end || end - start >= outsize)
		return false;
	memcpy(out, decl + start, end - start);
	out[end - start] = '\0';
	return true;
}

/* The number after key ("offset:") in line, or -1. */
static long number_after(const char *line, size_t len, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl <= len; i++) {
		if (memcmp(line + i, key, kl) != 0)
			continue;
		long v = 0;
		size_t j = i + kl;
		if (j >= len || line[j] < '0' || line[j] > '9')
			return -1;
		for (; j < len && line[j] >= '0' && line[j] <= '9'; j++) {
			v = v * 10 + (line[j] - '0');
			if (v > 65535)
				return -1;
		}
		return v;
	}
	return -1;
}

struct want {
	const char *name;
	size_t size;
	size_t where; /* offset of the member in struct tcpevents_layout */
};

static const struct want wanted[] = {
	{"skaddr", 8, offsetof(struct tcpevents_layout, skaddr)},
	{"newstate", 4, offsetof(struct tcpevents_layout, newstate)},
	{"sport", 2, offsetof(struct tcpevents_layout, sport)},
	{"dport", 2, offsetof(struct tcpevents_layout, dport)},
	{"family", 2, offsetof(struct tcpevents_layout, family)},
	{"protocol", 2, offsetof(struct tcpevents_layout, protocol)},
	{"saddr", 4, offsetof(struct tcpevents_layout, saddr)},
	{"daddr", 4, offsetof(struct tcpevents_layout, daddr)},
	{"saddr_v6", 16, offsetof(struct tcpevents_layout, saddr_v6)},
	{"daddr_v6", 16, offsetof(struct tcpevents_layout, daddr_v6)},
};

static void take_field(const char *line, size_t len, struct tcpevents_layout *out)
{
	const char *f = memmem(line, len, "field:", 6);
	if (!f)
		return;
	size_t rest = len - (size_t)(f + 6 - line);
	char name[32];
	long off = number_after(line, len, "offset:"), size = number_after(line, len, "size:");
	if (!field_name(f + 6, rest, name, sizeof name) || off < 0 || size < 0)
		return;
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
		if (strcmp(name, wanted[i].name) != 0 || (size_t)size != wanted[i].size)
			continue;
		int *slot = (int *)((char *)out + wanted[i].where);
		*slot = (int)off;
		if ((int)(off + size) > out->size)
			out->size = (int)(off + size);
	}
}

int tcpevents_parse_format(const char *text, size_t len, struct tcpevents_layout *out)
{
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		*(int *)((char *)out + wanted[i].where) = -1;
	out->size = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		take_field(text + pos, n, out);
		pos += n + 1;
	}
	for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
		if (*(int *)((char *)out + wanted[i].where) < 0)
			return -1;
	return 0;
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

static ssize_t read_small(const char *dir, const char *name, char *buf, size_t size)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t n;
	while (got + 1 < size && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

/* The tracepoint's id and layout from tracefs. */
static int find_event(struct tcpevents *te, long *id, char *why, size_t whylen)
{
	char buf[8192];
	for (size_t i = 0; i < sizeof tracefs_dirs / sizeof tracefs_dirs[0]; i++) {
		if (read_small(tracefs_dirs[i], "id", buf, sizeof buf) <= 0)
			continue;
		*id = strtol(buf, NULL, 10);
		ssize_t n = read_small(tracefs_dirs[i], "format", buf, sizeof buf);
		if (*id <= 0 || n <= 0 || tcpevents_parse_format(buf, (size_t)n, &te->layout) < 0) {
			snprintf(why, whylen, "unexpected layout of sock:inet_sock_set_state");
			return -1;
		}
		return 0;
	}
	snprintf(why, whylen, "no sock:inet_sock_set_state tracepoint (tracefs not mounted?)");
	return -1;
}

static int open_rings(struct tcpevents *te, long id, char *why, size_t whylen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	if (ncpu <= 0 || ncpu > 4096)
		ncpu = 1;
	te->rings = calloc((size_t)ncpu, sizeof *te->rings);
	if (!te->rings) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	struct perf_event_attr a;
	memset(&a, 0, sizeof a);
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof a;
	a.config = (uint64_t)id;
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_RAW;
	int err = 0;
	for (long cpu = 0; cpu < ncpu; cpu++) {
		int fd = (int)syscall(SYS_perf_event_open, &a, -1, (int)cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			err = errno; /* an offline CPU: ENODEV; go on */
			continue;
		}
		void *m = mmap(NULL, te->page * (1 + RING_PAGES), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (m == MAP_FAILED) {
			err = errno;
			close(fd);
			continue;
		}
		te->rings[te->nrings++] = (struct ring){.fd = fd, .base = m};
	}
	if (te->nrings == 0) {
		snprintf(why, whylen, "perf_event_open: %s", strerror(err ? err : ENODEV));
		return -1;
	}
	return 0;
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
	*out = te;
	return 0;
}

void tcpevents_close(struct tcpevents *te)
{
	if (!te)
		return;
	for (size_t i = 0; i < te->nrings; i++) {
		munmap(te->rings[i].base, te->page * (1 + RING_PAGES));
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
	struct tcpevents_change c;
	if (tcpevents_decode(&te->layout, r + sizeof h + 12, rawlen, &c) == 0)
		on_change(te, &c, (int32_t)pid, fn, ctx);
}

size_t tcpevents_read(struct tcpevents *te,
		      void (*fn)(const struct flow_key *leg, int32_t pid, void *ctx), void *ctx)
{
	size_t n = 0, size = te->page * RING_PAGES;
	for (size_t i = 0; i < te->nrings; i++) {
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
