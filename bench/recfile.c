/* recfile.c - what a recording costs (src/recfile.h): bytes per sample,
 * writing CPU per sample, and for the reader the time to open and jump to
 * a time, to step forward and back, and its peak resident memory.
 *
 * It synthesises a day at 10 s (8,640 samples) of a machine with 1,000
 * processes x 5 tasks of which 5% are busy: each task a row of 14 fields
 * (identity, CPU times, faults, context switches, I/O bytes, memory,
 * state, name; a process's threads share its identity, memory and name,
 * and threads other than the main one have small counters), a process
 * ending and another starting in one sample of two (exit records in an
 * EVENT table), and a row of machine-wide figures. A busy task's counters
 * grow by random amounts each sample (up to 800 ticks of user time, 5,000
 * faults, 3,000 switches, 64 MiB read...); --steady makes each busy task
 * work at its own rate, +-10%, as a task at 40% CPU does. --harsh makes every
 * counter of every task random and large, and nothing shared: a floor
 * for the compression. Reading
 * is measured in a fresh process (the program runs itself with --read) so
 * that its peak RSS is the reader's alone.
 *
 *   make bench/recfile && bench/recfile [--samples N] [--tasks N] [--busy PCT]
 *                                       [--keyframe N] [--file PATH] [--keep] [--harsh] [--steady] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "recfile.h"
#include "recformat.h"

enum { F_TID, F_START, F_PPID, F_UID, F_UTIME, F_STIME, F_MINFLT, F_MAJFLT, F_NVCSW, F_NIVCSW,
       F_READ, F_WRITE, F_RSS, F_VSZ, F_STATE, F_COMM, NF };

static const struct rec_field task_fields[NF] = {
	{"tid", REC_U64},        {"start_ticks", REC_U64}, {"ppid", REC_U64},
	{"uid", REC_U64},        {"utime", REC_U64},       {"stime", REC_U64},
	{"minflt", REC_U64},     {"majflt", REC_U64},      {"nvcsw", REC_U64},
	{"nivcsw", REC_U64},     {"read_bytes", REC_U64},  {"write_bytes", REC_U64},
	{"rss_kb", REC_U64},     {"vsz_kb", REC_U64},      {"state", REC_U64},
	{"comm", REC_STR},
};
static const struct rec_field sys_fields[] = {
	{"cpu_user", REC_U64}, {"cpu_system", REC_U64}, {"cpu_idle", REC_U64},
	{"mem_free_kb", REC_U64}, {"load1", REC_F64},
};
static const struct rec_field exit_fields[] = {
	{"tid", REC_U64}, {"utime", REC_U64}, {"stime", REC_U64}, {"status", REC_I64},
};
static const struct rec_table tables[] = {
	{"tasks", REC_STATE, 2, NF, task_fields},
	{"system", REC_STATE, 0, 5, sys_fields},
	{"exits", REC_EVENT, 0, 4, exit_fields},
};
static const struct rec_schema schema = {3, tables};

struct task {
	uint64_t v[NF];
	char comm[16];
	bool busy;
	uint64_t rate[F_WRITE + 1]; /* --steady: what a busy task adds per sample */
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static uint64_t next_tid = 1000;
static bool harsh;  /* every counter of every task random and large */
static bool steady; /* busy tasks work at their own steady rate, +-10% */

/* A process of `threads` tasks into t[0..threads): they share their
 * identity, memory and name; the main thread has a history, the others
 * (blocked since they started, like most threads) small counters. */
