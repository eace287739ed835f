/* buf.c - growable byte buffer */
#include "buf.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool buf_reserve(struct buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra <= b->cap - b->len)
		return true;
	size_t need = b->len + extra;
	if (need < b->len) {
		b->failed = true;
		return false;
	}
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < need) {
		if (cap > SIZE_MAX / 2) {
			b->failed = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void buf_append(struct buf *b, const char *s, size_t n)
{
	if (n == 0 || !buf_reserve(b, n))
		return; /* nothing to copy: an empty buffer may have no data yet */
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	if (!buf_reserve(b, 1))
		return;
	b->data[b->len++] = c;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_append(b, small, (size_t)n);
		return;
	}
	if (!buf_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_put_u64(struct buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_append(b, tmp + i, sizeof tmp - i);
}

void buf_put_i64(struct buf *b, int64_t v)
{
	if (v < 0) {
		buf_putc(b, '-');
		buf_put_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		buf_put_u64(b, (uint64_t)v);
	}
}

void buf_put_fixed(struct buf *b, double v, int decimals)
{
	static const double scale[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	if (!isfinite(v) || fabs(v) >= 9e15 / scale[decimals]) {
		buf_printf(b, "%.*f", decimals, isfinite(v) ? v : 0.0);
		return;
	}
	bool neg = v < 0;
	double r = floor(fabs(v) * scale[decimals] + 0.5);
	uint64_t n = (uint64_t)r;
	if (neg && n)
		buf_putc(b, '-');
	uint64_t ip = n, fp = 0;
	for (int i = 0; i < decimals; i++)
		ip /= 10;
	fp = n - ip * (uint64_t)scale[decimals];
	buf_put_u64(b, ip);
	if (decimals) {
		char tmp[8];
		buf_putc(b, '.');
		for (int i = decimals - 1; i >= 0; i--) {
			tmp[i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		buf_append(b, tmp, (size_t)decimals);
	}
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = false;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int buf_write_fd(const struct buf *b, int fd)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t n = write(fd, b->data + off, b->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

void *array_grow(void *p, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n <= *cap)
		return p;
	size_t ncap = *cap ? *cap : (first ? first : 1);
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2)
			return NULL;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / size)
		return NULL;
	void *q = realloc(p, ncap * size);
	if (q)
		*cap = ncap;
	return q;
}

int array_reserve(void **v, size_t *cap, size_t need, size_t size)
{
	void *p = array_grow(*v, cap, need, size, 16);
	if (!p)
		return -1;
	*v = p;
	return 0;
}

void buf_put_json_string(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\' || c < 0x20) {
			buf_append(b, s + start, i - start);
			if (c < 0x20)
				buf_printf(b, "\\u%04x", c);
			else {
				buf_putc(b, '\\');
				buf_putc(b, (char)c);
			}
			start = i + 1;
		}
	}
	buf_append(b, s + start, n - start);
	buf_putc(b, '"');
}
