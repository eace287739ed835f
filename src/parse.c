/* parse.c - pure parsers for /proc files (see parse.h for the shared rules).
 *
 * Everything works on [p, end) ranges: the input is not NUL-terminated and
 * may have been cut by a short read. No stdio, no allocation, no locale.
 */
#include "parse.h"

#include <limits.h>
#include <string.h>

/* ---- bytes and numbers ---------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Decimal digits at *pp; fails on no digit or on u64 overflow. */
static int scan_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || !is_digit(*p))
		return -1;
	do {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		p++;
	} while (p < end && is_digit(*p));
	*pp = p;
	*out = v;
	return 0;
}

/* Optional '-' then digits, within [min, max]. */
static int scan_i64_range(const char **pp, const char *end, int64_t min, int64_t max, int64_t *out)
{
	const char *p = *pp;
	bool neg = p < end && *p == '-';
	uint64_t mag;

	if (neg)
		p++;
	if (scan_u64(&p, end, &mag) < 0)
		return -1;
	if (neg) {
		/* -(min + 1) + 1 is |min| without overflowing int64 */
		if (min >= 0 || mag > (uint64_t)(-(min + 1)) + 1)
			return -1;
		*out = mag == 0 ? 0 : -(int64_t)(mag - 1) - 1;
	} else {
		if (max < 0 || mag > (uint64_t)max)
			return -1;
		*out = (int64_t)mag;
	}
	*pp = p;
	return 0;
}

#define MAX_EXACT_DOUBLE (UINT64_C(1) << 53)

static const double pow10_table[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
};

/* "123" or "123.45" as the kernel prints with "%lu.%02lu": no sign, no
 * exponent. Fraction digits beyond 15 are consumed without effect (keeps frac
 * below 2^53; the kernel prints two). */
static int scan_decimal(const char **pp, const char *end, double *out)
{
	const char *p = *pp;
	uint64_t ip, frac = 0;
	size_t ndig = 0;

	if (scan_u64(&p, end, &ip) < 0)
		return -1;
	*out = (double)ip;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !is_digit(*p))
			return -1;
		for (; p < end && is_digit(*p); p++) {
			if (ndig < 15) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				ndig++;
			}
		}
		/* When ip.frac as one integer is exact in a double, one division
		 * by an exact power of ten rounds correctly: "446.31" gives the
		 * same double as the literal 446.31. */
		if (ip <= (MAX_EXACT_DOUBLE - frac) / (uint64_t)pow10_table[ndig])
			*out =
			    (double)(ip * (uint64_t)pow10_table[ndig] + frac) / pow10_table[ndig];
		else
			*out += (double)frac / pow10_table[ndig];
	}
	*pp = p;
	return 0;
}

/* A whole token [tok, tok + n) as one number. */
static int tok_u64(const char *tok, size_t n, uint64_t *out)
{
	const char *p = tok;

	return scan_u64(&p, tok + n, out) < 0 || p != tok + n ? -1 : 0;
}

static int tok_i64(const char *tok, size_t n, int64_t min, int64_t max, int64_t *out)
{
	const char *p = tok;

	return scan_i64_range(&p, tok + n, min, max, out) < 0 || p != tok + n ? -1 : 0;
}

static int tok_i32(const char *tok, size_t n, int32_t *out)
{
	int64_t v;

	if (tok_i64(tok, n, INT32_MIN, INT32_MAX, &v) < 0)
		return -1;
	*out = (int32_t)v;
	return 0;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- single-line records: space-separated tokens -------------------- */

struct fields {
	const char *p, *end;
	bool terminated; /* end is a newline, not the end of a possibly cut buffer */
};

static void fields_init(struct fields *f, const char *p, const char *end)
{
	const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;

	f->p = p;
	f->end = nl ? nl : end;
	f->terminated = nl != NULL;
}

/* Next token separated by spaces; false when none is left, or when the token
 * touches the end of an unterminated buffer and may have been cut. */
static bool fields_next(struct fields *f, const char **tok, size_t *n)
{
	const char *p = f->p, *s;

	while (p < f->end && *p == ' ')
		p++;
	s = p;
	while (p < f->end && *p != ' ')
		p++;
	f->p = p;
	if (p == s || (p == f->end && !f->terminated))
		return false;
	*tok = s;
	*n = (size_t)(p - s);
	return true;
}

static int fields_u64(struct fields *f, uint64_t *out)
{
	const char *tok;
	size_t n;

	return fields_next(f, &tok, &n) ? tok_u64(tok, n, out) : -1;
}

/* ---- line-oriented files -------------------------------------------- */

struct lines {
	const char *p, *end;
};

static void lines_init(struct lines *l, const char *buf, size_t len)
{
	l->p = buf;
	l->end = len ? buf + len : buf;
}

/* Next complete line without its '\n'; a last line lacking '\n' may have
 * been cut and is not returned. */
static bool lines_next(struct lines *l, const char **s, const char **e)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl) {
		l->p = l->end;
		return false;
	}
	*s = l->p;
	*e = nl;
	l->p = nl + 1;
	return true;
}

