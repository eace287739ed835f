/* threaded - a process whose main thread sleeps while worker threads do the
 * work, for pidtop's integration tests.
 *
 * /proc/PID/status context switches and /proc/PID/schedstat describe the
 * main thread only; this workload makes them near zero while the process as
 * a whole burns CPU, switches hundreds of times a second and waits on the
 * run queue. Each worker wakes at its own rate (one voluntary switch per
 * period) and burns duty% of one CPU per period. --cpu pins every thread to
 * one CPU so the workers queue behind each other and run-queue wait is
 * substantial.
 *
 * A logger thread writes the truth every 50 ms: wall-clock time, process CPU
 * seconds, the process's voluntary and involuntary switches (getrusage
 * RUSAGE_SELF sums all threads) and the run-queue wait of all threads in
 * seconds (sum of /proc/self/task/TID/schedstat field 2, nanoseconds).
 * The program always stops by itself after --seconds.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

#define MAX_WORKERS 16

static const char prog[] = "threaded";

struct worker {
	pthread_t thread;
	double rate;
	double duty;
	double end_mono;
	pid_t tid;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double period = 1.0 / w->rate;
	double next = wl_clock_seconds(CLOCK_MONOTONIC);

	wl_publish_tid(&w->tid);
	while (next < w->end_mono) {
		double cpu_start = wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID);

		next += period;
		while (wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu_start < period * w->duty &&
		       wl_clock_seconds(CLOCK_MONOTONIC) < next)
			wl_spin_briefly();
		wl_sleep_until_mono(next);
	}
	return NULL;
}

/* Sum of run-queue wait (ns) over every thread of this process. */
static double run_delay_seconds(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	double total = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[128];
		unsigned long long run_ns, wait_ns;
		ssize_t n;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		if (sscanf(buf, "%llu %llu", &run_ns, &wait_ns) == 2)
			total += (double)wait_ns / 1e9;
	}
	closedir(d);
	return total;
}

struct logger {
	FILE *log;
	double end_mono;
	clockid_t clocks[MAX_WORKERS];
	int nworkers;
};

static void *logger_main(void *arg)
{
	struct logger *l = arg;
	double next = wl_clock_seconds(CLOCK_MONOTONIC);

	while (next < l->end_mono - 0.01) {
		struct rusage ru;

		int i;

		if (getrusage(RUSAGE_SELF, &ru) == 0) {
			fprintf(l->log, "%.6f %.6f %ld %ld %.6f", wl_clock_seconds(CLOCK_REALTIME),
				wl_clock_seconds(CLOCK_PROCESS_CPUTIME_ID), ru.ru_nvcsw, ru.ru_nivcsw,
				run_delay_seconds());
			for (i = 0; i < l->nworkers; i++)
				fprintf(l->log, " %.6f", wl_clock_seconds(l->clocks[i]));
			fputc('\n', l->log);
		}
		fflush(l->log);
		next += 0.05;
		wl_sleep_until_mono(next);
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: threaded [--rates R1,R2,...] [--duty PCT] [--cpu N] [--seconds S]\n"
		   "                [--log FILE] [--ready FILE]\n"
		   "Main thread sleeps; one worker per rate (default 100,150,200) wakes R times\n"
		   "a second and burns PCT%% (default 25) of one CPU, for S seconds (default\n"
		   "10). --cpu pins all threads to CPU N.\n"
		   "--log writes lines 't proc_cpu nvcsw nivcsw run_delay thr0_cpu ...' every\n"
		   "50 ms from a logger thread (wall-clock seconds since the epoch; CPU and\n"
		   "wait in seconds, switches as counts, for the whole process, then each\n"
		   "worker's CPU seconds).\n");
}

int main(int argc, char **argv)
{
	struct worker workers[MAX_WORKERS];
	struct logger logger = { .log = NULL };
	pthread_t logger_thread;
	const char *rates = "100,150,200";
	double duty = 25, end_mono;
	struct wl_run run = { .seconds = 10 };
	int cpu = -1, nworkers = 0, i;
	char *copy, *tok, *save;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		if (wl_run_option(prog, argv, &i, WL_OPT_READY, &run))
			continue;
		if (strcmp(a, "--rates") == 0)
			rates = argv[++i];
		else if (strcmp(a, "--duty") == 0)
			duty = wl_parse_number(prog, a, argv[++i], 0, 100);
		else if (strcmp(a, "--cpu") == 0)
			cpu = (int)wl_parse_number(prog, a, argv[++i], 0, CPU_SETSIZE - 1);
		else
			wl_bad_option(usage);
	}

	wl_lifetime_guard(run.seconds);
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) != 0) {
			perror("threaded: sched_setaffinity");
			return 1;
		}
	}
	end_mono = wl_clock_seconds(CLOCK_MONOTONIC) + run.seconds;
	copy = strdup(rates);
	if (!copy)
		return 1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (nworkers == MAX_WORKERS) {
			fprintf(stderr, "threaded: at most %d workers\n", MAX_WORKERS);
			return 2;
		}
		workers[nworkers].rate = wl_parse_number(prog, "--rates", tok, 1, 10000);
		workers[nworkers].duty = duty / 100.0;
		workers[nworkers].end_mono = end_mono;
		workers[nworkers].tid = 0;
		nworkers++;
	}
	free(copy);
	for (i = 0; i < nworkers; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			fprintf(stderr, "threaded: cannot start worker %d\n", i);
			return 1;
		}
	}
	for (i = 0; i < nworkers; i++)
		wl_wait_tid(&workers[i].tid);
	if (wl_open_log(run.log_path, &logger.log) != 0)
		return 1;
	if (logger.log) {
		fprintf(logger.log, "# pid %d tids", (int)getpid());
		for (i = 0; i < nworkers; i++)
			fprintf(logger.log, " %d", (int)workers[i].tid);
		fprintf(logger.log, "\n# t proc_cpu nvcsw nivcsw run_delay");
		for (i = 0; i < nworkers; i++) {
			fprintf(logger.log, " thr%d_cpu", i);
			if (pthread_getcpuclockid(workers[i].thread, &logger.clocks[i]) != 0) {
				fprintf(stderr, "threaded: no CPU clock for worker %d\n", i);
				return 1;
			}
		}
		fputc('\n', logger.log);
		logger.nworkers = nworkers;
		/* the logger stops before the workers: their clocks stay readable */
		logger.end_mono = end_mono - 0.05;
		if (pthread_create(&logger_thread, NULL, logger_main, &logger) != 0) {
			fprintf(stderr, "threaded: cannot start the logger\n");
			return 1;
		}
	}
	wl_signal_ready(run.ready_path);
	/* The main thread only waits: one sleep for the whole run. */
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].thread, NULL);
	if (logger.log) {
		pthread_join(logger_thread, NULL);
		fclose(logger.log);
	}
	return 0;
}
