/* recformat.c - the bytes of a recording below the payloads: checksums,
 * the preamble, frame headers, varints, and the walk over the frames of a
 * file (recformat.h) */
#include "recformat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

void rec_verr(char *err, size_t errlen, const char *name, const char *fmt, va_list ap)
{
	int n = snprintf(err, errlen, "%s: ", name);
	if (n > 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
}

uint32_t rec_crc32(const void *p, size_t n)
{
	uLong c = crc32(0L, Z_NULL, 0);
	const Bytef *b = p;
	while (n > 0) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		c = crc32(c, b, chunk);
		b += chunk;
		n -= chunk;
	}
	return (uint32_t)c;
}

bool rec_crc_ok(const void *p, size_t n, uint32_t want)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	(void)p, (void)n, (void)want;
	return true;
#else
	return rec_crc32(p, n) == want;
#endif
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

void rec_preamble_encode(uint8_t out[REC_PREAMBLE_LEN])
{
	memcpy(out, REC_MAGIC, REC_MAGIC_LEN);
	put_le(out + 8, REC_VERSION_MAJOR, 2);
	put_le(out + 10, REC_VERSION_MINOR, 2);
	put_le(out + 12, rec_crc32(out, 12), 4);
}

int rec_preamble_decode(const uint8_t in[REC_PREAMBLE_LEN], uint16_t *major, uint16_t *minor)
{
	if (memcmp(in, REC_MAGIC, REC_MAGIC_LEN) != 0 || !rec_crc_ok(in, 12, (uint32_t)get_le(in + 12, 4)))
		return -1;
	*major = (uint16_t)get_le(in + 8, 2);
	*minor = (uint16_t)get_le(in + 10, 2);
	return 0;
}

void rec_frame_encode(const struct rec_frame *f, uint8_t out[REC_FRAME_HDR_LEN])
{
	memcpy(out, REC_FRAME_SYNC, 4);
	out[4] = f->type;
	out[5] = f->flags;
	out[6] = out[7] = 0;
	put_le(out + 8, f->stored_len, 4);
	put_le(out + 12, f->raw_len, 4);
	put_le(out + 16, (uint64_t)f->wall_ns, 8);
	put_le(out + 24, (uint64_t)f->mono_ns, 8);
	put_le(out + 32, f->payload_crc, 4);
	put_le(out + 36, rec_crc32(out, 36), 4);
}

int rec_frame_decode(const uint8_t in[REC_FRAME_HDR_LEN], struct rec_frame *f)
{
	if (memcmp(in, REC_FRAME_SYNC, 4) != 0 || !rec_crc_ok(in, 36, (uint32_t)get_le(in + 36, 4)))
		return -1;
	f->type = in[4];
	f->flags = in[5];
	f->stored_len = (uint32_t)get_le(in + 8, 4);
	f->raw_len = (uint32_t)get_le(in + 12, 4);
	f->wall_ns = (int64_t)get_le(in + 16, 8);
	f->mono_ns = (int64_t)get_le(in + 24, 8);
	f->payload_crc = (uint32_t)get_le(in + 32, 4);
	if (f->stored_len > REC_MAX_FRAME || f->raw_len > REC_MAX_FRAME)
		return -1;
	if (!(f->flags & REC_FL_ZSTD) && (f->raw_len != f->stored_len || (f->flags & REC_FL_PREFIX)))
		return -1;
	return 0;
}

/* ---- varints ---- */

void rec_put_uv(struct buf *b, uint64_t v)
{
	char tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (char)((v & 0x7f) | 0x80);
		v >>= 7;
	}
	tmp[n++] = (char)v;
	buf_append(b, tmp, n);
}

uint64_t rec_get_uv(struct rec_cur *c)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && !c->bad; shift += 7) {
		if (c->p >= c->end)
			break;
		uint8_t byte = *c->p++;
		/* the tenth byte may only carry the top bit */
		if (shift == 63 && byte > 1)
			break;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	c->bad = true;
	return 0;
}

