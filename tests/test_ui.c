/* test_ui.c - the screen's pure parts: key table, cell formatting and
 * human units, display width, column layout, settings parsing and
 * merging, tree order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h> /* KEY_* codes */
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cglimits.h"
#include "cgrouptab.h"
#include "format.h"
#include "keys.h"
#include "settings.h"
#include "text.h"
#include "tree.h"

static void test_keys_known(void **state)
{
	(void)state;
	assert_int_equal(keys_action('M'), ACT_SORT_MEM);
	assert_int_equal(keys_action('P'), ACT_SORT_CPU);
	assert_int_equal(keys_action('k'), ACT_SIGNAL);
	assert_int_equal(keys_action(KEY_F(9)), ACT_SIGNAL);
	assert_int_equal(keys_action('q'), ACT_QUIT);
	assert_int_equal(keys_action(KEY_F(10)), ACT_QUIT);
	assert_int_equal(keys_action('/'), ACT_SEARCH);
	assert_int_equal(keys_action('\\'), ACT_FILTER);
	assert_int_equal(keys_action('j'), ACT_DOWN);
	assert_int_equal(keys_action(KEY_LEFT), ACT_SORT_LEFT);
	assert_int_equal(keys_action('r'), ACT_REVERSE);
	assert_int_equal(keys_action('I'), ACT_REVERSE);
	assert_int_equal(keys_action('x'), ACT_EXITED);
	assert_int_equal(keys_action('y'), ACT_NONE);
	assert_true(keys_action_modifies(ACT_SIGNAL));
	assert_true(keys_action_modifies(ACT_NICE_PLUS));
	assert_true(keys_action_modifies(ACT_IONICE));
	assert_false(keys_action_modifies(ACT_QUIT));
}

/* how many bytes after an ESC keys_escape_more takes as one sequence */
static size_t escape_length(const char *bytes)
{
	struct keys_escape e = {0};
	size_t n = 0;
	while (bytes[n] && keys_escape_more(&e, (unsigned char)bytes[n]))
		n++;
	return bytes[n] ? n + 1 : n;
}

static void test_keys_escape(void **state)
{
	(void)state;
	assert_int_equal(escape_length("[1;5A" "q"), 5); /* Ctrl+Up (xterm) */
	assert_int_equal(escape_length("[I" "q"), 2);    /* focus in */
	assert_int_equal(escape_length("[200~" "q"), 5); /* bracketed paste start */
	assert_int_equal(escape_length("[<0;12;7M" "q"), 9); /* SGR mouse report */
	assert_int_equal(escape_length("Oa" "q"), 2);    /* rxvt Ctrl+Up */
	assert_int_equal(escape_length("x" "q"), 1);     /* Alt+x */
	assert_int_equal(escape_length("[1;5\x01q"), 5); /* a control byte ends it */
}

/* no key is bound twice, every action has a key and a help line */
static void test_keys_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < keys_bindings_count; i++)
		for (size_t j = i + 1; j < keys_bindings_count; j++)
			assert_int_not_equal(keys_bindings[i].key, keys_bindings[j].key);
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		bool bound = false, helped = false;
		for (size_t i = 0; i < keys_bindings_count; i++)
			bound |= keys_bindings[i].action == (enum ui_action)a;
		for (size_t i = 0; i < keys_help_count; i++)
			helped |= keys_help[i].action == (enum ui_action)a;
		if (!bound || !helped)
			fail_msg("action %d: bound %d, in help %d", a, bound, helped);
	}
	for (size_t i = 0; i < keys_fbar_count; i++)
		assert_int_equal(keys_fbar[i].modifies != 0,
				 keys_action_modifies(keys_fbar[i].action));
}

