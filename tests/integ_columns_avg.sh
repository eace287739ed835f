#!/bin/bash
# --columns chooses and orders the columns of text, CSV and JSON reports
# (groups cpu, mem, io, ctx, net expand as pidstat names them); an unknown
# name is a usage error. A text run with a COUNT ends with pidstat's
# "Average:" block: each task's mean of every rate over the reports. Text
# pads by display width: a UTF-8 name keeps the next column in place.
. "$(dirname "$0")/integ_common.sh"

tmp=$(mktemp -d "$PWD/integ_colavg.XXXXXX") || integ_hard_error "no scratch directory"
name=$(printf 'b\xc3\xbcrn\xc3\xa9r')  # bürnér: 6 characters, 8 bytes
cp "$WORKLOAD_DIR/burner" "$tmp/$name"
"$tmp/$name" --threads 1 --duty 30 --seconds 60 --ready "$tmp/ready" &
BURN=$!
trap 'kill $BURN 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -e "$tmp/ready" ] && break; sleep 0.1; done
[ -e "$tmp/ready" ] || integ_hard_error "the burner did not start"

# JSON and CSV: exactly the listed keys, in order, groups expanded
"$PIDTOP" -b -n 1 -d 0.3 -o json -p "$BURN" --columns=pid,ctx,comm,cpu > "$tmp/r.json" ||
	{ echo "FAIL: pidtop --columns -o json exited $?"; exit 1; }
"$PYTHON" - "$tmp/r.json" <<'PY' || exit 1
import json, sys
t = json.loads(open(sys.argv[1]).readline())["tasks"][0]
want = ["pid", "cswch_ps", "nvcswch_ps", "comm", "usr_pct", "sys_pct", "guest_pct", "wait_pct", "cpu_pct", "cpu"]
if list(t) != want:
    print(f"FAIL: JSON keys {list(t)}, wanted {want}"); sys.exit(1)
PY
hdr=$("$PIDTOP" -b -n 1 -d 0.3 -o csv -p "$BURN" --columns=io,pid | head -n 1)
[ "$hdr" = "time,read_bps,write_bps,cwrite_bps,io_delay_pct,pid" ] || { echo "FAIL: CSV header '$hdr'"; exit 1; }
"$PIDTOP" -b -n 1 --columns=pid,nosuch >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "unknown column 'nosuch'" "$tmp/err" || { echo "FAIL: --columns=pid,nosuch: exit $rc, $(cat "$tmp/err")"; exit 1; }

# text: COUNT 4 reports then the Average block; the mean of each rate
"$PIDTOP" -b -d 0.5 -n 4 -p "$BURN" --columns=pid,comm,cpu_pct,cswch_ps,cmdline > "$tmp/r.txt" ||
	{ echo "FAIL: pidtop text exited $?"; exit 1; }
"$PYTHON" - "$tmp/r.txt" "$BURN" <<'PY' || exit 1
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
pid = sys.argv[2]
rows = [l.split() for l in lines if not l.startswith(("#", "Average:")) and l.split()[:1] == [pid]]
avg = [l.split() for l in lines if l.startswith("Average:") and l.split()[1:2] == [pid]]
if len(rows) != 4 or len(avg) != 1:
    print(f"FAIL: {len(rows)} report rows and {len(avg)} Average rows for {pid}"); sys.exit(1)
for col, idx in (("%CPU", 2), ("cswch/s", 3)):
    vals = [float(r[idx]) for r in rows]
    mean, got = sum(vals) / 4, float(avg[0][idx + 1])
    if abs(got - mean) > 0.051 + 0.001 * mean:
        print(f"FAIL: Average {col} {got}, mean of {vals} is {mean:.2f}"); sys.exit(1)
    print(f"{col}: reports {vals}, Average {got}")
if float(avg[0][3]) < 10:
    print(f"FAIL: a 30% burner averages {avg[0][3]}% CPU"); sys.exit(1)
# display width: every line's %CPU column ends at the same cell (the name's
# characters are one cell each, so characters count cells here)
titles = [l for l in lines if l.split()[:1] == ["PID"]][0]
end = titles.index("%CPU") + 4
for r in [l for l in lines if l.split()[:1] == [pid]]:
    if not r[:end].rstrip().endswith(r.split()[2]) or len(r[:end]) != end:
        print(f"FAIL: %CPU not aligned under its title in {r!r}"); sys.exit(1)
PY
# no COUNT: no Average block (the run is stopped after 2 reports)
"$PIDTOP" -b -d 0.3 -p "$BURN" > "$tmp/nocount.txt" &
P=$!
sleep 1
kill -INT $P
wait $P
grep -q "^Average:" "$tmp/nocount.txt" && { echo "FAIL: an Average block without a COUNT"; exit 1; }
echo "PASS: --columns in JSON, CSV and text; Average block = the mean of the reports; UTF-8 name aligned"
