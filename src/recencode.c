/* recencode.c - a sample into a frame payload (reccodec.h): STATE rows
 * sorted by key, then either every row (key frame) or the rows removed,
 * added and changed since the last sample (delta frame). */
#include "reccodec.h"

#include <stdlib.h>
#include <string.h>

struct enc_table {
	struct rec_rows in;   /* this sample's rows as given */
	struct rec_rows next; /* the same sorted by key (STATE tables) */
	struct rec_rows prev; /* the last committed sample, sorted */
	size_t *perm, perm_cap;
	/* the delta's lists: indices into prev (removed) and next (the rest) */
	size_t *removed, *added, *changed, *changed_prev;
	size_t nremoved, nadded, nchanged, list_cap;
	bool sorted; /* next holds in's rows in key order */
	/* per value of prev (and, being built, of next): how much it changed
	 * in the last delta frame, the prediction of its next change */
	uint64_t *vel, *vel_next;
	size_t vel_cap, vel_next_cap;
};

struct rec_enc {
	const struct rec_schema *s;
	struct enc_table *t;
	bool last_key; /* the sample encoded last is a key frame */
};

struct rec_enc *rec_enc_new(const struct rec_schema *s)
{
	struct rec_enc *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->s = s;
	e->t = calloc(s->ntables, sizeof *e->t);
	if (!e->t) {
		free(e);
		return NULL;
	}
	for (unsigned i = 0; i < s->ntables; i++) {
		rec_rows_init(&e->t[i].in, &s->tables[i]);
		rec_rows_init(&e->t[i].next, &s->tables[i]);
		rec_rows_init(&e->t[i].prev, &s->tables[i]);
	}
	return e;
}

void rec_enc_free(struct rec_enc *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->s->ntables; i++) {
		struct enc_table *t = &e->t[i];
		rec_rows_free(&t->in);
		rec_rows_free(&t->next);
		rec_rows_free(&t->prev);
		free(t->perm);
		free(t->removed);
		free(t->added);
		free(t->changed);
		free(t->changed_prev);
		free(t->vel);
		free(t->vel_next);
	}
	free(e->t);
	free(e);
}

void rec_enc_begin(struct rec_enc *e)
{
	for (unsigned i = 0; i < e->s->ntables; i++) {
		rec_rows_clear(&e->t[i].in);
		e->t[i].sorted = false;
	}
}

int rec_enc_row(struct rec_enc *e, unsigned ti, const struct rec_value *vals)
{
	if (ti >= e->s->ntables)
		return -1;
	struct enc_table *t = &e->t[ti];
	const struct rec_table *tb = &e->s->tables[ti];
	struct rec_rows *r = &t->in;
	if (rec_rows_reserve(r, r->n + 1) != 0)
		return -1;
	uint64_t *v = &r->val[r->n * r->nf];
	uint8_t *pr = &r->present[r->n * r->nf];
	for (unsigned f = 0; f < tb->nfields; f++) {
		pr[f] = vals[f].present;
		v[f] = 0;
		if (!vals[f].present)
			continue;
		if (tb->fields[f].type != REC_STR)
			v[f] = vals[f].v.u64;
		else if (rec_rows_put_str(r, vals[f].str, vals[f].str_len, &v[f]) != 0)
			return -1;
	}
	r->n++;
	t->sorted = false;
	return 0;
}

/* ---- key order ---- */

static int cmp_value(const struct rec_rows *a, size_t i, const struct rec_rows *b, size_t j,
		     unsigned f)
{
	uint64_t x = a->val[i * a->nf + f], y = b->val[j * b->nf + f];
	switch (a->tb->fields[f].type) {
	case REC_I64:
		return (int64_t)x < (int64_t)y ? -1 : (int64_t)x > (int64_t)y;
	case REC_STR: {
		uint32_t lx, ly;
		const char *sx = rec_rows_str(a, x, &lx), *sy = rec_rows_str(b, y, &ly);
		int c = memcmp(sx, sy, lx < ly ? lx : ly);
		return c ? c : (lx < ly ? -1 : lx > ly);
	}
	default:
		return x < y ? -1 : x > y;
	}
}

/* absent keys sort first, then by value, field by field */
static int cmp_key(const struct rec_rows *a, size_t i, const struct rec_rows *b, size_t j)
{
	for (unsigned f = 0; f < a->tb->nkeys; f++) {
		int pa = a->present[i * a->nf + f], pb = b->present[j * b->nf + f];
		if (pa != pb)
			return pa - pb;
		int c = pa ? cmp_value(a, i, b, j, f) : 0;
		if (c)
			return c;
	}
	return 0;
}

