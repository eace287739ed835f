/* test_recfile.c - recordings (src/recfile.h): round trips of random
 * schemas and rows through key and delta frames, seeking, damage, files
 * that are not recordings, schema changes, rotation, continuing after a
 * torn tail, and the writer's refusals.
 *
 *   test_recfile                   the tests
 *   test_recfile --seed-corpus DIR writes small recordings for fuzz_recread */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/recfile.h"
#include "../src/recformat.h"

#define MAXF 8
#define MAXT 3
#define MAXROWS 64

/* ---- a random schema ---- */

struct tschema {
	struct rec_field fields[MAXT][MAXF];
	struct rec_table tables[MAXT];
	struct rec_schema s;
	char names[MAXT][MAXF][16];
};

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* table 0: STATE with 1-2 keys; table 1: one-row STATE (no key); table 2: EVENT */
static void make_schema(struct tschema *ts)
{
	static const char *tnames[MAXT] = {"tasks", "system", "exits"};
	memset(ts, 0, sizeof *ts);
	for (unsigned t = 0; t < MAXT; t++) {
		struct rec_table *tb = &ts->tables[t];
		tb->name = tnames[t];
		tb->kind = t == 2 ? REC_EVENT : REC_STATE;
		tb->nfields = 3 + (unsigned)(rnd() % (MAXF - 2));
		tb->nkeys = t == 0 ? 1 + (unsigned)(rnd() % 2) : 0;
		tb->fields = ts->fields[t];
		for (unsigned f = 0; f < tb->nfields; f++) {
			snprintf(ts->names[t][f], sizeof ts->names[t][f], "f%u", f % MAXF);
			ts->fields[t][f].name = ts->names[t][f];
			ts->fields[t][f].type = (enum rec_type)(1 + rnd() % 4);
		}
		/* keys: unsigned, signed or strings */
		for (unsigned f = 0; f < tb->nkeys; f++)
			if (ts->fields[t][f].type == REC_F64)
				ts->fields[t][f].type = REC_U64;
	}
	ts->s.ntables = MAXT;
	ts->s.tables = ts->tables;
}

/* ---- rows and expected samples ---- */

struct trow {
	struct rec_value v[MAXF];
	char str[MAXF][24];
};

struct tsample {
	int64_t wall_ns, mono_ns;
	size_t n[MAXT];
	struct trow rows[MAXT][MAXROWS];
};

static void random_value(struct trow *r, unsigned f, enum rec_type type, bool key)
{
	struct rec_value *v = &r->v[f];
	memset(v, 0, sizeof *v);
	v->present = key || rnd() % 8 != 0;
	switch (type) {
	case REC_U64:
		v->v.u64 = rnd() % 3 == 0 ? rnd() : rnd() % 1000;
		break;
	case REC_I64:
		v->v.i64 = rnd() % 3 == 0 ? (int64_t)rnd() : (int64_t)(rnd() % 2000) - 1000;
		break;
	case REC_F64:
		v->v.u64 = rnd(); /* any bits, NaNs included: kept exactly */
		break;
	case REC_STR:
		v->str_len = (uint32_t)(rnd() % sizeof r->str[f]);
		for (uint32_t i = 0; i < v->str_len; i++)
			r->str[f][i] = (char)(rnd() % 4 == 0 ? 0 : rnd()); /* NULs and any byte */
		break;
	}
	if (!v->present)
		v->str_len = 0;
}

static void fix_strings(struct trow *r)
{
	for (unsigned f = 0; f < MAXF; f++)
		r->v[f].str = r->str[f];
}

static void random_row(const struct rec_table *tb, struct trow *r)
{
	for (unsigned f = 0; f < tb->nfields; f++)
		random_value(r, f, tb->fields[f].type, f < tb->nkeys);
	fix_strings(r);
}

static int cmp_val(const struct rec_value *a, const struct rec_value *b, enum rec_type type)
{
	if (type == REC_I64)
		return a->v.i64 < b->v.i64 ? -1 : a->v.i64 > b->v.i64;
	if (type == REC_STR) {
		uint32_t n = a->str_len < b->str_len ? a->str_len : b->str_len;
		int c = memcmp(a->str, b->str, n);
		return c ? c : (a->str_len > b->str_len) - (a->str_len < b->str_len);
	}
	return a->v.u64 < b->v.u64 ? -1 : a->v.u64 > b->v.u64;
}

