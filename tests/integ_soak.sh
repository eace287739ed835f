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
integ_exit_flood_lock -x

command -v tmux >/dev/null 2>&1 || integ_skip "tmux is not installed (apt-get install tmux)"
if grep -q __asan_init "$PIDTOP" 2>/dev/null; then
	SOAK_SECONDS=${SOAK_SECONDS:-60}
else
	SOAK_SECONDS=${SOAK_SECONDS:-20}
fi
INTERVAL=0.5
COUNT=$(awk -v s="$SOAK_SECONDS" -v d="$INTERVAL" 'BEGIN { printf "%d", s / d }')

integ_start CHURN churn --seconds $((SOAK_SECONDS + 3)) --stats "$SCRATCH/churn.stats"
sleep 1

integ_screen_start "" -H -d "$INTERVAL"
integ_pidtop "$SCRATCH/soak.json" -H --connections -d "$INTERVAL" -n "$COUNT"

fail=0
integ_screen_stop || fail=1
wait "$CHURN" 2>/dev/null
cat "$SCRATCH/churn.stats" 2>/dev/null || integ_hard_error "the churn workload wrote no figures"
read -r _ procs _ threads _ conns _ _ _ secs <"$SCRATCH/churn.stats"
rate=$(awk -v p="$procs" -v s="$secs" 'BEGIN { printf "%d", p / s }')
echo "churn held: $rate processes/s, $((threads / ${secs%.*})) threads/s," \
	"$((conns / ${secs%.*})) connections/s over $secs s; pidtop ran $SOAK_SECONDS s"

for want in "Sources:" "TID"; do
	if ! grep -qF -- "$want" "$SCRATCH/screen.txt"; then
		echo "FAIL: the screen lacked '$want' at the end of the soak:"
		cat "$SCRATCH/screen.txt"
		fail=1
	fi
done
[ "$rate" -ge 1000 ] || {
	echo "FAIL: the churn held only $rate processes a second (asked 2,000)"
	fail=1
}
"$PYTHON" "$JSONCHECK" sane --count "$COUNT" "$SCRATCH/soak.json" || fail=1
exit "$fail"
