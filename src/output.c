/* output.c - batch reports: text (pidstat-like), CSV, JSON Lines.
 * Every writer walks the one column table. */
#include "output.h"
#include "netcap.h"
#include "sockmap.h"
#include "text.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const format_names[] = {"text", "csv", "json"};

int output_format_parse(const char *s, enum output_format *out)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum output_format)i;
			return 0;
		}
	}
	return -1;
}

void output_init(struct output *o, enum output_format fmt, bool threads)
{
	memset(o, 0, sizeof *o);
	o->fmt = fmt;
	o->fd = -1;
	/* unbounded columns (the command line) go last, after the aligned ones */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < columns_count && o->ntext < OUTPUT_MAX_COLUMNS; i++) {
			unsigned f = columns[i].flags;
			if (!((f & COL_TEXT) || (threads && (f & COL_THREADS))))
				continue;
			if ((pass == 1) == !!(f & COL_LAST))
				o->text_cols[o->ntext++] = &columns[i];
		}
	}
}

void output_set_columns(struct output *o, const struct column *const *cols, size_t n)
{
	o->ncols = o->ntext = 0;
	for (size_t i = 0; i < n && i < OUTPUT_MAX_COLUMNS; i++)
		o->cols[o->ncols++] = cols[i];
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < o->ncols; i++)
			if ((pass == 1) == !!(o->cols[i]->flags & COL_LAST))
				o->text_cols[o->ntext++] = o->cols[i];
}

/* The columns of a CSV or JSON report */
static const struct column *report_col(const struct output *o, size_t i)
{
	return o->ncols ? o->cols[i] : &columns[i];
}

static size_t report_ncols(const struct output *o)
{
	return o->ncols ? o->ncols : columns_count;
}

bool output_needs_extra(const struct output *o)
{
	bool text = o->fmt == OUTPUT_TEXT;
	size_t n = text ? o->ntext : report_ncols(o);
	for (size_t i = 0; i < n; i++)
		if ((text ? o->text_cols[i] : report_col(o, i))->flags & COL_EXTRA)
			return true;
	return false;
}

void output_free(struct output *o)
{
	buf_free(&o->b);
}

/* After each row: a report that has grown enough goes out now. */
static void row_done(struct output *o)
{
	if (o->fd < 0 || o->b.len < OUTPUT_FLUSH_BYTES)
		return;
	if (!o->write_errno && buf_write_fd(&o->b, o->fd) < 0)
		o->write_errno = errno ? errno : EIO;
	buf_reset(&o->b); /* after a failure the rest is dropped, not kept */
}