static void test_format_units(void **state)
{
	(void)state;
	char out[64];
	format_bytes(512, out, sizeof out);
	assert_string_equal(out, "512");
	format_bytes(1536, out, sizeof out);
	assert_string_equal(out, "1.5K");
	format_bytes(12.0 * 1024 * 1024, out, sizeof out);
	assert_string_equal(out, "12M");
	format_duration(62.34, out, sizeof out);
	assert_string_equal(out, "1:02.34");
	format_duration(3 * 3600 + 5 * 60 + 7, out, sizeof out);
	assert_string_equal(out, "3h05:07");
	format_duration(12 * 86400 + 4 * 3600, out, sizeof out);
	assert_string_equal(out, "12d04h");
	format_uptime(86400 + 3661, out, sizeof out);
	assert_string_equal(out, "1 day, 01:01:01");

	const struct column *rss = column_find("rss_kb"), *cpu = column_find("cpu_pct");
	const struct column *drss = column_find("rss_delta_kb");
	struct cell c = {.state = CELL_VALUE, .kind = CELL_INT, .i = 2048};
	assert_string_equal(format_cell(rss, &c, 7, out, sizeof out), "2.0M");
	c.i = 300;
	assert_string_equal(format_cell(drss, &c, 7, out, sizeof out), "+300K");
	c.i = -300;
	assert_string_equal(format_cell(drss, &c, 7, out, sizeof out), "-300K");
	c = (struct cell){.state = CELL_VALUE, .kind = CELL_REAL, .d = 12.34};
	assert_string_equal(format_cell(cpu, &c, 6, out, sizeof out), "12.3");
	c.d = 1234.6; /* a 16-thread burner: decimals go before the width overflows */
	assert_string_equal(format_cell(cpu, &c, 4, out, sizeof out), "1235");
	c.state = CELL_NONE;
	assert_string_equal(format_cell(cpu, &c, 6, out, sizeof out), "-");
	c.state = CELL_NA;
	assert_string_equal(format_cell(cpu, &c, 6, out, sizeof out), "n/a");
	c.state = CELL_DENIED;
	assert_string_equal(format_cell(cpu, &c, 9, out, sizeof out), "no access");
	assert_string_equal(format_cell(cpu, &c, 6, out, sizeof out), "denied");
}

static void test_text_width(void **state)
{
	(void)state;
	char out[64];
	size_t used;
	/* 漢字 are two cells each; é is one */
	const char *s = "a\xe6\xbc\xa2\xe5\xad\x97\xc3\xa9";
	assert_int_equal(text_width(s, strlen(s), true), 6);
	assert_int_equal(text_fit(s, strlen(s), 4, true, out, sizeof out, &used), 3);
	assert_string_equal(out, "a\xe6\xbc\xa2"); /* the second wide char would straddle */
	assert_int_equal(used, 4);
	/* ASCII fallback: one '?' per character */
	assert_int_equal(text_width(s, strlen(s), false), 4);
	assert_int_equal(text_fit(s, strlen(s), 10, false, out, sizeof out, NULL), 4);
	assert_string_equal(out, "a???");
	/* a raw control can never be copied */
	assert_int_equal(text_fit("a\033[31m", 6, 10, true, out, sizeof out, NULL), 6);
	assert_string_equal(out, "a?[31m");
	assert_false(text_is_safe("a\033b", 3));
	assert_false(text_is_safe("a\xc2\x9b", 3)); /* C1 CSI */
	assert_false(text_is_safe("\xe2\x80\xae", 3)); /* RIGHT-TO-LEFT OVERRIDE */
	assert_false(text_is_safe("\xff", 1));
	assert_true(text_is_safe("ev\\x1b[31m \xc3\xa9", 13));
	/* skip two cells: past the first wide char */
	assert_int_equal(text_skip(s, strlen(s), 3, true), 4);
	/* a small out buffer ends the copy cleanly */
	assert_int_equal(text_fit(s, strlen(s), 10, true, out, 4, NULL), 1);
	assert_string_equal(out, "a");
	/* padding counts cells: 6 cells + 2 spaces = 8, whatever the bytes */
	assert_int_equal(text_pad(s, strlen(s), 8, true, out, sizeof out), strlen(s) + 2);
	assert_int_equal(text_width(out, strlen(out), true), 8);
	assert_int_equal(text_pad("\xce\x94RSS", 5, 9, true, out, sizeof out), 10);
	assert_int_equal(text_pad("toolongname", 11, 4, true, out, sizeof out), 11); /* never cut */
}

