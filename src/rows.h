/* rows.h - which tasks are rows, and in what order.
 *
 * Shared by batch reports and the screen: filters (-p, -u, -c, -O) and the
 * sort column. The row vector is reused from refresh to refresh. */
#ifndef PIDTOP_ROWS_H
#define PIDTOP_ROWS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "columns.h"
#include "model.h"

struct row_filter {
	int32_t *pids;
	size_t npids;
	uint32_t *uids;
	size_t nuids;
	regex_t *command; /* POSIX ERE on the command line */
	bool only_active;
	bool only_io;        /* only tasks that read or wrote storage in the interval */
	bool include_exited; /* the tasks that ended, also after their last interval */
	bool hide_exited;    /* no task that ended at all (the screen's x) */
	bool hide_kernel;    /* no kernel thread (the screen's K) */
};

struct rows {
	struct task **rows;
	size_t nrows, cap;
};

/* Rebuilds the rows from the model's current table. Returns 0 or -1 when
 * out of memory. */
int rows_build(struct rows *v, struct model *m, const struct row_filter *f,
	       const struct column *sort, bool reverse);
void rows_free(struct rows *v);
bool rows_filter_match(const struct row_filter *f, struct model *m, const struct task *t);

/* Whether t's command line (its process's) or name holds text, in any
 * case: the screen's live filter and search. */
bool rows_task_matches(const struct task *t, const char *text);
/* Keeps only the rows that match text (all when text is empty). */
void rows_keep_matching(struct rows *v, const char *text);

#endif