static void put_time_iso(struct buf *b, const struct timespec *ts)
{
	struct tm tm;
	time_t sec = ts->tv_sec;
	gmtime_r(&sec, &tm);
	char tmp[40];
	strftime(tmp, sizeof tmp, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_puts(b, tmp);
	buf_printf(b, ".%03ldZ", ts->tv_nsec / 1000000);
}

static void put_json_number(struct buf *b, const struct cell *c, int decimals)
{
	if (c->kind == CELL_INT)
		buf_put_i64(b, c->i);
	else
		buf_put_fixed(b, c->d, decimals < 2 ? 2 : decimals);
}

static void put_json_cell(struct buf *b, const struct column *col, const struct cell *c)
{
	if (c->state != CELL_VALUE)
		buf_puts(b, "null");
	else if (c->kind == CELL_BOOL)
		buf_puts(b, c->i ? "true" : "false");
	else if (c->kind == CELL_TEXT)
		buf_put_json_string(b, c->s, c->slen);
	else
		put_json_number(b, c, col->decimals);
}

static void put_key(struct buf *b, const char *k)
{
	buf_putc(b, '"');
	buf_puts(b, k);
	buf_puts(b, "\":");
}

static void put_num_field(struct buf *b, const char *k, double v, bool valid, int decimals)
{
	put_key(b, k);
	if (valid)
		buf_put_fixed(b, v, decimals);
	else
		buf_puts(b, "null");
	buf_putc(b, ',');
}

static void put_u64_field(struct buf *b, const char *k, uint64_t v)
{
	put_key(b, k);
	buf_put_u64(b, v);
	buf_putc(b, ',');
}

static void trim_comma(struct buf *b)
{
	if (b->len && b->data[b->len - 1] == ',')
		b->len--;
}

static void put_net_extra(struct buf *b, const struct model *m);

/* "psi":{"cpu":{"some_avg10":..,"full_avg10":..},"memory":{..},"io":{..}}
 * (percent); a resource the kernel does not report is null, and so is
 * "full" where it has none (cpu before Linux 5.13) */
static void put_psi(struct buf *b, const struct system_stats *s)
{
	put_key(b, "psi");
	buf_putc(b, '{');
	for (int i = 0; i < PSI_COUNT; i++) {
		const struct pressure *p = &s->psi[i];
		put_key(b, system_psi_names[i]);
		if (!s->has_psi[i]) {
			buf_puts(b, i + 1 < PSI_COUNT ? "null," : "null");
			continue;
		}
		buf_putc(b, '{');
		put_num_field(b, "some_avg10", p->some.avg10, true, 2);
		put_num_field(b, "full_avg10", p->full.avg10, p->has_full, 2);
		trim_comma(b);
		buf_puts(b, i + 1 < PSI_COUNT ? "}," : "}");
	}
	buf_puts(b, "},");
}

static void put_json_system(struct buf *b, const struct model *m)
{
	const struct system_stats *s = model_system(m);
	bool ok = s->rates_valid;
	buf_puts(b, "\"system\":{");
	put_num_field(b, "cpu_busy_pct", s->total.busy, ok, 2);
	put_num_field(b, "cpu_user_pct", s->total.user + s->total.nice, ok, 2);
	put_num_field(b, "cpu_system_pct", s->total.system + s->total.irq + s->total.softirq, ok, 2);
	put_num_field(b, "cpu_iowait_pct", s->total.iowait, ok, 2);
	put_num_field(b, "cpu_steal_pct", s->total.steal, ok, 2);
	put_num_field(b, "cpu_guest_pct", s->total.guest, ok, 2);
	buf_puts(b, "\"cpus\":[");
	for (int i = 0; i < s->ncpus; i++) {
		const struct cpu_pct *c = &s->cpu[i];
		buf_puts(b, i ? ",{" : "{");
		put_key(b, "cpu");
		buf_put_i64(b, i);
		buf_putc(b, ',');
		put_num_field(b, "busy_pct", c->busy, ok, 2);
		put_num_field(b, "user_pct", c->user + c->nice, ok, 2);
		put_num_field(b, "system_pct", c->system + c->irq + c->softirq, ok, 2);
		put_num_field(b, "iowait_pct", c->iowait, ok, 2);
		trim_comma(b);
		buf_putc(b, '}');
	}
	buf_puts(b, "],");
	put_u64_field(b, "mem_total_kb", s->mem.mem_total_kb);
	put_u64_field(b, "mem_available_kb", s->mem.mem_available_kb);
	put_u64_field(b, "mem_used_kb", s->mem_used_kb);
	put_u64_field(b, "mem_free_kb", s->mem.mem_free_kb);
	put_u64_field(b, "buffers_kb", s->mem.buffers_kb);
	put_u64_field(b, "cached_kb", s->mem.cached_kb);
	put_u64_field(b, "swap_total_kb", s->mem.swap_total_kb);
	put_u64_field(b, "swap_used_kb", s->swap_used_kb);
	put_num_field(b, "load1", s->load.load1, true, 2);
	put_num_field(b, "load5", s->load.load5, true, 2);
	put_num_field(b, "load15", s->load.load15, true, 2);
	put_num_field(b, "uptime_s", s->uptime_s, true, 2);
	buf_puts(b, "\"tasks\":{");
	put_u64_field(b, "processes", (uint64_t)s->tasks.processes);
	put_u64_field(b, "threads", (uint64_t)s->tasks.threads);
	put_u64_field(b, "kernel_threads", (uint64_t)s->tasks.kernel_threads);
	put_u64_field(b, "running", (uint64_t)s->tasks.running);
	put_u64_field(b, "sleeping", (uint64_t)s->tasks.sleeping);
	put_u64_field(b, "disk_sleep", (uint64_t)s->tasks.disk_sleep);
	put_u64_field(b, "stopped", (uint64_t)s->tasks.stopped);
	put_u64_field(b, "zombie", (uint64_t)s->tasks.zombie);
	put_u64_field(b, "idle", (uint64_t)s->tasks.idle);
	trim_comma(b);
	buf_puts(b, "},");
	put_num_field(b, "disk_read_bps", s->disk_read_bps, ok, 2);
	put_num_field(b, "disk_write_bps", s->disk_write_bps, ok, 2);
	put_num_field(b, "net_rx_bps", s->net_rx_bps, ok, 2);
	put_num_field(b, "net_tx_bps", s->net_tx_bps, ok, 2);
	put_num_field(b, "net_rx_pps", s->net_rx_pps, ok, 2);
	put_num_field(b, "net_tx_pps", s->net_tx_pps, ok, 2);
	put_psi(b, s);
	trim_comma(b);
	put_net_extra(b, m);
	buf_putc(b, '}');
}

static void put_denied(struct buf *b, const struct task *t)
{
	if (!t->denied)
		return;
	static const struct {
		unsigned bit;
		const char *name;
	} groups[] = {{TG_STAT, "stat"}, {TG_STATUS, "status"}, {TG_IO, "io"},
		      {TG_SCHEDSTAT, "schedstat"}};
	buf_puts(b, ",\"no_access\":[");
	bool first = true;
	for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
		if (!(t->denied & groups[i].bit))
			continue;
		if (!first)
			buf_putc(b, ',');
		first = false;
		buf_put_json_string(b, groups[i].name, strlen(groups[i].name));
	}
	buf_putc(b, ']');
}

