/* parse_sys.c - pure parsers for machine-wide /proc files (/proc/stat,
 * meminfo, loadavg, uptime, pressure, diskstats, net/dev) and for cgroup v2
 * paths (see parse.h for the shared rules).
 *
 * Everything works on [p, end) ranges: the input is not NUL-terminated and
 * may have been cut by a short read. No stdio, no allocation, no locale.
 */
#include "parse.h"
#include "parse_priv.h"

#include <limits.h>
#include <string.h>

/* ---- /proc/stat ------------------------------------------------------ */

/* Columns of a "cpu" line after its name (fs/proc/stat.c show_stat). */
static int cpu_columns(const char *p, const char *e, struct cpu_times *t)
{
	uint64_t *col[] = {&t->user, &t->nice,    &t->system, &t->idle,  &t->iowait,
	                   &t->irq,  &t->softirq, &t->steal,  &t->guest, &t->guest_nice};
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < sizeof col / sizeof col[0]; i++) {
		p = parse_skip_blanks(p, e);
		if (p == e)
			break;
		if (parse_line_u64(&p, e, col[i]) < 0)
			return -1;
	}
	/* columns beyond guest_nice (future kernels) are ignored */
	return i >= 4 ? 0 : -1;
}

static int sys_stat_cpu_line(const char *s, const char *e, struct sys_stat *out, bool *has_total)
{
	const char *p = s + 3;
	struct cpu_times t;
	uint64_t n;

	if (p < e && *p == ' ') {
		if (cpu_columns(p, e, &out->total) < 0)
			return -1;
		*has_total = true;
		return 0;
	}
	if (parse_scan_u64(&p, e, &n) < 0 || n >= INT_MAX || p == e || *p != ' ')
		return -1;
	if (cpu_columns(p, e, &t) < 0)
		return -1;
	if ((int)n < out->cpus_cap)
		out->cpus[n] = t;
	if ((int)n + 1 > out->ncpus)
		out->ncpus = (int)n + 1;
	return 0;
}

static int sys_stat_line(const char *s, const char *e, struct sys_stat *out, bool *has_total)
{
	const char *v;

	if (e - s >= 3 && memcmp(s, "cpu", 3) == 0 && (s + 3 == e || s[3] == ' ' || parse_is_digit(s[3])))
		return sys_stat_cpu_line(s, e, out, has_total);
	if ((v = parse_line_key(s, e, "btime", 5, ' '))) {
		out->has_btime = true;
		return parse_line_u64(&v, e, &out->btime);
	}
	if ((v = parse_line_key(s, e, "ctxt", 4, ' '))) {
		out->has_ctxt = true;
		return parse_line_u64(&v, e, &out->ctxt);
	}
	if ((v = parse_line_key(s, e, "processes", 9, ' '))) {
		out->has_processes = true;
		return parse_line_u64(&v, e, &out->processes);
	}
	if ((v = parse_line_key(s, e, "procs_running", 13, ' '))) {
		out->has_procs_running = true;
		return parse_line_i64(&v, e, 0, INT64_MAX, &out->procs_running);
	}
	if ((v = parse_line_key(s, e, "procs_blocked", 13, ' '))) {
		out->has_procs_blocked = true;
		return parse_line_i64(&v, e, 0, INT64_MAX, &out->procs_blocked);
	}
	return 0;
}

int parse_sys_stat(const char *buf, size_t len, struct sys_stat *out)
{
	struct cpu_times *cpus = out->cpus;
	int cap = cpus ? out->cpus_cap : 0;
	struct lines l;
	const char *s, *e;
	bool has_total = false;
	int rc = 0;

	if (cap < 0)
		cap = 0;
	if ((size_t)cap > SIZE_MAX / sizeof *cpus)
		cap = (int)(SIZE_MAX / sizeof *cpus);
	memset(out, 0, sizeof *out);
	out->cpus = cpus;
	out->cpus_cap = cap;
	if (cap > 0)
		memset(cpus, 0, (size_t)cap * sizeof *cpus);
	parse_lines_init(&l, buf, len);
	while (rc == 0 && parse_lines_next(&l, &s, &e))
		rc = sys_stat_line(s, e, out, &has_total);
	if (rc < 0 || !has_total) {
		memset(out, 0, sizeof *out);
		out->cpus = cpus;
		out->cpus_cap = cap;
		if (cap > 0)
			memset(cpus, 0, (size_t)cap * sizeof *cpus);
		return -1;
	}
	return 0;
}

uint64_t cpu_times_busy(const struct cpu_times *t)
{
	/* guest and guest_nice are already counted in user and nice
	 * (kernel/sched/cputime.c account_guest_time) */
	uint64_t b = parse_sat_add(t->user, t->nice);

	b = parse_sat_add(b, t->system);
	b = parse_sat_add(b, t->irq);
	b = parse_sat_add(b, t->softirq);
	return parse_sat_add(b, t->steal);
}