/* If the line [s, e) starts with key followed by sep, returns the byte after
 * sep, else NULL. */
static const char *line_key(const char *s, const char *e, const char *key, size_t keylen, char sep)
{
	if ((size_t)(e - s) <= keylen || memcmp(s, key, keylen) != 0 || s[keylen] != sep)
		return NULL;
	return s + keylen + 1;
}

/* Blanks, a number, then a blank or the end of the line. */
static int line_u64(const char **pp, const char *e, uint64_t *out)
{
	const char *p = skip_blanks(*pp, e);

	if (scan_u64(&p, e, out) < 0 || (p < e && !is_blank(*p)))
		return -1;
	*pp = p;
	return 0;
}

static int line_i64(const char **pp, const char *e, int64_t min, int64_t max, int64_t *out)
{
	const char *p = skip_blanks(*pp, e);

	if (scan_i64_range(&p, e, min, max, out) < 0 || (p < e && !is_blank(*p)))
		return -1;
	*pp = p;
	return 0;
}

/* "Key:<blanks>number[ kB]" files (meminfo, io): each key names a uint64_t
 * member of the output struct by offset. Returns a bitmask of the keys found,
 * or -1 when a recognised line is malformed. */
struct keyed_u64 {
	const char *key;
	size_t keylen;
	size_t offset;
};
#define KEYED(k, type, member)                                                                     \
	{                                                                                          \
		k, sizeof(k) - 1, offsetof(type, member)                                           \
	}

static long parse_keyed_u64(const char *buf, size_t len, const struct keyed_u64 *keys, size_t nkeys,
                            void *out)
{
	struct lines l;
	const char *s, *e;
	long found = 0;

	lines_init(&l, buf, len);
	while (lines_next(&l, &s, &e)) {
		for (size_t i = 0; i < nkeys; i++) {
			const char *v;
			uint64_t val;

			if (*s != keys[i].key[0])
				continue;
			v = line_key(s, e, keys[i].key, keys[i].keylen, ':');
			if (!v)
				continue;
			if (line_u64(&v, e, &val) < 0)
				return -1;
			memcpy((char *)out + keys[i].offset, &val, sizeof val);
			found |= 1L << i;
			break;
		}
	}
	return found;
}

/* ---- /proc/PID/stat -------------------------------------------------- */

/* One field of /proc/PID/stat after comm (fs/proc/array.c do_task_stat). */
static int stat_field(struct proc_stat *out, int field, const char *tok, size_t n)
{
	switch (field) {
	case 3:
		if (n != 1)
			return -1;
		out->state = *tok;
		return 0;
	case 4:
		return tok_i32(tok, n, &out->ppid);
	case 10:
		return tok_u64(tok, n, &out->minflt);
	case 12:
		return tok_u64(tok, n, &out->majflt);
	case 14:
		return tok_u64(tok, n, &out->utime);
	case 15:
		return tok_u64(tok, n, &out->stime);
	case 18:
		return tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->priority);
	case 19:
		return tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->nice);
	case 20:
		return tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->num_threads);
	case 22:
		return tok_u64(tok, n, &out->starttime);
	case 23:
		return tok_u64(tok, n, &out->vsize);
	case 24:
		return tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->rss_pages);
	case 39:
		if (tok_i32(tok, n, &out->processor) < 0)
			return -1;
		out->has_processor = true;
		return 0;
	case 42:
		if (tok_u64(tok, n, &out->delayacct_blkio_ticks) < 0)
			return -1;
		out->has_blkio = true;
		return 0;
	case 43:
		if (tok_u64(tok, n, &out->guest_time) < 0)
			return -1;
		out->has_guest = true;
		return 0;
	default:
		return 0;
	}
}

static int proc_stat_fail(struct proc_stat *out)
{
	memset(out, 0, sizeof *out);
	out->processor = -1;
	return -1;
}

