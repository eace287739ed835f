#!/bin/bash
# M puts a process holding far more memory than anything else on the first
# row; P puts a CPU burner there. (The row must win within a few refreshes:
# other processes on a shared machine may burn CPU for a moment too.)
. "$(dirname "$0")/ui_common.sh"

avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
[ "${avail_kb:-0}" -gt $((3 * 1024 * 1024)) ] || ui_skip "needs 3 GiB of free memory"
mem=$(ui_workload memtouch)
burn=$(ui_workload burner)
ui_spawn MEM "$mem" --mib 1536 --seconds 120 --ready "$UI_TMP/mem.ready"
ui_spawn BURN "$burn" --threads 2 --duty 100 --seconds 120 --ready "$UI_TMP/burn.ready"
ui_wait_file "$UI_TMP/mem.ready" 30
ui_wait_file "$UI_TMP/burn.ready" 10

ui_session 200 50
ui_start_pidtop -d 0.5
ui_wait_for "COMMAND" 10

# first_row_is PID SECONDS : the first row shows PID within SECONDS
first_row_is() {
	local i=0 row
	while :; do
		row=$(ui_first_row)
		[[ $row =~ ^\ *$1\  ]] && return 0
		i=$((i + 1))
		[ "$i" -le $(($2 * 10)) ] || ui_fail "first row is not $1: '$row'"
		sleep 0.1
	done
}

ui_type M
first_row_is "$MEM" 15
ui_screen | grep -qE '^ +PID .*RSS' || ui_fail "no RSS column"
ui_type P
first_row_is "$BURN" 10
ui_type M
first_row_is "$MEM" 15
ui_quit

# P before the first rates (every CPU cell still '-', the order by pid): the
# cursor stays on the first row as the rates come and re-sort it, so the
# burner is on top and selected; it does not follow the task that happened
# to be first (which scrolled the burner out of view on a loaded machine)
ui_start_pidtop -d 3
ui_wait_for "COMMAND" 10
ui_type P
first_row_is "$BURN" 10
# the selected row: cyan background (SGR 46), as the header's sort column
selected=$(T capture-pane -e -p -t ui | grep -E $'\e\\[([0-9;]*;)?46m' | sed -E $'s/\e\\[[0-9;]*m//g' |
	grep -v "PID *USER" | head -n1)
[[ $selected =~ ^\ *$BURN\  ]] || ui_fail "the selected row is not the burner's: '$selected'"
ui_quit
echo "PASS: M -> memtouch ($MEM) on top, P -> burner ($BURN) on top, also when P comes before the first rates"
