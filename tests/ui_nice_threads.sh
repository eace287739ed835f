#!/bin/bash
# nice and ionice on a process row change every thread of the process (Linux
# keeps both per thread); on a thread row (H) only that thread. A 3-thread
# burner: after ] all three threads are at nice 1, after i + idle all three
# are in the idle I/O class; with H and the main thread's row selected, ]
# moves only the main thread to nice 2, and on a worker's row only that
# worker.
. "$(dirname "$0")/ui_common.sh"

command -v ionice >/dev/null 2>&1 || ui_skip "ionice (util-linux) is not installed"
ready="$UI_TMP/ready"
ui_spawn BURN "$(ui_workload burner)" --threads 2 --duty 1 --seconds 120 --ready "$ready"
ui_wait_file "$ready" 10
tids() { ls "/proc/$BURN/task"; }
[ "$(tids | wc -l)" = 3 ] || ui_hard_error "the burner does not have 3 threads: $(tids)"
nice_of() { awk '{ sub(/.*\) /, ""); print $17 }' "/proc/$BURN/task/$1/stat"; }
all_nice() {
	local t out=""
	for t in $(tids); do out="$out $t:$(nice_of "$t")"; done
	echo "$out"
}
wait_nice() { # wait_nice WANT_MAIN WANT_OTHERS
	local i t ok
	for i in $(seq 50); do
		ok=1
		for t in $(tids); do
			if [ "$t" = "$BURN" ]; then [ "$(nice_of "$t")" = "$1" ] || ok=0
			else [ "$(nice_of "$t")" = "$2" ] || ok=0; fi
		done
		[ "$ok" = 1 ] && return 0
		sleep 0.1
	done
	ui_fail "thread nice values$(all_nice), wanted main $1, others $2"
}

ui_session 160 40
ui_start_pidtop -d 0.5 -p "$BURN"
ui_wait_for "COMMAND" 10
ui_wait_for "$BURN" 10
ui_type ']'
ui_wait_for "nice 0 -> 1 (3 threads)" 5
wait_nice 1 1

# ionice: the menu's last entry is idle
ui_type i
ui_wait_for "I/O priority of $BURN" 5
ui_type End Enter
ui_wait_for "idle (only when disk is idle) done (3 threads)" 5
for t in $(tids); do
	cls=$(ionice -p "$t")
	case $cls in idle*) ;; *) ui_fail "thread $t has I/O class '$cls' after idle" ;; esac
done

# thread rows: only the selected thread (the main thread, first by tid)
ui_type H
ui_wait_for "one row per thread" 5
ui_type N
sleep 1.5
ui_screen | awk 'found { print; exit } /^ *TID +USER/ { found = 1 }' | grep -qE "^ *$BURN " || ui_fail "the main thread is not the first row"
ui_type ']'
ui_wait_for "$BURN: nice 1 -> 2" 5
wait_nice 2 1
# a worker's row (not the main thread: it needs a thread pidfd)
w1=$(tids | sort -n | sed -n 2p)
w2=$(tids | sort -n | sed -n 3p)
ui_type Down ']'
ui_wait_for "$w1: nice 1 -> 2" 5
[ "$(nice_of "$w1")" = 2 ] && [ "$(nice_of "$w2")" = 1 ] && [ "$(nice_of "$BURN")" = 2 ] ||
	ui_fail "after ] on worker $w1's row:$(all_nice)"
# and k on that worker's row signals its process, as kill(2) of a tid does
ui_type k
ui_wait_for "Send signal to $w1:" 5
ui_type Enter
for _ in $(seq 50); do
	ui_gone "$BURN" && break
	sleep 0.1
done
ui_gone "$BURN" ||
	ui_fail "SIGTERM on worker $w1's row left the burner alive"
ui_quit
echo "PASS: ] and i changed all 3 threads of the process row; on a thread row ] changed one (main, then a worker)"
