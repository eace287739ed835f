/* main.c - the command line, then one of: the screen, the batch writer, the
 * exporter (--listen), --dump, or --info on a recording */

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "columns.h"
#include "dump.h"
#include "exporter.h"
#include "groups.h"
#include "webconfig.h"
#include "model.h"
#include "options.h"
#include "recfile.h"
#include "recinfo.h"
#include "ui.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pidtop [OPTIONS] [INTERVAL [COUNT]]\n"
		"Per-process and per-thread CPU, memory, context switches, disk I/O, delays\n"
		"(taskstats) and network traffic (packet capture).\n"
		"Interactive on a terminal; with -b or when standard output is not a terminal,\n"
		"reports every INTERVAL seconds (default 1), COUNT times (default: until stopped).\n"
		"The first report comes one interval after start: a rate needs two samples.\n"
		"\n"
		"  -b, --batch             write reports to standard output instead of the screen\n"
		"                          (the default when standard output is not a terminal)\n"
		"  -d, --delay=SECONDS     refresh interval, fractions allowed (default 1)\n"
		"  -n, --iterations=N      stop after N reports\n"
		"  -o, --output=FMT        text (aligned columns), csv, or json (one object per line)\n"
		"  -H, --threads           one row per thread instead of per process\n"
		"  -p, --pid=PID[,PID...]  only these processes\n"
		"  -u, --user=USER[,...]   only these users (names or uids)\n"
		"  -c, --command=REGEX     only tasks whose command line matches (POSIX ERE)\n"
		"  -a, --accumulated       totals since pidtop first saw the task instead of rates\n"
		"  -O, --only-active       only tasks that ran, switched or did I/O in the interval\n"
		"      --only-io           only tasks that read or wrote storage in the interval\n"
		"                          (iotop's -o)\n"
		"  -t, --timestamp         text: every line starts with the report's time\n"
		"      --columns=LIST      the columns of text, CSV and JSON reports, in order:\n"
		"                          ids (below) and groups cpu, mem, io, ctx, net\n"
		"  -s, --sort=COLUMN       sort by a column id (below); default cpu_pct\n"
		"  -r, --reverse           reverse the sort order\n"
		"  -i, --interface=DEV     capture traffic on DEV only (default: any); a comma\n"
		"                          list (eth0,lo) takes several\n"
		"  -f, --filter=EXPR       BPF capture filter (pcap-filter(7)): traffic it leaves\n"
		"                          out is neither counted nor unattributed\n"
		"      --no-taskstats      turn the taskstats source off\n"
		"      --no-net            turn the network source off\n"
		"      --connections       JSON: add each task's connections (protocol, ends,\n"
		"                          state, bytes and packets each way, rates); with\n"
		"                          -w, the recording keeps them\n"
		"      --enable-delayacct  turn kernel delay accounting on for the run (root);\n"
		"                          the old setting is restored on exit\n"
		"      --dump=PID          one JSON object with everything about one process\n"
		"                          (what the drill-down shows); exit 1 when it does not exist\n"
		"  -w, --record=FILE       append every sample to the recording FILE (created\n"
		"                          mode 0600); headless without a terminal or with -b,\n"
		"                          where -o also prints the reports\n"
		"      --record-max=SIZE   past SIZE bytes (K, M, G) FILE becomes FILE.1 (one\n"
		"                          old file is kept) and FILE starts again\n"
		"      --record-no-cmdline leave command lines (they may hold secrets) out\n"
		"  -R, --replay=FILE       the screen, or with -b the reports, from a recording\n"
		"      --begin=TIME        with -R: from TIME (HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS])\n"
		"      --end=TIME          with -R: up to TIME\n"
		"      --info              with -R: the recording's span, interval, samples,\n"
		"                          tasks, sources and size\n"
		"      --view=VIEW         the screen's first view: table, grid or timeline (Tab switches)\n"
		"      --readonly          the screen sends no signal, changes no priority and\n"
		"                          runs no strace or lsof\n"
		"      --no-color          monochrome screen (so does the NO_COLOR variable)\n"
		"      --proc-root=DIR     read another proc tree (a container's, or a fixture)\n"
		"      --full-scan         read every file of every task on every refresh\n"
		"                          (turns off the skipping of tasks that did not run)\n"
		"      --listen=[ADDR:]PORT  run headless as a Prometheus exporter: /metrics in\n"
		"                          the text format or OpenMetrics; PORT alone binds\n"
		"                          127.0.0.1; samples every -d seconds (default 5 here)\n"
		"      --web-config=FILE   TLS and basic auth (Prometheus exporter toolkit format)\n"
		"      --group-by=KEY      groups by comm (default), user, cgroup or exe: the\n"
		"                          exporter's, and with -b one row per group (sums)\n"
		"      --group-file=FILE   ordered rules naming groups (YAML; see pidtop(1))\n"
		"      --top=K             also export the K most active processes by CPU, by\n"
		"                          disk and by network (default 10; 0: none)\n"
		"  -h, --help              this help\n"
		"  -V, --version           version\n"
		"\n"
		"Columns (ids for -s; keys of CSV and JSON):\n");
	for (size_t i = 0; i < columns_count; i++)
		fprintf(f, "  %-20s %s\n", columns[i].id, columns[i].desc);
	fprintf(f, "\nColumn groups for --columns:\n");
	for (size_t i = 0; i < column_groups_count; i++)
		fprintf(f, "  %-20s %s\n", column_groups[i].name, column_groups[i].ids);
	fprintf(f, "\nEmpty cells: '-' no rate yet (first sample), 'n/a' source off or missing,\n"
		   "'noaccess' not permitted; null in JSON, empty in CSV.\n"
		   "See pidtop(1) for details.\n");
}