static void test_layout(void **state)
{
	(void)state;
	const struct column *cols[] = {column_find("pid"), column_find("state"),
				       column_find("cpu_pct"), column_find("cmdline")};
	struct layout_slot s[4];
	size_t n = layout_columns(cols, 4, 80, true, s);
	assert_int_equal(n, 4);
	assert_int_equal(s[0].x, 0);
	assert_int_equal(s[0].width, 7);
	assert_int_equal(s[1].x, 8);
	assert_int_equal(s[1].width, 3); /* at least "n/a" */
	assert_int_equal(s[2].x, 12);
	assert_int_equal(s[3].x, 19);
	assert_int_equal(s[3].width, 80 - 19); /* the command line takes the rest */
	/* narrow: the command line keeps its room, the columns before it go */
	n = layout_columns(cols, 4, 30, true, s);
	assert_int_equal(n, 3);
	assert_ptr_equal(s[2].col, cols[3]);
	assert_int_equal(s[2].x, 12);
	assert_int_equal(s[2].width, 18);
	n = layout_columns(cols, 4, 10, true, s);
	assert_int_equal(n, 2);
	assert_ptr_equal(s[1].col, cols[3]);
	assert_int_equal(s[1].x, 8);
	assert_int_equal(s[1].width, 7); /* its header; cut by the edge */
	n = layout_columns(cols, 4, 1, true, s);
	assert_int_equal(n, 1);
	n = layout_columns(cols, 4, 0, true, s);
	assert_int_equal(n, 0);
	/* the header is never cut: ΔRSS in UTF-8, dRSS otherwise */
	assert_string_equal(format_header(column_find("rss_delta_kb"), false, false), "dRSS");
	assert_string_equal(format_header(column_find("cpu_time"), true, false), "TIME+");
	/* accumulated: totals, no "/s" */
	assert_string_equal(format_header(column_find("read_bps"), true, true), "READ");
	assert_string_equal(format_header(column_find("majflt_ps"), true, true), "majflt");
	assert_string_equal(format_header(column_find("read_bps"), true, false), "READ/s");
	assert_string_equal(format_header(column_find("cpu_pct"), true, true), "%CPU");
}

/* settings_save: written atomically 0600 in an owned directory; never
 * through a symbolic link, into a directory others may write to, or
 * (as root) into another user's directory */
