/* history.h - the last HIST_LEN refreshes of one task, compactly.
 *
 * Six series (CPU%, RSS, read, write, network tx and rx rates) are kept
 * for every row (the model's rows table) from its first rate on. A figure is stored in 16 bits as
 * a small float over whole units (hundredths of a percent for CPU, KiB for
 * RSS, bytes/s for rates): exact below 2,048 units, then a 10-bit mantissa,
 * so at most 0.05 % off, up to 2^64. One refresh of all six costs 12 bytes
 * and a full ring 1,440. (No logarithms: libm would cost more resident
 * memory than the rings of a whole busy machine.)
 *
 * Most tasks do nothing most of the time, so a task gets its ring only
 * when it first does something (runs, moves bytes, or its RSS changes):
 * until then its history is "idle, RSS unchanged, for n refreshes", which
 * costs one counter in struct task. Totals since first seen are kept in the
 * ring too; an idle task's totals are zero by definition. */
#ifndef PIDTOP_HISTORY_H
#define PIDTOP_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_LEN 120

enum hist_series { HIST_CPU, HIST_RSS, HIST_READ, HIST_WRITE, HIST_NET_TX, HIST_NET_RX, HIST_SERIES };

/* units: CPU in percent (100 = one CPU), RSS in KiB, the rest bytes/s */
struct hist_sample {
	double v[HIST_SERIES];
};

/* what the task did since pidtop first saw it */
struct hist_totals {
	double cpu_s, read_bytes, write_bytes, net_tx_bytes, net_rx_bytes;
};

struct hist {
	uint16_t code[HIST_LEN][HIST_SERIES];
	uint8_t head; /* the slot the next sample goes to */
	struct hist_totals tot;
};

/* A task's history: *ring (NULL while idle) and *count (samples so far,
 * saturating at HIST_LEN) live in struct task. Records one refresh's
 * sample, taken over elapsed_s seconds; prev_rss_kb is the RSS of the
 * refresh before (the idle stretch's RSS, should a ring start now).
 * Returns -1 when a ring was needed and could not be allocated (the
 * sample is then lost, the count still advances). */
int hist_record(struct hist **ring, uint8_t *count, const struct hist_sample *s, double elapsed_s,
		uint64_t prev_rss_kb);

/* The last n = min(count, max) samples, oldest first, into out (n entries).
 * While there is no ring, the samples are idle with RSS rss_kb. */
size_t hist_read(const struct hist *ring, uint8_t count, uint64_t rss_kb, struct hist_sample *out,
		 size_t max);

/* The 16-bit code of a count of units (x >= 0), and back. */
uint16_t hist_encode(double x);
double hist_decode(uint16_t code);

#endif
