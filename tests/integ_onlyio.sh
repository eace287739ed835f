#!/bin/bash
# --only-io keeps the tasks that read or wrote storage in the interval
# (iotop's -o): an O_DIRECT writer is in every report, a sleeper in none.
# -t puts the time (HH:MM:SS) at the start of every line of a text report.
. "$(dirname "$0")/integ_common.sh"

tmp=$(mktemp -d "$PWD/integ_onlyio.XXXXXX") || integ_hard_error "no scratch directory"
cp "$(command -v sleep)" "$tmp/onlyiosleeper"
"$tmp/onlyiosleeper" 60 &
SLEEPER=$!
"$WORKLOAD_DIR/odirect_writer" --file "$tmp/data" --rate-kib 2048 --seconds 30 --ready "$tmp/ready" &
WRITER=$!
trap 'kill $SLEEPER $WRITER 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; kill -0 $WRITER 2>/dev/null || break; sleep 0.1; done
wait_rc=0
kill -0 $WRITER 2>/dev/null || { wait $WRITER; wait_rc=$?; }
[ "$wait_rc" = 77 ] && integ_skip "the file system under $PWD refuses O_DIRECT"
[ -e "$tmp/ready" ] || integ_hard_error "the writer did not start"

"$PIDTOP" -b --only-io -o json -d 0.5 -n 3 -p "$SLEEPER,$WRITER" > "$tmp/r.json" ||
	{ echo "FAIL: pidtop --only-io exited $?"; exit 1; }
"$PYTHON" - "$tmp/r.json" "$SLEEPER" "$WRITER" <<'PY' || exit 1
import json, sys
sleeper, writer = int(sys.argv[2]), int(sys.argv[3])
reps = [json.loads(l) for l in open(sys.argv[1])]
if len(reps) != 3:
    print(f"FAIL: {len(reps)} reports, wanted 3"); sys.exit(1)
for i, r in enumerate(reps):
    pids = {t["pid"] for t in r["tasks"]}
    if sleeper in pids:
        print(f"FAIL: report {i}: the sleeper is shown with --only-io"); sys.exit(1)
    if writer not in pids:
        print(f"FAIL: report {i}: the writer is missing with --only-io: {pids}"); sys.exit(1)
print("only-io ok")
PY

# -t: every text line starts with the time
out=$("$PIDTOP" -b -t -d 0.3 -n 2 -p "$SLEEPER,$WRITER") || { echo "FAIL: pidtop -t exited $?"; exit 1; }
# (the Average: block, which a COUNT adds, has "Average: " in the time's place)
bad=$(echo "$out" | grep -v '^$' | grep -v '^Average: ' | grep -vE '^[0-2][0-9]:[0-5][0-9]:[0-6][0-9] ' | head -n 3)
[ -z "$bad" ] || { echo "FAIL: lines without a time under -t: $bad"; exit 1; }
[ "$(echo "$out" | grep -cE "^[0-9:]{8} +$WRITER ")" = 2 ] || { echo "FAIL: no stamped writer row in each report: $out"; exit 1; }
echo "PASS: --only-io kept the writer and dropped the sleeper; -t stamped every line"
