/* memtouch - a process that makes a known amount of anonymous memory
 * resident, and optionally grows by a known amount later, for pidtop's
 * integration tests.
 *
 * Memory is made resident by writing to every page of a private anonymous
 * mapping. The truth log records, with wall-clock times, how many KiB have
 * been touched so far. The program always stops by itself after --seconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

static const char prog[] = "memtouch";

static FILE *truth_log;
static uint64_t touched_kib;

static void log_line(void)
{
	if (!truth_log)
		return;
	fprintf(truth_log, "%.6f %llu\n", wl_clock_seconds(CLOCK_REALTIME),
		(unsigned long long)touched_kib);
	fflush(truth_log);
}

/* Maps and touches mib MiB over duration_s seconds (0 = as fast as possible),
 * in 1 MiB steps, logging as it goes. */
static int touch_mib(uint64_t mib, double duration_s)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len;
	unsigned char *p;
	double start = wl_clock_seconds(CLOCK_MONOTONIC);
	uint64_t m;

	if (mib == 0)
		return 0;
	if (mib > SIZE_MAX / (1024 * 1024))
		return -1;
	len = (size_t)mib * 1024 * 1024;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("memtouch: mmap");
		return -1;
	}
	for (m = 0; m < mib; m++) {
		size_t off;

		for (off = 0; off < 1024 * 1024; off += page)
			p[m * 1024 * 1024 + off] = (unsigned char)(m + off / page + 1);
		touched_kib += 1024;
		/* a line each MiB even at full speed: the truth between two
		 * lines is interpolated, and a growth of 100 MiB logged only at
		 * its ends is not linear in time (a sanitizer build, a busy
		 * machine) */
		if (duration_s > 0)
			wl_sleep_until_mono(start + duration_s * (double)(m + 1) / (double)mib);
		log_line();
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: memtouch [--mib N] [--grow-mib M] [--grow-at S] [--grow-over S]\n"
		   "                [--seconds S] [--log FILE] [--ready FILE]\n"
		   "Writes to every page of N MiB (default 200) of anonymous memory, creates\n"
		   "--ready, then --grow-at seconds later (default 2) touches M more MiB\n"
		   "(default 0) spread over --grow-over seconds (default 0: at once), and\n"
		   "exits after --seconds (default 10) in all.\n"
		   "--log writes lines 't touched_kib' (wall-clock seconds since the epoch).\n");
}

int main(int argc, char **argv)
{
	double mib = 200, grow_mib = 0, grow_at = 2, grow_over = 0;
	struct wl_run run = { .seconds = 10 };
	double start, ready_mono;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		if (wl_run_option(prog, argv, &i, WL_OPT_READY, &run))
			continue;
		if (strcmp(a, "--mib") == 0)
			mib = wl_parse_number(prog, a, argv[++i], 0, 65536);
		else if (strcmp(a, "--grow-mib") == 0)
			grow_mib = wl_parse_number(prog, a, argv[++i], 0, 65536);
		else if (strcmp(a, "--grow-at") == 0)
			grow_at = wl_parse_number(prog, a, argv[++i], 0, 3600);
		else if (strcmp(a, "--grow-over") == 0)
			grow_over = wl_parse_number(prog, a, argv[++i], 0, 3600);
		else
			wl_bad_option(usage);
	}

	wl_lifetime_guard(run.seconds);
	start = wl_clock_seconds(CLOCK_MONOTONIC);
	if (wl_open_log(run.log_path, &truth_log) != 0)
		return 1;
	if (truth_log)
		fprintf(truth_log, "# pid %d\n# t touched_kib\n", (int)getpid());
	log_line();
	if (touch_mib((uint64_t)mib, 0) != 0)
		return 1;
	wl_signal_ready(run.ready_path);
	ready_mono = wl_clock_seconds(CLOCK_MONOTONIC);
	if (grow_mib > 0 && ready_mono + grow_at < start + run.seconds) {
		wl_sleep_until_mono(ready_mono + grow_at);
		log_line();
		if (touch_mib((uint64_t)grow_mib, grow_over) != 0)
			return 1;
	}
	/* Log every 100 ms while idle, so the log covers the whole run. */
	for (;;) {
		double now = wl_clock_seconds(CLOCK_MONOTONIC);

		if (now >= start + run.seconds)
			break;
		wl_sleep_until_mono(now + 0.1 < start + run.seconds ? now + 0.1
								    : start + run.seconds);
		log_line();
	}
	if (truth_log)
		fclose(truth_log);
	return 0;
}
