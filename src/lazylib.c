/* lazylib.c - shared libraries loaded when first needed (lazylib.h) */
#include "lazylib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

int lazylib_load(struct lazylib *lib, void *table, char *why, size_t whylen)
{
	if (lib->handle)
		return 0;
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, whylen, "cannot load %s (%s): install the Debian package %s",
			 lib->soname, dlerror(), lib->package);
		return -1;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *p = dlsym(h, lib->syms[i].name);
		if (!p) {
			snprintf(why, whylen, "%s has no %s: too old a version of %s", lib->soname,
				 lib->syms[i].name, lib->package);
			dlclose(h);
			return -1;
		}
		/* a function's address, as dlsym gives every symbol's */
		memcpy((char *)table + lib->syms[i].off, &p, sizeof p);
	}
	lib->handle = h;
	return 0;
}