static void new_process(struct task *t, unsigned threads, uint64_t start, unsigned busy_pct)
{
	static const char *names[] = {"postgres", "nginx", "java", "python3", "worker", "sshd",
				      "systemd-journal", "cron", "node", "redis-server"};
	uint64_t ppid = 1 + rnd() % 1000, uid = rnd() % 4 ? 1000 + rnd() % 5 : 0;
	uint64_t rss = 1000 + rnd() % 500000, vsz = rss * 4 + rnd() % 100000;
	const char *name = names[rnd() % 10];
	for (unsigned k = 0; k < threads; k++) {
		struct task *x = &t[k];
		memset(x, 0, sizeof *x);
		bool old = k == 0 || harsh;
		x->v[F_TID] = next_tid += k ? 1 : 1 + rnd() % 30;
		x->v[F_START] = start + (k ? rnd() % 3 : 0);
		x->v[F_PPID] = ppid;
		x->v[F_UID] = uid;
		x->v[F_UTIME] = old ? rnd() % 100000 : rnd() % 4;
		x->v[F_STIME] = old ? rnd() % 20000 : rnd() % 3;
		x->v[F_MINFLT] = old ? rnd() % 1000000 : rnd() % 40;
		x->v[F_MAJFLT] = old ? rnd() % 100 : 0;
		x->v[F_NVCSW] = old ? rnd() % 100000 : 1 + rnd() % 3;
		x->v[F_NIVCSW] = old ? rnd() % 10000 : rnd() % 2;
		x->v[F_READ] = old ? rnd() % (1ull << 32) : 0;
		x->v[F_WRITE] = old ? rnd() % (1ull << 30) : 0;
		x->v[F_RSS] = harsh ? 1000 + rnd() % 500000 : rss;
		x->v[F_VSZ] = harsh ? rss * 4 + rnd() % 100000 : vsz;
		x->v[F_STATE] = 'S';
		snprintf(x->comm, sizeof x->comm, "%s", harsh ? names[rnd() % 10] : name);
		x->busy = rnd() % 100 < busy_pct;
		for (int f = F_UTIME; f <= F_WRITE; f++)
			x->rate[f] = 1 + rnd() % (f == F_READ || f == F_WRITE ? 1u << 20 : 800);
	}
}

/* a busy task's 10 s: CPU, faults, switches, bytes, memory all move */
static void work(struct task *t)
{
	if (steady) {
		for (int f = F_UTIME; f <= F_WRITE; f++)
			if (f != F_MAJFLT)
				t->v[f] += t->rate[f] - t->rate[f] / 10 + rnd() % (t->rate[f] / 5 + 1);
		t->v[F_STATE] = rnd() % 2 ? 'R' : 'S';
		return;
	}
	t->v[F_UTIME] += rnd() % 800;
	t->v[F_STIME] += rnd() % 200;
	t->v[F_MINFLT] += rnd() % 5000;
	t->v[F_MAJFLT] += rnd() % 8 == 0;
	t->v[F_NVCSW] += rnd() % 3000;
	t->v[F_NIVCSW] += rnd() % 300;
	t->v[F_READ] += (rnd() % 4 == 0) ? rnd() % (64u << 20) : 0;
	t->v[F_WRITE] += (rnd() % 3 == 0) ? rnd() % (16u << 20) : 0;
	t->v[F_RSS] += rnd() % 64 - 32;
	t->v[F_STATE] = rnd() % 2 ? 'R' : 'S';
}

static void put_task(struct recwrite *w, const struct task *t)
{
	struct rec_value v[NF];
	for (int f = 0; f < NF; f++)
		v[f] = (struct rec_value){.v.u64 = t->v[f], .present = true};
	v[F_COMM].str = t->comm;
	v[F_COMM].str_len = (uint32_t)strlen(t->comm);
	if (recwrite_row(w, 0, v) != 0) {
		fprintf(stderr, "recfile: %s\n", recwrite_error(w));
		exit(1);
	}
}

struct opts {
	unsigned samples, tasks, busy_pct, keyframe;
	const char *file;
	bool keep;
};

/* the average stored and raw sizes of key and delta frames */
static void frame_sizes(const char *file)
{
	FILE *fp = fopen(file, "r");
	if (!fp)
		return;
	struct stat st;
	fstat(fileno(fp), &st);
	struct rec_scan sc = {fileno(fp), (uint64_t)st.st_size, REC_PREAMBLE_LEN};
	struct rec_frame f;
	uint64_t at, skip_at, skip_len, n[4] = {0}, stored[4] = {0}, raw[4] = {0};
	while (rec_scan_next(&sc, &f, &at, &skip_at, &skip_len) == 1 && f.type < 4) {
		n[f.type]++;
		stored[f.type] += f.stored_len + REC_FRAME_HDR_LEN;
		raw[f.type] += f.raw_len;
	}
	fclose(fp);
	for (int t = REC_FR_KEY; t <= REC_FR_DELTA; t++)
		if (n[t])
			printf("%-19s %llu, %.0f bytes each (%.0f before zstd)\n",
			       t == REC_FR_KEY ? "key frames" : "delta frames", (unsigned long long)n[t],
			       (double)stored[t] / (double)n[t], (double)raw[t] / (double)n[t]);
}

