/* faultproc.c - an LD_PRELOAD shim for pidtop's fault tests: opens and
 * reads of files on a proc file system fail at random, the way a task that
 * exits, a file the kernel refuses or a signal can make them fail.
 *
 * Environment:
 *   FAULTPROC_RATE  chance (0..1) that one openat/open/read/readlinkat of a
 *                   proc file fails (default 0.05)
 *   FAULTPROC_SEED  seed of the pseudo-random sequence (default 1)
 *   FAULTPROC_AFTER proc opens let through before the first fault (default
 *                   100: the program's start-up checks pass)
 *   FAULTPROC_KINDS the faults to make, a comma list of esrch, eacces, eio,
 *                   enoent (opens only), eintr and short (reads only);
 *                   default (unset or empty) all
 *   FAULTPROC_LOG   at exit, each process that opened proc files appends
 *                   "NAME open N read N short N eintr N" (the faults made)
 * Faults: open fails with ESRCH, EACCES, EIO, ENOENT or EINTR; read fails
 * with ESRCH, EIO, EACCES or EINTR, or returns fewer bytes than it could (a
 * short read: the rest comes on the next read). A proc file is one whose
 * file system (fstatfs) is PROC_SUPER_MAGIC, or a path under "/proc".
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

static double rate = 0.05;
static const char *kinds; /* NULL: all */
static atomic_long grace = 100;
static _Atomic uint64_t rng_state = 1;
static atomic_ulong n_open, n_read, n_short, n_eintr, n_seen;

static int (*real_openat)(int, const char *, int, ...);
static int (*real_open)(const char *, int, ...);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_readlinkat)(int, const char *, char *, size_t);

__attribute__((constructor)) static void faultproc_init(void)
{
	const char *r = getenv("FAULTPROC_RATE"), *s = getenv("FAULTPROC_SEED");
	const char *a = getenv("FAULTPROC_AFTER");
	uint64_t z = (s ? strtoull(s, NULL, 10) : 1) + 0x9e3779b97f4a7c15ULL;

	if (r)
		rate = strtod(r, NULL);
	kinds = getenv("FAULTPROC_KINDS");
	if (kinds && !*kinds)
		kinds = NULL;
	if (a)
		grace = strtol(a, NULL, 10);
	/* splitmix64 of the seed: a small seed must not start with small draws */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rng_state = (z ^ (z >> 31)) | 1;
	real_openat = dlsym(RTLD_NEXT, "openat");
	real_open = dlsym(RTLD_NEXT, "open");
	real_read = dlsym(RTLD_NEXT, "read");
	real_readlinkat = dlsym(RTLD_NEXT, "readlinkat");
}

__attribute__((destructor)) static void faultproc_report(void)
{
	const char *path = getenv("FAULTPROC_LOG");
	extern char *program_invocation_short_name;
	char line[160];
	int fd, n;

	if (!path || !real_openat || atomic_load(&n_seen) == 0)
		return;
	fd = real_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof line, "%s open %lu read %lu short %lu eintr %lu\n",
		     program_invocation_short_name, atomic_load(&n_open), atomic_load(&n_read),
		     atomic_load(&n_short), atomic_load(&n_eintr));
	if (write(fd, line, (size_t)n) != n)
		n = 0;
	close(fd);
}

/* xorshift64: a uniform draw in [0, 1) */
static double draw(void)
{
	uint64_t x = atomic_load(&rng_state), next;

	do {
		next = x;
		next ^= next << 13;
		next ^= next >> 7;
		next ^= next << 17;
	} while (!atomic_compare_exchange_weak(&rng_state, &x, next));
	return (double)(next >> 11) / 9007199254740992.0;
}

static int is_proc_fd(int fd)
{
	struct statfs sf;

	return fd >= 0 && fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

static int is_proc_at(int dirfd, const char *path)
{
	if (path && path[0] == '/')
		return strncmp(path, "/proc/", 6) == 0;
	return dirfd == AT_FDCWD ? 0 : is_proc_fd(dirfd);
}

static int kind_on(const char *name)
{
	const char *p = kinds;
	size_t n = strlen(name);

	if (!p)
		return 1;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == kinds || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* One of the errors of errs[] (named in names[]) that FAULTPROC_KINDS
 * allows, at random; 0 when it allows none. */
static int pick(const int *errs, const char *const *names, size_t n)
{
	size_t start = (size_t)(draw() * (double)n) % n;

	for (size_t i = 0; i < n; i++)
		if (kind_on(names[(start + i) % n]))
			return errs[(start + i) % n];
	return 0;
}

/* A fault for an open: -1 with errno set, or 0 for none. */
static int open_fault(void)
{
	static const int errs[] = { ESRCH, EACCES, EIO, ENOENT, EINTR };
	static const char *const names[] = { "esrch", "eacces", "eio", "enoent", "eintr" };
	int e;

	atomic_fetch_add(&n_seen, 1);
	if (atomic_load(&grace) > 0 && atomic_fetch_sub(&grace, 1) > 0)
		return 0;
	if (draw() >= rate || (e = pick(errs, names, 5)) == 0)
		return 0;
	errno = e;
	if (errno == EINTR)
		atomic_fetch_add(&n_eintr, 1);
	atomic_fetch_add(&n_open, 1);
	return -1;
}

/* the mode argument of open and openat, there only when a file may be made */
#define TAKE_MODE(flags, mode)                          \
	do {                                            \
		if ((flags) & (O_CREAT | O_TMPFILE)) {  \
			va_list ap;                     \
			va_start(ap, flags);            \
			mode = va_arg(ap, mode_t);      \
			va_end(ap);                     \
		}                                       \
	} while (0)

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	TAKE_MODE(flags, mode);
	if (is_proc_at(dirfd, path) && !(flags & O_DIRECTORY) && open_fault())
		return -1;
	return real_openat(dirfd, path, flags, mode);
}

int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	TAKE_MODE(flags, mode);
	if (is_proc_at(AT_FDCWD, path) && !(flags & O_DIRECTORY) && open_fault())
		return -1;
	return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...) __attribute__((alias("open")));

ssize_t read(int fd, void *buf, size_t count)
{
	static const int errs[] = { ESRCH, EIO, EACCES, EINTR };
	static const char *const names[] = { "esrch", "eio", "eacces", "eintr" };
	int e;

	if (count > 1 && atomic_load(&grace) <= 0 && draw() < rate && is_proc_fd(fd)) {
		if (kind_on("short") && (draw() < 0.5 || (e = pick(errs, names, 4)) == 0)) {
			atomic_fetch_add(&n_short, 1);
			count = 1 + (size_t)(draw() * (double)(count / 2));
		} else if ((e = pick(errs, names, 4)) != 0) {
			errno = e;
			if (errno == EINTR)
				atomic_fetch_add(&n_eintr, 1);
			atomic_fetch_add(&n_read, 1);
			return -1;
		}
	}
	return real_read(fd, buf, count);
}

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	if (is_proc_at(dirfd, path) && open_fault())
		return -1;
	return real_readlinkat(dirfd, path, buf, size);
}
