/*
 * floor: the cheapest possible refresh of a process viewer, as a yardstick.
 *
 *   floor --procs -d SECS -n N   each refresh: list /proc, then open, read and
 *                                close /proc/P/stat for every process
 *   floor --tasks -d SECS -n N   each refresh: list /proc, then /proc/P/task
 *                                of every process, and open, read and close
 *                                /proc/P/task/T/stat for every task
 *
 * Like a viewer (and like pidtop's contract), it samples once at start and
 * then N times, one interval apart. Only raw system calls are on the hot
 * path: getdents64 on kept directory fds, openat relative to them, one read
 * into a fixed buffer, close. No stdio, no allocation, no parsing beyond
 * recognising numeric directory names. A summary goes to stderr at the end.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* struct linux_dirent64 as returned by getdents64 (fs/readdir.c). */
struct floor_dirent {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

struct floor_counts {
	uint64_t dirs;
	uint64_t files;
	uint64_t bytes;
	uint64_t vanished;
};

/* 32 KiB per getdents64 call: /proc yields ~30 bytes per entry, so about a
 * thousand entries per system call. One buffer per directory depth. */
enum { DENTS_SIZE = 32768, STAT_SIZE = 4096 };

static char proc_dents[DENTS_SIZE] __attribute__((aligned(8)));
static char task_dents[DENTS_SIZE] __attribute__((aligned(8)));
static char stat_buf[STAT_SIZE];

static int name_is_pid(const char *name)
{
	if (*name < '1' || *name > '9')
		return 0;
	for (name++; *name; name++)
		if (*name < '0' || *name > '9')
			return 0;
	return 1;
}

/* Open, read once, close. A stat line is well under STAT_SIZE (52 numeric
 * fields and a 16-byte comm); a vanished task is counted, not reported. */
static void read_stat(int dirfd, const char *path, struct floor_counts *c)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		c->vanished++;
		return;
	}
	ssize_t n = read(fd, stat_buf, sizeof(stat_buf));
	close(fd);
	if (n <= 0) {
		c->vanished++;
		return;
	}
	c->files++;
	c->bytes += (uint64_t)n;
}

/* Build "NAME/SUFFIX" into out without stdio. name is at most 10 digits
 * (pid_max <= 4194304), so out needs 11 + strlen(suffix) + 1 bytes. */
static void join(char *out, size_t out_size, const char *name, const char *suffix)
{
	size_t a = strlen(name), b = strlen(suffix);
	if (a + 1 + b + 1 > out_size) {
		out[0] = '\0';
		return;
	}
	memcpy(out, name, a);
	out[a] = '/';
	memcpy(out + a + 1, suffix, b + 1);
}

static void walk_tasks(int procfd, const char *pid, struct floor_counts *c)
{
	char path[32];
	join(path, sizeof(path), pid, "task");
	int taskfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0) {
		c->vanished++;
		return;
	}
	c->dirs++;
	for (;;) {
		long n = syscall(SYS_getdents64, taskfd, task_dents, sizeof(task_dents));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct floor_dirent *d = (struct floor_dirent *)(task_dents + off);
			off += d->d_reclen;
			if (!name_is_pid(d->d_name))
				continue;
			join(path, sizeof(path), d->d_name, "stat");
			read_stat(taskfd, path, c);
		}
	}
	close(taskfd);
}

static void refresh(int procfd, int tasks, struct floor_counts *c)
{
	char path[32];

	if (lseek(procfd, 0, SEEK_SET) != 0)
		return;
	c->dirs++;
	for (;;) {
		long n = syscall(SYS_getdents64, procfd, proc_dents, sizeof(proc_dents));
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct floor_dirent *d = (struct floor_dirent *)(proc_dents + off);
			off += d->d_reclen;
			if (!name_is_pid(d->d_name))
				continue;
			if (tasks) {
				walk_tasks(procfd, d->d_name, c);
			} else {
				join(path, sizeof(path), d->d_name, "stat");
				read_stat(procfd, path, c);
			}
		}
	}
}

static void usage(FILE *f)
{
	fprintf(f, "usage: floor --procs|--tasks [-d SECONDS] [-n COUNT]\n"
	           "  one sample at start, then COUNT samples SECONDS apart (default 1 s, 1)\n");
}

static int parse_args(int argc, char **argv, int *tasks, double *delay_s, long *count)
{
	int mode = -1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;
		if (strcmp(a, "--procs") == 0) {
			mode = 0;
		} else if (strcmp(a, "--tasks") == 0) {
			mode = 1;
		} else if ((strcmp(a, "-d") == 0 || strcmp(a, "-n") == 0) && i + 1 < argc) {
			const char *v = argv[++i];
			errno = 0;
			if (a[1] == 'd') {
				*delay_s = strtod(v, &end);
				if (errno || end == v || *end ||
				    !(*delay_s >= 0 && *delay_s < 86400)) {
					fprintf(stderr, "floor: bad delay '%s'\n", v);
					return -1;
				}
			} else {
				*count = strtol(v, &end, 10);
				if (errno || end == v || *end || *count < 1) {
					fprintf(stderr, "floor: bad count '%s'\n", v);
					return -1;
				}
			}
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, "floor: unknown argument '%s'\n", a);
			return -1;
		}
	}
	if (mode < 0) {
		fprintf(stderr, "floor: say --procs or --tasks\n");
		return -1;
	}
	*tasks = mode;
	return 0;
}

static void add_seconds(struct timespec *t, double s)
{
	long long ns = (long long)(s * 1e9);
	t->tv_sec += (time_t)(ns / 1000000000LL);
	t->tv_nsec += (long)(ns % 1000000000LL);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

int main(int argc, char **argv)
{
	int tasks = 0;
	double delay_s = 1.0;
	long count = 1;
	struct floor_counts c = {0};

	if (parse_args(argc, argv, &tasks, &delay_s, &count) < 0) {
		usage(stderr);
		return 2;
	}
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0) {
		perror("floor: /proc");
		return 1;
	}

	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	refresh(procfd, tasks, &c);
	for (long i = 0; i < count; i++) {
		/* Absolute deadlines: the refresh's own cost does not stretch
		 * the period, as in a viewer that keeps its interval. */
		add_seconds(&next, delay_s);
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR)
			;
		refresh(procfd, tasks, &c);
	}
	close(procfd);

	long samples = count + 1;
	fprintf(stderr,
	        "floor: %s, %ld samples, %.1f files and %.1f directories per sample, "
	        "%.0f bytes per file, %llu vanished\n",
	        tasks ? "tasks" : "procs", samples, (double)c.files / (double)samples,
	        (double)c.dirs / (double)samples, c.files ? (double)c.bytes / (double)c.files : 0.0,
	        (unsigned long long)c.vanished);
	return 0;
}
