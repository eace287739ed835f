/* fuzz_tcpevents.c - libFuzzer target: the tracepoint format parser and the
 * raw record decoder of src/tcpevents.c. The bytes are read as a format
 * file, and as a raw record under the kernel's layout and under the layout
 * the same bytes parse to. Traps when a documented invariant breaks. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tcpevents.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* traps (libFuzzer reports a crash) when a documented invariant breaks */
static void check(int ok)
{
	if (!ok)
		__builtin_trap();
}

/* Linux 6.x: include/trace/events/sock.h, inet_sock_set_state */
static const struct tcpevents_layout kernel = {
	.skaddr = 8, .newstate = 20, .sport = 24, .dport = 26, .family = 28, .protocol = 30,
	.saddr = 32, .daddr = 36, .saddr_v6 = 40, .daddr_v6 = 56, .size = 72,
};

static void decode(const struct tcpevents_layout *l, const uint8_t *data, size_t size)
{
	struct tcpevents_change c;
	int rc = tcpevents_decode(l, data, size, &c);
	if (size < (size_t)l->size)
		check(rc == -1);
	if (rc == 0)
		check(c.leg.proto == 6 && (c.leg.family == 2 || c.leg.family == 10));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcpevents_layout l;
	decode(&kernel, data, size);
	if (tcpevents_parse_format((const char *)data, size, &l) == 0) {
		const int *f = &l.skaddr;
		for (int i = 0; i < 10; i++)
			check(f[i] >= 0 && f[i] < l.size);
		check(l.size <= 65535 + 16);
		decode(&l, data, size);
	}
	return 0;
}