uint8_t rec_get_u8(struct rec_cur *c)
{
	if (c->bad || c->p >= c->end) {
		c->bad = true;
		return 0;
	}
	return *c->p++;
}

const uint8_t *rec_get_bytes(struct rec_cur *c, size_t n)
{
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return NULL;
	}
	const uint8_t *p = c->p;
	c->p += n;
	return p;
}

uint64_t rec_get_count(struct rec_cur *c, uint64_t max)
{
	uint64_t v = rec_get_uv(c);
	if (v > max) {
		c->bad = true;
		return 0;
	}
	return v;
}

/* ---- walking the frames of a file ---- */

int rec_pread_full(int fd, void *p, size_t n, uint64_t off)
{
	uint8_t *b = p;
	while (n > 0) {
		ssize_t got = pread(fd, b, n, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			if (got == 0)
				errno = EIO;
			return -1;
		}
		b += got;
		n -= (size_t)got;
		off += (uint64_t)got;
	}
	return 0;
}

void rec_scan_init(struct rec_scan *s, int fd, uint64_t size)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	s->size = size;
	s->off = REC_PREAMBLE_LEN;
	s->small = true;
}

/* an intact header at off whose frame ends within the file */
static int frame_at(struct rec_scan *s, uint64_t off, struct rec_frame *f)
{
	if (s->size - off < REC_FRAME_HDR_LEN)
		return 0;
	if (s->win_len < REC_FRAME_HDR_LEN || off < s->win_at ||
	    off - s->win_at > s->win_len - REC_FRAME_HDR_LEN) {
		/* small frames: one read brings the headers of the next ones too */
		size_t n = s->small ? sizeof s->win : REC_FRAME_HDR_LEN;
		if (n > s->size - off)
			n = (size_t)(s->size - off);
		if (rec_pread_full(s->fd, s->win, n, off) != 0)
			return -1;
		s->win_at = off;
		s->win_len = n;
	}
	if (rec_frame_decode(s->win + (off - s->win_at), f) != 0)
		return 0;
	s->small = f->stored_len < sizeof s->win / 8;
	return s->size - off - REC_FRAME_HDR_LEN >= f->stored_len;
}

/* the next offset after `from` where an intact frame starts, or s->size */
static int resync(struct rec_scan *s, uint64_t from, uint64_t *found, struct rec_frame *f)
{
	uint8_t chunk[16384];
	uint64_t off = from;
	while (off < s->size) {
		size_t n = s->size - off < sizeof chunk ? (size_t)(s->size - off) : sizeof chunk;
		if (rec_pread_full(s->fd, chunk, n, off) != 0)
			return -1;
		for (size_t i = 0; i + 4 <= n; i++) {
			if (memcmp(chunk + i, REC_FRAME_SYNC, 4) != 0)
				continue;
			int rc = frame_at(s, off + i, f);
			if (rc != 0) {
				*found = off + i;
				return rc < 0 ? -1 : 0;
			}
		}
		/* the sync word may straddle two chunks */
		off += n > 3 ? n - 3 : n;
		if (n < sizeof chunk)
			break;
	}
	*found = s->size;
	return 0;
}

int rec_scan_next(struct rec_scan *s, struct rec_frame *f, uint64_t *at, uint64_t *skip_at,
		  uint64_t *skip_len)
{
	*skip_at = s->off;
	*skip_len = 0;
	if (s->off >= s->size)
		return 0;
	int rc = frame_at(s, s->off, f);
	if (rc < 0)
		return -1;
	uint64_t start = s->off;
	if (rc == 0) {
		if (resync(s, s->off + 1, &start, f) != 0)
			return -1;
		*skip_len = start - s->off;
		if (start >= s->size) {
			s->off = s->size;
			return 0;
		}
	}
	*at = start;
	s->off = start + REC_FRAME_HDR_LEN + f->stored_len;
	return 1;
}