static int cmp_perm(const void *x, const void *y, void *ctx)
{
	const struct rec_rows *r = ctx;
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = cmp_key(r, i, r, j);
	return c ? c : (i > j) - (i < j); /* stable: equal keys keep their order */
}

/* next = in sorted by key; rows already in order (a /proc walk lists tids
 * ascending) are taken as they are */
static int sort_rows(struct enc_table *t)
{
	struct rec_rows *in = &t->in;
	size_t i = 1;
	while (i < in->n && cmp_key(in, i - 1, in, i) <= 0)
		i++;
	if (i >= in->n) {
		struct rec_rows tmp = t->next;
		t->next = *in;
		*in = tmp;
		t->sorted = true;
		return 0;
	}
	size_t *p = array_grow(t->perm, &t->perm_cap, in->n, sizeof *p, 256);
	if (!p)
		return -1;
	t->perm = p;
	for (i = 0; i < in->n; i++)
		p[i] = i;
	qsort_r(p, in->n, sizeof *p, cmp_perm, in);
	rec_rows_clear(&t->next);
	for (i = 0; i < in->n; i++)
		if (rec_rows_copy_row(&t->next, in, p[i]) != 0)
			return -1;
	t->sorted = true;
	return 0;
}

/* ---- columns ---- */

static size_t uv_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static uint64_t plain_code(enum rec_type type, uint64_t v)
{
	return type == REC_I64 ? rec_zigzag((int64_t)v) : v;
}

static uint64_t delta_code(enum rec_type type, uint64_t v, uint64_t prev)
{
	return type == REC_F64 ? v ^ prev : rec_zigzag((int64_t)(v - prev));
}

/* rows idx[0..n) (all rows 0..n when idx is NULL) of field f */
#define ROW(k) (idx ? idx[k] : (k))

static void put_presence(struct buf *b, const struct rec_rows *r, unsigned f, const size_t *idx,
			 size_t n, size_t *npresent)
{
	size_t np = 0;
	for (size_t k = 0; k < n; k++)
		np += r->present[ROW(k) * r->nf + f];
	*npresent = np;
	if (np == n || np == 0) {
		buf_putc(b, np == n ? REC_PRES_ALL : REC_PRES_NONE);
		return;
	}
	buf_putc(b, REC_PRES_BITMAP);
	for (size_t k = 0; k < n; k += 8) {
		unsigned byte = 0;
		for (size_t j = k; j < n && j < k + 8; j++)
			byte |= (unsigned)r->present[ROW(j) * r->nf + f] << (j - k);
		buf_putc(b, (char)byte);
	}
}

static void put_column(struct buf *b, const struct rec_rows *r, unsigned f, const size_t *idx,
		       size_t n)
{
	size_t np;
	put_presence(b, r, f, idx, n, &np);
	if (np == 0)
		return;
	enum rec_type type = r->tb->fields[f].type;
	if (type == REC_STR) {
		buf_putc(b, REC_COL_PLAIN);
		for (size_t k = 0; k < n; k++) {
			if (!r->present[ROW(k) * r->nf + f])
				continue;
			uint32_t len;
			const char *s = rec_rows_str(r, r->val[ROW(k) * r->nf + f], &len);
			rec_put_uv(b, len);
			buf_append(b, s, len);
		}
		return;
	}
	/* the coding that takes fewer bytes: values, or differences from the row before */
	size_t plain = 0, delta = 0;
	uint64_t prev = 0;
	for (size_t k = 0; k < n; k++) {
		if (!r->present[ROW(k) * r->nf + f])
			continue;
		uint64_t v = r->val[ROW(k) * r->nf + f];
		plain += uv_len(plain_code(type, v));
		delta += uv_len(delta_code(type, v, prev));
		prev = v;
	}
	int coding = delta < plain ? REC_COL_DELTA : REC_COL_PLAIN;
	buf_putc(b, (char)coding);
	prev = 0;
	for (size_t k = 0; k < n; k++) {
		if (!r->present[ROW(k) * r->nf + f])
			continue;
		uint64_t v = r->val[ROW(k) * r->nf + f];
		rec_put_uv(b, coding == REC_COL_DELTA ? delta_code(type, v, prev) : plain_code(type, v));
		prev = v;
	}
}

static void put_block(struct buf *b, const struct rec_rows *r, const size_t *idx, size_t n)
{
	for (unsigned f = 0; f < r->nf; f++)
		put_column(b, r, f, idx, n);
}

#undef ROW

