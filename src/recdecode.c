/* recdecode.c - frame payloads into the caller's tables (reccodec.h).
 *
 * The sample is kept in the caller's layout: fields the caller does not
 * know are parsed and dropped, fields the file lacks stay absent. Every
 * count and index read is checked against the caps and the rows it refers
 * to before use. */
#include "reccodec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dec_table {
	int want;   /* the caller's table, -1 when the caller has none of this name */
	int *fmap;  /* file field -> caller field, or -1 */
	size_t *idx; /* scratch: the rows a delta lists */
	size_t idx_cap;
	uint8_t *gone; /* scratch: 1 per previous row the delta removes */
	size_t gone_cap;
	size_t nrows; /* rows after the sample (parse-only tables too) */
	size_t str_kept; /* string bytes after the last full copy (build_next) */
	size_t *from;    /* scratch: a new row's row in the last sample */
	size_t from_cap;
};

/* per value of a table's rows: how much it changed in the last delta
 * frame (recencode.c's velocity, the prediction of its next change) */
struct dec_vel {
	uint64_t *v;
	size_t cap;
};

struct rec_dec {
	const struct rec_schema *fs, *want;
	struct dec_table *t;     /* per file table */
	struct rec_rows *cur;    /* per caller table */
	struct rec_rows *next;   /* per caller table: built by a delta */
	struct dec_vel *vcur, *vnext; /* per caller table, beside cur and next */
	int *file_table;         /* caller table -> file table, or -1 */
};

/* what a delta's changes need of the velocities: the last sample's, the
 * new ones, and for each new row the last sample's row (SIZE_MAX: added) */
struct vel_ctx {
	const uint64_t *old;
	uint64_t *now;
	const size_t *from;
};

static int map_field(const struct rec_table *wt, const struct rec_field *ff)
{
	for (unsigned g = 0; g < wt->nfields; g++)
		if (strcmp(wt->fields[g].name, ff->name) == 0)
			return wt->fields[g].type == ff->type ? (int)g : -1;
	return -1;
}

static int map_table(struct rec_dec *d, unsigned ft, rec_warn_fn *warn, void *ctx)
{
	const struct rec_table *tb = &d->fs->tables[ft];
	struct dec_table *t = &d->t[ft];
	t->want = -1;
	for (unsigned w = 0; w < d->want->ntables; w++)
		if (strcmp(d->want->tables[w].name, tb->name) == 0 && d->want->tables[w].kind == tb->kind)
			t->want = (int)w;
	t->fmap = calloc(tb->nfields, sizeof *t->fmap);
	if (!t->fmap)
		return -1;
	const struct rec_table *wt = t->want >= 0 ? &d->want->tables[t->want] : NULL;
	if (wt)
		d->file_table[t->want] = (int)ft;
	for (unsigned f = 0; f < tb->nfields; f++) {
		t->fmap[f] = wt ? map_field(wt, &tb->fields[f]) : -1;
		if (t->fmap[f] < 0 && wt && warn) {
			char line[600];
			snprintf(line, sizeof line, "field %s.%s of the recording is unknown here: skipped",
				 tb->name, tb->fields[f].name);
			warn(ctx, line);
		}
	}
	if (!wt && warn) {
		char line[400];
		snprintf(line, sizeof line, "table %s of the recording is unknown here: skipped", tb->name);
		warn(ctx, line);
	}
	return 0;
}

struct rec_dec *rec_dec_new(const struct rec_schema *fs, const struct rec_schema *want,
			    rec_warn_fn *warn, void *warn_ctx)
{
	struct rec_dec *d = calloc(1, sizeof *d);
	if (!d)
		return NULL;
	d->fs = fs;
	d->want = want;
	d->t = calloc(fs->ntables, sizeof *d->t);
	d->cur = calloc(want->ntables, sizeof *d->cur);
	d->next = calloc(want->ntables, sizeof *d->next);
	d->vcur = calloc(want->ntables, sizeof *d->vcur);
	d->vnext = calloc(want->ntables, sizeof *d->vnext);
	d->file_table = malloc(want->ntables * sizeof *d->file_table);
	if (!d->t || !d->cur || !d->next || !d->vcur || !d->vnext || !d->file_table) {
		rec_dec_free(d);
		return NULL;
	}
	for (unsigned w = 0; w < want->ntables; w++) {
		d->file_table[w] = -1;
		rec_rows_init(&d->cur[w], &want->tables[w]);
		rec_rows_init(&d->next[w], &want->tables[w]);
	}
	for (unsigned ft = 0; ft < fs->ntables; ft++) {
		if (map_table(d, ft, warn, warn_ctx) != 0) {
			rec_dec_free(d);
			return NULL;
		}
	}
	return d;
}

