#!/bin/bash
# Without CAP_NET_ADMIN pidtop still runs, says why taskstats is off, and
# still reports storage bytes from /proc/PID/io; without CAP_NET_RAW it
# says why the capture is off. Run as nobody it reports what it may read.
. "$(dirname "$0")/integ_common.sh"

[ "$(id -u)" -eq 0 ] || integ_skip "dropping capabilities needs root to start with"
command -v capsh >/dev/null || integ_skip "capsh missing (apt-get install libcap2-bin)"

integ_start WRITER odirect_writer --file "$SCRATCH/direct.dat" --rate-kib 4096 --seconds 8
sleep 0.5
capsh --drop=cap_net_admin -- -c "'$PIDTOP' -b -o json -d 1 -n 3 -p $WRITER" >"$SCRATCH/noadmin.json" ||
	integ_hard_error "pidtop without CAP_NET_ADMIN failed"
capsh --drop=cap_net_raw -- -c "'$PIDTOP' -b -o json -d 0.5 -n 1 -p $WRITER" >"$SCRATCH/noraw.json" ||
	integ_hard_error "pidtop without CAP_NET_RAW failed"
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$PIDTOP" -b -o json -d 0.5 -n 1 -p 1 >"$SCRATCH/nobody.json" ||
	integ_hard_error "pidtop as nobody failed"

"$PYTHON" - "$SCRATCH" "$WRITER" <<'PY'
import json, sys
scratch, writer = sys.argv[1], int(sys.argv[2])
fails = 0
def check(ok, msg):
    global fails
    print(("ok   " if ok else "FAIL: ") + msg)
    fails += not ok
na = [json.loads(l) for l in open(scratch + "/noadmin.json")]
s = na[-1]["sources"]["taskstats"]
check(s.startswith("unavailable") and "CAP_NET_ADMIN" in s, "no CAP_NET_ADMIN: taskstats says %r" % s)
w = [t["write_bps"] for r in na[1:] for t in r["tasks"] if t["pid"] == writer]
check(bool(w) and all(x is not None and abs(x - 4194304) <= 0.2 * 4194304 for x in w),
      "no CAP_NET_ADMIN: write_bps from /proc/PID/io %s vs 4194304" % w)
d = [t["io_delay_pct"] for r in na for t in r["tasks"]]
check(all(x is None for x in d), "no CAP_NET_ADMIN: delay columns are null, never 0")
nr = json.loads(open(scratch + "/noraw.json").read())
s = nr["sources"]["net"]
check(s.startswith("unavailable") and "CAP_NET_RAW" in s, "no CAP_NET_RAW: net says %r" % s)
check(all(t["net_tx_bps"] is None for t in nr["tasks"]), "no CAP_NET_RAW: net columns are null")
nb = json.loads(open(scratch + "/nobody.json").read())
t = nb["tasks"][0]
check(t["read_bps"] is None and "io" in t.get("no_access", []),
      "as nobody: pid 1's io is null and listed in no_access: %s" % t.get("no_access"))
check(t["cpu_pct"] is not None, "as nobody: pid 1's cpu_pct is still reported")
sys.exit(1 if fails else 0)
PY
