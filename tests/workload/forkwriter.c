/* forkwriter - a parent that forks short-lived children, each writing a
 * known number of bytes with fsync and exiting at once: the tasks that
 * taskstats exit records must not let slip between two refreshes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void usage(void)
{
	puts("Usage: forkwriter --dir DIR [--children N] [--kib KIB] [--gap-ms MS] [--log FILE]\n"
	     "Forks N children (default 20), one every MS ms (default 30); each writes KIB\n"
	     "KiB (default 1024) to a file in DIR, fsyncs, removes it and exits.\n"
	     "--log: one line per child, 'PID BYTES'. Exit status 1 if a child failed.");
}

static int child(const char *dir, long kib)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/forkwriter.%d", dir, (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return 1;
	static char block[65536];
	memset(block, 'x', sizeof block);
	long left = kib * 1024;
	while (left > 0) {
		ssize_t n = write(fd, block, left < (long)sizeof block ? (size_t)left : sizeof block);
		if (n <= 0)
			return 1;
		left -= n;
	}
	int rc = fsync(fd);
	close(fd);
	unlink(path);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *log = NULL;
	long children = 20, kib = 1024, gap_ms = 30;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--help")) {
			usage();
			return 0;
		} else if (!strcmp(a, "--dir") && v) {
			dir = v, i++;
		} else if (!strcmp(a, "--children") && v) {
			children = atol(v), i++;
		} else if (!strcmp(a, "--kib") && v) {
			kib = atol(v), i++;
		} else if (!strcmp(a, "--gap-ms") && v) {
			gap_ms = atol(v), i++;
		} else if (!strcmp(a, "--log") && v) {
			log = v, i++;
		} else {
			usage();
			return 2;
		}
	}
	if (!dir || children < 1 || children > 10000 || kib < 1) {
		usage();
		return 2;
	}
	FILE *lf = log ? fopen(log, "w") : NULL;
	int failed = 0;
	for (long c = 0; c < children; c++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(child(dir, kib));
		if (pid < 0)
			return 1;
		if (lf) {
			fprintf(lf, "%d %ld\n", (int)pid, kib * 1024);
			fflush(lf);
		}
		struct timespec ts = {gap_ms / 1000, (gap_ms % 1000) * 1000000L};
		nanosleep(&ts, NULL);
	}
	int status;
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	if (lf)
		fclose(lf);
	return failed;
}