/* ascending indices as gaps: each one's distance past the one before */
static void put_indices(struct buf *b, const size_t *idx, size_t n)
{
	rec_put_uv(b, n);
	size_t next = 0;
	for (size_t k = 0; k < n; k++) {
		rec_put_uv(b, idx[k] - next);
		next = idx[k] + 1;
	}
}

/* ---- the delta of one STATE table ---- */

static bool row_differs(const struct rec_rows *a, size_t i, const struct rec_rows *b, size_t j)
{
	unsigned nf = a->nf;
	if (memcmp(&a->present[i * nf], &b->present[j * nf], nf) != 0)
		return true;
	for (unsigned f = 0; f < nf; f++)
		if (cmp_value(a, i, b, j, f) != 0)
			return true;
	return false;
}

static int grow_lists(struct enc_table *t, size_t n)
{
	if (n <= t->list_cap)
		return 0; /* an empty table too: array_grow makes nothing for nothing */
	size_t cap = t->list_cap, c;
	size_t **lists[] = {&t->removed, &t->added, &t->changed, &t->changed_prev};
	for (size_t k = 0; k < 4; k++) {
		c = cap;
		size_t *p = array_grow(*lists[k], &c, n, sizeof *p, 256);
		if (!p)
			return -1;
		*lists[k] = p;
	}
	t->list_cap = c;
	return 0;
}

/* merges prev and next by key into the removed, added and changed lists */
static int diff_rows(struct enc_table *t)
{
	const struct rec_rows *p = &t->prev, *n = &t->next;
	if (grow_lists(t, p->n + n->n) != 0)
		return -1;
	t->nremoved = t->nadded = t->nchanged = 0;
	size_t i = 0, j = 0;
	while (i < p->n || j < n->n) {
		int c = i == p->n ? 1 : j == n->n ? -1 : cmp_key(p, i, n, j);
		if (c < 0) {
			t->removed[t->nremoved++] = i++;
		} else if (c > 0) {
			t->added[t->nadded++] = j++;
		} else {
			if (row_differs(p, i, n, j)) {
				t->changed[t->nchanged] = j;
				t->changed_prev[t->nchanged++] = i;
			}
			i++, j++;
		}
	}
	return 0;
}

static bool is_integer(enum rec_type type)
{
	return type == REC_U64 || type == REC_I64;
}

/* the change of field f from prev row i to next row j; an integer's less
 * vel, the change predicted */
static void put_change(struct buf *b, const struct rec_rows *p, size_t i, const struct rec_rows *n,
		       size_t j, unsigned f, uint64_t vel)
{
	uint64_t old = p->val[i * p->nf + f], v = n->val[j * n->nf + f];
	enum rec_type type = n->tb->fields[f].type;
	if (type != REC_STR) {
		rec_put_uv(b, type == REC_F64 ? v ^ old : rec_zigzag((int64_t)(v - old - vel)));
		return;
	}
	uint32_t len;
	const char *s = rec_rows_str(n, v, &len);
	rec_put_uv(b, len);
	buf_append(b, s, len);
}

/* The changes of field f in the changed rows: a coding byte when there is
 * any (REC_COL_DELTA: integers as their change less the one before, which
 * a steady rate makes small), then the changes */
static void put_field_changes(struct buf *b, const struct enc_table *t, unsigned f)
{
	const struct rec_rows *p = &t->prev, *n = &t->next;
	unsigned nf = n->nf;
	bool integer = is_integer(n->tb->fields[f].type);
	size_t count = 0, plain = 0, predicted = 0;
	for (size_t k = 0; k < t->nchanged; k++) {
		size_t i = t->changed_prev[k], j = t->changed[k];
		if (cmp_value(p, i, n, j, f) == 0)
			continue;
		count++;
		if (!integer)
			continue;
		uint64_t d = n->val[j * nf + f] - p->val[i * nf + f];
		plain += uv_len(rec_zigzag((int64_t)d));
		predicted += uv_len(rec_zigzag((int64_t)(d - t->vel[i * nf + f])));
	}
	if (count == 0)
		return;
	bool predict = integer && predicted < plain;
	buf_putc(b, predict ? REC_COL_DELTA : REC_COL_PLAIN);
	for (size_t k = 0; k < t->nchanged; k++) {
		size_t i = t->changed_prev[k], j = t->changed[k];
		if (cmp_value(p, i, n, j, f) != 0)
			put_change(b, p, i, n, j, f, predict ? t->vel[i * nf + f] : 0);
	}
}

/* The changed rows: their indices, a bitmap of changed fields per row,
 * then field by field the changes (values of one kind side by side, which
 * zstd's entropy coding likes). */
