#!/bin/bash
# Reads the fixture proc tree tests/fixtures/proc-seq (two samples one second
# apart, see make_proc_seq.py) and compares every output format, process and
# thread rows, with the expected reports. The expected files were checked by
# hand against the counters the generator advances; the figures that matter
# are also asserted here independently of the snapshots.
set -u
src=${TESTS_SRCDIR:-$(dirname "$0")}
tree=$src/fixtures/proc-seq
expected=$src/fixtures/proc-seq-expected
pidtop=${PIDTOP:-./pidtop}
export PIDTOP_FIXTURE_SEQUENCE=1
fail=0
tmpd=$(mktemp -d) || exit 1
trap 'rm -rf "$tmpd"' EXIT

run() { "$pidtop" --proc-root="$tree" -b -n 1 -d 0.01 "$@"; }

compare() { # name args...
	local name=$1; shift
	local out
	out=$(mktemp) || exit 1
	run "$@" >"$out" || { echo "FAIL: pidtop $* exited $?"; fail=1; rm -f "$out"; return; }
	if ! diff -u "$expected/$name" "$out"; then
		echo "FAIL: $name differs from the expected report"
		fail=1
	fi
	rm -f "$out"
}

for fmt in text csv json; do
	compare "process.$fmt" -o "$fmt" -s pid
	compare "threads.$fmt" -o "$fmt" -H -s tid
done
compare accumulated.csv -o csv -a -s pid
# group rows (--group-by): by cgroup (a container id, a service, a session,
# the root), by comm on thread rows
compare groups-cgroup.text --group-by=cgroup
compare groups-comm-threads.csv --group-by=comm -H -o csv
compare groups-user.json --group-by=user -o json

# the order of group rows: by a summed column's sum and by threads, largest
# first; by the name on a text column, A first; -r turns each round
for sort in rss_kb threads comm; do
	for rev in "" -r; do
		run -o json --group-by=user -s $sort $rev >"$tmpd/sorted.json" ||
			{ echo "FAIL: --group-by=user -s $sort $rev"; fail=1; continue; }
		"${PYTHON3:-python3}" - "$tmpd/sorted.json" "$sort" "$rev" <<'EOP' || fail=1
import json, sys
groups = json.load(open(sys.argv[1]))["groups"]
sort, rev = sys.argv[2], sys.argv[3] == "-r"
key = {"rss_kb": lambda g: -(g["rss_kb"] or 0), "threads": lambda g: -g["threads"],
       "comm": lambda g: g["group"]}[sort]
keys = [key(g) for g in groups]
if len(groups) < 2 or keys != sorted(keys, reverse=rev):
    sys.exit(f"FAIL: groups sorted by {sort} {'reversed' if rev else ''}: {[g['group'] for g in groups]}")
EOP
	done
done

# a group row is the sum of its members in the same report (the fixture's
# one sample: the task report and the group report read the same trees)
for mode in "" -H; do
	for key in comm user cgroup; do
		run -o json $mode >"$tmpd/tasks.json" && run -o json $mode --group-by=$key >"$tmpd/groups.json" ||
			{ echo "FAIL: pidtop -o json $mode --group-by=$key"; fail=1; continue; }
		"${PYTHON3:-python3}" - "$tmpd/tasks.json" "$tmpd/groups.json" "$key" "$mode" <<'EOP' || fail=1
import json, sys
tasks = json.load(open(sys.argv[1]))["tasks"]
groups = {g["group"]: g for g in json.load(open(sys.argv[2]))["groups"]}
key, threads = sys.argv[3], sys.argv[4] == "-H"
def name(t):
    if key == "comm":
        procs = {x["pid"]: x for x in tasks if x["tid"] == x["pid"]}
        c = procs[t["pid"]]["comm"]
        return c.split("/")[0] if procs[t["pid"]]["ppid"] == 2 or t["pid"] == 2 else c
    if key == "user":
        return t["user"]
    path = t["cgroup"]
    last = [p for p in path.split("/") if p]
    for p in last:
        if p.startswith("docker-"):
            return p[7:19]
    units = [p for p in last if p.endswith((".scope", ".service", ".slice"))]
    return units[-1] if units else (last[-1] if last else "/")