void rec_dec_free(struct rec_dec *d)
{
	if (!d)
		return;
	for (unsigned ft = 0; d->t && ft < d->fs->ntables; ft++) {
		free(d->t[ft].fmap);
		free(d->t[ft].idx);
		free(d->t[ft].gone);
		free(d->t[ft].from);
	}
	for (unsigned w = 0; w < d->want->ntables; w++) {
		if (d->cur)
			rec_rows_free(&d->cur[w]);
		if (d->next)
			rec_rows_free(&d->next[w]);
		if (d->vcur)
			free(d->vcur[w].v);
		if (d->vnext)
			free(d->vnext[w].v);
	}
	free(d->vcur);
	free(d->vnext);
	free(d->t);
	free(d->cur);
	free(d->next);
	free(d->file_table);
	free(d);
}

bool rec_dec_has_field(const struct rec_dec *d, unsigned t, unsigned f)
{
	if (t >= d->want->ntables || d->file_table[t] < 0)
		return false;
	const struct dec_table *dt = &d->t[d->file_table[t]];
	const struct rec_table *tb = &d->fs->tables[d->file_table[t]];
	for (unsigned g = 0; g < tb->nfields; g++)
		if (dt->fmap[g] == (int)f)
			return true;
	return false;
}

const struct rec_rows *rec_dec_rows(const struct rec_dec *d, unsigned t)
{
	return &d->cur[t];
}

/* ---- blocks ---- */

/* appends n rows of zeros, all fields absent */
static int add_blank_rows(struct rec_rows *r, size_t n)
{
	if (n == 0)
		return 0;
	if (n > REC_MAX_ROWS || rec_rows_reserve(r, r->n + n) != 0)
		return -1;
	memset(&r->val[r->n * r->nf], 0, n * r->nf * sizeof *r->val);
	memset(&r->present[r->n * r->nf], 0, n * r->nf);
	r->n += n;
	return 0;
}

static uint64_t undo_code(enum rec_type type, int coding, uint64_t code, uint64_t prev)
{
	if (coding == REC_COL_DELTA)
		return type == REC_F64 ? code ^ prev : prev + (uint64_t)rec_unzigzag(code);
	return type == REC_I64 ? (uint64_t)rec_unzigzag(code) : code;
}

/* one value of a string column or change, into dst (when not NULL) */
static uint64_t get_str(struct rec_cur *c, struct rec_rows *dst)
{
	size_t len = rec_get_count(c, REC_STR_MAX);
	const uint8_t *p = rec_get_bytes(c, len);
	uint64_t ref = 0;
	if (p && dst && rec_rows_put_str(dst, p, len, &ref) != 0)
		c->bad = true;
	return ref;
}

/* The column of file field ff for rows idx[0..n) of dst (rows 0..n when
 * idx is NULL); dst NULL or cf < 0: parsed only. */
static void get_column(struct rec_cur *c, enum rec_type type, struct rec_rows *dst, int cf,
		       const size_t *idx, size_t n)
{
	int pres = rec_get_u8(c);
	const uint8_t *bitmap = NULL;
	if (pres == REC_PRES_BITMAP)
		bitmap = rec_get_bytes(c, (n + 7) / 8);
	else if (pres != REC_PRES_ALL && pres != REC_PRES_NONE)
		c->bad = true;
	if (c->bad || pres == REC_PRES_NONE || n == 0)
		return;
	int coding = rec_get_u8(c);
	if (coding != REC_COL_PLAIN && (coding != REC_COL_DELTA || type == REC_STR))
		c->bad = true;
	struct rec_rows *out = cf >= 0 ? dst : NULL;
	uint64_t prev = 0;
	for (size_t k = 0; k < n && !c->bad; k++) {
		if (bitmap && !(bitmap[k / 8] >> (k % 8) & 1))
			continue;
		uint64_t v = type == REC_STR ? get_str(c, out)
					     : undo_code(type, coding, rec_get_uv(c), prev);
		prev = v;
		if (out) {
			size_t row = idx ? idx[k] : k;
			out->val[row * out->nf + (unsigned)cf] = v;
			out->present[row * out->nf + (unsigned)cf] = 1;
		}
	}
}

