#!/bin/bash
# system.psi against the kernel's /proc/pressure files, read right after
# the report: each resource's some_avg10 and full_avg10 within 5 points
# (avg10 is a 10 s moving average: it moves little in a fraction of a
# second), "full" null only where the file has no full line.
. "$(dirname "$0")/integ_common.sh"
[ -r /proc/pressure/cpu ] || integ_skip "this kernel has no PSI (/proc/pressure)"
out=$("$PIDTOP" -b -n 1 -d 0.3 -o json -p 1) || { echo "FAIL: pidtop exited $?"; exit 1; }
echo "$out" | "$PYTHON" -c '
import json, sys
psi = json.loads(sys.stdin.readline())["system"]["psi"]
for res in ("cpu", "memory", "io"):
    try:
        text = open(f"/proc/pressure/{res}").read()
    except OSError:
        if psi[res] is not None:
            print(f"FAIL: {res}: no file, but {psi[res]}"); sys.exit(1)
        continue
    lines = {l.split()[0]: dict(kv.split("=") for kv in l.split()[1:]) for l in text.splitlines()}
    for kind in ("some", "full"):
        got = psi[res][f"{kind}_avg10"]
        if kind not in lines:
            if got is not None:
                print(f"FAIL: {res} {kind}: no line, but {got}"); sys.exit(1)
            continue
        want = float(lines[kind]["avg10"])
        if got is None or abs(got - want) > 5:
            print(f"FAIL: {res} {kind}_avg10 {got}, the kernel says {want}"); sys.exit(1)
    print(res, psi[res])
' || exit 1
echo "PASS: system.psi matches /proc/pressure"
