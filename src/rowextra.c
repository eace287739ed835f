/* rowextra.c - oom_score and I/O priority of the rows */
#include "model_priv.h"
#include "rowextra.h"
#include "parse.h"

#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/ioprio.h */
#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_PRIO_MASK ((1u << IOPRIO_CLASS_SHIFT) - 1)
#define IOPRIO_WHO_PROCESS 1
enum { CLASS_NONE, CLASS_RT, CLASS_BE, CLASS_IDLE };

static bool due(const struct model *m, const struct task *t)
{
	return !t->extra_read || ((uint32_t)t->tid + m->gen) % ROWEXTRA_PERIOD == 0;
}

static void read_extra(struct model *m, struct task *t, bool live)
{
	char path[PROCFS_PATH_MAX], buf[32];
	int64_t v;
	procfs_task_path(path, t->tgid, 0, "oom_score");
	ssize_t n = procfs_read(m->pfs.root_fd, path, buf, sizeof buf);
	t->oom_score = n >= 0 && parse_proc_int(buf, (size_t)n, 0, 2000, &v) == 0 ? (int16_t)v : -1;
	t->ioprio = TASK_IOPRIO_UNKNOWN;
	if (live) {
		long rc = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, t->tid);
		if (rc >= 0 && rc < (long)TASK_IOPRIO_UNKNOWN)
			t->ioprio = (uint16_t)rc;
	}
	t->extra_read = true;
}

void rowextra_update(struct model *m, struct task *const *rows, size_t n)
{
	if (model_is_replay(m))
		return; /* the recording holds what was read: the pids are past */
	bool live = m->own_pidns; /* ioprio_get takes pids of our namespace */
	for (size_t i = 0; i < n; i++)
		if (rows[i] && !rows[i]->exited_gen && due(m, rows[i]))
			read_extra(m, rows[i], live);
}

/* block/ioprio.c: a task without a class is served best-effort at the
 * level its nice value maps to */
static int none_level(const struct task *t)
{
	int level = (t->nice + 20) / 5;
	return level < 0 ? 0 : level > 7 ? 7 : level;
}

const char *rowextra_ioprio_name(const struct task *t)
{
	static const char *const names[4][8] = {
		{"none/0", "none/1", "none/2", "none/3", "none/4", "none/5", "none/6", "none/7"},
		{"rt/0", "rt/1", "rt/2", "rt/3", "rt/4", "rt/5", "rt/6", "rt/7"},
		{"be/0", "be/1", "be/2", "be/3", "be/4", "be/5", "be/6", "be/7"},
	};
	if (!t->extra_read || t->ioprio == TASK_IOPRIO_UNKNOWN)
		return NULL;
	unsigned cls = t->ioprio >> IOPRIO_CLASS_SHIFT, level = t->ioprio & IOPRIO_PRIO_MASK;
	if (cls == CLASS_IDLE)
		return "idle";
	if (cls > CLASS_IDLE || level > 7)
		return "?";
	return names[cls][cls == CLASS_NONE ? (unsigned)none_level(t) : level];
}

int rowextra_ioprio_rank(const struct task *t)
{
	if (!t->extra_read || t->ioprio == TASK_IOPRIO_UNKNOWN)
		return -1;
	unsigned cls = t->ioprio >> IOPRIO_CLASS_SHIFT, level = t->ioprio & IOPRIO_PRIO_MASK;
	switch (cls) {
	case CLASS_RT: return (int)level;
	case CLASS_BE: return 8 + (int)level;
	case CLASS_NONE: return 8 + none_level(t);
	default: return 16 + (int)level;
	}
}
