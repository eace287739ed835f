/* options.c - the command line (doc/pidtop.1, OPTIONS) */
#include "options.h"
#include "columns.h"
#include "exporter.h"
#include "groups.h"
#include "users.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_PROC_ROOT = 256,
	OPT_FULL_SCAN,
	OPT_NO_NET,
	OPT_NO_TASKSTATS,
	OPT_READONLY,
	OPT_NO_COLOR,
	OPT_VIEW,
	OPT_ENABLE_DELAYACCT,
	OPT_CONNECTIONS,
	OPT_DUMP,
	OPT_RECORD_MAX,
	OPT_RECORD_NO_CMDLINE,
	OPT_BEGIN,
	OPT_END,
	OPT_INFO,
	OPT_ONLY_IO,
	OPT_COLUMNS,
	OPT_LISTEN,
	OPT_WEB_CONFIG,
	OPT_GROUP_BY,
	OPT_GROUP_FILE,
	OPT_TOP,
};

static const struct option long_options[] = {
	{"batch", no_argument, NULL, 'b'},
	{"delay", required_argument, NULL, 'd'},
	{"iterations", required_argument, NULL, 'n'},
	{"output", required_argument, NULL, 'o'},
	{"threads", no_argument, NULL, 'H'},
	{"pid", required_argument, NULL, 'p'},
	{"user", required_argument, NULL, 'u'},
	{"command", required_argument, NULL, 'c'},
	{"accumulated", no_argument, NULL, 'a'},
	{"only-active", no_argument, NULL, 'O'},
	{"only-io", no_argument, NULL, OPT_ONLY_IO},
	{"columns", required_argument, NULL, OPT_COLUMNS},
	{"timestamp", no_argument, NULL, 't'},
	{"sort", required_argument, NULL, 's'},
	{"reverse", no_argument, NULL, 'r'},
	{"proc-root", required_argument, NULL, OPT_PROC_ROOT},
	{"full-scan", no_argument, NULL, OPT_FULL_SCAN},
	{"no-net", no_argument, NULL, OPT_NO_NET},
	{"no-taskstats", no_argument, NULL, OPT_NO_TASKSTATS},
	{"readonly", no_argument, NULL, OPT_READONLY},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"view", required_argument, NULL, OPT_VIEW},
	{"interface", required_argument, NULL, 'i'},
	{"filter", required_argument, NULL, 'f'},
	{"enable-delayacct", no_argument, NULL, OPT_ENABLE_DELAYACCT},
	{"connections", no_argument, NULL, OPT_CONNECTIONS},
	{"dump", required_argument, NULL, OPT_DUMP},
	{"record", required_argument, NULL, 'w'},
	{"record-max", required_argument, NULL, OPT_RECORD_MAX},
	{"record-no-cmdline", no_argument, NULL, OPT_RECORD_NO_CMDLINE},
	{"replay", required_argument, NULL, 'R'},
	{"begin", required_argument, NULL, OPT_BEGIN},
	{"end", required_argument, NULL, OPT_END},
	{"info", no_argument, NULL, OPT_INFO},
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"web-config", required_argument, NULL, OPT_WEB_CONFIG},
	{"group-by", required_argument, NULL, OPT_GROUP_BY},
	{"group-file", required_argument, NULL, OPT_GROUP_FILE},
	{"top", required_argument, NULL, OPT_TOP},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_delay(const char *s, double *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	/* a day is the longest interval that still makes sense for a monitor */
	if (end == s || *end || errno || !isfinite(v) || v <= 0 || v > 86400)
		return fail(err, errlen,
			    "invalid delay '%s': expected seconds, greater than 0 and at most 86400",
			    s);
	if (v < 0.01)
		return fail(err, errlen, "invalid delay '%s': the shortest interval is 0.01 seconds",
			    s);
	*out = v;
	return 0;
}

static int parse_count(const char *s, long *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v <= 0 || s[0] == '-' || s[0] == '+')
		return fail(err, errlen, "invalid count '%s': expected a whole number above 0", s);
	*out = v;
	return 0;
}

/* Appends comma-separated items; each is parsed by fn. */
static int parse_list(const char *arg, void **items, size_t *n, size_t size,
		      int (*fn)(const char *item, void *out, char *err, size_t errlen), char *err,
		      size_t errlen)
{
	char *copy = strdup(arg);
	if (!copy)
		return fail(err, errlen, "out of memory parsing '%s'", arg);
	int rc = 0;
	char *save = NULL;
	bool any = false;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		any = true;
		if (*n >= 65536) {
			rc = fail(err, errlen, "too many items in '%s'", arg);
			break;
		}
		void *grown = realloc(*items, (*n + 1) * size);
		if (!grown) {
			rc = fail(err, errlen, "out of memory parsing '%s'", arg);
			break;
		}
		*items = grown;
		if (fn(tok, (char *)*items + *n * size, err, errlen) < 0) {
			rc = -1;
			break;
		}
		(*n)++;
	}
	if (!any && rc == 0)
		rc = fail(err, errlen, "empty list '%s'", arg);
	free(copy);
	return rc;
}

