/* waitinfo.c - the Waiting tab's figures for one task */
#include "model_priv.h"
#include "waitinfo.h"
#include "procfs.h"
#include "sanitize.h"
#include "taskstats.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#define STACK_MAX 16384

const char *waitinfo_cat_name(enum wait_cat c)
{
	static const char *const names[WAIT_COUNT] = {
		[WAIT_CPU] = "CPU (run queue)",
		[WAIT_BLKIO] = "block I/O",
		[WAIT_SWAPIN] = "swap-in",
		[WAIT_RECLAIM] = "memory reclaim",
		[WAIT_THRASHING] = "thrashing",
		[WAIT_COMPACT] = "compaction",
		[WAIT_WPCOPY] = "write-protect copy",
		[WAIT_IRQ] = "IRQ",
	};
	return c < WAIT_COUNT ? names[c] : "?";
}

static const struct {
	long nr;
	const char *name;
} syscall_names[] = {
	{SYS_read, "read"}, {SYS_write, "write"}, {SYS_openat, "openat"}, {SYS_close, "close"},
	{SYS_ppoll, "ppoll"}, {SYS_pselect6, "pselect6"}, {SYS_epoll_pwait, "epoll_pwait"},
	{SYS_futex, "futex"}, {SYS_clock_nanosleep, "clock_nanosleep"}, {SYS_wait4, "wait4"},
	{SYS_waitid, "waitid"}, {SYS_accept4, "accept4"}, {SYS_recvfrom, "recvfrom"},
	{SYS_recvmsg, "recvmsg"}, {SYS_sendto, "sendto"}, {SYS_sendmsg, "sendmsg"},
	{SYS_connect, "connect"}, {SYS_fsync, "fsync"}, {SYS_fdatasync, "fdatasync"},
	{SYS_io_getevents, "io_getevents"}, {SYS_pread64, "pread64"}, {SYS_pwrite64, "pwrite64"},
	{SYS_rt_sigtimedwait, "rt_sigtimedwait"}, {SYS_rt_sigsuspend, "rt_sigsuspend"},
	{SYS_msgrcv, "msgrcv"}, {SYS_semtimedop, "semtimedop"}, {SYS_flock, "flock"},
	{SYS_ioctl, "ioctl"}, {SYS_readv, "readv"}, {SYS_writev, "writev"}, {SYS_nanosleep, "nanosleep"},
	{SYS_sched_yield, "sched_yield"}, {SYS_fcntl, "fcntl"}, {SYS_mmap, "mmap"},
#ifdef SYS_io_uring_enter
	{SYS_io_uring_enter, "io_uring_enter"},
#endif
#ifdef SYS_epoll_wait
	{SYS_epoll_wait, "epoll_wait"},
#endif
#ifdef SYS_poll
	{SYS_poll, "poll"},
#endif
#ifdef SYS_select
	{SYS_select, "select"},
#endif
#ifdef SYS_accept
	{SYS_accept, "accept"},
#endif
#ifdef SYS_pause
	{SYS_pause, "pause"},
#endif
#ifdef SYS_open
	{SYS_open, "open"},
#endif
};

const char *waitinfo_syscall_name(int32_t nr)
{
	for (size_t i = 0; i < sizeof syscall_names / sizeof syscall_names[0]; i++)
		if (syscall_names[i].nr == nr)
			return syscall_names[i].name;
	return NULL;
}

static void put_delay(struct wait_delay *d, const struct taskstats_delay *src, bool has)
{
	d->count = has ? src->count : 0;
	d->total_ns = has ? src->total_ns : 0;
	d->has = has;
}

struct query_ctx {
	struct waitinfo *w;
	bool answered;
};

