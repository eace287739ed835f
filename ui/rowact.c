/* rowact.c - a change to tasks the user chose: every tagged task or the
 * selected one, and the message that says how it went (renice, ionice
 * and signals, from act.c and the menus). */
#include "rowact.h"
#include "core.h"
#include "tags.h"
#include "taskctl.h"

#include <stdio.h>
#include <string.h>

void rowact_report(struct ui *ui, const struct task *t, const struct taskctl_result *res,
		   const char *verb, const char *done)
{
	if (res->done == res->total && res->total > 1)
		ui_message(ui, false, "%d: %s (%d threads)", t->tid, done, res->total);
	else if (res->done == res->total)
		ui_message(ui, false, "%d: %s", t->tid, done);
	else if (res->total > 1)
		ui_message(ui, true, "%d: %d of %d threads %s: %s", t->tid, res->done, res->total,
			   verb, res->why);
	else
		ui_message(ui, true, "%d: %s", t->tid, res->why);
}

int rowact_why(const struct taskctl_result *res, const char *verb, char *why, size_t whylen)
{
	if (res->total > 1)
		snprintf(why, whylen, "%d of %d threads %s: %s", res->done, res->total, verb,
			 res->why);
	else
		snprintf(why, whylen, "%s", res->why);
	return -1;
}

unsigned rowact_on_tagged(struct ui *ui, const char *verb, rowact_fn fn, long arg)
{
	size_t n = ui->ntags, done = 0;
	char first[200] = "", why[160];
	for (size_t i = 0; i < n; i++) {
		struct task *t = tags_task(ui, i);
		if (!t)
			snprintf(why, sizeof why, "no such process (it exited)");
		if (t && fn(ui, t, arg, why, sizeof why) == 0)
			done++;
		else if (!first[0])
			snprintf(first, sizeof first, "%d: %s", ui->tags[i].tid, why);
	}
	if (done == n)
		ui_message(ui, false, "%zu tagged tasks %s", n, verb);
	else
		ui_message(ui, true, "%zu of %zu tagged tasks %s; %s", done, n, verb, first);
	tags_prune(ui);
	return RX_REDRAW;
}
