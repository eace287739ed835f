/* yamlcfg.c - loading a YAML configuration file with libyaml */
#include "yamlcfg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int yamlcfg_load(struct yamlcfg *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->path = path;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p)) {
		fclose(f);
		snprintf(err, errlen, "out of memory reading '%s'", path);
		return -1;
	}
	yaml_parser_set_input_file(&p, f);
	int rc = 0;
	if (!yaml_parser_load(&p, &c->doc)) {
		snprintf(err, errlen, "%s: line %lu: %s", path, (unsigned long)p.problem_mark.line + 1,
			 p.problem ? p.problem : "not YAML");
		rc = -1;
	} else {
		c->loaded = true;
		if (!yaml_document_get_root_node(&c->doc)) {
			snprintf(err, errlen, "%s: empty file", path);
			rc = -1;
		}
	}
	yaml_parser_delete(&p);
	fclose(f);
	return rc;
}

void yamlcfg_free(struct yamlcfg *c)
{
	if (c->loaded)
		yaml_document_delete(&c->doc);
	c->loaded = false;
}

yaml_node_t *yamlcfg_root(struct yamlcfg *c)
{
	return c->loaded ? yaml_document_get_root_node(&c->doc) : NULL;
}

yaml_node_t *yamlcfg_node(struct yamlcfg *c, int index)
{
	return yaml_document_get_node(&c->doc, index);
}

const char *yamlcfg_scalar(yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

unsigned long yamlcfg_line(const yaml_node_t *n)
{
	return n ? (unsigned long)n->start_mark.line + 1 : 0;
}
