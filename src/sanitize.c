/* sanitize.c - escape control characters and invalid UTF-8 */
#include "sanitize.h"

#include <stdint.h>
#include <string.h>

static const char hexdigit[] = "0123456789abcdef";

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_valid_len(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		n = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

/* Code points that are valid UTF-8 but still act on a terminal or reorder
 * what is shown: C1 controls, line/paragraph separators, bidi controls. */
static bool codepoint_is_hostile(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

size_t sanitize_bound(size_t len)
{
	/* worst case: every byte becomes "\xNN" */
	if (len > (SIZE_MAX - 1) / 4)
		return SIZE_MAX;
	return len * 4 + 1;
}

bool sanitize_is_clean(const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_valid_len(s + i, len - i, &cp);
		if (n < 2 || codepoint_is_hostile(cp))
			return false;
		i += n;
	}
	return true;
}

size_t sanitize_text(const char *in, size_t len, char *out, size_t outsize)
{
	if (outsize == 0)
		return 0;
	const unsigned char *s = (const unsigned char *)in;
	size_t o = 0, i = 0;
	size_t room = outsize - 1;
	while (i < len) {
		unsigned char c = s[i];
		char esc[8];
		size_t elen = 0;
		size_t consumed = 1;
		const char *src;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 > room)
				break;
			out[o++] = (char)c;
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = c == '\\' ? 1 : utf8_valid_len(s + i, len - i, &cp);
		if (c == '\\') {
			esc[0] = '\\', esc[1] = '\\';
			elen = 2;
			src = esc;
		} else if (n >= 2 && !codepoint_is_hostile(cp)) {
			src = (const char *)s + i;
			elen = n;
			consumed = n;
		} else if (n >= 2) {
			esc[0] = '\\', esc[1] = 'u';
			esc[2] = hexdigit[(cp >> 12) & 15];
			esc[3] = hexdigit[(cp >> 8) & 15];
			esc[4] = hexdigit[(cp >> 4) & 15];
			esc[5] = hexdigit[cp & 15];
			elen = 6;
			src = esc;
			consumed = n;
		} else {
			esc[0] = '\\', esc[1] = 'x';
			esc[2] = hexdigit[c >> 4];
			esc[3] = hexdigit[c & 15];
			elen = 4;
			src = esc;
		}
		if (o + elen > room)
			break;
		memcpy(out + o, src, elen);
		o += elen;
		i += consumed;
	}
	out[o] = '\0';
	return o;
}
