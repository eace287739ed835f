#!/bin/bash
# A pid reused during a run. An "old" burner (90% of a CPU, so it has a lot
# of CPU time behind it) runs while pidtop reports on the whole system; after
# pidtop's first report it is killed and a "new" burner (20%) is made to get
# the very same pid by writing /proc/sys/kernel/ns_last_pid (root only). The
# first report after the reuse must show the new process's command line and
# start time for that pid with what it did since its birth (it was born after
# the previous sample), the next one its own CPU use; never the old command
# line nor a rate computed across the two processes.
. "$(dirname "$0")/integ_common.sh"

NS_LAST_PID=/proc/sys/kernel/ns_last_pid
[ "$(id -u)" -eq 0 ] || integ_skip "making a pid be reused needs root (writes $NS_LAST_PID)"
[ -w "$NS_LAST_PID" ] && (cat "$NS_LAST_PID" >"$NS_LAST_PID") 2>/dev/null ||
	integ_skip "$NS_LAST_PID is not writable here (no CAP_SYS_ADMIN in this pid namespace)"

integ_start OLD burner --threads 1 --duty 90 --period-ms 20 --seconds 40 --tag old \
	--log "$SCRATCH/old.log" --ready "$SCRATCH/old.ready"
integ_wait_file "$SCRATCH/old.ready" 5
old_start=$(integ_start_time "$OLD")
sleep 1.5 # the two start times must differ clearly

integ_calibrate
integ_pidtop "$SCRATCH/reuse.json" -d 1 -n 4 &
RUN=$!
for _ in $(seq 300); do
	[ -s "$SCRATCH/reuse.json" ] && break
	sleep 0.05
done
[ -s "$SCRATCH/reuse.json" ] || integ_hard_error "pidtop wrote no first report within 15 s"

integ_stop "$OLD"
NEW=""
for _ in $(seq 50); do
	echo $((OLD - 1)) >"$NS_LAST_PID"
	integ_start NEW burner --threads 1 --duty 20 --period-ms 20 --seconds 30 --tag new \
		--log "$SCRATCH/new.log" --ready "$SCRATCH/new.ready"
	[ "$NEW" = "$OLD" ] && break
	integ_stop "$NEW"
	rm -f "$SCRATCH/new.ready"
	NEW=""
done
if [ -z "$NEW" ]; then
	wait "$RUN"
	integ_skip "could not make a new process get pid $OLD (other processes took it first)"
fi
integ_wait_file "$SCRATCH/new.ready" 5
new_start=$(integ_start_time "$NEW")
echo "pid $OLD: old process started at $old_start, new one at $new_start"

wait "$RUN" || exit 1
integ_check reuse --count 4 --pid "$OLD" --old-start "$old_start" --new-start "$new_start" \
	"$SCRATCH/reuse.json" "$SCRATCH/old.log" "$SCRATCH/new.log"
