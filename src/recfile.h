/* recfile.h - recordings: a self-describing, compressed, append-only file
 * of samples (the format: doc/pidtop-record.5).
 *
 * This layer knows nothing of tasks. The caller describes its data as a
 * schema: tables of rows, each row the same list of typed fields. A STATE
 * table's rows live from sample to sample, identified by their leading key
 * fields, and only what changed is written; an EVENT table's rows belong to
 * one sample (exit records, say). A one-row STATE table with no key field
 * holds sample-level values. Every sample carries a wall-clock and a
 * monotonic time in nanoseconds.
 *
 * Contract shared by the writer and the reader:
 * - A value is an unsigned or signed 64-bit integer, a double (its exact
 *   bits), or a string of any bytes (NULs included) up to REC_STR_MAX.
 *   Any value may be absent ("present" false): the source had no value.
 * - Functions return 0 on success and -1 on failure with a one-line reason
 *   in the caller's err buffer (or recread_error()); nothing here prints
 *   or exits.
 * - Sizes read from a file are never trusted: frames, rows and strings are
 *   capped (REC_MAX_*), all size arithmetic is checked, and a reader's
 *   memory is bounded by the largest sample, never by the file's length.
 *
 * Writing:
 *   static const struct rec_field tf[] = {{"tid", REC_U64}, {"start", REC_U64},
 *                                         {"utime", REC_U64}, {"comm", REC_STR}};
 *   static const struct rec_table tt[] = {{"tasks", REC_STATE, 2, 4, tf}};
 *   static const struct rec_schema sc = {1, tt};
 *   recwrite_open(&w, path, &sc, &(struct recwrite_opts){.creator = "pidtop"}, err, n);
 *   each refresh: recwrite_begin(w, wall_ns, mono_ns);
 *                 for each task: recwrite_row(w, 0, vals);   (vals[4])
 *                 recwrite_end(w);
 *   recwrite_close(w, true);
 * Reading (the same schema, or an older or newer one: fields match by name):
 *   recread_open(&r, path, &sc, warn, ctx, err, n);   recread_info(r)
 *   recread_seek_time(r, t) or recread_seek(r, k) or recread_next(r);
 *   for (i < recread_rows(r, 0)) recread_row(r, 0, i, vals);
 */
#ifndef PIDTOP_RECFILE_H
#define PIDTOP_RECFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* the format version this code writes; it reads every 1.x */
#define REC_VERSION_MAJOR 1
#define REC_VERSION_MINOR 0

/* caps a writer refuses to exceed and a reader treats as damage */
#define REC_MAX_TABLES 64
#define REC_MAX_FIELDS 256        /* per table */
#define REC_MAX_NAME 255          /* bytes of a table or field name */
#define REC_MAX_ROWS (1u << 20)   /* rows of one table in one sample */
#define REC_STR_MAX (1u << 20)    /* bytes of one string value */
#define REC_MAX_FRAME (64u << 20) /* bytes of one frame, stored or decompressed */

enum rec_type { REC_U64 = 1, REC_I64 = 2, REC_F64 = 3, REC_STR = 4 };
enum rec_kind { REC_STATE = 1, REC_EVENT = 2 };

struct rec_field {
	const char *name; /* unique in its table; 1..REC_MAX_NAME bytes */
	enum rec_type type;
};

struct rec_table {
	const char *name; /* unique in the schema */
	enum rec_kind kind;
	unsigned nkeys;   /* the first nkeys fields identify a STATE row (0: one row at most) */
	unsigned nfields; /* 1..REC_MAX_FIELDS */
	const struct rec_field *fields;
};

struct rec_schema {
	unsigned ntables; /* 1..REC_MAX_TABLES */
	const struct rec_table *tables;
};

struct rec_value {
	union {
		uint64_t u64;
		int64_t i64;
		double f64;
	} v;
	const char *str; /* REC_STR: str_len bytes, not NUL-terminated */
	uint32_t str_len;
	bool present;
};

/* Checks a schema against the rules above; 0, or -1 with a reason. */
int rec_schema_check(const struct rec_schema *s, char *err, size_t errlen);

/* ---- writing ---- */

struct recwrite;

struct recwrite_opts {
	uint64_t max_size;       /* bytes; 0 = no limit. Past it FILE becomes FILE.1 */
	unsigned keyframe_every; /* samples between key frames; 0 = REC_KEYFRAME_DEFAULT */
	int zstd_level;          /* 0 = REC_ZSTD_DEFAULT */
	bool store_raw;          /* payloads not compressed (tests, fuzzing seeds) */
	unsigned anchor_every;   /* a key frame is compressed against the one before
				  * but for one in anchor_every, compressed alone;
				  * 0 = REC_ANCHOR_DEFAULT, 1 = every key frame alone */
	const char *creator;     /* free text kept in the header, e.g. "pidtop 0.2 on host" */
};
#define REC_KEYFRAME_DEFAULT 60
#define REC_ZSTD_DEFAULT 3
#define REC_ANCHOR_DEFAULT 8

/* Opens path for appending samples of schema s (copied; s may go after).
 * The file is created with mode 0600. It is refused, with the reason, when
 * path is a symbolic link or not a regular file, when it exists and is
 * owned by another user or writable by group or others, when its directory
 * is writable by everyone without the sticky bit, when it exists and is not
 * a recording (it is never overwritten), and when it is a recording of
 * another major version. An existing recording is continued after its last
 * intact frame (a torn tail is cut off first); when its schema differs,
 * the new schema is appended and the samples after it follow it. With
 * max_size, FILE.1 is replaced by FILE whenever the next frame would take
 * FILE past max_size (a single frame larger than max_size still goes in:
 * then every sample starts a new file). */
