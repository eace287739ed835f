/* users.c - cached uid -> name */
#include "users.h"
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

void users_free(struct users *u)
{
	free(u->slots);
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
	if (u->slots)
		memset(u->slots, 0, u->nslots * sizeof *u->slots);
	u->count = 0;
	u->passwd_mtime = st.st_mtim;
	u->have_mtime = true;
}

static size_t home_slot(uint32_t uid, size_t nslots)
{
	return (size_t)((uid * 2654435761u) & (uint32_t)(nslots - 1));
}

static struct user_entry *slot_for(struct users *u, uint32_t uid)
{
	size_t mask = u->nslots - 1;
	for (size_t i = home_slot(uid, u->nslots);; i = (i + 1) & mask)
		if (!u->slots[i].used || u->slots[i].uid == uid)
			return &u->slots[i];
}

static bool grow(struct users *u)
{
	size_t n = u->nslots ? u->nslots * 2 : 64;
	struct user_entry *old = u->slots;
	size_t oldn = u->nslots;
	u->slots = calloc(n, sizeof *u->slots);
	if (!u->slots) {
		u->slots = old;
		return false;
	}
	u->nslots = n;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].used)
			*slot_for(u, old[i].uid) = old[i];
	free(old);
	return true;
}

const char *users_name(struct users *u, uint32_t uid)
{
	if ((u->count + 1) * 2 > u->nslots && !grow(u)) {
		static char fallback[16];
		snprintf(fallback, sizeof fallback, "%u", uid);
		return fallback;
	}
	struct user_entry *e = slot_for(u, uid);
	if (e->used)
		return e->name;
	e->used = true;
	e->uid = uid;
	u->count++;
	struct passwd *pw = getpwuid(uid);
	if (pw && pw->pw_name && pw->pw_name[0])
		sanitize_text(pw->pw_name, strlen(pw->pw_name), e->name, sizeof e->name);
	else
		snprintf(e->name, sizeof e->name, "%u", uid);
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
