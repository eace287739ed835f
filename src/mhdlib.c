/* mhdlib.c - libmicrohttpd, loaded at the exporter's start (mhdlib.h) */
#include "mhdlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#define SYM(f) {"MHD_" #f, offsetof(struct mhd_lib, f)}
static const struct {
	const char *name;
	size_t off;
} syms[] = {
	SYM(start_daemon),
	SYM(stop_daemon),
	SYM(is_feature_supported),
	SYM(create_response_from_buffer),
	SYM(create_response_from_buffer_with_free_callback),
	SYM(add_response_header),
	SYM(destroy_response),
	SYM(queue_response),
	SYM(queue_basic_auth_fail_response),
	SYM(basic_auth_get_username_password),
	SYM(lookup_connection_value),
	SYM(free),
};

const struct mhd_lib *mhd_lib(char *why, size_t whylen)
{
	static struct mhd_lib lib;
	static void *handle;
	if (handle)
		return &lib;
	void *h = dlopen(MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, whylen, "cannot load %s (%s): install the Debian package libmicrohttpd12",
			 MHD_SONAME, dlerror());
		return NULL;
	}
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *p = dlsym(h, syms[i].name);
		if (!p) {
			snprintf(why, whylen, "%s has no %s: too old a libmicrohttpd", MHD_SONAME,
				 syms[i].name);
			dlclose(h);
			return NULL;
		}
		/* a function's address, as dlsym gives every symbol's */
		memcpy((char *)&lib + syms[i].off, &p, sizeof p);
	}
	handle = h;
	return &lib;
}
