/* burner - CPU load of several threads at a known duty cycle, for pidtop's
 * integration tests.
 *
 * Each worker thread repeats a period: it spins until its own thread CPU
 * clock has advanced by duty% of the period, then sleeps until the period's
 * end. The main thread writes a truth log every --log-ms: the wall-clock
 * time and the CPU seconds actually consumed, by the process and by each
 * worker, so a test compares pidtop against what really happened rather
 * than against the nominal duty (which a busy machine may not grant).
 *
 * The program always stops by itself after --seconds.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

#define MAX_THREADS 64

static const char prog[] = "burner";

struct worker {
	pthread_t thread;
	clockid_t clock;
	pid_t tid;
	double period_s;
	double duty;
	double end_mono;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double next = wl_clock_seconds(CLOCK_MONOTONIC);

	wl_publish_tid(&w->tid);
	while (next < w->end_mono) {
		double cpu_start = wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID);
		double target = w->period_s * w->duty;

		next += w->period_s;
		/* Spin on the thread's own CPU clock, so the burn is CPU time
		 * received, not wall time; give up at the period's end when the
		 * machine is too busy to grant it. */
		while (wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu_start < target &&
		       wl_clock_seconds(CLOCK_MONOTONIC) < next)
			wl_spin_briefly();
		if (wl_clock_seconds(CLOCK_MONOTONIC) > next + w->period_s)
			next = wl_clock_seconds(CLOCK_MONOTONIC); /* fell behind: don't catch up in a burst */
		else
			wl_sleep_until_mono(next);
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: burner [--threads N] [--duty PCT] [--period-ms MS] [--seconds S]\n"
		   "              [--log FILE] [--log-ms MS] [--ready FILE] [--tag WORD]\n"
		   "Runs N threads that each burn PCT%% of one CPU (default 3 threads, 25%%,\n"
		   "period 50 ms) for S seconds (default 10), then exits.\n"
		   "--log writes lines 't proc_cpu nvcsw nivcsw thr0_cpu ...' (wall-clock\n"
		   "seconds since the epoch, CPU seconds used, the process's voluntary and\n"
		   "involuntary context switches) every --log-ms (default 50); its first line\n"
		   "lists the worker tids. --ready is created once the workers run. --tag is ignored:\n"
		   "it only marks the command line.\n");
}

int main(int argc, char **argv)
{
	int nthreads = 3;
	double duty = 25.0, period_ms = 50.0, log_ms = 50.0;
	struct wl_run run = { .seconds = 10 };
	struct worker workers[MAX_THREADS];
	FILE *log = NULL;
	double end_mono;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		if (wl_run_option(prog, argv, &i, WL_OPT_READY | WL_OPT_TAG, &run))
			continue;
		if (strcmp(a, "--threads") == 0)
			nthreads = (int)wl_parse_number(prog, a, argv[++i], 1, MAX_THREADS);
		else if (strcmp(a, "--duty") == 0)
			duty = wl_parse_number(prog, a, argv[++i], 0, 100);
		else if (strcmp(a, "--period-ms") == 0)
			period_ms = wl_parse_number(prog, a, argv[++i], 1, 10000);
		else if (strcmp(a, "--log-ms") == 0)
			log_ms = wl_parse_number(prog, a, argv[++i], 1, 10000);
		else
			wl_bad_option(usage);
	}

	wl_lifetime_guard(run.seconds);

	if (wl_open_log(run.log_path, &log) != 0)
		return 1;
	end_mono = wl_clock_seconds(CLOCK_MONOTONIC) + run.seconds;
	for (i = 0; i < nthreads; i++) {
		workers[i].period_s = period_ms / 1000.0;
		workers[i].duty = duty / 100.0;
		workers[i].end_mono = end_mono;
		workers[i].tid = 0;
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0 ||
		    pthread_getcpuclockid(workers[i].thread, &workers[i].clock) != 0) {
			fprintf(stderr, "burner: cannot start thread %d\n", i);
			return 1;
		}
	}
	/* Wait until every worker has published its tid. */
	for (i = 0; i < nthreads; i++)
		wl_wait_tid(&workers[i].tid);
	if (log) {
		fprintf(log, "# pid %d tids", (int)getpid());
		for (i = 0; i < nthreads; i++)
			fprintf(log, " %d", (int)workers[i].tid);
		fprintf(log, "\n# t proc_cpu nvcsw nivcsw");
		for (i = 0; i < nthreads; i++)
			fprintf(log, " thr%d_cpu", i);
		fputc('\n', log);
	}
	wl_signal_ready(run.ready_path);
	for (;;) {
		double now = wl_clock_seconds(CLOCK_MONOTONIC);

		/* Stop logging before the workers end: a finished thread's CPU
		 * clock cannot be read. */
		if (now >= end_mono - 0.01)
			break;
		if (log) {
			struct rusage ru;

			/* getrusage(RUSAGE_SELF) sums the switches of all threads */
			if (getrusage(RUSAGE_SELF, &ru) != 0)
				memset(&ru, 0, sizeof(ru));
			fprintf(log, "%.6f %.6f %ld %ld", wl_clock_seconds(CLOCK_REALTIME),
				wl_clock_seconds(CLOCK_PROCESS_CPUTIME_ID), ru.ru_nvcsw, ru.ru_nivcsw);
			for (i = 0; i < nthreads; i++)
				fprintf(log, " %.6f", wl_clock_seconds(workers[i].clock));
			fputc('\n', log);
			fflush(log);
		}
		wl_sleep_until_mono(now + log_ms / 1000.0 < end_mono ? now + log_ms / 1000.0
								  : end_mono);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);
	if (log)
		fclose(log);
	return 0;
}
