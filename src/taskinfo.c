/* taskinfo.c - reading everything about one task (proc(5) per file) */
#include "taskinfo_priv.h"
#include "text.h"
#include "buf.h"
#include "procfs.h"
#include "sanitize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* an integer without a leading zero (octal-looking values stay text) */
static bool plain_number(const char *s, size_t n, uint64_t *out)
{
	if (n > 1 && s[0] == '0')
		return false;
	return ti_tok_u64(s, n, out);
}

/* "Key:  value" lines (status, smaps_rollup); values "N kB" become numbers */
static int read_kv(int dirfd, const char *name, struct buf *b, struct ti_kv **out, size_t *nout)
{
	int rc = ti_slurp(dirfd, name, b);
	if (rc < 0)
		return rc;
	struct lines ls;
	parse_lines_init(&ls, b->data, b->len);
	const char *line;
	size_t len, cap = 0;
	while (parse_lines_next_len(&ls, &line, &len)) {
		const char *colon = memchr(line, ':', len);
		/* keys are single words; smaps_rollup's first line is the
		 * address range, whose "08:01" is no key */
		if (!colon || colon == line || memchr(line, ' ', (size_t)(colon - line)))
			continue;
		if (array_reserve((void **)out, &cap, *nout + 1, sizeof **out) < 0)
			return -ENOMEM;
		struct ti_kv *kv = &(*out)[*nout];
		memset(kv, 0, sizeof *kv);
		const char *v = colon + 1;
		size_t vn = (size_t)(line + len - v);
		parse_trim(&v, &vn);
		kv->key = ti_clean_dup(line, (size_t)(colon - line));
		/* "Uid:\t0\t0\t0\t0": the columns read as words (the kernel's
		 * separators; a tab inside Name is escaped by the kernel) */
		char *spaced = malloc(vn + 1);
		if (spaced) {
			for (size_t k = 0; k < vn; k++)
				spaced[k] = v[k] == '\t' ? ' ' : v[k];
			kv->value = ti_clean_dup(spaced, vn);
			free(spaced);
		}
		(*nout)++;
		if (!kv->key || !kv->value)
			return -ENOMEM;
		if (vn > 3 && memcmp(v + vn - 3, " kB", 3) == 0 && plain_number(v, vn - 3, &kv->num))
			kv->is_num = kv->is_kb = true;
		else if (plain_number(v, vn, &kv->num))
			kv->is_num = true;
	}
	return 0;
}

/* stat fields 40 (rt_priority) and 41 (policy), which parse.c skips */
static void stat_policy(const char *buf, size_t len, struct taskinfo *ti)
{
	ti->rt_priority = ti->policy = -1;
	const char *rp = memrchr(buf, ')', len);
	if (!rp)
		return;
	const char *p = rp + 1, *end = buf + len;
	int field = 2; /* the ')' ends field 2 */
	while (p < end && field < 41) {
		while (p < end && *p == ' ')
			p++;
		const char *tok = p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		field++;
		uint64_t v;
		if ((field == 40 || field == 41) && ti_tok_u64(tok, (size_t)(p - tok), &v) &&
		    v < INT64_MAX)
			*(field == 40 ? &ti->rt_priority : &ti->policy) = (int64_t)v;
	}
}

