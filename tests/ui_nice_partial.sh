#!/bin/bash
# A partial failure is said so: an unprivileged user's 3-thread burner
# with its main thread at nice 5 and the others at 0. [ asks for nice 4 on
# every thread: raising the two workers to 4 is allowed, lowering the main
# thread from 5 to 4 is not (it needs CAP_SYS_NICE), so the message reads
# "2 of 3 threads reniced: not permitted" and the threads are left at
# 5, 4 and 4.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" = 0 ] || ui_skip "needs root to run the burner and pidtop as another user"
command -v setpriv >/dev/null 2>&1 || ui_skip "setpriv (util-linux) is not installed"
as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
chmod 755 "$UI_TMP"
mkdir -m 1777 "$UI_TMP/shared"
ready="$UI_TMP/shared/ready"
ui_spawn BURN $as_nobody "$(ui_workload burner)" --threads 2 --duty 1 --seconds 120 --ready "$ready"
ui_wait_file "$ready" 10
renice -n 5 -p "$BURN" >/dev/null || ui_hard_error "cannot renice the main thread"
nice_of() { awk '{ sub(/.*\) /, ""); print $17 }' "/proc/$BURN/task/$1/stat"; }
ui_session 160 40
mkdir -p "$XDG_CONFIG_HOME" && chmod 777 "$XDG_CONFIG_HOME"
rm -f "$UI_TMP/rc"
ui_literal "$as_nobody '$PIDTOP' -d 0.5 -p $BURN 2>>'$UI_TMP/stderr'; echo \$? > '$UI_TMP/rc'"
ui_type Enter
ui_wait_for "$BURN" 10
ui_type '['
ui_wait_for "$BURN: 2 of 3 threads reniced: not permitted" 5
for t in $(ls "/proc/$BURN/task"); do
	want=4
	[ "$t" = "$BURN" ] && want=5
	[ "$(nice_of "$t")" = "$want" ] || ui_fail "thread $t at nice $(nice_of "$t"), wanted $want"
done
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
echo "PASS: a partial renice says 2 of 3 threads and why; the threads are at 5, 4, 4"
