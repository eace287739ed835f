/* test_parse.c - unit tests for src/parse.c on the fixtures in
 * tests/fixtures/parse: real captures (real_*) and hostile files.
 *
 * Every fixture is loaded into a heap block of exactly its size, so
 * AddressSanitizer reports any read past len.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "cglimits.h"

#define U64MAX UINT64_MAX

static char fixture_dir[4096];

static void find_fixture_dir(void)
{
	const char *env = getenv("FIXTURE_DIR");
	const char *srcdir = getenv("srcdir");
	int n;

	if (env && *env)
		n = snprintf(fixture_dir, sizeof fixture_dir, "%s", env);
	else if (srcdir && *srcdir)
		n = snprintf(fixture_dir, sizeof fixture_dir, "%s/tests/fixtures/parse", srcdir);
	else
		n = snprintf(fixture_dir, sizeof fixture_dir, "tests/fixtures/parse");
	if (n < 0 || (size_t)n >= sizeof fixture_dir) {
		fprintf(stderr, "fixture directory path too long\n");
		exit(1);
	}
}

/* Exactly-sized heap copy; a 0-byte input becomes a 1-byte block that the
 * parser must not touch (len is 0). */
static char *heap_copy(const void *data, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	if (len)
		memcpy(p, data, len);
	return p;
}