static void read_identity(struct taskinfo *ti, int root_fd, int dirfd, struct buf *b, bool live)
{
	ti->stat_err = ti_slurp(dirfd, "stat", b);
	if (ti->stat_err == 0 && parse_proc_stat(b->data, b->len, &ti->stat) < 0)
		ti->stat_err = -EINVAL;
	if (ti->stat_err == 0) {
		stat_policy(b->data, b->len, ti);
		char s[PARSE_COMM_MAX * 4 + 1];
		sanitize_text(ti->stat.comm, strlen(ti->stat.comm), s, sizeof s);
		memcpy(ti->stat.comm, s, strlen(s) + 1 < sizeof ti->stat.comm ? strlen(s) + 1
									    : sizeof ti->stat.comm);
		ti->stat.comm[sizeof ti->stat.comm - 1] = '\0';
	}
	if (ti_slurp(dirfd, "cmdline", b) == 0) {
		char *joined = malloc(b->len + 1);
		if (joined) {
			size_t n = parse_proc_cmdline(b->data, b->len, joined, b->len + 1);
			ti->cmdline = ti_clean_dup(joined, n);
			ti->cmdline_empty = n == 0;
			free(joined);
		}
	}
	ti->exe_err = ti_read_link(dirfd, "exe", &ti->exe);
	ti->cwd_err = ti_read_link(dirfd, "cwd", &ti->cwd);
	/* the parent's name */
	if (ti->stat_err == 0 && ti->stat.ppid > 0) {
		char path[PROCFS_PATH_MAX];
		procfs_task_path(path, ti->stat.ppid, 0, "stat");
		struct proc_stat ps;
		if (ti_slurp(root_fd, path, b) == 0 && parse_proc_stat(b->data, b->len, &ps) == 0)
			ti->parent_comm = ti_clean_dup(ps.comm, strlen(ps.comm));
	}
	/* start time and age, by the proc tree's own clock */
	long hz = sysconf(_SC_CLK_TCK);
	double up = 0;
	uint64_t btime = 0;
	if (ti->stat_err == 0 && hz > 0 && ti_slurp(root_fd, "uptime", b) == 0 &&
	    parse_uptime(b->data, b->len, &up) == 0 && ti_slurp(root_fd, "stat", b) == 0) {
		const char *bt = memmem(b->data, b->len, "\nbtime ", 7);
		if (bt) {
			bt += 7;
			const char *e = memchr(bt, '\n', (size_t)(b->data + b->len - bt));
			if (e && ti_tok_u64(bt, (size_t)(e - bt), &btime)) {
				double start = (double)ti->stat.starttime / (double)hz;
				ti->start_epoch_s = (double)btime + start;
				ti->age_s = up - start;
				ti->have_start = true;
			}
		}
	}
	ti->ioprio_err = -ENOTSUP;
	if (live) {
		/* linux/ioprio.h: IOPRIO_WHO_PROCESS = 1, class in bits 13..15 */
		long v = syscall(SYS_ioprio_get, 1, ti->pid);
		if (v < 0) {
			ti->ioprio_err = -errno;
		} else {
			ti->ioprio_err = 0;
			ti->ioprio_class = (int)(v >> 13);
			ti->ioprio_level = (int)(v & 0x1fff);
		}
	}
}

static void read_limits(struct taskinfo *ti, int dirfd, struct buf *b)
{
	ti->limits_err = ti_slurp(dirfd, "limits", b);
	if (ti->limits_err < 0)
		return;
	struct lines ls;
	parse_lines_init(&ls, b->data, b->len);
	const char *line;
	size_t len, cap = 0;
	bool header = true;
	/* "Limit   Soft Limit   Hard Limit   Units": columns at fixed offsets
	 * (fs/proc/base.c proc_pid_limits: %-25s %-20s %-20s %-10s) */
	while (parse_lines_next_len(&ls, &line, &len)) {
		if (header) {
			header = false;
			continue;
		}
		if (len < 26)
			continue;
		if (array_reserve((void **)&ti->limits, &cap, ti->nlimits + 1, sizeof *ti->limits) < 0) {
			ti->limits_err = -ENOMEM;
			return;
		}
		struct ti_limit *l = &ti->limits[ti->nlimits];
		memset(l, 0, sizeof *l);
		const char *name = line;
		size_t nn = 25;
		parse_trim(&name, &nn);
		const char *tok[3];
		size_t tl[3];
		struct fields fs;
		parse_fields_init(&fs, line + 25, line + len + 1); /* with its '\n' */
		int nt = 0;
		while (nt < 3 && parse_fields_next(&fs, &tok[nt], &tl[nt]))
			nt++;
		if (nt < 2)
			continue;
		l->name = ti_clean_dup(name, nn);
		l->unit = ti_clean_dup(nt == 3 ? tok[2] : "", nt == 3 ? tl[2] : 0);
		ti->nlimits++;
		if (!l->name || !l->unit) {
			ti->limits_err = -ENOMEM;
			return;
		}
		l->soft_unlimited = tl[0] == 9 && memcmp(tok[0], "unlimited", 9) == 0;
		l->hard_unlimited = tl[1] == 9 && memcmp(tok[1], "unlimited", 9) == 0;
		if (!l->soft_unlimited)
			ti_tok_u64(tok[0], tl[0], &l->soft);
		if (!l->hard_unlimited)
			ti_tok_u64(tok[1], tl[1], &l->hard);
	}
}

