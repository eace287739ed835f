/* tracefmt.h - a kernel trace event's id and field layout, from tracefs.
 *
 * Every event under events/GROUP/NAME/ has an "id" (what perf_event_open
 * takes as the config of a PERF_TYPE_TRACEPOINT event) and a "format" file
 * listing its fields ("field:TYPE NAME[N]; offset:O; size:S; signed:X;").
 * A raw record starts with the common header of every event (the event's id
 * in a u16 at offset 0, its flags in a byte at offset 2:
 * include/linux/trace_events.h, struct trace_entry).
 */
#ifndef PIDTOP_TRACEFMT_H
#define PIDTOP_TRACEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TRACEFMT_TYPE_OFFSET 0  /* u16: the event's id */
#define TRACEFMT_FLAGS_OFFSET 2 /* u8: TRACE_FLAG_* of the context it fired in */
/* include/linux/trace_events.h: fired in an interrupt, not a system call */
#define TRACEFMT_FLAG_IRQ_CONTEXT (0x08u | 0x10u | 0x40u) /* HARDIRQ, SOFTIRQ, NMI */

/* A field a decoder needs: its name, its size in bytes, and where its
 * offset goes (an int member of the caller's layout struct). */
struct tracefmt_want {
	const char *name;
	size_t size;
	size_t where;
};

/* Fills the int at layout + want[i].where with each wanted field's offset
 * and *size with the bytes a record must hold for all of them. Returns 0,
 * or -1 when a field is missing, has another size or lies beyond 64 KiB. */
int tracefmt_parse(const char *text, size_t len, const struct tracefmt_want *want, size_t n,
		   void *layout, int *size);

/* Reads event ("GROUP/NAME") from tracefs (/sys/kernel/tracing or the
 * debugfs one): its id, and its format file into buf (NUL-terminated,
 * *len bytes). Returns 0, or -1 when the event or tracefs is not there. */
int tracefmt_find(const char *event, long *id, char *buf, size_t size, size_t *len);

#endif
