#!/bin/bash
# Pid wrap-around (doc/RELIABILITY.md): kernel.pid_max is lowered to 1,000
# so that 2,000 processes a second wrap the pids every half second, while
# tasks with known counters take the freed pids: processes that live 400 ms
# either burning a CPU ("churnburn"), asleep ("churnidle") or sending 10
# datagrams of 1,000 bytes over its life to a loopback sink ("churnsend"),
# and children of forkwriter that each write 256 KiB and exit. pidtop
# reports in batch JSON, process rows then thread rows: no row may carry
# another task's counters (an idle one with CPU time, a burner with more
# CPU time than its life, a writer with more than its 256 KiB in one
# report, a sender with more than its 10,280 IP bytes: the capture keeps
# traffic by pid, so the datagrams of the pid's previous holder are the
# ones at stake; any task with more CPU time than its age) nor a negative
# or absurd rate (jsoncheck.py sane), and pids must have been reused under
# pidtop's eyes, senders credited.
#
# With Linux >= 6.14 pid_max belongs to the pid namespace: everything runs
# in one made for the test (unshare -p --mount-proc) and the machine's
# pid_max is never touched. Older kernels: the machine's is lowered and put
# back on exit, whatever the path.
. "$(dirname "$0")/integ_common.sh"
integ_exit_flood_lock -x

[ "$(id -u)" -eq 0 ] || integ_skip "lowering kernel.pid_max needs root"
command -v unshare >/dev/null || integ_skip "no unshare (util-linux)"
PID_MAX=1000
SECS=24
per_ns=0
kv=$(uname -r | awk -F'[.-]' '{ printf "%d", $1 * 1000 + $2 }')
[ "$kv" -ge 6014 ] && per_ns=1

if [ "$per_ns" = 0 ]; then
	[ -w /proc/sys/kernel/pid_max ] || integ_skip "/proc/sys/kernel/pid_max is not writable here"
	OLD_MAX=$(cat /proc/sys/kernel/pid_max)
	restore() {
		local status=$?
		echo "$OLD_MAX" >/proc/sys/kernel/pid_max
		(exit "$status")
		integ_cleanup
	}
	trap restore EXIT
	PID_MAX=8192 # other processes of the machine need pids too
fi

cat >"$SCRATCH/inner.sh" <<EOF
set -u
if [ "$per_ns" = 1 ]; then
	echo $PID_MAX >/proc/sys/kernel/pid_max || exit 77
else
	echo $PID_MAX >/proc/sys/kernel/pid_max || exit 99
fi
"$WORKLOAD_DIR/churn" --procs 2000 --threads 0 --conns 0 --lives 20 --senders 100 --life-ms 400 --seconds $SECS &
"$WORKLOAD_DIR/forkwriter" --dir "$SCRATCH" --children 400 --kib 256 --gap-ms 50 &
sleep 1
"$PIDTOP" -b -o json -d 0.5 -n 16 >"$SCRATCH/procs.json" 2>"$SCRATCH/procs.err" || exit 1
"$PIDTOP" -b -o json -H -d 0.5 -n 16 >"$SCRATCH/threads.json" 2>"$SCRATCH/threads.err" || exit 1
kill %1 %2 2>/dev/null
wait
exit 0
EOF
rc=0
$INTEG_NICE unshare -p -f --mount-proc bash "$SCRATCH/inner.sh" || rc=$?
case $rc in
0) ;;
77) integ_skip "pid_max cannot be set in a new pid namespace here" ;;
*)
	echo "FAIL: the run in the pid namespace ended with status $rc"
	cat "$SCRATCH"/*.err
	exit 1
	;;
esac
fail=0
for f in procs threads; do
	if grep -qE 'Sanitizer|runtime error:' "$SCRATCH/$f.err"; then
		echo "FAIL: pidtop reported memory or undefined-behaviour errors ($f):"
		cat "$SCRATCH/$f.err"
		fail=1
	fi
	integ_jsoncheck_brief sane --count 16 --idle churnidle --max-cpu-time churnburn=0.4 \
		--max-bytes forkwriter=262144 --max-sent churnsend=10280 "$SCRATCH/$f.json" || fail=1
done
"$PYTHON" - "$SCRATCH/procs.json" "$PID_MAX" <<'EOF' || fail=1
import json, sys
starts, rows, writers, burners, senders = {}, 0, 0, 0, 0
net = "?"
for line in open(sys.argv[1]):
    report = json.loads(line)
    net = report["sources"].get("net", "?")
    for t in report["tasks"]:
        rows += 1
        starts.setdefault(t["pid"], set()).add(t["starttime"])
        writers += t["comm"] == "forkwriter" and (t["write_bps"] or 0) > 0
        burners += t["comm"] == "churnburn" and (t["cpu_pct"] or 0) > 0
        senders += t["comm"] == "churnsend" and (t.get("net_tx_bps") or 0) > 0
print("rows with known counters: %d writing forkwriter children, %d burning churnburn, "
      "%d sending churnsend" % (writers, burners, senders))
reused = sum(1 for s in starts.values() if len(s) > 1)
print("pid_max %s: %d rows, %d pids, %d of them held by more than one task during the run" % (
    sys.argv[2], rows, len(starts), reused))
if reused == 0:
    print("FAIL: no pid was reused under pidtop's eyes: the test tested nothing")
    sys.exit(1)
if not net.startswith("ok"):
    print("note: the capture is %r: the senders' traffic was not checked" % net)
elif senders == 0:
    print("FAIL: no churnsend row was credited its datagrams: the capture's check tested nothing")
    sys.exit(1)
EOF
exit "$fail"
