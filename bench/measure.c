/*
 * measure: run one command and report the CPU time and peak memory it used.
 *
 *   measure [--pty [COLSxROWS]] [--out FILE] [--timeout SECS] -- COMMAND [ARG...]
 *
 * The command runs with stdin from /dev/null and stdout and stderr to
 * /dev/null (or FILE), or, with --pty, on the slave side of a fresh
 * pseudo-terminal of the given size (200x50 by default) whose output we
 * read and discard (or copy to FILE). We wait with wait4() and print one
 * line on stdout:
 *
 *   cpu_ms=12.345 user_ms=10.000 sys_ms=2.345 maxrss_kb=3456 wall_ms=1503.2 status=0
 *
 * cpu_ms = ru_utime + ru_stime of the command and every descendant it
 * waited for; maxrss_kb = ru_maxrss, the largest resident set of any of
 * them (kernel/sys.c getrusage: RUSAGE_CHILDREN keeps the maximum). The
 * fork copies our own small resident set first, so the figure cannot go
 * below measure's own RSS (about 1 MiB). status is the exit status, or
 * 128+N for death by signal N, or "timeout" when --timeout killed it.
 * Exit status: 0 when the figures were taken, 1 when the command could not
 * be run, 2 on bad usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct measure_opts {
	int pty;
	unsigned short cols, rows;
	const char *out;
	double timeout_s; /* 0: none */
	char **argv;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: measure [--pty [COLSxROWS]] [--out FILE] [--timeout SECONDS] -- COMMAND "
	           "[ARG...]\n");
}

static int parse_size(const char *s, unsigned short *cols, unsigned short *rows)
{
	unsigned c, r;
	char tail;
	if (sscanf(s, "%ux%u%c", &c, &r, &tail) != 2 || c < 1 || r < 1 || c > 1000 || r > 1000)
		return -1;
	*cols = (unsigned short)c;
	*rows = (unsigned short)r;
	return 0;
}

static int parse_args(int argc, char **argv, struct measure_opts *o)
{
	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--pty") == 0) {
			o->pty = 1;
			if (i + 1 < argc && parse_size(argv[i + 1], &o->cols, &o->rows) == 0)
				i++;
		} else if (strcmp(a, "--out") == 0 && i + 1 < argc) {
			o->out = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			char *end;
			errno = 0;
			o->timeout_s = strtod(argv[++i], &end);
			if (errno || end == argv[i] || *end ||
			    !(o->timeout_s > 0 && o->timeout_s < 1e6)) {
				fprintf(stderr, "measure: bad timeout '%s'\n", argv[i]);
				return -1;
			}
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else if (a[0] == '-') {
			fprintf(stderr, "measure: unknown option '%s'\n", a);
			return -1;
		} else {
			break;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "measure: no command given\n");
		return -1;
	}
	o->argv = argv + i;
	return 0;
}

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

