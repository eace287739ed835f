/* lifespan - children that each live about a second doing a known amount
 * of work: the tasks that are born between two of pidtop's samples and are
 * seen alive at one of them before they end.
 *
 * Every --gap-ms the parent forks a child that, for --life-ms, either burns
 * --cpu-ms of CPU time (mode cpu) or writes --kib KiB with fsync in 16 even
 * steps (mode write), spread over --threads threads (the main thread plus
 * workers, which end before the child does). The parent reaps each child
 * with wait4() and logs what it did, measured by the kernel:
 *   'child PID CPU_S WRITE_BYTES T'
 * CPU_S is the child's user + system time from its rusage (all threads);
 * WRITE_BYTES is what it wrote and fsynced; T when it was reaped (wall-clock
 * seconds since the epoch). The run stops after --children
 * children or --seconds, whichever comes first. With --zombie-ms the parent
 * reaps nobody until that long after its last fork: the children that have
 * ended wait as zombies meanwhile.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include "wl_common.h"

static const char prog[] = "lifespan";

struct job {
	const char *dir;
	int mode_write;
	double cpu_s, life_s;
	long kib;
	int index;
	int failed;
};

static void burn_cpu(double cpu_s, double life_s)
{
	double c0 = wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID);
	double t0 = wl_clock_seconds(CLOCK_MONOTONIC);

	while (wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0 < cpu_s) {
		wl_spin_briefly();
		if (wl_clock_seconds(CLOCK_MONOTONIC) - t0 > life_s + 5)
			break; /* starved far beyond plan: give up rather than run on */
	}
}

static int write_paced(const struct job *j)
{
	char path[4096];
	static char block[65536];
	long left = j->kib * 1024, step = left / 16;
	double t0 = wl_clock_seconds(CLOCK_MONOTONIC);

	snprintf(path, sizeof path, "%s/lifespan.%d.%d", j->dir, (int)getpid(), j->index);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return 1;
	memset(block, 'x', sizeof block);
	for (int s = 0; s < 16 && left > 0; s++) {
		long chunk = s == 15 ? left : step;
		while (chunk > 0) {
			ssize_t n = write(fd, block,
					  chunk < (long)sizeof block ? (size_t)chunk : sizeof block);
			if (n <= 0) {
				close(fd);
				return 1;
			}
			chunk -= n;
			left -= n;
		}
		if (fsync(fd) != 0) {
			close(fd);
			return 1;
		}
		wl_sleep_until_mono(t0 + j->life_s * (s + 1) / 16.0);
	}
	close(fd);
	unlink(path); /* after fsync: the bytes were written, none cancelled */
	return 0;
}

static void *work(void *arg)
{
	struct job *j = arg;

	if (j->mode_write)
		j->failed = write_paced(j);
	else
		burn_cpu(j->cpu_s, j->life_s);
	return NULL;
}

static int child_main(struct job job, int nthreads)
{
	pthread_t th[16];
	struct job jobs[16];
	int started = 0;

	prctl(PR_SET_NAME, "lifespan-child");
	job.cpu_s /= nthreads;
	job.kib /= nthreads;
	for (int i = 1; i < nthreads; i++) {
		jobs[i] = job;
		jobs[i].index = i;
		if (pthread_create(&th[i], NULL, work, &jobs[i]) != 0)
			return 1;
		started = i;
	}
	jobs[0] = job;
	work(&jobs[0]);
	int failed = jobs[0].failed;
	for (int i = 1; i <= started; i++) {
		pthread_join(th[i], NULL);
		failed |= jobs[i].failed;
	}
	return failed;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: lifespan --mode cpu|write [--children N] [--gap-ms MS] [--life-ms MS]\n"
		   "       [--cpu-ms MS] [--kib KIB] [--threads T] [--zombie-ms MS] [--dir DIR]\n"
		   "       [--seconds S] [--log FILE]\n"
		   "Forks a child every MS ms (default 700), N in all (default 8); each lives\n"
		   "--life-ms (default 1000) burning --cpu-ms of CPU (default 600) or writing\n"
		   "--kib KiB (default 16384) with fsync in 16 steps to a file in DIR (default .),\n"
		   "over T threads (default 1). --zombie-ms: reap nobody until MS after the last\n"
		   "fork. --log: 'child PID CPU_S WRITE_BYTES T' per child.\n");
}

