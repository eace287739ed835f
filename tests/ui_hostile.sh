#!/bin/bash
# Hostile processes on the screen (doc/RELIABILITY.md, "Hostile processes"):
# - 17 processes whose names and command lines hold every byte (escape
#   sequences that would clear the screen or retitle the window among
#   them): the screen keeps its header and column titles, shows the 17 rows
#   and the window title is untouched;
# - a process with 10,000 threads: the drill-down's Threads tab opens in
#   bounded time (5 s, 15 on the sanitizer build) and End takes it to the
#   last thread;
# - a process chain 5,000 deep (each link execs anew: tests/workload/
#   hostile.c says why; the tree order itself is tested 100,000 deep in
#   test_ui): the tree view shows it, and End reaches its deepest links,
#   which show their depth before the link.
. "$(dirname "$0")/ui_common.sh"

slow=1
grep -q __asan_init "$PIDTOP" && slow=3
HOSTILE=$(ui_workload hostile)

# --- every byte
ui_spawn NAMES "$HOSTILE" --names --seconds 120 --ready "$UI_TMP/names.ready" --log "$UI_TMP/names.log"
ui_wait_file "$UI_TMP/names.ready" 10
pids=$(paste -sd, "$UI_TMP/names.log")
ui_session 200 50
T select-pane -t ui -T "untouched"
ui_start_pidtop -d 0.5 -p "$pids"
ui_wait_for "Sources:" 10
sleep 1.5 # a few redraws with the names on screen
ui_screen | grep -qE '^ +PID +USER' || ui_fail "the column titles are gone"
ui_screen | grep -q "Sources:" || ui_fail "the header is gone"
rows=$(ui_screen | grep -cE '^ +[0-9]+ .*hostile-child')
[ "$rows" -eq 17 ] || ui_fail "$rows rows of the 17 processes with every byte"
title=$(T display-message -p -t ui '#{pane_title}')
[ "$title" = "untouched" ] || ui_fail "a process name retitled the window: '$title'"
ui_quit
echo "every byte: 17 rows, header and titles whole, window title untouched"

# --- 10,000 threads in the drill-down
ui_spawn MANY "$HOSTILE" --threads 10000 --seconds 120 --ready "$UI_TMP/threads.ready"
ui_wait_file "$UI_TMP/threads.ready" 60
ui_start_pidtop -d 1 -p "$MANY"
ui_wait_for "$MANY" 15
start=$(date +%s%N)
ui_type Enter
ui_wait_for "WRITE/s" $((5 * slow))
i=0
until ui_screen | grep -qE ' TID +S +CPU%'; do
	i=$((i + 1))
	[ "$i" -le $((50 * slow)) ] || ui_fail "no Threads tab within $((5 * slow)) s"
	sleep 0.1
done
ms=$((($(date +%s%N) - start) / 1000000))
first=$(ui_screen | awk '/ TID +S +CPU%/ { getline; print $1; exit }')
ui_type End
i=0
while [ "$(ui_screen | awk '/ TID +S +CPU%/ { getline; print $1; exit }')" = "$first" ]; do
	i=$((i + 1))
	[ "$i" -le $((50 * slow)) ] || ui_fail "End did not move the Threads tab within $((5 * slow)) s"
	sleep 0.1
done
ui_alive || ui_fail "pidtop died in the drill-down of 10,000 threads"
ui_type Escape
sleep 1 # an Escape followed at once by q reads as Alt-q
ui_quit
echo "10,000 threads: the Threads tab in $ms ms, End moved it"

# --- a chain 5,000 deep in the tree
ui_spawn CHAIN "$HOSTILE" --chain 5000 --seconds 180 --ready "$UI_TMP/chain.ready"
ui_wait_file "$UI_TMP/chain.ready" 120
links=$(pgrep -g "$CHAIN" | paste -sd,)
[ "$(echo "$links" | tr ',' '\n' | wc -l)" -ge 5000 ] || ui_fail "the chain has fewer than 5,000 links"
# 5,000 pids are too long a command for tmux: the links by command line
ui_start_pidtop -d 1 -c "'^(hostile-link |.*/hostile --chain )'"
ui_wait_for "hostile" $((10 * slow))
ui_type t
ui_wait_for "tree" 5
ui_type End
i=0
# the deepest links: their depth before the link (the name may be cut)
until ui_screen | grep -qE ' 4[0-9]{3}(└─|`-) '; do
	i=$((i + 1))
	ui_alive || ui_fail "pidtop died drawing the chain as a tree"
	[ "$i" -le $((100 * slow)) ] || ui_fail "no link 4,000 or more deep on screen"
	sleep 0.1
done
ui_quit
echo "a chain 5,000 deep: drawn as a tree"
echo "PASS: hostile processes on the screen"