/* --begin: the replay starts with the first sample at or after it (the
 * screen shows it first; a batch's first refresh is the one before it,
 * which has no report). */
static int start_replay_at(struct model *m, const struct when *w, bool screen, char *err,
			   size_t errlen)
{
	const struct recread_info *ri = model_replay_info(m);
	int64_t k = model_replay_find(m, when_resolve(w, ri->first_wall_ns));
	if (k < 0) {
		snprintf(err, errlen, "--begin: the recording ends before that time");
		return -1;
	}
	if (model_replay_seek(m, k > 0 && !screen ? (uint64_t)k - 1 : (uint64_t)k) < 0) {
		snprintf(err, errlen, "--begin: no readable sample there");
		return -1;
	}
	return 0;
}

/* -w: the last sample goes to the file at the end; its failure is one. */
static int finish_recording(struct model *m, int rc)
{
	if (model_record_flush(m) == MODEL_ERR_RECORD) {
		fprintf(stderr, "pidtop: cannot record: %s\n", model_record_why(m));
		return rc ? rc : 1;
	}
	return rc;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "pidtop: %s\nTry 'pidtop --help' for more information.\n", msg);
	return 2;
}

/* A set-user-ID or set-group-ID pidtop would read other users' /proc
 * files, write recordings and settings and load their paths for whoever
 * runs it: refused. File capabilities leave the uids alone and are the
 * way to give it privileges (doc/pidtop.1, PRIVILEGES). */
static int refuse_setid(void)
{
	uid_t ruid = getuid(), euid = geteuid();
	gid_t rgid = getgid(), egid = getegid();
	if (ruid == euid && rgid == egid)
		return 0;
	fprintf(stderr,
		"pidtop: refusing to run set-user-ID or set-group-ID (real uid %u gid %u, "
		"effective uid %u gid %u); use file capabilities instead (see pidtop(1), "
		"PRIVILEGES)\n",
		(unsigned)ruid, (unsigned)rgid, (unsigned)euid, (unsigned)egid);
	return 1;
}

