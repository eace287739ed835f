/* fuzz_check.h - CHECK(cond): a fuzz target's invariant; traps when it
 * breaks, so libFuzzer reports the input. */
#ifndef PIDTOP_FUZZ_CHECK_H
#define PIDTOP_FUZZ_CHECK_H

#define CHECK(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

#endif
