/* options.h - the parsed command line */
#ifndef PIDTOP_OPTIONS_H
#define PIDTOP_OPTIONS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "when.h"

struct options {
	bool batch;
	double delay_s;
	bool delay_set;
	long count; /* 0 = until interrupted */
	enum output_format format;
	bool format_set;
	bool threads, accumulated, only_active, only_io, reverse, full_scan;
	bool timestamp; /* -t: text lines start with the time */
	const struct column *columns[OUTPUT_MAX_COLUMNS]; /* --columns; ncolumns 0 = default */
	size_t ncolumns;
	bool no_net, no_taskstats;
	bool readonly, no_color;
	bool enable_delayacct, connections;
	const char *interface; /* -i: a device or a comma list; NULL = any */
	const char *filter;    /* -f: pcap-filter(7) expression; NULL = none */
	const char *view; /* "table" or "grid"; NULL = the saved or default view */
	const char *sort_id; /* NULL = the default */
	int32_t *pids;
	size_t npids;
	uint32_t *uids;
	size_t nuids;
	regex_t command_re;
	bool have_command_re;
	const char *proc_root;
	bool proc_root_set;
	int32_t dump_pid; /* --dump: 0 = not asked */
	const char *record_path;   /* -w */
	uint64_t record_max;       /* --record-max, bytes; 0 = no limit */
	bool record_no_cmdline;
	const char *replay_path;   /* -R */
	struct when begin, end;    /* --begin, --end (with -R) */
	bool have_begin, have_end;
	bool info;                 /* --info (with -R) */
	/* the exporter (--listen) and groups */
	const char *listen;     /* [ADDR:]PORT; NULL = no exporter */
	const char *web_config; /* --web-config FILE */
	int group_by;           /* enum group_by (groups.h) */
	bool group_by_set;
	const char *group_file; /* --group-file FILE */
	unsigned top_k;         /* --top, default 10 */
	bool help, version;
};

/* Returns 0, or -1 with a one-line message naming the bad value in err. */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);
void options_free(struct options *o);

#endif
