/* webconfig.c - reading --web-config and checking basic auth */
#include "webconfig.h"
#include "lazylib.h"
#include "yamlcfg.h"

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PEM files are a few KiB; this bounds a wrong path to a huge file */
#define PEM_MAX (1024 * 1024)

static char *read_pem(const char *cfg_path, const char *name, char *err, size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	char path[4096];
	const char *slash = strrchr(cfg_path, '/');
	if (name[0] == '/' || !slash)
		snprintf(path, sizeof path, "%s", name);
	else
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - cfg_path), cfg_path, name);
	/* a regular file only: a fifo or a device would block or never end */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': %s", yamlcfg_shown(path, shown),
			 fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char *data = malloc(PEM_MAX + 1);
	ssize_t n = data ? read(fd, data, PEM_MAX + 1) : -1;
	close(fd);
	if (n > 0 && n <= PEM_MAX)
		data[n] = '\0';
	if (n <= 0 || n > PEM_MAX || !strstr(data, "-----BEGIN ")) {
		free(data);
		snprintf(err, errlen, "'%s' is not a PEM file", yamlcfg_shown(path, shown));
		return NULL;
	}
	return data;
}

static int tls_section(struct yamlcfg *y, yaml_node_t *n, struct webconfig *w, char *err,
		       size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	if (n->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "tls_server_config is a mapping");
		return -1;
	}
	const char *cert = NULL, *key = NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = yamlcfg_scalar(yamlcfg_node(y, p->key));
		const char *v = yamlcfg_scalar(yamlcfg_node(y, p->value));
		if (k && v && strcmp(k, "cert_file") == 0)
			cert = v;
		else if (k && v && strcmp(k, "key_file") == 0)
			key = v;
		else {
			snprintf(err, errlen, "tls_server_config: unsupported key '%s' (cert_file and key_file are)",
				 yamlcfg_shown(k ? k : "?", shown));
			return -1;
		}
	}
	if (!cert || !key) {
		snprintf(err, errlen, "tls_server_config needs cert_file and key_file");
		return -1;
	}
	if (!(w->cert_pem = read_pem(y->path, cert, err, errlen)) ||
	    !(w->key_pem = read_pem(y->path, key, err, errlen)))
		return -1;
	return 0;
}

/* libcrypt's functions, loaded with the first users (lazylib.h) */
static struct crypt_lib {
	__typeof__(&crypt_checksalt) checksalt;
	__typeof__(&crypt_rn) rn;
} crypt_fns;

static int load_crypt(char *err, size_t errlen)
{
	static const struct lazysym syms[] = {
		LAZYSYM(struct crypt_lib, checksalt, "crypt_checksalt"),
		LAZYSYM(struct crypt_lib, rn, "crypt_rn"),
	};
	static struct lazylib lib = {CRYPT_SONAME, "libcrypt1", syms, sizeof syms / sizeof syms[0],
				     NULL};
	return lazylib_load(&lib, &crypt_fns, err, errlen);
}

static int users_section(struct yamlcfg *y, yaml_node_t *n, struct webconfig *w, char *err,
			 size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	if (load_crypt(err, errlen) < 0)
		return -1;
	if (n->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "basic_auth_users is a mapping of user: bcrypt hash");
		return -1;
	}
	size_t count = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	w->users = calloc(count ? count : 1, sizeof *w->users);
	if (!w->users) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = yamlcfg_scalar(yamlcfg_node(y, p->key));
		const char *v = yamlcfg_scalar(yamlcfg_node(y, p->value));
		if (!k || !*k || !v || strchr(k, ':')) {
			snprintf(err, errlen, "basic_auth_users: a user name (no ':') and its hash");
			return -1;
		}
		/* bcrypt only, as the exporter toolkit: $2a$, $2b$ or $2y$ */
		if (strncmp(v, "$2", 2) != 0 || crypt_fns.checksalt(v) != CRYPT_SALT_OK) {
			snprintf(err, errlen, "basic_auth_users: the hash of '%s' is not bcrypt",
				 yamlcfg_shown(k, shown));
			return -1;
		}
		struct web_user *u = &w->users[w->nusers++];
		u->name = strdup(k);
		u->hash = strdup(v);
		if (!u->name || !u->hash) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

static int load_sections(struct yamlcfg *y, struct webconfig *w, char *err, size_t errlen)
{
	char shown[YAMLCFG_SHOWN_MAX];
	yaml_node_t *root = yamlcfg_root(y);
	if (root->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "expected tls_server_config and/or basic_auth_users");
		return -1;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		const char *k = yamlcfg_scalar(yamlcfg_node(y, p->key));
		yaml_node_t *v = yamlcfg_node(y, p->value);
		int rc;
		if (k && strcmp(k, "tls_server_config") == 0 && !w->cert_pem)
			rc = tls_section(y, v, w, err, errlen);
		else if (k && strcmp(k, "basic_auth_users") == 0 && !w->users)
			rc = users_section(y, v, w, err, errlen);
		else {
			snprintf(err, errlen, "unsupported or repeated key '%s' (tls_server_config and basic_auth_users are supported)",
				 yamlcfg_shown(k ? k : "?", shown));
			rc = -1;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int webconfig_from_yaml(struct yamlcfg *y, struct webconfig *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	pthread_mutex_init(&w->lock, NULL);
	char why[400];
	int rc = load_sections(y, w, why, sizeof why);
	if (rc < 0)
		snprintf(err, errlen, "%s: %s", y->path, why);
	return rc;
}

int webconfig_load(const char *path, struct webconfig *w, char *err, size_t errlen)
{
	struct yamlcfg y;
	int rc = yamlcfg_load(&y, path, err, errlen);
	if (rc == 0) {
		rc = webconfig_from_yaml(&y, w, err, errlen);
	} else {
		memset(w, 0, sizeof *w);
		pthread_mutex_init(&w->lock, NULL);
	}
	yamlcfg_free(&y);
	return rc;
}

void webconfig_free(struct webconfig *w)
{
	free(w->cert_pem);
	free(w->key_pem);
	for (size_t i = 0; i < w->nusers; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
		free(w->users[i].verified);
	}
	free(w->users);
	pthread_mutex_destroy(&w->lock);
	w->cert_pem = w->key_pem = NULL;
	w->users = NULL;
	w->nusers = 0;
}

/* Compares without an early exit, so timing does not tell a prefix. */
static bool same_text(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;
	for (size_t i = 0; i < la && i < lb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool webconfig_check(struct webconfig *w, const char *user, const char *password)
{
	struct web_user *u = NULL;
	for (size_t i = 0; i < w->nusers; i++)
		if (strcmp(w->users[i].name, user) == 0)
			u = &w->users[i];
	if (!u)
		return false;
	pthread_mutex_lock(&w->lock);
	bool ok = u->verified && same_text(u->verified, password);
	pthread_mutex_unlock(&w->lock);
	if (ok)
		return true;
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return false;
	const char *h = crypt_fns.rn(password, u->hash, cd, (int)sizeof *cd);
	ok = h && same_text(h, u->hash);
	free(cd);
	if (ok) {
		char *copy = strdup(password);
		pthread_mutex_lock(&w->lock);
		free(u->verified);
		u->verified = copy;
		pthread_mutex_unlock(&w->lock);
	}
	return ok;
}
