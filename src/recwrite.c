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
	unsigned anchor_every;
	struct buf last_key;     /* the raw payload of the file's last key frame */
	bool last_key_ok;        /* ... which a key frame may be compressed against */
	unsigned keys_since_anchor;
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
	/* a sudo run writing into the invoking user's directory: the files
	 * are given to that user (see sudo_owner) */
	bool for_sudo_user;
	uid_t sudo_uid;
	gid_t sudo_gid;
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

/* The frame of payload raw in w->frame: compressed (against prefix, the
 * last key frame's payload, when not NULL) unless that saves nothing. */
static int build_frame(struct recwrite *w, uint8_t type, const struct buf *raw, int64_t wall_ns,
		       int64_t mono_ns, const struct buf *prefix)
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
	size_t c = raw->len;
	if (!w->store_raw) {
		ZSTD_CCtx_reset(w->cctx, ZSTD_reset_session_only);
		if (prefix)
			ZSTD_CCtx_refPrefix(w->cctx, prefix->data, prefix->len);
		c = ZSTD_compress2(w->cctx, out + REC_FRAME_HDR_LEN, bound, raw->data, raw->len);
	}
	if (!ZSTD_isError(c) && c < raw->len) {
		f.flags = REC_FL_ZSTD | (prefix ? REC_FL_PREFIX : 0);
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
	if (build_frame(w, REC_FR_SCHEMA, &w->raw, now_ns(CLOCK_REALTIME), now_ns(CLOCK_MONOTONIC),
			NULL))
		return -1;
	w->need_key = true;
	w->last_key_ok = false; /* the next key frame is compressed alone */
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

/* Under sudo (effective uid 0, SUDO_UID and SUDO_GID set) in a directory
 * the invoking user owns (their home, say): the recording is theirs, not a
 * root-owned file left in their directory. */
static void sudo_owner(struct recwrite *w, const struct stat *dir)
{
	const char *u = getenv("SUDO_UID"), *g = getenv("SUDO_GID");
	char *end;
	if (geteuid() != 0 || !u || !g || !*u || !*g)
		return;
	errno = 0;
	unsigned long uid = strtoul(u, &end, 10);
	if (errno || *end || uid == 0 || uid >= (uid_t)-1 || dir->st_uid != (uid_t)uid)
		return;
	unsigned long gid = strtoul(g, &end, 10);
	if (errno || *end || gid >= (gid_t)-1)
		return;
	w->for_sudo_user = true;
	w->sudo_uid = (uid_t)uid;
	w->sudo_gid = (gid_t)gid;
}

static int check_dir(struct recwrite *w, const char *dir)
{
	struct stat st;
	if (fstat(w->dirfd, &st) != 0)
		return fail(w, "%s: %s", dir, strerror(errno));
	/* anyone who may write there could swap the file for a link of their
	 * own between two recordings: the case of a shared log directory */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return fail(w, "directory %s is writable by group or others and has no sticky bit: not recording there",
			    dir);
	sudo_owner(w, &st);
	return 0;
}

static int check_file(struct recwrite *w, const struct stat *st)
{
	if (!S_ISREG(st->st_mode))
		return fail(w, "not a regular file");
	/* a second name: someone linked another file of ours here */
	if (st->st_nlink > 1)
		return fail(w, "has %lu names (hard links): not writing to it",
			    (unsigned long)st->st_nlink);
	if (st->st_uid != geteuid() && !(w->for_sudo_user && st->st_uid == w->sudo_uid))
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
	if (w->for_sudo_user && st.st_uid != w->sudo_uid && st.st_size == 0 &&
	    fchown(w->fd, w->sudo_uid, w->sudo_gid) != 0)
		return fail(w, "cannot give it to uid %u: %s", (unsigned)w->sudo_uid,
			    strerror(errno));
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

/* The payload of the frame at `at` (not compressed against another) into
 * out: 0, 1 when it fails its checksum or decompression, -1 on an error. */
static int read_payload(struct recwrite *w, uint64_t at, const struct rec_frame *f, struct buf *out)
{
	buf_reset(&w->frame);
	if (!buf_reserve(&w->frame, f->stored_len + 1))
		return fail(w, "out of memory");
	if (out) {
		buf_reset(out);
		if (!buf_reserve(out, f->raw_len + 1))
			return fail(w, "out of memory");
	}
	if (rec_pread_full(w->fd, w->frame.data, f->stored_len, at + REC_FRAME_HDR_LEN) != 0)
		return fail(w, "read: %s", strerror(errno));
	if (!rec_crc_ok(w->frame.data, f->stored_len, f->payload_crc))
		return 1;
	if (!out)
		return 0;
	if (f->flags & REC_FL_PREFIX)
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
	struct rec_scan s;
	rec_scan_init(&s, w->fd, w->size);
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
		rc = read_payload(w, ring[i].at, &ring[i].f, NULL);
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
	w->anchor_every = o && o->anchor_every ? o->anchor_every : REC_ANCHOR_DEFAULT;
	w->creator = strdup(o && o->creator ? o->creator : "");
	w->cctx = ZSTD_createCCtx();
	/* a checksum of the decompressed bytes: a key frame decompressed
	 * against the wrong one fails rather than reads wrong */
	if (w->cctx && (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, w->level)) ||
			ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1)))) {
		snprintf(err, errlen, "zstd level %d: not accepted", w->level);
		return -1;
	}
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

/* what a key frame is compressed against: the last one, but for one key
 * frame in anchor_every (so that reading one decompresses a few at most) */
static const struct buf *key_prefix(const struct recwrite *w)
{
	return w->last_key_ok && w->keys_since_anchor + 1 < w->anchor_every ? &w->last_key : NULL;
}

/* the key frame just written is the next one's prefix */
static void keep_key(struct recwrite *w)
{
	bool prefixed = w->frame.data[5] & REC_FL_PREFIX;
	w->keys_since_anchor = prefixed ? w->keys_since_anchor + 1 : 0;
	buf_reset(&w->last_key);
	buf_append(&w->last_key, w->raw.data, w->raw.len);
	w->last_key_ok = !w->last_key.failed;
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
	if (build_frame(w, key ? REC_FR_KEY : REC_FR_DELTA, &w->raw, w->wall_ns, w->mono_ns,
			key ? key_prefix(w) : NULL) != 0)
		return -1;
	if (w->max_size && w->has_samples && w->size + w->frame.len > w->max_size) {
		/* the new file's header took the buffers: encode again, as a key frame */
		if (rotate(w) != 0)
			return -1;
		key = true;
		if (rec_enc_sample(w->enc, true, &w->raw) != 0)
			return fail(w, "out of memory encoding a sample");
		if (build_frame(w, REC_FR_KEY, &w->raw, w->wall_ns, w->mono_ns, NULL) != 0)
			return -1;
	}
	if (append(w, &w->frame) != 0)
		return -1;
	if (key)
		keep_key(w);
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
	buf_free(&w->last_key);
	free(w->path);
	free(w->base);
	free(w->base1);
	free(w->creator);
	free(w);
	return rc;
}
