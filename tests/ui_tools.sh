#!/bin/bash
# s and l run strace and lsof on the selected task with the screen
# suspended, and the screen comes back after Enter; Ctrl-C ends strace,
# not pidtop. A missing tool is named with its Debian package; --readonly
# refuses both.
. "$(dirname "$0")/ui_common.sh"

name="uitool$$"
ui_sleeper VICTIM "$name"
ui_session 200 50

# no tools on PATH: the message names the package
rm -f "$UI_TMP/rc"
ui_literal "PATH=/nonexistent '$PIDTOP' -d 0.5 -p $VICTIM 2>>'$UI_TMP/stderr'; echo \$? > '$UI_TMP/rc'"
ui_type Enter
ui_wait_for "$name" 10
ui_type l
ui_wait_for "lsof is not installed (apt-get install lsof)" 5
ui_type s
ui_wait_for "strace is not installed (apt-get install strace)" 5
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"

ui_start_pidtop -d 0.5 --readonly -p "$VICTIM"
ui_wait_for "$name" 10
ui_type l
ui_wait_for "read-only" 5
ui_quit

if command -v lsof >/dev/null 2>&1; then
	ui_start_pidtop -d 0.5 -p "$VICTIM"
	ui_wait_for "$name" 10
	ui_type l
	ui_wait_for "press Enter to return to pidtop" 15
	ui_screen | grep -q "lsof -p $VICTIM" || ui_fail "no 'lsof -p $VICTIM' line"
	ui_screen | grep -q "txt .*/$name" || ui_fail "lsof did not list the sleeper's executable"
	ui_type Enter
	ui_wait_for "F1Help" 5
	ui_wait_for "$name" 5
	ui_quit
else
	echo "lsof not installed: its run is not tested"
fi

if command -v strace >/dev/null 2>&1; then
	T clear-history -t ui
	ui_type C-l
	ui_start_pidtop -d 0.5 -p "$VICTIM"
	ui_wait_for "F1Help" 10
	ui_wait_for "$name" 10
	ui_type s
	ui_wait_for "strace -f -p $VICTIM (Ctrl-C ends it)" 5
	ui_wait_for "attached" 10
	ui_type C-c
	ui_wait_for "press Enter to return to pidtop" 10
	ui_alive || ui_fail "Ctrl-C for strace ended pidtop"
	ui_type Enter
	ui_wait_for "F1Help" 5
	ui_wait_for "$name" 5
	kill -0 "$VICTIM" || ui_fail "the traced sleeper died"
	ui_quit
else
	echo "strace not installed: its run is not tested"
fi
echo "PASS: l and s ran lsof and strace and the screen came back; missing tools and --readonly refused"
