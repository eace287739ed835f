/* parse.c - pure parsers for /proc files (see parse.h for the shared rules).
 *
 * Everything works on [p, end) ranges: the input is not NUL-terminated and
 * may have been cut by a short read. No stdio, no allocation, no locale.
 */
#include "parse.h"
#include "parse_priv.h"

#include <limits.h>
#include <string.h>

/* ---- bytes and numbers ---------------------------------------------- */

bool parse_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool parse_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

const char *parse_skip_blanks(const char *p, const char *end)
{
	while (p < end && parse_is_blank(*p))
		p++;
	return p;
}

/* Decimal digits at *pp; fails on no digit or on u64 overflow. */
int parse_scan_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || !parse_is_digit(*p))
		return -1;
	do {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
		p++;
	} while (p < end && parse_is_digit(*p));
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
	if (parse_scan_u64(&p, end, &mag) < 0)
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
int parse_scan_decimal(const char **pp, const char *end, double *out)
{
	const char *p = *pp;
	uint64_t ip, frac = 0;
	size_t ndig = 0;

	if (parse_scan_u64(&p, end, &ip) < 0)
		return -1;
	*out = (double)ip;
	if (p < end && *p == '.') {
		p++;
		if (p >= end || !parse_is_digit(*p))
			return -1;
		for (; p < end && parse_is_digit(*p); p++) {
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
int parse_tok_u64(const char *tok, size_t n, uint64_t *out)
{
	const char *p = tok;

	return parse_scan_u64(&p, tok + n, out) < 0 || p != tok + n ? -1 : 0;
}

int parse_tok_i64(const char *tok, size_t n, int64_t min, int64_t max, int64_t *out)
{
	const char *p = tok;

	return scan_i64_range(&p, tok + n, min, max, out) < 0 || p != tok + n ? -1 : 0;
}

static int tok_i32(const char *tok, size_t n, int32_t *out)
{
	int64_t v;

	if (parse_tok_i64(tok, n, INT32_MIN, INT32_MAX, &v) < 0)
		return -1;
	*out = (int32_t)v;
	return 0;
}

uint64_t parse_sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- single-line records: space-separated tokens -------------------- */

void parse_fields_init(struct fields *f, const char *p, const char *end)
{
	const char *nl = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;

	f->p = p;
	f->end = nl ? nl : end;
	f->terminated = nl != NULL;
}

/* Next token separated by spaces; false when none is left, or when the token
 * touches the end of an unterminated buffer and may have been cut. */
bool parse_fields_next(struct fields *f, const char **tok, size_t *n)
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

int parse_fields_u64(struct fields *f, uint64_t *out)
{
	const char *tok;
	size_t n;

	return parse_fields_next(f, &tok, &n) ? parse_tok_u64(tok, n, out) : -1;
}

/* ---- line-oriented files -------------------------------------------- */

void parse_lines_init(struct lines *l, const char *buf, size_t len)
{
	l->p = buf;
	l->end = len ? buf + len : buf;
}

/* Next complete line without its '\n'; a last line lacking '\n' may have
 * been cut and is not returned. */
bool parse_lines_next(struct lines *l, const char **s, const char **e)
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

void parse_trim(const char **s, size_t *n)
{
	while (*n && parse_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && parse_is_blank((*s)[*n - 1]))
		(*n)--;
}

/* If the line [s, e) starts with key followed by sep, returns the byte after
 * sep, else NULL. */
const char *parse_line_key(const char *s, const char *e, const char *key, size_t keylen, char sep)
{
	if ((size_t)(e - s) <= keylen || memcmp(s, key, keylen) != 0 || s[keylen] != sep)
		return NULL;
	return s + keylen + 1;
}

/* Blanks, a number, then a blank or the end of the line. */
int parse_line_u64(const char **pp, const char *e, uint64_t *out)
{
	const char *p = parse_skip_blanks(*pp, e);

	if (parse_scan_u64(&p, e, out) < 0 || (p < e && !parse_is_blank(*p)))
		return -1;
	*pp = p;
	return 0;
}

int parse_line_i64(const char **pp, const char *e, int64_t min, int64_t max, int64_t *out)
{
	const char *p = parse_skip_blanks(*pp, e);

	if (scan_i64_range(&p, e, min, max, out) < 0 || (p < e && !parse_is_blank(*p)))
		return -1;
	*pp = p;
	return 0;
}

long parse_keyed_u64(const char *buf, size_t len, const struct keyed_u64 *keys, size_t nkeys,
                     void *out)
{
	struct lines l;
	const char *s, *e;
	long found = 0;

	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		for (size_t i = 0; i < nkeys; i++) {
			const char *v;
			uint64_t val;

			if (*s != keys[i].key[0])
				continue;
			v = parse_line_key(s, e, keys[i].key, keys[i].keylen, ':');
			if (!v)
				continue;
			if (parse_line_u64(&v, e, &val) < 0)
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
		return parse_tok_u64(tok, n, &out->minflt);
	case 12:
		return parse_tok_u64(tok, n, &out->majflt);
	case 14:
		return parse_tok_u64(tok, n, &out->utime);
	case 15:
		return parse_tok_u64(tok, n, &out->stime);
	case 18:
		return parse_tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->priority);
	case 19:
		return parse_tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->nice);
	case 20:
		return parse_tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->num_threads);
	case 22:
		return parse_tok_u64(tok, n, &out->starttime);
	case 23:
		return parse_tok_u64(tok, n, &out->vsize);
	case 24:
		return parse_tok_i64(tok, n, INT64_MIN, INT64_MAX, &out->rss_pages);
	case 39:
		if (tok_i32(tok, n, &out->processor) < 0)
			return -1;
		out->has_processor = true;
		return 0;
	case 42:
		if (parse_tok_u64(tok, n, &out->delayacct_blkio_ticks) < 0)
			return -1;
		out->has_blkio = true;
		return 0;
	case 43:
		if (parse_tok_u64(tok, n, &out->guest_time) < 0)
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

	parse_fields_init(&f, close + 1, end);
	for (field = 3; field <= 44; field++) {
		const char *tok;
		size_t n;

		if (!parse_fields_next(&f, &tok, &n))
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
		if (parse_line_i64(&v, e, 0, UINT32_MAX, &i) < 0)
			return -1;
		out->uid_real = (uint32_t)i;
		if (parse_line_i64(&v, e, 0, UINT32_MAX, &i) < 0)
			return -1;
		out->uid_effective = (uint32_t)i;
		out->has_uid = true;
		return 0;
	case ST_TGID:
	case ST_PPID:
		if (parse_line_i64(&v, e, 0, INT32_MAX, &i) < 0)
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
		if (parse_line_i64(&v, e, INT64_MIN, INT64_MAX, &out->threads) < 0)
			return -1;
		out->has_threads = true;
		return 0;
	case ST_VMRSS:
		if (parse_line_u64(&v, e, &out->vm_rss_kb) < 0)
			return -1;
		out->has_vm_rss = true;
		return 0;
	case ST_VCTXT:
	case ST_NVCTXT:
		if (parse_line_u64(&v, e, &u) < 0)
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
	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		for (size_t k = 0; k < sizeof status_keys / sizeof status_keys[0]; k++) {
			const char *v;

			if (s == e || *s != status_keys[k].key[0])
				continue;
			v = parse_line_key(s, e, status_keys[k].key, status_keys[k].keylen, ':');
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
	parse_fields_init(&f, buf, len ? buf + len : buf);
	for (size_t i = 0; i < sizeof dst / sizeof dst[0]; i++) {
		if (parse_fields_u64(&f, dst[i]) < 0) {
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
	parse_fields_init(&f, buf, len ? buf + len : buf);
	if (parse_fields_u64(&f, &out->run_ns) < 0 || parse_fields_u64(&f, &out->wait_ns) < 0 ||
	    parse_fields_u64(&f, &out->timeslices) < 0) {
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
	parse_fields_init(&f, buf, len ? buf + len : buf);
	if (!f.terminated || !parse_fields_next(&f, &tok, &n))
		goto bad;
	if (n == 7 && memcmp(tok, "running", 7) == 0) {
		if (parse_fields_next(&f, &tok, &n))
			goto bad;
		out->state = SYSCALL_RUNNING;
		return 0;
	}
	if (parse_tok_i64(tok, n, -1, INT32_MAX, &nr) < 0)
		goto bad;
	out->state = nr < 0 ? SYSCALL_NONE : SYSCALL_IN;
	out->nr = (int32_t)nr;
	for (size_t i = 0; nr >= 0 && i < 6; i++)
		if (!parse_fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->args[i]) < 0)
			goto bad;
	if (!parse_fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->sp) < 0 ||
	    !parse_fields_next(&f, &tok, &n) || tok_hex(tok, n, &out->pc) < 0 || parse_fields_next(&f, &tok, &n))
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
	parse_fields_init(&f, buf, len ? buf + len : buf);
	if (!f.terminated || !parse_fields_next(&f, &tok, &n) || parse_tok_i64(tok, n, min, max, out) < 0 ||
	    parse_fields_next(&f, &tok, &n)) {
		*out = 0;
		return -1;
	}
	return 0;
}
