/* tiread.c - the readers taskinfo.c and tifiles.c share: whole files,
 * links and numbers, sanitised. */
#include "taskinfo_priv.h"
#include "parse.h"
#include "procfs.h"
#include "sanitize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#define LINK_MAX_BYTES 4096

char *ti_clean_dup(const char *s, size_t n)
{
	size_t room = sanitize_bound(n);
	if (room == SIZE_MAX)
		return NULL;
	char *out = malloc(room + 1);
	if (out)
		sanitize_text(s, n, out, room + 1);
	return out;
}


/* The whole file into b; 0 or -errno. */
int ti_slurp(int dirfd, const char *name, struct buf *b)
{
	ssize_t n = procfs_read_all(dirfd, name, b);
	if (n < 0)
		return (int)n;
	if (b->failed)
		return -ENOMEM;
	return 0;
}

/* readlink into a sanitised string; 0 or -errno */
int ti_read_link(int dirfd, const char *name, char **out)
{
	char tmp[LINK_MAX_BYTES];
	ssize_t n = readlinkat(dirfd, name, tmp, sizeof tmp);
	if (n < 0)
		return -errno;
	*out = ti_clean_dup(tmp, (size_t)n);
	return *out ? 0 : -ENOMEM;
}

bool ti_tok_u64(const char *s, size_t n, uint64_t *out)
{
	return parse_tok_u64(s, n, out) == 0;
}

DIR *ti_opendir(int dirfd, const char *name, int *fd, int *err)
{
	*fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0) {
		*err = -errno;
		return NULL;
	}
	DIR *d = fdopendir(*fd);
	if (!d) {
		*err = -errno;
		close(*fd);
	}
	return d;
}
