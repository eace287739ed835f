/* metrics.c - formatting the exporter's families */
#include "metrics.h"
#include "model.h"

#include <stdio.h>
#include <string.h>

enum family_type { FT_COUNTER, FT_GAUGE, FT_INFO };

struct fmt {
	struct buf *b;
	bool om; /* OpenMetrics */
	const struct groupacc *a;
	const struct model *m;
};

void metrics_label_value(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '"': buf_puts(b, "\\\""); break;
		case '\n': buf_puts(b, "\\n"); break;
		default: buf_putc(b, *s);
		}
	}
	buf_putc(b, '"');
}

/* HELP and TYPE. name is the sample name without _total / _info; the text
 * format names a family by its samples, OpenMetrics by the bare name. */
static void family(struct fmt *f, const char *name, enum family_type type, const char *help)
{
	static const char *const suffix[] = {"_total", "", "_info"};
	static const char *const text_type[] = {"counter", "gauge", "gauge"};
	static const char *const om_type[] = {"counter", "gauge", "info"};
	const char *sfx = f->om ? "" : suffix[type];
	buf_printf(f->b, "# HELP %s%s %s\n", name, sfx, help);
	buf_printf(f->b, "# TYPE %s%s %s\n", name, sfx, f->om ? om_type[type] : text_type[type]);
}

/* name{k="v",...} for up to three labels (a NULL key ends them) */
static void sample_start(struct fmt *f, const char *name, const char *k1, const char *v1,
			 const char *k2, const char *v2, const char *k3, const char *v3)
{
	buf_puts(f->b, name);
	const char *k[3] = {k1, k2, k3}, *v[3] = {v1, v2, v3};
	for (int i = 0; i < 3 && k[i]; i++) {
		buf_putc(f->b, i ? ',' : '{');
		buf_puts(f->b, k[i]);
		buf_putc(f->b, '=');
		metrics_label_value(f->b, v[i]);
	}
	if (k1)
		buf_putc(f->b, '}');
	buf_putc(f->b, ' ');
}

/* num / den in decimal: exact when den is a power of ten (clock ticks at
 * 100 Hz, nanoseconds), so a counter never shows rounding noise */
static void put_ratio(struct buf *b, uint64_t num, uint64_t den)
{
	int digits = 0;
	uint64_t d = den;
	while (d > 1 && d % 10 == 0) {
		d /= 10;
		digits++;
	}
	if (d != 1) {
		buf_printf(b, "%.17g", (double)num / (double)den);
		return;
	}
	buf_put_u64(b, num / den);
	uint64_t rem = num % den;
	if (!rem)
		return;
	char frac[24];
	for (int i = digits - 1; i >= 0; i--, rem /= 10)
		frac[i] = (char)('0' + rem % 10);
	int n = digits;
	while (n > 0 && frac[n - 1] == '0')
		n--;
	buf_putc(b, '.');
	buf_append(b, frac, (size_t)n);
}

static void end_u64(struct fmt *f, uint64_t v)
{
	buf_put_u64(f->b, v);
	buf_putc(f->b, '\n');
}

static void end_ratio(struct fmt *f, uint64_t num, uint64_t den)
{
	put_ratio(f->b, num, den);
	buf_putc(f->b, '\n');
}

/* ---- groups ---- */

struct group_family {
	const char *name;
	const char *help;
	int counter; /* enum gc_counter */
	uint64_t den; /* 0: clock ticks */
};

