/* tifiles.c - a task's open files, sockets and mounts, for the
 * drill-down and --dump (taskinfo.h): /proc/PID/fd and fdinfo, the
 * /proc/PID/net tables tied to its socket inodes, mountinfo. */
#include "taskinfo_priv.h"
#include "parse.h"
#include "text.h"
#include "sockmap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void ti_read_mountinfo(struct taskinfo *ti, int dirfd, struct buf *b)
{
	ti->mountinfo_err = ti_slurp(dirfd, "mountinfo", b);
	if (ti->mountinfo_err < 0)
		return;
	struct lines ls;
	parse_lines_init(&ls, b->data, b->len);
	const char *line;
	size_t len, cap = 0;
	while (parse_lines_next_len(&ls, &line, &len)) {
		/* id parent major:minor root mount-point options [optional...] - fstype source super */
		const char *f[5];
		size_t fl[5];
		const char *q = line, *le = line + len;
		for (int i = 0; i < 5; i++) {
			while (q < le && *q == ' ')
				q++;
			f[i] = q;
			while (q < le && *q != ' ')
				q++;
			fl[i] = (size_t)(q - f[i]);
		}
		const char *sep = memmem(line, len, " - ", 3);
		if (!sep || fl[4] == 0)
			continue;
		const char *ft = sep + 3, *fe = ft;
		while (fe < le && *fe != ' ')
			fe++;
		size_t ftl = (size_t)(fe - ft);
		ti->nmounts++;
		if (fl[4] == 1 && f[4][0] == '/' && !ti->root_fstype)
			ti->root_fstype = ti_clean_dup(ft, ftl);
		size_t k = 0;
		while (k < ti->nfstypes &&
		       !(strlen(ti->fstypes[k].name) == ftl && memcmp(ti->fstypes[k].name, ft, ftl) == 0))
			k++;
		if (k == ti->nfstypes) {
			if (array_reserve((void **)&ti->fstypes, &cap, k + 1, sizeof *ti->fstypes) < 0 ||
			    !(ti->fstypes[k].name = ti_clean_dup(ft, ftl))) {
				ti->mountinfo_err = -ENOMEM;
				return;
			}
			ti->fstypes[k].count = 0;
			ti->nfstypes++;
		}
		ti->fstypes[k].count++;
	}
}

static int by_fd(const void *a, const void *b)
{
	const struct ti_fd *x = a, *y = b;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

void ti_read_fds(struct taskinfo *ti, int dirfd)
{
	int fd;
	DIR *d = ti_opendir(dirfd, "fd", &fd, &ti->fds_err);
	if (!d)
		return;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		uint64_t num;
		if (!ti_tok_u64(e->d_name, strlen(e->d_name), &num) || num > INT32_MAX)
			continue;
		if (array_reserve((void **)&ti->fds, &cap, ti->nfds + 1, sizeof *ti->fds) < 0) {
			ti->fds_err = -ENOMEM;
			break;
		}
		struct ti_fd *f = &ti->fds[ti->nfds];
		memset(f, 0, sizeof *f);
		f->fd = (int)num;
		f->conn = -1;
		if (ti_read_link(fd, e->d_name, &f->target) < 0)
			continue; /* closed since the listing */
		ti->nfds++;
		unsigned long ino;
		if (sscanf(f->target, "socket:[%lu]", &ino) == 1) {
			f->type = TI_FD_SOCKET;
			f->inode = (uint32_t)ino;
		} else if (sscanf(f->target, "pipe:[%lu]", &ino) == 1) {
			f->type = TI_FD_PIPE;
			f->inode = (uint32_t)ino;
		} else if (strncmp(f->target, "anon_inode:", 11) == 0) {
			f->type = TI_FD_ANON;
		} else {
			f->type = f->target[0] == '/' ? TI_FD_FILE : TI_FD_OTHER;
		}
	}
	closedir(d);
	qsort(ti->fds, ti->nfds, sizeof *ti->fds, by_fd);
}

/* "0100007F:1F90": an address as net/tcp prints it (each 32-bit word in
 * host order, net/ipv4/tcp_ipv4.c get_tcp4_sock), then the port in hex */
/* "0100007F:1F90" (IPv4) or 32 hex digits (IPv6), then the port: the
 * address as the kernel stores it (network order, in host-order words) */
