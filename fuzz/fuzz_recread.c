/* fuzz_recread.c - libFuzzer target for reading recordings (src/recfile.h).
 *
 * The input is a file. It is read twice: against a fixed schema (most
 * fields unknown or of another type) and against the file's own schema
 * (every field decoded): every sample in order, some seeks, a seek to a
 * time, a step back. One input in three (by its length) is also continued
 * by the writer, which reads a file's tail to resume it, and read again.
 * Checksums are not checked in this build (rec_crc_ok), so that mutations
 * reach the decoders. Seeds: tests/test_recfile --seed-corpus DIR (make
 * fuzz does it), compressed and not. Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -include config.h -Isrc \
 *     fuzz/fuzz_recread.c src/rec*.c src/buf.c -lzstd -lz -o fuzz_recread */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../src/recfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct rec_field fixed_fields[] = {
	{"f0", REC_U64}, {"f1", REC_I64}, {"f2", REC_F64}, {"f3", REC_STR}, {"f4", REC_U64},
};
static const struct rec_table fixed_tables[] = {
	{"tasks", REC_STATE, 1, 5, fixed_fields},
	{"system", REC_STATE, 0, 5, fixed_fields},
	{"exits", REC_EVENT, 0, 5, fixed_fields},
};
static const struct rec_schema fixed = {3, fixed_tables};

static void ignore(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void touch(const struct recread *r, const struct rec_schema *s)
{
	struct rec_value v[REC_MAX_FIELDS];
	for (unsigned t = 0; t < s->ntables; t++)
		for (size_t i = 0; i < recread_rows(r, t); i++) {
			recread_row(r, t, i, v);
			for (unsigned f = 0; f < s->tables[t].nfields; f++)
				if (v[f].present && s->tables[t].fields[f].type == REC_STR && v[f].str_len)
					/* every byte of a string is readable */
					(void)*(volatile const char *)&v[f].str[v[f].str_len - 1];
		}
}

static void read_fd(int fd, const struct rec_schema *want)
{
	struct recread *r;
	char err[512];
	int dup_fd = dup(fd);
	if (dup_fd < 0 || recread_open_fd(&r, dup_fd, "fuzz", want, ignore, NULL, err, sizeof err) != 0)
		return;
	const struct recread_info *in = recread_info(r);
	for (int n = 0; n < 300 && recread_next(r) == 1; n++)
		touch(r, want);
	if (in->samples) {
		recread_seek(r, in->samples / 2);
		touch(r, want);
		/* a third of the way, in unsigned arithmetic: the times are the input's */
		uint64_t span = (uint64_t)in->last_wall_ns - (uint64_t)in->first_wall_ns;
		recread_seek_time(r, (int64_t)((uint64_t)in->first_wall_ns + span / 3));
		touch(r, want);
		if (recread_pos(r) > 0)
			recread_seek(r, recread_pos(r) - 1);
		touch(r, want);
	}
	/* and against the file's own schema, every field known */
	if (in->file_schema && want == &fixed)
		read_fd(fd, in->file_schema);
	recread_close(r);
}

static void resume(const uint8_t *data, size_t size)
{
	static char dir[64];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/fuzz_recread.XXXXXX");
		if (!mkdtemp(dir))
			abort();
	}
	char path[96];
	snprintf(path, sizeof path, "%s/f.rec", dir);
	unlink(path);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fwrite(data, 1, size, f);
	fclose(f);
	chmod(path, 0600);
	struct recwrite *w;
	char err[512];
	if (recwrite_open(&w, path, &fixed, NULL, err, sizeof err) != 0)
		return;
	struct rec_value v[5] = {{.v.u64 = 1, .present = true}, {.v.i64 = -1, .present = true},
				 {.v.f64 = 0.5, .present = true}, {.str = "x", .str_len = 1, .present = true},
				 {.present = false}};
	for (int s = 0; s < 2; s++) {
		recwrite_begin(w, s, s);
		recwrite_row(w, 0, v);
		recwrite_end(w);
	}
	recwrite_close(w, false);
	struct recread *r;
	if (recread_open(&r, path, &fixed, ignore, NULL, err, sizeof err) == 0) {
		while (recread_next(r) == 1)
			touch(r, &fixed);
		recread_close(r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_recread", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	read_fd(fd, &fixed);
	close(fd);
	if (size % 3 == 0)
		resume(data, size);
	return 0;
}
