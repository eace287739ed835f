/* listing.c - phase 1 of a refresh: the proc root listed, processes and
 * (with -H) their threads, without reading a file */
#include "model_priv.h"
#include "scanpriv.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct task *lookup_or_add(struct task_table *table, int32_t tid, bool *is_new)
{
	struct task *t = task_table_find(table, tid);
	*is_new = !t;
	if (!t)
		t = task_table_insert(table, tid);
	return t;
}

static bool list_push(struct task_list *l, struct task *t)
{
	struct task **v = array_grow(l->v, &l->cap, l->n + 1, sizeof *v, 1024);
	if (!v)
		return false;
	l->v = v;
	t->list_index = (uint32_t)l->n;
	l->v[l->n++] = t;
	return true;
}

/* Lists /proc/P/task into m->listed_threads; returns the thread count. */
static int32_t list_threads_of(struct model *m, struct task *p)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, p->tid, 0, "task");
	int fd = openat(m->pfs.root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int32_t nthreads = 0;
	for (;;) {
		long nread = syscall(SYS_getdents64, fd, m->taskdirbuf, sizeof m->taskdirbuf);
		if (nread <= 0)
			break;
		for (long off = 0; off < nread;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(m->taskdirbuf + off);
			off += d->d_reclen;
			int32_t tid = scan_parse_id(d->d_name);
			if (tid <= 0)
				continue;
			bool is_new;
			struct task *t = lookup_or_add(&m->threads, tid, &is_new);
			if (!t)
				continue;
			if (!is_new && t->tgid != p->tid)
				task_reset(t, &m->deltas); /* the tid now belongs to another process */
			t->is_thread = true;
			t->tgid = p->tid;
			t->process = p;
			t->listed_new = is_new;
			if (!list_push(&m->listed_threads, t)) {
				if (is_new)
					task_table_remove(&m->threads, t);
				continue;
			}
			nthreads++;
		}
	}
	close(fd);
	return nthreads;
}

/* Phase 1: list the processes (and threads) without reading any file. */
int scan_list_all(struct model *m)
{
	m->listed.n = 0;
	m->listed_threads.n = 0;
	int root = m->pfs.root_fd;
	if (lseek(root, 0, SEEK_SET) < 0)
		return -1;
	for (;;) {
		long nread = syscall(SYS_getdents64, root, m->dirbuf, sizeof m->dirbuf);
		if (nread < 0)
			return -1;
		if (nread == 0)
			break;
		for (long off = 0; off < nread;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(m->dirbuf + off);
			off += d->d_reclen;
			if (d->d_type != DT_DIR && d->d_type != DT_UNKNOWN)
				continue;
			int32_t pid = scan_parse_id(d->d_name);
			if (pid <= 0)
				continue;
			bool is_new;
			struct task *p = lookup_or_add(&m->procs, pid, &is_new);
			if (!p)
				continue;
			p->tgid = pid;
			p->listed_new = is_new;
			if (!list_push(&m->listed, p)) {
				if (is_new)
					task_table_remove(&m->procs, p);
				continue;
			}
			if (m->cfg.threads) {
				int32_t n = list_threads_of(m, p);
				if (n > 0)
					p->nthreads = n;
			}
		}
	}
	return 0;
}

