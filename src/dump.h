/* dump.h - `pidtop --dump PID`: one JSON object with everything the
 * drill-down shows about one task, parsed. A part that cannot be read is
 * null, with the reason in "unavailable": {"part": "reason"}. Connections
 * come from the task's network namespace tables (no traffic figures: a
 * one-shot dump runs no capture). */
#ifndef PIDTOP_DUMP_H
#define PIDTOP_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct taskinfo;

/* Appends the JSON object (and a newline) for ti to b. */
void dump_json(const struct taskinfo *ti, struct buf *b);

/* Reads pid under proc_root and writes its JSON to fd. Returns 0, or 1
 * with a one-line reason in why (no such process, unreadable proc root,
 * a write error). */
int dump_run(const char *proc_root, int32_t pid, int fd, char *why, size_t whylen);

#endif
