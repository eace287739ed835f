/* taskinfo_priv.h - what taskinfo.c and tifiles.c share; not part of
 * taskinfo.h's contract. */
#ifndef PIDTOP_TASKINFO_PRIV_H
#define PIDTOP_TASKINFO_PRIV_H

#include "buf.h"
#include "taskinfo.h"

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* s[0..n) sanitised into a new string; NULL when out of memory */
char *ti_clean_dup(const char *s, size_t n);
/* The whole file into b; 0 or -errno. */
int ti_slurp(int dirfd, const char *name, struct buf *b);
/* readlink into a sanitised string; 0 or -errno */
int ti_read_link(int dirfd, const char *name, char **out);
/* The directory name under dirfd, open for readdir (*fd its descriptor,
 * closed by closedir); NULL with *err set to -errno. */
DIR *ti_opendir(int dirfd, const char *name, int *fd, int *err);
/* s[0..n) as a decimal number (parse_tok_u64) */
bool ti_tok_u64(const char *s, size_t n, uint64_t *out);

/* tifiles.c: mounts, open files, sockets into ti (their *_err on failure) */
void ti_read_mountinfo(struct taskinfo *ti, int dirfd, struct buf *b);
void ti_read_fds(struct taskinfo *ti, int dirfd);
void ti_read_conns(struct taskinfo *ti, int dirfd, struct buf *b);

#endif
