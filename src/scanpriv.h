/* scanpriv.h - what the rooms of the walk share (scan.c, scants.c,
 * listing.c, threadsum.c); not part of scan.h's contract. */
#ifndef PIDTOP_SCANPRIV_H
#define PIDTOP_SCANPRIV_H

#include "model_priv.h"
#include "procfs.h"

#include <stdint.h>
#include <sys/types.h>

/* one record of getdents64 (the libc does not declare it) */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* Reads /proc/PID[/task/TID]/NAME into the model's read buffer. */
static inline ssize_t scan_read_file(struct model *m, int32_t pid, int32_t tid, const char *name)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, pid, tid, name);
	return procfs_read(m->pfs.root_fd, path, m->readbuf, sizeof m->readbuf);
}

/* A directory name as a pid or tid; -1 when it is not one. */
static inline int32_t scan_parse_id(const char *s)
{
	int64_t v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return -1;
	}
	return (int32_t)v;
}

/* A task's taskstats reply (scants.c). fresh: this refresh has one for
 * t (the model's ts_replies, the slice queried last). */
bool scan_ts_fresh(const struct model *m, const struct task *t);
/* t's reply; only when fresh */
const struct task_ts *scan_ts_of(const struct model *m, const struct task *t);
/* Whether the reply says t has not run since its last sample. */
bool scan_ts_idle(const struct model *m, const struct task *t);
/* Takes the reply's counters into t's sample. */
void scan_apply_ts(struct model *m, struct task *t);
/* A task whose counters come from taskstats but whose reply is missing
 * keeps its previous ones: never mix two sources' baselines. */
void scan_keep_ts_counters(struct task *t);

/* Phase 1 of a refresh (listing.c): lists the processes, and with -H their
 * threads, into m->listed and m->listed_threads without reading a file.
 * -1 when the proc root cannot be listed. */
int scan_list_all(struct model *m);

#endif
