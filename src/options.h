/* options.h - the parsed command line */
#ifndef PIDTOP_OPTIONS_H
#define PIDTOP_OPTIONS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output.h"

struct options {
	bool batch;
	double delay_s;
	bool delay_set;
	long count; /* 0 = until interrupted */
	enum output_format format;
	bool format_set;
	bool threads, accumulated, only_active, reverse, full_scan;
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
	int32_t dump_pid; /* --dump: 0 = not asked */
	bool help, version;
};

/* Returns 0, or -1 with a one-line message naming the bad value in err. */
int options_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);
void options_free(struct options *o);

#endif
