/* menus.h - pop-up menus, prompts and the function bar (menus.c). */
#ifndef PIDTOP_UI_MENUS_H
#define PIDTOP_UI_MENUS_H

#include "uistate.h"

/* menus.c */
void menu_open_signal(struct ui *ui);
void menu_open_sort(struct ui *ui);
void menu_open_user(struct ui *ui);
void menu_open_ionice(struct ui *ui);
void prompt_open(struct ui *ui, enum prompt_kind kind);
/* The open menu (MODE_MENU) and prompt (MODE_PROMPT): their keys, the
 * menu's clicks and box (views.c puts them over the view under them). */
unsigned menu_key(struct ui *ui, int key);
unsigned menu_mouse(struct ui *ui, int y, int x, unsigned long bstate);
void menu_draw(struct ui *ui);
unsigned prompt_key(struct ui *ui, int key);
void menus_bar_draw(struct ui *ui);
void menu_free(struct menu *menu);
/* The function-bar action under column x of the bar, or ACT_NONE. */
enum ui_action menus_fbar_hit(struct ui *ui, int x);

#endif
