/* users.c - cached uid -> name */
#include "users.h"
#include "buf.h"
#include "sanitize.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void users_init(struct users *u)
{
	memset(u, 0, sizeof *u);
}

static void forget(struct users *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->v[i]);
	u->n = 0;
	intmap_clear(&u->index);
}

void users_free(struct users *u)
{
	forget(u);
	free(u->v);
	intmap_free(&u->index);
	memset(u, 0, sizeof *u);
}

void users_check_passwd(struct users *u)
{
	struct stat st;
	if (stat("/etc/passwd", &st) < 0)
		return;
	if (u->have_mtime && st.st_mtim.tv_sec == u->passwd_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == u->passwd_mtime.tv_nsec)
		return;
	forget(u);
	u->passwd_mtime = st.st_mtim;
	u->have_mtime = true;
}

static void name_of(uint32_t uid, char *out, size_t len)
{
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name && pw->pw_name[0])
		sanitize_text(pw->pw_name, strlen(pw->pw_name), out, len);
	else
		snprintf(out, len, "%u", uid);
}

const char *users_name(struct users *u, uint32_t uid)
{
	uint32_t place = intmap_get(&u->index, uid);
	if (place != INTMAP_NONE)
		return u->v[place]->name;
	struct user_entry *e = malloc(sizeof *e);
	if (!e || u->n >= INTMAP_NONE ||
	    array_reserve((void **)&u->v, &u->cap, u->n + 1, sizeof *u->v) < 0 ||
	    intmap_put(&u->index, uid, (uint32_t)u->n) < 0) {
		free(e);
		static char fallback[16];
		snprintf(fallback, sizeof fallback, "%u", uid);
		return fallback;
	}
	u->v[u->n++] = e;
	name_of(uid, e->name, sizeof e->name);
	return e->name;
}

int users_lookup_uid(const char *s, uint32_t *uid)
{
	if (!s || !*s)
		return -1;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end == '\0' && s[0] >= '0' && s[0] <= '9') {
		if (errno || v > UINT32_MAX - 1)
			return -1;
		*uid = (uint32_t)v;
		return 0;
	}
	struct passwd *pw = getpwnam(s);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}
