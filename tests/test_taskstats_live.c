/* test_taskstats_live.c - the taskstats client against the running kernel.
 *
 * Needs CAP_NET_ADMIN: without it (or without the family) it prints
 * "SKIP: <reason>" and exits 77. Checks:
 * - a query for our own tid and tgid decodes (pid, comm, scope);
 * - writing and fsyncing 4 MiB makes our write_bytes grow by at least that;
 * - 5 children that each write+fsync a known amount and exit are reported
 *   by exit notifications with those bytes and their own pids; a child with
 *   two threads gives two thread records and one process aggregate;
 * - 2000 ids, including vanished ones, in one pipelined call: every id is
 *   answered exactly once, vanished ones with ESRCH; prints the cost per
 *   query against one request per round trip (iotop-c's way);
 * - run again under setpriv without CAP_NET_ADMIN, the open fails with the
 *   documented reason.
 * Temporary files go to the current directory (the build tree), because
 * tmpfs does not count write_bytes.
 *
 * --capture DIR writes reply fixtures for test_taskstats (see
 * tests/fixtures/taskstats/README).
 */
#include "../src/taskstats.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#define MIB (1024u * 1024u)
#define NCHILD 5
#define NQUERY 2000

static int failures;
static bool bytes_counted = true; /* false when the current directory is on tmpfs */

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