/* "SIZE[K|M|G]" (powers of 1024), at least 64 KiB: a recording keeps
 * one old file, so the smallest useful size holds a few samples. */
static int parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mult = 1;
	if (end != s && *end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': mult = 1ull << 10; end++; break;
		case 'm': case 'M': mult = 1ull << 20; end++; break;
		case 'g': case 'G': mult = 1ull << 30; end++; break;
		default: break;
		}
	}
	if (end == s || *end || errno || s[0] == '-' || v > UINT64_MAX / mult ||
	    v * mult < (64u << 10))
		return fail(err, errlen,
			    "invalid size '%s': expected bytes (or with K, M, G), at least 64K", s);
	*out = v * mult;
	return 0;
}

static int parse_when_arg(const char *opt, const char *s, struct when *w, char *err,
			  size_t errlen)
{
	if (when_parse(s, w) < 0)
		return fail(err, errlen,
			    "invalid time '%s' for %s: expected HH:MM[:SS] or YYYY-MM-DD[ HH:MM[:SS]]",
			    s, opt);
	return 0;
}

static int parse_pid_item(const char *s, void *out, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end || errno || v <= 0 || v > INT32_MAX || s[0] == '+')
		return fail(err, errlen, "invalid pid '%s': expected a process id above 0", s);
	*(int32_t *)out = (int32_t)v;
	return 0;
}

static int parse_user_item(const char *s, void *out, char *err, size_t errlen)
{
	if (users_lookup_uid(s, (uint32_t *)out) < 0)
		return fail(err, errlen, "unknown user '%s'", s);
	return 0;
}