static void get_block(struct rec_cur *c, const struct rec_table *tb, const struct dec_table *t,
		      struct rec_rows *dst, const size_t *idx, size_t n)
{
	for (unsigned f = 0; f < tb->nfields && !c->bad; f++)
		get_column(c, tb->fields[f].type, dst, dst ? t->fmap[f] : -1, idx, n);
}

/* ---- deltas ---- */

/* n ascending indices, from gaps, into t->idx: each below limit, or for
 * the added rows (plus_n) below limit + n, the size of the new sample */
static size_t get_indices(struct rec_cur *c, struct dec_table *t, size_t limit, bool plus_n)
{
	size_t n = rec_get_count(c, REC_MAX_ROWS);
	if (plus_n)
		limit += n;
	if (c->bad || n > limit || limit > REC_MAX_ROWS)
		goto bad;
	size_t *p = array_grow(t->idx, &t->idx_cap, n + 1, sizeof *p, 256);
	if (!p)
		goto bad;
	t->idx = p;
	size_t next = 0;
	for (size_t k = 0; k < n; k++) {
		uint64_t gap = rec_get_uv(c);
		if (c->bad || gap >= limit - next)
			goto bad;
		p[k] = next + gap;
		next = p[k] + 1;
	}
	return n;
bad:
	c->bad = true;
	return 0;
}

/* next = prev without the removed rows, with blank rows where added ones
 * go, one by one (which leaves unused strings behind) */
static int build_next_compact(struct rec_rows *next, const struct rec_rows *prev,
			      const uint8_t *gone, const size_t *added, size_t nadded, size_t nrows)
{
	rec_rows_clear(next);
	size_t i = 0, a = 0;
	for (size_t j = 0; j < nrows; j++) {
		if (a < nadded && added[a] == j) {
			if (add_blank_rows(next, 1) != 0)
				return -1;
			a++;
			continue;
		}
		while (i < prev->n && gone[i])
			i++;
		if (i >= prev->n || rec_rows_copy_row(next, prev, i++) != 0)
			return -1;
	}
	return 0;
}

/* The same by runs of rows, the strings taken over whole so that rows
 * keep their references; while unused strings (of rows gone, of values
 * changed) are few, which *str_kept tracks: the string bytes after the
 * last compaction. */
static int build_next(struct rec_rows *next, const struct rec_rows *prev, const uint8_t *gone,
		      const size_t *added, size_t nadded, size_t nrows, size_t *str_kept)
{
	if (prev->str.len > 2 * *str_kept + 4096) {
		int rc = build_next_compact(next, prev, gone, added, nadded, nrows);
		*str_kept = next->str.len;
		return rc;
	}
	rec_rows_clear(next);
	if (rec_rows_reserve(next, nrows) != 0)
		return -1;
	if (prev->str.len)
		buf_append(&next->str, prev->str.data, prev->str.len);
	if (next->str.failed)
		return -1;
	unsigned nf = next->nf;
	size_t i = 0, a = 0, j = 0;
	while (j < nrows) {
		if (a < nadded && added[a] == j) {
			memset(&next->val[j * nf], 0, nf * sizeof *next->val);
			memset(&next->present[j * nf], 0, nf);
			a++, j++;
			continue;
		}
		while (i < prev->n && gone[i])
			i++;
		size_t limit = (a < nadded ? added[a] : nrows) - j, run = 1;
		if (i >= prev->n)
			return -1;
		while (run < limit && i + run < prev->n && !gone[i + run])
			run++;
		memcpy(&next->val[j * nf], &prev->val[i * nf], run * nf * sizeof *next->val);
		memcpy(&next->present[j * nf], &prev->present[i * nf], run * nf);
		i += run, j += run;
	}
	next->n = nrows;
	return 0;
}

