/* routeevents.c - UDP senders from route look-ups (see routeevents.h) */
#include "routeevents.h"
#include "tracefmt.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define W(field, bytes) {#field, bytes, offsetof(struct routeevents_layout, field)}

static const struct tracefmt_want want4[] = {
	W(proto, 1), W(iif, 4), W(src, 4), W(dst, 4), W(sport, 2), W(dport, 2),
};
static const struct tracefmt_want want6[] = {
	W(proto, 1), W(iif, 4), W(src, 16), W(dst, 16), W(sport, 2), W(dport, 2),
};

int routeevents_parse_format(const char *text, size_t len, uint8_t family,
			     struct routeevents_layout *out)
{
	memset(out, 0, sizeof *out);
	out->family = family;
	if (family == AF_INET)
		return tracefmt_parse(text, len, want4, sizeof want4 / sizeof want4[0], out, &out->size);
	if (family == AF_INET6)
		return tracefmt_parse(text, len, want6, sizeof want6 / sizeof want6[0], out, &out->size);
	return -1;
}

int routeevents_decode(const struct routeevents_layout *l, const uint8_t *raw, size_t len,
		       struct flow_key *leg)
{
	size_t alen = l->family == AF_INET ? 4 : 16;
	if (l->size <= TRACEFMT_FLAGS_OFFSET || len < (size_t)l->size ||
	    (l->family != AF_INET && l->family != AF_INET6))
		return -1;
	int32_t iif;
	memcpy(&iif, raw + l->iif, sizeof iif);
	if (raw[TRACEFMT_FLAGS_OFFSET] & TRACEFMT_FLAG_IRQ_CONTEXT || raw[l->proto] != IPPROTO_UDP ||
	    iif != ROUTEEVENTS_OUTPUT_IIF)
		return -1;
	memset(leg, 0, sizeof *leg);
	leg->family = l->family;
	leg->proto = IPPROTO_UDP;
	memcpy(&leg->sport, raw + l->sport, 2); /* the tracepoint stores them in host order */
	memcpy(&leg->dport, raw + l->dport, 2);
	if (!leg->sport || !leg->dport)
		return -1;
	memcpy(leg->saddr, raw + l->src, alen);
	memcpy(leg->daddr, raw + l->dst, alen);
	if (l->family == AF_INET6) {
		/* a dual-stack socket sending to IPv4 looks up ::ffff:a.b.c.d */
		uint8_t sf = AF_INET6, df = AF_INET6;
		static const uint8_t any6[16];
		pktdecode_normalize_addr(&df, leg->daddr);
		if (memcmp(leg->saddr, any6, 16) != 0)
			pktdecode_normalize_addr(&sf, leg->saddr);
		else
			sf = df;
		if (df == AF_INET && sf == AF_INET)
			leg->family = AF_INET;
	}
	return 0;
}

void routeevents_filter(char *buf, size_t size, unsigned lo, unsigned hi)
{
	snprintf(buf, size, "proto == %d && iif == %d && sport >= %u && sport <= %u", IPPROTO_UDP,
		 ROUTEEVENTS_OUTPUT_IIF, lo, hi);
}
