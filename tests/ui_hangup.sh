#!/bin/bash
# The terminal closed under pidtop (doc/RELIABILITY.md, "Faults"): the tmux
# session killed (its pty gone) and, in a second run, SIGHUP with the
# terminal still there. Each time pidtop must be gone within 1 s (3 s on
# the sanitizer build, whose exit is slow) without spinning meanwhile: the
# time it took and the CPU it used to go are printed.
. "$(dirname "$0")/ui_common.sh"

limit_ms=1000
grep -q __asan_init "$PIDTOP" && limit_ms=3000
hz=$(getconf CLK_TCK)

cpu_ticks() { # utime + stime of PIDTOP_PID, or nothing once it is gone
	sed 's/.*) //' "/proc/$PIDTOP_PID/stat" 2>/dev/null | awk '{ print $12 + $13 }'
}

# gone_within HOW: waits (5 s at most) for pidtop to end after HOW was
# done to it just now; prints the milliseconds and the CPU it took
gone_within() {
	local start now ms last cpu0 cpu
	cpu0=$1
	start=$(date +%s%N)
	last=$cpu0
	while ! ui_gone "$PIDTOP_PID"; do
		cpu=$(cpu_ticks)
		[ -n "$cpu" ] && last=$cpu
		now=$(date +%s%N)
		[ $(((now - start) / 1000000)) -le 5000 ] || ui_fail "pidtop still runs 5 s after $2"
		sleep 0.02
	done
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "$2: pidtop gone in $ms ms, $(((last - cpu0) * 1000 / hz)) ms of CPU meanwhile"
	[ "$ms" -le "$limit_ms" ] || ui_fail "pidtop took $ms ms to go after $2 (limit $limit_ms)"
	[ $(((last - cpu0) * 1000 / hz)) -le 500 ] || ui_fail "pidtop spun after $2"
}

ui_session 200 50
ui_start_pidtop -d 0.5
ui_wait_for "Sources:" 10
cpu0=$(cpu_ticks)
T kill-server
gone_within "$cpu0" "the terminal closed (tmux session killed)"
grep -qE 'Sanitizer|runtime error:' "$UI_TMP/stderr" && ui_fail "$(cat "$UI_TMP/stderr")"

ui_session 200 50
ui_start_pidtop -d 0.5
ui_wait_for "Sources:" 10
cpu0=$(cpu_ticks)
kill -HUP "$PIDTOP_PID"
gone_within "$cpu0" "SIGHUP"
ui_alive && ui_fail "pidtop outlived SIGHUP"
echo "PASS: pidtop goes when its terminal does"
