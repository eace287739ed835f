/* tags.h - tagged tasks (tags.c). */
#ifndef PIDTOP_UI_TAGS_H
#define PIDTOP_UI_TAGS_H

#include "uistate.h"

bool tags_has(const struct ui *ui, const struct task *t);
/* Tags or untags t; returns whether it is tagged now. */
bool tags_toggle(struct ui *ui, const struct task *t);
void tags_clear(struct ui *ui);
/* Tags t and every row whose process descends from t's; returns how many
 * were newly tagged. */
size_t tags_add_descendants(struct ui *ui, const struct task *t);
/* The live task of tag i, or NULL once it is gone. */
struct task *tags_task(struct ui *ui, size_t i);
/* Forgets the tags of tasks that are gone. */
void tags_prune(struct ui *ui);

#endif