static const struct rec_table *sort_table;
static int cmp_rows(const void *x, const void *y)
{
	const struct trow *a = x, *b = y;
	for (unsigned f = 0; f < sort_table->nkeys; f++) {
		int c = cmp_val(&a->v[f], &b->v[f], sort_table->fields[f].type);
		if (c)
			return c;
	}
	return 0;
}

static bool key_taken(const struct rec_table *tb, const struct trow *rows, size_t n,
		      const struct trow *r)
{
	sort_table = tb;
	for (size_t i = 0; i < n; i++)
		if (cmp_rows(&rows[i], r) == 0)
			return true;
	return false;
}

/* sample i from sample i-1: rows leave, come, and change */
static void next_sample(const struct tschema *ts, const struct tsample *prev, struct tsample *s,
			size_t i)
{
	s->wall_ns = 1700000000000000000 + (int64_t)i * 10000000000;
	s->mono_ns = 5000000000 + (int64_t)i * 10000000000 + (int64_t)(rnd() % 1000);
	for (unsigned t = 0; t < MAXT; t++) {
		const struct rec_table *tb = &ts->tables[t];
		size_t n = 0;
		if (t == 1) { /* one row, changing */
			s->rows[t][0] = prev ? prev->rows[t][0] : (struct trow){0};
			if (!prev || rnd() % 2)
				random_row(tb, &s->rows[t][0]);
			fix_strings(&s->rows[t][0]);
			s->n[t] = 1;
			continue;
		}
		if (t == 0 && prev) {
			for (size_t k = 0; k < prev->n[t]; k++) {
				if (rnd() % 10 == 0)
					continue; /* gone */
				struct trow *r = &s->rows[t][n++];
				*r = prev->rows[t][k];
				fix_strings(r);
				for (unsigned f = tb->nkeys; f < tb->nfields; f++) {
					enum rec_type type = tb->fields[f].type;
					if (rnd() % 6 == 0)
						random_value(r, f, type, false);
					else if (f % 2 && r->v[f].present &&
						 (type == REC_U64 || type == REC_I64))
						/* a counter at a steady rate: predicted changes */
						r->v[f].v.u64 += 1000 + rnd() % 3;
				}
			}
		}
		size_t add = rnd() % (t == 0 ? 12 : 5);
		while (add-- && n < MAXROWS) {
			struct trow *r = &s->rows[t][n];
			random_row(tb, r);
			if (!key_taken(tb, s->rows[t], n, r) || tb->nkeys == 0)
				n++;
		}
		s->n[t] = n;
		if (tb->kind == REC_STATE) {
			sort_table = tb;
			qsort(s->rows[t], n, sizeof s->rows[t][0], cmp_rows);
			for (size_t k = 0; k < n; k++)
				fix_strings(&s->rows[t][k]);
		}
	}
}

static struct tsample *make_samples(const struct tschema *ts, size_t n)
{
	struct tsample *s = calloc(n, sizeof *s);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		next_sample(ts, i ? &s[i - 1] : NULL, &s[i], i);
	return s;
}

/* ---- writing and reading ---- */

static char tmpdir[64];

static const char *tpath(const char *name)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", tmpdir, name);
	return p[k];
}

static void write_sample(struct recwrite *w, const struct tschema *ts, const struct tsample *s)
{
	assert_int_equal(recwrite_begin(w, s->wall_ns, s->mono_ns), 0);
	for (unsigned t = 0; t < MAXT; t++) {
		/* STATE rows in a shuffled order: the writer sorts them */
		size_t n = s->n[t], order[MAXROWS];
		for (size_t k = 0; k < n; k++)
			order[k] = k;
		for (size_t k = n; ts->tables[t].kind == REC_STATE && k > 1; k--) {
			size_t j = rnd() % k, tmp = order[k - 1];
			order[k - 1] = order[j];
			order[j] = tmp;
		}
		for (size_t k = 0; k < n; k++)
			assert_int_equal(recwrite_row(w, t, s->rows[t][order[k]].v), 0);
	}
	int rc = recwrite_end(w);
	if (rc != 0)
		fail_msg("%s", recwrite_error(w));
}

static void write_file(const char *path, const struct tschema *ts, const struct tsample *s,
		       size_t from, size_t to, const struct recwrite_opts *o)
{
	struct recwrite *w;
	char err[512];
	if (recwrite_open(&w, path, &ts->s, o, err, sizeof err) != 0)
		fail_msg("%s", err);
	for (size_t i = from; i < to; i++)
		write_sample(w, ts, &s[i]);
	assert_int_equal(recwrite_close(w, false), 0);
}

struct warnings {
	int n;
	char last[1024];
};

