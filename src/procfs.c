/* procfs.c - reading files under the proc root with openat + read */
#include "procfs.h"
#include "parse.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procfs_open(struct procfs *pfs, const char *root, char *why, size_t whylen)
{
	pfs->root_fd = -1;
	pfs->root = strdup(root);
	if (!pfs->root) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "cannot open proc root '%s': %s", root, strerror(errno));
		return -1;
	}
	char tmp[512];
	ssize_t n = procfs_read(fd, "stat", tmp, sizeof tmp);
	if (n < 0 || !(n >= 4 && memcmp(tmp, "cpu ", 4) == 0)) {
		snprintf(why, whylen, "'%s' is not a proc tree (no readable stat file with cpu times)",
			 root);
		close(fd);
		return -1;
	}
	pfs->root_fd = fd;
	return 0;
}

void procfs_close(struct procfs *pfs)
{
	if (pfs->root_fd >= 0)
		close(pfs->root_fd);
	pfs->root_fd = -1;
	free(pfs->root);
	pfs->root = NULL;
}

bool procfs_own_pidns(int root_fd)
{
	char link[32];
	ssize_t n = readlinkat(root_fd, "self", link, sizeof link - 1);
	if (n <= 0)
		return false;
	link[n] = '\0';
	char want[32];
	snprintf(want, sizeof want, "%ld", (long)getpid());
	return strcmp(link, want) == 0;
}

bool procfs_self_in_user_ns(void)
{
	/* our own namespace, whatever --proc-root says; a kernel without
	 * user namespaces has no such file */
	char map[256];
	ssize_t n = procfs_read(AT_FDCWD, "/proc/self/uid_map", map, sizeof map);
	if (n == -ENOENT)
		return false;
	unsigned long inside, outside, count;
	return !(n > 0 && sscanf(map, "%lu %lu %lu", &inside, &outside, &count) == 3 &&
	         inside == 0 && outside == 0 && count == 4294967295UL);
}

/* openat for reading, again when a signal interrupted it */
static int open_file(int dirfd, const char *path)
{
	int fd;
	do
		fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	while (fd < 0 && errno == EINTR);
	return fd;
}

ssize_t procfs_read(int dirfd, const char *path, char *buf, size_t size)
{
	if (size == 0)
		return -EINVAL;
	int fd = open_file(dirfd, path);
	if (fd < 0)
		return -errno;
	size_t off = 0;
	while (off < size - 1) {
		ssize_t n = read(fd, buf + off, size - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	return (ssize_t)off;
}

ssize_t procfs_read_all(int dirfd, const char *path, struct buf *b)
{
	buf_reset(b);
	int fd = open_file(dirfd, path);
	if (fd < 0)
		return -errno;
	for (;;) {
		if (!buf_reserve(b, 4096)) {
			close(fd);
			return -ENOMEM;
		}
		ssize_t n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	b->data[b->len] = '\0';
	return (ssize_t)b->len;
}

static char *put_id(char *p, int32_t v)
{
	char tmp[12];
	int i = 0;
	uint32_t u = v < 0 ? 0 : (uint32_t)v;
	do {
		tmp[i++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	while (i)
		*p++ = tmp[--i];
	return p;
}

void procfs_task_path(char *out, int32_t pid, int32_t tid, const char *name)
{
	char *p = put_id(out, pid);
	*p++ = '/';
	if (tid > 0) {
		memcpy(p, "task/", 5);
		p += 5;
		p = put_id(p, tid);
		*p++ = '/';
	}
	size_t n = strnlen(name, 24);
	memcpy(p, name, n);
	p[n] = '\0';
}
