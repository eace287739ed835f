/* cgroup.c - reading a process's cgroup v2 path */
#include "model_priv.h"
#include "cgroup.h"
#include "parse.h"
#include "sanitize.h"

#include <stdlib.h>
#include <string.h>

/* a process moves between cgroups rarely (systemd-run --scope, a
 * container runtime): re-read each one every this many refreshes */
#define CGROUP_REREAD 16

void cgroup_refresh(struct model *m, struct task *p)
{
	if (p->cgroup && ((uint32_t)p->tid + m->gen) % CGROUP_REREAD != 0)
		return;
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, p->tid, 0, "cgroup");
	ssize_t n = procfs_read(m->pfs.root_fd, path, m->readbuf, sizeof m->readbuf);
	struct proc_cgroup cg;
	if (n <= 0 || parse_proc_cgroup(m->readbuf, (size_t)n, &cg) < 0)
		return;
	size_t room = sanitize_bound(cg.len) + 1;
	char *clean = malloc(room);
	if (!clean)
		return;
	sanitize_text(cg.path, cg.len, clean, room);
	if (p->cgroup && strcmp(p->cgroup, clean) == 0) {
		free(clean);
		return;
	}
	free(p->cgroup);
	p->cgroup = clean;
}
