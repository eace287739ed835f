#!/bin/bash
# The drill-down's Threads tab shows each thread's CPU% (and I/O rates),
# busiest first, in process mode too (the model then samples no thread):
# a burner with two workers at 40% of a CPU each shows both workers with a
# CPU% above 10 on the first two lines, and its sleeping main thread below.
. "$(dirname "$0")/ui_common.sh"

ready="$UI_TMP/ready"
ui_spawn BURN "$(ui_workload burner)" --threads 2 --duty 40 --seconds 120 --ready "$ready"
ui_wait_file "$ready" 10

ui_session 160 45
ui_start_pidtop -d 0.5 -p "$BURN"
ui_wait_for "COMMAND" 10
ui_wait_for "$BURN" 10
ui_type Enter
ui_wait_for "WRITE/s" 5
# the thread lines: after the tab's column header
thread_lines() {
	ui_screen | awk 'found && NF >= 12 { print } / TID +S +CPU%/ { found = 1 }'
}
ok=0
for _ in $(seq 60); do
	lines=$(thread_lines)
	first=$(echo "$lines" | sed -n 1p)
	second=$(echo "$lines" | sed -n 2p)
	third=$(echo "$lines" | sed -n 3p)
	c1=$(echo "$first" | awk '{ print $3 }')
	c2=$(echo "$second" | awk '{ print $3 }')
	t3=$(echo "$third" | awk '{ print $1 }')
	if awk -v a="$c1" -v b="$c2" 'BEGIN { exit !(a + 0 > 10 && b + 0 > 10 && a >= b) }' &&
		[ "$t3" = "$BURN" ]; then
		ok=1
		break
	fi
	sleep 0.2
done
[ "$ok" = 1 ] || ui_fail "no busy worker CPU% first on the Threads tab (first '$first', second '$second', third '$third')"
echo "$(thread_lines)" | awk '{ print $7 }' | grep -qx -- '-' && ui_fail "a thread still has no read rate"
ui_type Escape
sleep 0.5
ui_quit
echo "PASS: Threads tab: workers at $c1 and $c2 % first, the main thread $BURN after them"