/* In the child: exec the command, or report why not with status 127. */
static void exec_command(char **argv)
{
	execvp(argv[0], argv);
	fprintf(stderr, "measure: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static int open_sink(const char *out)
{
	if (!out)
		return open("/dev/null", O_WRONLY | O_CLOEXEC);
	return open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
}

static pid_t start_plain(const struct measure_opts *o)
{
	int sink = open_sink(o->out);
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (sink < 0 || in < 0) {
		fprintf(stderr, "measure: %s: %s\n", o->out ? o->out : "/dev/null",
		        strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0)
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
	if (pid == 0) {
		if (dup2(in, 0) < 0 || dup2(sink, 1) < 0 || dup2(sink, 2) < 0)
			_exit(127);
		exec_command(o->argv);
	}
	close(in);
	close(sink);
	return pid;
}

static pid_t start_pty(const struct measure_opts *o, int *master, int *sink)
{
	struct winsize ws = {.ws_row = o->rows, .ws_col = o->cols};
	*sink = -1;
	if (o->out) {
		*sink = open_sink(o->out);
		if (*sink < 0) {
			fprintf(stderr, "measure: %s: %s\n", o->out, strerror(errno));
			return -1;
		}
	}
	pid_t pid = forkpty(master, NULL, NULL, &ws);
	if (pid < 0)
		fprintf(stderr, "measure: forkpty: %s\n", strerror(errno));
	if (pid == 0)
		exec_command(o->argv);
	if (pid > 0)
		fcntl(*master, F_SETFD, FD_CLOEXEC);
	return pid;
}

/* Drain the terminal so the command never blocks on a full pty buffer.
 * Returns when the slave side is closed by everybody (EIO) or on timeout. */
static void drain_pty(int master, int sink, double deadline_ms)
{
	char buf[16384];
	for (;;) {
		int wait_ms = -1;
		if (deadline_ms > 0) {
			double left = deadline_ms - now_ms();
			if (left <= 0)
				return;
			wait_ms = (int)left + 1;
		}
		struct pollfd p = {.fd = master, .events = POLLIN};
		int r = poll(&p, 1, wait_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		ssize_t n = read(master, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		if (sink >= 0 && write(sink, buf, (size_t)n) < 0)
			sink = -1;
	}
}

static volatile sig_atomic_t alarm_fired;

static void on_alarm(int sig)
{
	(void)sig;
	alarm_fired = 1;
}

static void arm_timeout(double s)
{
	struct sigaction sa = {.sa_handler = on_alarm};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: wait4 returns EINTR */
	struct itimerval it = {0};
	it.it_value.tv_sec = (time_t)s;
	it.it_value.tv_usec = (suseconds_t)((s - (double)(time_t)s) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
}

/* Wait for pid; on timeout send SIGTERM, then SIGKILL a second later. */
static pid_t wait_child(pid_t pid, int *status, struct rusage *ru, int *timed_out)
{
	int stage = 0;
	for (;;) {
		pid_t r = wait4(pid, status, 0, ru);
		if (r == pid || (r < 0 && errno != EINTR))
			return r;
		if (alarm_fired) {
			alarm_fired = 0;
			*timed_out = 1;
			kill(pid, stage == 0 ? SIGTERM : SIGKILL);
			if (stage++ == 0)
				arm_timeout(1.0);
		}
	}
}

int main(int argc, char **argv)
{
	struct measure_opts o = {.cols = 200, .rows = 50};
	if (parse_args(argc, argv, &o) < 0) {
		usage(stderr);
		return 2;
	}

	int master = -1, sink = -1, timed_out = 0;
	double start = now_ms();
	double deadline = o.timeout_s > 0 ? start + o.timeout_s * 1e3 : 0;
	pid_t pid = o.pty ? start_pty(&o, &master, &sink) : start_plain(&o);
	if (pid < 0)
		return 1;
	if (master >= 0) {
		drain_pty(master, sink, deadline);
		if (deadline > 0 && now_ms() >= deadline) {
			timed_out = 1;
			kill(pid, SIGTERM);
			drain_pty(master, sink, now_ms() + 1000);
			kill(pid, SIGKILL);
		} else if (deadline > 0) {
			/* The terminal closed; the command may still be running. */
			arm_timeout((deadline - now_ms()) / 1e3);
		}
	} else if (o.timeout_s > 0) {
		arm_timeout(o.timeout_s);
	}

	int status = 0;
	struct rusage ru;
	if (wait_child(pid, &status, &ru, &timed_out) != pid) {
		fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
		return 1;
	}
	double wall = now_ms() - start;
	if (master >= 0)
		close(master);
	if (sink >= 0)
		close(sink);

	char st[32];
	if (timed_out)
		snprintf(st, sizeof(st), "timeout");
	else if (WIFEXITED(status))
		snprintf(st, sizeof(st), "%d", WEXITSTATUS(status));
	else
		snprintf(st, sizeof(st), "%d", 128 + WTERMSIG(status));
	double user = tv_ms(ru.ru_utime), sys = tv_ms(ru.ru_stime);
	printf("cpu_ms=%.3f user_ms=%.3f sys_ms=%.3f maxrss_kb=%ld wall_ms=%.1f status=%s\n",
	       user + sys, user, sys, ru.ru_maxrss, wall, st);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !timed_out)
		return 1;
	return 0;
}