static void collect(void *ctx, const char *line)
{
	struct warnings *w = ctx;
	if (getenv("TEST_VERBOSE"))
		fprintf(stderr, "warning: %s\n", line);
	w->n++;
	snprintf(w->last, sizeof w->last, "%s", line);
}

static struct recread *open_reader(const char *path, const struct rec_schema *want,
				   struct warnings *warn)
{
	struct recread *r;
	char err[512];
	if (recread_open(&r, path, want, collect, warn, err, sizeof err) != 0)
		fail_msg("%s", err);
	return r;
}

/* the reader's current sample is s, field for field */
static void check_sample(struct recread *r, const struct tschema *ts, const struct tsample *s)
{
	assert_int_equal(recread_wall_ns(r), s->wall_ns);
	assert_int_equal(recread_mono_ns(r), s->mono_ns);
	for (unsigned t = 0; t < MAXT; t++) {
		const struct rec_table *tb = &ts->tables[t];
		assert_int_equal(recread_rows(r, t), s->n[t]);
		for (size_t k = 0; k < s->n[t]; k++) {
			struct rec_value got[MAXF];
			const struct trow *want = &s->rows[t][k];
			recread_row(r, t, k, got);
			for (unsigned f = 0; f < tb->nfields; f++) {
				assert_int_equal(got[f].present, want->v[f].present);
				if (!want->v[f].present)
					continue;
				if (tb->fields[f].type == REC_STR) {
					assert_int_equal(got[f].str_len, want->v[f].str_len);
					assert_memory_equal(got[f].str, want->v[f].str, want->v[f].str_len);
				} else {
					assert_true(got[f].v.u64 == want->v[f].v.u64);
				}
			}
		}
	}
}

static void read_all(const char *path, const struct tschema *ts, const struct tsample *s,
		     size_t from, size_t n, struct warnings *warn)
{
	struct recread *r = open_reader(path, &ts->s, warn);
	assert_int_equal(recread_info(r)->samples, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(recread_next(r), 1);
		assert_int_equal(recread_pos(r), i);
		check_sample(r, ts, &s[from + i]);
	}
	assert_int_equal(recread_next(r), 0);
	recread_close(r);
}

/* ---- the tests ---- */

static void test_round_trip(void **state)
{
	(void)state;
	for (int round = 0; round < 6; round++) {
		struct tschema ts;
		make_schema(&ts);
		size_t n = 150;
		struct tsample *s = make_samples(&ts, n);
		const char *p = tpath("rt.rec");
		unlink(p);
		/* round 0: one key frame, deltas after it all the way (the reader's
		 * strings are compacted on the way) */
		unsigned every = round == 0 ? 1000 : 1 + (unsigned)(rnd() % 12);
		struct recwrite_opts o = {.keyframe_every = every, .creator = "test",
					  .store_raw = round == 1};
		write_file(p, &ts, s, 0, n, &o);
		struct warnings warn = {0};
		read_all(p, &ts, s, 0, n, &warn);
		assert_int_equal(warn.n, 0);

		/* seeking, backwards too, and stepping on from there */
		struct recread *r = open_reader(p, &ts.s, &warn);
		const struct recread_info *in = recread_info(r);
		assert_string_equal(in->creator, "test");
		assert_true(in->first_wall_ns == s[0].wall_ns && in->last_wall_ns == s[n - 1].wall_ns);
		assert_true(in->mean_interval_s > 9.99 && in->mean_interval_s < 10.01);
		assert_int_equal(in->rows[1], 1);
		for (int k = 0; k < 40; k++) {
			uint64_t i = rnd() % n;
			assert_int_equal(recread_seek(r, i), 0);
			assert_int_equal(recread_pos(r), i);
			check_sample(r, &ts, &s[i]);
			if (i + 1 < n) {
				assert_int_equal(recread_next(r), 1);
				check_sample(r, &ts, &s[i + 1]);
			}
		}
		recread_close(r);
		assert_int_equal(warn.n, 0);
		free(s);
	}
}