int main(int argc, char **argv)
{
	struct options opt;
	char err[512];
	if (refuse_setid())
		_exit(1); /* nothing more runs in such a process, atexit handlers included */
	if (options_parse(argc, argv, &opt, err, sizeof err) < 0) {
		options_free(&opt);
		return usage_error(err);
	}
	if (opt.help) {
		usage(stdout);
		options_free(&opt);
		return 0;
	}
	if (opt.version) {
		printf("pidtop %s\n", PACKAGE_VERSION);
		options_free(&opt);
		return 0;
	}

	if (opt.dump_pid) {
		int drc = 2;
		if (opt.format_set && opt.format != OUTPUT_JSON)
			drc = usage_error("--dump writes JSON only (-o json)");
		else if ((drc = dump_run(opt.proc_root, opt.dump_pid, STDOUT_FILENO, err,
					 sizeof err)) != 0)
			fprintf(stderr, "pidtop: %s\n", err);
		options_free(&opt);
		return drc;
	}

	if (opt.info) {
		int irc = recinfo_print(opt.replay_path, stdout, err, sizeof err);
		if (irc)
			fprintf(stderr, "pidtop: %s\n", err);
		options_free(&opt);
		return irc;
	}

	struct exporter_config ec = {0};
	struct group_rules rules = {0};
	static struct webconfig web;
	if (opt.listen) {
		int erc = exporter_setup(&opt, &ec, &rules, &web, err, sizeof err);
		if (erc) {
			fprintf(stderr, "pidtop: %s\n", err);
			options_free(&opt);
			return erc;
		}
		ec.stop = &stop_requested;
	}

	struct model_config mc = {
		.replay_path = opt.replay_path,
		.record_path = opt.record_path,
		.record_max = opt.record_max,
		.record_no_cmdline = opt.record_no_cmdline,
		/* the screen's drill-down shows them; batch with --connections */
		.record_connections = opt.connections || (!opt.batch && isatty(STDOUT_FILENO)),
		.proc_root = opt.proc_root,
		.threads = opt.threads,
		.accumulated = opt.accumulated,
		.full_scan = opt.full_scan,
		.no_taskstats = opt.no_taskstats,
		.no_net = opt.no_net,
		.net_device = opt.interface,
		.net_filter = opt.filter,
		.enable_delayacct = opt.enable_delayacct,
		.no_history = opt.batch || opt.listen || !isatty(STDOUT_FILENO),
	};
	const char *seq = getenv("PIDTOP_FIXTURE_SEQUENCE");
	mc.fixture_sequence = seq && *seq && strcmp(seq, "0") != 0;

	/* before model_new: --enable-delayacct changes the sysctl there, and a
	 * stop asked for from then on must still lead to its restore */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	int irc = 0;
	struct model *model = model_new(&mc, &irc, err, sizeof err);
	if (!model) {
		exporter_setup_free(&rules, ec.web);
		options_free(&opt);
		if (irc == MODEL_ERR_USAGE)
			return usage_error(err);
		fprintf(stderr, "pidtop: %s\n", err);
		return 1;
	}


	if (opt.listen) {
		int xrc = exporter_run(model, &ec, err, sizeof err);
		if (xrc)
			fprintf(stderr, "pidtop: %s\n", err);
		int frc = finish_recording(model, xrc ? 1 : 0);
		model_free(model);
		exporter_setup_free(&rules, ec.web);
		options_free(&opt);
		return xrc == EXPORTER_ERR_USAGE ? 2 : xrc ? 1 : frc;
	}

	bool screen = !opt.batch && isatty(STDOUT_FILENO);
	if (opt.have_begin && start_replay_at(model, &opt.begin, screen, err, sizeof err) < 0) {
		fprintf(stderr, "pidtop: %s\n", err);
		model_free(model);
		options_free(&opt);
		return 1;
	}

	/* the screen when standard output is a terminal, reports otherwise */
	if (screen) {
		int urc = ui_run(model, &opt, &stop_requested, err, sizeof err);
		if (urc)
			fprintf(stderr, "pidtop: %s\n", err);
		urc = finish_recording(model, urc);
		model_free(model);
		options_free(&opt);
		return urc;
	}

	/* text reports pad by display width, which wcwidth() knows per locale */
	setlocale(LC_CTYPE, "");
	/* --group-by, --group-file: group rows instead of tasks */
	struct grouping batch_grouping = {(enum group_by)opt.group_by, NULL};
	if (opt.group_file) {
		if (group_rules_load(opt.group_file, &rules, err, sizeof err) < 0) {
			model_free(model);
			options_free(&opt);
			return usage_error(err);
		}
		batch_grouping.rules = &rules;
	}
	struct batch_config bc = {
		.interval_s = opt.delay_s,
		.count = opt.count,
		.format = opt.format,
		.sort = column_find(opt.sort_id ? opt.sort_id : "cpu_pct"),
		.reverse = opt.reverse,
		.connections = opt.connections,
		.filter =
			{
				.pids = opt.pids,
				.npids = opt.npids,
				.uids = opt.uids,
				.nuids = opt.nuids,
				.command = opt.have_command_re ? &opt.command_re : NULL,
				.only_active = opt.only_active,
				.only_io = opt.only_io,
			},
		.timestamp = opt.timestamp,
		.columns = opt.columns,
		.ncolumns = opt.ncolumns,
		.grouping = opt.group_by_set || opt.group_file ? &batch_grouping : NULL,
		.out_fd = STDOUT_FILENO,
		.stop = &stop_requested,
		/* recording without -o: a service that prints nothing */
		.quiet = opt.record_path && !opt.format_set,
	};
	if (opt.have_end) {
		const struct recread_info *ri = model_replay_info(model);
		bc.end_ns = when_resolve(&opt.end, ri ? ri->first_wall_ns : 0);
	}
	int rc = batch_run(model, &bc, err, sizeof err);
	if (rc)
		fprintf(stderr, "pidtop: %s\n", err);
	rc = finish_recording(model, rc);
	model_free(model);
	group_rules_free(&rules);
	options_free(&opt);
	return rc;
}
