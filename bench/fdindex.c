/* fdindex.c - what one process holding 100,000 open sockets costs the
 * --connections fd index (src/sockmap.h): time against the floor of reading
 * its links once, and the memory the index keeps.
 *
 * A live process that large needs RLIMIT_NOFILE raised past the hard limit,
 * which takes CAP_SYS_RESOURCE; bench/fds.sh holds fewer where that is
 * missing. This program builds the same shape under a directory instead,
 * as tests/test_sockmap.c does with 20,000: pid 100 with N links fd/K ->
 * "socket:[I]", and 200 ordinary processes with 20 fds each (files, pipes,
 * a few sockets), given to sockmap_open as the proc root. The index reads
 * it with the same calls it makes on /proc (readdir, readlinkat).
 *
 * Measured, in one run:
 *  - the floor: one readlink of every link of the holder (least of 3);
 *  - the first look-up of a socket nobody holds: the full pass that builds
 *    the index (cold), against the floor;
 *  - S seconds of refreshes every 0.5 s of the clock given to the index,
 *    each asking for a socket nobody holds (as an unmatched packet does):
 *    the time its steps took, as a share of the span, and how many times it
 *    read the holder (holders' re-reads and full passes);
 *  - the memory the index holds (its own count), and what the first pass
 *    added to the heap and to this process's RSS.
 * Then checks that the holder's last socket resolves to pid 100.
 *
 *   make bench/fdindex && bench/fdindex [--fds N] [--seconds S] [--dir D]
 */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "sockmap.h"

#define HOLDER 100
#define OTHERS 200
#define OTHER_FDS 20
#define REFRESH_NS 500000000ULL

static char root[PATH_MAX];

