#!/bin/bash
# The screen on a recording. A burner is recorded for a dozen samples
# (pidtop -w FILE -b); pidtop -R FILE then shows REPLAY with the recorded
# date and time and the burner's row; '.' and ',' step forward and back (the
# time shown changes each way), '}' goes to the last sample and '{' to the
# first with rates, 'b' with a time typed at the prompt goes there, and 'k'
# (a signal) is refused: those tasks are past. A recording in progress on a
# terminal says REC.
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
ui_quit

# a recording made on the screen says so
ui_start_pidtop -w "$UI_TMP/live.rec" -d 0.5 -p "$BURN"
ui_wait_for "REC $UI_TMP/live.rec" 10
ui_quit
"$PIDTOP" -R "$UI_TMP/live.rec" --info >/dev/null || ui_fail "the screen's recording does not read"
echo "ok  REC shown while recording on the screen"