static void on_reply(void *ctx, int32_t id, const struct taskstats_sample *s, int err)
{
	(void)id;
	struct query_ctx *q = ctx;
	struct waitinfo *w = q->w;
	q->answered = true;
	if (err || !s) {
		w->ts_err = -(err ? err : EBADMSG);
		return;
	}
	w->ts_err = 0;
	w->ts_version = s->version;
	put_delay(&w->delay[WAIT_CPU], &s->cpu, true);
	put_delay(&w->delay[WAIT_BLKIO], &s->blkio, true);
	put_delay(&w->delay[WAIT_SWAPIN], &s->swapin, true);
	put_delay(&w->delay[WAIT_RECLAIM], &s->freepages, s->has_freepages);
	put_delay(&w->delay[WAIT_THRASHING], &s->thrashing, s->has_thrashing);
	put_delay(&w->delay[WAIT_COMPACT], &s->compact, s->has_compact);
	put_delay(&w->delay[WAIT_WPCOPY], &s->wpcopy, s->has_wpcopy);
	put_delay(&w->delay[WAIT_IRQ], &s->irq, s->has_irq);
}

static void read_delays(struct model *m, int32_t id, struct waitinfo *w)
{
	if (!m->ts) {
		w->ts_err = -ENOTSUP;
		return;
	}
	struct query_ctx q = {w, false};
	int rc = taskstats_query(m->ts, &id, 1, w->process, on_reply, &q);
	if (!q.answered)
		w->ts_err = rc < 0 ? rc : -EIO;
}

static ssize_t read_file(struct model *m, int32_t pid, int32_t tid, const char *name, char *buf,
			 size_t size)
{
	char path[PROCFS_PATH_MAX];
	procfs_task_path(path, pid, tid == pid ? 0 : tid, name);
	return procfs_read(m->pfs.root_fd, path, buf, size);
}

static int read_number(struct model *m, int32_t pid, const char *name, int64_t min, int64_t max,
		       int64_t *out)
{
	char buf[32];
	ssize_t n = read_file(m, pid, pid, name, buf, sizeof buf);
	if (n < 0)
		return (int)n;
	return parse_proc_int(buf, (size_t)n, min, max, out) == 0 ? 0 : -EBADMSG;
}

/* Each line of the kernel's stack sanitised on its own, so the newlines
 * between frames stay newlines. */
static char *clean_lines(const char *s, size_t n)
{
	size_t room = sanitize_bound(n);
	char *out = room == SIZE_MAX ? NULL : malloc(room + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (s + i)) : n - i;
		o += sanitize_text(s + i, len, out + o, room + 1 - o);
		if (nl && o < room)
			out[o++] = '\n';
		i += len + (nl ? 1 : 0);
	}
	out[o] = '\0';
	return out;
}

int waitinfo_read(struct model *m, int32_t pid, int32_t tid, bool process, struct waitinfo *w)
{
	memset(w, 0, sizeof *w);
	w->process = process;
	char buf[512];
	ssize_t n = read_file(m, pid, tid, "syscall", buf, sizeof buf);
	w->syscall_err = n < 0 ? (int)n : parse_proc_syscall(buf, (size_t)n, &w->sc) < 0 ? -EBADMSG : 0;
	if (n == -ENOENT || n == -ESRCH) {
		char stat[PROCFS_PATH_MAX];
		procfs_task_path(stat, pid, tid == pid ? 0 : tid, "stat");
		if (procfs_read(m->pfs.root_fd, stat, buf, sizeof buf) < 0)
			return -1;
	}
	n = read_file(m, pid, tid, "wchan", buf, sizeof buf);
	w->wchan_err = n < 0 ? (int)n : 0;
	/* "0" when it is not sleeping in a kernel function it can name */
	if (n > 0 && !(n == 1 && buf[0] == '0'))
		sanitize_text(buf, (size_t)n, w->wchan, sizeof w->wchan);
	char *stack = malloc(STACK_MAX);
	n = stack ? read_file(m, pid, tid, "stack", stack, STACK_MAX) : -ENOMEM;
	w->stack_err = n < 0 ? (int)n : 0;
	if (n >= 0 && !(w->stack = clean_lines(stack, (size_t)n)))
		w->stack_err = -ENOMEM;
	free(stack);
	w->oom_err = read_number(m, pid, "oom_score", 0, 2000, &w->oom_score);
	w->oom_adj_err = read_number(m, pid, "oom_score_adj", -1000, 1000, &w->oom_score_adj);
	read_delays(m, process ? pid : tid, w);
	return 0;
}

void waitinfo_free(struct waitinfo *w)
{
	free(w->stack);
	w->stack = NULL;
}