uint64_t cpu_times_total(const struct cpu_times *t)
{
	return parse_sat_add(parse_sat_add(cpu_times_busy(t), t->idle), t->iowait);
}

/* ---- /proc/meminfo, loadavg, uptime ---------------------------------- */

/* fs/proc/meminfo.c meminfo_proc_show; the first six are required */
static const struct keyed_u64 meminfo_keys[] = {
    KEYED("MemTotal", struct meminfo, mem_total_kb),
    KEYED("MemFree", struct meminfo, mem_free_kb),
    KEYED("Buffers", struct meminfo, buffers_kb),
    KEYED("Cached", struct meminfo, cached_kb),
    KEYED("SwapTotal", struct meminfo, swap_total_kb),
    KEYED("SwapFree", struct meminfo, swap_free_kb),
    KEYED("MemAvailable", struct meminfo, mem_available_kb),
    KEYED("Shmem", struct meminfo, shmem_kb),
    KEYED("SReclaimable", struct meminfo, sreclaimable_kb),
};

int parse_meminfo(const char *buf, size_t len, struct meminfo *out)
{
	const long required = 0x3f;
	long found;

	memset(out, 0, sizeof *out);
	found = parse_keyed_u64(buf, len, meminfo_keys,
	                        sizeof meminfo_keys / sizeof meminfo_keys[0], out);
	if (found < 0 || (found & required) != required) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->has_available = found & (1L << 6);
	out->has_shmem = found & (1L << 7);
	out->has_sreclaimable = found & (1L << 8);
	return 0;
}

static int tok_decimal(const char *tok, size_t n, double *out)
{
	const char *p = tok;

	return parse_scan_decimal(&p, tok + n, out) < 0 || p != tok + n ? -1 : 0;
}

/* fs/proc/loadavg.c: "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d\n" */
static int loadavg_fields(struct fields *f, struct loadavg *out)
{
	double *load[] = {&out->load1, &out->load5, &out->load15};
	const char *tok, *p;
	size_t n;
	uint64_t running, total;

	for (size_t i = 0; i < 3; i++) {
		if (!parse_fields_next(f, &tok, &n) || tok_decimal(tok, n, load[i]) < 0)
			return -1;
	}
	if (!parse_fields_next(f, &tok, &n))
		return -1;
	p = tok;
	if (parse_scan_u64(&p, tok + n, &running) < 0 || p == tok + n || *p != '/')
		return -1;
	p++;
	if (parse_scan_u64(&p, tok + n, &total) < 0 || p != tok + n || running > INT64_MAX ||
	    total > INT64_MAX)
		return -1;
	out->running = (int64_t)running;
	out->total = (int64_t)total;
	if (!parse_fields_next(f, &tok, &n))
		return -1;
	return parse_tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->last_pid);
}

int parse_loadavg(const char *buf, size_t len, struct loadavg *out)
{
	struct fields f;

	memset(out, 0, sizeof *out);
	parse_fields_init(&f, buf, len ? buf + len : buf);
	if (loadavg_fields(&f, out) < 0) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* fs/proc/uptime.c: "%lu.%02lu %lu.%02lu\n", seconds since boot then idle */
int parse_uptime(const char *buf, size_t len, double *uptime_s)
{
	struct fields f;
	const char *tok;
	size_t n;

	*uptime_s = 0;
	parse_fields_init(&f, buf, len ? buf + len : buf);
	if (!parse_fields_next(&f, &tok, &n) || tok_decimal(tok, n, uptime_s) < 0) {
		*uptime_s = 0;
		return -1;
	}
	return 0;
}

/* ---- /proc/pressure --------------------------------------------------- */

static int psi_fields(const char *p, const char *e, struct psi_line *out)
{
	static const char *const keys[] = {"avg10=", "avg60=", "avg300=", "total="};
	double *avgs[] = {&out->avg10, &out->avg60, &out->avg300};
	struct fields f;
	const char *tok;
	size_t n;

	parse_fields_init(&f, p, e);
	f.terminated = true; /* lines_next gave a complete line */
	for (size_t k = 0; k < 4; k++) {
		size_t kl = strlen(keys[k]);
		if (!parse_fields_next(&f, &tok, &n) || n <= kl || memcmp(tok, keys[k], kl) != 0)
			return -1;
		if (k < 3 && (tok_decimal(tok + kl, n - kl, avgs[k]) < 0 || *avgs[k] > 100.0))
			return -1;
		if (k == 3 && parse_tok_u64(tok + kl, n - kl, &out->total_us) < 0)
			return -1;
	}
	return parse_fields_next(&f, &tok, &n) ? -1 : 0;
}

int parse_pressure(const char *buf, size_t len, struct pressure *out)
{
	struct lines l;
	const char *s, *e;
	bool has_some = false;

	memset(out, 0, sizeof *out);
	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		bool some = (size_t)(e - s) > 5 && memcmp(s, "some ", 5) == 0;
		bool full = (size_t)(e - s) > 5 && memcmp(s, "full ", 5) == 0;
		if ((!some && !full) || (some ? has_some : out->has_full))
			goto bad;
		if (psi_fields(s + 5, e, some ? &out->some : &out->full) < 0)
			goto bad;
		if (some)
			has_some = true;
		else
			out->has_full = true;
	}
	if (has_some)
		return 0;
bad:
	memset(out, 0, sizeof *out);
	return -1;
}