static void put_endpoint(struct buf *b, const char *key, uint8_t family, const uint8_t *addr,
			 uint16_t port)
{
	char text[INET6_ADDRSTRLEN + 8];
	text_endpoint(text, sizeof text, family, addr, port);
	put_key(b, key);
	buf_put_json_string(b, text, strlen(text));
	buf_putc(b, ',');
}

/* --connections: the task's sockets from the capture's connection table */
static void put_connections(struct buf *b, struct model *m, const struct task *t)
{
	if (t->is_thread && t->tid != t->tgid)
		return;
	size_t n = 0;
	const struct netcap_conn *c = model_connections(m, t->tgid, &n);
	if (!c)
		return;
	buf_puts(b, ",\"connections\":[");
	for (size_t i = 0; i < n; i++) {
		const struct netcap_conn *k = &c[i];
		buf_puts(b, i ? ",{" : "{");
		const char *proto = k->key.proto == IPPROTO_TCP   ? "tcp"
				    : k->key.proto == IPPROTO_UDP ? "udp"
								  : "ip";
		put_key(b, "proto");
		buf_put_json_string(b, proto, strlen(proto));
		buf_putc(b, ',');
		put_endpoint(b, "local", k->key.family, k->key.saddr, k->key.sport);
		put_endpoint(b, "remote", k->key.family, k->key.daddr, k->key.dport);
		const char *state = k->closed ? "CLOSED" : sockmap_state_name(k->key.proto, k->state);
		put_key(b, "state");
		buf_put_json_string(b, state ? state : "", state ? strlen(state) : 0);
		buf_putc(b, ',');
		put_u64_field(b, "tx_bytes", k->c.tx_bytes);
		put_u64_field(b, "rx_bytes", k->c.rx_bytes);
		put_u64_field(b, "tx_packets", k->c.tx_pkts);
		put_u64_field(b, "rx_packets", k->c.rx_pkts);
		struct netcap_rates r;
		bool rate = model_conn_rates(m, k, &r);
		put_num_field(b, "tx_bps", r.tx_bps, rate, 2);
		put_num_field(b, "rx_bps", r.rx_bps, rate, 2);
		put_num_field(b, "tx_pps", r.tx_pps, rate, 2);
		put_num_field(b, "rx_pps", r.rx_pps, rate, 2);
		put_key(b, "inferred");
		buf_puts(b, k->inferred ? "true," : "false,");
		trim_comma(b);
		buf_putc(b, '}');
	}
	buf_putc(b, ']');
}

