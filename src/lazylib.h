/* lazylib.h - a shared library loaded when a feature first needs it, its
 * functions resolved into the caller's table of pointers. pidtop links
 * only what every run uses; libmicrohttpd (--listen, with GnuTLS behind
 * it), libyaml (--web-config, --group-file) and libcrypt (basic auth) are
 * loaded by the features that need them (mhdlib.h, yamlcfg.c,
 * webconfig.c): linked, they were 2.5 MiB of resident memory in every run.
 * The sonames come from configure (config.h: MHD_SONAME, YAML_SONAME,
 * CRYPT_SONAME). */
#ifndef PIDTOP_LAZYLIB_H
#define PIDTOP_LAZYLIB_H

#include <stdbool.h>
#include <stddef.h>

/* One function: its symbol, and where its pointer goes in the table. */
struct lazysym {
	const char *name;
	size_t off;
};
#define LAZYSYM(table_type, field, symbol) {symbol, offsetof(table_type, field)}

struct lazylib {
	const char *soname;
	const char *package; /* the Debian package that installs it */
	const struct lazysym *syms;
	size_t nsyms;
	void *handle; /* NULL until loaded */
};

/* Loads lib (once: later calls return 0 at once) and fills table with its
 * functions. Returns 0, or -1 with why naming the library and its package.
 * Not thread-safe: features load before they start threads. */
int lazylib_load(struct lazylib *lib, void *table, char *why, size_t whylen);

#endif
