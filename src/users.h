/* users.h - uid -> user name, cached.
 * Names are looked up once per uid and forgotten when /etc/passwd changes,
 * so a refresh never calls getpwuid per task. A name users_name returns
 * stays valid until then (users_check_passwd) or users_free. */
#ifndef PIDTOP_USERS_H
#define PIDTOP_USERS_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "intmap.h"

struct user_entry {
	char name[40]; /* sanitised; a long name is cut, a missing one is the number */
};

struct users {
	struct intmap index;   /* uid -> its place in v */
	struct user_entry **v; /* each allocated alone: a name stays where it is */
	size_t n, cap;
	struct timespec passwd_mtime;
	bool have_mtime;
};

void users_init(struct users *u);
void users_free(struct users *u);
/* Drops the cache when /etc/passwd changed since the last call. */
void users_check_passwd(struct users *u);
const char *users_name(struct users *u, uint32_t uid);
/* Parses a user name or a numeric uid; returns 0 or -1 when unknown. */
int users_lookup_uid(const char *name_or_uid, uint32_t *uid);

#endif
