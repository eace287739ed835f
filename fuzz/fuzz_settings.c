/* fuzz_settings.c - libFuzzer target for the settings file reader
 * (ui/settings.c, $XDG_CONFIG_HOME/pidtop/pidtoprc). Besides memory
 * errors it traps when a documented invariant breaks: the warning is one
 * line and set exactly when a line is bad, the columns stay within bounds
 * with the unbounded one last, and what settings_format writes of the
 * result reads back the same with no bad line. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "settings.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ui_settings s, again;
	char warn[256];
	settings_defaults(&s);
	int nbad = settings_parse((const char *)data, size, &s, warn, sizeof warn);
	CHECK(nbad >= 0);
	CHECK((nbad > 0) == (warn[0] != '\0'));
	CHECK(!strchr(warn, '\n'));
	CHECK(s.ncols >= 1 && s.ncols <= SETTINGS_MAX_COLUMNS && s.sort);
	for (size_t i = 0; i + 1 < s.ncols; i++)
		CHECK(s.cols[i] && !(s.cols[i]->flags & COL_LAST));
	CHECK(isfinite(s.interval_s) && s.interval_s >= 0.01 && s.interval_s <= 86400);

	struct buf b = {0};
	settings_format(&s, &b);
	CHECK(!b.failed);
	settings_defaults(&again);
	CHECK(settings_parse(b.data, b.len, &again, warn, sizeof warn) == 0);
	CHECK(settings_equal(&s, &again));
	buf_free(&b);
	return 0;
}
