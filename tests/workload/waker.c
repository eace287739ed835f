/* waker - a single-threaded process that sleeps and wakes at a known rate,
 * for pidtop's integration tests. Each sleep is one voluntary context
 * switch. With --rate 0 it is an idle process: one sleep for the whole run.
 *
 * The truth log records, with wall-clock times, the wake-ups done and the
 * context switches the kernel counted for us (getrusage ru_nvcsw and
 * ru_nivcsw). The program always stops by itself after --seconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

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

static double parse_number(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "waker: bad value for %s: '%s' (expected %g..%g)\n", opt, s, min,
			max);
		exit(2);
	}
	return v;
}

static void log_line(FILE *log, uint64_t wakeups)
{
	struct rusage ru;

	if (!log || getrusage(RUSAGE_SELF, &ru) != 0)
		return;
	fprintf(log, "%.6f %llu %ld %ld %.6f\n", clock_seconds(CLOCK_REALTIME),
		(unsigned long long)wakeups, ru.ru_nvcsw, ru.ru_nivcsw,
		clock_seconds(CLOCK_PROCESS_CPUTIME_ID));
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
	double rate = 200, seconds = 10;
	const char *log_path = NULL, *ready_path = NULL;
	FILE *log = NULL;
	uint64_t wakeups = 0, per_log;
	double start, next;
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
		if (strcmp(a, "--rate") == 0)
			rate = parse_number(a, argv[++i], 0, 100000);
		else if (strcmp(a, "--seconds") == 0)
			seconds = parse_number(a, argv[++i], 0.1, 3600);
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

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	alarm((unsigned)seconds + 5);
	if (log_path) {
		log = fopen(log_path, "w");
		if (!log) {
			perror(log_path);
			return 1;
		}
		fprintf(log, "# pid %d\n# t wakeups nvcsw nivcsw proc_cpu\n", (int)getpid());
	}
	if (ready_path) {
		FILE *r = fopen(ready_path, "w");

		if (r)
			fclose(r);
	}
	start = clock_seconds(CLOCK_MONOTONIC);
	log_line(log, 0);
	if (rate <= 0) {
		sleep_until_mono(start + seconds);
		log_line(log, 0);
		return 0;
	}
	/* Log every ~50 ms: writing to a file does not block, so logging adds
	 * no context switch of its own. */
	per_log = (uint64_t)(rate / 20.0) + 1;
	next = start;
	for (;;) {
		next += 1.0 / rate;
		if (next < clock_seconds(CLOCK_MONOTONIC) - 1.0 / rate)
			next = clock_seconds(CLOCK_MONOTONIC); /* busy machine: skip missed wake-ups */
		if (next >= start + seconds)
			break;
		sleep_until_mono(next);
		wakeups++;
		if (wakeups % per_log == 0)
			log_line(log, wakeups);
	}
	log_line(log, wakeups);
	if (log)
		fclose(log);
	return 0;
}
