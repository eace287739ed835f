/* recwrite.c - appending samples to a recording (recfile.h): the file's
 * safety checks, continuing an existing recording, one write() per frame,
 * rotation at max_size. The payloads come from recencode.c. */
#include "reccodec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

struct recwrite {
	int dirfd, fd;
	char *path;  /* as given, for messages */
	char *base;  /* the file's name in dirfd */
	char *base1; /* the rotated file's */
	char *creator;
	struct rec_fschema schema;
	unsigned keyframe_every;
	int level;
	bool store_raw;
	uint64_t max_size;
	struct rec_enc *enc;
	ZSTD_CCtx *cctx;
	struct buf raw, frame;
	uint64_t size;       /* bytes in the file */
	bool has_samples;    /* the file holds a sample frame */
	bool need_key;       /* the next sample must be a key frame */
	unsigned since_key;  /* samples since the last key frame, it included */
	bool in_sample;
	int64_t wall_ns, mono_ns;
	unsigned rotations;
	char err[512];
};

static int fail(struct recwrite *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct recwrite *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	rec_verr(w->err, sizeof w->err, w->path, fmt, ap);
	va_end(ap);
	return -1;
}

static int64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- one frame, one write ---- */

static int build_frame(struct recwrite *w, uint8_t type, const struct buf *raw, int64_t wall_ns,
		       int64_t mono_ns)
{
	if (raw->failed)
		return fail(w, "out of memory encoding a sample");
	if (raw->len > REC_MAX_FRAME)
		return fail(w, "a sample of %zu bytes is over the %u-byte frame limit", raw->len,
			    REC_MAX_FRAME);
	size_t bound = ZSTD_compressBound(raw->len);
	buf_reset(&w->frame);
	if (!buf_reserve(&w->frame, REC_FRAME_HDR_LEN + (bound > raw->len ? bound : raw->len)))
		return fail(w, "out of memory");
	uint8_t *out = (uint8_t *)w->frame.data;
	struct rec_frame f = {.type = type, .wall_ns = wall_ns, .mono_ns = mono_ns};
	size_t c = w->store_raw ? raw->len
				: ZSTD_compressCCtx(w->cctx, out + REC_FRAME_HDR_LEN, bound, raw->data,
						    raw->len, w->level);
	if (!ZSTD_isError(c) && c < raw->len) {
		f.flags = REC_FL_ZSTD;
		f.stored_len = (uint32_t)c;
	} else {
		memcpy(out + REC_FRAME_HDR_LEN, raw->data, raw->len);
		f.stored_len = (uint32_t)raw->len;
	}
	f.raw_len = (uint32_t)raw->len;
	f.payload_crc = rec_crc32(out + REC_FRAME_HDR_LEN, f.stored_len);
	rec_frame_encode(&f, out);
	w->frame.len = REC_FRAME_HDR_LEN + f.stored_len;
	return 0;
}

/* Appends b whole. A failed or short write is cut off again so the file
 * still ends with a whole frame. */
static int append(struct recwrite *w, const struct buf *b)
{
	if (w->fd < 0)
		return fail(w, "not open (an earlier rotation failed)");
	if (buf_write_fd(b, w->fd) != 0) {
		int e = errno;
		if (ftruncate(w->fd, (off_t)w->size) != 0) {
			/* the file's tail is now torn: the next open cuts it */
		}
		w->need_key = true;
		return fail(w, "write: %s", strerror(e));
	}
	w->size += b->len;
	return 0;
}

static int append_schema(struct recwrite *w)
{
	buf_reset(&w->raw);
	rec_schema_payload(&w->raw, &w->schema.s, w->creator, now_ns(CLOCK_REALTIME),
			   w->keyframe_every);
	if (build_frame(w, REC_FR_SCHEMA, &w->raw, now_ns(CLOCK_REALTIME), now_ns(CLOCK_MONOTONIC)))
		return -1;
	w->need_key = true;
	return append(w, &w->frame);
}

/* a new file: the preamble and the schema */
static int start_file(struct recwrite *w)
{
	struct buf b = {0};
	uint8_t pre[REC_PREAMBLE_LEN];
	rec_preamble_encode(pre);
	buf_append(&b, (const char *)pre, sizeof pre);
	int rc = append(w, &b);
	buf_free(&b);
	w->has_samples = false;
	return rc ? rc : append_schema(w);
}

