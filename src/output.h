/* output.h - batch report writers */
#ifndef PIDTOP_OUTPUT_H
#define PIDTOP_OUTPUT_H

#include <stdbool.h>

#include "buf.h"
#include "columns.h"
#include "model.h"
#include "rows.h"

enum output_format { OUTPUT_TEXT, OUTPUT_CSV, OUTPUT_JSON };

#define OUTPUT_MAX_COLUMNS 64

struct output {
	enum output_format fmt;
	bool header_done; /* CSV writes its header once */
	bool connections; /* JSON: each task's connections (--connections) */
	bool timestamp;   /* text: every line starts with the report's local time (-t) */
	const struct column *text_cols[OUTPUT_MAX_COLUMNS];
	size_t ntext;
	/* CSV and JSON: the chosen columns (--columns); ncols 0 = every column */
	const struct column *cols[OUTPUT_MAX_COLUMNS];
	size_t ncols;
	struct buf b; /* the report being built; the caller writes and resets it */
	/* >= 0: a report is written out as it grows, every OUTPUT_FLUSH_BYTES
	 * (a report of 6,000 threads is ~5 MB of JSON), and write_errno keeps
	 * the first failure; -1: the whole report stays in b */
	int fd;
	int write_errno;
};

#define OUTPUT_FLUSH_BYTES (32 << 10)

int output_format_parse(const char *s, enum output_format *out);
void output_init(struct output *o, enum output_format fmt, bool threads);
void output_free(struct output *o);
/* --columns: these columns in this order, in every format (text keeps an
 * unbounded column, the command line, last). */
void output_set_columns(struct output *o, const struct column *const *cols, size_t n);
/* true when the report shows a column rowextra_update() reads */
bool output_needs_extra(const struct output *o);
/* Text: the title line, then lines of cells (one per text column, as
 * o->text_cols), aligned as in a report; prefix starts the line. */
void output_text_titles(struct output *o, struct model *m, const char *prefix);
void output_text_line(struct output *o, struct model *m, const char *prefix,
		      const struct cell *cells);
/* Appends one report of the view's rows to o->b (with o->fd set, what is
 * left of it after the writes on the way). */
void output_report(struct output *o, struct model *m, const struct rows *v);

/* The pieces of these formats, for other writers (groupreport.c): the JSON
 * report's opening ({"time","interval","sources","system" without the
 * closing brace), the text report's first lines, a time in ISO 8601 UTC,
 * one cell in JSON, CSV text, one text cell (placeholders and units as in
 * task reports), text padded to a width, and the end of a row (written
 * out when the report has grown enough). */
void output_json_head(struct buf *b, struct model *m);
void output_text_head(struct buf *b, struct model *m);
void output_time_iso(struct buf *b, const struct timespec *ts);
void output_json_cell(struct buf *b, const struct column *col, const struct cell *c);
void output_csv_text(struct buf *b, const char *s, size_t n);
void output_text_cell(const struct column *col, const struct cell *c, bool accumulated, char *out,
		      size_t outsize);
void output_padded(struct buf *b, const char *s, size_t n, int width, bool left, bool last);
void output_row_done(struct output *o);

#endif
