/* fuzz_replay.c - libFuzzer target for replaying recordings (src/replay.c).
 *
 * The input is a recording. It is opened as pidtop -R opens it, every
 * sample is put into a model and its rates computed, a JSON report of each
 * is written (to /dev/null), and a few seeks move back and forth; then
 * the screen's reads beyond the shown sample: the timeline of the whole
 * file, and its busiest process's history up to the cursor. The
 * values in a recording are outside bytes: ids, counts, times, CPU numbers
 * and strings of any size, all of which the replay must take without a
 * crash or an unbounded allocation. Checksums are not checked in this build
 * (rec_crc_ok), so that mutations reach the values. Seeds: recordings of
 * the fixture tree (make fuzz writes them). Build: see the fuzz rule in
 * Makefile.am (every src/ file but main.c). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../src/columns.h"
#include "../src/model.h"
#include "../src/output.h"
#include "../src/recfile.h"
#include "../src/timeline.h"
#include "../src/rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void report(struct model *m, struct output *out, struct rows *v)
{
	if (rows_build(v, m, &(struct row_filter){0}, column_find("cpu_pct"), false) == 0)
		output_report(out, m, v);
	buf_reset(&out->b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_replay", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char why[256];
	struct model_config cfg = {.replay_path = path, .accumulated = size % 2};
	int rc;
	struct model *m = model_new(&cfg, &rc, why, sizeof why);
	if (m) {
		struct output out;
		struct rows v = {0};
		output_init(&out, OUTPUT_JSON, model_cfg(m)->threads);
		out.fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		for (int i = 0; i < 64 && model_refresh(m) == 0; i++)
			report(m, &out, &v);
		uint64_t n = model_replay_info(m)->samples;
		for (uint64_t k = n; k > 0; k /= 2) {
			if (model_replay_seek(m, k - 1) == 0 && model_refresh(m) == 0)
				report(m, &out, &v);
		}
		static struct timeline tl;
		struct hist_sample hs[64];
		uint64_t first_k;
		if (timeline_build(&tl, m, 1 + size % 80) == 0 && tl.nprocs)
			model_replay_task_series(m, tl.procs[0].pid, tl.procs[0].start_ticks,
						 size % 3 == 0, hs, 64, &first_k);
		close(out.fd);
		rows_free(&v);
		output_free(&out);
	}
	model_free(m);
	close(fd);
	return 0;
}