want = {}
for t in tasks:
    g = want.setdefault(name(t), {"processes": 0})
    g["processes"] += (t["tid"] == t["pid"]) if threads else 1
    for k in ("cpu_pct", "wait_pct", "rss_kb", "write_bps", "cswch_ps"):
        v = t[k]
        if k == "rss_kb" and threads and t["tid"] != t["pid"]:
            continue  # memory is the process's, counted once
        if v is not None:
            g[k] = g.get(k, 0) + v
if set(want) != set(groups):
    sys.exit(f"FAIL: groups by {key}: {sorted(groups)}, members give {sorted(want)}")
for n, w in want.items():
    for k, v in w.items():
        got = groups[n][k]
        if got is None or abs(got - v) > 0.011:
            sys.exit(f"FAIL: group {n!r} by {key}{' -H' if threads else ''}: {k} {got}, its members sum to {v}")
EOP
	done
done

# a recording of the same samples replays into the very same reports
# (-R takes no source option: the recording says what the sources were)
scratch=$(mktemp -d) || exit 1
compare_replay() { # name args...
	local name=$1 rec="$scratch/$1.rec"; shift
	run -w "$rec" "$@" >/dev/null || { echo "FAIL: pidtop -w $* exited $?"; fail=1; return; }
	if ! "$pidtop" -R "$rec" -b -n 1 "$@" | diff -u "$expected/$name" -; then
		echo "FAIL: the replay of $name differs from the expected report"
		fail=1
	fi
}
compare_replay process.json -o json -s pid
compare_replay threads.text -o text -H -s tid
compare_replay accumulated.csv -o csv -a -s pid
rm -rf "$scratch"

# the key figures, asserted directly
run -o json -s pid | "${PYTHON3:-python3}" -c '
import json, sys
r = json.loads(sys.stdin.read())
t = {x["pid"]: x for x in r["tasks"]}
def eq(what, got, want):
    if got != want:
        print(f"FAIL: {what} = {got!r}, expected {want!r}"); sys.exit(1)
eq("interval", r["interval"], 1.0)
eq("init cpu_pct (50+20 ticks in 1 s)", t[1]["cpu_pct"], 70.0)
eq("init wait_pct (0.25 s of run-queue wait)", t[1]["wait_pct"], 25.0)
eq("init write_bps", t[1]["write_bps"], 8192.0)
eq("init rss_delta_kb (256 pages)", t[1]["rss_delta_kb"], 1024)
eq("worker process cswch_ps (its thread 101 switches)", t[100]["cswch_ps"], 200.0)
eq("worker process wait_pct (thread 101 waits 0.5 s)", t[100]["wait_pct"], 50.0)
eq("hostile comm kept apart from state", t[100]["comm"], "a) (b c")
eq("a kernel thread name longer than 15 bytes, renamed", t[3]["comm"], "kworker/0:1H-kblockd")
eq("its command line follows the name", t[3]["cmdline"], "[kworker/0:1H-kblockd]")
eq("kworker cpu_pct (2 ms on the CPU in 1 s)", t[3]["cpu_pct"], 0.2)
eq("escape sequence made visible", t[100]["cmdline"], "./worker --name \\x1b[31mred\\xff")
eq("kernel thread shown by name", t[2]["cmdline"], "[kthreadd]")
eq("new task has no rate", t[400]["cpu_pct"], None)
eq("exited task is gone", 300 in t, False)
eq("io delay without taskstats is null", t[1]["io_delay_pct"], None)
eq("oom_score from the file", t[100]["oom_score"], 667)
psi = r["system"]["psi"]
eq("psi cpu some avg10 (the second sample)", psi["cpu"]["some_avg10"], 13.5)
eq("psi cpu without a full line", psi["cpu"]["full_avg10"], None)
eq("psi memory full avg10", psi["memory"]["full_avg10"], 1.75)
eq("psi io missing", psi["io"], None)
eq("ioprio is asked of the live kernel only", t[100]["ioprio"], None)
eq("disk write bps (4096 sectors, whole disk only)", r["system"]["disk_write_bps"], 2097152.0)
eq("net rx bps without lo", r["system"]["net_rx_bps"], 10000.0)
' || fail=1

[ $fail = 0 ] && echo "PASS: fixture tree reports match"
exit $fail
