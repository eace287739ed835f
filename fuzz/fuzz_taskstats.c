/* fuzz_taskstats.c - libFuzzer target for what a taskstats socket
 * receives (src/tsdecode.c): the bytes as a buffer of netlink messages of
 * the family numbered like the first message's type (so real replies,
 * tests/fixtures/taskstats/, parse as such), and as one struct taskstats.
 * Traps when a documented invariant breaks (tsdecode.h). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tsdecode.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_sample(const struct taskstats_sample *s)
{
	CHECK(s->version != 0);
	CHECK(memchr(s->comm, '\0', sizeof s->comm) != NULL);
	CHECK(!s->has_delay_extremes || s->version >= 15);
}

static void on_record(void *ctx, uint32_t seq, const struct taskstats_sample *s, int err)
{
	(void)seq;
	(*(int *)ctx)++;
	if (s) {
		CHECK(err == 0);
		CHECK(s->scope == TASKSTATS_SCOPE_TASK || s->scope == TASKSTATS_SCOPE_PROCESS);
		check_sample(s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t family = 0;
	if (size >= 6)
		memcpy(&family, data + 4, sizeof family);
	int calls = 0;
	int rc = taskstats_parse_messages(data, size, family, on_record, &calls);
	CHECK(rc == -EBADMSG || rc == calls);

	static const struct taskstats_sample zero;
	struct taskstats_sample s;
	if (taskstats_decode(data, size, &s) == 0)
		check_sample(&s);
	else
		CHECK(memcmp(&s, &zero, sizeof s) == 0);
	return 0;
}
