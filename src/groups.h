/* groups.h - which group a process belongs to (--group-by, --group-file),
 * and the table of group names.
 *
 * Shared by the exporter (a group is the `group` label of its series) and
 * by batch reports. A task's group is, in order: the name of the first
 * --group-file rule whose every pattern matches it; else its value of the
 * --group-by key (comm by default; user name; cgroup shortened to the
 * systemd unit or container id; the executable's path). A value that
 * cannot be read (no cgroup v2, an exe not ours to read, a kernel thread)
 * falls back to the task's comm. A kernel thread's comm counts up to its
 * first '/' (kworker/3:1H-kblockd is kworker). */
#ifndef PIDTOP_GROUPS_H
#define PIDTOP_GROUPS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct task;

enum group_by { GROUP_BY_COMM, GROUP_BY_USER, GROUP_BY_CGROUP, GROUP_BY_EXE };

/* what a --group-file rule can match, each a POSIX ERE (unanchored) */
enum group_field { GF_COMM, GF_EXE, GF_CMDLINE, GF_USER, GF_CGROUP, GF_COUNT };

struct group_rule {
	char *name;
	regex_t re[GF_COUNT];
	bool has[GF_COUNT];
};

struct group_rules {
	struct group_rule *v;
	size_t n;
};

#define GROUP_NAME_MAX 256 /* longer names are cut */

/* "comm", "user", "cgroup" or "exe"; -1 otherwise */
int group_by_parse(const char *s, enum group_by *out);
const char *group_by_name(enum group_by by);

/* Reads a --group-file (YAML):
 *   groups:
 *     - name: compilers
 *       comm: '^(cc1|cc1plus|as|ld)$'
 *     - name: web
 *       user: '^www-data$'
 *       cmdline: 'nginx'
 * Keys of a rule: name (required) and at least one of comm, exe, cmdline,
 * user, cgroup. Returns 0, or -1 with a one-line message in err. */
int group_rules_load(const char *path, struct group_rules *r, char *err, size_t errlen);
/* The same from a loaded document (grouprules.c; fuzz/fuzz_config.c). */
struct yamlcfg;
int group_rules_from_yaml(struct yamlcfg *y, struct group_rules *r, char *err, size_t errlen);
void group_rules_free(struct group_rules *r);

struct grouping {
	enum group_by by;
	const struct group_rules *rules; /* NULL or empty: no rules */
};

/* true when naming a group may need the task's executable path */
bool grouping_needs_exe(const struct grouping *g);
/* Reads the executable path of process pid under the model's proc root
 * into out ("" when it cannot be read). */
void grouping_read_exe(struct model *m, int32_t pid, char *out, size_t outsize);
/* Writes t's group name into out (NUL-terminated, sanitised text). exe is
 * the process's executable path as read by grouping_read_exe, or NULL
 * when grouping_needs_exe is false. */
void grouping_name(const struct grouping *g, struct model *m, const struct task *t,
		   const char *exe, char *out, size_t outsize);

/* Group names, interned: each distinct name gets a small index, kept for
 * the table's life (a group's counters must never vanish). */
struct group_table {
	char **names;
	size_t n, cap;
	uint32_t *slots; /* open addressing: index + 1, 0 = empty */
	size_t nslots;
};

void group_table_init(struct group_table *gt);
void group_table_free(struct group_table *gt);
/* The index of name, added when new; -1 when out of memory. */
long group_table_intern(struct group_table *gt, const char *name);
/* The index of name, or -1 when it is not in the table. */
long group_table_find(const struct group_table *gt, const char *name);

#endif
