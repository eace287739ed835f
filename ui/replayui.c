/* replayui.c - moving in a recording on the screen */
#include "replayui.h"
#include "recfile.h"
#include "ui.h"
#include "uistate.h"
#include "when.h"
#include "core.h"
#include "menus.h"

#include <stdio.h>
#include <time.h>

bool replayui_active(const struct ui *ui)
{
	return model_is_replay(ui->m);
}

static uint64_t samples(const struct ui *ui)
{
	const struct recread_info *ri = model_replay_info(ui->m);
	return ri ? ri->samples : 0;
}

/* Shows sample k next (its rates need the one before: the model puts that
 * back first). */
static unsigned go_to(struct ui *ui, uint64_t k)
{
	uint64_t n = samples(ui);
	if (n == 0)
		return 0;
	if (k >= n)
		k = n - 1;
	if (model_replay_seek(ui->m, k) < 0) {
		ui_message(ui, true, "sample %llu cannot be read", (unsigned long long)k + 1);
		return RX_REDRAW;
	}
	return RX_REFRESH | RX_REDRAW;
}

unsigned replayui_action(struct ui *ui, enum ui_action a)
{
	if (!replayui_active(ui)) {
		ui_message(ui, false, "moving in time works on a recording (pidtop -R FILE)");
		return RX_REDRAW;
	}
	uint64_t pos = model_replay_pos(ui->m), n = samples(ui);
	switch (a) {
	case ACT_REPLAY_FWD:
		if (pos + 1 >= n) {
			ui_message(ui, false, "the end of the recording");
			return RX_REDRAW;
		}
		return RX_REFRESH | RX_REDRAW;
	case ACT_REPLAY_BACK:
		if (pos == 0) {
			ui_message(ui, false, "the start of the recording");
			return RX_REDRAW;
		}
		return go_to(ui, pos - 1);
	case ACT_REPLAY_START: return go_to(ui, n > 1 ? 1 : 0);
	case ACT_REPLAY_END: return go_to(ui, n ? n - 1 : 0);
	case ACT_REPLAY_JUMP:
		prompt_open(ui, PROMPT_TIME);
		ui->prompt.accept = replayui_jump;
		return RX_REDRAW;
	case ACT_REPLAY_SPEED:
		ui->replay_speed = ui->replay_speed >= 100 ? 1 : ui->replay_speed * 10;
		ui_message(ui, false, "playing at %dx (Z plays and pauses)", ui->replay_speed);
		ui->next_refresh_s = ui->now_s + replayui_wait_s(ui);
		return RX_REDRAW;
	default:
		return 0;
	}
}

unsigned replayui_jump(struct ui *ui, const char *text)
{
	struct when w;
	const struct recread_info *ri = model_replay_info(ui->m);
	if (!ri || when_parse(text, &w) < 0) {
		ui_message(ui, true, "'%s': expected HH:MM[:SS] or YYYY-MM-DD HH:MM[:SS]", text);
		return RX_REDRAW;
	}
	int64_t k = model_replay_find(ui->m, when_resolve(&w, ri->first_wall_ns));
	if (k < 0) {
		ui_message(ui, true, "the recording ends before %s", text);
		return RX_REDRAW;
	}
	return go_to(ui, (uint64_t)k);
}

double replayui_wait_s(const struct ui *ui)
{
	const struct recread_info *ri = model_replay_info(ui->m);
	double iv = ri && ri->mean_interval_s > 0 ? ri->mean_interval_s : 1;
	int speed = ui->replay_speed > 0 ? ui->replay_speed : 1;
	return iv / speed;
}

void replayui_status(const struct ui *ui, char *out, size_t outlen)
{
	char when[64];
	struct tm tm;
	time_t t = model_wall(ui->m)->tv_sec;
	localtime_r(&t, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, outlen, "REPLAY %s.%ld [%llu/%llu] %s %dx", when, model_wall(ui->m)->tv_nsec / 100000000,
		 (unsigned long long)model_replay_pos(ui->m) + 1, (unsigned long long)samples(ui),
		 ui->paused ? "paused" : "playing", ui->replay_speed > 0 ? ui->replay_speed : 1);
}