static void read_environ(struct taskinfo *ti, int dirfd, struct buf *b)
{
	ti->environ_err = ti_slurp(dirfd, "environ", b);
	if (ti->environ_err < 0)
		return;
	size_t cap = 0;
	const char *p = b->data, *end = b->data + b->len;
	while (p < end) {
		const char *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
		if (n) {
			if (array_reserve((void **)&ti->environ, &cap, ti->nenviron + 1, sizeof *ti->environ) < 0 ||
			    !(ti->environ[ti->nenviron] = ti_clean_dup(p, n))) {
				ti->environ_err = -ENOMEM;
				return;
			}
			ti->nenviron++;
		}
		p += n + 1;
	}
}

static void read_cgroup(struct taskinfo *ti, int dirfd, struct buf *b)
{
	ti->cgroup_err = ti_slurp(dirfd, "cgroup", b);
	if (ti->cgroup_err < 0)
		return;
	struct lines ls;
	parse_lines_init(&ls, b->data, b->len);
	const char *line;
	size_t len, cap = 0;
	while (parse_lines_next_len(&ls, &line, &len)) {
		/* hierarchy-ID:controller-list:cgroup-path */
		const char *c1 = memchr(line, ':', len);
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line + len - c1 - 1)) : NULL;
		if (!c2)
			continue;
		if (array_reserve((void **)&ti->cgroups, &cap, ti->ncgroups + 1, sizeof *ti->cgroups) < 0) {
			ti->cgroup_err = -ENOMEM;
			return;
		}
		struct ti_cgroup *g = &ti->cgroups[ti->ncgroups++];
		g->hierarchy = ti_clean_dup(line, (size_t)(c1 - line));
		g->controllers = ti_clean_dup(c1 + 1, (size_t)(c2 - c1 - 1));
		g->path = ti_clean_dup(c2 + 1, (size_t)(line + len - c2 - 1));
		if (!g->hierarchy || !g->controllers || !g->path) {
			ti->cgroup_err = -ENOMEM;
			return;
		}
	}
}

static void add_top_map(struct taskinfo *ti, const struct ti_map *m)
{
	size_t n = ti->ntop;
	uint64_t key = ti->smaps_read ? m->rss_kb : m->size_kb;
	size_t at = n;
	while (at > 0 &&
	       (ti->smaps_read ? ti->top_maps[at - 1].rss_kb : ti->top_maps[at - 1].size_kb) < key)
		at--;
	if (at >= TASKINFO_TOP_MAPS) {
		free(m->path);
		return;
	}
	if (n == TASKINFO_TOP_MAPS) {
		free(ti->top_maps[n - 1].path);
		n--;
	}
	memmove(&ti->top_maps[at + 1], &ti->top_maps[at], (n - at) * sizeof ti->top_maps[0]);
	ti->top_maps[at] = *m;
	ti->ntop = n + 1;
}

