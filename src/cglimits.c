/* cglimits.c - reading a cgroup v2's limits, counts and pressure */
#include "cglimits.h"
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Every file read here is a few lines; io.max has one per limited device. */
#define CG_FILE_MAX 4096

int cglimits_open_root(void)
{
	static const char *const roots[] = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"};
	for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
		int fd = open(roots[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* v2 has cgroup.controllers at its root; a v1 or tmpfs root has not */
		if (faccessat(fd, "cgroup.controllers", F_OK, 0) == 0)
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* A part's status: the read's error, else -EINVAL when its text did not
 * parse (parse is evaluated only after a read that worked). */
#define PART_STATUS(n, parse) ((n) < 0 ? (int)(n) : (parse) < 0 ? -EINVAL : 0)

/* The file's text into buf (NUL-terminated); its length or -errno. */
static ssize_t read_file(int dirfd, const char *name, char *buf, size_t size)
{
	ssize_t n = procfs_read(dirfd, name, buf, size);
	if (n >= 0 && (size_t)n >= size - 1)
		return -EFBIG; /* more than any such file holds: not trusted */
	return n;
}

static void read_value(int dirfd, const char *name, struct cg_value *out, char *buf)
{
	ssize_t n = read_file(dirfd, name, buf, CG_FILE_MAX);
	out->err = PART_STATUS(n, parse_cgfs_value(buf, (size_t)n, &out->v));
}

static int read_keyed(const char *buf, ssize_t n, const char *const *keys, uint64_t *const *vals,
		      size_t nkeys)
{
	if (n < 0)
		return (int)n;
	for (size_t k = 0; k < nkeys; k++)
		if (parse_cgfs_keyed(buf, (size_t)n, keys[k], vals[k]) < 0)
			return -EINVAL;
	return 0;
}

static void read_events(int dirfd, struct cglimits *out, char *buf)
{
	static const char *const keys[] = {"high", "max", "oom", "oom_kill"};
	uint64_t *const vals[] = {&out->ev_high, &out->ev_max, &out->ev_oom, &out->ev_oom_kill};
	ssize_t n = read_file(dirfd, "memory.events", buf, CG_FILE_MAX);
	out->events_err = read_keyed(buf, n, keys, vals, 4);
}

static void read_cpu(int dirfd, struct cglimits *out, char *buf)
{
	ssize_t n = read_file(dirfd, "cpu.max", buf, CG_FILE_MAX);
	out->cpu_max_err = PART_STATUS(
		n, parse_cgfs_cpu_max(buf, (size_t)n, &out->cpu_quota_us, &out->cpu_period_us));
	static const char *const keys[] = {"usage_usec", "nr_periods", "nr_throttled",
					   "throttled_usec"};
	uint64_t *const vals[] = {&out->usage_usec, &out->nr_periods, &out->nr_throttled,
				  &out->throttled_usec};
	n = read_file(dirfd, "cpu.stat", buf, CG_FILE_MAX);
	out->cpu_stat_err = read_keyed(buf, n, keys, vals, 1);
	/* without the cpu controller cpu.stat has only the usage lines */
	out->throttle_err = out->cpu_stat_err;
	if (!out->throttle_err && read_keyed(buf, n, keys + 1, vals + 1, 3) < 0)
		out->throttle_err = -ENOENT;
}

static void read_pressure(int dirfd, struct cglimits *out, char *buf)
{
	static const char *const names[CG_PSI_COUNT] = {"cpu.pressure", "memory.pressure",
							"io.pressure"};
	for (int i = 0; i < CG_PSI_COUNT; i++) {
		ssize_t n = read_file(dirfd, names[i], buf, CG_FILE_MAX);
		out->psi_err[i] = PART_STATUS(n, parse_pressure(buf, (size_t)n, &out->psi[i]));
	}
}

int cglimits_read(int root_fd, const char *path, struct cglimits *out)
{
	memset(out, 0, sizeof *out);
	while (*path == '/')
		path++;
	int fd = openat(root_fd, *path ? path : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[CG_FILE_MAX];
	read_value(fd, "memory.current", &out->mem_current, buf);
	read_value(fd, "memory.max", &out->mem_max, buf);
	read_value(fd, "memory.high", &out->mem_high, buf);
	read_value(fd, "pids.current", &out->pids_current, buf);
	read_value(fd, "pids.max", &out->pids_max, buf);
	read_events(fd, out, buf);
	read_cpu(fd, out, buf);
	ssize_t n = read_file(fd, "io.max", buf, CG_FILE_MAX);
	out->io_max_err = PART_STATUS(n, parse_cgfs_io_max(buf, (size_t)n, &out->io_max));
	read_pressure(fd, out, buf);
	close(fd);
	return 0;
}
