#!/bin/bash
# The drill-down's Waiting tab ("why is it waiting?"): a sleeper shows the
# kernel function it sleeps in and the system call it is blocked in
# (clock_nanosleep), as /proc says; its oom_score and oom_score_adj as the
# kernel has them; the taskstats delay table with every category (CPU,
# block I/O, swap-in, reclaim, thrashing, compaction, write-protect copy,
# IRQ) when taskstats is on; the kernel stack where it may be read.
. "$(dirname "$0")/ui_common.sh"

name="uiwait$$"
ui_sleeper S "$name"
echo 321 > "/proc/$S/oom_score_adj" 2>/dev/null || true
ui_session 200 60
ui_start_pidtop -d 0.5 -p "$S"
ui_wait_for "$name" 10
ui_type Enter
ui_wait_for "2 Waiting" 5
ui_type 2
ui_wait_for "system call:" 5
wchan=$(cat "/proc/$S/wchan")
sc=$(awk '{ print $1 }' "/proc/$S/syscall")
[ "$wchan" != 0 ] && { ui_screen | grep -qF "sleeping in: $wchan" || ui_fail "wchan '$wchan' not shown"; }
ui_screen | grep -qE "system call: ([a-z_0-9]+ )?#$sc \(" || ui_fail "system call #$sc not shown"
[ "$(uname -m)" = x86_64 ] && { ui_screen | grep -qF "system call: clock_nanosleep #$sc" || ui_fail "no clock_nanosleep name"; }
ui_screen | grep -qF "oom_score $(cat "/proc/$S/oom_score") " || ui_fail "oom_score differs from the kernel's $(cat "/proc/$S/oom_score")"
ui_screen | grep -qF "oom_score_adj $(cat "/proc/$S/oom_score_adj")" || ui_fail "oom_score_adj not shown"
if ui_screen | grep -q "delays since it started (taskstats version"; then
	for c in "CPU (run queue)" "block I/O" "swap-in" "memory reclaim" "thrashing" "compaction" \
		"write-protect copy" "IRQ"; do
		ui_screen | grep -qF "  $c " || ui_fail "no '$c' line in the delay table"
	done
	# the CPU line counts the sleeper's few runs: a count of at least 1
	ui_screen | grep -E "^ +CPU \(run queue\) +[1-9][0-9]* " >/dev/null ||
		ui_fail "the CPU delay line has no count"
else
	ui_screen | grep -q "delays: taskstats" || ui_fail "neither a delay table nor why not"
	echo "taskstats is off here: only the reason is checked"
fi
if cat "/proc/$S/stack" >/dev/null 2>&1; then
	frame=$(head -n 1 "/proc/$S/stack" | sed 's/^\[<[0-9a-f]*>\] //; s/+.*//')
	ui_screen | grep -qF "$frame" || ui_fail "the kernel stack's first frame '$frame' is not shown"
else
	ui_screen | grep -q "kernel stack: not permitted" || ui_fail "no reason for the missing stack"
fi
ui_type Escape
sleep 0.5
ui_quit
echo "PASS: Waiting tab: wchan $wchan, syscall #$sc, OOM figures, delay table, stack"