static void put_changes(struct buf *b, const struct enc_table *t)
{
	const struct rec_rows *p = &t->prev, *n = &t->next;
	unsigned nf = n->nf;
	put_indices(b, t->changed, t->nchanged);
	size_t npres = 0;
	for (size_t k = 0; k < t->nchanged; k++) {
		size_t i = t->changed_prev[k], j = t->changed[k];
		for (unsigned f = 0; f < nf; f += 8) {
			unsigned byte = 0;
			for (unsigned g = f; g < nf && g < f + 8; g++)
				byte |= (unsigned)(cmp_value(p, i, n, j, g) != 0) << (g - f);
			buf_putc(b, (char)byte);
		}
		for (unsigned f = 0; f < nf; f++)
			npres += p->present[i * nf + f] != n->present[j * nf + f];
	}
	for (unsigned f = 0; f < nf; f++)
		put_field_changes(b, t, f);
	/* presence flips: (row gap, field, present) */
	rec_put_uv(b, npres);
	size_t at = 0;
	for (size_t k = 0; k < t->nchanged; k++) {
		size_t i = t->changed_prev[k], j = t->changed[k];
		for (unsigned f = 0; f < nf; f++) {
			if (p->present[i * nf + f] == n->present[j * nf + f])
				continue;
			rec_put_uv(b, j - at);
			at = j;
			rec_put_uv(b, f);
			buf_putc(b, (char)n->present[j * nf + f]);
		}
	}
}

static int put_state_delta(struct buf *b, struct enc_table *t)
{
	if (diff_rows(t) != 0)
		return -1;
	put_indices(b, t->removed, t->nremoved);
	put_indices(b, t->added, t->nadded);
	put_block(b, &t->next, t->added, t->nadded);
	put_changes(b, t);
	return 0;
}

int rec_enc_sample(struct rec_enc *e, bool key, struct buf *raw)
{
	buf_reset(raw);
	const struct rec_schema *s = e->s;
	for (unsigned i = 0; i < s->ntables; i++) {
		struct enc_table *t = &e->t[i];
		if (s->tables[i].kind == REC_STATE && !t->sorted && sort_rows(t) != 0)
			return -1;
	}
	e->last_key = key;
	rec_put_uv(raw, s->ntables);
	for (unsigned i = 0; i < s->ntables; i++)
		rec_put_uv(raw, s->tables[i].kind == REC_STATE ? e->t[i].next.n : e->t[i].in.n);
	for (unsigned i = 0; i < s->ntables; i++) {
		struct enc_table *t = &e->t[i];
		if (s->tables[i].kind == REC_EVENT)
			put_block(raw, &t->in, NULL, t->in.n);
		else if (key)
			put_block(raw, &t->next, NULL, t->next.n);
		else if (put_state_delta(raw, t) != 0)
			return -1;
	}
	return raw->failed ? -1 : 0;
}

/* how much each value of next changed since prev: zero after a key frame,
 * for new rows and for values that stayed; the same as the decoder's */
static int set_velocity(struct enc_table *t, bool key)
{
	const struct rec_rows *p = &t->prev, *n = &t->next;
	unsigned nf = n->nf;
	uint64_t *v = array_grow(t->vel_next, &t->vel_next_cap, n->n * nf + 1, sizeof *v, 1024);
	if (!v)
		return -1;
	t->vel_next = v;
	memset(v, 0, n->n * nf * sizeof *v);
	for (size_t k = 0; !key && k < t->nchanged; k++) {
		size_t i = t->changed_prev[k], j = t->changed[k];
		for (unsigned f = 0; f < nf; f++)
			if (is_integer(n->tb->fields[f].type))
				v[j * nf + f] = n->val[j * nf + f] - p->val[i * nf + f];
	}
	return 0;
}

int rec_enc_commit(struct rec_enc *e)
{
	int rc = 0;
	for (unsigned i = 0; i < e->s->ntables; i++) {
		struct enc_table *t = &e->t[i];
		if (e->s->tables[i].kind != REC_STATE)
			continue;
		if (set_velocity(t, e->last_key) != 0)
			rc = -1;
		struct rec_rows tmp = t->prev;
		t->prev = t->next;
		t->next = tmp;
		rec_rows_clear(&t->next);
		t->sorted = false;
		uint64_t *vt = t->vel;
		size_t ct = t->vel_cap;
		t->vel = t->vel_next, t->vel_cap = t->vel_next_cap;
		t->vel_next = vt, t->vel_next_cap = ct;
	}
	return rc;
}
