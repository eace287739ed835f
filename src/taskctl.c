/* taskctl.c - signal, renice and ionice through identity-checked pidfds */
#include "model_priv.h"
#include "taskctl.h"
#include "parse.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* include/uapi/linux/pidfd.h: a pidfd for one thread, and a signal sent
 * through one to its whole process, as kill(2) would (Linux 6.9) */
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef PIDFD_SIGNAL_THREAD_GROUP
#define PIDFD_SIGNAL_THREAD_GROUP (1u << 1)
#endif

/* A thread row that is not its process's main thread needs a thread pidfd. */
static bool needs_thread_pidfd(const struct task *t)
{
	return t->is_thread && t->tid != t->tgid;
}

/* include/uapi/linux/ioprio.h */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

static int errno_why(int err, char *why, size_t whylen)
{
	if (err == ESRCH)
		snprintf(why, whylen, "no such process (it exited)");
	else if (err == EPERM || err == EACCES)
		snprintf(why, whylen, "not permitted: %s", strerror(err));
	else
		snprintf(why, whylen, "%s", strerror(err));
	return -1;
}

/* Opens a pidfd for the task and checks that the process it pins is the
 * one the model sampled: a pidfd keeps the pid from being reused, so a
 * start time that matches after opening means the same process. */
static int open_checked(struct model *m, const struct task *t, char *why, size_t whylen)
{
	int32_t tid = t->tid;
	int fd = (int)syscall(SYS_pidfd_open, tid, needs_thread_pidfd(t) ? PIDFD_THREAD : 0);
	if (fd < 0) {
		if (errno == EINVAL && needs_thread_pidfd(t)) {
			/* pidfd_open takes thread-group leaders only before 6.9 */
			snprintf(why, whylen, "threads cannot be addressed by pidfd on this kernel");
			return -1;
		}
		return errno_why(errno, why, whylen);
	}
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, t->tgid, t->is_thread ? tid : 0, "stat");
	char buf[1024];
	ssize_t n = procfs_read(m->pfs.root_fd, path, buf, sizeof buf);
	struct proc_stat st;
	if (n < 0 || parse_proc_stat(buf, (size_t)n, &st) < 0) {
		close(fd);
		return errno_why(ESRCH, why, whylen);
	}
	if (st.starttime != t->start_ticks) {
		close(fd);
		snprintf(why, whylen, "pid %d now belongs to another process", tid);
		return -1;
	}
	return fd;
}

int taskctl_signal(struct model *m, const struct task *t, int sig, char *why, size_t whylen)
{
	int fd = open_checked(m, t, why, whylen);
	if (fd < 0)
		return -1;
	/* a thread row's signal goes to its process, as kill(2) of a tid does */
	long rc = syscall(SYS_pidfd_send_signal, fd, sig, NULL,
			  needs_thread_pidfd(t) ? PIDFD_SIGNAL_THREAD_GROUP : 0);
	int err = errno;
	close(fd);
	return rc < 0 ? errno_why(err, why, whylen) : 0;
}

int taskctl_ioprio_get(struct model *m, const struct task *t, enum ioprio_class *cls, int *level,
		      char *why, size_t whylen)
{
	(void)m;
	long rc = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, t->tid);
	if (rc < 0)
		return errno_why(errno, why, whylen);
	*cls = (enum ioprio_class)((rc >> IOPRIO_CLASS_SHIFT) & 7);
	*level = (int)(rc & 0xff);
	return 0;
}

/* ---- every thread of a row ---- */

struct thread_op {
	bool ioprio; /* else nice */
	int value;   /* the nice value, or the encoded I/O priority */
};

static int op_apply(const struct thread_op *op, int32_t tid)
{
	if (op->ioprio)
		return syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, tid, op->value) < 0 ? -1 : 0;
	return setpriority(PRIO_PROCESS, (id_t)tid, op->value);
}

/* One thread of process tgid. Returns 0, 1 when the thread is gone (it
 * ended: not counted), or -1 with why. The thread is pinned by its own
 * pidfd where the kernel has them, checked to be the process's by its
 * entry under the process's task directory, changed, then checked to be
 * still alive: alive before and after, it is the thread that was changed. */
static int thread_apply(struct model *m, int32_t tgid, int32_t tid, const struct thread_op *op,
			char *why, size_t whylen)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (fd < 0 && errno == ESRCH)
		return 1;
	if (fd < 0 && errno != EINVAL) /* EINVAL: no thread pidfds before 6.9 */
		return errno_why(errno, why, whylen);
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, tgid, tid, "stat");
	int rc = 1;
	if (faccessat(m->pfs.root_fd, path, F_OK, 0) == 0) {
		rc = op_apply(op, tid) < 0 ? (errno == ESRCH ? 1 : errno_why(errno, why, whylen)) : 0;
		if (rc == 0 && fd >= 0 && syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0 &&
		    errno == ESRCH)
			rc = 1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static int row_apply(struct model *m, const struct task *t, const struct thread_op *op,
		     struct taskctl_result *res)
{
	memset(res, 0, sizeof *res);
	/* the process pidfd pins the process while its threads are walked */
	int pfd = open_checked(m, t, res->why, sizeof res->why);
	if (pfd < 0) {
		res->total = 1;
		return -1;
	}
	if (t->is_thread) {
		res->total = 1;
		if (op_apply(op, t->tid) < 0)
			errno_why(errno, res->why, sizeof res->why);
		else
			res->done = 1;
		close(pfd);
		return res->done ? 0 : -1;
	}
	char dir[PROCFS_PATH_MAX];
	snprintf(dir, sizeof dir, "%d/task", t->tgid);
	int dfd = openat(m->pfs.root_fd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		errno_why(errno, res->why, sizeof res->why);
		if (dfd >= 0)
			close(dfd);
		close(pfd);
		res->total = 1;
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d))) {
		char *end;
		long tid = strtol(e->d_name, &end, 10);
		if (*end || tid <= 0 || tid > INT32_MAX)
			continue;
		char why[sizeof res->why];
		int rc = thread_apply(m, t->tgid, (int32_t)tid, op, why, sizeof why);
		if (rc == 1)
			continue; /* ended meanwhile */
		res->total++;
		if (rc == 0)
			res->done++;
		else if (!res->why[0])
			snprintf(res->why, sizeof res->why, "%s", why);
	}
	closedir(d);
	close(pfd);
	if (res->total == 0) {
		res->total = 1;
		errno_why(ESRCH, res->why, sizeof res->why);
	}
	return res->done == res->total ? 0 : -1;
}

int taskctl_renice_row(struct model *m, const struct task *t, int nice, struct taskctl_result *res)
{
	if (nice < -20 || nice > 19) {
		memset(res, 0, sizeof *res);
		res->total = 1;
		snprintf(res->why, sizeof res->why, "nice must be between -20 and 19");
		return -1;
	}
	struct thread_op op = {false, nice};
	return row_apply(m, t, &op, res);
}

int taskctl_ioprio_row(struct model *m, const struct task *t, enum ioprio_class cls, int level,
		      struct taskctl_result *res)
{
	if (cls < IOPRIO_NONE || cls > IOPRIO_IDLE || level < 0 || level > 7) {
		memset(res, 0, sizeof *res);
		res->total = 1;
		snprintf(res->why, sizeof res->why,
			 "I/O priority class must be none, rt, be or idle, level 0-7");
		return -1;
	}
	struct thread_op op = {true, ((int)cls << IOPRIO_CLASS_SHIFT) | (cls == IOPRIO_IDLE ? 0 : level)};
	return row_apply(m, t, &op, res);
}
