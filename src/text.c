/* text.c - display width and fitting of sanitised UTF-8 */
#include "text.h"

#include <stdint.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

/* Decodes one UTF-8 character at s[0..len); returns its byte length (>= 1)
 * and the code point in *cp, or -1 in *cp for a byte that does not start a
 * valid sequence (sanitised text has none; this is defence). */
static size_t utf8_next(const unsigned char *s, size_t len, int32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	int32_t v;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else {
		*cp = -1;
		return 1;
	}
	if (n > len) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* overlong forms and surrogates are not characters */
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return n;
}

/* Cells of one character; -1 when it must be shown as '?'. */
static int char_cells(int32_t cp, bool utf8)
{
	if (cp < 0)
		return -1;
	if (cp < 0x80)
		return (cp < 0x20 || cp == 0x7f) ? -1 : 1;
	if (!utf8)
		return -1;
	int w = wcwidth((wchar_t)cp);
	return w < 0 ? -1 : w;
}

bool text_is_safe(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		i += utf8_next(p + i, len - i, &cp);
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
		    cp == 0x2029 || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff)
			return false;
	}
	return true;
}

int text_width(const char *s, size_t len, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	int cells = 0;
	for (size_t i = 0; i < len;) {
		int32_t cp;
		i += utf8_next(p + i, len - i, &cp);
		int w = char_cells(cp, utf8);
		cells += w < 0 ? 1 : w;
	}
	return cells;
}

size_t text_pad(const char *s, size_t len, int width, bool utf8, char *out, size_t outsize)
{
	if (outsize == 0)
		return 0;
	size_t n = len < outsize - 1 ? len : outsize - 1;
	memcpy(out, s, n);
	for (int w = text_width(s, len, utf8); w < width && n + 1 < outsize; w++)
		out[n++] = ' ';
	out[n] = '\0';
	return n;
}

int text_fit(const char *s, size_t len, int width, bool utf8, char *out, size_t outsize,
	     size_t *consumed)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, i = 0;
	int cells = 0;
	if (outsize == 0)
		return 0;
	while (i < len) {
		int32_t cp;
		size_t n = utf8_next(p + i, len - i, &cp);
		int w = char_cells(cp, utf8);
		const char *src = s + i;
		size_t srclen = n;
		if (w < 0) {
			src = "?";
			srclen = 1;
			w = 1;
		}
		if (cells + w > width || o + srclen + 1 > outsize)
			break;
		memcpy(out + o, src, srclen);
		o += srclen;
		cells += w;
		i += n;
	}
	out[o] = '\0';
	if (consumed)
		*consumed = i;
	return cells;
}

size_t text_skip(const char *s, size_t len, int cells, bool utf8)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int done = 0;
	while (i < len && done < cells) {
		int32_t cp;
		size_t n = utf8_next(p + i, len - i, &cp);
		int w = char_cells(cp, utf8);
		done += w < 0 ? 1 : w;
		i += n;
	}
	/* a combining mark belongs to the character before it */
	while (i < len) {
		int32_t cp;
		size_t n = utf8_next(p + i, len - i, &cp);
		if (char_cells(cp, utf8) != 0)
			break;
		i += n;
	}
	return i;
}

void text_endpoint(char *out, size_t outsize, int family, const void *addr, unsigned port)
{
	char a[INET6_ADDRSTRLEN];
	bool v6 = family == AF_INET6;
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, addr, a, sizeof a))
		snprintf(a, sizeof a, "?");
	snprintf(out, outsize, v6 ? "[%s]:%u" : "%s:%u", a, port);
}
