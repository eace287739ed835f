/*
 * replaytime: what a long recording costs to open, jump in and step through.
 *
 *   replaytime --synth OUT --samples N --interval S FILE
 *       writes OUT, a recording of N samples S seconds apart made by
 *       cycling through the samples of FILE (a real recording), so a day
 *       at 10 s (8,640 samples) takes a minute to make, not a day
 *   replaytime [--jumps J] [--steps K] FILE
 *       opens FILE as pidtop -R does (model_new), then J jumps to random
 *       samples (each: model_replay_seek and the refresh that shows it)
 *       and K steps forward (model_refresh), and prints
 *       open_ms=... jump_ms_median=... jump_ms_max=... step_ms_median=...
 *       step_ms_max=... maxrss_kb=... samples=...
 *       then the timeline of the whole file at 200 columns (timeline_build,
 *       timeline_ms=...) and the busiest process's history over the 200
 *       samples up to the shown one (model_replay_task_series, series_ms=...),
 *       the screen's two reads of a recording beyond the sample shown
 *
 * Built by `make bench/replaytime`; bench/record.sh runs it. Times are wall
 * clock (CLOCK_MONOTONIC) of this process alone: run it on a quiet machine.
 */
#include "model.h"
#include "recfile.h"
#include "record.h"
#include "timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int synth(const char *in, const char *out, long n, double interval_s)
{
	char err[256];
	struct recread *r;
	if (recread_open(&r, in, &record_schema, NULL, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "replaytime: %s\n", err);
		return 1;
	}
	uint64_t have = recread_info(r)->samples;
	struct recwrite *w;
	struct recwrite_opts o = {.creator = "replaytime --synth"};
	if (have == 0 || recwrite_open(&w, out, &record_schema, &o, err, sizeof err) < 0) {
		fprintf(stderr, "replaytime: %s\n", have ? err : "no sample to copy");
		recread_close(r);
		return 1;
	}
	int64_t wall0 = recread_info(r)->first_wall_ns, mono0 = recread_info(r)->first_mono_ns;
	struct rec_value v[RECORD_MAX_FIELDS];
	for (long i = 0; i < n; i++) {
		if (recread_seek(r, (uint64_t)i % have) < 0)
			continue;
		int64_t step = (int64_t)(interval_s * 1e9) * i;
		if (recwrite_begin(w, wall0 + step, mono0 + step) < 0)
			break;
		for (unsigned t = 0; t < RT_COUNT; t++) {
			size_t rows = recread_rows(r, t);
			for (size_t k = 0; k < rows; k++) {
				recread_row(r, t, k, v);
				recwrite_row(w, t, v);
			}
		}
		if (recwrite_end(w) < 0) {
			fprintf(stderr, "replaytime: %s\n", recwrite_error(w));
			break;
		}
	}
	recwrite_close(w, false);
	recread_close(r);
	return 0;
}

static int timing(const char *path, int jumps, int steps)
{
	char why[256];
	struct model_config cfg = {.replay_path = path};
	double t0 = now_ms();
	int rc;
	struct model *m = model_new(&cfg, &rc, why, sizeof why);
	if (!m) {
		fprintf(stderr, "replaytime: %s\n", why);
		return 1;
	}
	double open_ms = now_ms() - t0;
	uint64_t n = model_replay_info(m)->samples;
	double *jt = calloc((size_t)jumps, sizeof *jt), *st = calloc((size_t)steps, sizeof *st);
	if (!jt || !st)
		return 1;
	srand(1);
	for (int i = 0; i < jumps; i++) {
		uint64_t k = n > 1 ? 1 + (uint64_t)rand() % (n - 1) : 0;
		t0 = now_ms();
		if (model_replay_seek(m, k) < 0 || model_refresh(m) != 0)
			fprintf(stderr, "replaytime: sample %llu cannot be read\n", (unsigned long long)k);
		jt[i] = now_ms() - t0;
	}
	model_replay_seek(m, 1);
	model_refresh(m);
	int done = 0;
	for (; done < steps; done++) {
		t0 = now_ms();
		if (model_refresh(m) != 0)
			break;
		st[done] = now_ms() - t0;
	}
	/* the timeline view and the drill-down's history on this file */
	static struct timeline tl;
	static struct hist_sample hs[200];
	uint64_t first_k;
	t0 = now_ms();
	if (timeline_build(&tl, m, 200) < 0)
		fprintf(stderr, "replaytime: the timeline cannot be built\n");
	double timeline_ms = now_ms() - t0;
	t0 = now_ms();
	size_t nh = tl.nprocs ? model_replay_task_series(m, tl.procs[0].pid, tl.procs[0].start_ticks,
							 false, hs, 200, &first_k)
			      : 0;
	double series_ms = now_ms() - t0;
	qsort(jt, (size_t)jumps, sizeof *jt, cmp_double);
	qsort(st, (size_t)done, sizeof *st, cmp_double);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("open_ms=%.2f jump_ms_median=%.2f jump_ms_max=%.2f step_ms_median=%.2f "
	       "step_ms_max=%.2f maxrss_kb=%ld samples=%llu timeline_ms=%.1f series_ms=%.1f "
	       "series_n=%zu\n",
	       open_ms, jumps ? jt[jumps / 2] : 0, jumps ? jt[jumps - 1] : 0,
	       done ? st[done / 2] : 0, done ? st[done - 1] : 0, ru.ru_maxrss,
	       (unsigned long long)n, timeline_ms, series_ms, nh);
	model_free(m);
	free(jt);
	free(st);
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL;
	long samples = 8640;
	double interval_s = 10;
	int jumps = 20, steps = 200;
	int i = 1;
	for (; i < argc - 1; i += 2) {
		if (strcmp(argv[i], "--synth") == 0)
			out = argv[i + 1];
		else if (strcmp(argv[i], "--samples") == 0)
			samples = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--interval") == 0)
			interval_s = atof(argv[i + 1]);
		else if (strcmp(argv[i], "--jumps") == 0)
			jumps = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--steps") == 0)
			steps = atoi(argv[i + 1]);
		else
			break;
	}
	if (i != argc - 1 || samples <= 0 || interval_s <= 0 || jumps < 0 || steps < 0) {
		fprintf(stderr, "usage: replaytime [--synth OUT --samples N --interval S] "
				"[--jumps J] [--steps K] FILE\n");
		return 2;
	}
	return out ? synth(argv[i], out, samples, interval_s) : timing(argv[i], jumps, steps);
}