/* ---- /proc/diskstats -------------------------------------------------- */

static bool has_prefix(const char *name, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(name, prefix, n) == 0;
}

static bool all_lower(const char *p, const char *end)
{
	if (p >= end)
		return false;
	for (; p < end; p++)
		if (*p < 'a' || *p > 'z')
			return false;
	return true;
}

/* nvme<ctrl>c<path>n<ns>: one path of an NVMe multipath namespace
 * (drivers/nvme/host/multipath.c), hidden behind nvme<subsys>n<ns> */
static bool is_nvme_path(const char *name, size_t len)
{
	const char *p = name + 4, *end = name + len;
	uint64_t v;

	if (!has_prefix(name, len, "nvme") || parse_scan_u64(&p, end, &v) < 0 || p == end || *p != 'c')
		return false;
	p++;
	if (parse_scan_u64(&p, end, &v) < 0 || p == end || *p != 'n')
		return false;
	p++;
	return parse_scan_u64(&p, end, &v) == 0 && p == end;
}

bool diskstats_is_whole_disk(const char *name, size_t len)
{
	/* stacked or virtual devices: their I/O reaches a disk listed too, or
	 * no disk at all */
	static const char *const virtual_prefixes[] = {
	    "loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd", "zd", "drbd", "bcache", "nullb",
	};
	/* drivers whose disks are named by letters (sda, hdc, vdb, xvda,
	 * dasda, ubda) number their partitions with bare digits (sda1) */
	static const char *const lettered[] = {"sd", "hd", "vd", "xvd", "dasd", "ubd"};
	const char *end, *d;

	if (!name || len == 0)
		return false;
	for (size_t i = 0; i < sizeof virtual_prefixes / sizeof virtual_prefixes[0]; i++)
		if (has_prefix(name, len, virtual_prefixes[i]))
			return false;
	if (is_nvme_path(name, len))
		return false;
	end = name + len;
	for (d = end; d > name && parse_is_digit(d[-1]); d--)
		;
	if (d == end)
		return true;
	/* disks whose name ends in a digit (nvme0n1, mmcblk0, rbd0) get
	 * "p<N>" partitions (block/partitions/core.c add_partition) */
	if (d - name >= 2 && d[-1] == 'p' && parse_is_digit(d[-2]))
		return false;
	for (size_t i = 0; i < sizeof lettered / sizeof lettered[0]; i++) {
		size_t n = strlen(lettered[i]);

		if (has_prefix(name, len, lettered[i]) && all_lower(name + n, d))
			return false;
	}
	return true;
}

/* One line of block/genhd.c diskstats_show: "%4d %7d %s " then the stats.
 * Adds the disk's sectors when it is a whole disk. */
static int diskstats_line(const char *s, const char *e, struct disk_totals *out)
{
	struct fields f = {s, e, true};
	const char *tok;
	size_t n;
	uint64_t v, sectors_read = 0, sectors_written = 0;
	int nstats = 0;

	if (parse_fields_u64(&f, &v) < 0 || parse_fields_u64(&f, &v) < 0 || !parse_fields_next(&f, &tok, &n))
		return -1;
	if (!diskstats_is_whole_disk(tok, n))
		return 0;
	/* 11 stats up to Linux 4.17, 15 from 4.18 (discards), 17 from 5.5
	 * (flushes); later additions are accepted and ignored */
	while (parse_fields_next(&f, &tok, &n)) {
		if (parse_tok_u64(tok, n, &v) < 0)
			return -1;
		if (nstats < INT_MAX)
			nstats++;
		if (nstats == 3)
			sectors_read = v;
		else if (nstats == 7)
			sectors_written = v;
	}
	if (nstats < 11)
		return -1;
	out->read_sectors = parse_sat_add(out->read_sectors, sectors_read);
	out->write_sectors = parse_sat_add(out->write_sectors, sectors_written);
	if (out->ndisks < INT_MAX)
		out->ndisks++;
	return 0;
}

