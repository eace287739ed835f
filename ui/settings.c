/* settings.c - parsing, merging and safely writing pidtoprc */
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const default_columns[] = {
	"pid", "user", "state", "cpu_pct", "mem_pct", "rss_kb", "rss_delta_kb",
	"read_bps", "write_bps", "io_delay_pct", "ioprio", "net_tx_bps", "net_rx_bps",
	"cpu_time", "cmdline",
};

const char *const settings_group_names[UI_GROUP_COUNT] = {"none", "user", "cgroup", "comm"};

void settings_defaults(struct ui_settings *s)
{
	memset(s, 0, sizeof *s);
	for (size_t i = 0; i < sizeof default_columns / sizeof default_columns[0]; i++) {
		const struct column *c = column_find(default_columns[i]);
		if (c)
			s->cols[s->ncols++] = c;
	}
	s->sort = column_find("cpu_pct");
	s->interval_s = 1.0;
	s->header = true;
	s->kernel = true;
	s->cmdline = true;
	s->view = UI_VIEW_TABLE;
}

static int bad(int *nbad, char *warn, size_t warnlen, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int bad(int *nbad, char *warn, size_t warnlen, unsigned line, const char *fmt, ...)
{
	if ((*nbad)++ == 0) {
		int n = snprintf(warn, warnlen, "line %u: ", line);
		if (n > 0 && (size_t)n < warnlen) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(warn + n, warnlen - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -1;
}

static int parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0)
		*out = true;
	else if (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* columns=id,id,...: unknown or repeated ids are bad; the list keeps the
 * good ones, or the default when none is good. */
static char *trim(char *s);

static void parse_columns(char *v, struct ui_settings *s, int *nbad, char *warn, size_t warnlen,
			  unsigned line)
{
	struct ui_settings tmp;
	tmp.ncols = 0;
	bool flagged = false;
	char *save = NULL;
	for (char *id = strtok_r(v, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		id = trim(id);
		const struct column *c = column_find(id);
		bool dup = false;
		for (size_t i = 0; c && i < tmp.ncols; i++)
			dup |= tmp.cols[i] == c;
		if (!c || dup || tmp.ncols == SETTINGS_MAX_COLUMNS) {
			if (!flagged)
				bad(nbad, warn, warnlen, line,
				    c ? "column '%s' listed twice" : "unknown column '%s'", id);
			flagged = true;
			continue;
		}
		tmp.cols[tmp.ncols++] = c;
	}
	/* the unbounded column (the command line) must come last */
	for (size_t i = 0; i + 1 < tmp.ncols; i++) {
		if (tmp.cols[i]->flags & COL_LAST) {
			const struct column *c = tmp.cols[i];
			memmove(&tmp.cols[i], &tmp.cols[i + 1], (tmp.ncols - i - 1) * sizeof c);
			tmp.cols[tmp.ncols - 1] = c;
			break;
		}
	}
	if (tmp.ncols == 0) {
		if (!flagged)
			bad(nbad, warn, warnlen, line, "%sno columns", "");
		return;
	}
	memcpy(s->cols, tmp.cols, tmp.ncols * sizeof tmp.cols[0]);
	s->ncols = tmp.ncols;
}

static void parse_line(char *key, char *v, struct ui_settings *s, int *nbad, char *warn,
		       size_t warnlen, unsigned line)
{
	bool *flag = NULL;
	if (strcmp(key, "columns") == 0) {
		parse_columns(v, s, nbad, warn, warnlen, line);
		return;
	} else if (strcmp(key, "sort") == 0) {
		const struct column *c = column_find(v);
		if (!c)
			bad(nbad, warn, warnlen, line, "unknown sort column '%s'", v);
		else
			s->sort = c;
		return;
	} else if (strcmp(key, "interval") == 0) {
		char *end;
		double d = strtod(v, &end);
		if (end == v || *end || !isfinite(d) || d < 0.01 || d > 86400)
			bad(nbad, warn, warnlen, line, "bad interval '%s' (0.01 to 86400 seconds)",
			    v);
		else
			s->interval_s = d;
		return;
	} else if (strcmp(key, "color") == 0) {
		if (strcmp(v, "auto") == 0)
			s->mono = false;
		else if (strcmp(v, "mono") == 0)
			s->mono = true;
		else
			bad(nbad, warn, warnlen, line, "bad color '%s' (auto or mono)", v);
		return;
	} else if (strcmp(key, "group") == 0) {
		for (int i = 0; i < UI_GROUP_COUNT; i++)
			if (strcmp(v, settings_group_names[i]) == 0) {
				s->group = (enum ui_group)i;
				return;
			}
		bad(nbad, warn, warnlen, line, "bad group '%s' (none, user, cgroup or comm)", v);
		return;
	} else if (strcmp(key, "view") == 0) {
		if (strcmp(v, "table") == 0)
			s->view = UI_VIEW_TABLE;
		else if (strcmp(v, "grid") == 0)
			s->view = UI_VIEW_GRID;
		else if (strcmp(v, "timeline") == 0)
			s->view = UI_VIEW_TIMELINE;
		else
			bad(nbad, warn, warnlen, line, "bad view '%s' (table, grid or timeline)", v);
		return;
	}
	if (strcmp(key, "reverse") == 0)
		flag = &s->reverse;
	else if (strcmp(key, "threads") == 0)
		flag = &s->threads;
	else if (strcmp(key, "tree") == 0)
		flag = &s->tree;
	else if (strcmp(key, "header") == 0)
		flag = &s->header;
	else if (strcmp(key, "cmdline") == 0)
		flag = &s->cmdline;
	else if (strcmp(key, "kernel") == 0)
		flag = &s->kernel;
	if (!flag)
		bad(nbad, warn, warnlen, line, "unknown setting '%s'", key);
	else if (parse_bool(v, flag) < 0)
		bad(nbad, warn, warnlen, line, "bad yes/no value '%s'", v);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

int settings_parse(const char *text, size_t len, struct ui_settings *s, char *warn,
		   size_t warnlen)
{
	int nbad = 0;
	unsigned lineno = 0;
	if (warnlen)
		warn[0] = '\0';
	size_t pos = 0;
	char line[1024];
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (n >= sizeof line || memchr(text + pos, '\0', n)) {
			bad(&nbad, warn, warnlen, lineno, "%sunreadable line (too long or binary)",
			    "");
		} else {
			memcpy(line, text + pos, n);
			line[n] = '\0';
			char *l = trim(line);
			if (*l && *l != '#') {
				char *eq = strchr(l, '=');
				if (!eq) {
					bad(&nbad, warn, warnlen, lineno, "'%s' is not key=value", l);
				} else {
					*eq = '\0';
					parse_line(trim(l), trim(eq + 1), s, &nbad, warn, warnlen,
						   lineno);
				}
			}
		}
		pos += n + (nl ? 1 : 0);
	}
	return nbad;
}

/* The shortest decimal that reads back as exactly d (%g keeps 6 digits:
 * an interval of 1.234567 s would come back as 1.23457). */
static void format_exact(double d, char *out, size_t n)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(out, n, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			return;
	}
}

void settings_format(const struct ui_settings *s, struct buf *b)
{
	char interval[32];
	format_exact(s->interval_s, interval, sizeof interval);
	buf_puts(b, "# pidtop settings, written by pidtop on quit\ncolumns=");
	for (size_t i = 0; i < s->ncols; i++)
		buf_printf(b, "%s%s", i ? "," : "", s->cols[i]->id);
	buf_printf(b, "\nsort=%s\nreverse=%d\ninterval=%s\nthreads=%d\ntree=%d\nheader=%d\n"
		      "cmdline=%d\nkernel=%d\ncolor=%s\nview=%s\ngroup=%s\n",
		   s->sort ? s->sort->id : "cpu_pct", s->reverse, interval, s->threads,
		   s->tree, s->header, s->cmdline, s->kernel, s->mono ? "mono" : "auto",
		   s->view == UI_VIEW_GRID ? "grid" : s->view == UI_VIEW_TIMELINE ? "timeline" : "table",
		   settings_group_names[s->group]);
}

static bool same_columns(const struct ui_settings *a, const struct ui_settings *b)
{
	return a->ncols == b->ncols && memcmp(a->cols, b->cols, a->ncols * sizeof a->cols[0]) == 0;
}

bool settings_equal(const struct ui_settings *a, const struct ui_settings *b)
{
	return same_columns(a, b) && a->sort == b->sort && a->reverse == b->reverse &&
	       a->interval_s == b->interval_s && a->threads == b->threads &&
	       a->tree == b->tree && a->header == b->header && a->cmdline == b->cmdline &&
	       a->kernel == b->kernel && a->mono == b->mono && a->view == b->view &&
	       a->group == b->group;
}

void settings_merge(const struct ui_settings *file, const struct ui_settings *start,
		    const struct ui_settings *cur, struct ui_settings *out)
{
	*out = *file;
	if (!same_columns(start, cur)) {
		memcpy(out->cols, cur->cols, sizeof cur->cols);
		out->ncols = cur->ncols;
	}
#define TAKE(field)                          \
	if (start->field != cur->field)      \
		out->field = cur->field
	TAKE(sort);
	TAKE(reverse);
	TAKE(interval_s);
	TAKE(threads);
	TAKE(tree);
	TAKE(header);
	TAKE(cmdline);
	TAKE(kernel);
	TAKE(mono);
	TAKE(view);
	TAKE(group);
#undef TAKE
}

int settings_locate(struct settings_file *f)
{
	memset(f, 0, sizeof *f);
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	int n;
	/* the XDG spec says a relative XDG_CONFIG_HOME is to be ignored */
	if (xdg && xdg[0] == '/')
		n = snprintf(f->dir, sizeof f->dir, "%s/pidtop", xdg);
	else if (home && home[0] == '/')
		n = snprintf(f->dir, sizeof f->dir, "%s/.config/pidtop", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof f->dir)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/pidtoprc", f->dir);
	return 0;
}

int settings_load(struct settings_file *f, struct ui_settings *s, char *warn, size_t warnlen)
{
	warn[0] = '\0';
	int fd = open(f->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(warn, warnlen, "%s: %s; default settings used", f->path,
			 errno == ELOOP ? "a symbolic link, ignored" : strerror(errno));
		f->exists = true;
		f->malformed = true;
		return -1;
	}
	struct stat st;
	char *text = NULL;
	ssize_t got = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= SETTINGS_FILE_MAX) {
		text = malloc((size_t)st.st_size + 1);
		if (text) {
			size_t have = 0;
			while (have < (size_t)st.st_size) {
				ssize_t r = read(fd, text + have, (size_t)st.st_size - have);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					break;
				have += (size_t)r;
			}
			got = (ssize_t)have;
		}
	}
	close(fd);
	f->exists = true;
	if (got < 0) {
		snprintf(warn, warnlen, "%s: not a readable settings file (at most %d KiB); "
					"default settings used", f->path, SETTINGS_FILE_MAX / 1024);
		f->malformed = true;
		free(text);
		return -1;
	}
	char first[256];
	int nbad = settings_parse(text, (size_t)got, s, first, sizeof first);
	free(text);
	if (nbad == 0)
		return 0;
	f->malformed = true;
	snprintf(warn, warnlen, "%s: %s%s; defaults used for the bad parts, file left as is",
		 f->path, first, nbad > 1 ? " (and more)" : "");
	return -1;
}

/* The effective user must own dir (an existing, real directory). */
static int open_owned_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_uid != geteuid()) {
		close(fd);
		errno = EPERM;
		return -1;
	}
	return fd;
}

