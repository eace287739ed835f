/* recrows.c - the row store the writer and the reader keep a sample in
 * (recformat.h) */
#include "recformat.h"

#include <stdlib.h>
#include <string.h>

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
