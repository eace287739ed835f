#!/bin/bash
# Process churn during a run: a spawner starts ~50 short-lived children a
# second (each names itself after its serial number, in comm and command
# line) and reaps them, while pidtop reports on the whole system. pidtop must
# not crash nor write a word about vanished tasks, every child row must be
# one child (comm, command line, pid and start time of the same process, at
# a time it was alive), no pid may have two rows in a report, and a child's
# rates must be null on its first sample and present after.
. "$(dirname "$0")/integ_common.sh"

integ_start SPAWNER spawner --rate 50 --min-ms 20 --max-ms 2500 --seconds 30 \
	--log "$SCRATCH/spawn.log"
sleep 1.5 # let the population of children reach its steady state

integ_pidtop "$SCRATCH/churn.json" -d 1 -n 5
if [ -s "$SCRATCH/churn.json.err" ]; then
	echo "FAIL: pidtop wrote to stderr while tasks came and went"
	exit 1
fi
btime=$(awk '$1 == "btime" { print $2 }' /proc/stat)
integ_check churn --count 5 --btime "$btime" --min-children 50 \
	"$SCRATCH/churn.json" "$SCRATCH/spawn.log"
