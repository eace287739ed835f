/* parse_priv.h - helpers shared by parse.c and parse_sys.c, not part of
 * parse.h's contract.
 *
 * Defined in parse.c; see the comments there.
 */
#ifndef PIDTOP_PARSE_PRIV_H
#define PIDTOP_PARSE_PRIV_H

#include "parse.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- bytes and numbers ---------------------------------------------- */

bool parse_is_digit(char c);
bool parse_is_blank(char c);
const char *parse_skip_blanks(const char *p, const char *end);
int parse_scan_u64(const char **pp, const char *end, uint64_t *out);
int parse_scan_decimal(const char **pp, const char *end, double *out);
int parse_tok_i64(const char *tok, size_t n, int64_t min, int64_t max, int64_t *out);
uint64_t parse_sat_add(uint64_t a, uint64_t b);

/* ---- single-line records: space-separated tokens -------------------- */

/* struct fields and its tokenizer: parse.h */
int parse_fields_u64(struct fields *f, uint64_t *out);

/* ---- line-oriented files (struct lines: parse.h) --------------------- */

const char *parse_line_key(const char *s, const char *e, const char *key, size_t keylen, char sep);
int parse_line_u64(const char **pp, const char *e, uint64_t *out);
int parse_line_i64(const char **pp, const char *e, int64_t min, int64_t max, int64_t *out);

/* "Key:<blanks>number[ kB]" files (meminfo, io): each key names a uint64_t
 * member of the output struct by offset. Returns a bitmask of the keys found,
 * or -1 when a recognised line is malformed. */
struct keyed_u64 {
	const char *key;
	size_t keylen;
	size_t offset;
};
#define KEYED(k, type, member)                                                                     \
	{                                                                                          \
		k, sizeof(k) - 1, offsetof(type, member)                                           \
	}

long parse_keyed_u64(const char *buf, size_t len, const struct keyed_u64 *keys, size_t nkeys,
                     void *out);

#endif
