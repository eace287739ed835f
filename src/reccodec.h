/* reccodec.h - a sample's payload: the encoder the writer keeps
 * (recencode.c) and the decoder the reader keeps (recdecode.c). Both
 * hold the last sample, in which STATE rows are sorted by key; a delta
 * frame says how the next sample differs from it (doc/pidtop-record.5,
 * "Sample payload"). */
#ifndef PIDTOP_RECCODEC_H
#define PIDTOP_RECCODEC_H

#include "recformat.h"

/* column codings in a block */
enum { REC_COL_PLAIN = 0, REC_COL_DELTA = 1 };
/* column presence in a block */
enum { REC_PRES_ALL = 0, REC_PRES_NONE = 1, REC_PRES_BITMAP = 2 };

struct rec_enc;
/* s is the writer's schema (kept by pointer) */
struct rec_enc *rec_enc_new(const struct rec_schema *s);
void rec_enc_free(struct rec_enc *e);
/* starts a sample: no rows yet */
void rec_enc_begin(struct rec_enc *e);
/* appends a row of table t (values copied; absent values stored as 0) */
int rec_enc_row(struct rec_enc *e, unsigned t, const struct rec_value *vals);
/* Encodes the sample into raw (replacing its contents): a key frame's
 * payload when key, else a delta against the last committed sample
 * (which there must be). Can be called again (e.g. as a key frame). */
int rec_enc_sample(struct rec_enc *e, bool key, struct buf *raw);
/* The sample encoded last becomes the base of the next delta. -1 when
 * out of memory: the next sample must then be a key frame. */
int rec_enc_commit(struct rec_enc *e);

struct rec_dec;
/* decodes samples of file schema fs into the caller's schema want
 * (both kept by pointer); warn gets one line per field of fs that want
 * lacks */
struct rec_dec *rec_dec_new(const struct rec_schema *fs, const struct rec_schema *want,
			    rec_warn_fn *warn, void *warn_ctx);
void rec_dec_free(struct rec_dec *d);
/* whether field f of caller table t is in the file's schema */
bool rec_dec_has_field(const struct rec_dec *d, unsigned t, unsigned f);
/* Applies one payload: a key frame's replaces the sample, a delta's
 * changes it. 0, or -1 with a reason; after a failure the sample is
 * undefined until the next key frame. */
int rec_dec_sample(struct rec_dec *d, bool key, const uint8_t *p, size_t n, char *err,
		   size_t errlen);
/* The rows of caller table t in the sample decoded last. */
const struct rec_rows *rec_dec_rows(const struct rec_dec *d, unsigned t);
/* The row counts a key frame's payload starts with, per caller table
 * (tables the file lacks: 0); 0, or -1 when damaged. */
int rec_dec_counts(const struct rec_dec *d, const uint8_t *p, size_t n, size_t *rows);

#endif