static bool parse_endpoint(const char *s, size_t n, bool v6, uint8_t addr[16], uint16_t *port)
{
	size_t alen = v6 ? 32 : 8;
	if (n != alen + 5 || s[alen] != ':')
		return false;
	memset(addr, 0, 16);
	for (size_t w = 0; w < alen / 8; w++) {
		char hex[9];
		memcpy(hex, s + w * 8, 8);
		hex[8] = '\0';
		char *e;
		uint32_t v = (uint32_t)strtoul(hex, &e, 16);
		if (*e)
			return false;
		memcpy(addr + w * 4, &v, 4);
	}
	char hex[5];
	memcpy(hex, s + alen + 1, 4);
	hex[4] = '\0';
	char *e;
	unsigned long p = strtoul(hex, &e, 16);
	if (*e)
		return false;
	*port = (uint16_t)p;
	return true;
}

void taskinfo_conn_text(const struct ti_conn *c, struct ti_conn_text *out)
{
	bool v6 = c->key.family == AF_INET6;
	snprintf(out->proto, sizeof out->proto, "%s%s",
		 c->key.proto == IPPROTO_UDP ? "udp" : "tcp", v6 ? "6" : "");
	text_endpoint(out->local, sizeof out->local, c->key.family, c->key.saddr, c->key.sport);
	text_endpoint(out->remote, sizeof out->remote, c->key.family, c->key.daddr, c->key.dport);
	out->state = sockmap_state_name(c->key.proto, c->state);
}

static long fd_of_inode(const struct taskinfo *ti, uint32_t inode)
{
	for (size_t i = 0; i < ti->nfds; i++)
		if (ti->fds[i].type == TI_FD_SOCKET && ti->fds[i].inode == inode)
			return (long)i;
	return -1;
}

/* The task's sockets found in its network namespace's tables. */
void ti_read_conns(struct taskinfo *ti, int dirfd, struct buf *b)
{
	static const char *const tables[] = {"tcp", "tcp6", "udp", "udp6"};
	size_t cap = 0;
	int found_any = 0, last_err = 0;
	bool any_socket = false;
	for (size_t i = 0; i < ti->nfds; i++)
		any_socket |= ti->fds[i].type == TI_FD_SOCKET;
	for (size_t k = 0; k < 4; k++) {
		char path[16];
		snprintf(path, sizeof path, "net/%s", tables[k]);
		int rc = ti_slurp(dirfd, path, b);
		if (rc < 0) {
			last_err = rc;
			continue;
		}
		found_any = 1;
		bool v6 = tables[k][3] == '6';
		bool udp = tables[k][0] == 'u';
		struct lines ls;
		parse_lines_init(&ls, b->data, b->len);
		const char *line;
		size_t len;
		parse_lines_next_len(&ls, &line, &len); /* header */
		while (parse_lines_next_len(&ls, &line, &len)) {
			/* sl local rem st tx:rx tr:when retr uid timeout inode */
			const char *f[10];
			size_t fl[10];
			struct fields fs;
			parse_fields_init(&fs, line, line + len + 1); /* with its '\n' */
			int nf = 0;
			while (nf < 10 && parse_fields_next(&fs, &f[nf], &fl[nf]))
				nf++;
			uint64_t inode;
			if (nf < 10 || !ti_tok_u64(f[9], fl[9], &inode) || inode == 0 || inode > UINT32_MAX)
				continue;
			long fdi = fd_of_inode(ti, (uint32_t)inode);
			if (fdi < 0)
				continue;
			if (array_reserve((void **)&ti->conns, &cap, ti->nconns + 1, sizeof *ti->conns) < 0) {
				ti->conns_err = -ENOMEM;
				return;
			}
			struct ti_conn *c = &ti->conns[ti->nconns];
			memset(c, 0, sizeof *c);
			c->key.family = v6 ? AF_INET6 : AF_INET;
			c->key.proto = udp ? IPPROTO_UDP : IPPROTO_TCP;
			if (!parse_endpoint(f[1], fl[1], v6, c->key.saddr, &c->key.sport) ||
			    !parse_endpoint(f[2], fl[2], v6, c->key.daddr, &c->key.dport))
				continue;
			char hex[3] = {fl[3] == 2 ? f[3][0] : '0', fl[3] == 2 ? f[3][1] : '0', 0};
			c->state = (uint8_t)strtoul(hex, NULL, 16);
			c->inode = (uint32_t)inode;
			c->fd = ti->fds[fdi].fd;
			ti->fds[fdi].conn = (long)ti->nconns;
			ti->nconns++;
		}
	}
	if (!found_any && any_socket)
		ti->conns_err = last_err;
}
