#!/bin/bash
# Resizing to 20x5, 1x1 and back to 200x60 keeps pidtop alive and it
# redraws the full screen afterwards; it still quits with status 0.
. "$(dirname "$0")/ui_common.sh"

ui_session 200 60
ui_start_pidtop -d 0.3
ui_wait_for "Sources:" 10
for size in 20x5 1x1 7x3 200x60 1x1 200x60; do
	T resize-window -t ui -x "${size%x*}" -y "${size#*x}" || ui_hard_error "tmux cannot resize to $size"
	sleep 0.7
	ui_alive || ui_fail "pidtop died after the resize to $size"
	case $size in
	20x5)
		ui_screen | grep -q '[^[:space:]]' || ui_fail "nothing drawn at 20x5"
		;;
	200x60)
		ui_wait_for "Sources:" 5
		ui_wait_for "F10Quit" 5
		ui_screen | grep -qE '^ +PID +USER' || ui_fail "no column headers at 200x60"
		[ "$(ui_screen | grep -cE '^ +[0-9]+ ')" -ge 20 ] || ui_fail "too few rows at 200x60"
		;;
	esac
done
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0 after the resizes"
echo "PASS: alive and redrawn across 20x5, 1x1, 7x3 and 200x60"
