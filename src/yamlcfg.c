/* yamlcfg.c - loading a YAML configuration file with libyaml, loaded by
 * the first file read (lazylib.h) */
#include "yamlcfg.h"
#include "lazylib.h"
#include "sanitize.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* libyaml's functions, once a file is read */
struct yaml_lib {
	__typeof__(&yaml_parser_initialize) parser_initialize;
	__typeof__(&yaml_parser_set_input_file) parser_set_input_file;
	__typeof__(&yaml_parser_set_input_string) parser_set_input_string;
	__typeof__(&yaml_parser_load) parser_load;
	__typeof__(&yaml_parser_delete) parser_delete;
	__typeof__(&yaml_document_delete) document_delete;
	__typeof__(&yaml_document_get_root_node) document_get_root_node;
	__typeof__(&yaml_document_get_node) document_get_node;
};
static struct yaml_lib yaml;

#define SYM(f) LAZYSYM(struct yaml_lib, f, "yaml_" #f)
static const struct lazysym syms[] = {
	SYM(parser_initialize),
	SYM(parser_set_input_file),
	SYM(parser_set_input_string),
	SYM(parser_load),
	SYM(parser_delete),
	SYM(document_delete),
	SYM(document_get_root_node),
	SYM(document_get_node),
};

static int load_yaml(char *err, size_t errlen)
{
	static struct lazylib lib = {YAML_SONAME, "libyaml-0-2", syms, sizeof syms / sizeof syms[0],
				     NULL};
	return lazylib_load(&lib, &yaml, err, errlen);
}

/* Parses the parser's input (set by the caller) into c->doc, then deletes
 * the parser. */
static int load(struct yamlcfg *c, yaml_parser_t *p, char *err, size_t errlen)
{
	int rc = 0;
	if (!yaml.parser_load(p, &c->doc)) {
		snprintf(err, errlen, "%s: line %lu: %s", c->path,
			 (unsigned long)p->problem_mark.line + 1, p->problem ? p->problem : "not YAML");
		rc = -1;
	} else {
		c->loaded = true;
		if (!yaml.document_get_root_node(&c->doc)) {
			snprintf(err, errlen, "%s: empty file", c->path);
			rc = -1;
		}
	}
	yaml.parser_delete(p);
	return rc;
}

int yamlcfg_load(struct yamlcfg *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->path = path;
	if (load_yaml(err, errlen) < 0)
		return -1;
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	yaml_parser_t p;
	if (!yaml.parser_initialize(&p)) {
		fclose(f);
		snprintf(err, errlen, "out of memory reading '%s'", path);
		return -1;
	}
	yaml.parser_set_input_file(&p, f);
	int rc = load(c, &p, err, errlen);
	fclose(f);
	return rc;
}

int yamlcfg_load_bytes(struct yamlcfg *c, const char *name, const char *data, size_t len,
		       char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	c->path = name;
	if (load_yaml(err, errlen) < 0)
		return -1;
	yaml_parser_t p;
	if (!yaml.parser_initialize(&p)) {
		snprintf(err, errlen, "out of memory reading '%s'", name);
		return -1;
	}
	yaml.parser_set_input_string(&p, (const unsigned char *)data, len);
	return load(c, &p, err, errlen);
}

void yamlcfg_free(struct yamlcfg *c)
{
	if (c->loaded)
		yaml.document_delete(&c->doc);
	c->loaded = false;
}

yaml_node_t *yamlcfg_root(struct yamlcfg *c)
{
	return c->loaded ? yaml.document_get_root_node(&c->doc) : NULL;
}

yaml_node_t *yamlcfg_node(struct yamlcfg *c, int index)
{
	return yaml.document_get_node(&c->doc, index);
}

const char *yamlcfg_scalar(yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

const char *yamlcfg_shown(const char *s, char buf[YAMLCFG_SHOWN_MAX])
{
	size_t n = strnlen(s, 80);
	sanitize_text(s, n, buf, YAMLCFG_SHOWN_MAX);
	return buf;
}

unsigned long yamlcfg_line(const yaml_node_t *n)
{
	return n ? (unsigned long)n->start_mark.line + 1 : 0;
}
