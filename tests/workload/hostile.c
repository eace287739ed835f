/* hostile - processes shaped to hurt a process viewer, for pidtop's
 * hostile-process tests. One shape a run, then it sleeps until --seconds:
 *
 *   --names          17 children whose names (prctl PR_SET_NAME) hold, between
 *                    them, every byte 0x01..0xff, 15 a child, and whose command
 *                    lines hold every byte 0x00..0xff (0x00 ends each argument)
 *   --cmdline KIB    one child whose command line is KIB KiB long
 *   --fds N          this process holds N more open fds (UNIX socket pairs;
 *                    RLIMIT_NOFILE is raised to fit, which needs
 *                    CAP_SYS_RESOURCE past the hard limit; without it, as
 *                    many as the hard limit lets); --log gets "PID FDS"
 *   --threads N      this process has N more threads, asleep
 *   --chain N        a chain of N processes, each the parent of the next
 *
 * The --ready file appears once the shape is complete; --log gets the pids
 * made, one a line. Everything dies with the parent or after --seconds.
 */
#include <pthread.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "wl_common.h"

static const char prog[] = "hostile";

#define NAME_LEN 15 /* TASK_COMM_LEN - 1 */
#define ARG_MAX_BYTES 65536

static _Noreturn void sleep_forever(void)
{
	for (;;)
		pause();
}

/* A child that sets its name to the bytes first..first+14 (never 0) and
 * sleeps (child_main); its command line holds an empty argument and one of
 * every byte 1..255, so that with the separators it holds every byte. */
static pid_t spawn_named(FILE *log, unsigned first)
{
	static char every[256];
	pid_t pid;

	for (unsigned b = 1; b < 256; b++)
		every[b - 1] = (char)b;
	pid = fork();
	if (pid == 0) {
		char first_s[16];
		char *argv[] = { "hostile-child", first_s, "", every, "\xff\xfe\x1b[2J\x1b]0;t\a",
				 NULL };

		snprintf(first_s, sizeof first_s, "%u", first);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (pid > 0 && log)
		fprintf(log, "%d\n", (int)pid);
	return pid;
}

/* A child whose command line is kib KiB: arguments of 64 KiB at most (the
 * kernel's MAX_ARG_STRLEN is 128 KiB) of 'a'..'z'. */
static pid_t spawn_long(FILE *log, double kib)
{
	size_t total = (size_t)(kib * 1024), nargs = total / ARG_MAX_BYTES + 2, i = 1;
	char **argv = calloc(nargs + 1, sizeof *argv);
	pid_t pid;

	if (!argv)
		wl_die(prog, "calloc");
	argv[0] = "hostile-child";
	/* each argument's bytes plus its terminating 0 count */
	for (size_t left = total - strlen(argv[0]) - 1; left > 0 && i < nargs; i++) {
		size_t n = left > ARG_MAX_BYTES ? ARG_MAX_BYTES : left;
		argv[i] = malloc(n);
		if (!argv[i])
			wl_die(prog, "malloc");
		for (size_t k = 0; k + 1 < n; k++)
			argv[i][k] = (char)('a' + k % 26);
		argv[i][n - 1] = '\0';
		left -= n;
	}
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	if (pid > 0 && log)
		fprintf(log, "%d\n", (int)pid);
	return pid;
}

/* Opens about n fds; fewer when RLIMIT_NOFILE cannot be raised that far
 * (no CAP_SYS_RESOURCE): then as many as the hard limit lets, said on
 * stderr. Returns the count held. */
static long open_fds(double n)
{
	struct rlimit rl;
	long want = (long)n + 64, held = 0;

	getrlimit(RLIMIT_NOFILE, &rl);
	if ((long)rl.rlim_cur < want) {
		struct rlimit up = { (rlim_t)want, rl.rlim_max > (rlim_t)want ? rl.rlim_max : (rlim_t)want };

		if (setrlimit(RLIMIT_NOFILE, &up) != 0) {
			fprintf(stderr, "%s: cannot raise RLIMIT_NOFILE to %ld (%s): %ld fds only\n",
				prog, want, strerror(errno), (long)rl.rlim_max - 64);
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			n = (double)rl.rlim_max - 64;
		}
	}
	for (; held + 1 < (long)n; held += 2) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			wl_die(prog, "socketpair");
	}
	return held;
}

