/* recread.c - reading a recording (recfile.h): the walk over frame
 * headers that opening does, the index of key frames it builds, seeking,
 * stepping, and damage reports. Payloads go through recdecode.c.
 *
 * Samples are numbered as the walk counts them: a key frame, and each
 * delta frame that follows its key frame with no damage in between. A
 * delta after damage cannot be decoded (it changes a sample that is lost),
 * so it is not counted: the samples up to the next key frame are part of
 * the damaged region. Only key frames are kept in memory (one in
 * keyframe_every samples); a delta is found by walking from its key frame. */
#include "reccodec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#define MAX_SEGMENTS 1024 /* schemas in one file */
#define MAX_WARNED 4096   /* damaged offsets remembered (to warn once) */

struct key_entry {
	uint64_t at;     /* file offset of the key frame */
	uint64_t sample; /* its sample number */
	int64_t wall_ns;
	uint32_t segment;
	bool prefixed;   /* compressed against the entry before */
};

struct segment {
	struct rec_fschema fs;
	bool used; /* a decoder was made for it (unknown fields were reported) */
};

struct recread {
	int fd;
	char *name;
	const struct rec_schema *want;
	rec_warn_fn *warn;
	void *warn_ctx;
	struct recread_info info;
	struct segment *seg;
	size_t nseg;
	struct key_entry *keys;
	size_t nkeys, keys_cap;
	uint64_t *warned;
	size_t nwarned, warned_cap;
	/* the decoder of segment dec_seg, and the sample it holds */
	struct rec_dec *dec;
	uint32_t dec_seg;
	bool have;
	uint64_t pos;
	int64_t wall_ns, mono_ns;
	uint64_t next_off; /* the frame after the current sample's */
	ZSTD_DCtx *dctx;
	struct buf stored, raw;
	/* the raw payload of key entry key_raw_at, in key_raw[key_raw_cur]: what
	 * the key frame after it is decompressed against */
	struct buf key_raw[2];
	size_t key_raw_at;
	int key_raw_cur;
	uint64_t key_bad_at; /* the frame a failed load_key could not read */
	char err[512];
};

static int fail(struct recread *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct recread *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rec_verr(r->err, sizeof r->err, r->name, fmt, ap);
	va_end(ap);
	return -1;
}

