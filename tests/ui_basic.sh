#!/bin/bash
# The screen comes up: header meters, the sources line, the column headers,
# and the row of a workload started here (its pid and name); then q exits
# with status 0 and the terminal settings are as before (stty -g).
. "$(dirname "$0")/ui_common.sh"

name="uibasic$$"
ui_sleeper SLEEPER "$name"
ui_session 200 50
ui_literal "stty -g > '$UI_TMP/stty.before'"
ui_type Enter
ui_start_pidtop -d 0.5 -p "$SLEEPER"
ui_wait_for "$name" 10
screen=$(ui_screen)
for want in "Avg[" "Mem[" "Swp[" "Load average:" "Tasks:" "Uptime:" "Sources:" "proc ok" \
	"PID" "USER" "%CPU" "COMMAND" "F10Quit"; do
	grep -qF -- "$want" <<<"$screen" || ui_fail "the screen lacks '$want'"
done
row=$(ui_first_row)
case $row in
*"$SLEEPER"*"$name"*) ;;
*) ui_fail "first row is not the sleeper $SLEEPER: '$row'" ;;
esac

ui_type q
rc=$(ui_wait_exit 5)
[ "$rc" = 0 ] || ui_fail "pidtop exited with status $rc after q"
ui_literal "stty -g > '$UI_TMP/stty.after'"
ui_type Enter
ui_wait_file "$UI_TMP/stty.after" 5
sleep 0.2
cmp -s "$UI_TMP/stty.before" "$UI_TMP/stty.after" ||
	ui_fail "terminal settings changed: $(cat "$UI_TMP/stty.before") -> $(cat "$UI_TMP/stty.after")"
# the alternate screen was left: the shell's own lines are back
ui_screen | grep -qF "stty -g > " || ui_fail "the shell's screen was not restored"

# SIGTERM (and SIGINT, SIGHUP: the same path) end it cleanly too
for sig in TERM INT; do
	rm -f "$UI_TMP/stty.after"
	ui_start_pidtop -d 0.5 -p "$SLEEPER"
	ui_wait_for "$name" 10
	kill -"$sig" "$PIDTOP_PID"
	rc=$(ui_wait_exit 5)
	[ "$rc" = 0 ] || ui_fail "pidtop exited with status $rc after SIG$sig"
	ui_literal "stty -g > '$UI_TMP/stty.after'"
	ui_type Enter
	ui_wait_file "$UI_TMP/stty.after" 5
	sleep 0.2
	cmp -s "$UI_TMP/stty.before" "$UI_TMP/stty.after" || ui_fail "terminal settings changed after SIG$sig"
done

# a crash signal: the terminal is restored, then the signal ends it as before
rm -f "$UI_TMP/stty.after"
ui_start_pidtop -d 0.5 -p "$SLEEPER"
ui_wait_for "$name" 10
kill -SEGV "$PIDTOP_PID"
i=0
while [ ! -s "$UI_TMP/rc" ]; do
	i=$((i + 1))
	[ "$i" -le 50 ] || ui_fail "pidtop did not end within 5 s of SIGSEGV"
	sleep 0.1
done
rc=$(cat "$UI_TMP/rc")
# a sanitizer build hands the signal on to the sanitizer's report (status 1)
if grep -q 'Sanitizer:DEADLYSIGNAL' "$UI_TMP/stderr" 2>/dev/null; then
	[ "$rc" != 0 ] || ui_fail "after SIGSEGV the exit status is 0"
	: >"$UI_TMP/stderr"
else
	[ "$rc" = 139 ] || ui_fail "after SIGSEGV the exit status is '$rc', not 139 (128 + SIGSEGV)"
fi
ui_literal "stty -g > '$UI_TMP/stty.after'"
ui_type Enter
ui_wait_file "$UI_TMP/stty.after" 5
sleep 0.2
cmp -s "$UI_TMP/stty.before" "$UI_TMP/stty.after" || ui_fail "terminal settings changed after SIGSEGV"
ui_screen | grep -qF "stty -g > " || ui_fail "the shell's screen was not restored after SIGSEGV"

# closing the terminal ends it (no orphan spinning on a dead tty)
ui_start_pidtop -d 0.5 -p "$SLEEPER"
ui_wait_for "$name" 10
T kill-server
i=0
while kill -0 "$PIDTOP_PID" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 30 ] || ui_fail "pidtop $PIDTOP_PID still runs 3 s after its terminal closed"
	sleep 0.1
done
echo "PASS: header, workload row; q, SIGTERM, SIGINT exit 0, SIGSEGV 139, terminal restored each time; hangup ends it"
