/* options.c - the command line (DESIGN §3) */
#include "options.h"
#include "columns.h"
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

int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->delay_s = 1.0;
	o->format = OUTPUT_TEXT;
	o->proc_root = "/proc";
	opterr = 0;
	optind = 1;
	int c;
	while ((c = getopt_long(argc, argv, ":bd:n:o:Hp:u:c:aOs:ri:f:hV", long_options, NULL)) != -1) {
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
		case 's':
			if (!column_find(optarg))
				return fail(err, errlen,
					    "unknown sort column '%s' (pidtop --help lists them)",
					    optarg);
			o->sort_id = optarg;
			break;
		case 'r': o->reverse = true; break;
		case OPT_PROC_ROOT: o->proc_root = optarg; break;
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
			if (strcmp(optarg, "table") != 0 && strcmp(optarg, "grid") != 0)
				return fail(err, errlen, "unknown view '%s': expected table or grid",
					    optarg);
			o->view = optarg;
			break;
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
	return 0;
}

void options_free(struct options *o)
{
	free(o->pids);
	free(o->uids);
	if (o->have_command_re)
		regfree(&o->command_re);
	memset(o, 0, sizeof *o);
}