/* ---- the file's safety ---- */

static int check_dir(struct recwrite *w, const char *dir)
{
	struct stat st;
	if (fstat(w->dirfd, &st) != 0)
		return fail(w, "%s: %s", dir, strerror(errno));
	/* anyone could swap the file for a link of their own between two
	 * recordings: the case of a world-writable log directory */
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		return fail(w, "directory %s is writable by everyone and has no sticky bit: not recording there",
			    dir);
	return 0;
}

static int check_file(struct recwrite *w, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return fail(w, "not a regular file");
	if (st->st_uid != geteuid())
		return fail(w, "owned by uid %u, not by this user (uid %u): not writing to it",
			    (unsigned)st->st_uid, (unsigned)geteuid());
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return fail(w, "writable by group or others: not writing to it");
	return 0;
}

static int open_file(struct recwrite *w, int extra_flags)
{
	w->fd = openat(w->dirfd, w->base,
		       O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | extra_flags,
		       0600);
	if (w->fd < 0) {
		if (errno == ELOOP)
			return fail(w, "is a symbolic link: not recording through it");
		return fail(w, "%s", strerror(errno));
	}
	struct stat st;
	if (fstat(w->fd, &st) != 0)
		return fail(w, "%s", strerror(errno));
	if (check_file(w, &st) != 0)
		return -1;
	int fl = fcntl(w->fd, F_GETFL);
	if (fl >= 0)
		fcntl(w->fd, F_SETFL, fl & ~O_NONBLOCK);
	w->size = (uint64_t)st.st_size;
	return 0;
}

static int split_path(struct recwrite *w, const char *path, char **dir)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return fail(w, "names a directory, not a file");
	*dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	w->base = strdup(base);
	w->base1 = malloc(strlen(base) + 3);
	if (!*dir || !w->base || !w->base1)
		return fail(w, "out of memory");
	sprintf(w->base1, "%s.1", base);
	return 0;
}

/* ---- continuing an existing recording ---- */

static int read_payload(struct recwrite *w, uint64_t at, const struct rec_frame *f, struct buf *out)
{
	buf_reset(&w->frame);
	buf_reset(out);
	if (!buf_reserve(&w->frame, f->stored_len + 1) || !buf_reserve(out, f->raw_len + 1))
		return fail(w, "out of memory");
	if (rec_pread_full(w->fd, w->frame.data, f->stored_len, at + REC_FRAME_HDR_LEN) != 0)
		return fail(w, "read: %s", strerror(errno));
	if (!rec_crc_ok(w->frame.data, f->stored_len, f->payload_crc))
		return 1;
	if (!(f->flags & REC_FL_ZSTD)) {
		if (f->stored_len)
			buf_append(out, w->frame.data, f->stored_len);
		return 0;
	}
	size_t n = ZSTD_decompress(out->data, f->raw_len, w->frame.data, f->stored_len);
	if (ZSTD_isError(n) || n != f->raw_len)
		return 1;
	out->len = n;
	return 0;
}

/* Where the file's last intact frame ends (a torn tail, and frames
 * whose payload fails its checksum at the end, are after it), and the
 * last schema frame before that (*schema_at UINT64_MAX when none). */
static int resume_scan(struct recwrite *w, uint64_t *good_end, uint64_t *schema_at,
		       struct rec_frame *sf)
{
	enum { RING = 8 };
	struct {
		uint64_t at;
		struct rec_frame f;
	} ring[RING];
	size_t seen = 0;
	struct rec_scan s = {w->fd, w->size, REC_PREAMBLE_LEN};
	struct rec_frame f;
	uint64_t at, skip_at, skip_len;
	int rc;
	*good_end = REC_PREAMBLE_LEN;
	*schema_at = UINT64_MAX;
	while ((rc = rec_scan_next(&s, &f, &at, &skip_at, &skip_len)) == 1) {
		ring[seen % RING].at = at;
		ring[seen % RING].f = f;
		seen++;
		*good_end = s.off;
		if (f.type == REC_FR_SCHEMA) {
			*schema_at = at;
			*sf = f;
		} else if (f.type == REC_FR_KEY || f.type == REC_FR_DELTA) {
			w->has_samples = true;
		}
	}
	if (rc < 0)
		return fail(w, "read: %s", strerror(errno));
	/* a crash can leave a whole header before a payload that never
	 * reached the disk: check the last frames' checksums */
	for (size_t k = 0; k < RING && k < seen; k++) {
		size_t i = (seen - 1 - k) % RING;
		rc = read_payload(w, ring[i].at, &ring[i].f, &w->raw);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		*good_end = ring[i].at;
	}
	if (*schema_at != UINT64_MAX && *schema_at >= *good_end)
		*schema_at = UINT64_MAX;
	return 0;
}