static void test_seek_time(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 50;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("time.rec");
	unlink(p);
	struct recwrite_opts o = {.keyframe_every = 8};
	write_file(p, &ts, s, 0, n, &o);
	struct warnings warn = {0};
	struct recread *r = open_reader(p, &ts.s, &warn);
	for (size_t i = 0; i < n; i++) {
		/* exactly at a sample, and between it and the next: that sample */
		assert_int_equal(recread_seek_time(r, s[i].wall_ns), 0);
		assert_int_equal(recread_pos(r), i);
		assert_int_equal(recread_seek_time(r, s[i].wall_ns + 4000000000), 0);
		assert_int_equal(recread_pos(r), i);
		check_sample(r, &ts, &s[i]);
	}
	assert_int_equal(recread_seek_time(r, s[0].wall_ns - 1), 0);
	assert_int_equal(recread_pos(r), 0);
	assert_int_equal(recread_seek_time(r, INT64_MAX), 0);
	assert_int_equal(recread_pos(r), n - 1);
	/* past the end: the last sample */
	assert_int_equal(recread_seek(r, n + 100), 0);
	assert_int_equal(recread_pos(r), n - 1);
	recread_close(r);
	free(s);
}

static uint64_t file_size(const char *p)
{
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	return (uint64_t)st.st_size;
}

/* the offsets of the frames of a file, in order, with their types and (when
 * flags is not NULL) flags; returns how many */
static size_t frame_flags(const char *p, uint64_t *at, uint8_t *type, uint8_t *flags, size_t max)
{
	int fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	struct rec_scan sc;
	rec_scan_init(&sc, fd, file_size(p));
	struct rec_frame f;
	uint64_t a, skip_at, skip_len;
	size_t n = 0;
	while (n < max && rec_scan_next(&sc, &f, &a, &skip_at, &skip_len) == 1) {
		type[n] = f.type;
		if (flags)
			flags[n] = f.flags;
		at[n++] = a;
	}
	close(fd);
	return n;
}

static size_t frame_offsets(const char *p, uint64_t *at, uint8_t *type, size_t max)
{
	return frame_flags(p, at, type, NULL, max);
}

static void test_truncated_tail(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 30;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("tail.rec");
	uint64_t at[64];
	uint8_t type[64];
	/* cut inside the last frame's payload, then inside its header */
	for (int cut = 0; cut < 2; cut++) {
		unlink(p);
		struct recwrite_opts o = {.keyframe_every = 10};
		write_file(p, &ts, s, 0, n, &o);
		size_t nf = frame_offsets(p, at, type, 64);
		assert_int_equal(nf, n + 1);
		uint64_t to = cut == 0 ? file_size(p) - 3 : at[nf - 1] + 10;
		assert_int_equal(truncate(p, (off_t)to), 0);
		struct warnings warn = {0};
		read_all(p, &ts, s, 0, n - 1, &warn);
		assert_int_equal(warn.n, 0); /* a torn tail is silent */
	}
	free(s);
}

static void flip(const char *p, uint64_t at)
{
	int fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	uint8_t b;
	assert_int_equal(pread(fd, &b, 1, (off_t)at), 1);
	b ^= 0x40;
	assert_int_equal(pwrite(fd, &b, 1, (off_t)at), 1);
	close(fd);
}

static void test_flipped_byte(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 40;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("flip.rec");
	uint64_t at[64];
	uint8_t type[64];
	struct recwrite_opts o = {.keyframe_every = 10};
	/* in the payload of sample 13 (a delta): 13..19 are lost, the rest read */
	for (int in_header = 0; in_header < 2; in_header++) {
		unlink(p);
		write_file(p, &ts, s, 0, n, &o);
		size_t nf = frame_offsets(p, at, type, 64);
		assert_int_equal(nf, n + 1);
		assert_int_equal(type[14], 3);
		uint64_t where = at[14] + (in_header ? 9 : REC_FRAME_HDR_LEN + 2);
		flip(p, where);
		struct warnings warn = {0};
		struct recread *r = open_reader(p, &ts.s, &warn);
		/* a damaged header is found when opening; a payload when read */
		assert_int_equal(recread_info(r)->samples, in_header ? n - 7 : n);
		size_t got = 0;
		while (recread_next(r) == 1) {
			size_t i = got < 13 ? got : got + 7;
			check_sample(r, &ts, &s[i]);
			got++;
		}
		assert_int_equal(got, n - 7);
		assert_int_equal(warn.n, 1);
		char off[32];
		snprintf(off, sizeof off, "byte %llu", (unsigned long long)at[14]);
		if (!strstr(warn.last, off))
			fail_msg("warning without the offset %s: %s", off, warn.last);
		/* seeking into the lost stretch lands on the sample before it */
		assert_int_equal(recread_seek(r, in_header ? 12 : 15), 0);
		assert_int_equal(recread_pos(r), 12);
		check_sample(r, &ts, &s[12]);
		recread_close(r);
		assert_int_equal(warn.n, 1);
	}
	free(s);
}

