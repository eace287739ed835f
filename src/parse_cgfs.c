/* parse_cgfs.c - cgroup v2 interface files (parse.h) */
#include "parse.h"
#include "parse_priv.h"

#include <string.h>

/* "max" or a decimal */
static int tok_limit(const char *tok, size_t n, uint64_t *out)
{
	if (n == 3 && memcmp(tok, "max", 3) == 0) {
		*out = CGFS_MAX;
		return 0;
	}
	return parse_tok_u64(tok, n, out) < 0 || *out == CGFS_MAX ? -1 : 0;
}

/* The one line of a small file, which must end in '\n' and be alone. */
static int only_line(const char *buf, size_t len, struct fields *f)
{
	struct lines l;
	const char *s, *e;
	parse_lines_init(&l, buf, len);
	if (!parse_lines_next(&l, &s, &e) || e + 1 != buf + len)
		return -1;
	parse_fields_init(f, s, e);
	f->terminated = true;
	return 0;
}

int parse_cgfs_value(const char *buf, size_t len, uint64_t *out)
{
	struct fields f;
	const char *tok, *extra;
	size_t n, xn;
	if (only_line(buf, len, &f) < 0 || !parse_fields_next(&f, &tok, &n) ||
	    parse_fields_next(&f, &extra, &xn))
		return -1;
	return tok_limit(tok, n, out);
}

int parse_cgfs_cpu_max(const char *buf, size_t len, uint64_t *quota_us, uint64_t *period_us)
{
	struct fields f;
	const char *q, *p, *extra;
	size_t qn, pn, xn;
	if (only_line(buf, len, &f) < 0 || !parse_fields_next(&f, &q, &qn) ||
	    !parse_fields_next(&f, &p, &pn) || parse_fields_next(&f, &extra, &xn))
		return -1;
	if (tok_limit(q, qn, quota_us) < 0 || parse_tok_u64(p, pn, period_us) < 0)
		return -1;
	return *period_us >= 1 && *period_us <= 1000000 ? 0 : -1;
}

int parse_cgfs_keyed(const char *buf, size_t len, const char *key, uint64_t *out)
{
	struct lines l;
	const char *s, *e, *k, *v, *extra;
	size_t kn, vn, xn, keylen = strlen(key);
	bool found = false;
	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		struct fields f;
		parse_fields_init(&f, s, e);
		f.terminated = true;
		if (!parse_fields_next(&f, &k, &kn) || !parse_fields_next(&f, &v, &vn) ||
		    parse_fields_next(&f, &extra, &xn))
			return -1;
		if (kn != keylen || memcmp(k, key, kn) != 0)
			continue;
		if (found || parse_tok_u64(v, vn, out) < 0)
			return -1; /* twice, or not a number */
		found = true;
	}
	return found ? 0 : -1;
}

/* "key=value" of io.max */
static int io_key(const char *tok, size_t n, struct cgfs_io_limit *d)
{
	static const char *const keys[] = {"rbps=", "wbps=", "riops=", "wiops="};
	uint64_t *vals[] = {&d->rbps, &d->wbps, &d->riops, &d->wiops};
	for (size_t k = 0; k < 4; k++) {
		size_t kl = strlen(keys[k]);
		if (n > kl && memcmp(tok, keys[k], kl) == 0)
			return tok_limit(tok + kl, n - kl, vals[k]);
	}
	return -1;
}

static int io_device(const char *tok, size_t n, struct cgfs_io_limit *d)
{
	const char *colon = memchr(tok, ':', n);
	int64_t maj, min;
	if (!colon ||
	    parse_tok_i64(tok, (size_t)(colon - tok), 0, UINT32_MAX, &maj) < 0 ||
	    parse_tok_i64(colon + 1, (size_t)(tok + n - colon - 1), 0, UINT32_MAX, &min) < 0)
		return -1;
	d->major = (uint32_t)maj;
	d->minor = (uint32_t)min;
	return 0;
}

int parse_cgfs_io_max(const char *buf, size_t len, struct cgfs_io_max *out)
{
	struct lines l;
	const char *s, *e, *tok;
	size_t n;
	memset(out, 0, sizeof *out);
	parse_lines_init(&l, buf, len);
	while (parse_lines_next(&l, &s, &e)) {
		struct cgfs_io_limit d = {0, 0, CGFS_MAX, CGFS_MAX, CGFS_MAX, CGFS_MAX};
		struct fields f;
		parse_fields_init(&f, s, e);
		f.terminated = true;
		if (!parse_fields_next(&f, &tok, &n) || io_device(tok, n, &d) < 0)
			goto bad;
		while (parse_fields_next(&f, &tok, &n))
			if (io_key(tok, n, &d) < 0)
				goto bad;
		if (out->n < CGFS_IO_DEVICES)
			out->dev[out->n++] = d;
		else
			out->more = true;
	}
	return 0;
bad:
	memset(out, 0, sizeof *out);
	return -1;
}