static const struct group_family group_counters[] = {
	{"pidtop_group_runqueue_wait_seconds", "Time the group's tasks were runnable but waiting for a CPU (schedstat, taskstats).", GC_WAIT_NS, 1000000000},
	{"pidtop_group_read_bytes", "Bytes the group's processes caused to be read from storage (/proc/PID/io read_bytes).", GC_READ_BYTES, 1},
	{"pidtop_group_write_bytes", "Bytes the group's processes caused to be written to storage (/proc/PID/io write_bytes).", GC_WRITE_BYTES, 1},
	{"pidtop_group_cancelled_write_bytes", "Written bytes later truncated before they reached storage.", GC_CWRITE_BYTES, 1},
	{"pidtop_group_io_delay_seconds", "Time the group's tasks waited for block I/O (taskstats delay accounting).", GC_IO_DELAY_NS, 1000000000},
	{"pidtop_group_swapin_delay_seconds", "Time the group's tasks waited for swap-in (taskstats delay accounting).", GC_SWAPIN_DELAY_NS, 1000000000},
	{"pidtop_group_network_transmit_bytes", "IP bytes sent by the group's sockets (packet capture).", GC_NET_TX_BYTES, 1},
	{"pidtop_group_network_receive_bytes", "IP bytes received by the group's sockets (packet capture).", GC_NET_RX_BYTES, 1},
	{"pidtop_group_network_transmit_packets", "Packets sent by the group's sockets (packet capture).", GC_NET_TX_PKTS, 1},
	{"pidtop_group_network_receive_packets", "Packets received by the group's sockets (packet capture).", GC_NET_RX_PKTS, 1},
	{"pidtop_group_major_page_faults", "Major page faults (pages read from storage) of the group's processes.", GC_MAJFLT, 1},
	{"pidtop_group_minor_page_faults", "Minor page faults of the group's processes.", GC_MINFLT, 1},
};

static void group_cpu(struct fmt *f, uint64_t hz)
{
	static const char *const modes[] = {"user", "system", "guest"};
	static const int ids[] = {GC_CPU_USER, GC_CPU_SYSTEM, GC_CPU_GUEST};
	family(f, "pidtop_group_cpu_seconds", FT_COUNTER,
	       "CPU time of the group's processes, exited ones included, by mode (guest is not in user).");
	for (size_t g = 0; g < groupacc_ngroups(f->a); g++)
		for (int i = 0; i < 3; i++) {
			sample_start(f, "pidtop_group_cpu_seconds_total", "group",
				     groupacc_group_name(f->a, g), "mode", modes[i], NULL, NULL);
			end_ratio(f, groupacc_group(f->a, g)->c[ids[i]], hz);
		}
}

static void group_cswch(struct fmt *f)
{
	family(f, "pidtop_group_context_switches", FT_COUNTER,
	       "Context switches of the group's tasks: voluntary (it waited) or involuntary (preempted).");
	for (size_t g = 0; g < groupacc_ngroups(f->a); g++) {
		const struct group_stats *s = groupacc_group(f->a, g);
		const char *name = groupacc_group_name(f->a, g);
		sample_start(f, "pidtop_group_context_switches_total", "group", name, "type",
			     "voluntary", NULL, NULL);
		end_u64(f, s->c[GC_CSWCH]);
		sample_start(f, "pidtop_group_context_switches_total", "group", name, "type",
			     "involuntary", NULL, NULL);
		end_u64(f, s->c[GC_NVCSWCH]);
	}
}

static void group_counter(struct fmt *f, const struct group_family *gf)
{
	char sample[96];
	snprintf(sample, sizeof sample, "%s_total", gf->name);
	family(f, gf->name, FT_COUNTER, gf->help);
	for (size_t g = 0; g < groupacc_ngroups(f->a); g++) {
		sample_start(f, sample, "group", groupacc_group_name(f->a, g), NULL, NULL, NULL, NULL);
		end_ratio(f, groupacc_group(f->a, g)->c[gf->counter], gf->den);
	}
}

enum group_gauge { GG_RSS, GG_VSZ, GG_PROCS, GG_THREADS, GG_STARTED };

static uint64_t gauge_value(const struct group_stats *s, enum group_gauge k)
{
	switch (k) {
	case GG_RSS: return s->rss_kb * 1024;
	case GG_VSZ: return s->vsz_kb * 1024;
	case GG_PROCS: return s->processes;
	case GG_THREADS: return s->threads;
	case GG_STARTED: return s->started;
	}
	return 0;
}

