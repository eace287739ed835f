/*
 * population: a synthetic task population for the refresh benchmark.
 *
 * Forks PROCS processes of TASKS tasks each (the main thread plus TASKS-1
 * threads). Nearly every task blocks in pause() and never runs again; a
 * few worker threads, spread evenly over the processes, wake every period,
 * burn a small slice of CPU time and, about once a second, write and read
 * back a few KiB of a private unlinked file. The defaults (1% of the tasks,
 * each waking 5 times a second for 0.5 ms of CPU) make every busy task run
 * in every refresh interval of 0.2 s or more while the whole population
 * costs an eighth of one CPU: a viewer's shortcut cost depends on how many
 * tasks ran, not on how much, and on a small shared machine a heavier
 * population would queue behind other work and disturb what is measured. Busy work sits in worker
 * threads while their main thread sleeps, which is the case a per-process
 * "did it run" probe must not miss.
 *
 * The population process makes itself a process-group leader, so that
 * `kill -- -PGID` removes everything at once; each child also dies with its
 * parent (PR_SET_PDEATHSIG), and the parent kills its children on SIGTERM,
 * SIGINT, SIGHUP or when --seconds runs out. "ready ..." is printed on
 * stdout once every task exists.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct pop_config {
	long procs;
	long tasks_per_proc;
	double busy_pct; /* share of all tasks that are busy, in percent */
	double duty_pct; /* CPU each busy task burns, 100 = one CPU */
	long period_ms;  /* busy tasks wake this often */
	long io_bytes;   /* written and read back by each busy task about once a second */
	const char *io_dir;
	long stack_kb;
	double seconds; /* 0: until killed */
};

/* Per-child state, set in the child after fork and shared by its threads. */
static struct pop_config cfg;
static int child_io_fd = -1;

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: population [-p PROCS] [-t TASKS] [--busy-pct P] [--duty-pct D]\n"
	        "                  [--period-ms MS] [--io-bytes B] [--io-dir DIR]\n"
	        "                  [--stack-kb K] [--seconds S]\n"
	        "  PROCS processes (1000) of TASKS tasks each, main thread included (5);\n"
	        "  P%% of all tasks (1) are busy: every MS ms (200) they burn D%% of a CPU (0.25)\n"
	        "  and about once a second write and read back B bytes (4096) of an\n"
	        "  unlinked file in DIR (/var/tmp); thread stacks of K KiB (64).\n"
	        "  Prints 'ready' when all tasks exist; runs until killed or S seconds.\n");
}

