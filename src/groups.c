/* groups.c - naming a task's group, and interning group names */
#include "groups.h"
#include "model_priv.h"
#include "parse.h"
#include "sanitize.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const by_names[] = {"comm", "user", "cgroup", "exe"};

int group_by_parse(const char *s, enum group_by *out)
{
	for (size_t i = 0; i < sizeof by_names / sizeof by_names[0]; i++) {
		if (strcmp(s, by_names[i]) == 0) {
			*out = (enum group_by)i;
			return 0;
		}
	}
	return -1;
}

const char *group_by_name(enum group_by by)
{
	return by_names[by];
}

/* ---- naming ---- */

bool grouping_needs_exe(const struct grouping *g)
{
	if (g->by == GROUP_BY_EXE)
		return true;
	for (size_t i = 0; g->rules && i < g->rules->n; i++)
		if (g->rules->v[i].has[GF_EXE])
			return true;
	return false;
}

void grouping_read_exe(struct model *m, int32_t pid, char *out, size_t outsize)
{
	char path[PROCFS_PATH_MAX], raw[4096];
	procfs_task_path(path, pid, 0, "exe");
	ssize_t n = readlinkat(m->pfs.root_fd, path, raw, sizeof raw);
	if (n <= 0 || (size_t)n >= sizeof raw) {
		if (outsize)
			out[0] = '\0';
		return;
	}
	sanitize_text(raw, (size_t)n, out, outsize);
}

static void copy_name(char *out, size_t outsize, const char *s)
{
	snprintf(out, outsize, "%s", s && *s ? s : "-");
}

static const struct task *process_of(const struct task *t)
{
	return t->process ? t->process : t;
}

static bool rule_matches(const struct group_rule *r, const char *const values[GF_COUNT])
{
	for (int f = 0; f < GF_COUNT; f++)
		if (r->has[f] && regexec(&r->re[f], values[f], 0, NULL, 0) != 0)
			return false;
	return true;
}

void grouping_name(const struct grouping *g, struct model *m, const struct task *t,
		   const char *exe, char *out, size_t outsize)
{
	const struct task *p = process_of(t);
	const char *comm = task_comm(p);
	const char *user = model_user_name(m, p->uid);
	char cg[GROUP_NAME_MAX];
	if (p->cgroup)
		cgroup_short_name(p->cgroup, strlen(p->cgroup), cg, sizeof cg);
	if (g->rules && g->rules->n) {
		const char *values[GF_COUNT] = {
			[GF_COMM] = comm,
			[GF_EXE] = exe ? exe : "",
			[GF_CMDLINE] = p->cmdline ? p->cmdline : comm,
			[GF_USER] = user,
			[GF_CGROUP] = p->cgroup ? p->cgroup : "",
		};
		for (size_t i = 0; i < g->rules->n; i++) {
			if (rule_matches(&g->rules->v[i], values)) {
				copy_name(out, outsize, g->rules->v[i].name);
				return;
			}
		}
	}
	/* kernel threads name their CPU and work (kworker/3:1H-kblockd): one
	 * group per kind keeps the number of series bounded */
	char base[GROUP_NAME_MAX];
	snprintf(base, sizeof base, "%.*s",
		 task_is_kernel_thread(p) ? (int)strcspn(comm, "/") : (int)strlen(comm), comm);
	switch (g->by) {
	case GROUP_BY_USER: copy_name(out, outsize, user); return;
	case GROUP_BY_CGROUP: copy_name(out, outsize, p->cgroup ? cg : base); return;
	case GROUP_BY_EXE: copy_name(out, outsize, exe && *exe ? exe : base); return;
	case GROUP_BY_COMM: break;
	}
	copy_name(out, outsize, base);
}

/* ---- the name table ---- */

void group_table_init(struct group_table *gt)
{
	memset(gt, 0, sizeof *gt);
}

void group_table_free(struct group_table *gt)
{
	for (size_t i = 0; i < gt->n; i++)
		free(gt->names[i]);
	free(gt->names);
	free(gt->slots);
	memset(gt, 0, sizeof *gt);
}

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static bool rehash(struct group_table *gt)
{
	size_t n = gt->nslots ? gt->nslots * 2 : 64;
	uint32_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < gt->n; i++) {
		size_t j = (size_t)hash_name(gt->names[i]) & (n - 1);
		while (slots[j])
			j = (j + 1) & (n - 1);
		slots[j] = (uint32_t)i + 1;
	}
	free(gt->slots);
	gt->slots = slots;
	gt->nslots = n;
	return true;
}

long group_table_find(const struct group_table *gt, const char *name)
{
	if (!gt->nslots)
		return -1;
	size_t mask = gt->nslots - 1;
	for (size_t j = (size_t)hash_name(name) & mask; gt->slots[j]; j = (j + 1) & mask)
		if (strcmp(gt->names[gt->slots[j] - 1], name) == 0)
			return (long)gt->slots[j] - 1;
	return -1;
}

long group_table_intern(struct group_table *gt, const char *name)
{
	if ((gt->n + 1) * 2 > gt->nslots && !rehash(gt))
		return -1;
	size_t mask = gt->nslots - 1;
	size_t j = (size_t)hash_name(name) & mask;
	for (; gt->slots[j]; j = (j + 1) & mask)
		if (strcmp(gt->names[gt->slots[j] - 1], name) == 0)
			return (long)gt->slots[j] - 1;
	char **v = array_grow(gt->names, &gt->cap, gt->n + 1, sizeof *v, 64);
	if (!v)
		return -1;
	gt->names = v;
	char *copy = strdup(name);
	if (!copy)
		return -1;
	gt->names[gt->n] = copy;
	gt->slots[j] = (uint32_t)++gt->n;
	return (long)gt->n - 1;
}
