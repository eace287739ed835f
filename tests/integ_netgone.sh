#!/bin/bash
# The capture device removed while capturing (doc/RELIABILITY.md,
# "Faults"): in a network namespace made for the test, a veth pair; pidtop
# captures on one end (-i) and, two seconds in, the pair is deleted. The
# net source must turn unavailable saying why, and the rest go on: every
# report there, each with its task rows, exit status 0.
. "$(dirname "$0")/integ_common.sh"

[ "$(id -u)" -eq 0 ] || integ_skip "network namespaces and packet capture need root"
command -v ip >/dev/null || integ_skip "no ip (iproute2)"
NS="pidtop-netgone-$$"
ip netns add "$NS" 2>/dev/null || integ_skip "cannot make a network namespace here"
netgone_cleanup() {
	local status=$?
	ip netns del "$NS" 2>/dev/null
	(exit "$status")
	integ_cleanup
}
trap netgone_cleanup EXIT
in_ns() { ip netns exec "$NS" "$@"; }
in_ns ip link add pta type veth peer name ptb || integ_hard_error "cannot make a veth pair"
in_ns ip link set pta up
in_ns ip link set ptb up

(sleep 2.2 && in_ns ip link del pta) &
deleter=$!
outer=$INTEG_NICE
INTEG_NICE="ip netns exec $NS $INTEG_NICE" # word-split by integ_pidtop
integ_pidtop "$SCRATCH/gone.json" -i pta -d 0.5 -n 10
INTEG_NICE=$outer
wait "$deleter"
integ_jsoncheck_brief schema --count 10 "$SCRATCH/gone.json" || exit 1
"$PYTHON" - "$SCRATCH/gone.json" <<'EOF2'
import json, sys
reports = [json.loads(l) for l in open(sys.argv[1])]
states = [r["sources"]["net"] for r in reports]
rows = [len(r["tasks"]) for r in reports]
for s, n in zip(states, rows):
    print("net: %-50s tasks: %d" % (s, n))
bad = 0
if not states[0].startswith("ok"):
    print("FAIL: the capture did not start: %s" % states[0]); bad = 1
if not (states[-1].startswith("unavailable") and "went away" in states[-1]):
    print("FAIL: after the device went, the net source says %r" % states[-1]); bad = 1
if min(rows) == 0:
    print("FAIL: a report without task rows"); bad = 1
sys.exit(bad)
EOF2
