/* yamlcfg.h - small YAML configuration files (--web-config, --group-file)
 * read with libyaml into a document, and the few look-ups their readers
 * need. Errors are one line naming the file and the line. */
#ifndef PIDTOP_YAMLCFG_H
#define PIDTOP_YAMLCFG_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

struct yamlcfg {
	yaml_document_t doc;
	bool loaded;
	const char *path;
};

/* Loads path's first document. Returns 0, or -1 with err set ("FILE: line
 * N: problem"). An empty file is an error too. */
int yamlcfg_load(struct yamlcfg *c, const char *path, char *err, size_t errlen);
/* The same from len bytes in memory; name is for messages. */
int yamlcfg_load_bytes(struct yamlcfg *c, const char *name, const char *data, size_t len,
		       char *err, size_t errlen);
void yamlcfg_free(struct yamlcfg *c);
yaml_node_t *yamlcfg_root(struct yamlcfg *c);
yaml_node_t *yamlcfg_node(struct yamlcfg *c, int index);
/* A scalar's text (NUL-terminated by libyaml), or NULL for other nodes. */
const char *yamlcfg_scalar(yaml_node_t *n);
/* Text from the file made fit for a one-line message: control characters
 * escaped (sanitize.h), cut at 80 bytes; returns buf. */
#define YAMLCFG_SHOWN_MAX 128
const char *yamlcfg_shown(const char *s, char buf[YAMLCFG_SHOWN_MAX]);
/* The node's line, 1-based, for messages. */
unsigned long yamlcfg_line(const yaml_node_t *n);

#endif