/* Options that only make sense together, or never do. */
static int check_combinations(const struct options *o, char *err, size_t errlen)
{
	if (!o->replay_path && (o->have_begin || o->have_end || o->info))
		return fail(err, errlen, "%s needs a recording to read (-R FILE)",
			    o->info ? "--info" : o->have_begin ? "--begin" : "--end");
	if (o->replay_path && o->record_path)
		return fail(err, errlen, "-R and -w together: replay one recording at a time");
	if (!o->record_path && (o->record_max || o->record_no_cmdline))
		return fail(err, errlen, "%s needs a recording to write (-w FILE)",
			    o->record_max ? "--record-max" : "--record-no-cmdline");
	if (o->replay_path && (o->proc_root_set || o->interface || o->no_net || o->no_taskstats ||
			       o->full_scan || o->enable_delayacct))
		return fail(err, errlen,
			    "-R replays what was recorded: source options (--proc-root, -i, --no-net, "
			    "--no-taskstats, --full-scan, --enable-delayacct) do not apply");
	return 0;
}

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->delay_s = 1.0;
	o->format = OUTPUT_TEXT;
	o->proc_root = "/proc";
	o->top_k = 10;
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":bd:n:o:Hp:u:c:aOs:ri:f:thVw:R:", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'b': o->batch = true; break;
		case 'd':
			if (parse_delay(optarg, &o->delay_s, err, errlen) < 0)
				return -1;
			o->delay_set = true;
			break;
		case 'n':
			if (parse_count(optarg, &o->count, err, errlen) < 0)
				return -1;
			break;
		case 'o':
			if (output_format_parse(optarg, &o->format) < 0)
				return fail(err, errlen,
					    "unknown output format '%s': expected text, csv or json",
					    optarg);
			o->format_set = true;
			break;
		case 'H': o->threads = true; break;
		case 'p':
			if (parse_list(optarg, (void **)&o->pids, &o->npids, sizeof *o->pids,
				       parse_pid_item, err, errlen) < 0)
				return -1;
			break;
		case 'u':
			if (parse_list(optarg, (void **)&o->uids, &o->nuids, sizeof *o->uids,
				       parse_user_item, err, errlen) < 0)
				return -1;
			break;
		case 'c': {
			if (o->have_command_re)
				regfree(&o->command_re);
			o->have_command_re = false;
			int rc = regcomp(&o->command_re, optarg, REG_EXTENDED | REG_NOSUB);
			if (rc != 0) {
				char why[128];
				regerror(rc, &o->command_re, why, sizeof why);
				snprintf(err, errlen, "invalid regular expression '%s': %s", optarg,
					 why);
				return -1;
			}
			o->have_command_re = true;
			break;
		}
		case 'a': o->accumulated = true; break;
		case 'O': o->only_active = true; break;
		case OPT_ONLY_IO: o->only_io = true; break;
		case OPT_COLUMNS: {
			char why[160];
			int n = column_list_parse(optarg, o->columns, OUTPUT_MAX_COLUMNS, why,
						  sizeof why);
			if (n < 0)
				return fail(err, errlen, "--columns: %s", why);
			o->ncolumns = (size_t)n;
			break;
		}
		case 't': o->timestamp = true; break;
		case 's':
			if (!column_find(optarg))
				return fail(err, errlen,
					    "unknown sort column '%s' (pidtop --help lists them)",
					    optarg);
			o->sort_id = optarg;
			break;
		case 'r': o->reverse = true; break;
		case OPT_PROC_ROOT: o->proc_root = optarg, o->proc_root_set = true; break;
		case OPT_FULL_SCAN: o->full_scan = true; break;
		case OPT_NO_NET: o->no_net = true; break;
		case OPT_NO_TASKSTATS: o->no_taskstats = true; break;
		case OPT_READONLY: o->readonly = true; break;
		case OPT_ENABLE_DELAYACCT: o->enable_delayacct = true; break;
		case OPT_CONNECTIONS: o->connections = true; break;
		case OPT_DUMP: {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || v <= 0 || v > INT32_MAX)
				return fail(err, errlen, "invalid pid '%s' for --dump", optarg);
			o->dump_pid = (int32_t)v;
			break;
		}
		case OPT_LISTEN: {
			struct sockaddr_storage ss;
			socklen_t sl;
			if (exporter_parse_listen(optarg, &ss, &sl, err, errlen) < 0)
				return -1;
			o->listen = optarg;
			break;
		}
		case OPT_WEB_CONFIG: o->web_config = optarg; break;
		case OPT_GROUP_FILE: o->group_file = optarg; break;
		case OPT_GROUP_BY: {
			enum group_by by;
			if (group_by_parse(optarg, &by) < 0)
				return fail(err, errlen,
					    "unknown group key '%s': expected comm, user, cgroup or exe",
					    optarg);
			o->group_by = (int)by;
			o->group_by_set = true;
			break;
		}
		case OPT_TOP: {
			char *end;
			errno = 0;
			long v = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || v < 0 || v > 1000 || optarg[0] == '+')
				return fail(err, errlen, "invalid --top '%s': expected 0 to 1000", optarg);
			o->top_k = (unsigned)v;
			break;
		}
		case 'i':
			if (!*optarg || strlen(optarg) >= 64)
				return fail(err, errlen, "invalid interface '%s'", optarg);
			o->interface = optarg;
			break;
		case 'f':
			/* compiled when the capture opens: a bad one is a usage error there */
			if (!*optarg)
				return fail(err, errlen, "empty capture filter");
			o->filter = optarg;
			break;
		case OPT_NO_COLOR: o->no_color = true; break;
		case OPT_VIEW:
			if (strcmp(optarg, "table") != 0 && strcmp(optarg, "grid") != 0 &&
			    strcmp(optarg, "timeline") != 0)
				return fail(err, errlen,
					    "unknown view '%s': expected table, grid or timeline",
					    optarg);
			o->view = optarg;
			break;
		case 'w':
			if (!*optarg)
				return fail(err, errlen, "empty file name for --record");
			o->record_path = optarg;
			break;
		case OPT_RECORD_MAX:
			if (parse_size(optarg, &o->record_max, err, errlen) < 0)
				return -1;
			break;
		case OPT_RECORD_NO_CMDLINE: o->record_no_cmdline = true; break;
		case 'R':
			if (!*optarg)
				return fail(err, errlen, "empty file name for --replay");
			o->replay_path = optarg;
			break;
		case OPT_BEGIN:
			if (parse_when_arg("--begin", optarg, &o->begin, err, errlen) < 0)
				return -1;
			o->have_begin = true;
			break;
		case OPT_END:
			if (parse_when_arg("--end", optarg, &o->end, err, errlen) < 0)
				return -1;
			o->have_end = true;
			break;
		case OPT_INFO: o->info = true; break;
		case 'h': o->help = true; break;
		case 'V': o->version = true; break;
		case ':':
			return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt) {
				char opt[3] = {'-', (char)optopt, '\0'};
				return fail(err, errlen, "unknown option '%s'", opt);
			}
			return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
		}
	}
	int npos = argc - optind;
	if (npos > 2)
		return fail(err, errlen, "too many arguments: '%s' (expected [INTERVAL [COUNT]])",
			    argv[optind + 2]);
	if (npos >= 1) {
		if (parse_delay(argv[optind], &o->delay_s, err, errlen) < 0)
			return -1;
		o->delay_set = true;
	}
	if (npos == 2 && parse_count(argv[optind + 1], &o->count, err, errlen) < 0)
		return -1;
	if (o->web_config && !o->listen)
		return fail(err, errlen, "--web-config needs --listen");
	if (o->listen && o->replay_path)
		return fail(err, errlen, "--listen serves live samples: not with -R");
	return check_combinations(o, err, errlen);
}

void options_free(struct options *o)
{
	free(o->pids);
	free(o->uids);
	if (o->have_command_re)
		regfree(&o->command_re);
	memset(o, 0, sizeof *o);
}
