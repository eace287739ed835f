/* fuzz_tcpevents.c - libFuzzer target: the tracepoint format parser and the
 * raw record decoders of src/tcpevents.c and src/routeevents.c. The bytes are read as a format
 * file, and as a raw record under the kernel's layout and under the layout
 * the same bytes parse to. Traps when a documented invariant breaks. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "routeevents.h"
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

/* Linux 6.x: include/trace/events/fib.h and fib6.h */
static const struct routeevents_layout kernel_route[2] = {
	{.proto = 24, .iif = 20, .src = 28, .dst = 32, .sport = 56, .dport = 58, .size = 60,
	 .family = 2},
	{.proto = 68, .iif = 20, .src = 31, .dst = 47, .sport = 64, .dport = 66, .size = 69,
	 .family = 10},
};

static void decode_route(const struct routeevents_layout *l, const uint8_t *data, size_t size)
{
	struct flow_key leg;
	int rc = routeevents_decode(l, data, size, &leg);
	if (size < (size_t)l->size)
		check(rc == -1);
	if (rc == 0)
		check(leg.proto == 17 && leg.sport && leg.dport &&
		      (leg.family == 2 || leg.family == 10));
}

static void route(const uint8_t *data, size_t size)
{
	struct routeevents_layout l;
	for (int i = 0; i < 2; i++) {
		decode_route(&kernel_route[i], data, size);
		if (routeevents_parse_format((const char *)data, size, kernel_route[i].family, &l) == 0) {
			const int *f = &l.proto;
			for (int j = 0; j < 6; j++)
				check(f[j] >= 0 && f[j] < l.size);
			decode_route(&l, data, size);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	route(data, size);
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
