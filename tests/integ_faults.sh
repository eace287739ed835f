#!/bin/bash
# Faults under the reader (doc/RELIABILITY.md, "Faults"): pidtop runs with
# the tests/faultproc.c shim preloaded, which makes opens and reads of proc
# files fail at random (ESRCH, EACCES, EIO, ENOENT, EINTR) or come back
# short, while a burner (2 threads at 40% of a CPU) and an idle process run.
# - Every fault kind at 10%, batch JSON, process and thread rows: exit 0, no
#   sanitizer report, every report there, every row sane (jsoncheck sane:
#   no row with another task's counters, no absurd rate), the burner never
#   above its use and the idle process never busy, and the burner's row
#   present in most reports with its CPU% empty (null) in some: a failed
#   read empties the cells, it never fills them with a guess.
# - Only EINTR and short reads, at 30%: retried and read on, so the
#   burner's CPU% is there in every report after the first.
# - The screen (thread mode) for a few seconds under every fault: alive,
#   whole, and q quits with status 0.
. "$(dirname "$0")/integ_common.sh"

SHIM=${FAULTPROC:-$PWD/tests/faultproc.so}
[ -r "$SHIM" ] || integ_hard_error "the fault shim $SHIM is not built (make check builds it)"
command -v tmux >/dev/null 2>&1 || integ_skip "tmux is not installed (apt-get install tmux)"
# the shim is not built with the sanitizers: it cannot come first
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

integ_start BURN burner --threads 2 --duty 40 --period-ms 20 --seconds 90 --log "$SCRATCH/burn.log"
idle="fltidle$$"
idle=${idle:0:15}
cp "$(command -v sleep)" "$SCRATCH/$idle" || integ_hard_error "cannot copy sleep"
setsid "$SCRATCH/$idle" 90 &
IDLE=$!
INTEG_PGIDS="$INTEG_PGIDS $IDLE"
sleep 0.5
fail=0

faulty() { # OUT KINDS RATE ARGS...: pidtop -b -o json under the shim
	local out=$1 kinds=$2 rate=$3
	shift 3
	FAULTPROC_KINDS=$kinds FAULTPROC_RATE=$rate FAULTPROC_LOG="$out.faults" LD_PRELOAD="$SHIM" \
		integ_pidtop "$out" "$@"
	echo "faults made ($kinds at $rate, $*): $(grep '^pidtop ' "$out.faults")"
	grep -qE '^pidtop .*(open [1-9]|read [1-9]|short [1-9])' "$out.faults" ||
		integ_hard_error "the shim made no fault: is it preloaded?"
}

# burner rows: reports with its row, and how many of those have a CPU%
burner_rows() {
	"$PYTHON" - "$1" "$BURN" <<'EOF'
import json, sys
pid = int(sys.argv[2])
present = valued = total = 0
for n, line in enumerate(open(sys.argv[1])):
    total += 1
    rows = [t for t in json.loads(line)["tasks"] if t["pid"] == pid and t["tid"] == pid]
    if rows and n > 0:
        present += 1
        valued += rows[0]["cpu_pct"] is not None
print(total - 1, present, valued)
EOF
}

for mode in "" -H; do
	out="$SCRATCH/all$mode.json"
	faulty "$out" "" 0.1 $mode -d 0.5 -n 30
	integ_jsoncheck_brief sane --count 30 --idle "$idle" --max-cpu-pct "$BURN=80" "$out" ||
		fail=1
	if [ -z "$mode" ]; then
		read -r reports present valued < <(burner_rows "$out")
		echo "burner: its row in $present of $reports reports, its CPU% in $valued"
		[ "$present" -ge $((reports * 7 / 10)) ] ||
			{ echo "FAIL: the burner's row is missing from too many reports"; fail=1; }
		[ "$valued" -lt "$present" ] ||
			echo "note: no read of the burner's files failed in this run"
	fi
done

out="$SCRATCH/eintr.json"
faulty "$out" eintr,short 0.3 -d 0.5 -n 12
read -r reports present valued < <(burner_rows "$out")
echo "EINTR and short reads only: the burner's CPU% in $valued of $reports reports"
[ "$valued" = "$reports" ] ||
	{ echo "FAIL: EINTR or a short read cost the burner's CPU% (want it in every report)"; fail=1; }
integ_jsoncheck_brief sane --count 12 --max-cpu-pct "$BURN=80" "$out" || fail=1

# the screen, briefly
integ_screen_start "FAULTPROC_RATE=0.1 LD_PRELOAD='$SHIM'" -H -d 0.3
sleep 5
integ_screen_stop || fail=1
if ! grep -q "Sources:" "$SCRATCH/screen.txt" || ! grep -qE '^ +[0-9]+ ' "$SCRATCH/screen.txt"; then
	echo "FAIL: the screen under faults lacked its header or rows:"
	cat "$SCRATCH/screen.txt"
	fail=1
fi
exit "$fail"
