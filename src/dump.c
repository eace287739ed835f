/* dump.c - everything about one task as one JSON object */
#include "dump.h"
#include "procfs.h"
#include "taskinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Strings from taskinfo are sanitised (no control bytes, valid UTF-8):
 * only quotes and backslashes need escaping here. */
static void jstr(struct buf *b, const char *s)
{
	buf_put_json_string(b, s ? s : "", s ? strlen(s) : 0);
}

static void key(struct buf *b, bool *first, const char *k)
{
	if (!*first)
		buf_putc(b, ',');
	*first = false;
	jstr(b, k);
	buf_putc(b, ':');
}

struct why_list {
	const char *part[24];
	int err[24];
	size_t n;
};

/* null, remembering why */
static bool part_ok(struct buf *b, struct why_list *w, const char *part, int err)
{
	if (err == 0)
		return true;
	buf_puts(b, "null");
	if (w->n < sizeof w->part / sizeof w->part[0]) {
		w->part[w->n] = part;
		w->err[w->n++] = err;
	}
	return false;
}

static void kv_object(struct buf *b, const struct ti_kv *kv, size_t n)
{
	bool f = true;
	buf_putc(b, '{');
	for (size_t i = 0; i < n; i++) {
		if (kv[i].is_kb) {
			char k[128];
			snprintf(k, sizeof k, "%s_kb", kv[i].key);
			key(b, &f, k);
		} else {
			key(b, &f, kv[i].key);
		}
		if (kv[i].is_num)
			buf_put_u64(b, kv[i].num);
		else
			jstr(b, kv[i].value);
	}
	buf_putc(b, '}');
}

static void put_stat(struct buf *b, const struct taskinfo *ti)
{
	const struct proc_stat *s = &ti->stat;
	char st[2] = {s->state, '\0'};
	buf_printf(b,
		   "{\"pid\":%d,\"comm\":", s->pid);
	jstr(b, s->comm);
	buf_puts(b, ",\"state\":");
	jstr(b, st);
	buf_printf(b, ",\"ppid\":%d,\"minflt\":%llu,\"majflt\":%llu,\"utime_ticks\":%llu,"
		      "\"stime_ticks\":%llu,\"priority\":%lld,\"nice\":%lld,\"num_threads\":%lld,"
		      "\"starttime_ticks\":%llu,\"vsize\":%llu,\"rss_pages\":%lld,",
		   s->ppid, (unsigned long long)s->minflt, (unsigned long long)s->majflt,
		   (unsigned long long)s->utime, (unsigned long long)s->stime,
		   (long long)s->priority, (long long)s->nice, (long long)s->num_threads,
		   (unsigned long long)s->starttime, (unsigned long long)s->vsize,
		   (long long)s->rss_pages);
	if (s->has_processor)
		buf_printf(b, "\"processor\":%d,", s->processor);
	else
		buf_puts(b, "\"processor\":null,");
	if (s->has_blkio)
		buf_printf(b, "\"delayacct_blkio_ticks\":%llu,",
			   (unsigned long long)s->delayacct_blkio_ticks);
	else
		buf_puts(b, "\"delayacct_blkio_ticks\":null,");
	if (s->has_guest)
		buf_printf(b, "\"guest_ticks\":%llu,", (unsigned long long)s->guest_time);
	else
		buf_puts(b, "\"guest_ticks\":null,");
	if (ti->rt_priority >= 0)
		buf_printf(b, "\"rt_priority\":%lld,", (long long)ti->rt_priority);
	else
		buf_puts(b, "\"rt_priority\":null,");
	buf_puts(b, "\"policy\":");
	if (ti->policy >= 0)
		jstr(b, taskinfo_policy_name(ti->policy));
	else
		buf_puts(b, "null");
	buf_putc(b, '}');
}