static void put_net_extra(struct buf *b, const struct model *m)
{
	struct net_extra now, prev;
	if (!model_unattributed(m, &now, &prev))
		return;
	bool ok = model_net_rates_valid(m);
	double dt = model_interval_s(m) > 0 ? model_interval_s(m) : 1;
#define NET_RATE(f) ((double)(now.f - prev.f) / dt)
	buf_puts(b, ",\"net_unattributed\":{");
	put_num_field(b, "tcp_bps", ok ? NET_RATE(tcp_bytes) : 0, ok, 2);
	put_num_field(b, "udp_bps", ok ? NET_RATE(udp_bytes) : 0, ok, 2);
	put_num_field(b, "other_bps", ok ? NET_RATE(other_bytes) : 0, ok, 2);
	trim_comma(b);
	buf_puts(b, "},\"capture_drops\":");
	if (ok)
		buf_put_u64(b, now.drops - prev.drops);
	else
		buf_puts(b, "null");
#undef NET_RATE
}

/* {"time":...,"interval":...,"sources":{...},"system":{...} */
static void json_head(struct buf *b, struct model *m)
{
	buf_puts(b, "{\"time\":\"");
	put_time_iso(b, model_wall(m));
	buf_puts(b, "\",\"interval\":");
	buf_put_fixed(b, model_interval_s(m), 3);
	buf_puts(b, ",\"refresh_s\":");
	buf_put_fixed(b, model_refresh_s(m), 4);
	if (model_cfg(m)->accumulated)
		buf_puts(b, ",\"accumulated\":true");
	buf_puts(b, ",\"sources\":{");
	for (int i = 0; i < SOURCE_COUNT; i++) {
		if (i)
			buf_putc(b, ',');
		put_key(b, model_source(m, i)->name);
		buf_put_json_string(b, model_source(m, i)->text, strlen(model_source(m, i)->text));
	}
	buf_puts(b, "},");
	put_json_system(b, m);
}

static void report_json(struct output *o, struct model *m, const struct rows *v)
{
	struct buf *b = &o->b;
	json_head(b, m);
	buf_puts(b, ",\"tasks\":[");
	for (size_t r = 0; r < v->nrows; r++) {
		const struct task *t = v->rows[r];
		buf_puts(b, r ? ",{" : "{");
		for (size_t i = 0; i < report_ncols(o); i++) {
			const struct column *col = report_col(o, i);
			struct cell c;
			col->get(m, t, &c);
			if (i)
				buf_putc(b, ',');
			put_key(b, col->id);
			put_json_cell(b, col, &c);
		}
		put_denied(b, t);
		if (o->connections)
			put_connections(b, m, t);
		buf_putc(b, '}');
		row_done(o);
	}
	buf_puts(b, "]}\n");
}

/* CSV (RFC 4180): text fields quoted when they hold a comma or a quote. */
static void put_csv_text(struct buf *b, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, ' ', n)) {
		buf_append(b, s, n);
		return;
	}
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			buf_putc(b, '"');
		buf_putc(b, s[i]);
	}
	buf_putc(b, '"');
}