/* the change of one value of new row j (caller field cf, or -1: parsed only) */
static void get_change(struct rec_cur *c, enum rec_type type, bool predict, struct rec_rows *r,
		       size_t j, int cf, const struct vel_ctx *vc)
{
	if (type == REC_STR) {
		uint64_t ref = get_str(c, cf >= 0 ? r : NULL);
		if (cf >= 0)
			r->val[j * r->nf + (unsigned)cf] = ref;
		return;
	}
	uint64_t code = rec_get_uv(c);
	if (cf < 0)
		return;
	size_t at = j * r->nf + (unsigned)cf;
	if (type == REC_F64) {
		r->val[at] ^= code;
		return;
	}
	uint64_t d = (uint64_t)rec_unzigzag(code);
	if (predict && vc->from[j] != SIZE_MAX)
		d += vc->old[vc->from[j] * r->nf + (unsigned)cf];
	r->val[at] += d;
	vc->now[at] = d;
}

static void get_changes(struct rec_cur *c, const struct rec_table *tb, struct dec_table *t,
			struct rec_rows *r, size_t nrows, const struct vel_ctx *vc)
{
	size_t n = get_indices(c, t, nrows, false);
	size_t bm_len = (tb->nfields + 7) / 8;
	const uint8_t *bm = rec_get_bytes(c, n * bm_len);
	for (unsigned f = 0; f < tb->nfields && !c->bad; f++) {
		enum rec_type type = tb->fields[f].type;
		size_t count = 0;
		for (size_t k = 0; k < n; k++)
			count += bm[k * bm_len + f / 8] >> (f % 8) & 1;
		if (count == 0)
			continue;
		int coding = rec_get_u8(c);
		if (coding != REC_COL_PLAIN && (coding != REC_COL_DELTA || type == REC_F64 || type == REC_STR))
			c->bad = true;
		for (size_t k = 0; k < n && !c->bad; k++)
			if (bm[k * bm_len + f / 8] >> (f % 8) & 1)
				get_change(c, type, coding == REC_COL_DELTA, r, t->idx[k],
					   r ? t->fmap[f] : -1, vc);
	}
	size_t np = rec_get_count(c, REC_MAX_VALUES), at = 0;
	for (size_t k = 0; k < np && !c->bad; k++) {
		uint64_t gap = rec_get_uv(c);
		unsigned f = (unsigned)rec_get_count(c, tb->nfields - 1);
		uint8_t on = rec_get_u8(c);
		if (gap >= nrows - at || on > 1) {
			c->bad = true;
			return;
		}
		at += gap;
		if (r && t->fmap[f] >= 0)
			r->present[at * r->nf + (unsigned)t->fmap[f]] = on;
	}
}

/* new velocities of caller table w, all zero (what did not change), and
 * for each new row its row in the last sample */
static int zero_velocity(struct rec_dec *d, unsigned w)
{
	const struct rec_rows *next = &d->next[w];
	struct dec_vel *vn = &d->vnext[w];
	uint64_t *v = array_grow(vn->v, &vn->cap, next->n * next->nf + 1, sizeof *v, 1024);
	if (!v)
		return -1;
	vn->v = v;
	memset(v, 0, next->n * next->nf * sizeof *v);
	return 0;
}

static int start_velocity(struct rec_dec *d, struct dec_table *t, unsigned w, size_t nadded,
			  struct vel_ctx *vc)
{
	const struct rec_rows *next = &d->next[w];
	size_t *from = array_grow(t->from, &t->from_cap, next->n + 1, sizeof *from, 256);
	if (!from || zero_velocity(d, w) != 0)
		return -1;
	t->from = from;
	size_t i = 0, a = 0;
	for (size_t j = 0; j < next->n; j++) {
		if (a < nadded && t->idx[a] == j) {
			from[j] = SIZE_MAX;
			a++;
			continue;
		}
		while (t->gone[i])
			i++;
		from[j] = i++;
	}
	vc->old = d->vcur[w].v;
	vc->now = d->vnext[w].v;
	vc->from = from;
	return 0;
}

