/* actions.c - signal, renice and ionice through identity-checked pidfds */
#include "actions.h"
#include "parse.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
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
	int fd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (fd < 0) {
		if (errno == EINVAL && t->is_thread) {
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

int action_signal(struct model *m, const struct task *t, int sig, char *why, size_t whylen)
{
	int fd = open_checked(m, t, why, whylen);
	if (fd < 0)
		return -1;
	long rc = syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	int err = errno;
	close(fd);
	return rc < 0 ? errno_why(err, why, whylen) : 0;
}

int action_renice(struct model *m, const struct task *t, int nice, char *why, size_t whylen)
{
	if (nice < -20 || nice > 19) {
		snprintf(why, whylen, "nice must be between -20 and 19");
		return -1;
	}
	/* the pidfd pins the pid across the check and setpriority */
	int fd = open_checked(m, t, why, whylen);
	if (fd < 0)
		return -1;
	int rc = setpriority(PRIO_PROCESS, (id_t)t->tid, nice);
	int err = errno;
	close(fd);
	return rc < 0 ? errno_why(err, why, whylen) : 0;
}

int action_ioprio_set(struct model *m, const struct task *t, enum ioprio_class cls, int level,
		      char *why, size_t whylen)
{
	if (cls < IOPRIO_NONE || cls > IOPRIO_IDLE || level < 0 || level > 7) {
		snprintf(why, whylen, "I/O priority class must be none, rt, be or idle, level 0-7");
		return -1;
	}
	int fd = open_checked(m, t, why, whylen);
	if (fd < 0)
		return -1;
	int prio = ((int)cls << IOPRIO_CLASS_SHIFT) | (cls == IOPRIO_IDLE ? 0 : level);
	long rc = syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, t->tid, prio);
	int err = errno;
	close(fd);
	return rc < 0 ? errno_why(err, why, whylen) : 0;
}

int action_ioprio_get(struct model *m, const struct task *t, enum ioprio_class *cls, int *level,
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
