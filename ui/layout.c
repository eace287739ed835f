/* layout.c - where each part of the screen goes for the terminal's size:
 * the header's meters (as tall as header.c needs), the column titles, the
 * rows, the function bar. */
#include "layout.h"
#include "header.h"

void layout_update(struct ui *ui)
{
	int h, w;
	getmaxyx(stdscr, h, w);
	ui->lines = h > 0 ? h : 0;
	ui->cols = w > 0 ? w : 0;
	struct ui_geometry *g = &ui->geo;
	h = ui->lines;
	g->bar_y = h >= 2 ? h - 1 : -1;
	if (g->bar_y >= 0)
		h--;
	int mh = ui->set.header ? header_height(ui, ui->cols) : 0;
	/* keep room for the column headers and at least two rows */
	if (mh > h - 3)
		mh = h - 3 > 0 ? h - 3 : 0;
	g->meters_y = 0;
	g->meters_h = mh;
	h -= mh;
	if (h >= 2) {
		g->head_y = mh;
		g->rows_y = mh + 1;
		h--;
	} else {
		g->head_y = -1;
		g->rows_y = mh;
	}
	g->rows_h = h > 0 ? h : 0;
}