int parse_diskstats(const char *buf, size_t len, struct disk_totals *out)
{
	struct lines l;
	const char *s, *e;

	memset(out, 0, sizeof *out);
	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		if (diskstats_line(s, e, out) < 0) {
			memset(out, 0, sizeof *out);
			return -1;
		}
	}
	return 0;
}

/* ---- /proc/net/dev ---------------------------------------------------- */

/* net/core/net-procfs.c dev_seq_printf_stats: "%6s: %7llu ..."; before
 * Linux 2.6.x the first number could touch the ':' ("eth0:123"). */
static int net_dev_line(const char *s, const char *e, struct net_totals *out)
{
	const char *p = parse_skip_blanks(s, e), *name = p, *colon;
	uint64_t col[10], extra;
	size_t i;

	colon = memchr(p, ':', (size_t)(e - p));
	if (!colon || colon == name)
		return -1;
	for (const char *q = name; q < colon; q++)
		if (parse_is_blank(*q))
			return -1;
	p = colon + 1;
	for (i = 0; i < sizeof col / sizeof col[0]; i++)
		if (parse_line_u64(&p, e, &col[i]) < 0)
			return -1;
	/* further columns (errs, drop, fifo...) are not needed, but must be
	 * numbers */
	while (parse_skip_blanks(p, e) < e)
		if (parse_line_u64(&p, e, &extra) < 0)
			return -1;
	if (colon - name == 2 && memcmp(name, "lo", 2) == 0)
		return 0;
	out->rx_bytes = parse_sat_add(out->rx_bytes, col[0]);
	out->rx_packets = parse_sat_add(out->rx_packets, col[1]);
	out->tx_bytes = parse_sat_add(out->tx_bytes, col[8]);
	out->tx_packets = parse_sat_add(out->tx_packets, col[9]);
	if (out->nifaces < INT_MAX)
		out->nifaces++;
	return 0;
}

int parse_net_dev(const char *buf, size_t len, struct net_totals *out)
{
	struct lines l;
	const char *s, *e;

	memset(out, 0, sizeof *out);
	parse_lines_init(&l, buf, len);
	if (!parse_lines_next(&l, &s, &e) || !parse_lines_next(&l, &s, &e))
		return -1;
	while (parse_lines_next(&l, &s, &e)) {
		if (net_dev_line(s, e, out) < 0) {
			memset(out, 0, sizeof *out);
			return -1;
		}
	}
	return 0;
}

int parse_proc_cgroup(const char *buf, size_t len, struct proc_cgroup *out)
{
	out->path = NULL;
	out->len = 0;
	struct lines l;
	parse_lines_init(&l, buf, len);
	const char *s, *e;
	while (parse_lines_next(&l, &s, &e)) {
		if (e - s < 4 || memcmp(s, "0::", 3) != 0)
			continue;
		if (s[3] != '/')
			return -1;
		out->path = s + 3;
		out->len = (size_t)(e - s - 3);
		return 0;
	}
	return -1;
}

static bool all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return n > 0;
}

/* A container id in one path component: "PREFIX-<64 hex>[.scope]" or
 * the bare id; *id points at it. */
static bool component_container(const char *c, size_t n, const char **id)
{
	static const char *const prefixes[] = {"docker-", "cri-containerd-", "crio-", "libpod-", ""};
	size_t m = n;
	if (m > 6 && memcmp(c + m - 6, ".scope", 6) == 0)
		m -= 6;
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t pl = strlen(prefixes[i]);
		if (m == pl + 64 && memcmp(c, prefixes[i], pl) == 0 && all_hex(c + pl, 64)) {
			*id = c + pl;
			return true;
		}
	}
	return false;
}

static bool component_unit(const char *c, size_t n)
{
	static const char *const suffixes[] = {".service", ".scope", ".slice", ".socket",
					       ".mount", ".swap", ".target"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t sl = strlen(suffixes[i]);
		if (n > sl && memcmp(c + n - sl, suffixes[i], sl) == 0)
			return true;
	}
	return false;
}

static size_t copy_out(const char *s, size_t n, char *out, size_t outsize)
{
	if (!outsize)
		return 0;
	if (n >= outsize)
		n = outsize - 1;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

size_t cgroup_short_name(const char *path, size_t len, char *out, size_t outsize)
{
	const char *unit = NULL, *last = NULL;
	size_t unit_len = 0, last_len = 0;
	const char *p = path, *end = path + len;
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		const char *c = p;
		while (p < end && *p != '/')
			p++;
		size_t n = (size_t)(p - c);
		if (!n)
			break;
		const char *id;
		if (component_container(c, n, &id))
			return copy_out(id, 12, out, outsize);
		if (component_unit(c, n))
			unit = c, unit_len = n;
		last = c, last_len = n;
	}
	if (unit)
		return copy_out(unit, unit_len, out, outsize);
	if (last)
		return copy_out(last, last_len, out, outsize);
	return copy_out("/", 1, out, outsize);
}