static void test_settings_save(void **state)
{
	(void)state;
	char tmp[] = "/tmp/pidtop-settings-XXXXXX";
	assert_non_null(mkdtemp(tmp));
	setenv("XDG_CONFIG_HOME", tmp, 1);
	struct settings_file f;
	assert_int_equal(settings_locate(&f), 0);
	struct ui_settings s;
	settings_defaults(&s);
	char why[512] = "";
	struct stat st;
	assert_int_equal(settings_save(&f, &s, why, sizeof why), 1);
	assert_int_equal(lstat(f.path, &st), 0);
	assert_true(S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);

	/* a symbolic link in its place is left as it is, and so is its target */
	char target[256];
	snprintf(target, sizeof target, "%s/target", tmp);
	FILE *t = fopen(target, "w");
	assert_non_null(t);
	fputs("mine\n", t);
	fclose(t);
	assert_int_equal(unlink(f.path), 0);
	assert_int_equal(symlink(target, f.path), 0);
	assert_int_equal(settings_save(&f, &s, why, sizeof why), 0);
	assert_int_equal(lstat(f.path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 5);
	assert_int_equal(unlink(f.path), 0);

	/* a directory the group may write to: refused, said why */
	assert_int_equal(chmod(f.dir, 0770), 0);
	assert_int_equal(settings_save(&f, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "writable by group or others"));
	assert_int_equal(lstat(f.path, &st), -1);
	assert_int_equal(chmod(f.dir, 0700), 0);

	/* another user's directory, as root (sudo with HOME kept) */
	if (geteuid() == 0) {
		assert_int_equal(chown(f.dir, 65534, 65534), 0);
		assert_int_equal(settings_save(&f, &s, why, sizeof why), 0);
		assert_int_equal(lstat(f.path, &st), -1);
		/* nor is a missing directory made in another user's parent */
		assert_int_equal(rmdir(f.dir), 0);
		assert_int_equal(chown(tmp, 65534, 65534), 0);
		assert_int_equal(settings_save(&f, &s, why, sizeof why), 0);
		assert_int_equal(lstat(f.dir, &st), -1);
	} else {
		printf("SKIP part: another user's directory needs root\n");
		assert_int_equal(rmdir(f.dir), 0);
	}
	unlink(target);
	rmdir(f.dir);
	assert_int_equal(rmdir(tmp), 0);
	unsetenv("XDG_CONFIG_HOME");
}

static void test_settings_parse(void **state)
{
	(void)state;
	struct ui_settings s, d;
	char warn[256];
	settings_defaults(&d);
	settings_defaults(&s);
	const char *good = "# comment\n\ncolumns = cmdline,pid , rss_kb\nsort=rss_kb\nreverse=1\n"
			   "interval=2.5\nthreads=yes\ntree=0\nheader=0\ncmdline=0\ncolor=mono\n"
			   "view=grid\nkernel=0\ngroup=cgroup\n";
	assert_int_equal(settings_parse(good, strlen(good), &s, warn, sizeof warn), 0);
	assert_int_equal(s.ncols, 3);
	assert_ptr_equal(s.cols[0], column_find("pid"));
	assert_ptr_equal(s.cols[2], column_find("cmdline")); /* moved last */
	assert_ptr_equal(s.sort, column_find("rss_kb"));
	assert_true(s.reverse && s.threads && s.mono && !s.header && !s.cmdline);
	assert_true(d.kernel && !s.kernel); /* kernel threads shown unless K hid them */
	assert_true(s.interval_s == 2.5);
	assert_int_equal(s.view, UI_VIEW_GRID);
	assert_int_equal(d.group, UI_GROUP_NONE);
	assert_int_equal(s.group, UI_GROUP_CGROUP);

	/* round trip */
	struct buf b = {0};
	settings_format(&s, &b);
	struct ui_settings r;
	settings_defaults(&r);
	assert_int_equal(settings_parse(b.data, b.len, &r, warn, sizeof warn), 0);
	assert_true(settings_equal(&r, &s));
	buf_free(&b);
	/* an interval with more digits than %g keeps (-d 1.234567) */
	s.interval_s = 1.234567;
	settings_format(&s, &b);
	assert_int_equal(settings_parse(b.data, b.len, &r, warn, sizeof warn), 0);
	assert_true(r.interval_s == 1.234567);
	buf_free(&b);

	/* bad parts keep their defaults; the good parts apply */
	settings_defaults(&s);
	const char *bad = "columns=pid,nope\nsort=nothing\ninterval=-1\nthreads=maybe\n"
			  "junk\nwhat=1\ntree=1\ngroup=pid\n";
	assert_int_equal(settings_parse(bad, strlen(bad), &s, warn, sizeof warn), 7);
	assert_int_equal(s.group, UI_GROUP_NONE);
	assert_string_equal(warn, "line 1: unknown column 'nope'");
	assert_int_equal(s.ncols, 1);
	assert_ptr_equal(s.sort, d.sort);
	assert_true(s.interval_s == d.interval_s);
	assert_false(s.threads);
	assert_true(s.tree);
	/* binary junk and over-long lines are bad lines, not crashes */
	char big[3000];
	memset(big, 'x', sizeof big);
	settings_defaults(&s);
	assert_int_equal(settings_parse(big, sizeof big, &s, warn, sizeof warn), 1);
	assert_int_equal(settings_parse("a\0b=1\n", 6, &s, warn, sizeof warn), 1);
}

static void test_settings_merge(void **state)
{
	(void)state;
	struct ui_settings file, start, cur, out;
	settings_defaults(&file);
	file.interval_s = 3;
	start = file;
	start.threads = true; /* -H on the command line */
	cur = start;
	cur.sort = column_find("rss_kb"); /* M on the screen */
	settings_merge(&file, &start, &cur, &out);
	assert_false(out.threads);      /* the command line is not saved */
	assert_ptr_equal(out.sort, cur.sort);
	assert_true(out.interval_s == 3);
	cur = start;
	settings_merge(&file, &start, &cur, &out);
	assert_true(settings_equal(&out, &file)); /* nothing changed: nothing to write */
}

static struct task mk(int32_t tid, int32_t tgid, int32_t ppid)
{
	struct task t;
	memset(&t, 0, sizeof t);
	t.tid = tid;
	t.tgid = tgid;
	t.ppid = ppid;
	return t;
}

static void test_tree(void **state)
{
	(void)state;
	/* 1 -> {10 -> {12}, 11}; 50 has a parent outside the rows; 7 and 8 are
	 * each other's parent (a cycle pid reuse can fake) */
	struct task t[] = {mk(12, 12, 10), mk(11, 11, 1), mk(50, 50, 999), mk(1, 1, 0),
			   mk(10, 10, 1), mk(7, 7, 8), mk(8, 8, 7)};
	struct task *rows[7];
	for (int i = 0; i < 7; i++)
		rows[i] = &t[i];
	struct tree tr = {0};
	size_t n = 7;
	assert_int_equal(tree_order(&tr, rows, &n, NULL, 0), 0);
	assert_int_equal(n, 7);
	/* roots in row order: 50 and 1 (11's parent 1 is present, so not a
	 * root); 11 comes before 10 among 1's children, as in the rows */
	int32_t want2[] = {50, 1, 11, 10, 12, 7, 8};
	for (size_t i = 0; i < n; i++)
		assert_int_equal(rows[i]->tid, want2[i]);
	assert_int_equal(tr.info[0].depth, 0);
	assert_int_equal(tr.info[2].depth, 1);
	assert_false(tr.info[2].last);
	assert_int_equal(tr.info[3].depth, 1);
	assert_true(tr.info[3].last);
	assert_int_equal(tr.info[4].depth, 2);
	assert_true(tr.info[1].has_children);
	/* collapsing 1 hides its whole subtree */
	int32_t collapsed[] = {1};
	n = 7;
	for (int i = 0; i < 7; i++)
		rows[i] = &t[i];
	assert_int_equal(tree_order(&tr, rows, &n, collapsed, 1), 0);
	assert_int_equal(n, 4);
	assert_int_equal(rows[1]->tid, 1);
	assert_true(tr.info[1].collapsed);
	tree_free(&tr);
}

/* A process chain far deeper than any stack (doc/RELIABILITY.md): 100,000
 * links given deepest first come out root first, each one deeper than the
 * last until the depth saturates, in time and memory linear in the rows. */
static void test_tree_deep_chain(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct task *t = calloc(N, sizeof *t);
	struct task **rows = calloc(N, sizeof *rows);
	assert_non_null(t);
	assert_non_null(rows);
	for (int i = 0; i < N; i++) {
		t[i] = mk(i + 1, i + 1, i);
		rows[N - 1 - i] = &t[i];
	}
	struct tree tr = {0};
	size_t n = N;
	assert_int_equal(tree_order(&tr, rows, &n, NULL, 0), 0);
	assert_int_equal(n, N);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(rows[i]->tid, (int32_t)i + 1);
		assert_int_equal(tr.info[i].depth, i < UINT16_MAX ? i : UINT16_MAX);
	}
	/* collapsing the middle link hides everything under it */
	int32_t collapsed[] = {N / 2};
	n = N;
	assert_int_equal(tree_order(&tr, rows, &n, collapsed, 1), 0);
	assert_int_equal(n, N / 2);
	tree_free(&tr);
	free(rows);
	free(t);
}