static void report_csv(struct output *o, struct model *m, const struct rows *v)
{
	struct buf *b = &o->b;
	if (!o->header_done) {
		buf_puts(b, "time");
		for (size_t i = 0; i < report_ncols(o); i++) {
			buf_putc(b, ',');
			buf_puts(b, report_col(o, i)->id);
		}
		buf_putc(b, '\n');
		o->header_done = true;
	}
	char when[48];
	struct buf tb = {when, 0, sizeof when, false};
	put_time_iso(&tb, model_wall(m));
	for (size_t r = 0; r < v->nrows; r++) {
		const struct task *t = v->rows[r];
		buf_append(b, when, tb.len);
		for (size_t i = 0; i < report_ncols(o); i++) {
			const struct column *col = report_col(o, i);
			struct cell c;
			col->get(m, t, &c);
			buf_putc(b, ',');
			if (c.state != CELL_VALUE)
				continue; /* empty field = null */
			if (c.kind == CELL_TEXT)
				put_csv_text(b, c.s, c.slen);
			else if (c.kind == CELL_BOOL)
				buf_puts(b, c.i ? "true" : "false");
			else
				put_json_number(b, &c, col->decimals);
		}
		buf_putc(b, '\n');
		row_done(o);
	}
}

static const char *cell_placeholder(const struct cell *c)
{
	switch (c->state) {
	case CELL_NONE: return "-";
	case CELL_NA: return "n/a";
	case CELL_DENIED: return "noaccess";
	default: return "";
	}
}

/* Pads by display width: a name in UTF-8 takes fewer cells than bytes. */
static void put_padded(struct buf *b, const char *s, size_t n, int width, bool left, bool last)
{
	int cells = text_width(s, n, true);
	if (!left)
		for (int i = cells; i < width; i++)
			buf_putc(b, ' ');
	buf_append(b, s, n);
	if (left && !last)
		for (int i = cells; i < width; i++)
			buf_putc(b, ' ');
}

static void format_text_cell(const struct column *col, const struct cell *c, bool accumulated,
			     char *out, size_t outsize)
{
	if (c->state != CELL_VALUE) {
		snprintf(out, outsize, "%s", cell_placeholder(c));
		return;
	}
	double v = c->kind == CELL_INT ? (double)c->i : c->d;
	if (col->flags & COL_HUMAN) {
		column_format_human(col->unit == UNIT_KB ? v * 1024.0 : v, out, outsize);
		return;
	}
	if (c->kind == CELL_INT || c->kind == CELL_BOOL) {
		snprintf(out, outsize, "%lld", (long long)c->i);
		return;
	}
	int dec = col->decimals;
	if (accumulated && col->unit == UNIT_PS)
		dec = 0;
	snprintf(out, outsize, "%.*f", dec, v);
}

void output_text_titles(struct output *o, struct model *m, const char *prefix)
{
	struct buf *b = &o->b;
	buf_puts(b, prefix);
	for (size_t i = 0; i < o->ntext; i++) {
		const struct column *col = o->text_cols[i];
		const char *title = column_title(col, model_cfg(m)->accumulated);
		if (i)
			buf_putc(b, ' ');
		put_padded(b, title, strlen(title), col->width, col->flags & COL_LEFT,
			   i + 1 == o->ntext);
	}
	buf_putc(b, '\n');
}

void output_text_line(struct output *o, struct model *m, const char *prefix,
		      const struct cell *cells)
{
	struct buf *b = &o->b;
	char tmp[64];
	buf_puts(b, prefix);
	for (size_t i = 0; i < o->ntext; i++) {
		const struct column *col = o->text_cols[i];
		const struct cell *c = &cells[i];
		bool last = i + 1 == o->ntext, left = col->flags & COL_LEFT;
		if (i)
			buf_putc(b, ' ');
		if (c->state == CELL_VALUE && c->kind == CELL_TEXT) {
			put_padded(b, c->s, c->slen, col->width, left, last);
		} else {
			format_text_cell(col, c, model_cfg(m)->accumulated, tmp, sizeof tmp);
			put_padded(b, tmp, strlen(tmp), col->width, left, last);
		}
	}
	buf_putc(b, '\n');
}