/* maps (or smaps: the same lines, each followed by "Key: N kB" lines) */
static void read_maps(struct taskinfo *ti, int dirfd, struct buf *b, bool smaps)
{
	ti->maps_err = ti_slurp(dirfd, smaps ? "smaps" : "maps", b);
	if (ti->maps_err < 0)
		return;
	ti->smaps_read = smaps;
	struct lines ls;
	parse_lines_init(&ls, b->data, b->len);
	const char *line;
	size_t len;
	struct ti_map cur;
	bool have = false;
	while (parse_lines_next_len(&ls, &line, &len)) {
		char first = len ? line[0] : ' ';
		bool is_range = (first >= '0' && first <= '9') || (first >= 'a' && first <= 'f');
		const char *colon = memchr(line, ':', len);
		if (smaps && !is_range) {
			if (have && colon && (size_t)(colon - line) == 3 && memcmp(line, "Rss", 3) == 0) {
				const char *v = colon + 1;
				size_t vn = (size_t)(line + len - v);
				parse_trim(&v, &vn);
				if (vn > 3)
					ti_tok_u64(v, vn - 3, &cur.rss_kb);
			}
			continue;
		}
		/* a line like "7f..-7f.. r-xp 00000000 08:01 1234   /usr/lib/x.so" */
		if (!is_range)
			continue;
		if (have)
			add_top_map(ti, &cur);
		have = false;
		memset(&cur, 0, sizeof cur);
		unsigned long long s, e;
		char perms[5];
		int off = 0;
		char tmp[128];
		size_t tn = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
		memcpy(tmp, line, tn);
		tmp[tn] = '\0';
		if (sscanf(tmp, "%llx-%llx %4s %*s %*s %*s%n", &s, &e, perms, &off) < 3 || e < s)
			continue;
		cur.start = s;
		cur.end = e;
		cur.size_kb = (e - s) / 1024;
		memcpy(cur.perms, perms, sizeof cur.perms);
		/* the path: what follows the inode column */
		const char *path = line, *le = line + len;
		for (int fld = 0; fld < 5; fld++) {
			while (path < le && *path == ' ')
				path++;
			while (path < le && *path != ' ')
				path++;
		}
		while (path < le && *path == ' ')
			path++;
		cur.path = ti_clean_dup(path, (size_t)(le - path));
		if (!cur.path) {
			ti->maps_err = -ENOMEM;
			return;
		}
		ti->nmaps++;
		ti->maps_total_kb += cur.size_kb;
		if (path < le && *path == '/')
			ti->maps_file_kb += cur.size_kb;
		else
			ti->maps_anon_kb += cur.size_kb;
		have = true;
	}
	if (have)
		add_top_map(ti, &cur);
}

static int by_tid(const void *a, const void *b)
{
	const struct ti_thread *x = a, *y = b;
	return (x->tid > y->tid) - (x->tid < y->tid);
}

static void read_threads(struct taskinfo *ti, int dirfd, struct buf *b)
{
	int fd;
	DIR *d = ti_opendir(dirfd, "task", &fd, &ti->threads_err);
	if (!d)
		return;
	size_t cap = 0;
	struct dirent *e;
	char path[32];
	while ((e = readdir(d))) {
		uint64_t tid;
		if (!ti_tok_u64(e->d_name, strlen(e->d_name), &tid) || tid > INT32_MAX)
			continue;
		struct proc_stat st;
		snprintf(path, sizeof path, "%d/stat", (int)tid);
		if (ti_slurp(fd, path, b) < 0 || parse_proc_stat(b->data, b->len, &st) < 0)
			continue; /* gone since the listing */
		if (array_reserve((void **)&ti->threads, &cap, ti->nthreads + 1, sizeof *ti->threads) < 0) {
			ti->threads_err = -ENOMEM;
			break;
		}
		struct ti_thread *t = &ti->threads[ti->nthreads++];
		memset(t, 0, sizeof *t);
		t->tid = (int32_t)tid;
		sanitize_text(st.comm, strlen(st.comm), t->comm, sizeof t->comm);
		t->state = st.state;
		t->utime = st.utime;
		t->stime = st.stime;
		t->blkio_ticks = st.delayacct_blkio_ticks;
		struct proc_schedstat ss;
		snprintf(path, sizeof path, "%d/schedstat", (int)tid);
		if (ti_slurp(fd, path, b) == 0 && parse_proc_schedstat(b->data, b->len, &ss) == 0) {
			t->run_ns = ss.run_ns;
			t->wait_ns = ss.wait_ns;
			t->has_sched = true;
		}
		struct proc_io io;
		snprintf(path, sizeof path, "%d/io", (int)tid);
		if (ti_slurp(fd, path, b) == 0 && parse_proc_io(b->data, b->len, &io) == 0 &&
		    io.has_storage) {
			t->read_bytes = io.read_bytes;
			t->write_bytes = io.write_bytes;
			t->has_io = true;
		}
	}
	closedir(d);
	qsort(ti->threads, ti->nthreads, sizeof *ti->threads, by_tid);
}

