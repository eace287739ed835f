/* keys.c - the key table, the help text and the function bar */
#include "keys.h"

#include <curses.h> /* KEY_* codes only; this file calls no curses function */

const struct key_binding keys_bindings[] = {
	{KEY_UP, ACT_UP}, {KEYS_CTRL('p'), ACT_UP},
	{KEY_DOWN, ACT_DOWN}, {'j', ACT_DOWN}, {KEYS_CTRL('n'), ACT_DOWN},
	{KEY_PPAGE, ACT_PAGE_UP}, {KEYS_CTRL('b'), ACT_PAGE_UP},
	{KEY_NPAGE, ACT_PAGE_DOWN}, {KEYS_CTRL('f'), ACT_PAGE_DOWN},
	{KEY_HOME, ACT_HOME}, {'g', ACT_HOME},
	{KEY_END, ACT_END}, {'G', ACT_END},
	{KEY_F(6), ACT_SORT_MENU}, {'<', ACT_SORT_MENU}, {'>', ACT_SORT_MENU},
	{KEY_LEFT, ACT_SORT_LEFT}, {KEY_RIGHT, ACT_SORT_RIGHT},
	{'P', ACT_SORT_CPU}, {'M', ACT_SORT_MEM}, {'T', ACT_SORT_TIME}, {'N', ACT_SORT_PID},
	{'R', ACT_SORT_READ}, {'W', ACT_SORT_WRITE}, {'X', ACT_SORT_NET},
	{'I', ACT_REVERSE}, {'r', ACT_REVERSE},
	{'H', ACT_THREADS},
	{'t', ACT_TREE}, {KEY_F(5), ACT_TREE}, {'v', ACT_GROUP},
	{'+', ACT_EXPAND}, {'=', ACT_EXPAND}, {'-', ACT_COLLAPSE},
	{'\\', ACT_FILTER}, {KEY_F(4), ACT_FILTER},
	{'/', ACT_SEARCH}, {KEY_F(3), ACT_SEARCH},
	{'n', ACT_SEARCH_NEXT},
	{'u', ACT_USER},
	{'o', ACT_ONLY_ACTIVE},
	{'D', ACT_ONLY_IO},
	{'x', ACT_EXITED},
	{'a', ACT_ACCUMULATED},
	{'Z', ACT_PAUSE},
	{'F', ACT_FOLLOW},
	{'c', ACT_CMDLINE},
	{'k', ACT_SIGNAL}, {KEY_F(9), ACT_SIGNAL},
	{'[', ACT_NICE_MINUS}, {KEY_F(7), ACT_NICE_MINUS},
	{']', ACT_NICE_PLUS}, {KEY_F(8), ACT_NICE_PLUS},
	{'i', ACT_IONICE},
	{'d', ACT_DELAY},
	{' ', ACT_TAG}, {KEYS_CTRL('r'), ACT_REFRESH},
	{'C', ACT_TAG_TREE}, {'U', ACT_UNTAG_ALL},
	{'K', ACT_KERNEL},
	{'s', ACT_STRACE}, {'l', ACT_LSOF},
	{KEYS_CTRL('l'), ACT_REDRAW},
	{'#', ACT_HEADER},
	{'h', ACT_HELP}, {'?', ACT_HELP}, {KEY_F(1), ACT_HELP},
	{'S', ACT_SETUP}, {KEY_F(2), ACT_SETUP},
	{'q', ACT_QUIT}, {KEY_F(10), ACT_QUIT},
	{'\t', ACT_VIEW},
	{'\n', ACT_OPEN}, {'\r', ACT_OPEN}, {KEY_ENTER, ACT_OPEN},
	{'p', ACT_PIN},
	{',', ACT_REPLAY_BACK}, {'.', ACT_REPLAY_FWD}, {'{', ACT_REPLAY_START},
	{'}', ACT_REPLAY_END}, {'b', ACT_REPLAY_JUMP}, {'z', ACT_REPLAY_SPEED},
};
const size_t keys_bindings_count = sizeof keys_bindings / sizeof keys_bindings[0];

