#!/bin/bash
# x hides the tasks that ended (state X, from taskstats exit records) and
# shows them again: a spawner starts 40 short-lived children a second; their
# X rows come, go while x is on (the header says "ended hidden"), and come
# back after a second x.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" -eq 0 ] || ui_skip "the tasks that ended come from taskstats exit records (root)"
ui_spawn SPAWNER "$(ui_workload spawner)" --rate 40 --min-ms 20 --max-ms 300 --seconds 60
ui_session 200 50
ui_start_pidtop -d 0.5 -c spawner
ui_wait_for "Sources:" 10
grep -q "taskstats unavailable" <<<"$(ui_screen)" && ui_skip "taskstats is unavailable here"

# x_rows : how many rows of the table are in state X
x_rows() {
	ui_screen | awk 'found && $3 == "X" { n++ } /^ *PID +USER +S / { found = 1 } END { print n + 0 }'
}

# wait_x_rows SECONDS : until at least one X row shows
wait_x_rows() {
	local i
	for i in $(seq $(($1 * 10))); do
		[ "$(x_rows)" -gt 0 ] && return 0
		sleep 0.1
	done
	ui_fail "no row in state X within $1 s: $(ui_screen | head -20)"
}

wait_x_rows 10
echo "ok   rows in state X shown by default"
ui_type x
ui_wait_for "ended hidden" 5
sleep 0.6 # the refresh after the key has no X rows; then watch four more
for i in $(seq 20); do
	n=$(x_rows)
	[ "$n" -eq 0 ] || ui_fail "$n rows in state X while x hides them"
	sleep 0.1
done
echo "ok   x hides them (2 s, 4 refreshes, none shown)"
ui_type x
sleep 0.3
ui_screen | grep -qF "ended hidden" && ui_fail "the header still says 'ended hidden' after a second x"
wait_x_rows 10
echo "ok   a second x shows them again"
ui_quit
echo "PASS"
