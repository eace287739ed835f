/* recformat.h - the byte-level pieces of a recording shared by the writer
 * (recwrite.c) and the reader (recread.c): varints, the file preamble,
 * frame headers, the schema frame, and the row store both sides keep a
 * sample in. doc/pidtop-record.5 describes every byte. */
#ifndef PIDTOP_RECFORMAT_H
#define PIDTOP_RECFORMAT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "recfile.h"

#define REC_MAGIC "\x89PTREC\r\n"
#define REC_MAGIC_LEN 8
#define REC_PREAMBLE_LEN 16 /* magic, major, minor, crc32 */
#define REC_FRAME_SYNC "PTRF"
#define REC_FRAME_HDR_LEN 40
#define REC_MAX_SCHEMA (1u << 20)      /* bytes of a schema frame */
#define REC_MAX_STR_ARENA (64u << 20)  /* string bytes of one table in one sample */
#define REC_MAX_VALUES (1u << 24)      /* rows x fields of one table */

enum rec_frame_type { REC_FR_SCHEMA = 1, REC_FR_KEY = 2, REC_FR_DELTA = 3 };
#define REC_FL_ZSTD 0x01

struct rec_frame {
	uint8_t type, flags;
	uint32_t stored_len; /* payload bytes after the header */
	uint32_t raw_len;    /* payload bytes once decompressed */
	int64_t wall_ns, mono_ns;
	uint32_t payload_crc;
};

/* "NAME: message" into err */
void rec_verr(char *err, size_t errlen, const char *name, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
uint32_t rec_crc32(const void *p, size_t n);
/* whether p[0..n) has crc32 want. A fuzzing build (libFuzzer's macro
 * FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION) takes every checksum as right,
 * so that mutated inputs reach the decoders behind them. */
bool rec_crc_ok(const void *p, size_t n, uint32_t want);
void rec_preamble_encode(uint8_t out[REC_PREAMBLE_LEN]);
/* 0 a recording preamble (major and minor filled), -1 not one */
int rec_preamble_decode(const uint8_t in[REC_PREAMBLE_LEN], uint16_t *major, uint16_t *minor);
void rec_frame_encode(const struct rec_frame *f, uint8_t out[REC_FRAME_HDR_LEN]);
/* 0 when the header is intact (sync, crc, lengths under the caps) */
int rec_frame_decode(const uint8_t in[REC_FRAME_HDR_LEN], struct rec_frame *f);

/* ---- varints (LEB128; signed values zig-zag) ---- */

void rec_put_uv(struct buf *b, uint64_t v);
static inline uint64_t rec_zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}
static inline int64_t rec_unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* A reader of untrusted bytes: once a read runs past the end or a value
 * is malformed, bad is set and every later read returns 0. */
struct rec_cur {
	const uint8_t *p, *end;
	bool bad;
};
uint64_t rec_get_uv(struct rec_cur *c);
uint8_t rec_get_u8(struct rec_cur *c);
/* n bytes in place; NULL (and bad) when fewer are left */
const uint8_t *rec_get_bytes(struct rec_cur *c, size_t n);
/* a varint at most max, else bad */
uint64_t rec_get_count(struct rec_cur *c, uint64_t max);

/* ---- the schema frame ---- */

/* an owned copy of a schema as a file holds it */
struct rec_fschema {
	struct rec_schema s;
	struct rec_table *tables;
	struct rec_field *fields;
	char *names;
	char *creator;
	int64_t created_wall_ns;
	unsigned keyframe_every;
	size_t tables_off; /* where the tables start in the payload: the part compared on append */
};
/* the tables part of a schema frame's payload */
void rec_schema_encode(struct buf *b, const struct rec_schema *s);
/* the whole payload: creation info, then the tables part */
void rec_schema_payload(struct buf *b, const struct rec_schema *s, const char *creator,
			int64_t created_wall_ns, unsigned keyframe_every);
/* 0, or -1 with a reason (and nothing to free) when the payload is
 * damaged or breaks the rules */
int rec_schema_decode(const uint8_t *p, size_t n, struct rec_fschema *out, char *err, size_t errlen);
int rec_schema_copy(const struct rec_schema *s, struct rec_fschema *out);
void rec_fschema_free(struct rec_fschema *f);

/* ---- the row store ---- */

/* A table's rows in one sample: nf values per row, each 64 bits (integers,
 * a double's bits, or for strings the place of the bytes in str: offset
 * << 24 | length), a presence byte per value, and the strings' bytes. */
struct rec_rows {
	size_t n, cap;
	unsigned nf;
	const struct rec_table *tb; /* the fields' types */
	uint64_t *val;
	uint8_t *present;
	struct buf str;
};
void rec_rows_init(struct rec_rows *r, const struct rec_table *tb);
/* room for n rows; -1 when over the caps or out of memory */
int rec_rows_reserve(struct rec_rows *r, size_t n);
void rec_rows_clear(struct rec_rows *r);
void rec_rows_free(struct rec_rows *r);
/* the packed reference of a copy of p[0..len) in r's strings; -1 when full */
int rec_rows_put_str(struct rec_rows *r, const void *p, size_t len, uint64_t *ref);
static inline const char *rec_rows_str(const struct rec_rows *r, uint64_t ref, uint32_t *len)
{
	*len = (uint32_t)(ref & 0xffffff);
	return r->str.data ? r->str.data + (ref >> 24) : "";
}
/* appends row i of src to dst (same table), strings copied; -1 when full */
int rec_rows_copy_row(struct rec_rows *dst, const struct rec_rows *src, size_t i);

/* ---- walking the frames of a file ---- */

/* pread of exactly n bytes (retrying short reads); 0, or -1 (errno; EIO at end of file) */
int rec_pread_full(int fd, void *p, size_t n, uint64_t off);

struct rec_scan {
	int fd;
	uint64_t size; /* of the file, as walked */
	uint64_t off;  /* where the next frame is looked for */
};
/* Looks for the next intact frame header at or after s->off whose
 * payload lies within the file: 1 with *f and its offset *at (s->off moves
 * past the frame), 0 at the end of the file, -1 on a read error. Bytes
 * that had to be skipped on the way (damage, or a torn tail when 0 is
 * returned) are reported in *skip_at and *skip_len (0 when none). */
int rec_scan_next(struct rec_scan *s, struct rec_frame *f, uint64_t *at, uint64_t *skip_at,
		  uint64_t *skip_len);

#endif
