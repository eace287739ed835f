#!/bin/bash
# The oom_score, ioprio and starttime columns against what the kernel says:
# sleepers set to the idle class, best-effort 7 and (as root) realtime 0,
# one with oom_score_adj 600; pidtop's JSON and CSV carry the kernel's
# oom_score and "idle", "be/7", "rt/0", "none/N" (N from nice: (nice+20)/5),
# the start time within 2 s of when each started; -s ioprio puts rt/0 first.
. "$(dirname "$0")/integ_common.sh"
command -v ionice >/dev/null 2>&1 || integ_skip "ionice (util-linux) is not installed"

tmp=$(mktemp -d "$PWD/integ_columns.XXXXXX") || integ_hard_error "no scratch directory"
pids=""
trap 'kill $pids 2>/dev/null; rm -rf "$tmp"' EXIT
spawn() { sleep 60 & pids="$pids $!"; eval "$1=$!"; }
started=$(date +%s)
spawn IDLE; ionice -c 3 -p "$IDLE"
spawn BE7; ionice -c 2 -n 7 -p "$BE7"
spawn NONE; renice -n 10 -p "$NONE" >/dev/null
spawn OOM; echo 600 > "/proc/$OOM/oom_score_adj" || integ_hard_error "cannot set oom_score_adj"
RT=""
if [ "$(id -u)" = 0 ]; then spawn RT; ionice -c 1 -n 0 -p "$RT"; fi
list=$(echo $pids | tr ' ' ',')

"$PIDTOP" -b -n 1 -d 0.3 -o json -p "$list" > "$tmp/r.json" || integ_hard_error "pidtop exited $?"
"$PYTHON" - "$tmp/r.json" "$IDLE" "$BE7" "$NONE" "$OOM" "$started" "${RT:-0}" <<'PY' || exit 1
import json, sys
rep = json.loads(open(sys.argv[1]).readline())
idle, be7, none, oom, started, rt = (int(a) for a in sys.argv[2:])
tasks = {t["pid"]: t for t in rep["tasks"]}
def want(pid, key, value):
    got = tasks[pid][key]
    if got != value:
        print(f"FAIL: pid {pid} {key} = {got!r}, wanted {value!r}")
        sys.exit(1)
want(idle, "ioprio", "idle")
want(be7, "ioprio", "be/7")
want(none, "ioprio", "none/6")  # nice 10: (10 + 20) / 5
if rt:
    want(rt, "ioprio", "rt/0")
for pid, t in tasks.items():
    real = int(open(f"/proc/{pid}/oom_score").read())
    if abs(t["oom_score"] - real) > 5:
        print(f"FAIL: pid {pid} oom_score {t['oom_score']}, the kernel says {real}")
        sys.exit(1)
    if not (started - 2 <= t["starttime"] <= started + 5):
        print(f"FAIL: pid {pid} starttime {t['starttime']}, started at {started}")
        sys.exit(1)
if tasks[oom]["oom_score"] < 600:
    print(f"FAIL: oom_score_adj 600 gives oom_score {tasks[oom]['oom_score']}")
    sys.exit(1)
print("json ok:", {p: (t["ioprio"], t["oom_score"]) for p, t in tasks.items()})
PY

hdr=$("$PIDTOP" -b -n 1 -d 0.3 -o csv -p "$list" | head -n 1)
for k in oom_score ioprio starttime; do
	echo "$hdr" | tr ',' '\n' | grep -qx "$k" || { echo "FAIL: no $k in the CSV header"; exit 1; }
done

# sorting: rt (when root) then be/7, by ascending rank; idle last of the set
order=$("$PIDTOP" -b -n 1 -d 0.3 -o csv -s ioprio -p "$list" | tail -n +2 | cut -d, -f2 | tr '\n' ' ')
first=$(echo $order | cut -d' ' -f1)
last=$(echo $order | awk '{ print $NF }')
if [ -n "$RT" ]; then [ "$first" = "$RT" ] || { echo "FAIL: -s ioprio: $order, rt/0 ($RT) not first"; exit 1; }; fi
[ "$last" = "$IDLE" ] || { echo "FAIL: -s ioprio: $order, idle ($IDLE) not last"; exit 1; }
first=$("$PIDTOP" -b -n 1 -d 0.3 -o csv -s oom_score -p "$list" | sed -n 2p | cut -d, -f2)
[ "$first" = "$OOM" ] || { echo "FAIL: -s oom_score: $first first, not $OOM"; exit 1; }
"$PIDTOP" -b -n 1 -d 0.3 -s starttime -p "$list" >/dev/null || { echo "FAIL: -s starttime refused"; exit 1; }
"$PIDTOP" -b -n 1 -d 0.3 -s start_time -p "$list" >/dev/null || { echo "FAIL: -s start_time (the old id) refused"; exit 1; }
echo "PASS: oom_score, ioprio and starttime match the kernel; both sort"
