/* core.c - what every room of the screen shares: the status message, the
 * clock, the selected row and finding a row. It calls nothing of the
 * other rooms. */
#include "core.h"
#include "clock.h"
#include "groupview.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MESSAGE_S 4.0 /* how long a status message stays */

double ui_now(void)
{
	return clock_mono_s();
}

void ui_message(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->msg_error = error;
	ui->msg_until_s = ui_now() + MESSAGE_S;
}

struct task *ui_selected(struct ui *ui)
{
	if (ui->sel >= ui->rows.nrows || groupview_group(ui->rows.rows[ui->sel]) >= 0)
		return NULL; /* no task, or a group row */
	return ui->rows.rows[ui->sel];
}

void ui_select_row(struct ui *ui, size_t row)
{
	if (ui->rows.nrows == 0) {
		ui->sel = 0;
		ui->have_sel = false;
		return;
	}
	if (row >= ui->rows.nrows)
		row = ui->rows.nrows - 1;
	ui->select_top = false; /* the user chose a row */
	ui->sel = row;
	ui->sel_tid = ui->rows.rows[row]->tid;
	ui->sel_start = ui->rows.rows[row]->start_ticks;
	ui->have_sel = true;
}

struct task *ui_find_task(struct ui *ui, int32_t tid, uint64_t start)
{
	for (size_t i = 0; i < ui->rows.nrows; i++)
		if (ui->rows.rows[i]->tid == tid && ui->rows.rows[i]->start_ticks == start)
			return ui->rows.rows[i];
	return NULL;
}

bool ui_search(struct ui *ui, const char *text, size_t from)
{
	size_t n = ui->rows.nrows;
	if (!*text || n == 0)
		return false;
	for (size_t k = 0; k < n; k++) {
		size_t i = (from + k) % n;
		const struct task *t = ui->rows.rows[i];
		if (rows_task_matches(t, text)) {
			ui_select_row(ui, i);
			return true;
		}
	}
	return false;
}
