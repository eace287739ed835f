/* batch.c - sample, wait, report */
#include "batch.h"
#include "average.h"
#include "rowextra.h"
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

enum write_end { WRITE_OK, WRITE_FAILED, WRITE_GONE };

/* Writes what o->b holds. WRITE_GONE: the reader went away (a normal end). */
static enum write_end write_out(struct output *o, int fd, char *why, size_t whylen)
{
	if (o->b.failed) {
		snprintf(why, whylen, "out of memory");
		return WRITE_FAILED;
	}
	if (!o->write_errno && buf_write_fd(&o->b, fd) == 0)
		return WRITE_OK;
	if (o->write_errno)
		errno = o->write_errno;
	if (errno == EPIPE)
		return WRITE_GONE;
	snprintf(why, whylen, "cannot write the report: %s", strerror(errno));
	return WRITE_FAILED;
}

static void output_setup(struct output *out, struct model *m, const struct batch_config *cfg)
{
	output_init(out, cfg->format, model_cfg(m)->threads);
	out->fd = cfg->out_fd;
	out->connections = cfg->connections;
	out->timestamp = cfg->timestamp;
	if (cfg->ncolumns)
		output_set_columns(out, cfg->columns, cfg->ncolumns);
}

/* A refresh; WRITE_FAILED with the reason; *over at the end of a replay
 * or past --end (a normal stop). */
static enum write_end refresh(struct model *m, const struct batch_config *cfg, bool *over,
			      char *why, size_t whylen)
{
	int rc = model_refresh(m);
	if (rc == 0 && cfg->end_ns && model_is_replay(m) &&
	    (int64_t)model_wall(m)->tv_sec * 1000000000 + model_wall(m)->tv_nsec > cfg->end_ns)
		rc = MODEL_END;
	if (rc == 0)
		return WRITE_OK;
	if (rc == MODEL_END) {
		*over = true;
		return WRITE_OK;
	}
	if (rc == MODEL_ERR_RECORD)
		snprintf(why, whylen, "cannot record: %s", model_record_why(m));
	else if (model_is_replay(m))
		snprintf(why, whylen, "cannot read the recording");
	else
		snprintf(why, whylen, "cannot read the proc root '%s'", model_cfg(m)->proc_root);
	return WRITE_FAILED;
}

int batch_run(struct model *m, const struct batch_config *cfg, char *why, size_t whylen)
{
	struct output out;
	struct rows view = {0};
	output_setup(&out, m, cfg);
	struct group_report groups;
	if (cfg->grouping)
		group_report_init(&groups, cfg->grouping);
	/* pidstat's Average: block, for text runs with a COUNT */
	struct average *avg =
		cfg->format == OUTPUT_TEXT && cfg->count > 0 && !cfg->grouping ? average_new(&out) : NULL;
	enum write_end end = WRITE_OK;
	struct timespec deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	bool replay = model_is_replay(m), over = false;
	end = refresh(m, cfg, &over, why, whylen);
	/* absolute deadlines: the interval does not drift by the refresh's cost;
	 * a replay goes as fast as it can */
	for (long n = 0; end == WRITE_OK && !over && (cfg->count == 0 || n < cfg->count); n++) {
		add_seconds(&deadline, cfg->interval_s);
		if (replay ? (cfg->stop && *cfg->stop) : !sleep_until(&deadline, cfg->stop))
			break;
		if ((end = refresh(m, cfg, &over, why, whylen)) != WRITE_OK || over)
			break;
		if (cfg->quiet)
			continue;
		if (rows_build(&view, m, &cfg->filter, cfg->sort, cfg->reverse) < 0 ||
		    (avg && average_add(avg, m, &view) < 0)) {
			snprintf(why, whylen, "out of memory");
			end = WRITE_FAILED;
			break;
		}
		if (output_needs_extra(&out))
			rowextra_update(m, view.rows, view.nrows);
		buf_reset(&out.b);
		if (!cfg->grouping)
			output_report(&out, m, &view);
		else if (group_report_write(&groups, &out, m, &view, cfg->sort, cfg->reverse) < 0)
			out.b.failed = true;
		end = write_out(&out, cfg->out_fd, why, whylen);
	}
	if (avg && end == WRITE_OK) {
		buf_reset(&out.b);
		average_report(avg, &out, m);
		end = write_out(&out, cfg->out_fd, why, whylen);
	}
	average_free(avg);
	if (cfg->grouping)
		group_report_free(&groups);
	rows_free(&view);
	output_free(&out);
	return end == WRITE_FAILED ? 1 : 0;
}