/* a damaged key frame takes with it the key frames compressed against it,
 * up to the next one compressed alone: one warning for the lot */
static void test_flipped_key_frame(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 40;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("flipkey.rec");
	unlink(p);
	struct recwrite_opts o = {.keyframe_every = 5, .anchor_every = 3};
	write_file(p, &ts, s, 0, n, &o);
	uint64_t at[64];
	uint8_t type[64], flags[64];
	assert_int_equal(frame_flags(p, at, type, flags, 64), n + 1);
	/* sample i is frame i + 1; key frames at 0, 5, 10...; compressed
	 * against the one before: 5 and 10, 20 and 25, 35 (when zstd gains) */
	assert_int_equal(type[1 + 5], 2);
	size_t lost_end = 10;
	while (lost_end < n && (flags[1 + lost_end] & REC_FL_PREFIX))
		lost_end += 5;
	flip(p, at[1 + 5] + REC_FRAME_HDR_LEN + 3);
	struct warnings warn = {0};
	struct recread *r = open_reader(p, &ts.s, &warn);
	size_t got = 0, i = 0;
	while (recread_next(r) == 1) {
		if (i == 5)
			i = lost_end;
		check_sample(r, &ts, &s[i++]);
		got++;
	}
	assert_int_equal(got, n - (lost_end - 5));
	/* and jumping into the lost stretch lands before it */
	assert_int_equal(recread_seek(r, lost_end - 1), 0);
	assert_int_equal(recread_pos(r), 4);
	recread_close(r);
	assert_int_equal(warn.n, 1);
	char off[32];
	snprintf(off, sizeof off, "byte %llu", (unsigned long long)at[1 + 5]);
	if (!strstr(warn.last, off))
		fail_msg("warning without the offset %s: %s", off, warn.last);
	free(s);
}

static void expect_open_error(const char *p, const struct rec_schema *want, const char *why)
{
	struct recread *r;
	char err[512];
	assert_int_equal(recread_open(&r, p, want, NULL, NULL, err, sizeof err), -1);
	assert_null(r);
	if (!strstr(err, why))
		fail_msg("expected \"%s\" in \"%s\"", why, err);
	assert_null(strchr(err, '\n'));
}

static void write_bytes(const char *p, const void *b, size_t n)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b, n), (ssize_t)n);
	close(fd);
}

static void test_not_recordings(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	const char *p = tpath("bad.rec");
	write_bytes(p, "", 0);
	expect_open_error(p, &ts.s, "empty");
	expect_open_error("/etc/passwd", &ts.s, "not a pidtop recording");
	write_bytes(p, "\x89PTREC\r", 7);
	expect_open_error(p, &ts.s, "not a pidtop recording");
	/* a future major version */
	uint8_t pre[REC_PREAMBLE_LEN];
	rec_preamble_encode(pre);
	pre[8] = REC_VERSION_MAJOR + 1;
	uint32_t crc = rec_crc32(pre, 12);
	for (int i = 0; i < 4; i++)
		pre[12 + i] = (uint8_t)(crc >> (8 * i));
	write_bytes(p, pre, sizeof pre);
	expect_open_error(p, &ts.s, "newer than this pidtop reads");
	/* a preamble alone: no schema */
	rec_preamble_encode(pre);
	write_bytes(p, pre, sizeof pre);
	expect_open_error(p, &ts.s, "no intact schema");
}