int parse_proc_stat(const char *buf, size_t len, struct proc_stat *out)
{
	const char *end, *p, *open, *close;
	struct fields f;
	int64_t pid;
	size_t commlen;
	int field;

	memset(out, 0, sizeof *out);
	out->processor = -1;
	if (!buf || len == 0)
		return -1;
	end = buf + len;
	p = buf;
	if (scan_i64_range(&p, end, 0, INT32_MAX, &pid) < 0 || end - p < 2 || p[0] != ' ' ||
	    p[1] != '(')
		return -1;
	out->pid = (int32_t)pid;
	open = p + 1;
	/* comm is raw task->comm and may itself hold ')': only the last one
	 * closes it */
	close = memrchr(open, ')', (size_t)(end - open));
	if (!close)
		return proc_stat_fail(out);
	commlen = (size_t)(close - open - 1);
	if (commlen >= sizeof out->comm)
		commlen = sizeof out->comm - 1;
	memcpy(out->comm, open + 1, commlen);
	out->comm[commlen] = '\0';

	fields_init(&f, close + 1, end);
	for (field = 3; field <= 44; field++) {
		const char *tok;
		size_t n;

		if (!fields_next(&f, &tok, &n))
			break;
		if (stat_field(out, field, tok, n) < 0)
			return proc_stat_fail(out);
	}
	if (field <= 24)
		return proc_stat_fail(out);
	return 0;
}

/* ---- /proc/PID/status ------------------------------------------------ */

enum status_key {
	ST_UID,
	ST_TGID,
	ST_PPID,
	ST_THREADS,
	ST_VMRSS,
	ST_VCTXT,
	ST_NVCTXT,
};

static const struct {
	const char *key;
	size_t keylen;
} status_keys[] = {
    [ST_UID] = {"Uid", 3},
    [ST_TGID] = {"Tgid", 4},
    [ST_PPID] = {"PPid", 4},
    [ST_THREADS] = {"Threads", 7},
    [ST_VMRSS] = {"VmRSS", 5},
    [ST_VCTXT] = {"voluntary_ctxt_switches", 23},
    [ST_NVCTXT] = {"nonvoluntary_ctxt_switches", 26},
};

/* Value of one recognised status line (fs/proc/array.c task_state,
 * task_mem, task_context_switch_counts); v points after "Key:". */
static int status_value(struct proc_status *out, enum status_key k, const char *v, const char *e)
{
	int64_t i;
	uint64_t u;

	switch (k) {
	case ST_UID:
		/* real, effective, saved, filesystem */
		if (line_i64(&v, e, 0, UINT32_MAX, &i) < 0)
			return -1;
		out->uid_real = (uint32_t)i;
		if (line_i64(&v, e, 0, UINT32_MAX, &i) < 0)
			return -1;
		out->uid_effective = (uint32_t)i;
		out->has_uid = true;
		return 0;
	case ST_TGID:
	case ST_PPID:
		if (line_i64(&v, e, 0, INT32_MAX, &i) < 0)
			return -1;
		if (k == ST_TGID) {
			out->tgid = (int32_t)i;
			out->has_tgid = true;
		} else {
			out->ppid = (int32_t)i;
			out->has_ppid = true;
		}
		return 0;
	case ST_THREADS:
		if (line_i64(&v, e, INT64_MIN, INT64_MAX, &out->threads) < 0)
			return -1;
		out->has_threads = true;
		return 0;
	case ST_VMRSS:
		if (line_u64(&v, e, &out->vm_rss_kb) < 0)
			return -1;
		out->has_vm_rss = true;
		return 0;
	case ST_VCTXT:
	case ST_NVCTXT:
		if (line_u64(&v, e, &u) < 0)
			return -1;
		if (k == ST_VCTXT)
			out->voluntary_ctxt_switches = u;
		else
			out->nonvoluntary_ctxt_switches = u;
		return 0;
	}
	return -1;
}

int parse_proc_status(const char *buf, size_t len, struct proc_status *out)
{
	struct lines l;
	const char *s, *e;
	bool any = false, vctxt = false, nvctxt = false;

	memset(out, 0, sizeof *out);
	lines_init(&l, buf, len);
	while (lines_next(&l, &s, &e)) {
		for (size_t k = 0; k < sizeof status_keys / sizeof status_keys[0]; k++) {
			const char *v;

			if (s == e || *s != status_keys[k].key[0])
				continue;
			v = line_key(s, e, status_keys[k].key, status_keys[k].keylen, ':');
			if (!v)
				continue;
			if (status_value(out, (enum status_key)k, v, e) < 0) {
				memset(out, 0, sizeof *out);
				return -1;
			}
			vctxt |= k == ST_VCTXT;
			nvctxt |= k == ST_NVCTXT;
			any = true;
			break;
		}
	}
	out->has_ctxt = vctxt && nvctxt;
	if (!out->has_ctxt) {
		out->voluntary_ctxt_switches = 0;
		out->nonvoluntary_ctxt_switches = 0;
	}
	return any ? 0 : -1;
}

