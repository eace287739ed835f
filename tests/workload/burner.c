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
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 64

struct worker {
	pthread_t thread;
	clockid_t clock;
	pid_t tid;
	double period_s;
	double duty;
	double end_mono;
};

static double clock_seconds(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return -1.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until_mono(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Some user-space work between two reads of the CPU clock: reading
 * CLOCK_THREAD_CPUTIME_ID is a system call, and a loop of nothing else would
 * burn system time rather than user time. */
static void spin_briefly(void)
{
	volatile unsigned long sink = 0;
	unsigned long i;

	for (i = 0; i < 20000; i++)
		sink += i;
}

static double parse_number(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "burner: bad value for %s: '%s' (expected %g..%g)\n", opt, s, min,
			max);
		exit(2);
	}
	return v;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	double next = clock_seconds(CLOCK_MONOTONIC);

	w->tid = gettid();
	while (next < w->end_mono) {
		double cpu_start = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
		double target = w->period_s * w->duty;

		next += w->period_s;
		/* Spin on the thread's own CPU clock, so the burn is CPU time
		 * received, not wall time; give up at the period's end when the
		 * machine is too busy to grant it. */
		while (clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu_start < target &&
		       clock_seconds(CLOCK_MONOTONIC) < next)
			spin_briefly();
		if (clock_seconds(CLOCK_MONOTONIC) > next + w->period_s)
			next = clock_seconds(CLOCK_MONOTONIC); /* fell behind: don't catch up in a burst */
		else
			sleep_until_mono(next);
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
	double duty = 25.0, period_ms = 50.0, seconds = 10.0, log_ms = 50.0;
	const char *log_path = NULL, *ready_path = NULL;
	struct worker workers[MAX_THREADS];
	FILE *log = NULL;
	double end_mono;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			return 0;
		}
		if (i + 1 >= argc) {
			usage(stderr);
			return 2;
		}
		if (strcmp(a, "--threads") == 0)
			nthreads = (int)parse_number(a, argv[++i], 1, MAX_THREADS);
		else if (strcmp(a, "--duty") == 0)
			duty = parse_number(a, argv[++i], 0, 100);
		else if (strcmp(a, "--period-ms") == 0)
			period_ms = parse_number(a, argv[++i], 1, 10000);
		else if (strcmp(a, "--seconds") == 0)
			seconds = parse_number(a, argv[++i], 0.1, 3600);
		else if (strcmp(a, "--log-ms") == 0)
			log_ms = parse_number(a, argv[++i], 1, 10000);
		else if (strcmp(a, "--log") == 0)
			log_path = argv[++i];
		else if (strcmp(a, "--ready") == 0)
			ready_path = argv[++i];
		else if (strcmp(a, "--tag") == 0)
			i++;
		else {
			usage(stderr);
			return 2;
		}
	}

	/* Never outlive the test that started us, nor our own deadline. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	alarm((unsigned)seconds + 5);

	if (log_path) {
		log = fopen(log_path, "w");
		if (!log) {
			perror(log_path);
			return 1;
		}
	}
	end_mono = clock_seconds(CLOCK_MONOTONIC) + seconds;
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
		while (__atomic_load_n(&workers[i].tid, __ATOMIC_ACQUIRE) == 0)
			usleep(1000);
	if (log) {
		fprintf(log, "# pid %d tids", (int)getpid());
		for (i = 0; i < nthreads; i++)
			fprintf(log, " %d", (int)workers[i].tid);
		fprintf(log, "\n# t proc_cpu nvcsw nivcsw");
		for (i = 0; i < nthreads; i++)
			fprintf(log, " thr%d_cpu", i);
		fputc('\n', log);
	}
	if (ready_path) {
		FILE *r = fopen(ready_path, "w");

		if (r)
			fclose(r);
	}
	for (;;) {
		double now = clock_seconds(CLOCK_MONOTONIC);

		/* Stop logging before the workers end: a finished thread's CPU
		 * clock cannot be read. */
		if (now >= end_mono - 0.01)
			break;
		if (log) {
			struct rusage ru;

			/* getrusage(RUSAGE_SELF) sums the switches of all threads */
			if (getrusage(RUSAGE_SELF, &ru) != 0)
				memset(&ru, 0, sizeof(ru));
			fprintf(log, "%.6f %.6f %ld %ld", clock_seconds(CLOCK_REALTIME),
				clock_seconds(CLOCK_PROCESS_CPUTIME_ID), ru.ru_nvcsw, ru.ru_nivcsw);
			for (i = 0; i < nthreads; i++)
				fprintf(log, " %.6f", clock_seconds(workers[i].clock));
			fputc('\n', log);
			fflush(log);
		}
		sleep_until_mono(now + log_ms / 1000.0 < end_mono ? now + log_ms / 1000.0
								  : end_mono);
	}
	for (i = 0; i < nthreads; i++)
		pthread_join(workers[i].thread, NULL);
	if (log)
		fclose(log);
	return 0;
}