int taskinfo_read(struct taskinfo *ti, int root_fd, int32_t pid, bool live, unsigned flags)
{
	memset(ti, 0, sizeof *ti);
	ti->pid = pid;
	char name[16];
	snprintf(name, sizeof name, "%d", (int)pid);
	int dirfd = pid > 0 ? openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dirfd < 0) {
		ti->err = pid > 0 ? -errno : -ESRCH;
		return -1;
	}
	struct buf b = {0};
	read_identity(ti, root_fd, dirfd, &b, live);
	if (ti->stat_err == -ENOENT || ti->stat_err == -ESRCH) {
		ti->err = -ESRCH; /* it exited while we looked */
		buf_free(&b);
		close(dirfd);
		return -1;
	}
	ti->status_err = read_kv(dirfd, "status", &b, &ti->status, &ti->nstatus);
	ti->statm_err = ti_slurp(dirfd, "statm", &b);
	if (ti->statm_err == 0 && parse_proc_statm(b.data, b.len, &ti->statm) < 0)
		ti->statm_err = -EINVAL;
	ti->io_err = ti_slurp(dirfd, "io", &b);
	if (ti->io_err == 0 && parse_proc_io(b.data, b.len, &ti->io) < 0)
		ti->io_err = -EINVAL;
	ti->sched_err = ti_slurp(dirfd, "schedstat", &b);
	if (ti->sched_err == 0 && parse_proc_schedstat(b.data, b.len, &ti->sched) < 0)
		ti->sched_err = -EINVAL;
	read_limits(ti, dirfd, &b);
	read_environ(ti, dirfd, &b);
	read_cgroup(ti, dirfd, &b);
	ti_read_mountinfo(ti, dirfd, &b);
	ti_read_fds(ti, dirfd);
	ti_read_conns(ti, dirfd, &b);
	read_maps(ti, dirfd, &b, flags & TASKINFO_SMAPS);
	ti->rollup_err = -ENODATA;
	if (flags & TASKINFO_SMAPS)
		ti->rollup_err = read_kv(dirfd, "smaps_rollup", &b, &ti->rollup, &ti->nrollup);
	read_threads(ti, dirfd, &b);
	buf_free(&b);
	close(dirfd);
	return 0;
}

static void free_kv(struct ti_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void taskinfo_free(struct taskinfo *ti)
{
	free(ti->cmdline);
	free(ti->exe);
	free(ti->cwd);
	free(ti->parent_comm);
	free_kv(ti->status, ti->nstatus);
	free_kv(ti->rollup, ti->nrollup);
	for (size_t i = 0; i < ti->nlimits; i++) {
		free(ti->limits[i].name);
		free(ti->limits[i].unit);
	}
	free(ti->limits);
	for (size_t i = 0; i < ti->nenviron; i++)
		free(ti->environ[i]);
	free(ti->environ);
	for (size_t i = 0; i < ti->ncgroups; i++) {
		free(ti->cgroups[i].hierarchy);
		free(ti->cgroups[i].controllers);
		free(ti->cgroups[i].path);
	}
	free(ti->cgroups);
	for (size_t i = 0; i < ti->nfstypes; i++)
		free(ti->fstypes[i].name);
	free(ti->fstypes);
	free(ti->root_fstype);
	for (size_t i = 0; i < ti->nfds; i++)
		free(ti->fds[i].target);
	free(ti->fds);
	free(ti->conns);
	for (size_t i = 0; i < ti->ntop; i++)
		free(ti->top_maps[i].path);
	free(ti->threads);
	memset(ti, 0, sizeof *ti);
}

const char *taskinfo_policy_name(int64_t policy)
{
	/* include/uapi/linux/sched.h */
	static const char *const names[] = {"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
					    "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE", "SCHED_EXT"};
	return policy >= 0 && policy < (int64_t)(sizeof names / sizeof names[0]) ? names[policy]
										 : "unknown";
}

const char *taskinfo_fd_type_name(enum ti_fd_type t)
{
	switch (t) {
	case TI_FD_FILE: return "file";
	case TI_FD_SOCKET: return "socket";
	case TI_FD_PIPE: return "pipe";
	case TI_FD_ANON: return "anon_inode";
	case TI_FD_OTHER: return "other";
	}
	return "other";
}

const char *taskinfo_reason(int err)
{
	switch (-err) {
	case 0: return "ok";
	case EACCES:
	case EPERM: return "not permitted";
	case ENOENT: return "not available";
	case ESRCH: return "the task exited";
	case ENOTSUP: return "not available for this proc tree";
	case ENODATA: return "not read (open the Memory tab)";
	case EINVAL: return "unexpected format";
	case ENOMEM: return "out of memory";
	default: return strerror(-err);
	}
}