static void test_rowmap(void **state)
{
	(void)state;
	struct rowmap m = {0};
	int32_t tids[1000];
	uint64_t starts[1000];
	for (int i = 0; i < 1000; i++) {
		tids[i] = 1000 - i;
		starts[i] = (uint64_t)i * 7;
	}
	assert_int_equal(rowmap_build(&m, tids, starts, 1000), 0);
	assert_int_equal(rowmap_find(&m, 1000, 0), 0);
	assert_int_equal(rowmap_find(&m, 1, 999 * 7), 999);
	assert_int_equal(rowmap_find(&m, 1, 5), -1); /* a reused pid is not the same task */
	assert_int_equal(rowmap_find(&m, 2000, 0), -1);
	assert_int_equal(rowmap_find_tid(&m, 500), 500);
	/* a repeated tid: its first position wins; tid 0 is no task's */
	int32_t rep[4] = {7, 0, 7, 9};
	assert_int_equal(rowmap_build(&m, rep, NULL, 4), 0);
	assert_int_equal(rowmap_find_tid(&m, 7), 0);
	assert_int_equal(rowmap_find_tid(&m, 9), 3);
	assert_int_equal(rowmap_find_tid(&m, 0), -1);
	assert_int_equal(rowmap_find_tid(&m, 500), -1); /* the last build's only */
	rowmap_free(&m);
}