int recwrite_open(struct recwrite **out, const char *path, const struct rec_schema *s,
		  const struct recwrite_opts *opts, char *err, size_t errlen);

/* One sample: begin, any number of rows, end. Rows of a STATE table may
 * come in any order; two rows with the same key are kept as two rows.
 * Strings are copied at recwrite_row. Values of absent fields are ignored.
 * When recwrite_row fails (over the caps) the sample is dropped and
 * recwrite_end fails too.
 * recwrite_end encodes the sample and appends it with one write(); on
 * failure the file is left ending with its last whole frame and the next
 * sample is written as a key frame. Once warm (no table bigger than
 * before) a sample allocates nothing, but for the C library's qsort when
 * STATE rows come out of key order. */
int recwrite_begin(struct recwrite *w, int64_t wall_ns, int64_t mono_ns);
int recwrite_row(struct recwrite *w, unsigned table, const struct rec_value *vals);
int recwrite_end(struct recwrite *w);
/* the reason of the last failure of begin, row or end */
const char *recwrite_error(const struct recwrite *w);
/* bytes in the file now, and how many times it was rotated */
uint64_t recwrite_size(const struct recwrite *w);
unsigned recwrite_rotations(const struct recwrite *w);
/* Closes the file (fsync first when sync is true); NULL is accepted. */
int recwrite_close(struct recwrite *w, bool sync);

/* ---- reading ---- */

struct recread;

/* One line, without a newline, for each damaged region (with its byte
 * offset) and each field of the file the caller's schema does not know.
 * A torn tail (a last frame cut short, as a crash leaves it) is normal and
 * not reported. */
typedef void rec_warn_fn(void *ctx, const char *line);

struct recread_info {
	uint16_t major, minor;      /* the file's format version */
	const char *creator;        /* from the first header */
	int64_t created_wall_ns;
	uint64_t samples;           /* samples that can be read (damage excluded) */
	int64_t first_wall_ns, last_wall_ns; /* of the first and last sample; 0 when none */
	int64_t first_mono_ns, last_mono_ns;
	double mean_interval_s;     /* (last - first wall time) / (samples - 1); 0 below 2 */
	uint64_t file_bytes;
	unsigned segments;          /* schemas in the file: 1, more when writers with another schema appended */
	const struct rec_schema *file_schema; /* the file's latest schema */
	size_t rows[REC_MAX_TABLES]; /* rows per caller table in the file's last key frame */
};

/* Opens a recording for reading against the caller's schema `want`
 * (kept by pointer: it must outlive the reader). Tables and fields are
 * matched by name; a file field of another type counts as unknown. Fields
 * of the file that `want` lacks are skipped (warned once); fields of
 * `want` that the file lacks read as absent (recread_has_field). Fails with
 * a reason for an empty file, a file that is not a recording, and one of a
 * newer major version. Opening reads the frame headers (their times and
 * lengths) and the last key frame, never a whole file, and keeps one
 * entry per key frame; the reader is then before the first sample
 * (recread_next goes to sample 0). */
int recread_open(struct recread **out, const char *path, const struct rec_schema *want,
		 rec_warn_fn *warn, void *warn_ctx, char *err, size_t errlen);
/* The same on an open descriptor (kept, closed by recread_close). */
int recread_open_fd(struct recread **out, int fd, const char *name, const struct rec_schema *want,
		    rec_warn_fn *warn, void *warn_ctx, char *err, size_t errlen);
const struct recread_info *recread_info(const struct recread *r);
/* Whether field `field` of caller table `table` is in the file, in the
 * schema of the current sample (before any move: the file's latest). */
bool recread_has_field(const struct recread *r, unsigned table, unsigned field);

/* Positioning. Samples are numbered 0..samples-1 in file order. A damaged
 * frame loses its sample and the rest of its key-frame interval (each
 * delta builds on the sample before); a damaged key frame, also the
 * intervals of the key frames compressed against it (up to anchor_every
 * - 1 of them). seek moves
 * to sample k, or when k cannot be read (damage), to the nearest readable
 * sample before it, else the first after it; seek_time to the last sample
 * whose wall time is at or before wall_ns (the first sample when all are
 * later). next moves one sample on, over damaged ones. Returns: seek 0 or
 * -1 (no readable sample); next 1, or 0 at the end, or -1. Moving back is
 * a seek to pos - 1: it costs at most one key frame and keyframe_every
 * deltas. */
int recread_seek(struct recread *r, uint64_t k);
int recread_seek_time(struct recread *r, int64_t wall_ns);
int recread_next(struct recread *r);
/* The sample numbers of the key frames, ascending, into out (at most
 * max); returns how many there are (all of them, max or not). A seek to
 * one of them decodes no delta: the cheap places to read a long file at. */
size_t recread_key_samples(const struct recread *r, uint64_t *out, size_t max);
/* The current sample: its number, times, and rows per caller table. */
uint64_t recread_pos(const struct recread *r);
int64_t recread_wall_ns(const struct recread *r);
int64_t recread_mono_ns(const struct recread *r);
size_t recread_rows(const struct recread *r, unsigned table);
/* Fills vals[0..nfields) of caller table `table` from row `row` (0 <= row
 * < recread_rows). Strings point into the reader; they stay valid until
 * the next seek, next or close. STATE rows come sorted by key. */
void recread_row(const struct recread *r, unsigned table, size_t row, struct rec_value *vals);
/* the reason of the last failure */
const char *recread_error(const struct recread *r);
void recread_close(struct recread *r);

#endif
