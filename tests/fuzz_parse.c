/* fuzz_parse.c - libFuzzer target: the same bytes go to every parser in
 * src/parse.c. Build and run (seed with the unit-test fixtures):
 *   clang -D_GNU_SOURCE -std=gnu11 -g -fsanitize=fuzzer,address,undefined \
 *     -Isrc src/parse.c tests/fuzz_parse.c -o fuzz_parse
 *   ./fuzz_parse -max_total_time=120 CORPUS_DIR tests/fixtures/parse
 * Besides memory errors it traps when a documented invariant breaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse.h"

#include "../fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static void fuzz_task_files(const char *buf, size_t len)
{
	struct proc_stat st;
	struct proc_status status;
	struct proc_statm statm;
	struct proc_io io;
	struct proc_schedstat ss;

	if (parse_proc_stat(buf, len, &st) == 0) {
		CHECK(memchr(st.comm, '\0', sizeof st.comm) != NULL);
		CHECK(st.has_processor || st.processor == -1);
		CHECK(st.has_guest || st.guest_time == 0);
	} else {
		CHECK(st.processor == -1 && !st.has_guest && st.pid == 0);
	}
	if (parse_proc_status(buf, len, &status) == 0)
		CHECK(status.has_ctxt || status.voluntary_ctxt_switches == 0);
	(void)parse_proc_statm(buf, len, &statm);
	if (parse_proc_io(buf, len, &io) == 0)
		CHECK(io.has_storage || io.read_bytes == 0);
	(void)parse_proc_schedstat(buf, len, &ss);
}

static void fuzz_cmdline(const char *buf, size_t len)
{
	static const size_t sizes[] = {0, 1, 2, 7, 4096};
	static char out[4096 + 1];

	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t n;

		out[sizes[i]] = 'Z'; /* guard byte just past the buffer given */
		n = parse_proc_cmdline(buf, len, out, sizes[i]);
		CHECK(out[sizes[i]] == 'Z');
		if (sizes[i] == 0) {
			CHECK(n == 0);
			continue;
		}
		CHECK(n < sizes[i] && n <= len && out[n] == '\0');
		CHECK(memchr(out, '\0', n) == NULL);
	}
}

static void fuzz_system_files(const char *buf, size_t len)
{
	struct cpu_times cpus[4];
	struct sys_stat sys = {.cpus = cpus, .cpus_cap = 4};
	struct sys_stat nocpus = {.cpus = NULL, .cpus_cap = 4};
	struct meminfo mi;
	struct loadavg la;
	struct disk_totals dt;
	struct net_totals nt;
	double up;
	int64_t iv;
	struct pressure psi;
	struct proc_syscall sc;

	if (parse_sys_stat(buf, len, &sys) == 0) {
		CHECK(sys.ncpus >= 0);
		CHECK(cpu_times_total(&sys.total) >= cpu_times_busy(&sys.total));
	}
	(void)parse_sys_stat(buf, len, &nocpus);
	CHECK(nocpus.cpus == NULL && nocpus.cpus_cap == 0);
	(void)parse_meminfo(buf, len, &mi);
	(void)parse_loadavg(buf, len, &la);
	(void)parse_uptime(buf, len, &up);
	if (parse_pressure(buf, len, &psi) == 0) {
		CHECK(psi.some.avg10 >= 0 && psi.some.avg10 <= 100);
		CHECK(psi.has_full || psi.full.total_us == 0);
	} else {
		CHECK(!psi.has_full && psi.some.total_us == 0);
	}
	if (parse_proc_syscall(buf, len, &sc) == 0)
		CHECK((sc.state == SYSCALL_IN) == (sc.nr >= 0));
	else
		CHECK(sc.nr == -1 && sc.pc == 0);
	if (parse_proc_int(buf, len, -1000, 2000, &iv) == 0)
		CHECK(iv >= -1000 && iv <= 2000);
	else
		CHECK(iv == 0);
	if (parse_diskstats(buf, len, &dt) == 0)
		CHECK(dt.ndisks >= 0);
	if (parse_net_dev(buf, len, &nt) == 0)
		CHECK(nt.nifaces >= 0);
	(void)diskstats_is_whole_disk(buf, len);
}

static void fuzz_cgroup(const char *buf, size_t len)
{
	struct proc_cgroup cg;
	char out[13 + 1];

	if (parse_proc_cgroup(buf, len, &cg) == 0) {
		CHECK(cg.path >= buf && cg.path + cg.len <= buf + len && cg.len >= 1);
		CHECK(cg.path[0] == '/' && memchr(cg.path, '\n', cg.len) == NULL);
		out[13] = 'Z'; /* guard byte past the size given */
		size_t n = cgroup_short_name(cg.path, cg.len, out, 13);
		CHECK(out[13] == 'Z' && n < 13 && out[n] == '\0');
	} else {
		CHECK(cg.path == NULL && cg.len == 0);
	}
	(void)cgroup_short_name(buf, len, out, 1);
	CHECK(out[0] == '\0');
}

/* the cgroup v2 interface files of the drill-down's Cgroup tab */
static void fuzz_cgroup_files(const char *buf, size_t len)
{
	uint64_t v, period;
	struct cgfs_io_max io;

	if (parse_cgfs_value(buf, len, &v) == 0)
		CHECK(len >= 2 && buf[len - 1] == '\n');
	if (parse_cgfs_cpu_max(buf, len, &v, &period) == 0)
		CHECK(period >= 1 && period <= 1000000);
	(void)parse_cgfs_keyed(buf, len, "oom_kill", &v);
	if (parse_cgfs_io_max(buf, len, &io) == 0) {
		CHECK(io.n <= CGFS_IO_DEVICES);
		CHECK(!io.more || io.n == CGFS_IO_DEVICES);
	} else {
		CHECK(io.n == 0 && !io.more);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;

	fuzz_task_files(buf, size);
	fuzz_cmdline(buf, size);
	fuzz_system_files(buf, size);
	fuzz_cgroup(buf, size);
	fuzz_cgroup_files(buf, size);
	return 0;
}