/* Reaps one child (waiting when block), logging what the kernel says it
 * used. Returns its pid, or 0 when none was ready. */
static pid_t reap_one(FILE *log, const struct job *job, int nthreads, int block, int *failed)
{
	int status;
	struct rusage ru;
	pid_t done = wait4(-1, &status, block ? 0 : WNOHANG, &ru);
	if (done <= 0)
		return 0;
	int ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	*failed |= !ok;
	double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
		     (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	long bytes = job->mode_write && ok ? job->kib / nthreads * nthreads * 1024 : 0L;
	if (log) {
		fprintf(log, "child %d %.6f %ld %.6f\n", (int)done, cpu, bytes,
			wl_clock_seconds(CLOCK_REALTIME));
		fflush(log);
	}
	return done;
}

int main(int argc, char **argv)
{
	struct wl_run run = { .seconds = 60 };
	struct job job = { .dir = ".", .cpu_s = 0.6, .life_s = 1.0, .kib = 16384 };
	double gap_s = 0.7, zombie_s = -1;
	int children = 8, nthreads = 1, mode_set = 0;
	FILE *log = NULL;

	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];

		wl_check_option(argc, argv, a, usage);
		if (wl_run_option(prog, argv, &a, 0, &run))
			continue;
		const char *v = argv[++a];
		if (strcmp(o, "--mode") == 0) {
			if (strcmp(v, "cpu") != 0 && strcmp(v, "write") != 0)
				wl_bad_option(usage);
			job.mode_write = strcmp(v, "write") == 0;
			mode_set = 1;
		} else if (strcmp(o, "--children") == 0)
			children = (int)wl_parse_number(prog, o, v, 1, 10000);
		else if (strcmp(o, "--gap-ms") == 0)
			gap_s = wl_parse_number(prog, o, v, 1, 600000) / 1000.0;
		else if (strcmp(o, "--life-ms") == 0)
			job.life_s = wl_parse_number(prog, o, v, 10, 600000) / 1000.0;
		else if (strcmp(o, "--cpu-ms") == 0)
			job.cpu_s = wl_parse_number(prog, o, v, 1, 600000) / 1000.0;
		else if (strcmp(o, "--kib") == 0)
			job.kib = (long)wl_parse_number(prog, o, v, 16, 4194304);
		else if (strcmp(o, "--threads") == 0)
			nthreads = (int)wl_parse_number(prog, o, v, 1, 16);
		else if (strcmp(o, "--zombie-ms") == 0)
			zombie_s = wl_parse_number(prog, o, v, 0, 600000) / 1000.0;
		else if (strcmp(o, "--dir") == 0)
			job.dir = v;
		else
			wl_bad_option(usage);
	}
	if (!mode_set)
		wl_bad_option(usage);
	wl_lifetime_guard(run.seconds);
	if (wl_open_log(run.log_path, &log) != 0)
		return 1;

	double start = wl_clock_seconds(CLOCK_MONOTONIC);
	int failed = 0, live = 0;
	for (int i = 0; i < children && wl_clock_seconds(CLOCK_MONOTONIC) < start + run.seconds;
	     i++) {
		if (log)
			fflush(log); /* the child must not inherit unwritten lines */
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			_exit(child_main(job, nthreads));
		}
		if (pid > 0)
			live++;
		wl_sleep_until_mono(start + gap_s * (i + 1));
		while (zombie_s < 0 && live > 0 && reap_one(log, &job, nthreads, 0, &failed))
			live--;
	}
	if (zombie_s > 0)
		wl_sleep_seconds(zombie_s);
	while (live > 0 && reap_one(log, &job, nthreads, 1, &failed))
		live--;
	if (log)
		fclose(log);
	return failed;
}