static void die(const char *what)
{
	fprintf(stderr, "fdindex: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void mkdir_or_die(const char *p)
{
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		die(p);
}

static void link_fd(int pid, int fd, const char *target)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%d/fd/%d", root, pid, fd);
	if (symlink(target, p) != 0)
		die(p);
}

static void make_process(int pid)
{
	char p[PATH_MAX + 64];
	snprintf(p, sizeof p, "%s/%d", root, pid);
	mkdir_or_die(p);
	snprintf(p, sizeof p, "%s/%d/fd", root, pid);
	mkdir_or_die(p);
}

static void build(long fds)
{
	char target[64];
	make_process(HOLDER);
	for (long k = 0; k < fds; k++) {
		snprintf(target, sizeof target, "socket:[%ld]", 1000000 + k);
		link_fd(HOLDER, (int)k, target);
	}
	for (int i = 0; i < OTHERS; i++) {
		int pid = 1000 + i;
		make_process(pid);
		for (int fd = 0; fd < OTHER_FDS; fd++) {
			if (fd < 3)
				snprintf(target, sizeof target, "/dev/pts/%d", i % 8);
			else if (fd % 5 == 0)
				snprintf(target, sizeof target, "socket:[%d]", 500000 + i * OTHER_FDS + fd);
			else if (fd % 2)
				snprintf(target, sizeof target, "pipe:[%d]", 700000 + i * OTHER_FDS + fd);
			else
				snprintf(target, sizeof target, "/var/log/file%d", fd);
			link_fd(pid, fd, target);
		}
	}
}

/* the index times its steps on CLOCK_MONOTONIC: so does the floor (run it
 * on a quiet machine) */
static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* the floor: one readlink of each of the holder's links, least of 3 */
static double floor_ms(long fds)
{
	char p[PATH_MAX + 64], buf[64];
	double best = -1;
	for (int run = 0; run < 3; run++) {
		double t0 = mono_ms();
		for (long k = 0; k < fds; k++) {
			snprintf(p, sizeof p, "%s/%d/fd/%ld", root, HOLDER, k);
			if (readlink(p, buf, sizeof buf) < 0)
				die(p);
		}
		double t = mono_ms() - t0;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

static long rss_kib(void)
{
	char buf[256];
	struct proc_statm st;
	FILE *f = fopen("/proc/self/statm", "r");
	size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
	if (f)
		fclose(f);
	if (parse_proc_statm(buf, n, &st) < 0)
		die("/proc/self/statm");
	return (long)st.resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* the heap in use: small blocks and the large ones malloc maps alone */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

static void cleanup(void)
{
	if (!root[0])
		return;
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "fdindex: could not remove %s\n", root);
}

int main(int argc, char **argv)
{
	long fds = 100000, seconds = 60;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--fds") == 0 && i + 1 < argc)
			fds = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: fdindex [--fds N] [--seconds S] [--dir D]\n");
			return 2;
		}
	}
	if (fds < 1 || fds > 10000000 || seconds < 1) {
		fprintf(stderr, "fdindex: --fds 1..10000000, --seconds 1 or more\n");
		return 2;
	}
	snprintf(root, sizeof root, "%s/pidtop-fdindex-XXXXXX", dir ? dir : "/tmp");
	if (!mkdtemp(root)) {
		root[0] = 0;
		die("mkdtemp");
	}
	atexit(cleanup);
	build(fds);
	double floor = floor_ms(fds);

	struct sockmap *sm;
	char why[256];
	if (sockmap_open(&sm, root, why, sizeof why) < 0) {
		fprintf(stderr, "fdindex: %s\n", why);
		return 1;
	}
	uint32_t nobody = 99;
	int32_t pid;
	uint64_t t0 = 1000000000ULL, span = (uint64_t)seconds * 1000000000ULL;
	long rss0 = rss_kib();
	size_t heap0 = heap_bytes();
	sockmap_pids(sm, &nobody, NULL, &pid, 1, t0);
	long rss1 = rss_kib();
	size_t heap1 = heap_bytes();
	struct sockmap_stats st;
	sockmap_get_stats(sm, &st);
	double first_ms = (double)st.steps_ns / 1e6;
	uint64_t base_ns = st.steps_ns, base_owners = st.owners_passes, base_full = st.full_passes;
	for (uint64_t t = t0 + REFRESH_NS; t <= t0 + span; t += REFRESH_NS)
		sockmap_pids(sm, &nobody, NULL, &pid, 1, t);
	sockmap_get_stats(sm, &st);
	double steps_ms = (double)(st.steps_ns - base_ns) / 1e6;
	uint32_t last = (uint32_t)(1000000 + fds - 1);
	size_t found = sockmap_pids(sm, &last, NULL, &pid, 1, t0 + span + REFRESH_NS);
	sockmap_close(sm);

	printf("fd index, one process holding %ld sockets and %d others with %d fds each\n", fds,
	       OTHERS, OTHER_FDS);
	printf("floor: one readlink of each of the holder's links    %9.1f ms\n", floor);
	printf("first look-up (full pass, builds the index)          %9.1f ms  %.2f x floor\n",
	       first_ms, floor > 0 ? first_ms / floor : 0);
	printf("%ld s of refreshes every 0.5 s, a socket nobody holds asked each time:\n", seconds);
	printf("  time in the index's steps                          %9.1f ms  %.2f%% of the span\n",
	       steps_ms, 100.0 * steps_ms / ((double)span / 1e6));
	printf("  holder read again: %llu holders' re-reads, %llu full passes\n",
	       (unsigned long long)(st.owners_passes - base_owners),
	       (unsigned long long)(st.full_passes - base_full));
	printf("memory: the index keeps %llu sockets in %llu KiB (%.1f bytes a socket);\n"
	       "        the first pass grew the heap by %zu KiB and RSS by %ld KiB\n",
	       (unsigned long long)st.inodes, (unsigned long long)st.index_bytes / 1024,
	       st.inodes ? (double)st.index_bytes / (double)st.inodes : 0.0, (heap1 - heap0) / 1024,
	       rss1 - rss0);
	if (found != 1 || pid != HOLDER) {
		printf("FAIL: socket %u resolved to pid %d, not %d\n", last, found ? pid : 0, HOLDER);
		return 1;
	}
	printf("socket %u resolves to pid %d\n", last, HOLDER);
	return 0;
}
