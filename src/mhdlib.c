/* mhdlib.c - libmicrohttpd, loaded at the exporter's start (mhdlib.h) */
#include "mhdlib.h"
#include "lazylib.h"

#define SYM(f) LAZYSYM(struct mhd_lib, f, "MHD_" #f)
static const struct lazysym syms[] = {
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
	static struct mhd_lib table;
	static struct lazylib lib = {MHD_SONAME, "libmicrohttpd12", syms,
				     sizeof syms / sizeof syms[0], NULL};
	return lazylib_load(&lib, &table, why, whylen) == 0 ? &table : NULL;
}
