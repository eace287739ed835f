#!/bin/bash
# Resizing to 20x5, 1x1 and back to 200x60 keeps pidtop alive and it
# redraws the full screen afterwards; so do resizes while it is stopped
# (SIGSTOP, then SIGCONT) and 1,000 resizes in a row (doc/RELIABILITY.md);
# it still quits with status 0.
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
# the whole screen again at 200x60: header, column titles, rows
whole() {
	ui_wait_for "Sources:" 10
	ui_wait_for "F10Quit" 5
	ui_screen | grep -qE '^ +PID +USER' || ui_fail "no column headers after $1"
	[ "$(ui_screen | grep -cE '^ +[0-9]+ ')" -ge 20 ] || ui_fail "too few rows after $1"
}

# SIGSTOP from elsewhere: the shell takes the terminal back and says so;
# fg gives it to pidtop again with SIGCONT (and the shell's own status
# line for the stopped job, 128 + SIGSTOP, lands in $UI_TMP/rc)
kill -STOP "$PIDTOP_PID"
ui_wait_file "$UI_TMP/rc" 5
for size in 30x10 120x40 200x60; do
	T resize-window -t ui -x "${size%x*}" -y "${size#*x}"
done
sleep 0.3
rm -f "$UI_TMP/rc"
ui_literal fg
ui_type Enter
sleep 1
ui_alive || ui_fail "pidtop died after SIGSTOP and SIGCONT"
whole "SIGSTOP, three resizes and fg (SIGCONT)"

start=$(date +%s.%N)
for batch in $(seq 20); do
	args=()
	for i in $(seq 50); do
		args+=(resize-window -t ui -x $((20 + (batch * 50 + i) * 7 % 181)) -y $((3 + i % 58)) \;)
	done
	T "${args[@]}" >/dev/null || ui_hard_error "tmux cannot resize"
done
T resize-window -t ui -x 200 -y 60
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
ui_alive || ui_fail "pidtop died during 1,000 resizes"
whole "1,000 resizes in $took s"
# after fg the shell reports no status: pidtop must be gone, and quietly
ui_type q
for _ in $(seq 50); do
	ui_alive || break
	sleep 0.1
done
ui_alive && ui_fail "pidtop still runs 5 s after q"
grep -qE 'Sanitizer|runtime error:' "$UI_TMP/stderr" && ui_fail "$(cat "$UI_TMP/stderr")"
echo "PASS: alive and redrawn across 20x5, 1x1, 7x3 and 200x60, after SIGSTOP and fg, after 1,000 resizes in $took s"
