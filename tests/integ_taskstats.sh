#!/bin/bash
# Taskstats against the real kernel (root): short-lived children's bytes
# come back as exited rows; delay accounting shows an O_DIRECT writer's
# block-I/O wait and not a sleeper's; thread rows take their bytes from
# taskstats; --enable-delayacct restores the sysctl.
. "$(dirname "$0")/integ_common.sh"
integ_exit_flood_lock -s

[ "$(id -u)" -eq 0 ] || integ_skip "taskstats needs CAP_NET_ADMIN: run as root"
probe=$("$PIDTOP" -b -o json -n 1 -d 0.2 -p 1 --no-net | "$PYTHON" -c \
	'import json,sys; print(json.loads(sys.stdin.read())["sources"]["taskstats"])')
case "$probe" in
unavailable*) integ_skip "taskstats source: $probe" ;;
esac
SYSCTL=/proc/sys/kernel/task_delayacct
[ -r "$SYSCTL" ] || integ_skip "no $SYSCTL on this kernel"
before=$(cat "$SYSCTL")

# 1. process rows with delay accounting on for the run
"$PIDTOP" -b -o json -d 1 -n 5 --no-net --enable-delayacct >"$SCRATCH/proc.json" 2>"$SCRATCH/proc.err" &
RUN=$!
for _ in $(seq 100); do [ -s "$SCRATCH/proc.json" ] && break; sleep 0.05; done
integ_start SLEEPER waker --rate 0 --seconds 8 --tag idle
integ_start WRITER odirect_writer --file "$SCRATCH/direct.dat" --rate-kib 4096 --seconds 6
sleep 1
"$WORKLOAD_DIR/forkwriter" --dir "$SCRATCH" --children 20 --kib 1024 --gap-ms 30 \
	--log "$SCRATCH/children.log" || integ_hard_error "forkwriter failed"
wait "$RUN" || integ_hard_error "pidtop exited $?: $(cat "$SCRATCH/proc.err")"
after=$(cat "$SYSCTL")
[ "$after" = "$before" ] || { echo "FAIL: kernel.task_delayacct was $before, is $after after the run"; exit 1; }

# --enable-delayacct also restores the setting when stopped by a signal
for sig in TERM INT HUP; do
	"$PIDTOP" -b -d 5 -n 4 --no-net --enable-delayacct >/dev/null &
	P=$!
	for _ in $(seq 100); do [ "$(cat "$SYSCTL")" = 1 ] && break; sleep 0.05; done
	kill -$sig $P
	wait $P
	rc=$?
	[ "$(cat "$SYSCTL")" = "$before" ] ||
		{ echo "FAIL: after SIG$sig kernel.task_delayacct is $(cat "$SYSCTL"), was $before"; exit 1; }
	echo "ok   SIG$sig: exit $rc, kernel.task_delayacct back to $before"
done

# an unknown capture device is a usage error
"$PIDTOP" -b -n 1 -i nosuchdev0 >/dev/null 2>"$SCRATCH/dev.err"
rc=$?
[ $rc = 2 ] && grep -q "nosuchdev0" "$SCRATCH/dev.err" ||
	{ echo "FAIL: -i nosuchdev0 exited $rc: $(cat "$SCRATCH/dev.err")"; exit 1; }

# 2. thread rows: an O_DIRECT writer's bytes from the TID replies
integ_start WRITER2 odirect_writer --file "$SCRATCH/direct2.dat" --rate-kib 8192 --seconds 6 \
	--log "$SCRATCH/writer2.log"
sleep 0.5
"$PIDTOP" -b -o json -d 1 -n 4 -H --no-net -p "$WRITER2" >"$SCRATCH/threads.json" ||
	integ_hard_error "pidtop -H failed"

"$PYTHON" - "$SCRATCH" "$SLEEPER" "$WRITER" "$WRITER2" <<'PY'
import json, sys
scratch, sleeper, writer, writer2 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fails = 0
def check(ok, msg):
    global fails
    print(("ok   " if ok else "FAIL: ") + msg)
    fails += not ok
reports = [json.loads(l) for l in open(scratch + "/proc.json")]
check(all(r["sources"]["taskstats"] == "ok" for r in reports),
      "taskstats ok with --enable-delayacct: %s" % reports[-1]["sources"]["taskstats"])
children = {int(l.split()[0]): int(l.split()[1]) for l in open(scratch + "/children.log")}
truth = sum(children.values())
seen = {}
for r in reports:
    for t in r["tasks"]:
        if t["pid"] in children and t["exited"]:
            if t["write_bps"] is not None:
                seen[t["pid"]] = seen.get(t["pid"], 0) + t["write_bps"] * r["interval"]
got = sum(seen.values())
check(len(seen) >= 18, "%d of %d short-lived children reported as exited" % (len(seen), len(children)))
check(abs(got - truth) <= 0.2 * truth,
      "exited children wrote %.0f bytes, truth %d (%+.1f%%)" % (got, truth, 100.0 * (got - truth) / truth))
def rows(pid):
    return [t for r in reports[1:] for t in r["tasks"] if t["pid"] == pid and not t["exited"]]
wd = [t["io_delay_pct"] for t in rows(writer) if t["io_delay_pct"] is not None]
check(bool(wd) and max(wd) > 0, "O_DIRECT writer io_delay_pct > 0: %s" % wd)
sd = [t["io_delay_pct"] for t in rows(sleeper) if t["io_delay_pct"] is not None]
check(bool(sd) and max(sd) < 1.0, "idle sleeper io_delay_pct ~0: %s" % sd)
th = [json.loads(l) for l in open(scratch + "/threads.json")]
nth = 0
for r in th[1:]:
    for t in r["tasks"]:
        if t["tid"] == writer2 and t["write_bps"] is not None:
            check(abs(t["write_bps"] - 8192 * 1024) <= 0.2 * 8192 * 1024,
                  "-H writer write_bps %.0f vs paced 8388608 (taskstats bytes)" % t["write_bps"])
            nth += 1
check(nth >= 2, "-H writer rows with write_bps: %d" % nth)
sys.exit(1 if fails else 0)
PY
