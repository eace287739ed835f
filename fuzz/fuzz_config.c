/* fuzz_config.c - libFuzzer target for the YAML configuration readers:
 * the same bytes as a --group-file and as a --web-config. Besides memory
 * errors it traps when a documented invariant breaks (a failure leaves no
 * rules, a one-line message; a success gives rules with names). Build:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     fuzz/fuzz_config.c src/yamlcfg.c src/grouprules.c src/webconfig.c \
 *     src/sanitize.c -lyaml -lcrypt -lpthread -o fuzz_config */
#include <stdint.h>
#include <string.h>

#include "groups.h"
#include "webconfig.h"
#include "yamlcfg.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct yamlcfg y;
	if (yamlcfg_load_bytes(&y, "fuzz.yml", (const char *)data, size, err, sizeof err) == 0) {
		struct group_rules r;
		if (group_rules_from_yaml(&y, &r, err, sizeof err) == 0) {
			for (size_t i = 0; i < r.n; i++)
				CHECK(r.v[i].name && r.v[i].name[0]);
		} else {
			CHECK(r.n == 0 && r.v == NULL && !strchr(err, '\n'));
		}
		group_rules_free(&r);
		struct webconfig w;
		if (webconfig_from_yaml(&y, &w, err, sizeof err) == 0)
			CHECK(!w.cert_pem == !w.key_pem);
		else
			CHECK(!strchr(err, '\n'));
		webconfig_free(&w);
	}
	yamlcfg_free(&y);
	return 0;
}
