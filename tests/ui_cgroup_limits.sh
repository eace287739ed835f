#!/bin/bash
# The drill-down's Cgroup tab (8) on a sleeper in a cgroup the test creates:
# its path, the limits set on it (memory.max, cpu.max, pids.max) shown with
# the values written, and the pressure lines. Where the memory, cpu or pids
# controller is not available to cgroup v2 (a hybrid machine binds them to
# v1), the tab must show n/a for that controller's figures instead, and that
# part of the check says it could not set the limit.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" = 0 ] || ui_skip "needs root to create a cgroup"
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$CG_ROOT" ] && [ -f "$CG_ROOT/cgroup.procs" ] || ui_skip "no cgroup v2 hierarchy mounted"
CG="$CG_ROOT/pidtopcg$$"
ADDED=""

limits_cleanup() {
	local status=$? c
	[ -n "${S:-}" ] && kill -KILL "$S" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -d "$CG" ] || break
		rmdir "$CG" 2>/dev/null && break
		sleep 0.2
	done
	for c in $ADDED; do echo "-$c" >"$CG_ROOT/cgroup.subtree_control" 2>/dev/null; done
	(exit "$status")
	ui_cleanup
}
trap limits_cleanup EXIT

# the controllers this hierarchy can give the new cgroup
have=""
for c in memory cpu pids; do
	grep -qw "$c" "$CG_ROOT/cgroup.controllers" || continue
	if ! grep -qw "$c" "$CG_ROOT/cgroup.subtree_control"; then
		echo "+$c" >"$CG_ROOT/cgroup.subtree_control" 2>/dev/null || continue
		ADDED="$ADDED $c"
	fi
	have="$have $c"
done
mkdir "$CG" || ui_hard_error "cannot create $CG"
has() { case " $have " in *" $1 "*) return 0 ;; esac; return 1; }
has memory && { echo 67108864 >"$CG/memory.max" || ui_hard_error "cannot set memory.max"; }
has cpu && { echo "50000 100000" >"$CG/cpu.max" || ui_hard_error "cannot set cpu.max"; }
has pids && { echo 50 >"$CG/pids.max" || ui_hard_error "cannot set pids.max"; }

ui_sleeper S "uicglim$$"
echo "$S" >"$CG/cgroup.procs" || ui_hard_error "cannot move $S into $CG"
ui_session 160 45
ui_start_pidtop -d 1 -p "$S"
ui_wait_for "uicglim$$" 10
ui_type Enter
ui_wait_for "8 Cgroup" 5
ui_type 8
ui_wait_for "cgroup /pidtopcg$$" 5
ui_wait_for "pressure  some avg10" 5
screen=$(ui_screen)
for r in cpu memory io; do
	grep -qE "^ +$r +[0-9]+\.[0-9]{2}%" <<<"$screen" || ui_fail "no $r pressure line"
done
if has memory; then
	grep -q "max 64M (67108864)" <<<"$screen" || ui_fail "memory.max 67108864 not shown"
	grep -q "events: high 0  max 0  oom 0  oom_kill 0" <<<"$screen" || ui_fail "no memory.events counts"
else
	echo "memory controller not available to cgroup v2 here: memory.max not set, n/a expected"
	grep -q "memory    current n/a  max n/a  high n/a" <<<"$screen" || ui_fail "memory figures not n/a"
fi
if has cpu; then
	grep -q "max 50000 us per 100000 us (0.50 CPUs)" <<<"$screen" || ui_fail "cpu.max not shown"
	grep -q "throttled in [0-9]* of [0-9]* periods" <<<"$screen" || ui_fail "no throttling counts"
else
	echo "cpu controller not available to cgroup v2 here: cpu.max not set, n/a expected"
	grep -q "cpu       max n/a" <<<"$screen" || ui_fail "cpu.max not n/a"
fi
if has pids; then
	grep -q "pids      current 1  max 50" <<<"$screen" || ui_fail "pids.current 1 and pids.max 50 not shown"
else
	echo "pids controller not available to cgroup v2 here: pids.max not set, n/a expected"
	grep -q "pids      current n/a  max n/a" <<<"$screen" || ui_fail "pids figures not n/a"
fi
grep -qi "error\|cannot read" <<<"$screen" && ui_fail "a missing file shown as an error"
ui_type Escape
ui_wait_for "COMMAND" 5
ui_quit
echo "PASS: the Cgroup tab shows the limits set (controllers:${have:- none}) and the pressure"
