#!/bin/bash
# pidtop in containers' namespaces, for real: inside a pid namespace with
# its own proc (unshare -p -f --mount-proc) and without (the host's proc,
# whose pids are not its own: taskstats off), a user namespace (unshare -U
# -r), both, and a user namespace with its own network namespace, batch
# JSON starts, lists the namespace's tasks, exits 0 with nothing on
# stderr, and its sources say in words what is unavailable and why. Then
# --proc-root: a second mount of the host's proc works like /proc (ioprio
# and taskstats included); the proc of a pid namespace seen from the host
# lists that namespace's tasks and turns taskstats off with the reason
# (its pids would fetch other tasks' counters).
. "$(dirname "$0")/integ_common.sh"

[ "$(id -u)" -eq 0 ] || integ_skip "creating namespaces and mounting proc needs root"
command -v unshare >/dev/null || integ_skip "unshare missing (apt-get install util-linux)"
unshare -p -f --mount-proc true 2>/dev/null || integ_skip "no pid namespaces here"
unshare -U -r true 2>/dev/null || integ_skip "no user namespaces here"

fails=0
# run NAME UNSHARE-FLAGS... -- PIDTOP-ARGS...: batch JSON into NAME.json
run() {
	local name=$1 flags=()
	shift
	while [ "$1" != "--" ]; do
		flags+=("$1")
		shift
	done
	shift
	(cd / && unshare "${flags[@]}" "$PIDTOP" -b -o json -d 0.5 -n 3 "$@") \
		>"$SCRATCH/$name.json" 2>"$SCRATCH/$name.err"
	echo $? >"$SCRATCH/$name.rc"
}
run pidns -p -f --mount-proc --
run pidnsnoproc -p -f --
run userns -U -r --
run both -U -r -p -f --mount-proc --
run usernetns -U -r -n --

# another mount of the host's proc
mkdir -p "$SCRATCH/proc2"
mount -t proc proc "$SCRATCH/proc2" || integ_hard_error "cannot mount proc on $SCRATCH/proc2"
(cd / && "$PIDTOP" --proc-root="$SCRATCH/proc2" -b -o json -d 0.5 -n 3 -p 1) \
	>"$SCRATCH/proc2.json" 2>"$SCRATCH/proc2.err"
echo $? >"$SCRATCH/proc2.rc"
umount "$SCRATCH/proc2"

# the proc of a pid namespace, from outside: a sleeper is its pid 1
cp "$(command -v sleep)" "$SCRATCH/nssleeper"
setsid unshare -p -f --mount-proc "$SCRATCH/nssleeper" 30 &
INTEG_PGIDS="$INTEG_PGIDS $!"
for _ in $(seq 50); do
	INNER=$(pgrep -n -x nssleeper) && break
	sleep 0.1
done
[ -n "${INNER:-}" ] || integ_hard_error "the namespace's sleeper did not start"
(cd / && "$PIDTOP" --proc-root="/proc/$INNER/root/proc" -b -o json -d 0.5 -n 3) \
	>"$SCRATCH/foreign.json" 2>"$SCRATCH/foreign.err"
echo $? >"$SCRATCH/foreign.rc"

"$PYTHON" - "$SCRATCH" <<'PY' || fails=1
import json, sys
scratch = sys.argv[1]
fails = 0
def check(ok, msg):
    global fails
    print(("ok   " if ok else "FAIL: ") + msg)
    fails += not ok
def load(name):
    rc = open("%s/%s.rc" % (scratch, name)).read().strip()
    err = open("%s/%s.err" % (scratch, name)).read()
    check(rc == "0", "%s: exit status %s" % (name, rc))
    check(err == "", "%s: nothing on stderr %r" % (name, err[:300]))
    try:
        reports = [json.loads(l) for l in open("%s/%s.json" % (scratch, name))]
    except ValueError as e:
        reports = []
    check(len(reports) == 3, "%s: 3 reports (%d)" % (name, len(reports)))
    return reports or [{"sources": {}, "tasks": []}]
def sources(name, reports, taskstats, net):
    s = reports[-1]["sources"]
    check(s.get("proc") == "ok", "%s: proc %r" % (name, s.get("proc")))
    check(taskstats(s.get("taskstats", "")), "%s: taskstats %r" % (name, s.get("taskstats")))
    check(net(s.get("net", "")), "%s: net %r" % (name, s.get("net")))
    for k, v in s.items():
        check("Invalid argument" not in v and "Operation not permitted" not in v,
              "%s: %s says why in words, not a bare error" % (name, k))
PIDNS_EXITS = "exits: exit notifications need the initial pid namespace"
USERNS_TS = "unavailable: needs CAP_NET_ADMIN in the initial user namespace"
USERNS_NET = "unavailable: needs CAP_NET_RAW over this network namespace"

r = load("pidns")
sources("pidns", r, lambda t: not t.startswith("unavailable") and PIDNS_EXITS in t,
        lambda n: n == "ok")
pids = {t["pid"] for t in r[-1]["tasks"]}
check(pids == {1}, "pidns: the namespace's one task, pidtop as pid 1: %s" % sorted(pids))
# a pid namespace that still sees the host's /proc: the tree's pids are
# not pidtop's, so taskstats is off, with the reason
r = load("pidnsnoproc")
sources("pidnsnoproc", r,
        lambda t: t.startswith("unavailable: the proc tree is of another pid namespace"),
        lambda n: n == "ok")
check(len(r[-1]["tasks"]) > 1, "pidnsnoproc: the host's tasks (%d)" % len(r[-1]["tasks"]))
r = load("userns")
sources("userns", r, lambda t: t.startswith(USERNS_TS), lambda n: n.startswith(USERNS_NET))
check(len(r[-1]["tasks"]) > 1, "userns: the host's tasks (%d)" % len(r[-1]["tasks"]))
r = load("both")
sources("both", r, lambda t: t.startswith(USERNS_TS), lambda n: n.startswith(USERNS_NET))
check({t["pid"] for t in r[-1]["tasks"]} == {1}, "both: the namespace's one task")
r = load("usernetns")
sources("usernetns", r, lambda t: t.startswith(USERNS_TS), lambda n: n == "ok")

r = load("proc2")
sources("proc2", r, lambda t: not t.startswith("unavailable") and "exits:" not in t,
        lambda n: n == "ok")
t1 = [t for rep in r for t in rep["tasks"] if t["pid"] == 1]
check(t1 and all(t["ioprio"] is not None for t in t1),
      "proc2: pid 1 with its ioprio %s" % [t["ioprio"] for t in t1])
r = load("foreign")
sources("foreign", r,
        lambda t: t.startswith("unavailable: the proc tree is of another pid namespace"),
        lambda n: n == "ok")
tasks = r[-1]["tasks"]
check([t["comm"] for t in tasks if t["pid"] == 1] == ["nssleeper"],
      "foreign: the namespace's pid 1 is its sleeper: %s" % [(t["pid"], t["comm"]) for t in tasks])
check(all(t["ioprio"] is None and t["io_delay_pct"] is None for t in tasks),
      "foreign: no ioprio or delays read by the namespace's pids")
sys.exit(1 if fails else 0)
PY
[ "$fails" -eq 0 ]