static void group_gauges(struct fmt *f)
{
	static const struct {
		const char *name, *sample, *help;
		enum family_type type;
		enum group_gauge k;
	} g[] = {
		{"pidtop_group_processes_started", "pidtop_group_processes_started_total", "Processes of the group that started while pidtop watched (short-lived ones included).", FT_COUNTER, GG_STARTED},
		{"pidtop_group_memory_rss_bytes", "pidtop_group_memory_rss_bytes", "Resident memory of the group's living processes (shared pages counted in each).", FT_GAUGE, GG_RSS},
		{"pidtop_group_memory_virtual_bytes", "pidtop_group_memory_virtual_bytes", "Virtual memory size of the group's living processes.", FT_GAUGE, GG_VSZ},
		{"pidtop_group_processes", "pidtop_group_processes", "Living processes in the group.", FT_GAUGE, GG_PROCS},
		{"pidtop_group_threads", "pidtop_group_threads", "Threads of the group's living processes.", FT_GAUGE, GG_THREADS},
	};
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
		family(f, g[i].name, g[i].type, g[i].help);
		for (size_t j = 0; j < groupacc_ngroups(f->a); j++) {
			sample_start(f, g[i].sample, "group", groupacc_group_name(f->a, j), NULL,
				     NULL, NULL, NULL);
			end_u64(f, gauge_value(groupacc_group(f->a, j), g[i].k));
		}
	}
}

/* ---- top processes ---- */

enum top_value { TV_CPU, TV_READ, TV_WRITE, TV_TX, TV_RX, TV_RSS };

static void top_family(struct fmt *f, const char *name, enum family_type type,
		       enum top_value v, const char *help, uint64_t hz)
{
	char sample[96];
	snprintf(sample, sizeof sample, "%s%s", name, type == FT_COUNTER ? "_total" : "");
	family(f, name, type, help);
	const struct groupacc *a = f->a;
	for (size_t i = 0; i < a->nprocs; i++) {
		const struct gproc *e = &a->procs[i];
		if (e->top_until <= a->sample || e->seen != a->sample)
			continue;
		char pid[16];
		snprintf(pid, sizeof pid, "%d", (int)e->tgid);
		sample_start(f, sample, "pid", pid, "comm", e->comm, "group",
			     groupacc_group_name(a, e->group));
		switch (v) {
		case TV_CPU:
			end_ratio(f, e->c[GC_CPU_USER] + e->c[GC_CPU_SYSTEM] + e->c[GC_CPU_GUEST], hz);
			break;
		case TV_READ: end_u64(f, e->c[GC_READ_BYTES]); break;
		case TV_WRITE: end_u64(f, e->c[GC_WRITE_BYTES]); break;
		case TV_TX: end_u64(f, e->c[GC_NET_TX_BYTES]); break;
		case TV_RX: end_u64(f, e->c[GC_NET_RX_BYTES]); break;
		case TV_RSS: end_u64(f, e->rss_kb * 1024); break;
		}
	}
}

static void top_processes(struct fmt *f, uint64_t hz)
{
	if (!f->a->top_k)
		return;
	top_family(f, "pidtop_process_cpu_seconds", FT_COUNTER, TV_CPU,
		   "CPU time of one of the most active processes (by CPU, disk or network).", hz);
	top_family(f, "pidtop_process_read_bytes", FT_COUNTER, TV_READ,
		   "Bytes one of the most active processes caused to be read from storage.", hz);
	top_family(f, "pidtop_process_write_bytes", FT_COUNTER, TV_WRITE,
		   "Bytes one of the most active processes caused to be written to storage.", hz);
	top_family(f, "pidtop_process_network_transmit_bytes", FT_COUNTER, TV_TX,
		   "IP bytes sent by one of the most active processes since pidtop first saw it.", hz);
	top_family(f, "pidtop_process_network_receive_bytes", FT_COUNTER, TV_RX,
		   "IP bytes received by one of the most active processes since pidtop first saw it.", hz);
	top_family(f, "pidtop_process_memory_rss_bytes", FT_GAUGE, TV_RSS,
		   "Resident memory of one of the most active processes.", hz);
}

