/* buf.h - a growable byte buffer for output and whole-file reads, and the
 * growth of any array. Once warm it is reused: appends allocate only when
 * a report outgrows every earlier one. */
#ifndef PIDTOP_BUF_H
#define PIDTOP_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed; contents are truncated */
};

bool buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_put_u64(struct buf *b, uint64_t v);
/* s[0..n) as a quoted JSON string: quotes, backslashes and control bytes
 * escaped (the text is expected sanitised: valid UTF-8). */
void buf_put_json_string(struct buf *b, const char *s, size_t n);
void buf_put_i64(struct buf *b, int64_t v);
/* fixed-point decimal with `decimals` digits after the point (0..6) */
void buf_put_fixed(struct buf *b, double v, int decimals);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* writes everything to fd, retrying on EINTR and short writes; -1 with errno on failure */
int buf_write_fd(const struct buf *b, int fd);

/* Room for n elements of size bytes in the array p, whose capacity is
 * *cap: doubled (from first when empty) until n fit. Returns the array,
 * moved or not, with *cap updated; NULL when out of memory, p and *cap as
 * they were. */
void *array_grow(void *p, size_t *cap, size_t n, size_t size, size_t first);
/* The same in place: *v grown (from 16) to hold need elements. 0, or -1
 * when out of memory (*v and *cap as they were). */
int array_reserve(void **v, size_t *cap, size_t need, size_t size);

#endif
