#!/bin/bash
# The screen on a recording. A burner is recorded for a dozen samples
# (pidtop -w FILE -b); pidtop -R FILE then shows REPLAY with the recorded
# date and time and the burner's row; '.' and ',' step forward and back (the
# time shown changes each way), '}' goes to the last sample and '{' to the
# first with rates, 'b' with a time typed at the prompt goes there, and 'k'
# (a signal) is refused: those tasks are past. Enter opens the drill-down
# as recorded; Tab twice shows the timeline, whose Enter opens the burner's
# drill-down at the cursor. A recording in progress on a terminal says REC,
# and its timeline (live: the history kept so far) shows the burner.
. "$(dirname "$0")/ui_common.sh"

burner=$(ui_workload burner)
ui_spawn BURN "$burner" --threads 2 --duty 30 --seconds 60
rec="$UI_TMP/ui.rec"
"$PIDTOP" -w "$rec" -b -d 0.4 -n 12 -p "$BURN" || ui_fail "recording failed"

shown_time() { # the REPLAY line's time and position
	ui_screen | grep -o 'REPLAY [0-9-]* [0-9:.]* \[[0-9]*/[0-9]*\]'
}

ui_session 200 50
ui_start_pidtop -R "$rec" -p "$BURN"
ui_wait_for "REPLAY" 10
ui_wait_for "burner" 5
first=$(shown_time)
case $first in *"[2/13]"*) ;; *) ui_fail "the replay starts at '$first', not the first sample with rates (2/13)" ;; esac
ui_type .
ui_wait_for "[3/13]" 5
second=$(shown_time)
[ "${second% \[*}" != "${first% \[*}" ] || ui_fail "'.' did not change the time: $first, then $second"
ui_type ,
ui_wait_for "[2/13]" 5
ui_type '}'
ui_wait_for "[13/13]" 5
last=$(shown_time)
ui_type .
ui_wait_for "the end of the recording" 5
ui_type '{'
ui_wait_for "[2/13]" 5

# b: go to the time of sample 7 (seconds precision: a sample at or after it)
target=$("$PIDTOP" -R "$rec" -b -o json -p "$BURN" | "$PYTHON3" -c '
import datetime, json, sys
r = [json.loads(l) for l in sys.stdin][5]
t = datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).astimezone()
print(t.strftime("%H:%M:%S"))')
ui_type b
ui_wait_for "Go to" 5
ui_literal "$target"
ui_type Enter
ui_wait_for " $target." 5
jumped=$(shown_time)
case $jumped in *"$target"*) ;; *) ui_fail "b $target showed '$jumped'" ;; esac

ui_type k
ui_wait_for "a replay: no signals" 5
echo "ok  replay: $first -> $second, last $last, b $target -> $jumped"

# the drill-down on a recording: the sample at the cursor, as recorded
# (its CPU% is the batch replay's figure of that sample, near the burner's
# 2 x 30%), and "not recorded" where a live one reads /proc
# the report of sample k (shown [k/13]) is line k - 1: the first sample has no rates
k=$(shown_time | sed 's/.*\[\([0-9]*\)\/.*/\1/')
want_cpu=$("$PIDTOP" -R "$rec" -b -o json -p "$BURN" | sed -n "$((k - 1))p" | "$PYTHON3" -c '
import json, sys
r = json.loads(sys.stdin.read())
print(next(t["cpu_pct"] for t in r["tasks"] if t["pid"] == '"$BURN"'))')
ui_type Enter
ui_wait_for "RECORDED sample of" 5
ui_screen | grep -q "PID $BURN  burner" || ui_fail "the recorded drill-down does not name PID $BURN burner"
cpu=$(ui_screen | grep -o 'recorded: CPU [0-9.]*%' | grep -o '[0-9.]*')
awk -v c="$cpu" -v w="$want_cpu" 'BEGIN { d = c - w; exit !(d <= 0.051 && d >= -0.051) }' ||
	ui_fail "the recorded drill-down shows CPU $cpu%, the replayed report $want_cpu%"
awk -v c="$cpu" 'BEGIN { exit !(c >= 20 && c <= 90) }' ||
	ui_fail "recorded CPU $cpu% is far from the burner's 2 x 30%"
ui_wait_for "history in the recording: samples" 5
# the sparkline's newest point, read back from the file, is that same figure
now=$(ui_screen | grep -o 'CPU% [^n]* now [0-9.]*' | head -1 | grep -o '[0-9.]*$')
[ "$now" = "$cpu" ] || ui_fail "the CPU history read from the recording ends at $now%, the sample shows $cpu%"
ui_type 3
ui_wait_for "open files: not recorded" 5
echo "ok  recorded drill-down: PID $BURN at $cpu% in sample $k (the report: $want_cpu%, the history read back: $now%), open files not recorded"
ui_type q

# the timeline: Tab twice from the table; the burner in the legend, glyphs
# in the chart; Enter on it opens its drill-down at the cursor's sample
ui_type Tab
ui_type Tab
ui_wait_for "Timeline:" 5
ui_wait_for "burner" 5
legend=$(ui_screen | grep -E 'pid [0-9]+ +CPU .* over the span')
echo "$legend" | grep -q "burner *pid $BURN " || ui_fail "the timeline's legend lacks the burner: $legend"
glyphs=$(ui_screen | grep -o '[▁▂▃▄▅▆▇█]' | wc -l)
[ "$glyphs" -gt 10 ] || ui_fail "the timeline's chart has $glyphs block glyphs"
at=$(echo "$legend" | grep -n "pid $BURN " | cut -d: -f1)
for _ in $(seq 2 "$at"); do ui_type Down; done
when=$(ui_screen | grep -o 'REPLAY [0-9-]* [0-9:]*' | cut -d' ' -f2-)
ui_type Enter
ui_wait_for "RECORDED sample of" 5
ui_screen | grep -q "PID $BURN  burner" || ui_fail "Enter in the timeline did not open the burner"
ui_screen | grep -q "RECORDED sample of $when" ||
	ui_fail "the timeline's drill-down is not at the cursor's time $when"
echo "ok  timeline: burner in the legend (line $at), $glyphs glyphs, Enter opens it at $when"
ui_type q # the drill-down closes, back to the timeline
ui_wait_for "Timeline:" 5
ui_quit

# a recording made on the screen says so
ui_start_pidtop -w "$UI_TMP/live.rec" -d 0.5 -p "$BURN" --view=table
ui_wait_for "REC $UI_TMP/live.rec" 10
# live, the timeline charts the history kept so far: the burner is in it
ui_type Tab
ui_type Tab
ui_wait_for "over the history kept so far" 5
for _ in $(seq 100); do
	ui_screen | grep -qE "burner +pid $BURN " && break
	sleep 0.1
done
ui_screen | grep -qE "burner +pid $BURN " || ui_fail "the live timeline's legend lacks the burner"
echo "ok  live timeline: the burner in the legend"
ui_quit
"$PIDTOP" -R "$UI_TMP/live.rec" --info >/dev/null || ui_fail "the screen's recording does not read"
echo "ok  REC shown while recording on the screen"