static int write_file(const struct opts *o)
{
	struct recwrite *w;
	char err[512];
	unlink(o->file);
	struct recwrite_opts wo = {.keyframe_every = o->keyframe, .creator = "bench/recfile"};
	if (recwrite_open(&w, o->file, &schema, &wo, err, sizeof err) != 0) {
		fprintf(stderr, "recfile: %s\n", err);
		return -1;
	}
	struct task *t = calloc(o->tasks, sizeof *t);
	if (!t)
		return -1;
	for (unsigned i = 0; i < o->tasks; i += 5)
		new_process(&t[i], o->tasks - i < 5 ? o->tasks - i : 5, 100 + i, o->busy_pct);
	int64_t wall = 1764720000000000000, mono = 1000000000000;
	double cpu = 0;
	uint64_t sys[4] = {1000000, 200000, 9000000, 4000000};
	for (unsigned s = 0; s < o->samples; s++) {
		/* a process ends and another starts in one sample of two */
		struct rec_value ex[4];
		double c0 = cpu_ms();
		recwrite_begin(w, wall, mono);
		if (rnd() % 2 && o->tasks >= 5) {
			struct task *d = &t[rnd() % (o->tasks / 5) * 5];
			for (unsigned k = 0; k < 5; k++) {
				ex[0] = (struct rec_value){.v.u64 = d[k].v[F_TID], .present = true};
				ex[1] = (struct rec_value){.v.u64 = d[k].v[F_UTIME], .present = true};
				ex[2] = (struct rec_value){.v.u64 = d[k].v[F_STIME], .present = true};
				ex[3] = (struct rec_value){.v.i64 = 0, .present = true};
				recwrite_row(w, 2, ex);
			}
			/* the newcomer takes the slots: the rows are no longer in tid order */
			new_process(d, 5, 100000 + s, o->busy_pct);
		}
		for (unsigned i = 0; i < o->tasks; i++) {
			if (t[i].busy)
				work(&t[i]);
			put_task(w, &t[i]);
		}
		sys[0] += 5000 + rnd() % 1000;
		sys[1] += 1000 + rnd() % 300;
		sys[2] += 70000 + rnd() % 1000;
		sys[3] += rnd() % 2000 - 1000;
		struct rec_value sv[5];
		for (int f = 0; f < 4; f++)
			sv[f] = (struct rec_value){.v.u64 = sys[f], .present = true};
		sv[4] = (struct rec_value){.v.f64 = 1.5 + (double)(rnd() % 100) / 100, .present = true};
		recwrite_row(w, 1, sv);
		if (recwrite_end(w) != 0) {
			fprintf(stderr, "recfile: %s\n", recwrite_error(w));
			return -1;
		}
		cpu += cpu_ms() - c0;
		wall += 10000000000 + (int64_t)(rnd() % 2000000);
		mono += 10000000000 + (int64_t)(rnd() % 2000000);
	}
	uint64_t size = recwrite_size(w);
	recwrite_close(w, false);
	free(t);
	frame_sizes(o->file);
	printf("file                %s, %.1f MiB\n", o->file, (double)size / 1048576);
	printf("bytes/sample        %.0f   (program target <= 7,000 at 5,000 tasks; atop -w 72,000: %.0fx smaller)\n",
	       (double)size / o->samples, 72000.0 / ((double)size / o->samples));
	printf("write CPU ms/sample %.2f   (encode + compress + write, %u rows)\n", cpu / o->samples,
	       o->tasks);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *what, double *ms, int n, double target)
{
	qsort(ms, (size_t)n, sizeof *ms, cmp_double);
	printf("%-19s median %.2f  max %.2f ms   (target <= %.0f ms: max %.2fx of it)\n", what,
	       ms[n / 2], ms[n - 1], target, ms[n - 1] / target);
}

static long hwm_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static struct recread *open_or_die(const char *file)
{
	struct recread *r;
	char err[512];
	if (recread_open(&r, file, &schema, NULL, NULL, err, sizeof err) != 0) {
		fprintf(stderr, "recfile: %s\n", err);
		exit(1);
	}
	return r;
}