/* -t: the report's local time, "HH:MM:SS ", at the start of each line */
static void text_stamp(const struct model *m, char *out, size_t outsize)
{
	struct tm tm;
	time_t sec = model_wall(m)->tv_sec;
	if (!localtime_r(&sec, &tm) || strftime(out, outsize, "%H:%M:%S ", &tm) == 0)
		snprintf(out, outsize, "?        ");
}

/* the report's "# time  interval ..." line and the sources not ok, each
 * after stamp (-t) */
static void text_head(struct buf *b, struct model *m, const char *stamp)
{
	const struct system_stats *s = model_system(m);
	char tmp[64];
	buf_puts(b, stamp);
	buf_puts(b, "# ");
	put_time_iso(b, model_wall(m));
	buf_printf(b, "  interval %.3fs  load %.2f %.2f %.2f  cpu %.1f%%", model_interval_s(m),
		   s->load.load1, s->load.load5, s->load.load15, s->rates_valid ? s->total.busy : 0.0);
	column_format_human((double)s->mem_used_kb * 1024.0, tmp, sizeof tmp);
	buf_printf(b, "  mem %s/", tmp);
	column_format_human((double)s->mem.mem_total_kb * 1024.0, tmp, sizeof tmp);
	buf_printf(b, "%s  tasks %lld (%lld running)%s\n", tmp, (long long)s->tasks.processes,
		   (long long)s->tasks.running, model_cfg(m)->accumulated ? "  accumulated" : "");
	for (int i = 0; i < SOURCE_COUNT; i++)
		if (strcmp(model_source(m, i)->text, "ok") != 0)
			buf_printf(b, "%s# %s: %s\n", stamp, model_source(m, i)->name, model_source(m, i)->text);
}

static void report_text(struct output *o, struct model *m, const struct rows *v)
{
	struct buf *b = &o->b;
	char stamp[32] = "";
	if (o->timestamp)
		text_stamp(m, stamp, sizeof stamp);
	text_head(b, m, stamp);
	output_text_titles(o, m, stamp);
	struct cell cells[OUTPUT_MAX_COLUMNS];
	for (size_t r = 0; r < v->nrows; r++) {
		for (size_t i = 0; i < o->ntext; i++)
			o->text_cols[i]->get(m, v->rows[r], &cells[i]);
		output_text_line(o, m, stamp, cells);
		row_done(o);
	}
	buf_putc(b, '\n');
}

void output_report(struct output *o, struct model *m, const struct rows *v)
{
	switch (o->fmt) {
	case OUTPUT_JSON: report_json(o, m, v); break;
	case OUTPUT_CSV: report_csv(o, m, v); break;
	case OUTPUT_TEXT: report_text(o, m, v); break;
	}
}

/* ---- for the other writers of these formats (groupreport.c) ---- */

void output_json_head(struct buf *b, struct model *m)
{
	json_head(b, m);
}

void output_text_head(struct buf *b, struct model *m)
{
	text_head(b, m, "");
}

void output_time_iso(struct buf *b, const struct timespec *ts)
{
	put_time_iso(b, ts);
}

void output_json_cell(struct buf *b, const struct column *col, const struct cell *c)
{
	put_json_cell(b, col, c);
}

void output_csv_text(struct buf *b, const char *s, size_t n)
{
	put_csv_text(b, s, n);
}

void output_text_cell(const struct column *col, const struct cell *c, bool accumulated, char *out,
		      size_t outsize)
{
	format_text_cell(col, c, accumulated, out, outsize);
}

void output_padded(struct buf *b, const char *s, size_t n, int width, bool left, bool last)
{
	put_padded(b, s, n, width, left, last);
}

void output_row_done(struct output *o)
{
	row_done(o);
}
