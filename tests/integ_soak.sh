#!/bin/bash
# Soak: the churn workload (2,000 short-lived processes, 500 threads and 200
# loopback TCP connections a second) runs while pidtop shows the screen in
# thread mode (-H, in a private tmux server) and, at the same time, reports
# in batch JSON with thread rows and --connections. For SOAK_SECONDS (60 on
# the sanitizer build, as doc/RELIABILITY.md says; 20 otherwise unless set):
# both must run through, exit with status 0 and no sanitizer report, the
# batch output must parse (one report per refresh, no pid twice in one), and
# the screen must still be whole at the end. The churn must have been held:
# at least 1,000 processes a second on this shared machine (it asks 2,000;
# the achieved figures are printed).
. "$(dirname "$0")/integ_common.sh"

command -v tmux >/dev/null 2>&1 || integ_skip "tmux is not installed (apt-get install tmux)"
if grep -q __asan_init "$PIDTOP" 2>/dev/null; then
	SOAK_SECONDS=${SOAK_SECONDS:-60}
else
	SOAK_SECONDS=${SOAK_SECONDS:-20}
fi
INTERVAL=0.5
COUNT=$(awk -v s="$SOAK_SECONDS" -v d="$INTERVAL" 'BEGIN { printf "%d", s / d }')

SOCK="pidtop-soak-$$"
soak_cleanup() {
	local status=$?
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	(exit "$status")
	integ_cleanup
}
trap soak_cleanup EXIT

integ_start CHURN churn --seconds $((SOAK_SECONDS + 3)) --stats "$SCRATCH/churn.stats"
sleep 1

# the screen: a 200x50 terminal, thread mode, sanitizer options passed on
keep=""
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -n "${!v:-}" ] && keep="$keep $v='${!v}'"
done
tmux -L "$SOCK" -f /dev/null new-session -d -s soak -x 200 -y 50 \
	"env -i PATH='$PATH' HOME='$SCRATCH' TERM=screen LANG=C.UTF-8 XDG_CONFIG_HOME='$SCRATCH/config' $keep \
	sh -c \"'$PIDTOP' -H -d $INTERVAL 2>'$SCRATCH/screen.err'; echo \\\$? >'$SCRATCH/screen.rc'; sleep 600\"" ||
	integ_hard_error "tmux cannot start a session"

integ_pidtop "$SCRATCH/soak.json" -H --connections -d "$INTERVAL" -n "$COUNT"

screen=$(tmux -L "$SOCK" capture-pane -p -t soak)
tmux -L "$SOCK" send-keys -t soak q
for _ in $(seq 100); do
	[ -s "$SCRATCH/screen.rc" ] && break
	sleep 0.1
done
wait "$CHURN" 2>/dev/null
cat "$SCRATCH/churn.stats" 2>/dev/null || integ_hard_error "the churn workload wrote no figures"
read -r _ procs _ threads _ conns _ _ _ secs <"$SCRATCH/churn.stats"
rate=$(awk -v p="$procs" -v s="$secs" 'BEGIN { printf "%d", p / s }')
echo "churn held: $rate processes/s, $((threads / ${secs%.*})) threads/s," \
	"$((conns / ${secs%.*})) connections/s over $secs s; pidtop ran $SOAK_SECONDS s"

fail=0
if [ ! -s "$SCRATCH/screen.rc" ]; then
	echo "FAIL: the screen did not quit within 10 s of q"
	fail=1
elif [ "$(cat "$SCRATCH/screen.rc")" != 0 ]; then
	echo "FAIL: the screen exited with status $(cat "$SCRATCH/screen.rc")"
	fail=1
fi
if grep -qE 'Sanitizer|runtime error:' "$SCRATCH/screen.err"; then
	echo "FAIL: the screen reported memory or undefined-behaviour errors:"
	cat "$SCRATCH/screen.err"
	fail=1
fi
for want in "Sources:" "TID"; do
	if ! grep -qF -- "$want" <<<"$screen"; then
		echo "FAIL: the screen lacked '$want' at the end of the soak:"
		echo "$screen"
		fail=1
	fi
done
[ "$rate" -ge 1000 ] || {
	echo "FAIL: the churn held only $rate processes a second (asked 2,000)"
	fail=1
}
"$PYTHON" "$JSONCHECK" sane --count "$COUNT" "$SCRATCH/soak.json" || fail=1
exit "$fail"
