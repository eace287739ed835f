/* recschema.c - the schema frame's payload: tables and fields as bytes
 * and back, and the rules a schema keeps (recformat.h, doc/pidtop-record.5) */
#include "recformat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