static void test_unknown_field(void **state)
{
	(void)state;
	static const struct rec_field fa[] = {{"id", REC_U64}, {"old", REC_STR}, {"cpu", REC_U64}};
	static const struct rec_field fb[] = {{"id", REC_U64}, {"cpu", REC_U64}, {"new", REC_F64},
					      {"old", REC_I64}};
	static const struct rec_table ta = {"t", REC_STATE, 1, 3, fa}, tb = {"t", REC_STATE, 1, 4, fb};
	static const struct rec_schema sa = {1, &ta}, sb = {1, &tb};
	const char *p = tpath("fields.rec");
	unlink(p);
	struct recwrite *w;
	char err[512];
	assert_int_equal(recwrite_open(&w, p, &sa, NULL, err, sizeof err), 0);
	for (int i = 0; i < 5; i++) {
		recwrite_begin(w, i, i);
		for (uint64_t id = 1; id <= 3; id++) {
			struct rec_value v[3] = {{.v.u64 = id, .present = true},
						 {.str = "x", .str_len = 1, .present = true},
						 {.v.u64 = id * 100 + (uint64_t)i, .present = true}};
			assert_int_equal(recwrite_row(w, 0, v), 0);
		}
		assert_int_equal(recwrite_end(w), 0);
	}
	recwrite_close(w, false);
	struct warnings warn = {0};
	struct recread *r = open_reader(p, &sb, &warn);
	/* "old" has another type here: unknown, reported once */
	assert_int_equal(warn.n, 1);
	assert_non_null(strstr(warn.last, "t.old"));
	assert_true(recread_has_field(r, 0, 1));
	assert_false(recread_has_field(r, 0, 2));
	assert_false(recread_has_field(r, 0, 3));
	for (int i = 0; i < 5; i++) {
		assert_int_equal(recread_next(r), 1);
		assert_int_equal(recread_rows(r, 0), 3);
		for (size_t k = 0; k < 3; k++) {
			struct rec_value v[4];
			recread_row(r, 0, k, v);
			assert_true(v[0].present && v[0].v.u64 == k + 1);
			assert_true(v[1].present && v[1].v.u64 == (k + 1) * 100 + (uint64_t)i);
			assert_false(v[2].present);
			assert_false(v[3].present);
		}
	}
	recread_close(r);
	assert_int_equal(warn.n, 1);

	/* continuing the file with schema b appends it: both parts read */
	assert_int_equal(recwrite_open(&w, p, &sb, NULL, err, sizeof err), 0);
	recwrite_begin(w, 9, 9);
	struct rec_value v[4] = {{.v.u64 = 7, .present = true},
				 {.v.u64 = 70, .present = true},
				 {.v.f64 = 0.5, .present = true},
				 {.v.i64 = -3, .present = true}};
	assert_int_equal(recwrite_row(w, 0, v), 0);
	assert_int_equal(recwrite_end(w), 0);
	recwrite_close(w, false);
	warn.n = 0;
	r = open_reader(p, &sb, &warn);
	assert_int_equal(recread_info(r)->segments, 2);
	assert_int_equal(recread_info(r)->samples, 6);
	assert_int_equal(recread_seek(r, 5), 0);
	assert_int_equal(recread_rows(r, 0), 1);
	struct rec_value got[4];
	recread_row(r, 0, 0, got);
	assert_true(got[2].present && got[2].v.f64 == 0.5 && got[3].v.i64 == -3);
	assert_int_equal(recread_seek(r, 4), 0);
	assert_int_equal(recread_rows(r, 0), 3);
	recread_close(r);
}

static void test_rotation(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 300;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("rot.rec"), *p1 = tpath("rot.rec.1");
	unlink(p);
	unlink(p1);
	uint64_t max = 24000;
	struct recwrite_opts o = {.max_size = max, .keyframe_every = 20};
	struct recwrite *w;
	char err[512];
	assert_int_equal(recwrite_open(&w, p, &ts.s, &o, err, sizeof err), 0);
	for (size_t i = 0; i < n; i++)
		write_sample(w, &ts, &s[i]);
	unsigned rotations = recwrite_rotations(w);
	recwrite_close(w, false);
	assert_true(rotations >= 2);
	assert_true(file_size(p) <= max && file_size(p1) <= max);
	/* FILE.1 then FILE: the last samples written, in order, none missing */
	struct warnings warn = {0};
	struct recread *r1 = open_reader(p1, &ts.s, &warn), *r = open_reader(p, &ts.s, &warn);
	uint64_t n1 = recread_info(r1)->samples, n0 = recread_info(r)->samples;
	recread_close(r1);
	recread_close(r);
	if (!(n1 > 0 && n0 > 0 && n1 + n0 <= n))
		fail_msg("FILE.1 %llu samples, FILE %llu, of %zu", (unsigned long long)n1, (unsigned long long)n0, n);
	read_all(p1, &ts, s, n - n0 - n1, n1, &warn);
	read_all(p, &ts, s, n - n0, n0, &warn);
	assert_int_equal(warn.n, 0);
	free(s);
}