const struct key_help keys_help[] = {
	{"Up Ctrl-P", "select the task above", ACT_UP},
	{"Down j Ctrl-N", "select the task below", ACT_DOWN},
	{"PgUp Ctrl-B", "one page up", ACT_PAGE_UP},
	{"PgDn Ctrl-F", "one page down", ACT_PAGE_DOWN},
	{"Home g", "first task", ACT_HOME},
	{"End G", "last task", ACT_END},
	{"F6 < >", "choose the sort column", ACT_SORT_MENU},
	{"Left", "sort by the column to the left", ACT_SORT_LEFT},
	{"Right", "sort by the column to the right", ACT_SORT_RIGHT},
	{"P", "sort by CPU%", ACT_SORT_CPU},
	{"M", "sort by memory (RSS)", ACT_SORT_MEM},
	{"T", "sort by CPU time", ACT_SORT_TIME},
	{"N", "sort by PID", ACT_SORT_PID},
	{"R", "sort by disk read rate", ACT_SORT_READ},
	{"W", "sort by disk write rate", ACT_SORT_WRITE},
	{"X", "sort by network traffic (tx)", ACT_SORT_NET},
	{"I r", "reverse the sort order", ACT_REVERSE},
	{"H", "threads: one row per thread on/off", ACT_THREADS},
	{"F5 t", "tree: children under their parents", ACT_TREE},
	{"v", "groups: tasks / by user / by cgroup / by program", ACT_GROUP},
	{"+ =", "tree: expand the selected task (groups: its group; Enter too)", ACT_EXPAND},
	{"-", "tree: collapse the selected task (groups: its group)", ACT_COLLAPSE},
	{"F4 \\", "filter: show only commands containing text", ACT_FILTER},
	{"F3 /", "search a command; Enter keeps it", ACT_SEARCH},
	{"n", "next match of the search", ACT_SEARCH_NEXT},
	{"u", "show one user's tasks (or all)", ACT_USER},
	{"o", "only tasks active in the last interval", ACT_ONLY_ACTIVE},
	{"D", "only tasks that read or wrote storage (iotop's o)", ACT_ONLY_IO},
	{"x", "hide / show the tasks that ended (state X)", ACT_EXITED},
	{"a", "accumulated totals since first seen / rates", ACT_ACCUMULATED},
	{"Z", "pause / resume refreshing", ACT_PAUSE},
	{"F", "follow the selected task: keep it on its line", ACT_FOLLOW},
	{"c", "command: full command line / task name", ACT_CMDLINE},
	{"F9 k", "send a signal to the selected task (or the tagged ones)", ACT_SIGNAL},
	{"F7 [", "nice - 1 (higher priority; needs privilege; tagged ones too)", ACT_NICE_MINUS},
	{"F8 ]", "nice + 1 (lower priority; tagged ones too)", ACT_NICE_PLUS},
	{"i", "I/O priority: class and level (tagged ones too)", ACT_IONICE},
	{"d", "set the refresh interval", ACT_DELAY},
	{"Space", "table: tag / untag the task, move down (grid, drill-down: refresh)", ACT_TAG},
	{"C", "tag the task and all its descendants", ACT_TAG_TREE},
	{"U", "untag all tasks", ACT_UNTAG_ALL},
	{"Ctrl-R", "refresh now", ACT_REFRESH},
	{"K", "hide / show kernel threads", ACT_KERNEL},
	{"s", "strace the selected task (Ctrl-C ends it)", ACT_STRACE},
	{"l", "lsof: the selected task's open files", ACT_LSOF},
	{"Ctrl-L", "redraw the screen", ACT_REDRAW},
	{"#", "hide / show the header meters", ACT_HEADER},
	{"F1 h ?", "this help", ACT_HELP},
	{"F2 S", "setup: add, remove and reorder columns", ACT_SETUP},
	{"F10 q", "quit", ACT_QUIT},
	{"Tab", "next view: table / activity grid / timeline (drill-down: next tab)", ACT_VIEW},
	{"Enter", "drill down into the selected task (timeline: the chosen process)", ACT_OPEN},
	{"p", "grid: pin the tip to the task under the cursor", ACT_PIN},
	{",", "replay (-R): one sample back", ACT_REPLAY_BACK},
	{".", "replay: one sample forward", ACT_REPLAY_FWD},
	{"{", "replay: the start of the recording", ACT_REPLAY_START},
	{"}", "replay: the end of the recording", ACT_REPLAY_END},
	{"b", "replay: go to a time (HH:MM[:SS] or a date)", ACT_REPLAY_JUMP},
	{"z", "replay: play speed 1x, 10x, 100x (Z plays and pauses)", ACT_REPLAY_SPEED},
};
const size_t keys_help_count = sizeof keys_help / sizeof keys_help[0];

const struct fbar_item keys_fbar[] = {
	{"F1", "Help", ACT_HELP, 0},       {"F2", "Setup", ACT_SETUP, 0},
	{"F3", "Search", ACT_SEARCH, 0},   {"F4", "Filter", ACT_FILTER, 0},
	{"F5", "Tree", ACT_TREE, 0},       {"F6", "SortBy", ACT_SORT_MENU, 0},
	{"F7", "Nice-", ACT_NICE_MINUS, 1}, {"F8", "Nice+", ACT_NICE_PLUS, 1},
	{"F9", "Kill", ACT_SIGNAL, 1},     {"F10", "Quit", ACT_QUIT, 0},
	{"Tab", "View", ACT_VIEW, 0},
	{"v", "Group", ACT_GROUP, 0},
};
const size_t keys_fbar_count = sizeof keys_fbar / sizeof keys_fbar[0];

enum ui_action keys_action(int key)
{
	for (size_t i = 0; i < keys_bindings_count; i++)
		if (keys_bindings[i].key == key)
			return keys_bindings[i].action;
	return ACT_NONE;
}

int keys_action_modifies(enum ui_action a)
{
	return a == ACT_SIGNAL || a == ACT_NICE_MINUS || a == ACT_NICE_PLUS || a == ACT_IONICE ||
	       a == ACT_STRACE || a == ACT_LSOF;
}

enum { ESC_START, ESC_CSI, ESC_SS3 };

int keys_escape_more(struct keys_escape *e, int ch)
{
	switch (e->state) {
	case ESC_START:
		if (ch == '[') {
			e->state = ESC_CSI;
			return 1;
		}
		if (ch == 'O') {
			e->state = ESC_SS3;
			return 1;
		}
		return 0; /* Alt+key: the one byte after ESC */
	case ESC_CSI:
		/* parameter (0x30-0x3f) and intermediate (0x20-0x2f) bytes go on;
		 * a final byte (0x40-0x7e) ends it, anything else aborts it */
		return ch >= 0x20 && ch <= 0x3f;
	default:
		return 0; /* SS3 takes exactly one byte */
	}
}
