/* text.h - putting sanitised UTF-8 into terminal cells (the screen, and
 * the aligned columns of text reports).
 *
 * Strings reaching the screen are already sanitised (valid UTF-8, no
 * controls). What is left is display width: double-width characters take
 * two cells, combining marks none, and a terminal whose locale is not UTF-8
 * gets plain ASCII. Pure functions, no curses. */
#ifndef PIDTOP_TEXT_H
#define PIDTOP_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* true when s[0..len) holds nothing that could act on a terminal or
 * mislead a reader: no C0 or C1 control, DEL, bidi or line/paragraph
 * separator control, byte order mark, or invalid UTF-8. Already
 * sanitised text passes (its backslash escapes are plain ASCII); raw
 * text that fails must go through sanitize_text() first. */
bool text_is_safe(const char *s, size_t len);

/* Cells that s[0..len) takes on the screen. */
int text_width(const char *s, size_t len, bool utf8);

/* Copies s[0..len) into out followed by spaces up to `width` cells (by
 * text_width), NUL-terminated; a longer s is copied whole (never cut).
 * Returns the bytes written. */
size_t text_pad(const char *s, size_t len, int width, bool utf8, char *out, size_t outsize);

/* Copies the longest prefix of s[0..len) that fits in `width` cells into
 * out (NUL-terminated), never splitting a character: a double-width
 * character that would straddle the edge is left out. Without utf8 every
 * non-ASCII character becomes one '?'; a character the locale cannot
 * print becomes '?' too. Returns the cells used; *consumed (may be NULL)
 * gets the input bytes taken. out needs 4 * width + 1 bytes to hold any
 * width; a smaller out ends the copy early. */
int text_fit(const char *s, size_t len, int width, bool utf8, char *out, size_t outsize,
	     size_t *consumed);

/* Skips the first `cells` display cells of s[0..len) (horizontal scroll);
 * returns the byte offset where the rest starts. */
size_t text_skip(const char *s, size_t len, int cells, bool utf8);

/* "192.0.2.1:80" or "[2001:db8::1]:80": an address of family (AF_INET or
 * AF_INET6, 4 or 16 bytes at addr) and port into out; "?" for an address
 * that cannot be shown. */
void text_endpoint(char *out, size_t outsize, int family, const void *addr, unsigned port);

#endif
