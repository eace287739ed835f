/* groupacc.h - per-group cumulative counters for the exporter.
 *
 * A group's counter is the sum of what its processes did, and it never
 * decreases: every sample each known process's cumulative counters are
 * compared with what it has already contributed, and only the increase is
 * added to its group. A process that ends keeps its contribution in the
 * group (its final figures from the taskstats exit record are one last
 * increase), a process that lived between two samples contributes all it
 * did, and a process alive before pidtop started contributes its whole
 * life at the first sample. A process whose group changes (an exec changes
 * its comm) leaves what it did in the old group and adds to the new one
 * from then on. Gauges (memory, processes, threads) are of the living.
 *
 * A group forgotten after idle_samples without a living process or an
 * increase starts again from zero if its name comes back: one reset, after
 * a long absence, instead of series without end.
 *
 * Traffic is not a task counter in the model: each process's traffic of
 * the interval is added as it comes (model.h, task_delta.net). */
#ifndef PIDTOP_GROUPACC_H
#define PIDTOP_GROUPACC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "groups.h"
#include "intmap.h"

struct model;

enum gc_counter {
	GC_CPU_USER, GC_CPU_SYSTEM, GC_CPU_GUEST, /* clock ticks */
	GC_WAIT_NS,                               /* run-queue wait */
	GC_READ_BYTES, GC_WRITE_BYTES, GC_CWRITE_BYTES,
	GC_IO_DELAY_NS, GC_SWAPIN_DELAY_NS,
	GC_CSWCH, GC_NVCSWCH,
	GC_MAJFLT, GC_MINFLT,
	GC_NET_TX_BYTES, GC_NET_RX_BYTES, GC_NET_TX_PKTS, GC_NET_RX_PKTS,
	GC_COUNT
};
#define GC_TASK_COUNTERS GC_NET_TX_BYTES /* the ones taken from task counters */

struct group_stats {
	uint64_t c[GC_COUNT];
	uint64_t started;            /* processes first seen after the first sample */
	uint64_t rss_kb, vsz_kb;     /* of the living */
	uint32_t processes, threads; /* living */
	uint32_t last_active;        /* the last sample it had a living process or grew */
};

/* one known process */
struct gproc {
	int32_t tgid;
	/* known only by its exit record: its start time is in whole seconds */
	bool approx_start;
	/* it ended: the entry stays GROUPACC_ENDED_KEEP samples after the
	 * model lets go of it, in case the model lists the process again (a
	 * zombie its parent has not reaped, listed anew with all it did) */
	bool ended;
	uint32_t group;
	uint32_t seen;      /* the sample that last saw it */
	uint32_t top_until; /* exported as a top process until this sample */
	uint64_t start_ticks;
	uint64_t c[GC_COUNT]; /* what it has contributed */
	uint64_t score[3];    /* this sample's increase: cpu ticks, disk bytes, net bytes */
	uint64_t rss_kb;
	char comm[16];
};

struct groupacc {
	struct grouping grouping;
	struct group_table names;
	struct group_stats *stats; /* by group index */
	size_t stats_cap;
	struct intmap index; /* tgid -> its place in procs */
	struct gproc *procs;
	size_t nprocs, procs_cap;
	uint32_t sample; /* updates so far */
	bool *exited_taken; /* this sample's exit rows already counted */
	size_t exited_cap;
	unsigned top_k;
	bool needs_exe;
	/* a group with no living process that has not grown for this many
	 * samples is forgotten (0: never), so names that never come back
	 * (a process naming itself after a serial number) do not pile up */
	uint32_t idle_samples;
};

#define GROUPACC_ENDED_KEEP 64
#define GROUPACC_TOP_HOLD 10 /* a top process stays exported this many samples */
/* At most this many groups (and the one below): a new name past it goes to
 * GROUPACC_OTHER, until idle groups are forgotten. */
#define GROUPACC_MAX_GROUPS 500
#define GROUPACC_OTHER "(other)"

void groupacc_init(struct groupacc *a, const struct grouping *g, unsigned top_k);
void groupacc_free(struct groupacc *a);
/* Takes the model's latest refresh (process rows). Returns 0, or -1 when
 * out of memory (the figures of this sample may be incomplete; totals
 * still never decrease). */
int groupacc_update(struct groupacc *a, struct model *m);
const struct group_stats *groupacc_group(const struct groupacc *a, size_t i);
size_t groupacc_ngroups(const struct groupacc *a);
const char *groupacc_group_name(const struct groupacc *a, size_t i);

#endif