static int parse_num(const char *name, const char *v, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (errno || end == v || *end || !(x >= lo && x <= hi)) {
		fprintf(stderr, "population: bad %s '%s' (want %g..%g)\n", name, v, lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int parse_args(int argc, char **argv, struct pop_config *c)
{
	static const struct {
		const char *shrt, *lng;
		double lo, hi;
		int integer;
	} opts[] = {
	    {"-p", "--procs", 1, 100000, 1},    {"-t", "--tasks", 1, 10000, 1},
	    {NULL, "--busy-pct", 0, 100, 0},    {NULL, "--duty-pct", 0, 100, 0},
	    {NULL, "--period-ms", 1, 10000, 1}, {NULL, "--io-bytes", 0, 1 << 20, 1},
	    {NULL, "--stack-kb", 16, 65536, 1}, {NULL, "--seconds", 0, 1e7, 0},
	};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(a, "--io-dir") == 0 && i + 1 < argc) {
			c->io_dir = argv[++i];
			continue;
		}
		size_t k;
		for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
			if ((opts[k].shrt && strcmp(a, opts[k].shrt) == 0) ||
			    strcmp(a, opts[k].lng) == 0)
				break;
		if (k == sizeof(opts) / sizeof(opts[0]) || i + 1 >= argc) {
			fprintf(stderr, "population: unknown argument or missing value '%s'\n", a);
			return -1;
		}
		double x;
		if (parse_num(opts[k].lng + 2, argv[++i], opts[k].lo, opts[k].hi, &x) < 0)
			return -1;
		if (opts[k].integer && x != (double)(long)x) {
			fprintf(stderr, "population: %s wants an integer, not '%s'\n", a, argv[i]);
			return -1;
		}
		switch (k) {
		case 0:
			c->procs = (long)x;
			break;
		case 1:
			c->tasks_per_proc = (long)x;
			break;
		case 2:
			c->busy_pct = x;
			break;
		case 3:
			c->duty_pct = x;
			break;
		case 4:
			c->period_ms = (long)x;
			break;
		case 5:
			c->io_bytes = (long)x;
			break;
		case 6:
			c->stack_kb = (long)x;
			break;
		default:
			c->seconds = x;
			break;
		}
	}
	return 0;
}

static long read_long_file(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Tasks that exist now: the fourth field of /proc/loadavg is
 * "runnable/total" scheduling entities (fs/proc/loadavg.c). */
static long current_tasks(void)
{
	char buf[128];
	int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *slash = strchr(buf, '/');
	return slash ? strtol(slash + 1, NULL, 10) : -1;
}

/* MemAvailable from /proc/meminfo, in KiB. */
static long mem_available_kb(void)
{
	char buf[4096];
	int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strstr(buf, "MemAvailable:");
	return p ? strtol(p + strlen("MemAvailable:"), NULL, 10) : -1;
}

/* Refuse a population the machine cannot hold, with the limit named,
 * instead of failing half-way through the forks. */
static int check_limits(long total)
{
	const long margin = 1000; /* leave room for everybody else */
	long now = current_tasks();
	long pid_max = read_long_file("/proc/sys/kernel/pid_max");
	long threads_max = read_long_file("/proc/sys/kernel/threads-max");
	if (now < 0)
		now = 0;
	if (pid_max > 0 && total + now + margin > pid_max) {
		fprintf(stderr, "population: %ld tasks + %ld existing exceed kernel.pid_max %ld\n",
		        total, now, pid_max);
		return -1;
	}
	if (threads_max > 0 && total + now + margin > threads_max) {
		fprintf(stderr,
		        "population: %ld tasks + %ld existing exceed kernel.threads-max %ld\n",
		        total, now, threads_max);
		return -1;
	}
	struct rlimit rl;
	if (geteuid() != 0 && getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)(total + margin) > rl.rlim_cur) {
		fprintf(stderr, "population: %ld tasks exceed ulimit -u %llu (raise it)\n", total,
		        (unsigned long long)rl.rlim_cur);
		return -1;
	}
	/* Per task: the thread stack we map (touched only in part), the
	 * kernel stack (16 KiB on x86-64) and task_struct and friends. */
	long per_task_kb = cfg.stack_kb / 4 + 32;
	long avail = mem_available_kb();
	if (avail > 0 && total * per_task_kb > avail / 2) {
		fprintf(
		    stderr,
		    "population: %ld tasks need about %ld MiB, over half of MemAvailable %ld MiB\n",
		    total, total * per_task_kb / 1024, avail / 1024);
		return -1;
	}
	return 0;
}

static void add_ns(struct timespec *t, long long ns)
{
	ns += t->tv_nsec;
	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec = (long)(ns % 1000000000LL);
}

static long long thread_cpu_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Burn until this thread has used ns of CPU time. Checks the clock only
 * every few thousand iterations: reading the thread CPU clock is a system
 * call and would turn user time into system time. */
static void burn(long long ns)
{
	volatile uint64_t x = 0;
	long long until = thread_cpu_ns() + ns;
	do {
		for (int i = 0; i < 4000; i++)
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	} while (thread_cpu_ns() < until);
}

static void *busy_main(void *arg)
{
	long index = (long)(intptr_t)arg;
	long long period_ns = cfg.period_ms * 1000000LL;
	long long burn_ns = (long long)(period_ns * cfg.duty_pct / 100.0);
	long io_every = 1000 / cfg.period_ms > 0 ? 1000 / cfg.period_ms : 1;
	/* A 64 KiB window of the file: writeback stays tiny however long we run. */
	const long window = 64 * 1024;
	char io_buf[4096];
	long tick = 0;

	memset(io_buf, 'p', sizeof(io_buf));
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	/* Spread the wake-ups over the period instead of waking all together. */
	add_ns(&next, (index * 7919LL % 1000) * period_ns / 1000);
	for (;;) {
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		add_ns(&next, period_ns);
		if (burn_ns > 0)
			burn(burn_ns);
		if (child_io_fd >= 0 && cfg.io_bytes > 0 && ++tick % io_every == 0) {
			off_t off = (off_t)((tick / io_every * 4096) % window);
			for (long done = 0; done < cfg.io_bytes;) {
				size_t n = (size_t)(cfg.io_bytes - done);
				if (n > sizeof(io_buf))
					n = sizeof(io_buf);
				if (pwrite(child_io_fd, io_buf, n, off) < 0 ||
				    pread(child_io_fd, io_buf, n, off) < 0)
					break;
				done += (long)n;
			}
		}
	}
	return NULL;
}

static void *idle_main(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int open_io_file(void)
{
	int fd = open(cfg.io_dir, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* Filesystems without O_TMPFILE: create, then unlink at once. */
	size_t len = strlen(cfg.io_dir) + sizeof("/population.XXXXXX");
	char *path = malloc(len);
	if (!path)
		return -1;
	snprintf(path, len, "%s/population.XXXXXX", cfg.io_dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

/* The body of one child process: nbusy of its TASKS tasks are busy, the
 * workers first; the main thread is busy only when it is the only task. */
static void child_main(int ready_fd, pid_t parent, long first_index, long nbusy)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	if (nbusy > 0 && cfg.io_bytes > 0)
		child_io_fd = open_io_file();

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	long min_stack = sysconf(_SC_THREAD_STACK_MIN);
	size_t stack = (size_t)cfg.stack_kb * 1024;
	if (min_stack > 0 && stack < (size_t)min_stack)
		stack = (size_t)min_stack;
	pthread_attr_setstacksize(&attr, stack);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

	char status = 'r';
	for (long t = 1; t < cfg.tasks_per_proc; t++) {
		pthread_t th;
		int busy = t <= nbusy;
		void *arg = (void *)(intptr_t)(first_index + t);
		if (pthread_create(&th, &attr, busy ? busy_main : idle_main, arg) != 0) {
			status = 'E';
			break;
		}
	}
	pthread_attr_destroy(&attr);
	if (write(ready_fd, &status, 1) != 1 || status != 'r')
		_exit(1);
	close(ready_fd);
	if (cfg.tasks_per_proc == 1 && nbusy > 0)
		busy_main((void *)(intptr_t)first_index);
	for (;;)
		pause();
}

static void kill_children(const pid_t *kids, long n)
{
	for (long i = 0; i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	cfg = (struct pop_config){
	    .procs = 1000,
	    .tasks_per_proc = 5,
	    .busy_pct = 1,
	    .duty_pct = 0.25,
	    .period_ms = 200,
	    .io_bytes = 4096,
	    .io_dir = "/var/tmp",
	    .stack_kb = 64,
	};
	if (parse_args(argc, argv, &cfg) < 0) {
		usage(stderr);
		return 2;
	}
	if (cfg.procs > LONG_MAX / cfg.tasks_per_proc) {
		fprintf(stderr, "population: too many tasks\n");
		return 2;
	}
	long total = cfg.procs * cfg.tasks_per_proc;
	long busy_total = (long)(total * cfg.busy_pct / 100.0 + 0.5);
	long max_busy = cfg.tasks_per_proc > 1 ? cfg.procs * (cfg.tasks_per_proc - 1) : cfg.procs;
	if (busy_total > max_busy)
		busy_total = max_busy;
	if (check_limits(total) < 0)
		return 1;
	if (busy_total > 0 && cfg.io_bytes > 0) {
		/* Find out once, here, whether the busy tasks can do their I/O. */
		int fd = open_io_file();
		if (fd < 0) {
			fprintf(stderr,
			        "population: no I/O file in %s (%s): busy tasks only burn CPU\n",
			        cfg.io_dir, strerror(errno));
			cfg.io_bytes = 0;
		} else {
			close(fd);
		}
	}

	/* Our own process group: one kill(-pgid) removes the population. It
	 * fails harmlessly when we already lead a session. */
	setpgid(0, 0);

	sigset_t wait_set;
	sigemptyset(&wait_set);
	sigaddset(&wait_set, SIGTERM);
	sigaddset(&wait_set, SIGINT);
	sigaddset(&wait_set, SIGHUP);
	sigaddset(&wait_set, SIGALRM);
	sigprocmask(SIG_BLOCK, &wait_set, NULL);

	pid_t *kids = calloc((size_t)cfg.procs, sizeof(*kids));
	int ready[2];
	if (!kids || pipe2(ready, O_CLOEXEC) < 0) {
		perror("population");
		return 1;
	}
	pid_t self = getpid();
	long started = 0;
	for (long i = 0; i < cfg.procs; i++) {
		/* Busy tasks spread evenly: process i gets the difference of
		 * the running totals, so their sum is exactly busy_total. */
		long nbusy = (i + 1) * busy_total / cfg.procs - i * busy_total / cfg.procs;
		pid_t pid = fork();
		if (pid < 0) {
			fprintf(stderr, "population: fork %ld of %ld: %s\n", i + 1, cfg.procs,
			        strerror(errno));
			kill_children(kids, started);
			return 1;
		}
		if (pid == 0) {
			sigprocmask(SIG_UNBLOCK, &wait_set, NULL);
			close(ready[0]);
			child_main(ready[1], self, i * cfg.tasks_per_proc, nbusy);
		}
		kids[i] = pid;
		started++;
	}
	close(ready[1]);

	long ok = 0, failed = 0;
	while (ok + failed < cfg.procs) {
		char buf[256];
		ssize_t n = read(ready[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n; k++) {
			if (buf[k] == 'r')
				ok++;
			else
				failed++;
		}
	}
	close(ready[0]);
	if (ok != cfg.procs) {
		fprintf(stderr,
		        "population: only %ld of %ld processes started all their threads "
		        "(raise the limits or lower -p/-t)\n",
		        ok, cfg.procs);
		kill_children(kids, started);
		return 1;
	}
	printf("ready: %ld processes x %ld tasks = %ld tasks, %ld busy (%.3g%% CPU each every "
	       "%ld ms, %ld I/O bytes/s), pgid %d\n",
	       cfg.procs, cfg.tasks_per_proc, total, busy_total, cfg.duty_pct, cfg.period_ms,
	       cfg.io_bytes, (int)getpgrp());
	fflush(stdout);

	if (cfg.seconds > 0) {
		struct itimerval it = {0};
		it.it_value.tv_sec = (time_t)cfg.seconds;
		it.it_value.tv_usec =
		    (suseconds_t)((cfg.seconds - (double)(time_t)cfg.seconds) * 1e6);
		setitimer(ITIMER_REAL, &it, NULL);
	}
	int sig = 0;
	sigwait(&wait_set, &sig);
	kill_children(kids, started);
	free(kids);
	return 0;
}
