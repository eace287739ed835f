#!/bin/bash
# / with a unique name selects that task (the signal menu names its pid),
# and the signal menu's default (SIGTERM) kills it. With --readonly the
# same keys refuse and the task lives.
. "$(dirname "$0")/ui_common.sh"

name="uivictim$$"
ui_sleeper VICTIM "$name"
ui_sleeper OTHER "uibystander$$"
ui_session 200 50

# --readonly first: k must not open the menu
ui_start_pidtop -d 0.5 --readonly
ui_wait_for "COMMAND" 10
ui_type /
ui_literal "$name"
ui_type Enter
ui_type k
ui_wait_for "read-only" 5
ui_screen | grep -qF "Send signal" && ui_fail "--readonly opened the signal menu"
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "readonly run did not exit 0"
kill -0 "$VICTIM" 2>/dev/null || ui_fail "--readonly run killed the victim"

ui_start_pidtop -d 0.5
ui_wait_for "COMMAND" 10
ui_type /
ui_literal "$name"
ui_type Enter
ui_type k
ui_wait_for "Send signal to $VICTIM:" 5
ui_wait_for "SIGTERM" 2
ui_type Enter
i=0
while ! ui_gone "$VICTIM"; do
	i=$((i + 1))
	[ "$i" -le 50 ] || ui_fail "the victim $VICTIM is still alive 5 s after SIGTERM"
	sleep 0.1
done
kill -0 "$OTHER" 2>/dev/null || ui_fail "the bystander died too"
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
echo "PASS: search selected $VICTIM, the signal menu killed it, --readonly refused"