static void test_continue_after_torn_tail(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 25;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("cont.rec");
	struct recwrite_opts o = {.keyframe_every = 6};
	for (int kind = 0; kind < 3; kind++) {
		unlink(p);
		write_file(p, &ts, s, 0, 12, &o);
		struct stat st;
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0600);
		uint64_t at[64];
		uint8_t type[64];
		size_t nf = frame_offsets(p, at, type, 64);
		int fd = open(p, O_RDWR | O_APPEND);
		assert_true(fd >= 0);
		static const uint8_t zeros[300];
		if (kind == 0) /* the last frame cut short */
			assert_int_equal(ftruncate(fd, (off_t)(file_size(p) - 5)), 0);
		else if (kind == 1) /* blocks of zeros after a power loss */
			assert_int_equal(write(fd, zeros, sizeof zeros), (ssize_t)sizeof zeros);
		close(fd);
		if (kind == 2) /* a whole header, its payload not as written */
			flip(p, at[nf - 1] + REC_FRAME_HDR_LEN + 1);
		size_t kept = kind == 1 ? 12 : 11;
		write_file(p, &ts, s, kept, n, &o);
		/* s[kept..] follow s[..kept) with nothing lost between */
		struct warnings warn = {0};
		struct recread *r = open_reader(p, &ts.s, &warn);
		assert_int_equal(recread_info(r)->samples, n);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(recread_next(r), 1);
			check_sample(r, &ts, &s[i]);
		}
		recread_close(r);
		assert_int_equal(warn.n, 0);
	}
	free(s);
}

/* a write that fails half-way (the file size limit) is cut off again: the
 * sample is lost, the file still ends with a whole frame, the next sample
 * is written as a key frame */
static void test_write_failure(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	size_t n = 16;
	struct tsample *s = make_samples(&ts, n);
	const char *p = tpath("full.rec");
	unlink(p);
	struct recwrite *w;
	char err[512];
	struct recwrite_opts o = {.keyframe_every = 100};
	assert_int_equal(recwrite_open(&w, p, &ts.s, &o, err, sizeof err), 0);
	for (size_t i = 0; i < 10; i++)
		write_sample(w, &ts, &s[i]);
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = (rlim_t)file_size(p) + 10;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(recwrite_begin(w, s[10].wall_ns, s[10].mono_ns), 0);
	for (size_t k = 0; k < s[10].n[0]; k++)
		assert_int_equal(recwrite_row(w, 0, s[10].rows[0][k].v), 0);
	for (size_t k = 0; k < s[10].n[1]; k++)
		assert_int_equal(recwrite_row(w, 1, s[10].rows[1][k].v), 0);
	int rc = recwrite_end(w);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(recwrite_error(w), "write"));
	for (size_t i = 11; i < n; i++)
		write_sample(w, &ts, &s[i]);
	recwrite_close(w, false);
	/* 0..9 then 11..15, nothing reported */
	struct warnings warn = {0};
	struct recread *r = open_reader(p, &ts.s, &warn);
	assert_int_equal(recread_info(r)->samples, n - 1);
	for (size_t i = 0; i < n; i++) {
		if (i == 10)
			continue;
		assert_int_equal(recread_next(r), 1);
		check_sample(r, &ts, &s[i]);
	}
	recread_close(r);
	assert_int_equal(warn.n, 0);
	free(s);
}

static void expect_write_refused(const char *p, const struct rec_schema *sc, const char *why)
{
	struct recwrite *w;
	char err[512];
	assert_int_equal(recwrite_open(&w, p, sc, NULL, err, sizeof err), -1);
	assert_null(w);
	if (!strstr(err, why))
		fail_msg("expected \"%s\" in \"%s\"", why, err);
}

/* sudo pidtop -w into the invoking user's directory: the file is theirs,
 * and a later sudo run appends to it; elsewhere (a directory of root's)
 * it stays root's. Needs root. */
static void sudo_recording(struct tschema *ts)
{
	if (geteuid() != 0) {
		printf("SKIP part: a sudo run needs root\n");
		return;
	}
	char home[160];
	snprintf(home, sizeof home, "%s", tpath("home"));
	char inside[sizeof home + 8];
	snprintf(inside, sizeof inside, "%s/x.rec", home);
	unlink(inside);
	rmdir(home);
	assert_int_equal(mkdir(home, 0755), 0);
	assert_int_equal(chown(home, 65534, 65534), 0);
	setenv("SUDO_UID", "65534", 1);
	setenv("SUDO_GID", "65534", 1);
	struct recwrite *w;
	char err[512];
	struct stat st;
	for (int run = 0; run < 2; run++) {
		assert_int_equal(recwrite_open(&w, inside, &ts->s, NULL, err, sizeof err), 0);
		recwrite_close(w, false);
		assert_int_equal(stat(inside, &st), 0);
		assert_int_equal(st.st_uid, 65534);
		assert_int_equal(st.st_gid, 65534);
	}
	unlink(inside);
	/* a directory of root's: no reason to give the file away */
	assert_int_equal(chown(home, 0, 0), 0);
	assert_int_equal(recwrite_open(&w, inside, &ts->s, NULL, err, sizeof err), 0);
	recwrite_close(w, false);
	assert_int_equal(stat(inside, &st), 0);
	assert_int_equal(st.st_uid, 0);
	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	unlink(inside);
	rmdir(home);
}

