#!/bin/bash
# Per-process traffic on loopback against the workloads' own truth (issue 4):
#  - paced TCP sender -> receiver over 127.0.0.1 and over ::1: the sender's
#    tx and the receiver's rx within 10% of the IP-layer bytes the kernel's
#    TCP_INFO says each socket moved (payload + one header per segment),
#    and the reverse direction (ACKs) not counted as data;
#  - UDP to a receiver bound to 0.0.0.0, and IPv4 UDP to a dual-stack [::]
#    receiver (v4-mapped): sender tx and receiver rx within 10%;
#  - 50 short connections of 20,000 bytes, each closed within 100 ms: at
#    least 90% of their bytes credited to the client and the server;
#  - accumulated mode (-a): the last report's totals since first seen are
#    the pair's whole transfer, within 10%.
# pidtop is started first; each workload moves traffic only once pidtop's
# first report is out (so both processes have a baseline), and lingers after
# it so the last report holds its totals. The sum over the reports of
# rate x interval is what pidtop credited each process with.
. "$(dirname "$0")/integ_common.sh"

integ_need_capture

INTERVAL=0.5

# run_case NAME REPORTS WORKLOAD ARGS... : starts the workload waiting for
# its go file, pidtop on its two processes, releases the traffic after
# pidtop's first report, and waits for pidtop. $PIDTOP_ARGS: more options.
run_case() {
	local name=$1 reports=$2 prog=$3 pids i status=0
	shift 3
	local dir="$SCRATCH/$name"
	mkdir -p "$dir"
	integ_start WL "$prog" "$@" --go "$dir/go" --log "$dir/truth.log" --ready "$dir/ready"
	integ_wait_file "$dir/ready" 10
	# both processes have logged their pids once ready was written and
	# the child was forked; give the child a moment to log
	for i in $(seq 50); do
		[ "$(grep -c '^pid ' "$dir/truth.log")" -ge 2 ] && break
		sleep 0.02
	done
	pids=$(awk '$1 == "pid" { printf "%s%s", sep, $3; sep = "," }' "$dir/truth.log")
	# shellcheck disable=SC2086 # PIDTOP_ARGS is a list of words
	$INTEG_NICE "$PIDTOP" -b -o json -d "$INTERVAL" -n "$reports" -p "$pids" ${PIDTOP_ARGS:-} \
		>"$dir/out.json" 2>"$dir/out.err" &
	local ptop=$!
	integ_wait_report "$dir/out.json" "$name"
	touch "$dir/go"
	wait "$ptop" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "FAIL: $name: pidtop exited with status $status:"
		cat "$dir/out.err"
		exit 1
	fi
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$dir/out.err"; then
		echo "FAIL: $name: pidtop reported memory or undefined-behaviour errors:"
		cat "$dir/out.err"
		exit 1
	fi
	# the workload writes its last truth lines before it lingers; wait for it
	wait "$WL" || integ_hard_error "$name: workload $prog failed (status $?)"
}

