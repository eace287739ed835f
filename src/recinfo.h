/* recinfo.h - pidtop -R FILE --info: what a recording holds */
#ifndef PIDTOP_RECINFO_H
#define PIDTOP_RECINFO_H

#include <stddef.h>
#include <stdio.h>

/* Prints the recording's span, interval, samples, tasks, sources and size
 * to f. Returns 0, or 1 with the reason in err. */
int recinfo_print(const char *path, FILE *f, char *err, size_t errlen);

#endif