static void test_writer_refusals(void **state)
{
	(void)state;
	struct tschema ts;
	make_schema(&ts);
	/* a file that is not a recording is left as it was */
	const char *p = tpath("notes.txt");
	write_bytes(p, "my notes\n", 9);
	expect_write_refused(p, &ts.s, "not a pidtop recording");
	assert_int_equal(file_size(p), 9);
	/* a symbolic link, even to a recording */
	const char *rec = tpath("real.rec"), *link = tpath("link.rec");
	unlink(rec);
	unlink(link);
	struct recwrite *w;
	char err[512];
	assert_int_equal(recwrite_open(&w, rec, &ts.s, NULL, err, sizeof err), 0);
	recwrite_close(w, false);
	assert_int_equal(symlink(rec, link), 0);
	expect_write_refused(link, &ts.s, "symbolic link");
	/* a recording others may write to */
	assert_int_equal(chmod(rec, 0666), 0);
	expect_write_refused(rec, &ts.s, "writable by group or others");
	/* a directory anyone may write to, without the sticky bit */
	const char *open_dir = tpath("open");
	mkdir(open_dir, 0700);
	assert_int_equal(chmod(open_dir, 0777), 0);
	char inside[160];
	snprintf(inside, sizeof inside, "%s/x.rec", open_dir);
	expect_write_refused(inside, &ts.s, "writable by group or others");
	/* so is a directory its group may write to */
	assert_int_equal(chmod(open_dir, 0770), 0);
	expect_write_refused(inside, &ts.s, "writable by group or others");
	/* with the sticky bit (like /tmp) it is fine */
	assert_int_equal(chmod(open_dir, 01777), 0);
	assert_int_equal(recwrite_open(&w, inside, &ts.s, NULL, err, sizeof err), 0);
	recwrite_close(w, false);
	/* a file owned by someone else (needs root to make one) */
	if (geteuid() == 0) {
		assert_int_equal(chown(inside, 65534, 65534), 0);
		expect_write_refused(inside, &ts.s, "owned by uid 65534");
	} else {
		printf("SKIP part: a file of another owner needs root to create\n");
	}
	/* a second name of the file (a hard link planted to another file of ours) */
	char twin[160];
	snprintf(twin, sizeof twin, "%s", tpath("twin.rec"));
	unlink(twin);
	assert_int_equal(linkat(AT_FDCWD, rec, AT_FDCWD, twin, 0), 0);
	assert_int_equal(chmod(rec, 0600), 0);
	expect_write_refused(twin, &ts.s, "hard links");
	unlink(twin);
	sudo_recording(&ts);
	/* a bad schema */
	static const struct rec_field dup[] = {{"a", REC_U64}, {"a", REC_U64}};
	static const struct rec_table td = {"t", REC_STATE, 1, 2, dup};
	static const struct rec_schema sd = {1, &td};
	expect_write_refused(tpath("dup.rec"), &sd, "two fields of one name");
	unlink(inside);
	rmdir(open_dir);
}

/* ---- the fuzzer's seed corpus ---- */

static int seed_corpus(const char *dir)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", dir);
	mkdir(dir, 0700);
	for (int i = 0; i < 4; i++) {
		rng_state = 88172645463325252ull + (uint64_t)i * 7919;
		struct tschema ts;
		make_schema(&ts);
		size_t n = 6 + (size_t)i * 2;
		struct tsample *s = make_samples(&ts, n);
		char name[32];
		snprintf(name, sizeof name, "seed%d.rec", i);
		unlink(tpath(name));
		struct recwrite_opts o = {.keyframe_every = 3, .creator = "seed", .store_raw = i < 2};
		write_file(tpath(name), &ts, s, 0, n, &o);
		free(s);
	}
	return 0;
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_recfile.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--seed-corpus") == 0)
		return seed_corpus(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_seek_time),
		cmocka_unit_test(test_truncated_tail),
		cmocka_unit_test(test_flipped_byte),
		cmocka_unit_test(test_flipped_key_frame),
		cmocka_unit_test(test_not_recordings),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_continue_after_torn_tail),
		cmocka_unit_test(test_write_failure),
		cmocka_unit_test(test_writer_refusals),
	};
	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
