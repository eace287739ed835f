/* waker - a single-threaded process that sleeps and wakes at a known rate,
 * for pidtop's integration tests. Each sleep is one voluntary context
 * switch. With --rate 0 it is an idle process: one sleep for the whole run.
 *
 * The truth log records, with wall-clock times, the wake-ups done and the
 * context switches the kernel counted for us (getrusage ru_nvcsw and
 * ru_nivcsw). The program always stops by itself after --seconds.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

static const char prog[] = "waker";

static void log_line(FILE *log, uint64_t wakeups)
{
	struct rusage ru;

	if (!log || getrusage(RUSAGE_SELF, &ru) != 0)
		return;
	fprintf(log, "%.6f %llu %ld %ld %.6f\n", wl_clock_seconds(CLOCK_REALTIME),
		(unsigned long long)wakeups, ru.ru_nvcsw, ru.ru_nivcsw,
		wl_clock_seconds(CLOCK_PROCESS_CPUTIME_ID));
	fflush(log);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: waker [--rate N] [--seconds S] [--log FILE] [--ready FILE] [--tag WORD]\n"
		   "Sleeps and wakes N times a second (default 200; 0 = sleep the whole run)\n"
		   "for S seconds (default 10), then exits.\n"
		   "--log writes lines 't wakeups nvcsw nivcsw proc_cpu' (wall-clock seconds\n"
		   "since the epoch, counts since start, CPU seconds) about every 50 ms.\n"
		   "--tag only marks the command line.\n");
}

int main(int argc, char **argv)
{
	double rate = 200;
	struct wl_run run = { .seconds = 10 };
	FILE *log = NULL;
	uint64_t wakeups = 0, per_log;
	double start, next;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		if (wl_run_option(prog, argv, &i, WL_OPT_READY | WL_OPT_TAG, &run))
			continue;
		if (strcmp(a, "--rate") == 0)
			rate = wl_parse_number(prog, a, argv[++i], 0, 100000);
		else
			wl_bad_option(usage);
	}

	wl_lifetime_guard(run.seconds);
	if (wl_open_log(run.log_path, &log) != 0)
		return 1;
	if (log)
		fprintf(log, "# pid %d\n# t wakeups nvcsw nivcsw proc_cpu\n", (int)getpid());
	wl_signal_ready(run.ready_path);
	start = wl_clock_seconds(CLOCK_MONOTONIC);
	log_line(log, 0);
	if (rate <= 0) {
		wl_sleep_until_mono(start + run.seconds);
		log_line(log, 0);
		return 0;
	}
	/* Log every ~50 ms: writing to a file does not block, so logging adds
	 * no context switch of its own. */
	per_log = (uint64_t)(rate / 20.0) + 1;
	next = start;
	for (;;) {
		next += 1.0 / rate;
		if (next < wl_clock_seconds(CLOCK_MONOTONIC) - 1.0 / rate)
			next = wl_clock_seconds(CLOCK_MONOTONIC); /* busy machine: skip missed wake-ups */
		if (next >= start + run.seconds)
			break;
		wl_sleep_until_mono(next);
		wakeups++;
		if (wakeups % per_log == 0)
			log_line(log, wakeups);
	}
	log_line(log, wakeups);
	if (log)
		fclose(log);
	return 0;
}