static void *asleep(void *arg)
{
	sleep_forever();
	return arg;
}

static void start_threads(double n)
{
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (long i = 0; i < (long)n; i++) {
		pthread_t t;
		int rc = pthread_create(&t, &attr, asleep, NULL);

		if (rc != 0) {
			errno = rc;
			wl_die(prog, "pthread_create");
		}
	}
	pthread_attr_destroy(&attr);
}

/* This process becomes the head of a chain of left links: each forks the
 * next and waits for it; the last one makes the ready file. Each new link
 * execs this program anew before it forks: forking from a fork of a fork
 * slowed with the depth (1,200 links took 18 s here, most likely the
 * kernel's anon_vma chains: one more link to the ancestors' memory in each
 * area); a fresh image starts with none (5,000 links in 8 s). */
static _Noreturn void make_chain(long left, const char *ready)
{
	if (left <= 1) {
		wl_signal_ready(ready);
		sleep_forever();
	}
	pid_t parent = getpid(), pid = fork();

	if (pid < 0)
		wl_die(prog, "fork");
	if (pid > 0) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	/* a link whose parent is gone must not go on (kept across the exec) */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	char n[24];
	snprintf(n, sizeof n, "%ld", left - 1);
	char *argv[] = { "hostile-link", n, (char *)(ready ? ready : ""), NULL };
	execv("/proc/self/exe", argv);
	_exit(127);
}

static _Noreturn void child_main(int argc, char **argv)
{
	char name[NAME_LEN + 1] = { 0 };
	unsigned first = argc > 1 ? (unsigned)atoi(argv[1]) : 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (first > 0 && first < 256) {
		for (unsigned i = 0; i < NAME_LEN && first + i < 256; i++)
			name[i] = (char)(first + i);
		prctl(PR_SET_NAME, name);
	}
	for (;;)
		pause();
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: hostile (--names | --cmdline KIB | --fds N | --threads N | --chain N)\n"
		   "               [--seconds S] [--ready FILE] [--log FILE]\n"
		   "Makes one shape of process that hurts a process viewer and sleeps S seconds.\n");
}

int main(int argc, char **argv)
{
	struct wl_run run = { .seconds = 60 };
	const char *shape = NULL;
	double value = 0;
	FILE *log = NULL;

	if (strcmp(argv[0], "hostile-child") == 0)
		child_main(argc, argv);
	if (strcmp(argv[0], "hostile-link") == 0 && argc == 3) {
		prctl(PR_SET_NAME, "hostile-link");
		make_chain(atol(argv[1]), argv[2][0] ? argv[2] : NULL);
	}
	for (int a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--names") == 0) {
			shape = argv[a];
			continue;
		}
		wl_check_option(argc, argv, a, usage);
		if (wl_run_option(prog, argv, &a, WL_OPT_READY, &run))
			continue;
		if (strcmp(argv[a], "--cmdline") != 0 && strcmp(argv[a], "--fds") != 0 &&
		    strcmp(argv[a], "--threads") != 0 && strcmp(argv[a], "--chain") != 0)
			wl_bad_option(usage);
		shape = argv[a];
		value = wl_parse_number(prog, argv[a], argv[a + 1], 1, 1e7);
		a++;
	}
	if (!shape)
		wl_bad_option(usage);
	wl_lifetime_guard(run.seconds);
	if (wl_open_log(run.log_path, &log) != 0)
		return 1;
	if (strcmp(shape, "--names") == 0) {
		for (unsigned first = 1; first < 256; first += NAME_LEN)
			if (spawn_named(log, first) < 0)
				wl_die(prog, "fork");
	} else if (strcmp(shape, "--cmdline") == 0) {
		if (spawn_long(log, value) < 0)
			wl_die(prog, "fork");
	} else if (strcmp(shape, "--fds") == 0) {
		long held = open_fds(value);

		if (log)
			fprintf(log, "%d %ld\n", (int)getpid(), held);
	} else if (strcmp(shape, "--threads") == 0) {
		start_threads(value);
	} else {
		if (log)
			fclose(log);
		make_chain((long)value, run.ready_path);
	}
	if (log)
		fclose(log);
	wl_sleep_seconds(0.3); /* the children have exec'd and named themselves */
	wl_signal_ready(run.ready_path);
	wl_sleep_seconds(run.seconds);
	return 0;
}
