/* history.c - per-task rings of the last HIST_LEN refreshes (history.h) */
#include "history.h"

#include <stdlib.h>

/* A figure is kept as a count of units: CPU in hundredths of a percent,
 * RSS in KiB, rates in bytes per second. */
static const double unit[HIST_SERIES] = {
	[HIST_CPU] = 0.01, [HIST_RSS] = 1, [HIST_READ] = 1,
	[HIST_WRITE] = 1, [HIST_NET_TX] = 1, [HIST_NET_RX] = 1,
};

#define MANT_BITS 10
#define MAX_SHIFT 53 /* (2^11 - 1) << 53 still fits in 64 bits */

uint16_t hist_encode(double x)
{
	if (!(x > 0)) /* also NaN */
		return 0;
	if (x >= 9223372036854775808.0) /* 2^63: beyond that, the largest code */
		return (uint16_t)(((MAX_SHIFT + 1) << MANT_BITS) | ((1u << MANT_BITS) - 1));
	uint64_t v = (uint64_t)(x + 0.5);
	if (v == 0)
		return 1; /* something, however little, is never stored as nothing */
	if (v < 2u << MANT_BITS)
		return (uint16_t)v; /* exact */
	int shift = 63 - __builtin_clzll(v) - MANT_BITS;
	uint64_t m = (v + (1ull << (shift - 1))) >> shift; /* rounded: 1024..2048 */
	if (m == 2u << MANT_BITS) {
		m >>= 1;
		shift++;
	}
	return (uint16_t)(((unsigned)(shift + 1) << MANT_BITS) | (unsigned)(m - (1u << MANT_BITS)));
}

double hist_decode(uint16_t code)
{
	if (code < 1u << MANT_BITS)
		return code;
	unsigned shift = (code >> MANT_BITS) - 1u;
	uint64_t m = (1u << MANT_BITS) | (code & ((1u << MANT_BITS) - 1));
	return (double)(m << shift);
}

/* idle: no CPU, no bytes moved, and (after the first sample) the same RSS */
static bool is_idle(const struct hist_sample *s, bool first, uint64_t prev_rss_kb)
{
	for (int i = 0; i < HIST_SERIES; i++)
		if (i != HIST_RSS && s->v[i] > 0)
			return false;
	return first || s->v[HIST_RSS] == (double)prev_rss_kb;
}

static void put(struct hist *h, const struct hist_sample *s)
{
	for (int i = 0; i < HIST_SERIES; i++)
		h->code[h->head][i] = hist_encode(s->v[i] / unit[i]);
	h->head = (uint8_t)((h->head + 1) % HIST_LEN);
}

int hist_record(struct hist **ring, uint8_t *count, const struct hist_sample *s, double elapsed_s,
		uint64_t prev_rss_kb)
{
	uint8_t before = *count;
	if (*count < HIST_LEN)
		(*count)++;
	struct hist *h = *ring;
	if (!h) {
		if (is_idle(s, before == 0, prev_rss_kb))
			return 0;
		h = calloc(1, sizeof *h);
		if (!h)
			return -1;
		/* the idle stretch so far: nothing done, RSS as it was */
		uint16_t rss = hist_encode((double)prev_rss_kb / unit[HIST_RSS]);
		size_t idle = before < HIST_LEN ? before : HIST_LEN - 1;
		for (size_t k = 0; k < idle; k++)
			h->code[k][HIST_RSS] = rss;
		h->head = (uint8_t)idle;
		*ring = h;
	}
	put(h, s);
	if (elapsed_s > 0) {
		h->tot.cpu_s += s->v[HIST_CPU] / 100.0 * elapsed_s;
		h->tot.read_bytes += s->v[HIST_READ] * elapsed_s;
		h->tot.write_bytes += s->v[HIST_WRITE] * elapsed_s;
		h->tot.net_tx_bytes += s->v[HIST_NET_TX] * elapsed_s;
		h->tot.net_rx_bytes += s->v[HIST_NET_RX] * elapsed_s;
	}
	return 0;
}

size_t hist_read(const struct hist *ring, uint8_t count, uint64_t rss_kb, struct hist_sample *out,
		 size_t max)
{
	size_t n = count < max ? count : max;
	if (!ring) {
		for (size_t k = 0; k < n; k++) {
			for (int i = 0; i < HIST_SERIES; i++)
				out[k].v[i] = 0;
			out[k].v[HIST_RSS] = (double)rss_kb;
		}
		return n;
	}
	size_t slot = (ring->head + HIST_LEN - n) % HIST_LEN;
	for (size_t k = 0; k < n; k++) {
		for (int i = 0; i < HIST_SERIES; i++)
			out[k].v[i] = hist_decode(ring->code[slot][i]) * unit[i];
		slot = (slot + 1) % HIST_LEN;
	}
	return n;
}