static double now_s(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Writes bytes to a new file in the current directory, fsyncs, unlinks. */
static int write_fsync(size_t bytes)
{
	char name[] = "ts-live-XXXXXX";
	static char block[64 * 1024];
	int fd = mkstemp(name);
	size_t done = 0;

	if (fd < 0)
		return -1;
	unlink(name);
	memset(block, 'x', sizeof(block));
	while (done < bytes) {
		size_t n = bytes - done < sizeof(block) ? bytes - done : sizeof(block);
		ssize_t w = write(fd, block, n);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (fsync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* ---- single queries ------------------------------------------------------ */

struct one {
	int calls;
	int err;
	struct taskstats_sample s;
};

static void one_cb(void *ctx, int32_t id, const struct taskstats_sample *s, int err)
{
	struct one *o = ctx;
	(void)id;
	o->calls++;
	o->err = err;
	if (s)
		o->s = *s;
}

static int query_one(struct taskstats *ts, int32_t id, bool by_tgid, struct one *o)
{
	memset(o, 0, sizeof(*o));
	if (taskstats_query(ts, &id, 1, by_tgid, one_cb, o) < 0 || o->calls != 1)
		return -1;
	return o->err;
}

/* sum_exec_runtime of this thread, ns: /proc/thread-self/schedstat field 1 */
static unsigned long long schedstat_ns(void)
{
	unsigned long long v = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static void spin_cpu(double seconds)
{
	double t0 = now_s(CLOCK_THREAD_CPUTIME_ID);
	while (now_s(CLOCK_THREAD_CPUTIME_ID) - t0 < seconds)
		;
}

static void check_self(struct taskstats *ts)
{
	struct one o;
	char comm[64] = "";
	unsigned long long run0, run1;
	FILE *f = fopen("/proc/thread-self/comm", "r");

	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	spin_cpu(0.03); /* so the run-time counters are well above a tick */
	run0 = schedstat_ns();
	CHECK(query_one(ts, gettid(), false, &o) == 0, "query own tid: err %d", o.err);
	CHECK(o.s.scope == TASKSTATS_SCOPE_TASK && o.s.id == gettid(), "tid reply scope/id");
	CHECK(o.s.has_io && o.s.has_basic && o.s.pid == (uint32_t)gettid(), "tid reply pid %u",
	      o.s.pid);
	CHECK(strcmp(o.s.comm, comm) == 0, "comm '%s' != '%s'", o.s.comm, comm);
	CHECK(o.s.ppid == (uint32_t)getppid(), "ppid %u", o.s.ppid);
	run1 = schedstat_ns();
	/* the same sum_exec_runtime, read before and after the query */
	CHECK(o.s.cpu_run_virtual_total_ns >= run0 && o.s.cpu_run_virtual_total_ns <= run1,
	      "run virtual %llu outside schedstat's [%llu, %llu]",
	      (unsigned long long)o.s.cpu_run_virtual_total_ns, run0, run1);
	CHECK(o.s.utime_us + o.s.stime_us >= 10000, "utime+stime %llu us after 30 ms of CPU",
	      (unsigned long long)(o.s.utime_us + o.s.stime_us));
	printf("self: version %u, pid %u, comm '%s', utime %llu us, stime %llu us, run real %llu "
	       "ns, run virtual %llu ns, cpu delay %llu ns in %llu\n",
	       o.s.version, o.s.pid, o.s.comm, (unsigned long long)o.s.utime_us,
	       (unsigned long long)o.s.stime_us, (unsigned long long)o.s.cpu_run_real_total_ns,
	       (unsigned long long)o.s.cpu_run_virtual_total_ns,
	       (unsigned long long)o.s.cpu.total_ns, (unsigned long long)o.s.cpu.count);

	CHECK(query_one(ts, getpid(), true, &o) == 0, "query own tgid: err %d", o.err);
	CHECK(o.s.scope == TASKSTATS_SCOPE_PROCESS && o.s.id == getpid(), "tgid reply scope/id");
	CHECK(o.s.cpu_run_virtual_total_ns >= run0, "tgid run time %llu < the thread's %llu",
	      (unsigned long long)o.s.cpu_run_virtual_total_ns, run0);
	CHECK(query_one(ts, 0x7ffffff0, false, &o) == ESRCH, "absent tid: err %d", o.err);
}

static void check_write_bytes(struct taskstats *ts)
{
	struct one before, after;

	CHECK(query_one(ts, gettid(), false, &before) == 0, "query before write");
	CHECK(write_fsync(4 * MIB) == 0, "write 4 MiB: %s", strerror(errno));
	CHECK(query_one(ts, gettid(), false, &after) == 0, "query after write");
	CHECK(!bytes_counted || after.s.write_bytes - before.s.write_bytes >= 4 * MIB,
	      "write_bytes grew by %llu, wrote %u",
	      (unsigned long long)(after.s.write_bytes - before.s.write_bytes), 4 * MIB);
	CHECK(after.s.write_char - before.s.write_char >= 4 * MIB, "write_char grew by %llu",
	      (unsigned long long)(after.s.write_char - before.s.write_char));
	printf("self wrote 4 MiB: write_bytes +%llu, write_char +%llu, blkio delay +%llu ns\n",
	       (unsigned long long)(after.s.write_bytes - before.s.write_bytes),
	       (unsigned long long)(after.s.write_char - before.s.write_char),
	       (unsigned long long)(after.s.blkio.total_ns - before.s.blkio.total_ns));
}

/* ---- exit notifications -------------------------------------------------- */

struct exits_seen {
	pid_t pid[NCHILD];
	size_t bytes[NCHILD];
	int task_records[NCHILD];
	uint64_t write_bytes[NCHILD];
	bool group_flag[NCHILD];
	pid_t mt_pid; /* the two-thread child */
	int mt_task_records, mt_process_records;
	uint64_t mt_thread_write_bytes;
	int others;
};

static void exit_cb(void *ctx, const struct taskstats_sample *s)
{
	struct exits_seen *e = ctx;
	int i;

	if (s->scope == TASKSTATS_SCOPE_TASK && s->has_tgid && (pid_t)s->tgid == e->mt_pid) {
		e->mt_task_records++;
		e->mt_thread_write_bytes += s->write_bytes;
		return;
	}
	if (s->scope == TASKSTATS_SCOPE_PROCESS && s->id == e->mt_pid) {
		e->mt_process_records++;
		return;
	}
	for (i = 0; i < NCHILD; i++) {
		if (s->scope == TASKSTATS_SCOPE_TASK && s->id == e->pid[i]) {
			e->task_records[i]++;
			e->write_bytes[i] = s->write_bytes;
			e->group_flag[i] = (s->flags & TASKSTATS_FLAG_GROUP) != 0;
			CHECK((pid_t)s->pid == e->pid[i] && (pid_t)s->ppid == getpid(),
			      "exit record pid %u ppid %u", s->pid, s->ppid);
			return;
		}
	}
	e->others++;
}

static void *thread_writer(void *arg)
{
	(void)arg;
	write_fsync(MIB);
	return NULL;
}

static pid_t spawn_two_threads(void)
{
	pid_t p = fork();
	if (p == 0) {
		pthread_t t;
		if (pthread_create(&t, NULL, thread_writer, NULL) != 0)
			_exit(1);
		pthread_join(t, NULL);
		_exit(0);
	}
	return p;
}

static void check_exits(pid_t *reaped)
{
	struct taskstats_exits *ex;
	struct taskstats_exits_stats st;
	struct exits_seen e;
	char why[256];
	double t0;
	int i, status;

	memset(&e, 0, sizeof(e));
	if (taskstats_exits_open(&ex, why, sizeof(why)) < 0) {
		/* an environment without exit records, not a defect */
		if (strstr(why, "namespace")) {
			printf("note: exit notifications not checked: %s\n", why);
			return;
		}
		CHECK(0, "exits_open: %s", why);
		return;
	}
	for (i = 0; i < NCHILD; i++) {
		e.bytes[i] = (size_t)(i + 1) * MIB;
		e.pid[i] = fork();
		if (e.pid[i] == 0)
			_exit(write_fsync(e.bytes[i]) == 0 ? 0 : 1);
		CHECK(e.pid[i] > 0, "fork");
	}
	e.mt_pid = spawn_two_threads();
	for (i = 0; i < NCHILD; i++) {
		CHECK(waitpid(e.pid[i], &status, 0) == e.pid[i] && status == 0, "child %d", i);
		reaped[i] = e.pid[i];
	}
	CHECK(waitpid(e.mt_pid, &status, 0) == e.mt_pid && status == 0, "threaded child");
	/* the records were sent at exit, before the parent could reap */
	t0 = now_s(CLOCK_MONOTONIC);
	do {
		CHECK(taskstats_exits_drain(ex, exit_cb, &e) >= 0, "drain");
		if (e.mt_process_records && e.task_records[NCHILD - 1])
			break;
		usleep(10000);
	} while (now_s(CLOCK_MONOTONIC) - t0 < 2.0);
	(void)taskstats_exits_drain(ex, exit_cb, &e);
	for (i = 0; i < NCHILD; i++) {
		CHECK(e.task_records[i] == 1, "child %d (pid %d): %d records", i, (int)e.pid[i],
		      e.task_records[i]);
		CHECK(!bytes_counted || e.write_bytes[i] >= e.bytes[i],
		      "child %d write_bytes %llu < %zu", i, (unsigned long long)e.write_bytes[i],
		      e.bytes[i]);
		CHECK(e.group_flag[i], "child %d without the group-exit flag", i);
		printf("exit: pid %d wrote %zu, record write_bytes %llu\n", (int)e.pid[i],
		       e.bytes[i], (unsigned long long)e.write_bytes[i]);
	}
	CHECK(e.mt_task_records == 2 && e.mt_process_records == 1,
	      "two-thread child: %d thread records, %d process records", e.mt_task_records,
	      e.mt_process_records);
	CHECK(!bytes_counted || e.mt_thread_write_bytes >= MIB,
	      "two-thread child's threads wrote %llu", (unsigned long long)e.mt_thread_write_bytes);
	taskstats_exits_get_stats(ex, &st);
	printf("exits: %llu records (%d from other tasks), %llu overruns, dropped %s%llu\n",
	       (unsigned long long)st.records, e.others, (unsigned long long)st.overruns,
	       st.has_dropped ? "" : "(unknown) ", (unsigned long long)st.dropped);
	taskstats_exits_close(ex);
}

/* ---- pipelined queries --------------------------------------------------- */

struct tally {
	unsigned char *seen; /* by index into ids */
	const int32_t *ids;
	size_t n;
	size_t ok, esrch, other, dup, unknown;
};

static void tally_cb(void *ctx, int32_t id, const struct taskstats_sample *s, int err)
{
	struct tally *t = ctx;
	size_t i;

	/* ids are unique; find by linear search only outside the timed runs */
	for (i = 0; i < t->n && t->ids[i] != id; i++)
		;
	if (i == t->n) {
		t->unknown++;
		return;
	}
	if (t->seen[i]++)
		t->dup++;
	if (s && s->id == id)
		t->ok++;
	else if (err == ESRCH)
		t->esrch++;
	else
		t->other++;
}

static void count_cb(void *ctx, int32_t id, const struct taskstats_sample *s, int err)
{
	size_t *n = ctx;
	(void)id;
	(void)s;
	(void)err;
	(*n)++;
}

/* All tids on the machine, into ids (up to cap). */
static size_t list_tids(int32_t *ids, size_t cap)
{
	DIR *d = opendir("/proc"), *td;
	struct dirent *de, *te;
	char path[300]; /* "/proc/" + a d_name of at most 255 bytes + "/task" */
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < cap) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/task", de->d_name);
		td = opendir(path);
		if (!td)
			continue;
		while ((te = readdir(td)) && n < cap)
			if (te->d_name[0] >= '1' && te->d_name[0] <= '9')
				ids[n++] = (int32_t)atoi(te->d_name);
		closedir(td);
	}
	closedir(d);
	return n;
}

static bool contains(const int32_t *ids, size_t n, int32_t id)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Times one pipelined call against n single-request calls on the same ids.
 * Reports wall and CPU time per query. */
static void time_queries(struct taskstats *ts, const int32_t *ids, size_t n, const char *what)
{
	double w0, c0, wp, cp, ws, cs;
	size_t calls = 0, i;
	int rep, reps = 5;

	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (rep = 0; rep < reps; rep++)
		taskstats_query(ts, ids, n, false, count_cb, &calls);
	wp = (now_s(CLOCK_MONOTONIC) - w0) / reps;
	cp = (now_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
	w0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (rep = 0; rep < reps; rep++)
		for (i = 0; i < n; i++)
			taskstats_query(ts, ids + i, 1, false, count_cb, &calls);
	ws = (now_s(CLOCK_MONOTONIC) - w0) / reps;
	cs = (now_s(CLOCK_PROCESS_CPUTIME_ID) - c0) / reps;
	CHECK(calls == 2 * (size_t)reps * n, "timed runs answered %zu of %zu", calls,
	      2 * (size_t)reps * n);
	printf("%s, %zu ids: pipelined %.2f us/query wall, %.2f us CPU (%.2f ms CPU per 1000); "
	       "one per round trip %.2f us wall, %.2f us CPU; CPU ratio %.2f\n",
	       what, n, wp / (double)n * 1e6, cp / (double)n * 1e6, cp / (double)n * 1e6,
	       ws / (double)n * 1e6, cs / (double)n * 1e6, cp > 0 ? cs / cp : 0.0);
}

static void check_many(struct taskstats *ts, const pid_t *reaped)
{
	int32_t *ids = calloc(NQUERY, sizeof(*ids));
	unsigned char *seen = calloc(NQUERY, 1);
	struct tally t = {0};
	size_t n, live, i;
	int32_t filler = 4000000; /* above the default pid_max: never a task */

	if (!ids || !seen) {
		CHECK(0, "out of memory");
		return;
	}
	live = list_tids(ids, NQUERY - NCHILD - 1);
	n = live;
	for (i = 0; i < NCHILD; i++)
		if (reaped[i] > 0 && !contains(ids, n, reaped[i]))
			ids[n++] = reaped[i];
	while (n < NQUERY) {
		if (!contains(ids, n, filler))
			ids[n++] = filler;
		filler++;
	}
	t.seen = seen;
	t.ids = ids;
	t.n = n;
	CHECK(taskstats_query(ts, ids, n, false, tally_cb, &t) == 0, "query of %zu ids", n);
	for (i = 0; i < n; i++)
		CHECK(seen[i] == 1, "id %d answered %u times", ids[i], seen[i]);
	CHECK(t.dup == 0 && t.unknown == 0, "%zu duplicate, %zu unknown answers", t.dup, t.unknown);
	CHECK(t.esrch >= n - live, "%zu ESRCH for %zu vanished ids", t.esrch, n - live);
	CHECK(t.ok + t.esrch + t.other == n, "answers %zu+%zu+%zu != %zu", t.ok, t.esrch, t.other,
	      n);
	CHECK(t.ok > 0 && t.ok <= live, "%zu samples for %zu live tids", t.ok, live);
	printf("2000 ids (%zu live tids, %zu vanished): %zu samples, %zu ESRCH, %zu other; "
	       "chunk %zu requests per send\n",
	       live, n - live, t.ok, t.esrch, t.other, taskstats_chunk_size(ts));
	time_queries(ts, ids, n, "mixed");
	time_queries(ts, ids, live, "live tids only");
	free(ids);
	free(seen);
}

/* ---- without CAP_NET_ADMIN ------------------------------------------------ */

static int expect_noperm(void)
{
	struct taskstats *ts;
	char why[256] = "";

	if (taskstats_open(&ts, why, sizeof(why)) == 0) {
		printf("FAIL: open succeeded without CAP_NET_ADMIN\n");
		taskstats_close(ts);
		return 1;
	}
	printf("without CAP_NET_ADMIN: '%s'\n", why);
	return strcmp(why, "needs CAP_NET_ADMIN (run as root or setcap cap_net_admin+ep)") ? 1 : 0;
}

static void check_noperm(const char *self)
{
	pid_t p;
	int status;

	if (access("/usr/bin/setpriv", X_OK) != 0) {
		printf("note: no setpriv, the CAP_NET_ADMIN reason is not checked\n");
		return;
	}
	fflush(stdout);
	p = fork();
	if (p == 0) {
		execl("/usr/bin/setpriv", "setpriv", "--inh-caps=-net_admin",
		      "--bounding-set=-net_admin", "--", self, "--expect-noperm", (char *)NULL);
		_exit(127);
	}
	CHECK(p > 0 && waitpid(p, &status, 0) == p && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "run under setpriv without net_admin");
}

/* ---- fixtures for the unit test ------------------------------------------ */

static int dump(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	printf("wrote %s (%zu bytes)\n", path, len);
	return 0;
}

/* Raw netlink: one request, the reply as the kernel sent it. */
static ssize_t raw_query(int fd, uint16_t family, int attr, uint32_t id, uint32_t seq,
                         unsigned char *out, size_t cap)
{
	struct {
		struct nlmsghdr n;
		unsigned char genl[4];
		struct nlattr a;
		uint32_t id;
	} req = {0};

	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.n.nlmsg_seq = seq;
	req.genl[0] = 1; /* TASKSTATS_CMD_GET */
	req.genl[1] = 1; /* TASKSTATS_GENL_VERSION */
	req.a.nla_len = sizeof(req.a) + sizeof(req.id);
	req.a.nla_type = (uint16_t)attr;
	req.id = id;
	if (send(fd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		return -1;
	return recv(fd, out, cap, 0);
}

static uint16_t family_of(int fd)
{
	/* CTRL_CMD_GETFAMILY for "TASKSTATS" */
	struct {
		struct nlmsghdr n;
		unsigned char genl[4];
		struct nlattr a;
		char name[12];
	} req = {0};
	unsigned char buf[8192];
	ssize_t r;
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	size_t off;

	req.n.nlmsg_len = sizeof(req);
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.genl[0] = 3; /* CTRL_CMD_GETFAMILY */
	req.genl[1] = 1;
	req.a.nla_len = sizeof(req.a) + 10;
	req.a.nla_type = 2; /* CTRL_ATTR_FAMILY_NAME */
	memcpy(req.name, "TASKSTATS", 10);
	if (send(fd, &req, sizeof(req), 0) < 0 || (r = recv(fd, buf, sizeof(buf), 0)) < 0 ||
	    h->nlmsg_type == NLMSG_ERROR)
		return 0;
	for (off = NLMSG_HDRLEN + 4; off + 4 <= (size_t)r;) {
		struct nlattr *a = (struct nlattr *)(buf + off);
		if (a->nla_len < 4)
			break;
		if (a->nla_type == 1) /* CTRL_ATTR_FAMILY_ID */
			return *(uint16_t *)(a + 1);
		off += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

struct has_process {
	pid_t tgid;
	bool found;
};

static void has_process_cb(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	struct has_process *h = ctx;
	(void)seq;
	(void)err;
	if (s && s->scope == TASKSTATS_SCOPE_PROCESS && s->id == h->tgid)
		h->found = true;
}

/* Registers fd as an exit listener on the online CPUs (raw, so the
 * fixture does not depend on the code under test). */
static int raw_listen(int fd, uint16_t family, int attr)
{
	struct {
		struct nlmsghdr n;
		unsigned char genl[4];
		struct nlattr a;
		char mask[256];
	} req = {0};
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	size_t len;

	if (!f || !fgets(req.mask, sizeof(req.mask), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	req.mask[strcspn(req.mask, "\n")] = '\0';
	len = strlen(req.mask) + 1;
	req.a.nla_len = (uint16_t)(sizeof(req.a) + len);
	req.a.nla_type = (uint16_t)attr;
	req.n.nlmsg_len = (uint32_t)(NLMSG_HDRLEN + 4 + NLA_ALIGN(req.a.nla_len));
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.genl[0] = 1; /* TASKSTATS_CMD_GET */
	req.genl[1] = 1;
	return send(fd, &req, req.n.nlmsg_len, 0) < 0 ? -1 : 0;
}

static int capture(const char *dir)
{
	unsigned char *buf = malloc(65536);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct has_process hp = {0};
	uint16_t family;
	ssize_t n;
	double t0;
	int status, rc = 0;

	if (!buf || fd < 0 || (family = family_of(fd)) == 0) {
		printf("capture: no socket or family\n");
		return 1;
	}
	write_fsync(4 * MIB);
	n = raw_query(fd, family, 1, (uint32_t)gettid(), 101, buf, 65536);
	rc |= n > 0 ? dump(dir, "reply_self_tid.bin", buf, (size_t)n) : -1;
	n = raw_query(fd, family, 2, (uint32_t)getpid(), 102, buf, 65536);
	rc |= n > 0 ? dump(dir, "reply_self_tgid.bin", buf, (size_t)n) : -1;
	n = raw_query(fd, family, 1, 0x7ffffff0, 103, buf, 65536);
	rc |= n > 0 ? dump(dir, "reply_esrch.bin", buf, (size_t)n) : -1;

	/* the exit notification of the last thread of a two-thread process */
	if (raw_listen(fd, family, 3 /* REGISTER_CPUMASK */) < 0) {
		printf("capture: cannot register\n");
		return 1;
	}
	hp.tgid = spawn_two_threads();
	waitpid(hp.tgid, &status, 0);
	t0 = now_s(CLOCK_MONOTONIC);
	while (!hp.found && now_s(CLOCK_MONOTONIC) - t0 < 2.0) {
		n = recv(fd, buf, 65536, MSG_DONTWAIT);
		if (n < 0) {
			usleep(10000);
			continue;
		}
		taskstats_parse_messages(buf, (size_t)n, family, has_process_cb, &hp);
		if (hp.found)
			rc |= dump(dir, "exit_thread_and_process.bin", buf, (size_t)n);
	}
	rc |= hp.found ? 0 : -1;
	(void)raw_listen(fd, family, 4 /* DEREGISTER_CPUMASK */);
	close(fd);
	free(buf);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct taskstats *ts;
	pid_t reaped[NCHILD] = {0};
	char why[256];
	int on;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "--expect-noperm") == 0)
		return expect_noperm();
	if (taskstats_open(&ts, why, sizeof(why)) < 0) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	if (argc > 2 && strcmp(argv[1], "--capture") == 0) {
		taskstats_close(ts);
		return capture(argv[2]);
	}
	{
		struct statfs sf;
		/* TMPFS_MAGIC, RAMFS_MAGIC: page-cache-only, no write_bytes */
		if (statfs(".", &sf) == 0 && (sf.f_type == 0x01021994 || sf.f_type == 0x858458f6)) {
			bytes_counted = false;
			printf("note: current directory on tmpfs, byte counts not checked\n");
		}
	}
	if (taskstats_delayacct_read("/proc", &on) == 0)
		printf("kernel.task_delayacct = %d\n", on);
	else
		printf("kernel.task_delayacct: no sysctl on this kernel\n");
	check_self(ts);
	check_write_bytes(ts);
	check_exits(reaped);
	check_many(ts, reaped);
	taskstats_close(ts);
	{
		char self[4096];
		ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (l > 0) {
			self[l] = '\0';
			check_noperm(self);
		}
	}
	if (failures) {
		printf("%d check(s) failed\n", failures);
		return 1;
	}
	printf("PASS\n");
	return 0;
}
