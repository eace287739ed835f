/* fuzz_exproute.c - libFuzzer target for what the exporter's own code
 * reads of an HTTP request (src/exproute.c): the bytes split at the first
 * two newlines into method, path and Accept header (no Accept header when
 * there is no second newline). libmicrohttpd parses the request itself;
 * its strings reach us NUL-terminated, so the parts end at a NUL too.
 * Traps when the route breaks its contract (exproute.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "exproute.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *method = text, *url = "", *accept = NULL;
	char *nl = strchr(method, '\n');
	if (nl) {
		*nl = '\0';
		url = nl + 1;
		nl = strchr(url, '\n');
		if (nl) {
			*nl = '\0';
			accept = nl + 1;
		}
	}
	enum exproute r = exproute_of(method, url, accept);
	bool known = strcmp(url, "/") == 0 || strcmp(url, "/metrics") == 0;
	CHECK(known || r == EXPROUTE_NOT_FOUND);
	CHECK(!known || exproute_readonly(method) || r == EXPROUTE_NOT_ALLOWED);
	CHECK(r != EXPROUTE_OPENMETRICS || (accept && strstr(accept, "openmetrics")));
	CHECK(r != EXPROUTE_INDEX || strcmp(url, "/") == 0);
	free(text);
	return 0;
}