static char *load(const char *name, size_t *len)
{
	char path[4352];
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd;

	assert_true((size_t)snprintf(path, sizeof path, "%s/%s", fixture_dir, name) < sizeof path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail_msg("cannot open fixture %s: %s", path, strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	assert_non_null(buf);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		assert_true(r > 0);
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return buf;
}

#define assert_double_exact(a, b)                                                                  \
	do {                                                                                       \
		double a_ = (a), b_ = (b);                                                         \
		if (a_ != b_)                                                                      \
			fail_msg("%s == %.17g, expected %.17g", #a, a_, b_);                       \
	} while (0)

/* ---- /proc/PID/stat ---------------------------------------------------- */

static int stat_file(const char *name, struct proc_stat *st)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_proc_stat(buf, len, st);

	free(buf);
	return rc;
}

static void assert_stat_failed(const struct proc_stat *st)
{
	assert_int_equal(st->pid, 0);
	assert_int_equal(st->utime, 0);
	assert_int_equal(st->processor, -1);
	assert_false(st->has_processor || st->has_blkio || st->has_guest);
}

static void test_stat_real(void **state)
{
	struct proc_stat st;

	(void)state;
	assert_int_equal(stat_file("real_pid_stat", &st), 0);
	assert_int_equal(st.pid, 4879);
	assert_string_equal(st.comm, "cp");
	assert_int_equal(st.state, 'R');
	assert_int_equal(st.ppid, 4876);
	assert_int_equal(st.minflt, 127);
	assert_int_equal(st.majflt, 1);
	assert_int_equal(st.utime, 0);
	assert_int_equal(st.stime, 0);
	assert_int_equal(st.priority, 20);
	assert_int_equal(st.nice, 0);
	assert_int_equal(st.num_threads, 1);
	assert_int_equal(st.starttime, 44627);
	assert_int_equal(st.vsize, 4136960);
	assert_int_equal(st.rss_pages, 484);
	assert_true(st.has_processor && st.has_blkio && st.has_guest);
	assert_int_equal(st.processor, 0);
	assert_int_equal(st.delayacct_blkio_ticks, 0);
	assert_int_equal(st.guest_time, 0);

	assert_int_equal(stat_file("real_pid1_stat", &st), 0);
	assert_int_equal(st.pid, 1);
	assert_string_equal(st.comm, "process_api");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 0);
	assert_int_equal(st.minflt, 35172);
	assert_int_equal(st.majflt, 0);
	assert_int_equal(st.utime, 60);
	assert_int_equal(st.stime, 285);
	assert_int_equal(st.priority, 20);
	assert_int_equal(st.nice, 0);
	assert_int_equal(st.num_threads, 13);
	assert_int_equal(st.starttime, 30);
	assert_int_equal(st.vsize, 45641728);
	assert_int_equal(st.rss_pages, 3532);
	assert_true(st.has_processor && st.has_blkio && st.has_guest);

	/* a SCHED_FIFO kernel thread: negative priority */
	assert_int_equal(stat_file("real_rt_stat", &st), 0);
	assert_int_equal(st.pid, 18);
	assert_string_equal(st.comm, "migration/0");
	assert_int_equal(st.ppid, 2);
	assert_int_equal(st.stime, 1);
	assert_int_equal(st.priority, -100);
	assert_int_equal(st.vsize, 0);
}

/* The synthetic fixtures give every field a distinct value (see the values
 * below; unused field k holds k*11) so a field taken from a neighbour fails. */
static void assert_synthetic(const struct proc_stat *st, int32_t pid, const char *comm,
                             size_t commlen)
{
	assert_int_equal(st->pid, pid);
	assert_memory_equal(st->comm, comm, commlen + 1);
	assert_int_equal(st->state, 'S');
	assert_int_equal(st->ppid, 4321);
	assert_int_equal(st->minflt, 1010);
	assert_int_equal(st->majflt, 1212);
	assert_int_equal(st->utime, 1414);
	assert_int_equal(st->stime, 1515);
	assert_int_equal(st->priority, -51);
	assert_int_equal(st->nice, -5);
	assert_int_equal(st->num_threads, 7);
	assert_int_equal(st->starttime, 2222);
	assert_int_equal(st->vsize, 2323);
	assert_int_equal(st->rss_pages, 2424);
}

static void assert_all_optional(const struct proc_stat *st)
{
	assert_true(st->has_processor && st->has_blkio && st->has_guest);
	assert_int_equal(st->processor, 1);
	assert_int_equal(st->delayacct_blkio_ticks, 4242);
	assert_int_equal(st->guest_time, 4343);
}

static void test_stat_hostile_comm(void **state)
{
	struct proc_stat st;
	char longcomm[PARSE_COMM_MAX];

	(void)state;
	assert_int_equal(stat_file("stat_comm_parens", &st), 0);
	assert_synthetic(&st, 1234, "a) (b) c", 8);
	assert_all_optional(&st);

	assert_int_equal(stat_file("stat_comm_newline", &st), 0);
	assert_synthetic(&st, 1235, "line1\nline2) R 9 9", 18);
	assert_all_optional(&st);

	assert_int_equal(stat_file("stat_comm_nonutf8", &st), 0);
	assert_synthetic(&st, 1236, "\xff\xfe\xc3\x28 \x80)(", 8);
	assert_all_optional(&st);

	assert_int_equal(stat_file("stat_comm_empty", &st), 0);
	assert_synthetic(&st, 1237, "", 0);

	/* 100 bytes of comm: truncated to PARSE_COMM_MAX - 1 */
	assert_int_equal(stat_file("stat_comm_long", &st), 0);
	memset(longcomm, 'x', sizeof longcomm - 1);
	longcomm[sizeof longcomm - 1] = '\0';
	assert_synthetic(&st, 1238, longcomm, sizeof longcomm - 1);
	assert_all_optional(&st);

	/* bad state (two bytes), a non-numeric field, no ')' at all */
	assert_int_equal(stat_file("stat_bad_state", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(stat_file("stat_garbage_field", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(stat_file("stat_cut_comm", &st), -1);
	assert_stat_failed(&st);
}

static void test_stat_limits(void **state)
{
	struct proc_stat st;

	(void)state;
	assert_int_equal(stat_file("stat_max", &st), 0);
	assert_int_equal(st.pid, INT32_MAX);
	assert_string_equal(st.comm, "max");
	assert_int_equal(st.ppid, INT32_MAX);
	assert_int_equal(st.minflt, U64MAX);
	assert_int_equal(st.majflt, U64MAX);
	assert_int_equal(st.utime, U64MAX);
	assert_int_equal(st.stime, U64MAX);
	assert_true(st.priority == INT64_MIN);
	assert_true(st.nice == INT64_MAX);
	assert_true(st.num_threads == INT64_MAX);
	assert_int_equal(st.starttime, U64MAX);
	assert_int_equal(st.vsize, U64MAX);
	assert_true(st.rss_pages == INT64_MIN);
	assert_int_equal(st.processor, INT32_MAX);
	assert_int_equal(st.delayacct_blkio_ticks, U64MAX);
	assert_int_equal(st.guest_time, U64MAX);

	/* one past each type's maximum fails, never wraps or clamps */
	assert_int_equal(stat_file("stat_overflow_u64", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(stat_file("stat_overflow_i64", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(stat_file("stat_overflow_i32", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(stat_file("stat_overflow_pid", &st), -1);
	assert_stat_failed(&st);
	/* an optional field that is present but unparsable is an error too */
	assert_int_equal(stat_file("stat_overflow_optional", &st), -1);
	assert_stat_failed(&st);
}

static void test_stat_old_and_new_kernels(void **state)
{
	struct proc_stat st;

	(void)state;
	/* starttime (field 22) is required: it identifies the task */
	assert_int_equal(stat_file("stat_fields20", &st), -1);
	assert_stat_failed(&st);

	/* before Linux 2.2.8: no processor */
	assert_int_equal(stat_file("stat_fields38", &st), 0);
	assert_synthetic(&st, 1244, "old", 3);
	assert_false(st.has_processor);
	assert_int_equal(st.processor, -1);
	assert_false(st.has_blkio);
	assert_int_equal(st.delayacct_blkio_ticks, 0);
	assert_false(st.has_guest);
	assert_int_equal(st.guest_time, 0);

	/* before 2.6.18: no delayacct_blkio_ticks */
	assert_int_equal(stat_file("stat_fields41", &st), 0);
	assert_synthetic(&st, 1245, "old", 3);
	assert_true(st.has_processor);
	assert_int_equal(st.processor, 1);
	assert_false(st.has_blkio);
	assert_false(st.has_guest);

	/* before 2.6.24: no guest_time */
	assert_int_equal(stat_file("stat_fields42", &st), 0);
	assert_synthetic(&st, 1246, "old", 3);
	assert_true(st.has_processor && st.has_blkio);
	assert_int_equal(st.delayacct_blkio_ticks, 4242);
	assert_false(st.has_guest);
	assert_int_equal(st.guest_time, 0);

	/* a future kernel with 60 fields */
	assert_int_equal(stat_file("stat_fields60", &st), 0);
	assert_synthetic(&st, 1247, "new", 3);
	assert_all_optional(&st);
}

static void test_stat_truncated(void **state)
{
	struct proc_stat st;

	(void)state;
	/* cut inside utime: "1414" became "14", which must not be used */
	assert_int_equal(stat_file("stat_cut_field14", &st), -1);
	assert_stat_failed(&st);

	/* cut inside guest_time: everything before it is complete */
	assert_int_equal(stat_file("stat_cut_field43", &st), 0);
	assert_synthetic(&st, 1248, "cut", 3);
	assert_true(st.has_processor && st.has_blkio);
	assert_false(st.has_guest);
	assert_int_equal(st.guest_time, 0);

	/* no final newline: the last token (field 44) may be cut, 43 is not */
	assert_int_equal(stat_file("stat_no_newline_after44", &st), 0);
	assert_synthetic(&st, 1249, "nonl", 4);
	assert_all_optional(&st);

	assert_int_equal(stat_file("empty", &st), -1);
	assert_stat_failed(&st);
	assert_int_equal(parse_proc_stat(NULL, 0, &st), -1);
	assert_stat_failed(&st);
}

/* Every prefix of a real stat line: success exactly when the space after
 * field 24 is inside the prefix, has_guest exactly when the space after
 * field 43 is. */
static void test_stat_every_prefix(void **state)
{
	size_t len, after24 = 0, after43 = 0;
	char *full = load("real_pid1_stat", &len);
	const char *close = memrchr(full, ')', len);
	int field = 2;

	(void)state;
	assert_non_null(close);
	for (const char *p = close + 1; p < full + len; p++) {
		if (*p != ' ')
			continue;
		if (field == 24)
			after24 = (size_t)(p - full);
		if (field == 43)
			after43 = (size_t)(p - full);
		field++;
	}
	assert_true(after24 > 0 && after43 > after24);
	for (size_t n = 0; n <= len; n++) {
		char *buf = heap_copy(full, n);
		struct proc_stat st;
		int rc = parse_proc_stat(buf, n, &st);

		assert_int_equal(rc, n > after24 ? 0 : -1);
		assert_int_equal(st.has_guest, n > after43);
		if (rc == 0)
			assert_int_equal(st.starttime, 30);
		free(buf);
	}
	free(full);
}

/* ---- /proc/PID/status ---------------------------------------------------- */

static int status_file(const char *name, struct proc_status *st)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_proc_status(buf, len, st);

	free(buf);
	return rc;
}

static void assert_status(const struct proc_status *st, uint32_t ruid, uint32_t euid, int32_t tgid,
                          int32_t ppid, int64_t threads, uint64_t rss_kb, uint64_t vcs,
                          uint64_t nvcs)
{
	assert_true(st->has_uid && st->has_tgid && st->has_ppid && st->has_threads);
	assert_int_equal(st->uid_real, ruid);
	assert_int_equal(st->uid_effective, euid);
	assert_int_equal(st->tgid, tgid);
	assert_int_equal(st->ppid, ppid);
	assert_int_equal(st->threads, threads);
	assert_true(st->has_vm_rss);
	assert_int_equal(st->vm_rss_kb, rss_kb);
	assert_true(st->has_ctxt);
	assert_int_equal(st->voluntary_ctxt_switches, vcs);
	assert_int_equal(st->nonvoluntary_ctxt_switches, nvcs);
}

static void test_status_real(void **state)
{
	struct proc_status st;

	(void)state;
	assert_int_equal(status_file("real_pid_status", &st), 0);
	assert_status(&st, 0, 0, 4880, 4876, 1, 2060, 0, 1);
	assert_int_equal(status_file("real_pid1_status", &st), 0);
	assert_status(&st, 0, 0, 1, 0, 13, 14344, 346, 78);

	/* a kernel thread has no mm: no VmRSS line */
	assert_int_equal(status_file("real_kthread_status", &st), 0);
	assert_true(st.has_uid && st.has_tgid && st.has_ppid && st.has_threads && st.has_ctxt);
	assert_int_equal(st.tgid, 2);
	assert_int_equal(st.ppid, 0);
	assert_int_equal(st.threads, 1);
	assert_false(st.has_vm_rss);
	assert_int_equal(st.vm_rss_kb, 0);
	assert_int_equal(st.voluntary_ctxt_switches, 58);
	assert_int_equal(st.nonvoluntary_ctxt_switches, 0);
}

static void test_status_shapes(void **state)
{
	struct proc_status st;

	(void)state;
	/* before Linux 2.6.23: no context switch lines */
	assert_int_equal(status_file("status_no_ctxt", &st), 0);
	assert_true(st.has_uid && st.has_tgid && st.has_vm_rss);
	assert_int_equal(st.tgid, 1);
	assert_int_equal(st.vm_rss_kb, 14344);
	assert_false(st.has_ctxt);
	assert_int_equal(st.voluntary_ctxt_switches, 0);
	assert_int_equal(st.nonvoluntary_ctxt_switches, 0);

	/* only one of the pair: has_ctxt needs both, no half value leaks */
	assert_int_equal(status_file("status_one_ctxt", &st), 0);
	assert_false(st.has_ctxt);
	assert_int_equal(st.voluntary_ctxt_switches, 0);

	/* reordered, unknown and look-alike lines (Uidx:, "Name:\tUid:") */
	assert_int_equal(status_file("status_reordered", &st), 0);
	assert_status(&st, 1000, 1001, 43, 42, 3, 777, 11, 22);

	/* 90 kB: thousands of groups, 400 unknown lines, 8192-CPU masks */
	assert_int_equal(status_file("status_long", &st), 0);
	assert_status(&st, 65534, 65534, 31337, 1, 4096, 123456, 9876543210ULL, 123);

	assert_int_equal(status_file("status_max", &st), 0);
	assert_status(&st, UINT32_MAX, UINT32_MAX - 1, INT32_MAX, INT32_MAX, INT64_MAX, U64MAX,
	              U64MAX, U64MAX);
}

static void test_status_bad(void **state)
{
	static const char *const bad[] = {
	    "status_overflow_vmrss",
	    "status_overflow_uid",
	    "status_overflow_tgid",
	    "status_bad_value",
	    "status_uid_one_column",
	    "status_foreign",
	    "empty",
	};
	struct proc_status st;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (status_file(bad[i], &st) != -1)
			fail_msg("%s: expected -1", bad[i]);
		assert_false(st.has_tgid || st.has_uid || st.has_vm_rss);
		assert_int_equal(st.tgid, 0);
	}

	/* cut inside the VmRSS number: lines before it count, the cut line
	 * and everything after it do not */
	assert_int_equal(status_file("status_cut_vmrss", &st), 0);
	assert_true(st.has_uid && st.has_tgid && st.has_ppid);
	assert_int_equal(st.tgid, 1);
	assert_false(st.has_vm_rss);
	assert_int_equal(st.vm_rss_kb, 0);
	assert_false(st.has_threads);
	assert_false(st.has_ctxt);
}

/* ---- statm, schedstat, io, cmdline ---------------------------------------- */

static int statm_file(const char *name, struct proc_statm *m)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_proc_statm(buf, len, m);

	free(buf);
	return rc;
}

static void test_statm(void **state)
{
	struct proc_statm m;

	(void)state;
	assert_int_equal(statm_file("real_pid_statm", &m), 0);
	assert_int_equal(m.size, 1010);
	assert_int_equal(m.resident, 521);
	assert_int_equal(m.shared, 480);
	assert_int_equal(m.text, 24);
	assert_int_equal(m.lib, 0);
	assert_int_equal(m.data, 130);
	assert_int_equal(m.dt, 0);

	assert_int_equal(statm_file("statm_max", &m), 0);
	assert_int_equal(m.size, U64MAX);
	assert_int_equal(m.data, 5);
	assert_int_equal(m.dt, U64MAX);

	assert_int_equal(statm_file("statm_extra", &m), 0);
	assert_int_equal(m.size, 1);
	assert_int_equal(m.dt, 7);

	assert_int_equal(statm_file("statm_overflow", &m), -1);
	assert_int_equal(m.size, 0);
	assert_int_equal(statm_file("statm_short", &m), -1);
	assert_int_equal(m.size, 0);
	/* dt "10" may be the start of "100": not used, so the file fails */
	assert_int_equal(statm_file("statm_cut", &m), -1);
	assert_int_equal(m.resident, 0);
	assert_int_equal(statm_file("empty", &m), -1);
}

static int schedstat_file(const char *name, struct proc_schedstat *s)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_proc_schedstat(buf, len, s);

	free(buf);
	return rc;
}

static void test_schedstat(void **state)
{
	struct proc_schedstat s;

	(void)state;
	assert_int_equal(schedstat_file("real_pid_schedstat", &s), 0);
	assert_int_equal(s.run_ns, 3060054);
	assert_int_equal(s.wait_ns, 45275);
	assert_int_equal(s.timeslices, 2);

	assert_int_equal(schedstat_file("schedstat_max", &s), 0);
	assert_int_equal(s.run_ns, U64MAX);
	assert_int_equal(s.wait_ns, U64MAX);
	assert_int_equal(s.timeslices, U64MAX);

	assert_int_equal(schedstat_file("schedstat_extra", &s), 0);
	assert_int_equal(s.run_ns, 5);
	assert_int_equal(s.wait_ns, 6);
	assert_int_equal(s.timeslices, 7);

	assert_int_equal(schedstat_file("schedstat_overflow", &s), -1);
	assert_int_equal(s.run_ns, 0);
	assert_int_equal(schedstat_file("schedstat_cut", &s), -1);
	assert_int_equal(s.run_ns, 0);
	assert_int_equal(schedstat_file("empty", &s), -1);
}

static int io_file(const char *name, struct proc_io *io)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_proc_io(buf, len, io);

	free(buf);
	return rc;
}

static void assert_io(const struct proc_io *io, uint64_t rchar, uint64_t wchar, uint64_t syscr,
                      uint64_t syscw)
{
	assert_int_equal(io->rchar, rchar);
	assert_int_equal(io->wchar, wchar);
	assert_int_equal(io->syscr, syscr);
	assert_int_equal(io->syscw, syscw);
}

static void test_io(void **state)
{
	struct proc_io io;

	(void)state;
	assert_int_equal(io_file("real_pid_io", &io), 0);
	assert_io(&io, 10668, 0, 16, 0);
	assert_true(io.has_storage);
	assert_int_equal(io.read_bytes, 0);

	assert_int_equal(io_file("io_no_storage", &io), 0);
	assert_io(&io, 100, 200, 3, 4);
	assert_false(io.has_storage);

	assert_int_equal(io_file("io_reordered_extra", &io), 0);
	assert_io(&io, 100, 200, 3, 4);
	assert_true(io.has_storage);
	assert_int_equal(io.read_bytes, 5000);
	assert_int_equal(io.write_bytes, 6000);
	assert_int_equal(io.cancelled_write_bytes, 700);

	assert_int_equal(io_file("io_max", &io), 0);
	assert_io(&io, U64MAX, U64MAX, U64MAX, U64MAX);
	assert_true(io.has_storage);
	assert_int_equal(io.read_bytes, U64MAX);
	assert_int_equal(io.write_bytes, U64MAX);
	assert_int_equal(io.cancelled_write_bytes, U64MAX);

	/* write_bytes cut: the storage counters are reported absent, and the
	 * complete read_bytes is not left behind on its own */
	assert_int_equal(io_file("io_cut", &io), 0);
	assert_io(&io, 100, 200, 3, 4);
	assert_false(io.has_storage);
	assert_int_equal(io.read_bytes, 0);
	assert_int_equal(io.write_bytes, 0);

	assert_int_equal(io_file("io_overflow", &io), -1);
	assert_int_equal(io.rchar, 0);
	assert_int_equal(io_file("io_missing_syscw", &io), -1);
	assert_int_equal(io.rchar, 0);
	assert_int_equal(io_file("empty", &io), -1);
}

static size_t cmdline_file(const char *name, char *out, size_t outsize)
{
	size_t len;
	char *buf = load(name, &len);
	size_t n = parse_proc_cmdline(buf, len, out, outsize);

	free(buf);
	return n;
}

static void test_cmdline(void **state)
{
	static const char hostile[] = "prog  --arg=\xff\xfe two words";
	char out[256];
	char *small;

	(void)state;
	assert_int_equal(cmdline_file("real_pid_cmdline", out, sizeof out), 38);
	assert_string_equal(out, "cp /proc/self/cmdline real_pid_cmdline");

	/* empty argument, raw non-UTF-8 bytes, a space inside an argument,
	 * several trailing NULs */
	assert_int_equal(cmdline_file("cmdline_hostile", out, sizeof out), sizeof hostile - 1);
	assert_memory_equal(out, hostile, sizeof hostile);

	/* truncation: exactly outsize - 1 bytes, then the NUL */
	small = malloc(6);
	assert_non_null(small);
	assert_int_equal(cmdline_file("cmdline_hostile", small, 6), 5);
	assert_string_equal(small, "prog ");
	assert_int_equal(cmdline_file("cmdline_hostile", small, 1), 0);
	assert_int_equal(small[0], '\0');
	small[0] = 'Z';
	assert_int_equal(cmdline_file("cmdline_hostile", small, 0), 0);
	assert_int_equal(small[0], 'Z');
	free(small);

	/* a process that rewrote its arguments (setproctitle) */
	assert_int_equal(cmdline_file("cmdline_no_nul", out, sizeof out), 21);
	assert_string_equal(out, "nginx: worker process");
	assert_int_equal(cmdline_file("cmdline_all_nul", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(cmdline_file("empty", out, sizeof out), 0);
	assert_string_equal(out, "");
	assert_int_equal(parse_proc_cmdline(NULL, 0, out, sizeof out), 0);
	assert_string_equal(out, "");
}

/* ---- /proc/stat ------------------------------------------------------------ */

static int sys_stat_file(const char *name, struct sys_stat *s, struct cpu_times *cpus, int cap)
{
	size_t len;
	char *buf = load(name, &len);
	int rc;

	/* garbage in the caller's array shows whether holes are zeroed */
	if (cpus)
		memset(cpus, 0xa5, (size_t)cap * sizeof *cpus);
	memset(s, 0x5a, sizeof *s);
	s->cpus = cpus;
	s->cpus_cap = cap;
	rc = parse_sys_stat(buf, len, s);
	free(buf);
	return rc;
}

static void assert_cpu(const struct cpu_times *t, uint64_t user, uint64_t nice, uint64_t system,
                       uint64_t idle, uint64_t iowait, uint64_t irq, uint64_t softirq,
                       uint64_t steal, uint64_t guest, uint64_t guest_nice)
{
	assert_int_equal(t->user, user);
	assert_int_equal(t->nice, nice);
	assert_int_equal(t->system, system);
	assert_int_equal(t->idle, idle);
	assert_int_equal(t->iowait, iowait);
	assert_int_equal(t->irq, irq);
	assert_int_equal(t->softirq, softirq);
	assert_int_equal(t->steal, steal);
	assert_int_equal(t->guest, guest);
	assert_int_equal(t->guest_nice, guest_nice);
}

static void assert_cpu_zero(const struct cpu_times *t)
{
	assert_cpu(t, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

static void test_sys_stat_real(void **state)
{
	struct cpu_times cpus[4];
	struct sys_stat s;

	(void)state;
	assert_int_equal(sys_stat_file("real_stat", &s, cpus, 4), 0);
	assert_cpu(&s.total, 2191, 0, 2179, 83692, 530, 0, 57, 338, 0, 0);
	assert_int_equal(s.ncpus, 2);
	assert_ptr_equal(s.cpus, cpus);
	assert_int_equal(s.cpus_cap, 4);
	assert_cpu(&cpus[0], 706, 0, 855, 42751, 14, 0, 8, 165, 0, 0);
	assert_cpu(&cpus[1], 1484, 0, 1324, 40940, 515, 0, 49, 173, 0, 0);
	assert_cpu_zero(&cpus[2]);
	assert_cpu_zero(&cpus[3]);
	assert_true(s.has_btime && s.has_ctxt && s.has_processes && s.has_procs_running &&
	            s.has_procs_blocked);
	assert_int_equal(s.btime, 1795459339);
	assert_int_equal(s.ctxt, 248750);
	assert_int_equal(s.processes, 4886);
	assert_int_equal(s.procs_running, 1);
	assert_int_equal(s.procs_blocked, 0);

	assert_int_equal(cpu_times_busy(&s.total), 2191 + 2179 + 57 + 338);
	assert_int_equal(cpu_times_total(&s.total), 2191 + 2179 + 57 + 338 + 83692 + 530);

	/* no array: totals still parsed, ncpus still counted */
	assert_int_equal(sys_stat_file("real_stat", &s, NULL, 4), 0);
	assert_int_equal(s.ncpus, 2);
	assert_int_equal(s.cpus_cap, 0);
	assert_int_equal(s.total.idle, 83692);
}

static void test_sys_stat_shapes(void **state)
{
	struct cpu_times cpus[4];
	struct sys_stat s;

	(void)state;
	/* Linux 2.4: four columns; the rest read as 0 */
	assert_int_equal(sys_stat_file("sysstat_4cols", &s, cpus, 4), 0);
	assert_cpu(&s.total, 100, 20, 30, 400, 0, 0, 0, 0, 0, 0);
	assert_cpu(&cpus[1], 50, 10, 15, 200, 0, 0, 0, 0, 0, 0);
	assert_int_equal(s.ncpus, 2);
	assert_int_equal(s.ctxt, 1000);
	assert_int_equal(s.btime, 1000000000);
	assert_int_equal(s.processes, 77);
	assert_int_equal(s.procs_running, 2);
	assert_int_equal(s.procs_blocked, 1);

	/* a future kernel with 12 columns and an unknown line */
	assert_int_equal(sys_stat_file("sysstat_extra_cols", &s, cpus, 4), 0);
	assert_cpu(&s.total, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
	assert_cpu(&cpus[0], 11, 12, 13, 14, 15, 16, 17, 18, 19, 20);
	assert_int_equal(s.ncpus, 1);
	assert_int_equal(s.ctxt, 5);
	assert_int_equal(s.btime, 6);
	assert_int_equal(s.processes, 7);
	assert_int_equal(s.procs_running, 8);
	assert_int_equal(s.procs_blocked, 9);

	/* cpu1 and cpu2 offline: zeroed holes */
	assert_int_equal(sys_stat_file("sysstat_holes", &s, cpus, 4), 0);
	assert_int_equal(s.ncpus, 4);
	assert_cpu(&cpus[0], 5, 0, 5, 50, 0, 0, 0, 0, 0, 0);
	assert_cpu_zero(&cpus[1]);
	assert_cpu_zero(&cpus[2]);
	assert_cpu(&cpus[3], 5, 0, 5, 50, 0, 0, 0, 0, 0, 0);

	/* more CPUs than the array holds: ncpus still says 4 */
	assert_int_equal(sys_stat_file("sysstat_holes", &s, cpus, 2), 0);
	assert_int_equal(s.ncpus, 4);
	assert_cpu(&cpus[0], 5, 0, 5, 50, 0, 0, 0, 0, 0, 0);
	assert_cpu_zero(&cpus[1]);

	assert_int_equal(sys_stat_file("sysstat_no_btime", &s, cpus, 4), 0);
	assert_false(s.has_btime);
	assert_int_equal(s.btime, 0);
	assert_true(s.has_ctxt && s.has_processes);
	assert_false(s.has_procs_running || s.has_procs_blocked);
	assert_int_equal(s.ctxt, 10);
	assert_int_equal(s.processes, 11);
	assert_int_equal(s.procs_running, 0);
	assert_cpu(&s.total, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0);

	assert_int_equal(sys_stat_file("sysstat_max", &s, cpus, 4), 0);
	assert_cpu(&s.total, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX,
	           U64MAX);
	assert_cpu(&cpus[0], U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX, U64MAX,
	           U64MAX);
	assert_int_equal(s.ctxt, U64MAX);
	assert_int_equal(s.btime, U64MAX);
	assert_int_equal(s.processes, U64MAX);
	assert_true(s.procs_running == INT64_MAX && s.procs_blocked == INT64_MAX);
	/* sums saturate rather than wrap */
	assert_int_equal(cpu_times_busy(&s.total), U64MAX);
	assert_int_equal(cpu_times_total(&s.total), U64MAX);
}

static void test_sys_stat_bad(void **state)
{
	static const char *const bad[] = {
	    "sysstat_overflow", "sysstat_overflow_ctxt",      "sysstat_3cols",
	    "sysstat_no_total", "sysstat_cpu_index_overflow", "empty",
	};
	struct cpu_times cpus[2];
	struct sys_stat s;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (sys_stat_file(bad[i], &s, cpus, 2) != -1)
			fail_msg("%s: expected -1", bad[i]);
		assert_int_equal(s.ncpus, 0);
		assert_int_equal(s.total.user, 0);
		assert_false(s.has_btime || s.has_ctxt);
		assert_cpu_zero(&cpus[0]);
		assert_ptr_equal(s.cpus, cpus);
	}

	/* cut inside "cpu1 1484": that line and all after it are ignored */
	assert_int_equal(sys_stat_file("sysstat_cut", &s, cpus, 2), 0);
	assert_cpu(&s.total, 2191, 0, 2179, 83692, 530, 0, 57, 338, 0, 0);
	assert_int_equal(s.ncpus, 1);
	assert_cpu(&cpus[0], 706, 0, 855, 42751, 14, 0, 8, 165, 0, 0);
	assert_cpu_zero(&cpus[1]);
	assert_false(s.has_btime || s.has_ctxt || s.has_processes || s.has_procs_running);
}

static void test_cpu_times(void **state)
{
	/* guest time is inside user and must not be added again */
	struct cpu_times t = {.user = 100,
	                      .nice = 10,
	                      .system = 20,
	                      .idle = 1000,
	                      .iowait = 5,
	                      .irq = 1,
	                      .softirq = 2,
	                      .steal = 3,
	                      .guest = 50,
	                      .guest_nice = 7};

	(void)state;
	assert_int_equal(cpu_times_busy(&t), 136);
	assert_int_equal(cpu_times_total(&t), 1141);
	t.idle = U64MAX;
	assert_int_equal(cpu_times_total(&t), U64MAX);
}

/* ---- meminfo, loadavg, uptime --------------------------------------------- */

static int meminfo_file(const char *name, struct meminfo *m)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_meminfo(buf, len, m);

	free(buf);
	return rc;
}

static void test_meminfo(void **state)
{
	struct meminfo m;

	(void)state;
	assert_int_equal(meminfo_file("real_meminfo", &m), 0);
	assert_int_equal(m.mem_total_kb, 24684096);
	assert_int_equal(m.mem_free_kb, 24514208);
	assert_true(m.has_available);
	assert_int_equal(m.mem_available_kb, 24432044);
	assert_int_equal(m.buffers_kb, 1308);
	assert_int_equal(m.cached_kb, 30488);
	assert_int_equal(m.swap_total_kb, 0);
	assert_int_equal(m.swap_free_kb, 0);
	assert_true(m.has_shmem && m.has_sreclaimable);
	assert_int_equal(m.shmem_kb, 8788);
	assert_int_equal(m.sreclaimable_kb, 55548);

	/* before 3.14 (no MemAvailable), 2.6.32 (Shmem), 2.6.19 (SReclaimable) */
	assert_int_equal(meminfo_file("meminfo_old", &m), 0);
	assert_int_equal(m.mem_total_kb, 24684096);
	assert_int_equal(m.cached_kb, 30488);
	assert_false(m.has_available || m.has_shmem || m.has_sreclaimable);
	assert_int_equal(m.mem_available_kb, 0);
	assert_int_equal(m.shmem_kb, 0);

	/* SwapCached must not be read as Cached, nor ShmemHugePages as Shmem */
	assert_int_equal(meminfo_file("meminfo_reordered", &m), 0);
	assert_int_equal(m.mem_total_kb, 1);
	assert_int_equal(m.mem_free_kb, 2);
	assert_int_equal(m.buffers_kb, 3);
	assert_int_equal(m.cached_kb, 4);
	assert_int_equal(m.swap_total_kb, 5);
	assert_int_equal(m.swap_free_kb, 6);
	assert_true(m.has_shmem);
	assert_int_equal(m.shmem_kb, 8);
	assert_false(m.has_available || m.has_sreclaimable);

	assert_int_equal(meminfo_file("meminfo_max", &m), 0);
	assert_int_equal(m.mem_total_kb, U64MAX);
	assert_int_equal(m.mem_available_kb, U64MAX);
	assert_int_equal(m.swap_free_kb, 5);

	assert_int_equal(meminfo_file("meminfo_overflow", &m), -1);
	assert_int_equal(m.mem_total_kb, 0);
	assert_int_equal(meminfo_file("meminfo_no_memtotal", &m), -1);
	assert_int_equal(m.mem_free_kb, 0);
	/* cut inside SwapTotal: a required line is missing */
	assert_int_equal(meminfo_file("meminfo_cut", &m), -1);
	assert_int_equal(m.mem_total_kb, 0);
	assert_int_equal(meminfo_file("empty", &m), -1);
}

static int loadavg_file(const char *name, struct loadavg *l)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_loadavg(buf, len, l);

	free(buf);
	return rc;
}

static void test_loadavg(void **state)
{
	struct loadavg l;

	(void)state;
	assert_int_equal(loadavg_file("real_loadavg", &l), 0);
	assert_double_exact(l.load1, 0.04);
	assert_double_exact(l.load5, 0.08);
	assert_double_exact(l.load15, 0.04);
	assert_int_equal(l.running, 1);
	assert_int_equal(l.total, 87);
	assert_int_equal(l.last_pid, 4887);

	assert_int_equal(loadavg_file("loadavg_max", &l), 0);
	assert_double_exact(l.load1, 99999.99);
	assert_double_exact(l.load5, 0.0);
	assert_double_exact(l.load15, 1.5);
	assert_int_equal(l.running, 4294967295);
	assert_int_equal(l.total, 4294967295);
	assert_int_equal(l.last_pid, 2147483647);

	assert_int_equal(loadavg_file("loadavg_extra", &l), 0);
	assert_double_exact(l.load15, 3.0);
	assert_int_equal(l.running, 4);
	assert_int_equal(l.total, 5);
	assert_int_equal(l.last_pid, 6);

	static const char *const bad[] = {"loadavg_overflow", "loadavg_cut", "loadavg_bad_slash",
	                                  "empty"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (loadavg_file(bad[i], &l) != -1)
			fail_msg("%s: expected -1", bad[i]);
		assert_double_exact(l.load1, 0.0);
		assert_int_equal(l.total, 0);
	}
}

static int uptime_file(const char *name, double *up)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_uptime(buf, len, up);

	free(buf);
	return rc;
}

static void test_uptime(void **state)
{
	double up;

	(void)state;
	assert_int_equal(uptime_file("real_uptime", &up), 0);
	assert_double_exact(up, 446.31);
	/* the idle column is cut, the uptime column is complete */
	assert_int_equal(uptime_file("uptime_cut_second", &up), 0);
	assert_double_exact(up, 446.31);
	assert_int_equal(uptime_file("uptime_max", &up), 0);
	assert_double_exact(up, 18446744073709551615.99);

	assert_int_equal(uptime_file("uptime_cut", &up), -1);
	assert_double_exact(up, 0.0);
	assert_int_equal(uptime_file("uptime_overflow", &up), -1);
	assert_double_exact(up, 0.0);
	assert_int_equal(uptime_file("empty", &up), -1);
}

static int pressure_file(const char *name, struct pressure *p)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_pressure(buf, len, p);

	free(buf);
	return rc;
}

static void test_pressure(void **state)
{
	struct pressure p;

	(void)state;
	assert_int_equal(pressure_file("real_pressure_cpu", &p), 0);
	assert_double_exact(p.some.avg10, 32.12);
	assert_double_exact(p.some.avg300, 22.88);
	assert_int_equal(p.some.total_us, 167501347);
	assert_true(p.has_full);
	assert_double_exact(p.full.avg10, 0.0);
	assert_int_equal(pressure_file("real_pressure_memory", &p), 0);
	assert_double_exact(p.full.avg10, 0.10);
	assert_int_equal(p.full.total_us, 4738777);
	/* cpu before Linux 5.13: no full line */
	assert_int_equal(pressure_file("pressure_some_only", &p), 0);
	assert_false(p.has_full);
	assert_double_exact(p.some.avg60, 0.25);
	/* a cut full line is not used: the complete some line is */
	assert_int_equal(pressure_file("pressure_cut", &p), 0);
	assert_false(p.has_full);
	static const char *const bad[] = {"pressure_over", "pressure_twice", "empty", "real_loadavg"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (pressure_file(bad[i], &p) != -1)
			fail_msg("%s: expected -1", bad[i]);
		assert_false(p.has_full);
		assert_double_exact(p.some.avg10, 0.0);
	}
	assert_int_equal(parse_pressure("full avg10=1.00 avg60=0.22 avg300=0.11 total=1\n", 48, &p), -1);
	assert_int_equal(parse_pressure("some avg10=1.00 avg60=0.22 total=1\n", 35, &p), -1);
}

static void test_syscall(void **state)
{
	struct proc_syscall sc;
	static const char in[] = "7 0x7ffd1 0x1 0xffffffff 0x0 0x0 0x0 0x7ffd0 0x7f94f7c502ad\n";

	(void)state;
	assert_int_equal(parse_proc_syscall(in, strlen(in), &sc), 0);
	assert_int_equal(sc.state, SYSCALL_IN);
	assert_int_equal(sc.nr, 7);
	assert_int_equal(sc.args[0], 0x7ffd1);
	assert_int_equal(sc.args[2], 0xffffffff);
	assert_int_equal(sc.pc, 0x7f94f7c502ad);
	assert_int_equal(parse_proc_syscall("running\n", 8, &sc), 0);
	assert_int_equal(sc.state, SYSCALL_RUNNING);
	assert_int_equal(sc.nr, -1);
	assert_int_equal(parse_proc_syscall("-1 0x7ffd0 0x401000\n", 20, &sc), 0);
	assert_int_equal(sc.state, SYSCALL_NONE);
	assert_int_equal(sc.sp, 0x7ffd0);
	/* cut, short, junk, too long a number, a second "running" word */
	static const char *const bad[] = {
		"7 0x1 0x1 0x1 0x1 0x1 0x1 0x1 0x1",   "7 0x1 0x1\n", "x 0x1 0x2\n",
		"-1 0x7ffd0 0x401000 0x1\n",            "running now\n", "-1 0x12345678901234567 0x1\n",
		"-2 0x1 0x2\n",                         "7 0x1 0x1 0x1 0x1 0x1 0x1 0x1 0xg\n", "",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parse_proc_syscall(bad[i], strlen(bad[i]), &sc) != -1)
			fail_msg("'%s': expected -1", bad[i]);
		assert_int_equal(sc.nr, -1);
		assert_int_equal(sc.sp, 0);
	}
}

static void test_proc_int(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(parse_proc_int("666\n", 4, 0, 2000, &v), 0);
	assert_int_equal(v, 666);
	assert_int_equal(parse_proc_int("-1000\n", 6, -1000, 1000, &v), 0);
	assert_int_equal(v, -1000);
	/* cut (no newline), out of range, junk after, empty: refused and 0 */
	assert_int_equal(parse_proc_int("666", 3, 0, 2000, &v), -1);
	assert_int_equal(v, 0);
	assert_int_equal(parse_proc_int("2001\n", 5, 0, 2000, &v), -1);
	assert_int_equal(parse_proc_int("-1\n", 3, 0, 2000, &v), -1);
	assert_int_equal(parse_proc_int("12 13\n", 6, 0, 2000, &v), -1);
	assert_int_equal(parse_proc_int("12x\n", 4, 0, 2000, &v), -1);
	assert_int_equal(parse_proc_int("\n", 1, 0, 2000, &v), -1);
	assert_int_equal(parse_proc_int(NULL, 0, 0, 2000, &v), -1);
	assert_int_equal(v, 0);
}

/* ---- diskstats ---------------------------------------------------------------- */

static int diskstats_file(const char *name, struct disk_totals *d)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_diskstats(buf, len, d);

	free(buf);
	return rc;
}

static void assert_disks(const struct disk_totals *d, uint64_t rd, uint64_t wr, int n)
{
	assert_int_equal(d->read_sectors, rd);
	assert_int_equal(d->write_sectors, wr);
	assert_int_equal(d->ndisks, n);
}

static void test_diskstats(void **state)
{
	struct disk_totals d;

	(void)state;
	/* vda counted; loop0-7 and zram0 not */
	assert_int_equal(diskstats_file("real_diskstats", &d), 0);
	assert_disks(&d, 1934842, 435712, 1);

	/* 14 fields (Linux < 4.18): sda, nvme0n1, mmcblk0; partitions,
	 * dm-, md, loop, sr and an old 4-column partition line are skipped */
	assert_int_equal(diskstats_file("diskstats_14", &d), 0);
	assert_disks(&d, 1000 + 10 + 7, 2000 + 20 + 70, 3);

	/* 18 fields (4.18): sdb and xvda, not xvda1 */
	assert_int_equal(diskstats_file("diskstats_18", &d), 0);
	assert_disks(&d, 33, 77, 2);

	/* 20 fields (5.5) and a future 23-field line */
	assert_int_equal(diskstats_file("diskstats_20_extra", &d), 0);
	assert_disks(&d, 6, 14, 2);

	/* two disks at UINT64_MAX: the sum saturates */
	assert_int_equal(diskstats_file("diskstats_max", &d), 0);
	assert_disks(&d, U64MAX, U64MAX, 2);

	/* the cut vdb line is ignored */
	assert_int_equal(diskstats_file("diskstats_cut", &d), 0);
	assert_disks(&d, 3, 7, 1);

	/* no block devices at all is valid */
	assert_int_equal(diskstats_file("empty", &d), 0);
	assert_disks(&d, 0, 0, 0);

	assert_int_equal(diskstats_file("diskstats_overflow", &d), -1);
	assert_disks(&d, 0, 0, 0);
	assert_int_equal(diskstats_file("diskstats_short_disk", &d), -1);
	assert_disks(&d, 0, 0, 0);
}

static void test_whole_disk(void **state)
{
	static const char *const whole[] = {
	    "sda",   "sdb",  "sdaa",    "sdp",        "vda",     "xvda",
	    "hda",   "hdc",  "nvme0n1", "nvme12n3",   "mmcblk0", "mmcblk0boot0",
	    "dasda", "rbd0", "pmem0",   "cciss!c0d0",
	};
	static const char *const not_whole[] = {
	    "sda1",      "sdaa12",    "sdp1",         "vda2",      "xvda1",      "hda3",
	    "nvme0n1p1", "mmcblk0p1", "cciss!c0d0p1", "pmem0p1",   "rbd0p2",     "dasda1",
	    "loop0",     "loop0p1",   "ram0",         "zram0",     "dm-0",       "md0",
	    "md127",     "md_d0",     "sr0",          "fd0",       "nbd0",       "zd0",
	    "drbd0",     "bcache0",   "nullb0",       "nvme0c0n1", "nvme1c12n3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
		char *name = heap_copy(whole[i], strlen(whole[i]));

		if (!diskstats_is_whole_disk(name, strlen(whole[i])))
			fail_msg("%s should be a whole disk", whole[i]);
		free(name);
	}
	for (size_t i = 0; i < sizeof not_whole / sizeof not_whole[0]; i++) {
		char *name = heap_copy(not_whole[i], strlen(not_whole[i]));

		if (diskstats_is_whole_disk(name, strlen(not_whole[i])))
			fail_msg("%s should not be a whole disk", not_whole[i]);
		free(name);
	}
	/* only len bytes count: "sda1" cut to 3 bytes is sda */
	assert_true(diskstats_is_whole_disk("sda1", 3));
	assert_false(diskstats_is_whole_disk("nvme0n1p1", 9));
	assert_true(diskstats_is_whole_disk("nvme0n1p1", 7));
	assert_false(diskstats_is_whole_disk("", 0));
	assert_false(diskstats_is_whole_disk(NULL, 0));
}

/* ---- net/dev ---------------------------------------------------------------------- */

static int net_dev_file(const char *name, struct net_totals *n)
{
	size_t len;
	char *buf = load(name, &len);
	int rc = parse_net_dev(buf, len, n);

	free(buf);
	return rc;
}

static void assert_net(const struct net_totals *n, uint64_t rxb, uint64_t rxp, uint64_t txb,
                       uint64_t txp, int nifaces)
{
	assert_int_equal(n->rx_bytes, rxb);
	assert_int_equal(n->rx_packets, rxp);
	assert_int_equal(n->tx_bytes, txb);
	assert_int_equal(n->tx_packets, txp);
	assert_int_equal(n->nifaces, nifaces);
}

static void test_net_dev(void **state)
{
	struct net_totals n;

	(void)state;
	/* lo excluded; ifb0, ifb1 and eth0 counted */
	assert_int_equal(net_dev_file("real_net_dev", &n), 0);
	assert_net(&n, 21730415, 557, 31091, 361, 3);

	/* lo at UINT64_MAX excluded; a 15-byte name and an old-style
	 * "eth0:1000" with the number touching the ':'; lo0 is not lo;
	 * extra columns at the end */
	assert_int_equal(net_dev_file("netdev_hostile", &n), 0);
	assert_net(&n, 100 + 10 + 1000, 1 + 1 + 10, 200 + 20 + 2000, 2 + 2 + 20, 3);

	assert_int_equal(net_dev_file("netdev_only_header", &n), 0);
	assert_net(&n, 0, 0, 0, 0, 0);

	assert_int_equal(net_dev_file("netdev_saturate", &n), 0);
	assert_net(&n, U64MAX, 2, 10, 2, 2);

	/* the cut eth1 line is ignored */
	assert_int_equal(net_dev_file("netdev_cut", &n), 0);
	assert_net(&n, 100, 1, 200, 2, 1);

	static const char *const bad[] = {"netdev_overflow", "netdev_short", "netdev_one_header",
	                                  "empty"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (net_dev_file(bad[i], &n) != -1)
			fail_msg("%s: expected -1", bad[i]);
		assert_net(&n, 0, 0, 0, 0, 0);
	}
}

/* ---- every parser on every prefix of every small fixture --------------------- */

/* Runs each parser on buf; ASan flags any byte read past len. */
static void expect_short(const char *path, const char *want)
{
	char out[128];
	size_t n = cgroup_short_name(path, strlen(path), out, sizeof out);
	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_cgroup(void **state)
{
	struct proc_cgroup cg;
	size_t len;
	char *buf;

	(void)state;
	buf = load("cgroup_hybrid", &len);
	assert_int_equal(parse_proc_cgroup(buf, len, &cg), 0);
	assert_int_equal(cg.len, strlen("/user.slice/user-1000.slice/session-2.scope"));
	assert_memory_equal(cg.path, "/user.slice/user-1000.slice/session-2.scope", cg.len);
	free(buf);
	buf = load("cgroup_docker", &len);
	assert_int_equal(parse_proc_cgroup(buf, len, &cg), 0);
	assert_true(cg.path > buf && cg.path + cg.len == buf + len - 1); /* the newline stays out */
	free(buf);
	buf = load("cgroup_v1_only", &len);
	assert_int_equal(parse_proc_cgroup(buf, len, &cg), -1);
	assert_null(cg.path);
	free(buf);
	/* cut before its newline: not used */
	assert_int_equal(parse_proc_cgroup("0::/a.slice", 11, &cg), -1);
	assert_int_equal(parse_proc_cgroup("0::relative\n", 12, &cg), -1);
	assert_int_equal(parse_proc_cgroup("0::/\n", 5, &cg), 0);
	assert_int_equal(cg.len, 1);
	assert_int_equal(parse_proc_cgroup(NULL, 0, &cg), -1);

	expect_short("/", "/");
	expect_short("/system.slice/nginx.service", "nginx.service");
	expect_short("/user.slice/user-1000.slice/session-2.scope", "session-2.scope");
	expect_short("/system.slice/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.scope",
		     "0123456789ab");
	expect_short("/kubepods.slice/kubepods-pod1.slice/cri-containerd-"
		     "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210.scope",
		     "fedcba987654");
	expect_short("/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		     "0123456789ab");
	/* a unit's own sub-cgroups: the unit */
	expect_short("/system.slice/foo.service/worker", "foo.service");
	expect_short("/mygroup/sub", "sub");
	/* 63 hex digits is no container id */
	expect_short("/docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.scope",
		     "docker-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.scope");
	char tiny[4];
	assert_int_equal(cgroup_short_name("/system.slice/x.service", 23, tiny, sizeof tiny), 3);
	assert_string_equal(tiny, "x.s");
}

static void run_all_parsers(const char *buf, size_t len)
{
	struct proc_cgroup cg;
	char shortname[16];
	struct proc_stat st;
	struct proc_status status;
	struct proc_statm statm;
	struct proc_io io;
	struct proc_schedstat ss;
	struct cpu_times cpus[3];
	struct sys_stat sys = {.cpus = cpus, .cpus_cap = 3};
	struct meminfo mi;
	struct loadavg la;
	struct disk_totals dt;
	struct net_totals nt;
	char out[16];
	double up;
	int64_t iv;
	struct pressure psi;
	struct proc_syscall sc;

	(void)parse_proc_stat(buf, len, &st);
	assert_true(memchr(st.comm, '\0', sizeof st.comm) != NULL);
	(void)parse_proc_status(buf, len, &status);
	(void)parse_proc_statm(buf, len, &statm);
	(void)parse_proc_io(buf, len, &io);
	(void)parse_proc_schedstat(buf, len, &ss);
	assert_true(parse_proc_cmdline(buf, len, out, sizeof out) < sizeof out);
	(void)parse_sys_stat(buf, len, &sys);
	(void)parse_meminfo(buf, len, &mi);
	(void)parse_loadavg(buf, len, &la);
	(void)parse_uptime(buf, len, &up);
	(void)parse_proc_int(buf, len, -1000, 2000, &iv);
	(void)parse_pressure(buf, len, &psi);
	(void)parse_proc_syscall(buf, len, &sc);
	(void)parse_diskstats(buf, len, &dt);
	(void)parse_net_dev(buf, len, &nt);
	(void)diskstats_is_whole_disk(buf, len);
	if (parse_proc_cgroup(buf, len, &cg) == 0)
		(void)cgroup_short_name(cg.path, cg.len, shortname, sizeof shortname);
}

static void test_every_prefix_all_parsers(void **state)
{
	DIR *dir = opendir(fixture_dir);
	struct dirent *de;
	int nfiles = 0;

	(void)state;
	assert_non_null(dir);
	while ((de = readdir(dir))) {
		size_t len;
		char *full;

		if (de->d_name[0] == '.')
			continue;
		full = load(de->d_name, &len);
		/* quadratic: keep to the small files */
		if (len <= 2048) {
			for (size_t n = 0; n <= len; n++) {
				char *buf = heap_copy(full, n);

				run_all_parsers(buf, n);
				free(buf);
			}
			nfiles++;
		} else {
			run_all_parsers(full, len);
		}
		free(full);
	}
	closedir(dir);
	assert_true(nfiles > 50);
}

/* ---- cgroup v2 interface files ---- */

static void test_cgfs_value(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_cgfs_value("67108864\n", 9, &v), 0);
	assert_true(v == 67108864);
	assert_int_equal(parse_cgfs_value("max\n", 4, &v), 0);
	assert_true(v == CGFS_MAX);
	assert_int_equal(parse_cgfs_value("0\n", 2, &v), 0);
	assert_true(v == 0);
	/* cut, two values, a second line, junk, empty, overflow, ~0 (reserved) */
	assert_int_equal(parse_cgfs_value("123", 3, &v), -1);
	assert_int_equal(parse_cgfs_value("1 2\n", 4, &v), -1);
	assert_int_equal(parse_cgfs_value("1\n2\n", 4, &v), -1);
	assert_int_equal(parse_cgfs_value("maxi\n", 5, &v), -1);
	assert_int_equal(parse_cgfs_value("-1\n", 3, &v), -1);
	assert_int_equal(parse_cgfs_value("", 0, &v), -1);
	assert_int_equal(parse_cgfs_value("\n", 1, &v), -1);
	assert_int_equal(parse_cgfs_value("99999999999999999999\n", 21, &v), -1);
	assert_int_equal(parse_cgfs_value("18446744073709551615\n", 21, &v), -1);
}

static void test_cgfs_cpu_max(void **state)
{
	uint64_t q, p;

	(void)state;
	assert_int_equal(parse_cgfs_cpu_max("50000 100000\n", 13, &q, &p), 0);
	assert_true(q == 50000 && p == 100000);
	assert_int_equal(parse_cgfs_cpu_max("max 100000\n", 11, &q, &p), 0);
	assert_true(q == CGFS_MAX && p == 100000);
	assert_int_equal(parse_cgfs_cpu_max("max\n", 4, &q, &p), -1);
	assert_int_equal(parse_cgfs_cpu_max("max 0\n", 6, &q, &p), -1);
	assert_int_equal(parse_cgfs_cpu_max("max 1000001\n", 12, &q, &p), -1);
	assert_int_equal(parse_cgfs_cpu_max("1 max\n", 6, &q, &p), -1);
	assert_int_equal(parse_cgfs_cpu_max("1 2 3\n", 6, &q, &p), -1);
}

static void test_cgfs_keyed(void **state)
{
	const char *ev = "low 0\nhigh 3\nmax 2\noom 1\noom_kill 1\noom_group_kill 0\n";
	uint64_t v;

	(void)state;
	assert_int_equal(parse_cgfs_keyed(ev, strlen(ev), "oom_kill", &v), 0);
	assert_true(v == 1);
	assert_int_equal(parse_cgfs_keyed(ev, strlen(ev), "high", &v), 0);
	assert_true(v == 3);
	assert_int_equal(parse_cgfs_keyed(ev, strlen(ev), "oom", &v), 0);
	assert_true(v == 1);
	assert_int_equal(parse_cgfs_keyed(ev, strlen(ev), "oom_group", &v), -1);
	assert_int_equal(parse_cgfs_keyed(ev, strlen(ev) - 1, "oom_group_kill", &v), -1); /* cut */
	assert_int_equal(parse_cgfs_keyed("a 1\na 2\n", 8, "a", &v), -1); /* twice */
	assert_int_equal(parse_cgfs_keyed("a x\n", 4, "a", &v), -1);
	assert_int_equal(parse_cgfs_keyed("a 1 2\n", 6, "a", &v), -1);
	assert_int_equal(parse_cgfs_keyed("a\n", 2, "a", &v), -1);
}

static void test_cgfs_io_max(void **state)
{
	const char *io = "8:0 rbps=1048576 wbps=max riops=max wiops=120\n259:3 wbps=5\n";
	struct cgfs_io_max m;

	(void)state;
	assert_int_equal(parse_cgfs_io_max(io, strlen(io), &m), 0);
	assert_int_equal(m.n, 2);
	assert_true(m.dev[0].major == 8 && m.dev[0].minor == 0);
	assert_true(m.dev[0].rbps == 1048576 && m.dev[0].wbps == CGFS_MAX);
	assert_true(m.dev[0].riops == CGFS_MAX && m.dev[0].wiops == 120);
	assert_true(m.dev[1].major == 259 && m.dev[1].minor == 3 && m.dev[1].wbps == 5);
	assert_true(m.dev[1].rbps == CGFS_MAX); /* left out: no limit */
	assert_int_equal(parse_cgfs_io_max("", 0, &m), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(parse_cgfs_io_max("8:0 rbps=1\nx\n", 13, &m), -1);
	assert_int_equal(m.n, 0);
	assert_int_equal(parse_cgfs_io_max("8 rbps=1\n", 9, &m), -1);
	assert_int_equal(parse_cgfs_io_max("8:0 xbps=1\n", 11, &m), -1);
	assert_int_equal(parse_cgfs_io_max("8:0 rbps=\n", 10, &m), -1);
	assert_int_equal(parse_cgfs_io_max("8:99999999999 rbps=1\n", 22, &m), -1);
	/* more devices than kept */
	char many[64 * (CGFS_IO_DEVICES + 2)];
	size_t n = 0;
	for (int i = 0; i < CGFS_IO_DEVICES + 2; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "8:%d rbps=%d\n", i, i + 1);
	assert_int_equal(parse_cgfs_io_max(many, n, &m), 0);
	assert_int_equal(m.n, CGFS_IO_DEVICES);
	assert_true(m.more);
}

/* The reader over a hierarchy in the fixtures: one cgroup with every
 * controller, one with none (its files missing: n/a, not an error). */
static void test_cglimits_read(void **state)
{
	char root_path[4352];
	struct cglimits c;

	(void)state;
	snprintf(root_path, sizeof root_path, "%s/../cgroupfs", fixture_dir);
	int root = open(root_path, O_RDONLY | O_DIRECTORY);
	assert_true(root >= 0);
	assert_int_equal(cglimits_read(root, "/test.slice/app.service", &c), 0);
	assert_true(c.mem_current.err == 0 && c.mem_current.v == 1234567);
	assert_true(c.mem_max.err == 0 && c.mem_max.v == 67108864);
	assert_true(c.mem_high.err == 0 && c.mem_high.v == CGFS_MAX);
	assert_true(c.pids_current.err == 0 && c.pids_current.v == 3);
	assert_true(c.pids_max.err == 0 && c.pids_max.v == CGFS_MAX);
	assert_int_equal(c.events_err, 0);
	assert_true(c.ev_high == 3 && c.ev_max == 2 && c.ev_oom == 1 && c.ev_oom_kill == 1);
	assert_int_equal(c.cpu_max_err, 0);
	assert_true(c.cpu_quota_us == 50000 && c.cpu_period_us == 100000);
	assert_true(c.cpu_stat_err == 0 && c.throttle_err == 0);
	assert_true(c.nr_periods == 10 && c.nr_throttled == 4 && c.throttled_usec == 2500);
	assert_int_equal(c.io_max_err, 0);
	assert_int_equal(c.io_max.n, 2);
	assert_true(c.io_max.dev[1].major == 259 && c.io_max.dev[1].wbps == 2097152);
	assert_int_equal(c.psi_err[CG_PSI_CPU], 0);
	assert_double_exact(c.psi[CG_PSI_CPU].some.avg10, 1.50);
	assert_double_exact(c.psi[CG_PSI_CPU].full.avg10, 0.25);
	assert_int_equal(c.psi_err[CG_PSI_MEMORY], 0);
	assert_int_equal(c.psi_err[CG_PSI_IO], -ENOENT);

	assert_int_equal(cglimits_read(root, "/noctl", &c), 0);
	assert_int_equal(c.mem_max.err, -ENOENT);
	assert_int_equal(c.events_err, -ENOENT);
	assert_int_equal(c.cpu_max_err, -ENOENT);
	assert_true(c.cpu_stat_err == 0 && c.usage_usec == 77);
	assert_int_equal(c.throttle_err, -ENOENT);
	assert_int_equal(c.io_max_err, -ENOENT);
	assert_int_equal(c.pids_max.err, -ENOENT);
	assert_int_equal(c.psi_err[CG_PSI_IO], 0);

	assert_int_equal(cglimits_read(root, "/gone", &c), -ENOENT);
	close(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stat_real),       cmocka_unit_test(test_stat_hostile_comm),
	    cmocka_unit_test(test_stat_limits),     cmocka_unit_test(test_stat_old_and_new_kernels),
	    cmocka_unit_test(test_stat_truncated),  cmocka_unit_test(test_stat_every_prefix),
	    cmocka_unit_test(test_status_real),     cmocka_unit_test(test_status_shapes),
	    cmocka_unit_test(test_status_bad),      cmocka_unit_test(test_statm),
	    cmocka_unit_test(test_schedstat),       cmocka_unit_test(test_io),
	    cmocka_unit_test(test_cmdline),         cmocka_unit_test(test_sys_stat_real),
	    cmocka_unit_test(test_sys_stat_shapes), cmocka_unit_test(test_sys_stat_bad),
	    cmocka_unit_test(test_cpu_times),       cmocka_unit_test(test_meminfo),
	    cmocka_unit_test(test_loadavg),         cmocka_unit_test(test_uptime),
	    cmocka_unit_test(test_proc_int),        cmocka_unit_test(test_pressure),
	    cmocka_unit_test(test_syscall),
	    cmocka_unit_test(test_diskstats),       cmocka_unit_test(test_whole_disk),
	    cmocka_unit_test(test_net_dev),         cmocka_unit_test(test_every_prefix_all_parsers),
	    cmocka_unit_test(test_cgroup),
	    cmocka_unit_test(test_cgfs_value),      cmocka_unit_test(test_cgfs_cpu_max),
	    cmocka_unit_test(test_cgfs_keyed),      cmocka_unit_test(test_cgfs_io_max),
	    cmocka_unit_test(test_cglimits_read),
	};

	find_fixture_dir();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
