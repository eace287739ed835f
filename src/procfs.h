/* procfs.h - opening files under the proc root.
 *
 * The root is opened once; every read is an openat() relative to it, so a
 * fixture tree or a container's /proc works the same as the real one. */
#ifndef PIDTOP_PROCFS_H
#define PIDTOP_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

struct procfs {
	int root_fd;
	char *root; /* as given, for messages */
};

/* Opens root and checks it looks like a proc tree (a readable "stat" with a
 * "cpu " line). Returns 0, or -1 with a one-line reason in why. */
int procfs_open(struct procfs *pfs, const char *root, char *why, size_t whylen);
void procfs_close(struct procfs *pfs);

/* Reads the file at path (relative to dirfd) into buf, at most size-1 bytes,
 * NUL-terminated. Returns the byte count, or -errno (-ENOENT/-ESRCH when the
 * task vanished, -EACCES when it is not ours). */
ssize_t procfs_read(int dirfd, const char *path, char *buf, size_t size);

/* Reads the whole file into a growable buffer (reset first). Returns the
 * length or -errno. */
ssize_t procfs_read_all(int dirfd, const char *path, struct buf *b);

/* Writes "<id>/<name>" or "<id>/task/<tid>/<name>" (tid 0 = no task part)
 * into out, which must hold PROCFS_PATH_MAX bytes. */
#define PROCFS_PATH_MAX 64
void procfs_task_path(char *out, int32_t pid, int32_t tid, const char *name);

#endif
