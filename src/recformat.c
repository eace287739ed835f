/* recformat.c - the byte-level pieces of a recording (recformat.h) */
#include "recformat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
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
	if (!(f->flags & REC_FL_ZSTD) && f->raw_len != f->stored_len)
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

/* ---- the schema frame ---- */

static void put_name(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	rec_put_uv(b, n);
	buf_append(b, s, n);
}

void rec_schema_encode(struct buf *b, const struct rec_schema *s)
{
	rec_put_uv(b, s->ntables);
	for (unsigned t = 0; t < s->ntables; t++) {
		const struct rec_table *tb = &s->tables[t];
		put_name(b, tb->name);
		buf_putc(b, (char)tb->kind);
		rec_put_uv(b, tb->nkeys);
		rec_put_uv(b, tb->nfields);
		rec_put_uv(b, 0); /* bytes of table attributes a later minor version may add */
		for (unsigned f = 0; f < tb->nfields; f++) {
			put_name(b, tb->fields[f].name);
			buf_putc(b, (char)tb->fields[f].type);
			rec_put_uv(b, 0); /* field attributes, likewise */
		}
	}
}

void rec_schema_payload(struct buf *b, const struct rec_schema *s, const char *creator,
			int64_t created_wall_ns, unsigned keyframe_every)
{
	size_t n = creator ? strlen(creator) : 0;
	if (n > REC_MAX_NAME)
		n = REC_MAX_NAME;
	rec_put_uv(b, n);
	buf_append(b, creator ? creator : "", n);
	rec_put_uv(b, rec_zigzag(created_wall_ns));
	rec_put_uv(b, keyframe_every);
	rec_schema_encode(b, s);
}

static int bad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

static bool type_known(unsigned t)
{
	return t >= REC_U64 && t <= REC_STR;
}

int rec_schema_check(const struct rec_schema *s, char *err, size_t errlen)
{
	if (s->ntables < 1 || s->ntables > REC_MAX_TABLES)
		return bad(err, errlen, "schema: 1 to 64 tables");
	for (unsigned t = 0; t < s->ntables; t++) {
		const struct rec_table *tb = &s->tables[t];
		size_t nl = tb->name ? strlen(tb->name) : 0;
		if (nl < 1 || nl > REC_MAX_NAME)
			return bad(err, errlen, "schema: a table name of 1 to 255 bytes");
		if (tb->kind != REC_STATE && tb->kind != REC_EVENT)
			return bad(err, errlen, "schema: a table kind is neither STATE nor EVENT");
		if (tb->nfields < 1 || tb->nfields > REC_MAX_FIELDS || tb->nkeys > tb->nfields)
			return bad(err, errlen, "schema: 1 to 256 fields a table, keys among them");
		for (unsigned u = 0; u < t; u++)
			if (strcmp(s->tables[u].name, tb->name) == 0)
				return bad(err, errlen, "schema: two tables of one name");
		for (unsigned f = 0; f < tb->nfields; f++) {
			const char *fn = tb->fields[f].name;
			size_t fl = fn ? strlen(fn) : 0;
			if (fl < 1 || fl > REC_MAX_NAME || !type_known(tb->fields[f].type))
				return bad(err, errlen, "schema: a field without a name or a type");
			for (unsigned g = 0; g < f; g++)
				if (strcmp(tb->fields[g].name, fn) == 0)
					return bad(err, errlen, "schema: two fields of one name in a table");
		}
	}
	return 0;
}

/* a name from the payload, NUL-terminated into the names arena */
static const char *get_name(struct rec_cur *c, char **arena)
{
	size_t n = rec_get_count(c, REC_MAX_NAME);
	const uint8_t *p = rec_get_bytes(c, n);
	if (!p)
		return "";
	char *s = *arena;
	memcpy(s, p, n);
	s[n] = '\0';
	*arena += n + 1;
	return s;
}

static void skip_attributes(struct rec_cur *c)
{
	rec_get_bytes(c, rec_get_count(c, REC_MAX_SCHEMA));
}

static int decode_tables(struct rec_cur *c, struct rec_fschema *out, char **arena)
{
	unsigned nt = (unsigned)rec_get_count(c, REC_MAX_TABLES);
	/* every field takes at least 3 bytes, so the payload bounds the count */
	size_t maxf = (size_t)(c->end - c->p) / 3 + 1;
	out->tables = calloc(nt ? nt : 1, sizeof *out->tables);
	out->fields = calloc(maxf, sizeof *out->fields);
	if (!out->tables || !out->fields)
		return -1;
	size_t used = 0;
	for (unsigned t = 0; t < nt && !c->bad; t++) {
		struct rec_table *tb = &out->tables[t];
		tb->name = get_name(c, arena);
		tb->kind = rec_get_u8(c);
		tb->nkeys = (unsigned)rec_get_count(c, REC_MAX_FIELDS);
		tb->nfields = (unsigned)rec_get_count(c, REC_MAX_FIELDS);
		skip_attributes(c);
		if (tb->nfields > maxf - used) {
			c->bad = true;
			break;
		}
		tb->fields = &out->fields[used];
		for (unsigned f = 0; f < tb->nfields && !c->bad; f++) {
			out->fields[used].name = get_name(c, arena);
			out->fields[used].type = rec_get_u8(c);
			used++;
			skip_attributes(c);
		}
	}
	out->s.ntables = nt;
	out->s.tables = out->tables;
	return c->bad ? -1 : 0;
}

