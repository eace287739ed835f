/* procfs.h - opening files under the proc root.
 *
 * The root is opened once; every read is an openat() relative to it, so a
 * fixture tree or a container's /proc works the same as the real one. */
#ifndef PIDTOP_PROCFS_H
#define PIDTOP_PROCFS_H

#include <stdbool.h>
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

/* Whether the tree at root_fd is a proc of pidtop's own pid namespace:
 * its "self" names our pid. False for a fixture tree, and for the proc of
 * another pid namespace (a container's, seen from the host: "self" does
 * not resolve; the host's, seen from a container: another number), whose
 * pids mean other tasks to the kernel's pid-based interfaces (taskstats,
 * ioprio_get). */
bool procfs_own_pidns(int root_fd);

/* Whether pidtop runs in a user namespace other than the initial one (its
 * /proc/self/uid_map is not the identity over every uid): its root's
 * capabilities then count only for what that namespace owns. */
bool procfs_self_in_user_ns(void);

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
