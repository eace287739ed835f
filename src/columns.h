/* columns.h - THE table of every column.
 *
 * The screen's table, sorting, text/CSV/JSON output and the config file all
 * read this one table; a new column is one row in columns.c. */
#ifndef PIDTOP_COLUMNS_H
#define PIDTOP_COLUMNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct model;
struct task;

enum cell_state {
	CELL_VALUE,
	CELL_NONE,   /* no rate yet: a task's first sample */
	CELL_NA,     /* the source is off or the kernel lacks it */
	CELL_DENIED, /* permission: not ours to read */
};

enum cell_kind { CELL_INT, CELL_REAL, CELL_TEXT, CELL_BOOL /* in i */ };

struct cell {
	enum cell_state state;
	enum cell_kind kind;
	int64_t i; /* also a text cell's sort rank (COL_SORT_I) */
	double d;
	const char *s; /* sanitised text, valid until the next refresh */
	size_t slen;
};

enum column_unit {
	UNIT_NONE,
	UNIT_PCT,     /* 100 = one CPU */
	UNIT_KB,      /* kibibytes */
	UNIT_BPS,     /* bytes per second (bytes when accumulated) */
	UNIT_PS,      /* events per second (events when accumulated) */
	UNIT_SECONDS, /* a duration */
	UNIT_EPOCH,   /* seconds since the epoch */
};

enum column_flags {
	COL_LEFT = 1u << 0,      /* text aligned left */
	COL_ASCENDING = 1u << 1, /* natural sort is ascending (ids, names) */
	COL_TEXT = 1u << 2,      /* in the default batch text report */
	COL_THREADS = 1u << 3,   /* in the default text report only with -H */
	COL_LAST = 1u << 4,      /* unbounded width: must be the last column */
	COL_HUMAN = 1u << 5,     /* text shows K/M/G units */
	COL_SORT_I = 1u << 6,    /* text cells sort by their i (a rank), not their text */
	COL_EXTRA = 1u << 7,     /* read by rowextra_update() for the rows that show it */
};

struct column {
	const char *id;     /* JSON key, CSV header, -s argument, config name */
	const char *header; /* screen and text header */
	const char *desc;   /* one line for --help and the setup screen */
	int width;          /* text width; the screen may widen */
	int decimals;       /* for real values in text */
	enum column_unit unit;
	unsigned flags;
	void (*get)(struct model *m, const struct task *t, struct cell *out);
};

extern const struct column columns[];
extern const size_t columns_count;

const struct column *column_find(const char *id);
/* Column groups for --columns, as pidstat names them. */
struct column_group {
	const char *name; /* cpu, mem, io, ctx, net */
	const char *ids;  /* comma-separated column ids */
};
extern const struct column_group column_groups[];
extern const size_t column_groups_count;
/* Parses a comma-separated list of column ids and group names into out
 * (at most max, each column once, in the order given). Returns the count,
 * or -1 with a one-line reason in err (an unknown name, an empty list). */
int column_list_parse(const char *list, const struct column **out, size_t max, char *err,
		      size_t errlen);

/* Compares two tasks by column for sorting: values before empty cells,
 * ties broken by tid so the order is stable. */
int column_compare(const struct column *col, struct model *m, const struct task *a,
		   const struct task *b, bool reverse);
/* The column's title: its header, except that under -a (accumulated) the
 * rate columns hold totals and lose their "/s" ("READ/s" -> "READ"). */
const char *column_title(const struct column *col, bool accumulated);
/* The screen's shorter form of a text cell (cgroup: the unit or container
 * id), into out; false when the cell is shown as it is. Text, CSV and
 * JSON keep the whole value. */
bool column_screen_text(const struct column *col, const struct cell *c, char *out,
			size_t outsize);
/* formats a value for text in human units (K, M, G, T) into out */
void column_format_human(double v, char *out, size_t outsize);

#endif