/* the schema the file ends under is ours: compare the tables part */
static int same_schema(struct recwrite *w, uint64_t at, const struct rec_frame *f, bool *same)
{
	struct buf payload = {0}, mine = {0};
	*same = false;
	int rc = read_payload(w, at, f, &payload);
	if (rc == 0) {
		struct rec_fschema fs;
		char why[128];
		if (rec_schema_decode((const uint8_t *)payload.data, payload.len, &fs, why, sizeof why) == 0) {
			rec_schema_encode(&mine, &w->schema.s);
			size_t n = payload.len - fs.tables_off;
			*same = n == mine.len && memcmp(payload.data + fs.tables_off, mine.data, n) == 0;
			rec_fschema_free(&fs);
		}
	}
	buf_free(&payload);
	buf_free(&mine);
	return rc < 0 ? -1 : 0;
}

static int resume(struct recwrite *w)
{
	uint8_t pre[REC_PREAMBLE_LEN];
	uint16_t major, minor;
	size_t n = w->size < sizeof pre ? (size_t)w->size : sizeof pre;
	if (rec_pread_full(w->fd, pre, n, 0) != 0)
		return fail(w, "read: %s", strerror(errno));
	uint8_t mine[REC_PREAMBLE_LEN];
	rec_preamble_encode(mine);
	/* a preamble cut short by a crash right after creation */
	if (n < sizeof pre && memcmp(pre, mine, n) == 0) {
		if (ftruncate(w->fd, 0) != 0)
			return fail(w, "truncate: %s", strerror(errno));
		w->size = 0;
		return start_file(w);
	}
	if (n < sizeof pre || rec_preamble_decode(pre, &major, &minor) != 0)
		return fail(w, "exists and is not a pidtop recording: not overwriting it");
	if (major != REC_VERSION_MAJOR)
		return fail(w, "a recording of format %u.%u, not %u.x: not appending to it", major, minor,
			    REC_VERSION_MAJOR);
	uint64_t end, schema_at;
	struct rec_frame sf;
	if (resume_scan(w, &end, &schema_at, &sf) != 0)
		return -1;
	if (end < w->size && ftruncate(w->fd, (off_t)end) != 0)
		return fail(w, "cutting the torn tail: %s", strerror(errno));
	w->size = end;
	bool same = false;
	if (schema_at != UINT64_MAX && same_schema(w, schema_at, &sf, &same) != 0)
		return -1;
	w->need_key = true;
	return same ? 0 : append_schema(w);
}

/* ---- the API ---- */

