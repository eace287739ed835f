/* fuzz_pktdecode.c - libFuzzer target for the packet decoder.
 *
 * The first byte picks the link type, the next four the wire length; the
 * rest is the captured frame, copied to an exact-size buffer so that
 * AddressSanitizer reports any read past caplen. Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     fuzz/fuzz_pktdecode.c src/pktdecode.c -o fuzz_pktdecode */
#include <pcap/dlt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/pktdecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int dlts[] = {DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_EN10MB, DLT_RAW,
				   DLT_IPV4,      DLT_IPV6,       DLT_NULL,   DLT_LOOP};
	if (size < 5)
		return 0;
	int dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
	uint32_t wirelen = ((uint32_t)data[1] << 24) | ((uint32_t)data[2] << 16) |
			   ((uint32_t)data[3] << 8) | data[4];
	size_t caplen = size - 5;
	uint8_t *frame = malloc(caplen ? caplen : 1);
	if (!frame)
		return 0;
	memcpy(frame, data + 5, caplen);
	struct pkt_info pi;
	int rc = pktdecode(dlt, frame, caplen, wirelen, &pi);
	/* invariants the caller relies on */
	if (rc == PKTDECODE_FLOW || rc == PKTDECODE_FRAGMENT || rc == PKTDECODE_NO_PORTS) {
		if (pi.ip_len == 0 || pi.key.pad != 0)
			abort();
		if (pi.key.family != 2 && pi.key.family != 10)
			abort();
		if (wirelen >= caplen && pi.ip_len > wirelen)
			abort();
	}
	if (rc == PKTDECODE_FRAGMENT && (pi.key.sport || pi.key.dport || !pi.fragment))
		abort();
	free(frame);
	return 0;
}
