/* views.c - the one table of what can be on the screen, and which is up. */
#include "views.h"
#include "drill.h"
#include "gridview.h"
#include "help.h"
#include "menus.h"
#include "table.h"
#include "timelineview.h"

static const struct view_ops table_view = {
	"table", VIEW_UNDER_HEADER, false, table_enter, table_draw, NULL, table_mouse,
};
static const struct view_ops grid_view = {
	"grid", VIEW_UNDER_HEADER, false, gridview_enter, gridview_draw, gridview_key,
	gridview_mouse,
};
static const struct view_ops timeline_view = {
	"timeline", VIEW_UNDER_HEADER, false, timelineview_enter, timelineview_draw,
	timelineview_key, timelineview_mouse,
};
static const struct view_ops drill_view = {
	"drill-down", VIEW_UNDER_HEADER, false, NULL, drill_draw, drill_key, drill_mouse,
};
static const struct view_ops help_view = {
	"help", VIEW_WHOLE, true, NULL, help_draw, help_key, help_mouse,
};
static const struct view_ops setup_view = {
	"setup", VIEW_WHOLE, true, NULL, setup_draw, setup_key, setup_mouse,
};
static const struct view_ops menu_view = {
	"menu", VIEW_OVER, true, NULL, menu_draw, menu_key, menu_mouse,
};
/* the prompt's line is the function bar's (menus_bar_draw) */
static const struct view_ops prompt_view = {
	"prompt", VIEW_OVER, true, NULL, NULL, prompt_key, NULL,
};

const struct view_ops *views_main(const struct ui *ui)
{
	if (ui->drill)
		return &drill_view;
	switch (ui->set.view) {
	case UI_VIEW_GRID: return &grid_view;
	case UI_VIEW_TIMELINE: return &timeline_view;
	case UI_VIEW_TABLE: break;
	}
	return &table_view;
}

const struct view_ops *views_top(const struct ui *ui)
{
	switch (ui->mode) {
	case MODE_HELP: return &help_view;
	case MODE_SETUP: return &setup_view;
	case MODE_MENU: return &menu_view;
	case MODE_PROMPT: return &prompt_view;
	case MODE_TABLE: break;
	}
	return views_main(ui);
}
