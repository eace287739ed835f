/* batch.c - sample, wait, report */
#include "batch.h"
#include "groupreport.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void add_seconds(struct timespec *ts, double s)
{
	time_t whole = (time_t)s;
	long ns = (long)((s - (double)whole) * 1e9);
	ts->tv_sec += whole;
	ts->tv_nsec += ns;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Sleeps until the deadline; false when a stop was asked for meanwhile. */
static bool sleep_until(const struct timespec *deadline, volatile sig_atomic_t *stop)
{
	for (;;) {
		if (stop && *stop)
			return false;
		int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);
		if (rc == 0)
			return !(stop && *stop);
		if (rc != EINTR)
			return true;
	}
}

int batch_run(struct model *m, const struct batch_config *cfg, char *why, size_t whylen)
{
	struct output out;
	struct view view = {0};
	struct group_report groups;
	if (cfg->grouping)
		group_report_init(&groups, cfg->grouping);
	output_init(&out, cfg->format, m->cfg.threads);
	out.fd = cfg->out_fd;
	out.connections = cfg->connections;
	int rc = 0;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (model_refresh(m) < 0) {
		snprintf(why, whylen, "cannot read the proc root '%s'", m->cfg.proc_root);
		rc = 1;
		goto done;
	}
	/* absolute deadlines: the interval does not drift by the refresh's cost */
	for (long n = 0; cfg->count == 0 || n < cfg->count; n++) {
		add_seconds(&deadline, cfg->interval_s);
		if (!sleep_until(&deadline, cfg->stop))
			break;
		if (model_refresh(m) < 0) {
			snprintf(why, whylen, "cannot read the proc root '%s'", m->cfg.proc_root);
			rc = 1;
			break;
		}
		if (view_build(&view, m, &cfg->filter, cfg->sort, cfg->reverse) < 0) {
			snprintf(why, whylen, "out of memory");
			rc = 1;
			break;
		}
		buf_reset(&out.b);
		if (!cfg->grouping)
			output_report(&out, m, &view);
		else if (group_report_write(&groups, &out, m, &view, cfg->sort, cfg->reverse) < 0)
			out.b.failed = true;
		if (out.b.failed) {
			snprintf(why, whylen, "out of memory");
			rc = 1;
			break;
		}
		if (out.write_errno || buf_write_fd(&out.b, cfg->out_fd) < 0) {
			if (out.write_errno)
				errno = out.write_errno;
			if (errno != EPIPE) {
				snprintf(why, whylen, "cannot write the report: %s", strerror(errno));
				rc = 1;
			}
			break; /* the reader went away: a normal end */
		}
	}
done:
	if (cfg->grouping)
		group_report_free(&groups);
	view_free(&view);
	output_free(&out);
	return rc;
}
