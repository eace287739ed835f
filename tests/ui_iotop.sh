#!/bin/bash
# iotop's view of the screen: the default columns include PRIO (be/4 style),
# the header shows the tasks' Total disk rates next to the Actual ones
# (diskstats) and the pressure (PSI) line, and D keeps only the tasks that
# read or wrote storage.
. "$(dirname "$0")/ui_common.sh"

name="uiiosleep$$"
ui_sleeper SLEEPER "$name"
ready="$UI_TMP/ready"
mkdir -p "$PWD/uiiotop.$$" || ui_hard_error "no scratch directory"
data="$PWD/uiiotop.$$/data"
ui_spawn WRITER "$(ui_workload odirect_writer)" --file "$data" --rate-kib 4096 --seconds 60 --ready "$ready"
for _ in $(seq 50); do [ -e "$ready" ] && break; kill -0 "$WRITER" 2>/dev/null || break; sleep 0.1; done
[ -e "$ready" ] || { rm -rf "$PWD/uiiotop.$$"; ui_skip "the O_DIRECT writer did not start (tmpfs?)"; }
trap 'st=$?; rm -rf "$PWD/uiiotop.$$"; (exit $st); ui_cleanup' EXIT

ui_session 200 50
ui_start_pidtop -d 0.5 -p "$SLEEPER,$WRITER"
ui_wait_for "$name" 10
ui_screen | grep -E "^ *PID +USER" | grep -q " PRIO " || ui_fail "no PRIO column in the default layout"
ui_wait_for "none/4" 5 # no class set, nice 0
# the writer's 4 MiB/s shows in the tasks' total (M, not 0)
ok=0
for _ in $(seq 40); do
	ui_screen | grep -qE "Disk: total read [^ ]+ write [0-9.]+M/s, actual read" && { ok=1; break; }
	sleep 0.1
done
[ "$ok" = 1 ] || ui_fail "the header's total write does not show the writer's rate"
if [ -r /proc/pressure/cpu ]; then
	ui_screen | grep -qE "Pressure some/full avg10: cpu [0-9.]+/([0-9.]+|-)%  memory" ||
		ui_fail "no pressure meters in the header"
fi
ui_type D
ui_wait_for "only I/O" 5
sleep 1.2
ui_screen | grep -q "$name" && ui_fail "the sleeper is still shown under D"
ui_screen | grep -q "odirect_writer" || ui_fail "the writer is gone under D"
ui_type D
ui_wait_for "$name" 5
ui_quit
echo "PASS: PRIO in the default columns, total and actual disk rates, D keeps the writer only"