/* Makes path (mode 0700) when missing, if the effective user owns its
 * parent; returns an fd on the owned directory or -1. */
static int ensure_dir(const char *path, int depth)
{
	int fd = open_owned_dir(path);
	if (fd >= 0 || errno != ENOENT || depth > 1)
		return fd;
	char parent[4096];
	snprintf(parent, sizeof parent, "%s", path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -1;
	*slash = '\0';
	int pfd = ensure_dir(parent, depth + 1);
	if (pfd < 0)
		return -1;
	int rc = mkdirat(pfd, slash + 1, 0700);
	close(pfd);
	if (rc < 0 && errno != EEXIST)
		return -1;
	return open_owned_dir(path);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int settings_save(const struct settings_file *f, const struct ui_settings *s, char *why,
		  size_t whylen)
{
	/* the directory itself may be created (up to ~/.config), but only
	 * inside a directory the effective user owns */
	int dfd = ensure_dir(f->dir, 0);
	if (dfd < 0)
		return errno == EPERM || errno == ENOENT || errno == ELOOP ? 0 : -1;
	struct stat st;
	/* others who may write there could swap the file between our
	 * writes: said on stderr, the file left alone */
	if (fstat(dfd, &st) == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(why, whylen, "%s is writable by group or others: not writing pidtoprc there",
			 f->dir);
		close(dfd);
		return -1;
	}
	if (fstatat(dfd, "pidtoprc", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    (!S_ISREG(st.st_mode) || st.st_uid != geteuid())) {
		close(dfd);
		return 0;
	}
	struct buf b = {0};
	settings_format(s, &b);
	char tmp[64];
	snprintf(tmp, sizeof tmp, ".pidtoprc.%ld.tmp", (long)getpid());
	int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd >= 0) {
		rc = b.failed ? -1 : write_all(fd, b.data, b.len);
		if (rc == 0 && fchmod(fd, 0600) < 0)
			rc = -1;
		if (rc == 0 && fsync(fd) < 0)
			rc = -1;
		if (close(fd) < 0)
			rc = -1;
		/* a malformed file is kept as pidtoprc.bak before it is replaced */
		if (rc == 0 && f->malformed && f->exists &&
		    renameat(dfd, "pidtoprc", dfd, "pidtoprc.bak") < 0 && errno != ENOENT)
			rc = -1;
		if (rc == 0 && renameat(dfd, tmp, dfd, "pidtoprc") < 0)
			rc = -1;
		if (rc < 0) {
			snprintf(why, whylen, "cannot write %s: %s", f->path, strerror(errno));
			unlinkat(dfd, tmp, 0);
		}
	} else {
		snprintf(why, whylen, "cannot write %s: %s", f->path, strerror(errno));
	}
	buf_free(&b);
	close(dfd);
	return rc < 0 ? -1 : 1;
}
