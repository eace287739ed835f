/* threadsum.c - a process's context switches and run-queue wait summed
 * over its threads (its own status and schedstat cover the main thread
 * only), against per-thread baselines so threads that come and go do not
 * make the total jump */
#include "model_priv.h"
#include "threadsum.h"
#include "scanpriv.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- the baselines: an indexed vector by tid (m->bases) ---- */

void threadsum_init(struct intvec *b)
{
	intvec_init(b, sizeof(struct thread_base), offsetof(struct thread_base, tid));
}

void threadsum_sweep(struct model *m)
{
	struct intvec *b = &m->bases;
	for (size_t i = 0; i < b->n;) {
		const struct thread_base *e = intvec_at(b, i);
		struct task *p = task_table_find(&m->procs, e->tgid);
		/* gone with its process, or not listed at its process's last walk */
		if (!p || p->exited_gen || p->agg_gen > e->gen || m->cfg.threads)
			intvec_remove_at(b, i); /* another baseline is now at i */
		else
			i++;
	}
}

bool threadsum_same_schedstat(const struct proc_schedstat *a, uint64_t run, uint64_t wait,
			   uint64_t slices)
{
	return a->run_ns == run && a->wait_ns == wait && a->timeslices == slices;
}

/* Out of memory leaves it unknown: the next sample starts over from it. */
void threadsum_set_main_raw(struct task *p, const struct raw_main *v)
{
	if (!p->main_raw)
		p->main_raw = malloc(sizeof *p->main_raw);
	if (p->main_raw)
		*p->main_raw = *v;
}

/* A thread of p whose file failed to read (n: the error, or >= 0 when it
 * did not parse, as an exiting thread's status). Unless it is exiting, its
 * baseline is kept (swept, it would come back as new and its whole life
 * would count as one interval's) and p's sum, short of its share, gives no
 * rate now nor across it. */
static void missed(struct model *m, struct task *p, struct thread_base *b, ssize_t n)
{
	if (n >= 0 || n == -ENOENT || n == -ESRCH)
		return;
	if (b)
		b->gen = m->gen;
	p->rebase_gen = m->gen;
}

/* Sums context switches and run-queue wait over a process's threads, as
 * deltas against each thread's baseline, so threads that come and go do
 * not make the total jump. */
void threadsum_aggregate(struct model *m, struct task *p, bool first)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, p->tid, 0, "task");
	int fd = openat(m->pfs.root_fd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		p->rebase_gen = m->gen; /* no sum this time: no rate from it nor across it */
		return;
	}
	uint64_t d_cswch = 0, d_nvcswch = 0, d_wait = 0, d_run = 0, d_slices = 0;
	_Alignas(8) char dbuf[8192];
	for (;;) {
		long nread = syscall(SYS_getdents64, fd, dbuf, sizeof dbuf);
		if (nread <= 0)
			break;
		for (long off = 0; off < nread;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dbuf + off);
			off += d->d_reclen;
			int32_t tid = scan_parse_id(d->d_name);
			if (tid <= 0)
				continue;
			ssize_t n = scan_read_file(m, p->tid, tid, "schedstat");
			struct proc_schedstat ss;
			struct thread_base *b = intvec_find(&m->bases, (uint32_t)tid);
			if (n < 0 || parse_proc_schedstat(m->readbuf, (size_t)n, &ss) < 0) {
				missed(m, p, b, n);
				continue;
			}
			if (b && b->tgid != p->tid)
				b->tgid = p->tid, b->run_ns = b->wait_ns = b->slices = 0,
				b->cswch = b->nvcswch = 0;
			if (b && threadsum_same_schedstat(&ss, b->run_ns, b->wait_ns, b->slices)) {
				b->gen = m->gen;
				continue;
			}
			n = scan_read_file(m, p->tid, tid, "status");
			struct proc_status st;
			if (n < 0 || parse_proc_status(m->readbuf, (size_t)n, &st) < 0 || !st.has_ctxt) {
				missed(m, p, b, n);
				continue;
			}
			bool fresh = !b;
			if (!b) {
				b = intvec_add(&m->bases, (uint32_t)tid);
				if (!b)
					continue;
				b->tgid = p->tid;
			}
#define DELTA(now, base) ((now) >= (base) ? (now) - (base) : (now))
			if (fresh && !first && tid == p->tid && p->main_raw) {
				/* the main thread of a formerly single-threaded process */
				b->cswch = p->main_raw->cswch, b->nvcswch = p->main_raw->nvcswch;
				b->wait_ns = p->main_raw->wait_ns, b->run_ns = p->main_raw->run_ns;
				b->slices = p->main_raw->slices;
			}
			d_cswch += DELTA(st.voluntary_ctxt_switches, b->cswch);
			d_nvcswch += DELTA(st.nonvoluntary_ctxt_switches, b->nvcswch);
			d_wait += DELTA(ss.wait_ns, b->wait_ns);
			d_run += DELTA(ss.run_ns, b->run_ns);
			d_slices += DELTA(ss.timeslices, b->slices);
#undef DELTA
			b->cswch = st.voluntary_ctxt_switches;
			b->nvcswch = st.nonvoluntary_ctxt_switches;
			b->wait_ns = ss.wait_ns;
			b->run_ns = ss.run_ns;
			b->slices = ss.timeslices;
			b->gen = m->gen;
			if (tid == p->tid) {
				struct raw_main now_raw = {
					.cswch = b->cswch,
					.nvcswch = b->nvcswch,
					.wait_ns = b->wait_ns,
					.run_ns = b->run_ns,
					.slices = b->slices,
				};
				threadsum_set_main_raw(p, &now_raw);
			}
		}
	}
	close(fd);
	p->agg_gen = m->gen;
	const struct task_counters *pv = task_prev(p); /* may be cur itself: each field read once */
	p->cur.cswch = pv->cswch + d_cswch;
	p->cur.nvcswch = pv->nvcswch + d_nvcswch;
	p->cur.wait_ns = pv->wait_ns + d_wait;
	p->cur.run_ns = pv->run_ns + d_run;
	p->cur.slices = pv->slices + d_slices;
	if (first)
		p->cur.cswch = d_cswch, p->cur.nvcswch = d_nvcswch, p->cur.wait_ns = d_wait,
		p->cur.run_ns = d_run, p->cur.slices = d_slices;
	p->have |= TG_STATUS | TG_SCHEDSTAT;
}