# check NAME MODE : compares pidtop's totals with the truth log.
#   pair:  sender tx and receiver rx within 10%; the other directions are
#          the ACKs (TCP: within 10% + 2 KiB of their truth) or nothing (UDP)
#   pair-acc: the same, from the last report of -a (totals, not rates)
#   burst: client tx and server rx at least 90% (and at most 125%) of the truth
check() {
	"$PYTHON" - "$SCRATCH/$1" "$2" <<'PY' || exit 1
import json, sys

d, mode = sys.argv[1], sys.argv[2]
acc = mode.endswith("-acc")
mode = mode.replace("-acc", "")
role_pid, final = {}, {}
lives = None
for line in open(d + "/truth.log"):
    f = line.split()
    if not f:
        continue
    if f[0] == "pid":
        role_pid[f[1]] = int(f[2])
    elif f[0] == "final":
        final[f[1]] = {k: int(v) for k, v in (x.split("=") for x in f[2:])}
    elif f[0] == "lives":
        lives = {k: float(v) for k, v in (x.split("=") for x in f[1:])}

got = {p: {"tx": 0.0, "rx": 0.0} for p in role_pid.values()}
unattr = 0.0
drops = None
nrep = 0
for line in open(d + "/out.json"):
    r = json.loads(line)
    nrep += 1
    iv = r["interval"]
    if r["sources"]["net"] != "ok":
        sys.exit("FAIL: %s: sources.net is %r" % (d, r["sources"]["net"]))
    u = r["system"]["net_unattributed"]
    unattr += sum(v or 0 for v in u.values()) * iv
    drops = r["system"]["capture_drops"]
    for t in r["tasks"]:
        if t["pid"] in got and t["tid"] == t["pid"]:
            for k in ("tx", "rx"):
                v = t["net_%s_bps" % k]
                if v is None:
                    sys.exit("FAIL: %s: pid %d has net_%s_bps null" % (d, t["pid"], k))
                if acc:
                    got[t["pid"]][k] = v  # bytes since first seen
                else:
                    got[t["pid"]][k] += v * iv

fails = []
print("%s: %d reports, unattributed %.0f bytes in the window, capture drops %s" % (
    d.rsplit("/", 1)[1], nrep, unattr, drops))

def cmp(what, g, want, lo, hi, slack=0.0):
    err = (g - want) / want * 100 if want else float("inf")
    ok = want * lo - slack <= g <= want * hi + slack
    rel = "(%+.2f%%)" % err if want else "(none expected)"
    print("  %-28s %12.0f bytes, truth %12d %s%s" % (what, g, want, rel, "" if ok else "  <-- FAIL"))
    if not ok:
        fails.append(what)

if mode == "pair":
    snd, rcv = role_pid["sender"], role_pid["receiver"]
    s = final["sender"]
    cmp("sender tx", got[snd]["tx"], s["tx_ip"], 0.9, 1.1)
    cmp("receiver rx", got[rcv]["rx"], s["tx_ip"], 0.9, 1.1)
    if "receiver" in final:  # TCP: the ACKs
        cmp("sender rx (ACKs)", got[snd]["rx"], s["rx_ip"], 0.9, 1.1, 2048)
        cmp("receiver tx (ACKs)", got[rcv]["tx"], final["receiver"]["tx_ip"], 0.9, 1.1, 2048)
    else:                    # UDP: one way only
        cmp("sender rx", got[snd]["rx"], 0, 1, 1)
        cmp("receiver tx", got[rcv]["tx"], 0, 1, 1)
else:
    cli, srv = role_pid["client"], role_pid["server"]
    if lives is None or lives["over_100ms"] > 5:
        print("ERROR: the connections did not close within 100 ms: %r" % lives)
        sys.exit(99)
    print("  connection lives: longest %.1f ms, %d over 100 ms" % (lives["max_ms"], lives["over_100ms"]))
    cmp("client tx", got[cli]["tx"], final["client"]["tx_ip"], 0.9, 1.25)
    cmp("server rx", got[srv]["rx"], final["server"]["rx_ip"], 0.9, 1.25)
if fails:
    print("FAIL: %s" % ", ".join(fails))
    sys.exit(1)
PY
}

# 3 s of traffic after pidtop's first report, 2.5 s of linger: 10 reports
# of 0.5 s end inside the linger.
PAIR="--seconds 3 --linger 2.5"
run_case tcp4 10 netpair --proto tcp --family 4 --rate-kib 2048 $PAIR
check tcp4 pair
run_case tcp6 10 netpair --proto tcp --family 6 --rate-kib 2048 $PAIR
check tcp6 pair
run_case udp4-any 10 netpair --proto udp --family 4 --bind any --rate-kib 1024 $PAIR
check udp4-any pair
run_case udp4-any6 10 netpair --proto udp --family 4 --bind any6 --rate-kib 1024 $PAIR
check udp4-any6 pair
# 50 connections of about 50 ms, 30 ms apart: about 4 s; 2.5 s of linger
PIDTOP_ARGS=-a run_case tcp4-acc 10 netpair --proto tcp --family 4 --rate-kib 2048 $PAIR
check tcp4-acc pair-acc
run_case burst 14 netburst --conns 50 --bytes 20000 --chunks 4 --gap-ms 15 --pause-ms 30 \
	--linger 2.5
check burst burst
echo "PASS"