static void put_identity(struct buf *b, const struct taskinfo *ti, struct why_list *w)
{
	bool f = true;
	buf_putc(b, '{');
	key(b, &f, "cmdline");
	if (ti->cmdline && !ti->cmdline_empty)
		jstr(b, ti->cmdline);
	else
		buf_puts(b, "null");
	key(b, &f, "exe");
	if (part_ok(b, w, "exe", ti->exe_err))
		jstr(b, ti->exe);
	key(b, &f, "cwd");
	if (part_ok(b, w, "cwd", ti->cwd_err))
		jstr(b, ti->cwd);
	key(b, &f, "parent_comm");
	if (ti->parent_comm)
		jstr(b, ti->parent_comm);
	else
		buf_puts(b, "null");
	key(b, &f, "start_time");
	if (ti->have_start)
		buf_put_fixed(b, ti->start_epoch_s, 2);
	else
		buf_puts(b, "null");
	key(b, &f, "age_s");
	if (ti->have_start)
		buf_put_fixed(b, ti->age_s, 2);
	else
		buf_puts(b, "null");
	key(b, &f, "ioprio");
	if (part_ok(b, w, "ioprio", ti->ioprio_err)) {
		static const char *const cls[] = {"none", "realtime", "best-effort", "idle"};
		buf_puts(b, "{\"class\":");
		jstr(b, ti->ioprio_class >= 0 && ti->ioprio_class <= 3 ? cls[ti->ioprio_class] : "unknown");
		buf_printf(b, ",\"level\":%d}", ti->ioprio_level);
	}
	buf_putc(b, '}');
}