/* ---- the machine and pidtop itself ---- */

static void machine(struct fmt *f, double sample_duration_s)
{
	const struct model *m = f->m;
	family(f, "pidtop_network_unattributed_bytes", FT_COUNTER,
	       "Captured IP bytes tied to no process, by protocol.");
	struct net_extra un, unprev;
	bool captured = model_unattributed(m, &un, &unprev);
	if (captured) {
		static const char *const proto[] = {"tcp", "udp", "other"};
		uint64_t v[] = {un.tcp_bytes, un.udp_bytes, un.other_bytes};
		for (int i = 0; i < 3; i++) {
			sample_start(f, "pidtop_network_unattributed_bytes_total", "protocol", proto[i],
				     NULL, NULL, NULL, NULL);
			end_u64(f, v[i]);
		}
	}
	family(f, "pidtop_capture_dropped_packets", FT_COUNTER,
	       "Packets the capture dropped (their bytes are in no counter).");
	if (captured) {
		sample_start(f, "pidtop_capture_dropped_packets_total", NULL, NULL, NULL, NULL, NULL,
			     NULL);
		end_u64(f, un.drops);
	}
	family(f, "pidtop_source_up", FT_GAUGE,
	       "1 when the data source gives its figures, 0 when it is off or unavailable.");
	for (int i = 0; i < SOURCE_COUNT; i++) {
		sample_start(f, "pidtop_source_up", "source", model_source(m, i)->name, NULL, NULL, NULL,
			     NULL);
		end_u64(f, model_source(m, i)->ok);
	}
	family(f, "pidtop_source", FT_INFO, "A data source's state: ok, or why it is not.");
	for (int i = 0; i < SOURCE_COUNT; i++) {
		sample_start(f, "pidtop_source_info", "source", model_source(m, i)->name, "state",
			     model_source(m, i)->text, NULL, NULL);
		end_u64(f, 1);
	}
	family(f, "pidtop_samples", FT_COUNTER,
	       "Samples taken: it grows by one every interval (-d) while sampling keeps its clock.");
	sample_start(f, "pidtop_samples_total", NULL, NULL, NULL, NULL, NULL, NULL);
	end_u64(f, f->a->sample);
	family(f, "pidtop_sample_duration_seconds", FT_GAUGE,
	       "How long the last sample of every process took.");
	sample_start(f, "pidtop_sample_duration_seconds", NULL, NULL, NULL, NULL, NULL, NULL);
	buf_printf(f->b, "%.6f\n", sample_duration_s);
	family(f, "pidtop_build", FT_INFO, "The pidtop version serving these metrics.");
	sample_start(f, "pidtop_build_info", "version", PACKAGE_VERSION, NULL, NULL, NULL, NULL);
	end_u64(f, 1);
}

void metrics_format(struct buf *b, bool openmetrics, const struct groupacc *a,
		    const struct model *m, double sample_duration_s)
{
	struct fmt f = {b, openmetrics, a, m};
	uint64_t hz = model_clk_tck(m) > 0 ? (uint64_t)model_clk_tck(m) : 100;
	group_cpu(&f, hz);
	for (size_t i = 0; i < sizeof group_counters / sizeof group_counters[0]; i++)
		group_counter(&f, &group_counters[i]);
	group_cswch(&f);
	group_gauges(&f);
	top_processes(&f, hz);
	machine(&f, sample_duration_s);
	if (openmetrics)
		buf_puts(b, "# EOF\n");
}
