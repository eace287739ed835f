/* mhdlib.h - libmicrohttpd, loaded when the exporter starts (--listen;
 * lazylib.h). Linked into the binary, it brought GnuTLS and eight
 * libraries more into every run of pidtop, --listen or not: 2.3 MiB
 * resident of the 9.5 a 5,000-task refresh took. The calls keep
 * libmicrohttpd's own types (microhttpd.h); only their addresses come from
 * the loaded library. */
#ifndef PIDTOP_MHDLIB_H
#define PIDTOP_MHDLIB_H

#include <stddef.h>
#include <microhttpd.h>

struct mhd_lib {
	__typeof__(&MHD_start_daemon) start_daemon;
	__typeof__(&MHD_stop_daemon) stop_daemon;
	__typeof__(&MHD_is_feature_supported) is_feature_supported;
	__typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
	__typeof__(&MHD_create_response_from_buffer_with_free_callback)
		create_response_from_buffer_with_free_callback;
	__typeof__(&MHD_add_response_header) add_response_header;
	__typeof__(&MHD_destroy_response) destroy_response;
	__typeof__(&MHD_queue_response) queue_response;
	__typeof__(&MHD_queue_basic_auth_fail_response) queue_basic_auth_fail_response;
	__typeof__(&MHD_basic_auth_get_username_password) basic_auth_get_username_password;
	__typeof__(&MHD_lookup_connection_value) lookup_connection_value;
	__typeof__(&MHD_free) free;
};

/* The library (MHD_SONAME, found by configure), loaded and resolved at the
 * first call and kept; NULL with the reason in why when it cannot be. Not
 * thread-safe: the exporter calls it before it starts any thread. */
const struct mhd_lib *mhd_lib(char *why, size_t whylen);

#endif
