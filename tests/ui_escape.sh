#!/bin/bash
# A process whose name carries ESC [31m (red) and a C1 control (U+009B, the
# one-byte CSI) is shown escaped - in the command line and in the task name
# (c toggles) - and nothing on the pane turns red. --no-color, so any red
# on the pane (SGR 31) could only come from the process name.
. "$(dirname "$0")/ui_common.sh"

evil=$(printf 'ev\033[31mil\302\233x')
ui_sleeper EVIL "$evil"
ui_session 200 30
ui_start_pidtop -d 0.5 --no-color -p "$EVIL"
ui_wait_for 'ev\x1b[31mil\u009bx' 10

check_pane() {
	local what=$1 colours
	colours=$(T capture-pane -p -e -t ui)
	if grep -qE $'\e\\[([0-9;]*;)?31(;[0-9;]*)?m' <<<"$colours"; then
		ui_fail "$what: the pane has red text (SGR 31)"
	fi
	if grep -qF $'\e[31m' <<<"$(ui_screen)"; then
		ui_fail "$what: a raw ESC [31m reached the pane"
	fi
	local row
	row=$(ui_first_row)
	case $row in
	*"$EVIL"*) ;;
	*) ui_fail "$what: the process row is missing: '$row'" ;;
	esac
}
check_pane "command line"
ui_type c
ui_wait_for "COMMAND: task name" 5
ui_wait_for 'ev\x1b[31mil\u009bx' 5
check_pane "task name"
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
echo "PASS: escape sequences in names are shown escaped and do not colour the pane"
