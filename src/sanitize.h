/* sanitize.h - making untrusted kernel strings harmless.
 *
 * comm, cmdline, paths and environment come from whoever started the
 * process. Before they reach a terminal, CSV or JSON they are turned into
 * valid UTF-8 in which nothing can act on a terminal: C0 controls, DEL and
 * bytes that are not valid UTF-8 become "\xNN", C1 controls and the bidi
 * overrides become "\uNNNN", and a backslash becomes "\\" so an escape can
 * never be confused with a literal. */
#ifndef PIDTOP_SANITIZE_H
#define PIDTOP_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the sanitised form of in[0..len) into out (always NUL-terminated
 * when outsize > 0), never splitting an escape or a character. Returns the
 * bytes written, not counting the NUL. */
size_t sanitize_text(const char *in, size_t len, char *out, size_t outsize);

/* Room needed to sanitise len bytes without truncation (worst case). */
size_t sanitize_bound(size_t len);

/* true when in[0..len) would come out unchanged */
bool sanitize_is_clean(const char *in, size_t len);

#endif