int rec_schema_decode(const uint8_t *p, size_t n, struct rec_fschema *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (n > REC_MAX_SCHEMA)
		return bad(err, errlen, "schema frame too large");
	/* each name costs at least its length byte: the arena bound */
	out->names = malloc(2 * n + 1);
	if (!out->names)
		return bad(err, errlen, "out of memory");
	char *arena = out->names;
	struct rec_cur c = {p, p + n, false};
	out->creator = (char *)get_name(&c, &arena);
	out->created_wall_ns = rec_unzigzag(rec_get_uv(&c));
	out->keyframe_every = (unsigned)rec_get_count(&c, UINT32_MAX);
	out->tables_off = (size_t)(c.p - p);
	int rc = c.bad ? -1 : decode_tables(&c, out, &arena);
	if (rc != 0)
		bad(err, errlen, c.bad ? "schema frame damaged" : "out of memory");
	else
		rc = rec_schema_check(&out->s, err, errlen);
	if (rc != 0)
		rec_fschema_free(out);
	return rc;
}

int rec_schema_copy(const struct rec_schema *s, struct rec_fschema *out)
{
	struct buf b = {0};
	rec_schema_payload(&b, s, "", 0, 0);
	char err[8];
	int rc = b.failed ? -1 : rec_schema_decode((const uint8_t *)b.data, b.len, out, err, sizeof err);
	buf_free(&b);
	return rc;
}

void rec_fschema_free(struct rec_fschema *f)
{
	free(f->tables);
	free(f->fields);
	free(f->names);
	memset(f, 0, sizeof *f);
}

/* ---- the row store ---- */

void rec_rows_init(struct rec_rows *r, const struct rec_table *tb)
{
	memset(r, 0, sizeof *r);
	r->tb = tb;
	r->nf = tb ? tb->nfields : 0;
}

int rec_rows_reserve(struct rec_rows *r, size_t n)
{
	if (n > REC_MAX_ROWS || (r->nf && n > REC_MAX_VALUES / r->nf))
		return -1;
	if (n <= r->cap)
		return 0;
	size_t vcap = r->cap * r->nf, pcap = r->cap * r->nf;
	size_t want = n * r->nf;
	uint64_t *v = array_grow(r->val, &vcap, want, sizeof *v, 64 * (size_t)r->nf);
	if (!v)
		return -1;
	r->val = v;
	uint8_t *p = array_grow(r->present, &pcap, want, 1, 64 * (size_t)r->nf);
	if (!p)
		return -1;
	r->present = p;
	/* both arrays grew to the same capacity in values */
	r->cap = r->nf ? (vcap < pcap ? vcap : pcap) / r->nf : n;
	return 0;
}

void rec_rows_clear(struct rec_rows *r)
{
	r->n = 0;
	buf_reset(&r->str);
}

void rec_rows_free(struct rec_rows *r)
{
	free(r->val);
	free(r->present);
	buf_free(&r->str);
	rec_rows_init(r, r->tb);
}

int rec_rows_put_str(struct rec_rows *r, const void *p, size_t len, uint64_t *ref)
{
	if (len > REC_STR_MAX || r->str.len > REC_MAX_STR_ARENA - len)
		return -1;
	size_t off = r->str.len;
	if (len > 0) {
		buf_append(&r->str, p, len);
		if (r->str.failed) {
			r->str.failed = false;
			r->str.len = off;
			return -1;
		}
	}
	*ref = ((uint64_t)off << 24) | len;
	return 0;
}

int rec_rows_copy_row(struct rec_rows *dst, const struct rec_rows *src, size_t i)
{
	if (rec_rows_reserve(dst, dst->n + 1) != 0)
		return -1;
	unsigned nf = dst->nf;
	uint64_t *v = &dst->val[dst->n * nf];
	memcpy(v, &src->val[i * nf], nf * sizeof *v);
	memcpy(&dst->present[dst->n * nf], &src->present[i * nf], nf);
	for (unsigned f = 0; f < nf; f++) {
		if (dst->tb->fields[f].type != REC_STR)
			continue;
		uint32_t len;
		const char *s = rec_rows_str(src, v[f], &len);
		if (rec_rows_put_str(dst, s, len, &v[f]) != 0)
			return -1;
	}
	dst->n++;
	return 0;
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

/* an intact header at off whose frame ends within the file */
static int frame_at(const struct rec_scan *s, uint64_t off, struct rec_frame *f)
{
	uint8_t h[REC_FRAME_HDR_LEN];
	if (s->size - off < REC_FRAME_HDR_LEN)
		return 0;
	if (rec_pread_full(s->fd, h, sizeof h, off) != 0)
		return -1;
	if (rec_frame_decode(h, f) != 0)
		return 0;
	return s->size - off - REC_FRAME_HDR_LEN >= f->stored_len;
}

/* the next offset after `from` where an intact frame starts, or s->size */
static int resync(const struct rec_scan *s, uint64_t from, uint64_t *found, struct rec_frame *f)
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
