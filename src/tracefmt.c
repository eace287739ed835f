/* tracefmt.c - trace event ids and layouts from tracefs (see tracefmt.h) */
#include "tracefmt.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const tracefs_roots[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

static bool is_ident(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The field's name in "field:TYPE NAME[N];": the identifier before '[' or ';'. */
static bool field_name(const char *decl, size_t len, char *out, size_t outsize)
{
	size_t end = 0;
	while (end < len && decl[end] != ';' && decl[end] != '[')
		end++;
	size_t start = end;
	while (start > 0 && is_ident(decl[start - 1]))
		start--;
	if (start == end || end - start >= outsize)
		return false;
	memcpy(out, decl + start, end - start);
	out[end - start] = '\0';
	return true;
}

/* The number after key ("offset:") in line, or -1. */
static long number_after(const char *line, size_t len, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i + kl <= len; i++) {
		if (memcmp(line + i, key, kl) != 0)
			continue;
		long v = 0;
		size_t j = i + kl;
		if (j >= len || line[j] < '0' || line[j] > '9')
			return -1;
		for (; j < len && line[j] >= '0' && line[j] <= '9'; j++) {
			v = v * 10 + (line[j] - '0');
			if (v > 65535)
				return -1;
		}
		return v;
	}
	return -1;
}

static void take_field(const char *line, size_t len, const struct tracefmt_want *want, size_t n,
		       void *layout, int *size)
{
	const char *f = memmem(line, len, "field:", 6);
	if (!f)
		return;
	size_t rest = len - (size_t)(f + 6 - line);
	char name[32];
	long off = number_after(line, len, "offset:"), fsize = number_after(line, len, "size:");
	if (!field_name(f + 6, rest, name, sizeof name) || off < 0 || fsize < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(name, want[i].name) != 0 || (size_t)fsize != want[i].size)
			continue;
		int *slot = (int *)((char *)layout + want[i].where);
		*slot = (int)off;
		if ((int)(off + fsize) > *size)
			*size = (int)(off + fsize);
	}
}

int tracefmt_parse(const char *text, size_t len, const struct tracefmt_want *want, size_t n,
		   void *layout, int *size)
{
	for (size_t i = 0; i < n; i++)
		*(int *)((char *)layout + want[i].where) = -1;
	*size = 0;
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t linelen = nl ? (size_t)(nl - (text + pos)) : len - pos;
		take_field(text + pos, linelen, want, n, layout, size);
		pos += linelen + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (*(int *)((char *)layout + want[i].where) < 0)
			return -1;
	return 0;
}

static ssize_t read_small(const char *root, const char *event, const char *name, char *buf,
			  size_t size)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s/%s", root, event, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t got = 0;
	ssize_t r;
	while (got + 1 < size && (r = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)r;
	close(fd);
	buf[got] = '\0';
	return (ssize_t)got;
}

int tracefmt_find(const char *event, long *id, char *buf, size_t size, size_t *len)
{
	for (size_t i = 0; i < sizeof tracefs_roots / sizeof tracefs_roots[0]; i++) {
		if (read_small(tracefs_roots[i], event, "id", buf, size) <= 0)
			continue;
		*id = strtol(buf, NULL, 10);
		ssize_t got = read_small(tracefs_roots[i], event, "format", buf, size);
		if (*id <= 0 || got <= 0)
			return -1;
		*len = (size_t)got;
		return 0;
	}
	return -1;
}
