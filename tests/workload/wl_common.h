/* wl_common.h - helpers shared by the workload programs that pidtop's
 * integration tests run (burner, memtouch, netburst, netpair,
 * odirect_writer, spawner, threaded, waker).
 *
 * Each workload is a single small program, so the helpers are static inline
 * functions here rather than a library: a program that does not use one gets
 * no unused-function warning and no extra link step. Messages that name the
 * program take its name as a parameter, so every program prints exactly what
 * it printed before the helpers were shared.
 */
#ifndef PIDTOP_WL_COMMON_H
#define PIDTOP_WL_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* The time of clock id in seconds, or -1 when it cannot be read (a thread's
 * CPU clock after the thread has ended). */
static inline double wl_clock_seconds(clockid_t id)
{
	struct timespec ts;

	if (clock_gettime(id, &ts) != 0)
		return -1.0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps until CLOCK_MONOTONIC reaches t seconds. An absolute deadline keeps
 * a periodic schedule from drifting by the time spent working between sleeps. */
static inline void wl_sleep_until_mono(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	if (ts.tv_nsec >= 1000000000L)
		ts.tv_nsec = 999999999L;
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Sleeps for s seconds of CLOCK_MONOTONIC, signals or not. */
static inline void wl_sleep_seconds(double s)
{
	wl_sleep_until_mono(wl_clock_seconds(CLOCK_MONOTONIC) + s);
}

/* Some user-space work between two reads of the CPU clock: reading
 * CLOCK_THREAD_CPUTIME_ID is a system call, and a loop of nothing else would
 * burn system time rather than user time. */
static inline void wl_spin_briefly(void)
{
	volatile unsigned long sink = 0;
	unsigned long i;

	for (i = 0; i < 20000; i++)
		sink += i;
	(void)sink;
}

/* prog's "PROG: what: strerror(errno)" on stderr, and exit status 1. */
static inline _Noreturn void wl_die(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

/* Writes one formatted line (at most 255 bytes; a longer one is dropped) to
 * the log fd with a single write(), so that processes sharing a log opened
 * with O_APPEND never split each other's lines. fd < 0: no log. */
__attribute__((format(printf, 3, 4)))
static inline void wl_log_line(int fd, const char *prog, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) != n)
		fprintf(stderr, "%s: cannot write the log: %s\n", prog, strerror(errno));
}

/* The value of option opt, given as s, which must be a number in min..max;
 * anything else is a usage error: prog says so and exits with status 2. */
static inline double wl_parse_number(const char *prog, const char *opt, const char *s, double min,
				     double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "%s: bad value for %s: '%s' (expected %g..%g)\n", prog, opt, s, min,
			max);
		exit(2);
	}
	return v;
}

/* The part of the option loop every workload shares, for argv[i]: --help or
 * -h prints the usage and exits 0; any other option takes a value, and one
 * without it is a usage error (exit 2). Returns only when argv[i + 1] exists. */
static inline void wl_check_option(int argc, char **argv, int i, void (*usage)(FILE *))
{
	if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
		usage(stdout);
		exit(0);
	}
	if (i + 1 >= argc) {
		usage(stderr);
		exit(2);
	}
}

/* The options every workload shares: how long it runs, where its truth log
 * goes, and which file it creates once it is in its measured state. */
struct wl_run {
	double seconds;
	const char *log_path;
	const char *ready_path;
};

/* Which of the optional shared options a program accepts (--seconds and
 * --log it always does). --tag takes a word that is ignored: it only marks
 * the command line so a test can find the process. */
enum {
	WL_OPT_READY = 1 << 0,
	WL_OPT_TAG = 1 << 1,
};

/* If argv[*i] is a shared option that the program accepts, stores its value
 * (argv[*i + 1], which wl_check_option has made sure exists) in run, moves
 * *i onto the value and returns 1; otherwise returns 0. */
static inline int wl_run_option(const char *prog, char **argv, int *i, unsigned accept,
				struct wl_run *run)
{
	const char *a = argv[*i];

	if (strcmp(a, "--seconds") == 0)
		run->seconds = wl_parse_number(prog, a, argv[*i + 1], 0.1, 3600);
	else if (strcmp(a, "--log") == 0)
		run->log_path = argv[*i + 1];
	else if ((accept & WL_OPT_READY) && strcmp(a, "--ready") == 0)
		run->ready_path = argv[*i + 1];
	else if (!(accept & WL_OPT_TAG) || strcmp(a, "--tag") != 0)
		return 0;
	(*i)++;
	return 1;
}

/* An unknown option: print the usage to stderr and exit 2. */
static inline _Noreturn void wl_bad_option(void (*usage)(FILE *))
{
	usage(stderr);
	exit(2);
}

/* Never outlive the test that started us, nor our own deadline: SIGTERM when
 * the parent dies, SIGALRM (default action: terminate) 5 s after the planned
 * end of the run. */
static inline void wl_lifetime_guard(double seconds)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	alarm((unsigned)seconds + 5);
}

/* Opens the truth log at path for writing into *log; no path means no log
 * (*log = NULL). Returns -1, after saying why, when the file cannot be
 * opened. */
static inline int wl_open_log(const char *path, FILE **log)
{
	*log = NULL;
	if (!path)
		return 0;
	*log = fopen(path, "w");
	if (!*log) {
		perror(path);
		return -1;
	}
	return 0;
}

/* Creates the empty --ready file (if any) that tells the test the workload
 * is in its measured state. A failure is not reported: the test then times
 * out waiting for the file, which says more than a message would. */
static inline void wl_signal_ready(const char *path)
{
	FILE *r;

	if (!path)
		return;
	r = fopen(path, "w");
	if (r)
		fclose(r);
}

/* A worker thread publishes its tid with wl_publish_tid; the main thread
 * waits for it with wl_wait_tid before it logs the tids or reports ready. */
static inline void wl_publish_tid(pid_t *tid)
{
	__atomic_store_n(tid, gettid(), __ATOMIC_RELEASE);
}

static inline void wl_wait_tid(pid_t *tid)
{
	while (__atomic_load_n(tid, __ATOMIC_ACQUIRE) == 0)
		usleep(1000);
}

#endif
