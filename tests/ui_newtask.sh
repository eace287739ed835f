#!/bin/bash
# A task born since the previous refresh is highlighted (black on green)
# for one refresh, like htop's new processes; one that was there before
# pidtop started is not.
. "$(dirname "$0")/ui_common.sh"

ui_sleeper OLD "uinewold$$"
ui_session 200 50
ui_start_pidtop -d 1 -c "uinew"
ui_wait_for "uinewold$$" 10
# the cursor on the old task (by identity): the selection's colour must not
# fall on the new row when it sorts first
ui_type Down
sleep 1.2
row_sgr() { T capture-pane -e -p -t ui | grep -F "$1" | head -n 1; }
green_bg() { echo "$1" | grep -qE $'\e\\[([0-9;]*;)?42(;[0-9;]*)?m'; }
green_bg "$(row_sgr "uinewold$$")" && ui_fail "a task older than pidtop is highlighted as new"
ui_sleeper NEW "uinewborn$$"
seen=0
for _ in $(seq 40); do
	line=$(row_sgr "uinewborn$$")
	if [ -n "$line" ]; then
		green_bg "$line" && seen=1
		break
	fi
	sleep 0.05
done
[ "$seen" = 1 ] || ui_fail "the new task's first row is not highlighted: $(echo "$line" | cat -v)"
sleep 2.5
green_bg "$(row_sgr "uinewborn$$")" && ui_fail "the new task is still highlighted two refreshes later"
ui_quit
echo "PASS: a new task highlighted for its first refresh only"