/* The Cgroup tab's lines for the fixture hierarchy's two cgroups */
static void test_cgroup_tab(void **state)
{
	(void)state;
	const char *srcdir = getenv("srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/fixtures/cgroupfs", srcdir && *srcdir ? srcdir : ".");
	int root = open(path, O_RDONLY | O_DIRECTORY);
	assert_true(root >= 0);
	struct cglimits c;
	struct buf b = {0};
	assert_int_equal(cglimits_read(root, "/test.slice/app.service", &c), 0);
	cgrouptab_format(&c, &b);
	buf_putc(&b, '\0');
	const char *want[] = {
		"memory    current 1.2M (1234567)  max 64M (67108864)  high unlimited\n",
		"          events: high 3  max 2  oom 1  oom_kill 1\n",
		"cpu       max 50000 us per 100000 us (0.50 CPUs)\n",
		"          throttled in 4 of 10 periods, 0.003 s in all\n",
		"io        max device 8:0  read B/s 1048576  write B/s max  read IO/s max  write IO/s 120\n",
		"              device 259:0  read B/s max  write B/s 2097152",
		"pids      current 3  max unlimited\n",
		"  cpu          1.50%       0.25%\n",
		"  io      n/a\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(b.data, want[i]))
			fail_msg("no '%s' in:\n%s", want[i], b.data);
	buf_reset(&b);
	assert_int_equal(cglimits_read(root, "/noctl", &c), 0);
	cgrouptab_format(&c, &b);
	buf_putc(&b, '\0');
	assert_non_null(strstr(b.data, "memory    current n/a  max n/a  high n/a\n"));
	assert_non_null(strstr(b.data, "cpu       max n/a\n          throttled n/a\n"));
	assert_non_null(strstr(b.data, "pids      current n/a  max n/a\n"));
	buf_free(&b);
	close(root);
}

int main(void)
{
	/* wide-character widths need a UTF-8 character locale */
	if (!setlocale(LC_CTYPE, "C.UTF-8"))
		setlocale(LC_CTYPE, "en_US.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_known),     cmocka_unit_test(test_keys_complete),
		cmocka_unit_test(test_keys_escape),
		cmocka_unit_test(test_format_units),   cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_layout),         cmocka_unit_test(test_settings_parse),
		cmocka_unit_test(test_settings_save),  cmocka_unit_test(test_cgroup_tab),
		cmocka_unit_test(test_settings_merge), cmocka_unit_test(test_tree),
		cmocka_unit_test(test_tree_deep_chain),
		cmocka_unit_test(test_rowmap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