static void put_fds(struct buf *b, const struct taskinfo *ti)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < ti->nfds; i++) {
		const struct ti_fd *fd = &ti->fds[i];
		if (i)
			buf_putc(b, ',');
		buf_printf(b, "{\"fd\":%d,\"type\":", fd->fd);
		jstr(b, taskinfo_fd_type_name(fd->type));
		buf_puts(b, ",\"target\":");
		jstr(b, fd->target);
		if (fd->type == TI_FD_SOCKET || fd->type == TI_FD_PIPE)
			buf_printf(b, ",\"inode\":%u", fd->inode);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void put_conns(struct buf *b, const struct taskinfo *ti)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < ti->nconns; i++) {
		const struct ti_conn *c = &ti->conns[i];
		if (i)
			buf_putc(b, ',');
		struct ti_conn_text t;
		taskinfo_conn_text(c, &t);
		buf_printf(b, "{\"fd\":%d,\"inode\":%u,\"proto\":", c->fd, c->inode);
		jstr(b, t.proto);
		buf_puts(b, ",\"local\":");
		jstr(b, t.local);
		buf_puts(b, ",\"remote\":");
		jstr(b, t.remote);
		buf_puts(b, ",\"state\":");
		jstr(b, t.state);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void put_maps(struct buf *b, const struct taskinfo *ti)
{
	buf_printf(b, "{\"count\":%zu,\"total_kb\":%llu,\"anon_kb\":%llu,\"file_kb\":%llu,"
		      "\"largest\":[",
		   ti->nmaps, (unsigned long long)ti->maps_total_kb,
		   (unsigned long long)ti->maps_anon_kb, (unsigned long long)ti->maps_file_kb);
	for (size_t i = 0; i < ti->ntop; i++) {
		const struct ti_map *m = &ti->top_maps[i];
		if (i)
			buf_putc(b, ',');
		buf_printf(b, "{\"start\":\"%llx\",\"end\":\"%llx\",\"perms\":",
			   (unsigned long long)m->start, (unsigned long long)m->end);
		jstr(b, m->perms);
		buf_printf(b, ",\"size_kb\":%llu,", (unsigned long long)m->size_kb);
		if (ti->smaps_read)
			buf_printf(b, "\"rss_kb\":%llu,", (unsigned long long)m->rss_kb);
		else
			buf_puts(b, "\"rss_kb\":null,");
		buf_puts(b, "\"path\":");
		if (m->path[0])
			jstr(b, m->path);
		else
			buf_puts(b, "null");
		buf_putc(b, '}');
	}
	buf_puts(b, "]}");
}

static void put_threads(struct buf *b, const struct taskinfo *ti)
{
	buf_putc(b, '[');
	for (size_t i = 0; i < ti->nthreads; i++) {
		const struct ti_thread *t = &ti->threads[i];
		char st[2] = {t->state, '\0'};
		if (i)
			buf_putc(b, ',');
		buf_printf(b, "{\"tid\":%d,\"comm\":", t->tid);
		jstr(b, t->comm);
		buf_puts(b, ",\"state\":");
		jstr(b, st);
		buf_printf(b, ",\"utime_ticks\":%llu,\"stime_ticks\":%llu,\"blkio_delay_ticks\":%llu,",
			   (unsigned long long)t->utime, (unsigned long long)t->stime,
			   (unsigned long long)t->blkio_ticks);
		if (t->has_sched)
			buf_printf(b, "\"run_ns\":%llu,\"wait_ns\":%llu,", (unsigned long long)t->run_ns,
				   (unsigned long long)t->wait_ns);
		else
			buf_puts(b, "\"run_ns\":null,\"wait_ns\":null,");
		if (t->has_io)
			buf_printf(b, "\"read_bytes\":%llu,\"write_bytes\":%llu}",
				   (unsigned long long)t->read_bytes, (unsigned long long)t->write_bytes);
		else
			buf_puts(b, "\"read_bytes\":null,\"write_bytes\":null}");
	}
	buf_putc(b, ']');
}

void dump_json(const struct taskinfo *ti, struct buf *b)
{
	struct why_list w = {.n = 0};
	bool f = true;
	buf_putc(b, '{');
	key(b, &f, "pid");
	buf_printf(b, "%d", ti->pid);
	key(b, &f, "identity");
	put_identity(b, ti, &w);
	key(b, &f, "stat");
	if (part_ok(b, &w, "stat", ti->stat_err))
		put_stat(b, ti);
	key(b, &f, "status");
	if (part_ok(b, &w, "status", ti->status_err))
		kv_object(b, ti->status, ti->nstatus);
	key(b, &f, "statm");
	if (part_ok(b, &w, "statm", ti->statm_err)) {
		const struct proc_statm *s = &ti->statm;
		buf_printf(b, "{\"size\":%llu,\"resident\":%llu,\"shared\":%llu,\"text\":%llu,"
			      "\"lib\":%llu,\"data\":%llu,\"dt\":%llu}",
			   (unsigned long long)s->size, (unsigned long long)s->resident,
			   (unsigned long long)s->shared, (unsigned long long)s->text,
			   (unsigned long long)s->lib, (unsigned long long)s->data,
			   (unsigned long long)s->dt);
	}
	key(b, &f, "io");
	if (part_ok(b, &w, "io", ti->io_err)) {
		const struct proc_io *io = &ti->io;
		buf_printf(b, "{\"rchar\":%llu,\"wchar\":%llu,\"syscr\":%llu,\"syscw\":%llu,",
			   (unsigned long long)io->rchar, (unsigned long long)io->wchar,
			   (unsigned long long)io->syscr, (unsigned long long)io->syscw);
		if (io->has_storage)
			buf_printf(b, "\"read_bytes\":%llu,\"write_bytes\":%llu,"
				      "\"cancelled_write_bytes\":%llu}",
				   (unsigned long long)io->read_bytes,
				   (unsigned long long)io->write_bytes,
				   (unsigned long long)io->cancelled_write_bytes);
		else
			buf_puts(b, "\"read_bytes\":null,\"write_bytes\":null,"
				    "\"cancelled_write_bytes\":null}");
	}
	key(b, &f, "schedstat");
	if (part_ok(b, &w, "schedstat", ti->sched_err))
		buf_printf(b, "{\"run_ns\":%llu,\"wait_ns\":%llu,\"timeslices\":%llu}",
			   (unsigned long long)ti->sched.run_ns, (unsigned long long)ti->sched.wait_ns,
			   (unsigned long long)ti->sched.timeslices);
	key(b, &f, "limits");
	if (part_ok(b, &w, "limits", ti->limits_err)) {
		bool lf = true;
		buf_putc(b, '{');
		for (size_t i = 0; i < ti->nlimits; i++) {
			const struct ti_limit *l = &ti->limits[i];
			key(b, &lf, l->name);
			buf_puts(b, "{\"soft\":");
			if (l->soft_unlimited)
				buf_puts(b, "\"unlimited\"");
			else
				buf_put_u64(b, l->soft);
			buf_puts(b, ",\"hard\":");
			if (l->hard_unlimited)
				buf_puts(b, "\"unlimited\"");
			else
				buf_put_u64(b, l->hard);
			buf_puts(b, ",\"unit\":");
			if (l->unit[0])
				jstr(b, l->unit);
			else
				buf_puts(b, "null");
			buf_putc(b, '}');
		}
		buf_putc(b, '}');
	}
	key(b, &f, "environ");
	if (part_ok(b, &w, "environ", ti->environ_err)) {
		buf_putc(b, '[');
		for (size_t i = 0; i < ti->nenviron; i++) {
			if (i)
				buf_putc(b, ',');
			jstr(b, ti->environ[i]);
		}
		buf_putc(b, ']');
	}
	key(b, &f, "cgroup");
	if (part_ok(b, &w, "cgroup", ti->cgroup_err)) {
		buf_putc(b, '[');
		for (size_t i = 0; i < ti->ncgroups; i++) {
			if (i)
				buf_putc(b, ',');
			buf_puts(b, "{\"hierarchy\":");
			jstr(b, ti->cgroups[i].hierarchy);
			buf_puts(b, ",\"controllers\":");
			jstr(b, ti->cgroups[i].controllers);
			buf_puts(b, ",\"path\":");
			jstr(b, ti->cgroups[i].path);
			buf_putc(b, '}');
		}
		buf_putc(b, ']');
	}
	key(b, &f, "mountinfo");
	if (part_ok(b, &w, "mountinfo", ti->mountinfo_err)) {
		buf_printf(b, "{\"mounts\":%zu,\"root_fstype\":", ti->nmounts);
		if (ti->root_fstype)
			jstr(b, ti->root_fstype);
		else
			buf_puts(b, "null");
		buf_puts(b, ",\"fstypes\":{");
		bool ff = true;
		for (size_t i = 0; i < ti->nfstypes; i++) {
			key(b, &ff, ti->fstypes[i].name);
			buf_printf(b, "%zu", ti->fstypes[i].count);
		}
		buf_puts(b, "}}");
	}
	key(b, &f, "fds");
	if (part_ok(b, &w, "fds", ti->fds_err))
		put_fds(b, ti);
	key(b, &f, "connections");
	if (part_ok(b, &w, "connections", ti->fds_err ? ti->fds_err : ti->conns_err))
		put_conns(b, ti);
	key(b, &f, "maps");
	if (part_ok(b, &w, "maps", ti->maps_err))
		put_maps(b, ti);
	key(b, &f, "smaps_rollup");
	if (part_ok(b, &w, "smaps_rollup", ti->rollup_err))
		kv_object(b, ti->rollup, ti->nrollup);
	key(b, &f, "threads");
	if (part_ok(b, &w, "threads", ti->threads_err))
		put_threads(b, ti);
	key(b, &f, "unavailable");
	bool uf = true;
	buf_putc(b, '{');
	for (size_t i = 0; i < w.n; i++) {
		key(b, &uf, w.part[i]);
		jstr(b, taskinfo_reason(w.err[i]));
	}
	buf_puts(b, "}}\n");
}

int dump_run(const char *proc_root, int32_t pid, int fd, char *why, size_t whylen)
{
	struct procfs pfs;
	const char *root = proc_root ? proc_root : "/proc";
	if (procfs_open(&pfs, root, why, whylen) < 0)
		return 1;
	struct taskinfo ti;
	bool live = strcmp(root, "/proc") == 0;
	int rc = 0;
	if (taskinfo_read(&ti, pfs.root_fd, pid, live, TASKINFO_SMAPS) < 0) {
		if (ti.err == -ENOENT || ti.err == -ESRCH)
			snprintf(why, whylen, "no process with pid %d", (int)pid);
		else
			snprintf(why, whylen, "cannot read %s/%d: %s", root, (int)pid,
				 strerror(-ti.err));
		rc = 1;
	} else {
		struct buf b = {0};
		dump_json(&ti, &b);
		if (b.failed) {
			snprintf(why, whylen, "out of memory");
			rc = 1;
		} else if (buf_write_fd(&b, fd) < 0) {
			snprintf(why, whylen, "write: %s", strerror(errno));
			rc = 1;
		}
		buf_free(&b);
	}
	taskinfo_free(&ti);
	procfs_close(&pfs);
	return rc;
}