/* touches every value of the sample, as a replay would */
static uint64_t consume(const struct recread *r)
{
	struct rec_value v[NF];
	uint64_t sum = 0;
	for (unsigned t = 0; t < 3; t++)
		for (size_t i = 0; i < recread_rows(r, t); i++) {
			recread_row(r, t, i, v);
			sum += v[0].v.u64;
		}
	return sum;
}

static int read_file(const char *file)
{
	enum { JUMPS = 30, STEPS = 300 };
	double jump[JUMPS], step[STEPS], back[STEPS];
	uint64_t sum = 0;
	struct recread *r = open_or_die(file);
	const struct recread_info *in = recread_info(r);
	int64_t first = in->first_wall_ns, span = in->last_wall_ns - in->first_wall_ns;
	uint64_t samples = in->samples;
	printf("samples             %llu, %zu rows in the last key frame, mean interval %.2f s\n",
	       (unsigned long long)samples, in->rows[0], in->mean_interval_s);
	recread_close(r);
	for (int j = 0; j < JUMPS; j++) {
		int64_t at = first + (int64_t)((double)span * (double)(rnd() % 10000) / 10000.0);
		double t0 = now_ms();
		r = open_or_die(file);
		if (recread_seek_time(r, at) != 0)
			return -1;
		sum += consume(r);
		jump[j] = now_ms() - t0;
		recread_close(r);
	}
	r = open_or_die(file);
	recread_seek(r, rnd() % (samples / 2));
	for (int s = 0; s < STEPS; s++) {
		double t0 = now_ms();
		if (recread_next(r) != 1)
			return -1;
		sum += consume(r);
		step[s] = now_ms() - t0;
	}
	for (int s = 0; s < STEPS; s++) {
		double t0 = now_ms();
		if (recread_seek(r, recread_pos(r) - 1) != 0)
			return -1;
		sum += consume(r);
		back[s] = now_ms() - t0;
	}
	recread_close(r);
	report("open + jump", jump, JUMPS, 50);
	report("step forward", step, STEPS, 20);
	report("step back", back, STEPS, 20);
	long kib = hwm_kib();
	printf("reader peak RSS     %.1f MiB   (target <= 16 MiB: %.2fx of it)\n", (double)kib / 1024,
	       (double)kib / 1024 / 16);
	return sum == 42 ? 1 : 0; /* keeps the reads from being optimised away */
}

int main(int argc, char **argv)
{
	struct opts o = {8640, 5000, 5, 0, "/tmp/bench-recfile.rec", false};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--read") == 0 && v)
			return read_file(v) == 0 ? 0 : 1;
		else if (strcmp(a, "--keep") == 0)
			o.keep = true;
		else if (strcmp(a, "--harsh") == 0)
			harsh = true;
		else if (strcmp(a, "--steady") == 0)
			steady = true;
		else if (!v)
			goto usage;
		else if (strcmp(a, "--samples") == 0)
			o.samples = (unsigned)atoi(v), i++;
		else if (strcmp(a, "--tasks") == 0)
			o.tasks = (unsigned)atoi(v), i++;
		else if (strcmp(a, "--busy") == 0)
			o.busy_pct = (unsigned)atoi(v), i++;
		else if (strcmp(a, "--keyframe") == 0)
			o.keyframe = (unsigned)atoi(v), i++;
		else if (strcmp(a, "--file") == 0)
			o.file = v, i++;
		else
			goto usage;
	}
	if (o.samples < 2 || o.tasks < 1)
		goto usage;
	printf("population          %u tasks, %u%% busy, %u samples at 10 s, key frame every %u\n",
	       o.tasks, o.busy_pct, o.samples, o.keyframe ? o.keyframe : REC_KEYFRAME_DEFAULT);
	if (write_file(&o) != 0)
		return 1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "--read", o.file, (char *)NULL);
		_exit(127);
	}
	int st = 1;
	waitpid(pid, &st, 0);
	if (!o.keep)
		unlink(o.file);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
usage:
	fprintf(stderr, "usage: recfile [--samples N] [--tasks N] [--busy PCT] [--keyframe N] [--file PATH] [--keep] [--harsh] [--steady]\n");
	return 2;
}