/* ---- /proc/PID/statm, schedstat, io, cmdline -------------------------- */

int parse_proc_statm(const char *buf, size_t len, struct proc_statm *out)
{
	uint64_t *dst[] = {&out->size, &out->resident, &out->shared, &out->text,
	                   &out->lib,  &out->data,     &out->dt};
	struct fields f;

	memset(out, 0, sizeof *out);
	fields_init(&f, buf, len ? buf + len : buf);
	for (size_t i = 0; i < sizeof dst / sizeof dst[0]; i++) {
		if (fields_u64(&f, dst[i]) < 0) {
			memset(out, 0, sizeof *out);
			return -1;
		}
	}
	return 0;
}

int parse_proc_schedstat(const char *buf, size_t len, struct proc_schedstat *out)
{
	struct fields f;

	memset(out, 0, sizeof *out);
	fields_init(&f, buf, len ? buf + len : buf);
	if (fields_u64(&f, &out->run_ns) < 0 || fields_u64(&f, &out->wait_ns) < 0 ||
	    fields_u64(&f, &out->timeslices) < 0) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* fs/proc/base.c do_io_accounting */
static const struct keyed_u64 io_keys[] = {
    KEYED("rchar", struct proc_io, rchar),
    KEYED("wchar", struct proc_io, wchar),
    KEYED("syscr", struct proc_io, syscr),
    KEYED("syscw", struct proc_io, syscw),
    KEYED("read_bytes", struct proc_io, read_bytes),
    KEYED("write_bytes", struct proc_io, write_bytes),
    KEYED("cancelled_write_bytes", struct proc_io, cancelled_write_bytes),
};

int parse_proc_io(const char *buf, size_t len, struct proc_io *out)
{
	const long required = 0x0f, storage = 0x70;
	long found;

	memset(out, 0, sizeof *out);
	found = parse_keyed_u64(buf, len, io_keys, sizeof io_keys / sizeof io_keys[0], out);
	if (found < 0 || (found & required) != required) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->has_storage = (found & storage) == storage;
	if (!out->has_storage)
		out->read_bytes = out->write_bytes = out->cancelled_write_bytes = 0;
	return 0;
}

size_t parse_proc_cmdline(const char *buf, size_t len, char *out, size_t outsize)
{
	size_t n;
	char *p, *end;

	if (!out || outsize == 0)
		return 0;
	if (!buf)
		len = 0;
	while (len > 0 && buf[len - 1] == '\0')
		len--;
	n = len < outsize - 1 ? len : outsize - 1;
	if (n > 0)
		memcpy(out, buf, n);
	out[n] = '\0';
	for (p = out, end = out + n; p < end; p++) {
		p = memchr(p, '\0', (size_t)(end - p));
		if (!p)
			break;
		*p = ' ';
	}
	return n;
}

/* ---- /proc/stat ------------------------------------------------------ */

/* Columns of a "cpu" line after its name (fs/proc/stat.c show_stat). */
static int cpu_columns(const char *p, const char *e, struct cpu_times *t)
{
	uint64_t *col[] = {&t->user, &t->nice,    &t->system, &t->idle,  &t->iowait,
	                   &t->irq,  &t->softirq, &t->steal,  &t->guest, &t->guest_nice};
	size_t i;

	memset(t, 0, sizeof *t);
	for (i = 0; i < sizeof col / sizeof col[0]; i++) {
		p = skip_blanks(p, e);
		if (p == e)
			break;
		if (line_u64(&p, e, col[i]) < 0)
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
	if (scan_u64(&p, e, &n) < 0 || n >= INT_MAX || p == e || *p != ' ')
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

	if (e - s >= 3 && memcmp(s, "cpu", 3) == 0 && (s + 3 == e || s[3] == ' ' || is_digit(s[3])))
		return sys_stat_cpu_line(s, e, out, has_total);
	if ((v = line_key(s, e, "btime", 5, ' '))) {
		out->has_btime = true;
		return line_u64(&v, e, &out->btime);
	}
	if ((v = line_key(s, e, "ctxt", 4, ' '))) {
		out->has_ctxt = true;
		return line_u64(&v, e, &out->ctxt);
	}
	if ((v = line_key(s, e, "processes", 9, ' '))) {
		out->has_processes = true;
		return line_u64(&v, e, &out->processes);
	}
	if ((v = line_key(s, e, "procs_running", 13, ' '))) {
		out->has_procs_running = true;
		return line_i64(&v, e, 0, INT64_MAX, &out->procs_running);
	}
	if ((v = line_key(s, e, "procs_blocked", 13, ' '))) {
		out->has_procs_blocked = true;
		return line_i64(&v, e, 0, INT64_MAX, &out->procs_blocked);
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
	lines_init(&l, buf, len);
	while (rc == 0 && lines_next(&l, &s, &e))
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
	uint64_t b = sat_add(t->user, t->nice);

	b = sat_add(b, t->system);
	b = sat_add(b, t->irq);
	b = sat_add(b, t->softirq);
	return sat_add(b, t->steal);
}

uint64_t cpu_times_total(const struct cpu_times *t)
{
	return sat_add(sat_add(cpu_times_busy(t), t->idle), t->iowait);
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

	return scan_decimal(&p, tok + n, out) < 0 || p != tok + n ? -1 : 0;
}

/* fs/proc/loadavg.c: "%lu.%02lu %lu.%02lu %lu.%02lu %u/%d %d\n" */
static int loadavg_fields(struct fields *f, struct loadavg *out)
{
	double *load[] = {&out->load1, &out->load5, &out->load15};
	const char *tok, *p;
	size_t n;
	uint64_t running, total;

	for (size_t i = 0; i < 3; i++) {
		if (!fields_next(f, &tok, &n) || tok_decimal(tok, n, load[i]) < 0)
			return -1;
	}
	if (!fields_next(f, &tok, &n))
		return -1;
	p = tok;
	if (scan_u64(&p, tok + n, &running) < 0 || p == tok + n || *p != '/')
		return -1;
	p++;
	if (scan_u64(&p, tok + n, &total) < 0 || p != tok + n || running > INT64_MAX ||
	    total > INT64_MAX)
		return -1;
	out->running = (int64_t)running;
	out->total = (int64_t)total;
	if (!fields_next(f, &tok, &n))
		return -1;
	return tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->last_pid);
}

int parse_loadavg(const char *buf, size_t len, struct loadavg *out)
{
	struct fields f;

	memset(out, 0, sizeof *out);
	fields_init(&f, buf, len ? buf + len : buf);
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
	fields_init(&f, buf, len ? buf + len : buf);
	if (!fields_next(&f, &tok, &n) || tok_decimal(tok, n, uptime_s) < 0) {
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

	fields_init(&f, p, e);
	f.terminated = true; /* lines_next gave a complete line */
	for (size_t k = 0; k < 4; k++) {
		size_t kl = strlen(keys[k]);
		if (!fields_next(&f, &tok, &n) || n <= kl || memcmp(tok, keys[k], kl) != 0)
			return -1;
		if (k < 3 && (tok_decimal(tok + kl, n - kl, avgs[k]) < 0 || *avgs[k] > 100.0))
			return -1;
		if (k == 3 && tok_u64(tok + kl, n - kl, &out->total_us) < 0)
			return -1;
	}
	return fields_next(&f, &tok, &n) ? -1 : 0;
}

int parse_pressure(const char *buf, size_t len, struct pressure *out)
{
	struct lines l;
	const char *s, *e;
	bool has_some = false;

	memset(out, 0, sizeof *out);
	lines_init(&l, buf, len);
	while (lines_next(&l, &s, &e)) {
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

static int tok_hex(const char *tok, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n < 3 || n > 18 || tok[0] != '0' || tok[1] != 'x')
		return -1;
	for (size_t i = 2; i < n; i++) {
		char c = tok[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
			     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
						    : 16;
		if (d > 15)
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

int parse_proc_syscall(const char *buf, size_t len, struct proc_syscall *out)
{
	struct fields f;
	const char *tok;
	size_t n;
	int64_t nr;

	memset(out, 0, sizeof *out);
	out->nr = -1;
	fields_init(&f, buf, len ? buf + len : buf);
	if (!f.terminated || !fields_next(&f, &tok, &n))
		goto bad;
	if (n == 7 && memcmp(tok, "running", 7) == 0) {
		if (fields_next(&f, &tok, &n))
			goto bad;
		out->state = SYSCALL_RUNNING;
		return 0;
	}
	if (tok_i64(tok, n, -1, INT32_MAX, &nr) < 0)
		goto bad;
	out->state = nr < 0 ? SYSCALL_NONE : SYSCALL_IN;
	out->nr = (int32_t)nr;
	for (size_t i = 0; nr >= 0 && i < 6; i++)
		if (!fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->args[i]) < 0)
			goto bad;
	if (!fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->sp) < 0 ||
	    !fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->pc) < 0 || fields_next(&f, &tok, &n))
		goto bad;
	return 0;
bad:
	memset(out, 0, sizeof *out);
	out->nr = -1;
	return -1;
}

int parse_proc_int(const char *buf, size_t len, int64_t min, int64_t max, int64_t *out)
{
	struct fields f;
	const char *tok;
	size_t n;

	*out = 0;
	fields_init(&f, buf, len ? buf + len : buf);
	if (!f.terminated || !fields_next(&f, &tok, &n) || tok_i64(tok, n, min, max, out) < 0 ||
	    fields_next(&f, &tok, &n)) {
		*out = 0;
		return -1;
	}
	return 0;
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

	if (!has_prefix(name, len, "nvme") || scan_u64(&p, end, &v) < 0 || p == end || *p != 'c')
		return false;
	p++;
	if (scan_u64(&p, end, &v) < 0 || p == end || *p != 'n')
		return false;
	p++;
	return scan_u64(&p, end, &v) == 0 && p == end;
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
	for (d = end; d > name && is_digit(d[-1]); d--)
		;
	if (d == end)
		return true;
	/* disks whose name ends in a digit (nvme0n1, mmcblk0, rbd0) get
	 * "p<N>" partitions (block/partitions/core.c add_partition) */
	if (d - name >= 2 && d[-1] == 'p' && is_digit(d[-2]))
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

	if (fields_u64(&f, &v) < 0 || fields_u64(&f, &v) < 0 || !fields_next(&f, &tok, &n))
		return -1;
	if (!diskstats_is_whole_disk(tok, n))
		return 0;
	/* 11 stats up to Linux 4.17, 15 from 4.18 (discards), 17 from 5.5
	 * (flushes); later additions are accepted and ignored */
	while (fields_next(&f, &tok, &n)) {
		if (tok_u64(tok, n, &v) < 0)
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
	out->read_sectors = sat_add(out->read_sectors, sectors_read);
	out->write_sectors = sat_add(out->write_sectors, sectors_written);
	if (out->ndisks < INT_MAX)
		out->ndisks++;
	return 0;
}

int parse_diskstats(const char *buf, size_t len, struct disk_totals *out)
{
	struct lines l;
	const char *s, *e;

	memset(out, 0, sizeof *out);
	lines_init(&l, buf, len);
	while (lines_next(&l, &s, &e)) {
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
	const char *p = skip_blanks(s, e), *name = p, *colon;
	uint64_t col[10], extra;
	size_t i;

	colon = memchr(p, ':', (size_t)(e - p));
	if (!colon || colon == name)
		return -1;
	for (const char *q = name; q < colon; q++)
		if (is_blank(*q))
			return -1;
	p = colon + 1;
	for (i = 0; i < sizeof col / sizeof col[0]; i++)
		if (line_u64(&p, e, &col[i]) < 0)
			return -1;
	/* further columns (errs, drop, fifo...) are not needed, but must be
	 * numbers */
	while (skip_blanks(p, e) < e)
		if (line_u64(&p, e, &extra) < 0)
			return -1;
	if (colon - name == 2 && memcmp(name, "lo", 2) == 0)
		return 0;
	out->rx_bytes = sat_add(out->rx_bytes, col[0]);
	out->rx_packets = sat_add(out->rx_packets, col[1]);
	out->tx_bytes = sat_add(out->tx_bytes, col[8]);
	out->tx_packets = sat_add(out->tx_packets, col[9]);
	if (out->nifaces < INT_MAX)
		out->nifaces++;
	return 0;
}

int parse_net_dev(const char *buf, size_t len, struct net_totals *out)
{
	struct lines l;
	const char *s, *e;

	memset(out, 0, sizeof *out);
	lines_init(&l, buf, len);
	if (!lines_next(&l, &s, &e) || !lines_next(&l, &s, &e))
		return -1;
	while (lines_next(&l, &s, &e)) {
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
	lines_init(&l, buf, len);
	const char *s, *e;
	while (lines_next(&l, &s, &e)) {
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
