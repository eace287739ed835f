/* webconfig.h - --web-config FILE, in the Prometheus exporter toolkit's
 * format (a subset):
 *   tls_server_config:
 *     cert_file: server.crt     # PEM; relative paths are taken from the
 *     key_file: server.key      # file's own directory
 *   basic_auth_users:
 *     alice: $2y$10$...         # bcrypt hashes (htpasswd -nBC 10 alice)
 * Any other key is an error, so a setting that would not be enforced is
 * never silently ignored. */
#ifndef PIDTOP_WEBCONFIG_H
#define PIDTOP_WEBCONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

struct web_user {
	char *name;
	char *hash;
	char *verified; /* the last password that matched: bcrypt is slow on purpose */
};

struct webconfig {
	char *cert_pem, *key_pem; /* both or neither */
	struct web_user *users;
	size_t nusers;
	pthread_mutex_t lock; /* the verified cache */
};

/* Returns 0, or -1 with a one-line message naming the file in err. */
int webconfig_load(const char *path, struct webconfig *w, char *err, size_t errlen);
/* The same from a loaded document (fuzz/fuzz_config.c). */
struct yamlcfg;
int webconfig_from_yaml(struct yamlcfg *y, struct webconfig *w, char *err, size_t errlen);
void webconfig_free(struct webconfig *w);
/* true when the user exists and the password matches its hash (crypt(3)). */
bool webconfig_check(struct webconfig *w, const char *user, const char *password);

#endif