/* one warning per damaged offset */
static void damage(struct recread *r, uint64_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void damage(struct recread *r, uint64_t at, const char *fmt, ...)
{
	for (size_t i = 0; i < r->nwarned; i++)
		if (r->warned[i] == at)
			return;
	if (r->nwarned < MAX_WARNED) {
		uint64_t *p = array_grow(r->warned, &r->warned_cap, r->nwarned + 1, sizeof *p, 16);
		if (p) {
			r->warned = p;
			p[r->nwarned++] = at;
		}
	}
	if (!r->warn)
		return;
	char what[256], line[900];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(line, sizeof line, "%s: damaged at byte %llu: %s", r->name, (unsigned long long)at,
		 what);
	r->warn(r->warn_ctx, line);
}

/* The payload of the frame at `at` into out, decompressed against prefix
 * when the frame says so: 0, or -1 when damaged. */
static int load_into(struct recread *r, uint64_t at, const struct rec_frame *f,
		     const struct buf *prefix, struct buf *out)
{
	buf_reset(&r->stored);
	buf_reset(out);
	/* one byte more: never a NULL buffer, even for an empty payload */
	if (!buf_reserve(&r->stored, f->stored_len + 1))
		return -1;
	if (rec_pread_full(r->fd, r->stored.data, f->stored_len, at + REC_FRAME_HDR_LEN) != 0)
		return -1;
	if (!rec_crc_ok(r->stored.data, f->stored_len, f->payload_crc))
		return -1;
	/* the sizes must agree before the room for the raw bytes is taken */
	if ((f->flags & REC_FL_ZSTD) &&
	    ZSTD_getFrameContentSize(r->stored.data, f->stored_len) != f->raw_len)
		return -1;
	if (!buf_reserve(out, f->raw_len + 1))
		return -1;
	if (!(f->flags & REC_FL_ZSTD)) {
		if (f->stored_len)
			memcpy(out->data, r->stored.data, f->stored_len);
		out->len = f->stored_len;
		return 0;
	}
	if ((f->flags & REC_FL_PREFIX) &&
	    (!prefix || ZSTD_isError(ZSTD_DCtx_refPrefix(r->dctx, prefix->data, prefix->len))))
		return -1;
	size_t n = ZSTD_decompressDCtx(r->dctx, out->data, f->raw_len, r->stored.data, f->stored_len);
	if (ZSTD_isError(n) || n != f->raw_len)
		return -1;
	out->len = n;
	return 0;
}

static int load_payload(struct recread *r, uint64_t at, const struct rec_frame *f)
{
	return load_into(r, at, f, NULL, &r->raw);
}

/* The raw payload of key entry e into r->key_raw[r->key_raw_cur]: the
 * key frames from the last one compressed alone are decompressed in turn
 * (from the one held, when it is among them). 0, or -1 when one is damaged. */
static int load_key(struct recread *r, size_t e, const struct rec_frame *fe)
{
	if (r->key_raw_at == e)
		return 0;
	size_t a = e;
	while (a > 0 && r->keys[a].prefixed && r->keys[a - 1].segment == r->keys[e].segment)
		a--;
	if (r->keys[a].prefixed)
		return -1;
	if (r->key_raw_at != SIZE_MAX && r->key_raw_at >= a && r->key_raw_at < e)
		a = r->key_raw_at + 1;
	for (size_t i = a; i <= e; i++) {
		struct rec_frame f = *fe;
		uint8_t h[REC_FRAME_HDR_LEN];
		if (i != e && (rec_pread_full(r->fd, h, sizeof h, r->keys[i].at) != 0 ||
			       rec_frame_decode(h, &f) != 0))
			goto bad;
		int next = 1 - r->key_raw_cur;
		const struct buf *prefix = r->keys[i].prefixed ? &r->key_raw[r->key_raw_cur] : NULL;
		r->key_bad_at = r->keys[i].at;
		if (load_into(r, r->keys[i].at, &f, prefix, &r->key_raw[next]) != 0)
			goto bad;
		r->key_raw_cur = next;
		r->key_raw_at = i;
	}
	return 0;
bad:
	r->key_raw_at = SIZE_MAX;
	return -1;
}

/* the last sample lost with key entry i: up to the next key frame that does
 * not depend on it */
static uint64_t lost_until(const struct recread *r, size_t i)
{
	size_t j = i + 1;
	while (j < r->nkeys && r->keys[j].prefixed && r->keys[j].segment == r->keys[i].segment)
		j++;
	return (j < r->nkeys ? r->keys[j].sample : r->info.samples) - 1;
}

/* ---- opening: the walk over frame headers ---- */

static int add_segment(struct recread *r, uint64_t at, const struct rec_frame *f)
{
	char why[200];
	if (r->nseg >= MAX_SEGMENTS) {
		damage(r, at, "more than %d schemas in one file", MAX_SEGMENTS);
		return -1;
	}
	if (load_payload(r, at, f) != 0) {
		damage(r, at, "schema frame fails its checksum");
		return -1;
	}
	struct segment *s = &r->seg[r->nseg];
	memset(s, 0, sizeof *s);
	if (rec_schema_decode((const uint8_t *)r->raw.data, r->raw.len, &s->fs, why, sizeof why) != 0) {
		damage(r, at, "%s", why);
		return -1;
	}
	r->nseg++;
	return 0;
}

static int add_key(struct recread *r, uint64_t at, const struct rec_frame *f, uint32_t seg)
{
	struct key_entry *k = array_grow(r->keys, &r->keys_cap, r->nkeys + 1, sizeof *k, 64);
	if (!k)
		return fail(r, "out of memory");
	r->keys = k;
	k[r->nkeys++] = (struct key_entry){at, r->info.samples, f->wall_ns, seg,
					   (f->flags & REC_FL_PREFIX) != 0};
	return 0;
}

static void count_sample(struct recread *r, const struct rec_frame *f)
{
	struct recread_info *in = &r->info;
	if (in->samples == 0) {
		in->first_wall_ns = f->wall_ns;
		in->first_mono_ns = f->mono_ns;
	}
	in->last_wall_ns = f->wall_ns;
	in->last_mono_ns = f->mono_ns;
	in->samples++;
}

static int walk(struct recread *r, uint64_t size)
{
	struct rec_scan s;
	rec_scan_init(&s, r->fd, size);
	struct rec_frame f;
	uint64_t at, skip_at, skip_len;
	bool chain = false;   /* a delta here continues a readable sample */
	/* a key frame here may be compressed against the last one: were a key
	 * frame lost in damage between, the checksum of the decompressed bytes
	 * fails when it is read */
	bool prefix = false;
	bool schema = false;  /* a readable schema is in force */
	bool told_type = false;
	int rc;
	while ((rc = rec_scan_next(&s, &f, &at, &skip_at, &skip_len)) == 1) {
		if (skip_len) {
			damage(r, skip_at, "%llu bytes skipped", (unsigned long long)skip_len);
			chain = false;
		}
		if (f.type == REC_FR_SCHEMA) {
			schema = add_segment(r, at, &f) == 0;
			chain = prefix = false;
		} else if (f.type == REC_FR_KEY && schema && (prefix || !(f.flags & REC_FL_PREFIX))) {
			if (add_key(r, at, &f, (uint32_t)(r->nseg - 1)) != 0)
				return -1;
			count_sample(r, &f);
			chain = prefix = true;
		} else if (f.type == REC_FR_DELTA && chain) {
			count_sample(r, &f);
		} else if (f.type != REC_FR_KEY && f.type != REC_FR_DELTA && !told_type) {
			/* a frame of a later minor version */
			damage(r, at, "frames of unknown type %u skipped", f.type);
			told_type = true;
		}
	}
	/* rc 0 with bytes skipped: a torn tail, normal after a crash */
	return rc < 0 ? fail(r, "read: %s", strerror(errno)) : 0;
}

static int check_preamble(struct recread *r, uint64_t size)
{
	uint8_t pre[REC_PREAMBLE_LEN];
	if (size == 0)
		return fail(r, "empty file, not a pidtop recording");
	if (size < sizeof pre || rec_pread_full(r->fd, pre, sizeof pre, 0) != 0 ||
	    rec_preamble_decode(pre, &r->info.major, &r->info.minor) != 0)
		return fail(r, "not a pidtop recording");
	if (r->info.major > REC_VERSION_MAJOR)
		return fail(r, "recording format %u.%u is newer than this pidtop reads (%u.x)",
			    r->info.major, r->info.minor, REC_VERSION_MAJOR);
	if (r->info.major < REC_VERSION_MAJOR)
		return fail(r, "recording format %u.%u is unknown", r->info.major, r->info.minor);
	return 0;
}

static int use_segment(struct recread *r, uint32_t seg)
{
	if (r->dec && r->dec_seg == seg)
		return 0;
	rec_dec_free(r->dec);
	r->have = false;
	struct segment *s = &r->seg[seg];
	r->dec = rec_dec_new(&s->fs.s, r->want, s->used ? NULL : r->warn, r->warn_ctx);
	if (!r->dec)
		return fail(r, "out of memory");
	s->used = true;
	r->dec_seg = seg;
	return 0;
}

static void fill_info(struct recread *r, uint64_t size)
{
	struct recread_info *in = &r->info;
	in->file_bytes = size;
	in->segments = (unsigned)r->nseg;
	if (r->nseg) {
		in->creator = r->seg[0].fs.creator;
		in->created_wall_ns = r->seg[0].fs.created_wall_ns;
		in->file_schema = &r->seg[r->nseg - 1].fs.s;
	}
	if (in->samples > 1)
		in->mean_interval_s = ((double)in->last_wall_ns - (double)in->first_wall_ns) / 1e9 /
				      (double)(in->samples - 1);
	if (r->nkeys == 0)
		return;
	/* the row counts the last key frame's payload starts with */
	const struct key_entry *k = &r->keys[r->nkeys - 1];
	uint8_t h[REC_FRAME_HDR_LEN];
	struct rec_frame f;
	if (rec_pread_full(r->fd, h, sizeof h, k->at) == 0 && rec_frame_decode(h, &f) == 0 &&
	    load_key(r, r->nkeys - 1, &f) == 0 && use_segment(r, k->segment) == 0) {
		const struct buf *raw = &r->key_raw[r->key_raw_cur];
		rec_dec_counts(r->dec, (const uint8_t *)raw->data, raw->len, in->rows);
	}
}

int recread_open_fd(struct recread **out, int fd, const char *name, const struct rec_schema *want,
		    rec_warn_fn *warn, void *warn_ctx, char *err, size_t errlen)
{
	*out = NULL;
	struct recread *r = calloc(1, sizeof *r);
	if (!r || !(r->name = strdup(name)) || !(r->dctx = ZSTD_createDCtx()) ||
	    !(r->seg = calloc(MAX_SEGMENTS, sizeof *r->seg))) {
		snprintf(err, errlen, "%s: out of memory", name);
		if (r)
			r->fd = -1;
		recread_close(r);
		close(fd);
		return -1;
	}
	r->fd = fd;
	r->key_raw_at = SIZE_MAX;
	r->want = want;
	r->warn = warn;
	r->warn_ctx = warn_ctx;
	struct stat st;
	int rc = fstat(fd, &st) != 0 ? fail(r, "%s", strerror(errno)) : 0;
	if (rc == 0 && !S_ISREG(st.st_mode))
		rc = fail(r, "not a regular file");
	if (rc == 0 && rec_schema_check(want, err, errlen) != 0)
		rc = fail(r, "the reader's schema: %s", err);
	uint64_t size = (uint64_t)st.st_size;
	if (rc == 0)
		rc = check_preamble(r, size);
	if (rc == 0)
		rc = walk(r, size);
	if (rc == 0 && r->nseg == 0)
		rc = fail(r, "no intact schema: not a readable recording");
	if (rc != 0) {
		snprintf(err, errlen, "%s", r->err);
		recread_close(r);
		return -1;
	}
	fill_info(r, size);
	*out = r;
	return 0;
}

int recread_open(struct recread **out, const char *path, const struct rec_schema *want,
		 rec_warn_fn *warn, void *warn_ctx, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*out = NULL;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return recread_open_fd(out, fd, path, want, warn, warn_ctx, err, errlen);
}

const struct recread_info *recread_info(const struct recread *r)
{
	return &r->info;
}

bool recread_has_field(const struct recread *r, unsigned table, unsigned field)
{
	if (!r->dec || table >= r->want->ntables || field >= r->want->tables[table].nfields)
		return false;
	return rec_dec_has_field(r->dec, table, field);
}

void recread_close(struct recread *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	rec_dec_free(r->dec); /* before the schema it decodes */
	for (size_t i = 0; i < r->nseg; i++)
		rec_fschema_free(&r->seg[i].fs);
	free(r->seg);
	free(r->keys);
	free(r->warned);
	ZSTD_freeDCtx(r->dctx);
	buf_free(&r->stored);
	buf_free(&r->raw);
	buf_free(&r->key_raw[0]);
	buf_free(&r->key_raw[1]);
	free(r->name);
	free(r);
}

/* ---- positioning ---- */

/* the header of the next frame at or after off that is a sample or a
 * schema (frames of unknown types are stepped over): 0, or -1 at damage or
 * the end */
static int header_at(struct recread *r, uint64_t off, struct rec_frame *f, uint64_t *at)
{
	uint64_t size = r->info.file_bytes;
	for (;;) {
		uint8_t h[REC_FRAME_HDR_LEN];
		if (off > size || size - off < sizeof h || rec_pread_full(r->fd, h, sizeof h, off) != 0 ||
		    rec_frame_decode(h, f) != 0 || size - off - sizeof h < f->stored_len)
			return -1;
		if (f->type == REC_FR_SCHEMA || f->type == REC_FR_KEY || f->type == REC_FR_DELTA) {
			*at = off;
			return 0;
		}
		off += sizeof h + f->stored_len;
	}
}

/* the last key entry at or before sample k, or (by_wall) at or before
 * wall time wall_ns; the first when none is */
static size_t key_before(const struct recread *r, uint64_t k, int64_t wall_ns, bool by_wall)
{
	size_t lo = 0, hi = r->nkeys;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (by_wall ? r->keys[mid].wall_ns <= wall_ns : r->keys[mid].sample <= k)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* the key entry of sample k */
static size_t key_of(const struct recread *r, uint64_t k)
{
	return key_before(r, k, 0, false);
}

/* the sample frame at `at` becomes sample k */
static int apply(struct recread *r, uint64_t at, const struct rec_frame *f, uint64_t k)
{
	char why[128] = "checksum or compression fails";
	const struct buf *raw = &r->raw;
	size_t e = key_of(r, k);
	uint64_t bad_at = at, first = k;
	uint64_t last = (e + 1 < r->nkeys ? r->keys[e + 1].sample : r->info.samples) - 1;
	int rc;
	if (f->type == REC_FR_KEY) {
		r->key_bad_at = at;
		rc = r->keys[e].at == at ? load_key(r, e, f) : -1;
		raw = &r->key_raw[r->key_raw_cur];
		if (rc != 0) {
			/* maybe a key frame before it, which the ones up to the next
			 * key frame compressed alone depend on */
			bad_at = r->key_bad_at;
			size_t i = 0;
			while (i + 1 < r->nkeys && r->keys[i + 1].at <= bad_at)
				i++;
			first = r->keys[i].sample;
			last = lost_until(r, i);
		}
	} else {
		rc = load_payload(r, at, f);
	}
	if (rc == 0)
		rc = rec_dec_sample(r->dec, f->type == REC_FR_KEY, (const uint8_t *)raw->data,
				    raw->len, why, sizeof why);
	if (rc != 0) {
		/* the last frame cut short is a torn tail: normal */
		if (bad_at + REC_FRAME_HDR_LEN + f->stored_len < r->info.file_bytes || bad_at != at)
			damage(r, bad_at, "%s: samples %llu to %llu lost", why,
			       (unsigned long long)first, (unsigned long long)last);
		return -1;
	}
	r->have = true;
	r->pos = k;
	r->wall_ns = f->wall_ns;
	r->mono_ns = f->mono_ns;
	r->next_off = at + REC_FRAME_HDR_LEN + f->stored_len;
	return 0;
}

/* Decodes the deltas after the current sample (of key entry e's group) up
 * to sample k, while their wall time is at most wall_limit; stops at
 * damage. */
static void advance(struct recread *r, size_t e, uint64_t k, int64_t wall_limit)
{
	uint64_t end = e + 1 < r->nkeys ? r->keys[e + 1].sample : r->info.samples;
	struct rec_frame f;
	uint64_t at;
	while (r->pos < k && r->pos + 1 < end) {
		if (header_at(r, r->next_off, &f, &at) != 0 || f.type != REC_FR_DELTA ||
		    f.wall_ns > wall_limit || apply(r, at, &f, r->pos + 1) != 0)
			break;
	}
}

/* Decodes key entry e, then its deltas up to sample k whose wall time is
 * at most wall_limit. false when the key frame cannot be read; else the
 * reader is at the last sample it could decode. */
static bool decode_group(struct recread *r, size_t e, uint64_t k, int64_t wall_limit)
{
	const struct key_entry *ke = &r->keys[e];
	struct rec_frame f;
	uint64_t at;
	if (use_segment(r, ke->segment) != 0)
		return false;
	if (header_at(r, ke->at, &f, &at) != 0 || at != ke->at || f.type != REC_FR_KEY ||
	    apply(r, at, &f, ke->sample) != 0) {
		r->have = false;
		return false;
	}
	advance(r, e, k, wall_limit);
	return true;
}

/* from key entry e on: the first group whose key frame reads */
static bool first_readable(struct recread *r, size_t e)
{
	for (; e < r->nkeys; e++)
		if (decode_group(r, e, r->keys[e].sample, INT64_MAX))
			return true;
	return false;
}

static int seek_group(struct recread *r, size_t e, uint64_t k, int64_t wall_limit)
{
	if (decode_group(r, e, k, wall_limit))
		return 0;
	/* its key frame is damaged: the last readable sample before it */
	for (size_t i = e; i-- > 0;)
		if (decode_group(r, i, r->keys[i + 1].sample - 1, INT64_MAX))
			return 0;
	if (first_readable(r, e + 1))
		return 0;
	return fail(r, "no readable sample");
}

int recread_seek(struct recread *r, uint64_t k)
{
	if (r->info.samples == 0)
		return fail(r, "no samples");
	if (k >= r->info.samples)
		k = r->info.samples - 1;
	size_t e = key_of(r, k);
	/* forward within the group: on from here, not from its key frame */
	if (r->have && k >= r->pos && key_of(r, r->pos) == e) {
		advance(r, e, k, INT64_MAX);
		return 0;
	}
	return seek_group(r, e, k, INT64_MAX);
}

int recread_seek_time(struct recread *r, int64_t wall_ns)
{
	if (r->info.samples == 0)
		return fail(r, "no samples");
	size_t lo = key_before(r, 0, wall_ns, true);
	if (r->keys[lo].wall_ns > wall_ns)
		return seek_group(r, 0, 0, INT64_MAX);
	return seek_group(r, lo, UINT64_MAX, wall_ns);
}

int recread_next(struct recread *r)
{
	if (!r->have)
		return recread_seek(r, 0) == 0 ? 1 : -1;
	uint64_t k = r->pos + 1, was = r->pos;
	if (k >= r->info.samples)
		return 0;
	size_t e = key_of(r, k);
	if (r->keys[e].sample == k) {
		if (decode_group(r, e, k, INT64_MAX))
			return 1;
	} else {
		struct rec_frame f;
		uint64_t at;
		if (header_at(r, r->next_off, &f, &at) == 0 && f.type == REC_FR_DELTA &&
		    apply(r, at, &f, k) == 0)
			return 1;
		if (header_at(r, r->next_off, &f, &at) != 0 || f.type != REC_FR_DELTA)
			damage(r, r->next_off, "samples %llu on lost", (unsigned long long)k);
	}
	/* k is lost with the rest of its group: on to the next key frame */
	if (first_readable(r, e + 1))
		return 1;
	if (recread_seek(r, was) != 0)
		return -1;
	return 0;
}

size_t recread_key_samples(const struct recread *r, uint64_t *out, size_t max)
{
	for (size_t i = 0; i < r->nkeys && i < max; i++)
		out[i] = r->keys[i].sample;
	return r->nkeys;
}

uint64_t recread_pos(const struct recread *r)
{
	return r->pos;
}

int64_t recread_wall_ns(const struct recread *r)
{
	return r->wall_ns;
}

int64_t recread_mono_ns(const struct recread *r)
{
	return r->mono_ns;
}

size_t recread_rows(const struct recread *r, unsigned table)
{
	if (!r->have || table >= r->want->ntables)
		return 0;
	return rec_dec_rows(r->dec, table)->n;
}

void recread_row(const struct recread *r, unsigned table, size_t row, struct rec_value *vals)
{
	const struct rec_table *tb = &r->want->tables[table];
	const struct rec_rows *rows = rec_dec_rows(r->dec, table);
	const uint64_t *v = &rows->val[row * rows->nf];
	const uint8_t *p = &rows->present[row * rows->nf];
	for (unsigned f = 0; f < tb->nfields; f++) {
		memset(&vals[f], 0, sizeof vals[f]);
		vals[f].present = p[f];
		if (tb->fields[f].type == REC_STR)
			vals[f].str = rec_rows_str(rows, v[f], &vals[f].str_len);
		else
			vals[f].v.u64 = v[f];
	}
}

const char *recread_error(const struct recread *r)
{
	return r->err;
}
