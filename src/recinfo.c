/* recinfo.c - a recording's summary for --info */
#include "recinfo.h"
#include "record.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

static void warn_line(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "pidtop: %s\n", line);
}

static void put_time(FILE *f, int64_t ns)
{
	time_t s = (time_t)(ns / 1000000000);
	struct tm tm;
	char buf[64];
	localtime_r(&s, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S %Z", &tm);
	fputs(buf, f);
}

static void put_duration(FILE *f, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 86400)
		fprintf(f, "%ldd ", t / 86400);
	fprintf(f, "%02ld:%02ld:%02ld", t % 86400 / 3600, t % 3600 / 60, t % 60);
}

static void put_size(FILE *f, uint64_t b)
{
	if (b >= (1u << 20))
		fprintf(f, "%.1f MiB", (double)b / (1 << 20));
	else
		fprintf(f, "%.1f KiB", (double)b / 1024);
}

/* The sources' states in the last sample. */
static void put_sources(FILE *f, struct recread *r, uint64_t last)
{
	struct rec_value v[RECORD_MAX_FIELDS];
	if (recread_seek(r, last) < 0 || recread_rows(r, RT_SAMPLE) == 0) {
		fputs("sources    (not readable)\n", f);
		return;
	}
	recread_row(r, RT_SAMPLE, 0, v);
	static const char *const names[] = {"proc", "taskstats", "net"};
	fputs("sources   ", f);
	for (int i = 0; i < 3; i++) {
		const struct rec_value *s = &v[RS_SRC_PROC + 2 * i];
		fprintf(f, "%s %s: %.*s", i ? ";" : "", names[i], s->present ? (int)s->str_len : 3,
			s->present ? s->str : "n/a");
	}
	fputc('\n', f);
	fprintf(f, "rows      %s\n", v[RS_THREADS].present && v[RS_THREADS].v.u64
				     ? "threads (recorded with -H)"
				     : "processes");
}

int recinfo_print(const char *path, FILE *f, char *err, size_t errlen)
{
	struct recread *r;
	if (recread_open(&r, path, &record_schema, warn_line, NULL, err, errlen) < 0)
		return 1;
	const struct recread_info *in = recread_info(r);
	fprintf(f, "file      %s, ", path);
	put_size(f, in->file_bytes);
	fprintf(f, ", format %u.%u, written by %s\n", in->major, in->minor,
		in->creator && *in->creator ? in->creator : "?");
	if (in->samples == 0) {
		fputs("samples   0\n", f);
		recread_close(r);
		return 0;
	}
	fputs("span      ", f);
	put_time(f, in->first_wall_ns);
	fputs(" to ", f);
	put_time(f, in->last_wall_ns);
	fputs(" (", f);
	put_duration(f, (double)(in->last_wall_ns - in->first_wall_ns) * 1e-9);
	fputs(")\n", f);
	fprintf(f, "samples   %llu, every %.3f s on average", (unsigned long long)in->samples,
		in->mean_interval_s);
	if (in->samples > 1)
		fprintf(f, ", %.0f bytes each", (double)in->file_bytes / (double)in->samples);
	fputc('\n', f);
	fprintf(f, "tasks     %zu processes, %zu threads, in the last key frame\n",
		in->rows[RT_PROCS], in->rows[RT_THREADS]);
	put_sources(f, r, in->samples - 1);
	recread_close(r);
	return 0;
}
