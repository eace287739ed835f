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

/* A refresh's failure as a message; 0 to go on, 1 to stop (MODEL_END,
 * an end of replay, is a normal stop: *done, and 0). */
static int refresh(struct model *m, const struct batch_config *cfg, bool *done, char *why,
		   size_t whylen)
{
	int rc = model_refresh(m);
	if (rc == 0 && cfg->end_ns && model_is_replay(m) &&
	    (int64_t)m->wall.tv_sec * 1000000000 + m->wall.tv_nsec > cfg->end_ns)
		rc = MODEL_END;
	if (rc == 0)
		return 0;
	*done = true;
	if (rc == MODEL_END)
		return 0;
	if (rc == MODEL_ERR_RECORD)
		snprintf(why, whylen, "cannot record: %s", m->record_why);
	else if (model_is_replay(m))
		snprintf(why, whylen, "cannot read the recording");
	else
		snprintf(why, whylen, "cannot read the proc root '%s'", m->cfg.proc_root);
	return 1;
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
	bool done = false, replay = model_is_replay(m);
	if ((rc = refresh(m, cfg, &done, why, whylen)) != 0 || done)
		goto done;
	/* absolute deadlines: the interval does not drift by the refresh's cost;
	 * a replay goes as fast as it can */
	for (long n = 0; cfg->count == 0 || n < cfg->count; n++) {
		add_seconds(&deadline, cfg->interval_s);
		if (replay ? (cfg->stop && *cfg->stop) : !sleep_until(&deadline, cfg->stop))
			break;
		if ((rc = refresh(m, cfg, &done, why, whylen)) != 0 || done)
			break;
		if (cfg->quiet)
			continue;
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