static int setup(struct recwrite *w, const char *path, const struct rec_schema *s,
		 const struct recwrite_opts *o, char *err, size_t errlen)
{
	w->dirfd = w->fd = -1;
	w->path = strdup(path);
	if (!w->path) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (rec_schema_check(s, err, errlen) != 0)
		return -1;
	w->keyframe_every = o && o->keyframe_every ? o->keyframe_every : REC_KEYFRAME_DEFAULT;
	w->level = o && o->zstd_level ? o->zstd_level : REC_ZSTD_DEFAULT;
	w->max_size = o ? o->max_size : 0;
	w->store_raw = o && o->store_raw;
	w->creator = strdup(o && o->creator ? o->creator : "");
	w->cctx = ZSTD_createCCtx();
	if (!w->creator || !w->cctx || rec_schema_copy(s, &w->schema) != 0 ||
	    !(w->enc = rec_enc_new(&w->schema.s))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int recwrite_open(struct recwrite **out, const char *path, const struct rec_schema *s,
		  const struct recwrite_opts *opts, char *err, size_t errlen)
{
	*out = NULL;
	struct recwrite *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (setup(w, path, s, opts, err, errlen) != 0) {
		recwrite_close(w, false);
		return -1;
	}
	char *dir = NULL;
	int rc = split_path(w, path, &dir);
	if (rc == 0) {
		w->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		rc = w->dirfd < 0 ? fail(w, "directory %s: %s", dir, strerror(errno)) : check_dir(w, dir);
	}
	free(dir);
	if (rc == 0)
		rc = open_file(w, 0);
	if (rc == 0)
		rc = w->size == 0 ? start_file(w) : resume(w);
	if (rc != 0) {
		snprintf(err, errlen, "%s", w->err);
		recwrite_close(w, false);
		return -1;
	}
	*out = w;
	return 0;
}

int recwrite_begin(struct recwrite *w, int64_t wall_ns, int64_t mono_ns)
{
	rec_enc_begin(w->enc);
	w->in_sample = true;
	w->wall_ns = wall_ns;
	w->mono_ns = mono_ns;
	return 0;
}

int recwrite_row(struct recwrite *w, unsigned table, const struct rec_value *vals)
{
	if (!w->in_sample)
		return fail(w, "a row outside a sample");
	if (table >= w->schema.s.ntables)
		return fail(w, "no table %u", table);
	if (rec_enc_row(w->enc, table, vals) != 0) {
		w->in_sample = false;
		return fail(w, "table %s: too many rows or too long a string in one sample",
			    w->schema.s.tables[table].name);
	}
	return 0;
}

/* FILE becomes FILE.1 (an older FILE.1 goes) and FILE starts afresh */
static int rotate(struct recwrite *w)
{
	if (renameat(w->dirfd, w->base, w->dirfd, w->base1) != 0)
		return fail(w, "rotating to %s: %s", w->base1, strerror(errno));
	close(w->fd);
	w->fd = -1;
	w->size = 0;
	w->rotations++;
	/* O_EXCL: nobody else's file can have taken the name meanwhile */
	if (open_file(w, O_EXCL) != 0) {
		if (w->fd >= 0)
			close(w->fd);
		w->fd = -1;
		return -1;
	}
	return start_file(w);
}

int recwrite_end(struct recwrite *w)
{
	if (!w->in_sample)
		return fail(w, "no sample begun");
	w->in_sample = false;
	bool key = w->need_key || w->since_key >= w->keyframe_every;
	if (rec_enc_sample(w->enc, key, &w->raw) != 0)
		return fail(w, "out of memory encoding a sample");
	if (build_frame(w, key ? REC_FR_KEY : REC_FR_DELTA, &w->raw, w->wall_ns, w->mono_ns) != 0)
		return -1;
	if (w->max_size && w->has_samples && w->size + w->frame.len > w->max_size) {
		/* the new file's header took the buffers: encode again, as a key frame */
		if (rotate(w) != 0)
			return -1;
		key = true;
		if (rec_enc_sample(w->enc, true, &w->raw) != 0)
			return fail(w, "out of memory encoding a sample");
		if (build_frame(w, REC_FR_KEY, &w->raw, w->wall_ns, w->mono_ns) != 0)
			return -1;
	}
	if (append(w, &w->frame) != 0)
		return -1;
	w->has_samples = true;
	w->need_key = rec_enc_commit(w->enc) != 0;
	w->since_key = key ? 1 : w->since_key + 1;
	return 0;
}

const char *recwrite_error(const struct recwrite *w)
{
	return w->err;
}

uint64_t recwrite_size(const struct recwrite *w)
{
	return w->size;
}

unsigned recwrite_rotations(const struct recwrite *w)
{
	return w->rotations;
}

int recwrite_close(struct recwrite *w, bool sync)
{
	if (!w)
		return 0;
	int rc = 0;
	if (w->fd >= 0) {
		if (sync && fsync(w->fd) != 0)
			rc = -1;
		if (close(w->fd) != 0)
			rc = -1;
	}
	if (w->dirfd >= 0)
		close(w->dirfd);
	rec_enc_free(w->enc);
	ZSTD_freeCCtx(w->cctx);
	rec_fschema_free(&w->schema);
	buf_free(&w->raw);
	buf_free(&w->frame);
	free(w->path);
	free(w->base);
	free(w->base1);
	free(w->creator);
	free(w);
	return rc;
}
