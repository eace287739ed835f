#!/bin/bash
# The drill-down's Network tab (issue 12): on a TCP sender moving 1 MiB/s
# over loopback (tests/workload/netpair), its connection shows with its
# real state, a TX/s rate near 1 MiB/s and TX/RX packet rates, not "-".
# Then the same on a recording made with --connections: the replayed
# drill-down shows the recorded connection and its rates.
# Needs root for the packet capture.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" -eq 0 ] || ui_skip "packet capture needs root (CAP_NET_RAW)"
LOG="$UI_TMP/netpair.log"
ui_spawn PAIR "$(ui_workload netpair)" --proto tcp --family 4 --rate-kib 1024 --seconds 60 \
	--linger 1 --log "$LOG" --ready "$UI_TMP/ready"
ui_wait_file "$UI_TMP/ready" 10
SENDER=$(awk '$2 == "sender" { print $3 }' "$LOG")
[ -n "$SENDER" ] || ui_hard_error "netpair logged no sender pid"

ui_session 160 30
ui_start_pidtop -d 0.5 -p "$SENDER"
ui_wait_for "$SENDER" 10
ui_type Enter
ui_wait_for "1 Threads" 5
ui_wait_for "Network" 5
# the tab by its number on the tab line ("4 Network")
tab=$(ui_screen | grep -o '[0-9] Network' | head -n1)
ui_type "${tab%% *}"
ui_wait_for "TXPK/s" 5
# the connection's line: tcp, local and remote ends, ESTABLISHED, TX/s
# in the hundreds of KiB or about 1 MiB (format: 1.0M, 980K...)
i=0
until ui_screen | grep -qE "^ *tcp +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +ESTABLISHED +[0-9.]+[KM] +[0-9.]+[BK]? +[1-9][0-9]* +[1-9][0-9]* "; do
	i=$((i + 1))
	[ "$i" -le 60 ] || ui_fail "the Network tab shows no rate for the sender's connection"
	sleep 0.1
done
echo "ok: the Network tab shows the connection's state and rates"
ui_type Escape
ui_wait_for "COMMAND" 5
ui_type q
[ "$(ui_wait_exit 10)" = 0 ] || ui_fail "pidtop did not exit cleanly"

rec="$UI_TMP/net.rec"
"$PIDTOP" -w "$rec" --connections -b -d 0.5 -n 6 -p "$SENDER" >/dev/null || ui_fail "recording failed"
ui_start_pidtop -R "$rec" -p "$SENDER"
ui_wait_for "REPLAY" 10
ui_wait_for "$SENDER" 5
# '}' and Enter in one read: the jump puts another sample in the model,
# and Enter must open the row of that sample, not a task it dropped
ui_type '}' Enter
ui_wait_for "[7/7]" 5
ui_wait_for "Network" 5
tab=$(ui_screen | grep -o '[0-9] Network' | head -n1)
ui_type "${tab%% *}"
ui_wait_for "TXPK/s" 5
ui_screen | grep -q "not in the recorded sample" && ui_fail "Enter after '}' opened a task the jump dropped:
$(ui_screen)"
ui_screen | grep -qE "^ *tcp +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +ESTABLISHED +[0-9.]+[KM] " ||
	ui_fail "the recorded Network tab shows no connection with a rate:
$(ui_screen)"
echo "ok: the recorded drill-down shows the connection and its rate"
ui_type q
ui_type q
[ "$(ui_wait_exit 10)" = 0 ] || ui_fail "pidtop did not exit cleanly"
echo "PASS"
