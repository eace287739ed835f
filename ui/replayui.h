/* replayui.h - the screen on a recording (pidtop -R FILE): moving in time.
 *
 * The model gives each sample as a live refresh would (src/replay.h); this
 * room only chooses which sample comes next: one forward or back, the
 * start or the end, a time typed by the user, or playing at 1x, 10x or
 * 100x the recorded pace. */
#ifndef PIDTOP_UI_REPLAYUI_H
#define PIDTOP_UI_REPLAYUI_H

#include <stdbool.h>
#include <stddef.h>

#include "keys.h"

struct ui;

/* Whether the screen shows a recording. */
bool replayui_active(const struct ui *ui);
/* The replay keys (ACT_REPLAY_*). */
unsigned replayui_action(struct ui *ui, enum ui_action a);
/* A time typed at the prompt: jump there. */
unsigned replayui_jump(struct ui *ui, const char *text);
/* When playing: seconds until the next sample is due. */
double replayui_wait_s(const struct ui *ui);
/* The status line's words: "REPLAY 2026-12-03 03:00:12.4 [512/8640] playing 10x". */
void replayui_status(const struct ui *ui, char *out, size_t outlen);

#endif
