/* grouprules.c - reading --group-file: ordered rules naming groups */
#include "groups.h"
#include "yamlcfg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[GF_COUNT] = {"comm", "exe", "cmdline", "user", "cgroup"};

#define RULE_RE_MAX 512       /* bytes of one pattern */
#define RULE_RE_REPEATS 10000 /* product of its {m,n} counts */

/* glibc's regcomp builds an automaton that can grow exponentially with
 * stacked repetition (a++++..., (a{99}){99}{99}): such a pattern in a
 * rule would take the memory of the machine at start. Patterns of process
 * names need none of it: refused here, with why. */
static bool pattern_tame(const char *re, const char **why)
{
	if (strlen(re) > RULE_RE_MAX) {
		*why = "longer than 512 bytes";
		return false;
	}
	unsigned long product = 1;
	bool after_repeat = false, in_bracket = false;
	for (const char *p = re; *p; p++) {
		if (in_bracket) {
			in_bracket = *p != ']';
			continue;
		}
		bool repeat = *p == '*' || *p == '+' || *p == '?' || *p == '{';
		if (repeat && after_repeat) {
			*why = "a repetition repeated (such as a** or a+{2})";
			return false;
		}
		if (*p == '{') {
			char *end;
			unsigned long n = strtoul(p + 1, &end, 10);
			if (*end == ',')
				n = end[1] == '}' ? n : strtoul(end + 1, &end, 10);
			product *= n > 1 ? n : 1;
			if (product > RULE_RE_REPEATS) {
				*why = "{m,n} counts that multiply past 10000";
				return false;
			}
			p = strchr(p, '}') ? strchr(p, '}') : p + strlen(p) - 1;
		} else if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			in_bracket = true;
			if (p[1] == '^')
				p++;
			if (p[1] == ']')
				p++; /* a leading ] is a member */
		}
		after_repeat = repeat;
	}
	return true;
}

static int rule_key(struct group_rule *r, const char *key, const char *value, char *err,
		    size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	if (strcmp(key, "name") == 0) {
		if (!*value || r->name) {
			snprintf(err, errlen, "%s a rule's name", *value ? "two names in" : "empty");
			return -1;
		}
		r->name = strdup(value);
		return r->name ? 0 : (snprintf(err, errlen, "out of memory"), -1);
	}
	for (int f = 0; f < GF_COUNT; f++) {
		if (strcmp(key, field_names[f]) != 0)
			continue;
		if (r->has[f]) {
			snprintf(err, errlen, "'%s' given twice in a rule", yamlcfg_shown(key, shown));
			return -1;
		}
		const char *untamed;
		if (!pattern_tame(value, &untamed)) {
			snprintf(err, errlen, "regular expression '%s' refused: %s",
				 yamlcfg_shown(value, shown), untamed);
			return -1;
		}
		int rc = regcomp(&r->re[f], value, REG_EXTENDED | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &r->re[f], why, sizeof why);
			regfree(&r->re[f]);
			snprintf(err, errlen, "invalid regular expression '%s': %s",
				 yamlcfg_shown(value, shown), why);
			return -1;
		}
		r->has[f] = true;
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s' (expected name, comm, exe, cmdline, user, cgroup)",
		 yamlcfg_shown(key, shown));
	return -1;
}

static void rule_free(struct group_rule *r)
{
	free(r->name);
	for (int f = 0; f < GF_COUNT; f++)
		if (r->has[f])
			regfree(&r->re[f]);
	memset(r, 0, sizeof *r);
}

static int load_rule(struct yamlcfg *y, yaml_node_t *n, struct group_rule *r, char *err,
		     size_t errlen)
{
	if (n->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "a rule is a mapping (name: ..., comm: ...)");
		return -1;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = yamlcfg_scalar(yamlcfg_node(y, p->key));
		const char *v = yamlcfg_scalar(yamlcfg_node(y, p->value));
		if (!k || !v) {
			snprintf(err, errlen, "a rule's keys and values are plain strings");
			return -1;
		}
		if (rule_key(r, k, v, err, errlen) < 0)
			return -1;
	}
	bool any = false;
	for (int f = 0; f < GF_COUNT; f++)
		any |= r->has[f];
	if (!r->name || !any) {
		snprintf(err, errlen, "a rule needs a name and at least one of comm, exe, cmdline, user, cgroup");
		return -1;
	}
	return 0;
}

static yaml_node_t *groups_list(struct yamlcfg *y, char *err, size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	yaml_node_t *root = yamlcfg_root(y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "expected a mapping with the key 'groups'");
		return NULL;
	}
	yaml_node_t *list = NULL;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const char *k = yamlcfg_scalar(yamlcfg_node(y, p->key));
		if (!k || strcmp(k, "groups") != 0) {
			snprintf(err, errlen, "unknown key '%s' (expected groups)",
				 yamlcfg_shown(k ? k : "?", shown));
			return NULL;
		}
		list = yamlcfg_node(y, p->value);
	}
	if (!list || list->type != YAML_SEQUENCE_NODE) {
		snprintf(err, errlen, "'groups' is a list of rules");
		return NULL;
	}
	return list;
}

int group_rules_from_yaml(struct yamlcfg *y, struct group_rules *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	const char *path = y->path;
	char why[300];
	unsigned long line = 0;
	int rc = 0;
	yaml_node_t *list = groups_list(y, why, sizeof why);
	if (!list) {
		rc = -1;
		line = yamlcfg_line(yamlcfg_root(y));
	} else {
		size_t n = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
		r->v = calloc(n ? n : 1, sizeof *r->v);
		if (!r->v) {
			snprintf(why, sizeof why, "out of memory");
			rc = -1;
		}
		for (size_t i = 0; rc == 0 && i < n; i++) {
			yaml_node_t *item = yamlcfg_node(y, list->data.sequence.items.start[i]);
			r->n = i + 1;
			if (load_rule(y, item, &r->v[i], why, sizeof why) < 0) {
				rc = -1;
				line = yamlcfg_line(item);
			}
		}
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: line %lu: %s", path, line, why);
		group_rules_free(r);
	}
	return rc;
}

int group_rules_load(const char *path, struct group_rules *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	struct yamlcfg y;
	int rc = yamlcfg_load(&y, path, err, errlen);
	if (rc == 0)
		rc = group_rules_from_yaml(&y, r, err, errlen);
	yamlcfg_free(&y);
	return rc;
}

void group_rules_free(struct group_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		rule_free(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof *r);
}