static void get_state_delta(struct rec_dec *d, struct rec_cur *c, unsigned ft)
{
	const struct rec_table *tb = &d->fs->tables[ft];
	struct dec_table *t = &d->t[ft];
	struct rec_rows *prev = t->want >= 0 ? &d->cur[t->want] : NULL;
	struct rec_rows *next = t->want >= 0 ? &d->next[t->want] : NULL;
	size_t before = t->nrows;
	if (before > REC_MAX_ROWS || (prev && prev->n != before))
		goto bad;
	size_t nremoved = get_indices(c, t, before, false);
	uint8_t *gone = array_grow(t->gone, &t->gone_cap, before + 1, 1, 256);
	if (gone)
		t->gone = gone;
	if (c->bad || !gone)
		goto bad;
	memset(gone, 0, before);
	for (size_t k = 0; k < nremoved; k++)
		gone[t->idx[k]] = 1;
	size_t nadded = get_indices(c, t, before - nremoved, true);
	size_t nrows = before - nremoved + nadded;
	if (c->bad)
		goto bad;
	struct vel_ctx vc;
	if (next && (build_next(next, prev, t->gone, t->idx, nadded, nrows, &t->str_kept) != 0 ||
		     start_velocity(d, t, (unsigned)t->want, nadded, &vc) != 0))
		goto bad;
	get_block(c, tb, t, next, t->idx, nadded);
	get_changes(c, tb, t, next, nrows, next ? &vc : NULL);
	t->nrows = nrows;
	return;
bad:
	c->bad = true;
}

static void swap_rows(struct rec_rows *a, struct rec_rows *b)
{
	struct rec_rows tmp = *a;
	*a = *b;
	*b = tmp;
}

/* every row of table ft anew: a key frame's STATE table, any EVENT table */
static void get_full(struct rec_dec *d, struct rec_cur *c, unsigned ft, size_t nrows)
{
	struct dec_table *t = &d->t[ft];
	struct rec_rows *next = t->want >= 0 ? &d->next[t->want] : NULL;
	if (next) {
		rec_rows_clear(next);
		if (add_blank_rows(next, nrows) != 0) {
			c->bad = true;
			return;
		}
	}
	get_block(c, &d->fs->tables[ft], t, next, NULL, nrows);
	if (next && zero_velocity(d, (unsigned)t->want) != 0)
		c->bad = true;
	t->nrows = nrows;
	t->str_kept = next ? next->str.len : 0;
}

/* the row counts that start every payload */
static int get_counts(const struct rec_schema *fs, struct rec_cur *c, size_t *counts)
{
	if (rec_get_uv(c) != fs->ntables)
		return -1;
	for (unsigned ft = 0; ft < fs->ntables; ft++)
		counts[ft] = rec_get_count(c, REC_MAX_ROWS);
	return c->bad ? -1 : 0;
}

int rec_dec_sample(struct rec_dec *d, bool key, const uint8_t *p, size_t n, char *err,
		   size_t errlen)
{
	struct rec_cur c = {p, p + n, false};
	size_t counts[REC_MAX_TABLES];
	if (get_counts(d->fs, &c, counts) != 0)
		goto bad;
	for (unsigned ft = 0; ft < d->fs->ntables && !c.bad; ft++) {
		if (key || d->fs->tables[ft].kind == REC_EVENT)
			get_full(d, &c, ft, counts[ft]);
		else
			get_state_delta(d, &c, ft);
		if (d->t[ft].nrows != counts[ft])
			c.bad = true;
	}
	if (c.bad || c.p != c.end)
		goto bad;
	for (unsigned ft = 0; ft < d->fs->ntables; ft++) {
		int w = d->t[ft].want;
		if (w < 0)
			continue;
		swap_rows(&d->cur[w], &d->next[w]);
		struct dec_vel tmp = d->vcur[w];
		d->vcur[w] = d->vnext[w];
		d->vnext[w] = tmp;
	}
	return 0;
bad:
	snprintf(err, errlen, "sample payload damaged");
	/* a delta must not apply to what is left */
	for (unsigned ft = 0; ft < d->fs->ntables; ft++)
		d->t[ft].nrows = SIZE_MAX;
	return -1;
}

int rec_dec_counts(const struct rec_dec *d, const uint8_t *p, size_t n, size_t *rows)
{
	struct rec_cur c = {p, p + n, false};
	size_t counts[REC_MAX_TABLES];
	if (get_counts(d->fs, &c, counts) != 0)
		return -1;
	for (unsigned w = 0; w < d->want->ntables; w++)
		rows[w] = d->file_table[w] >= 0 ? counts[d->file_table[w]] : 0;
	return 0;
}
