#!/bin/bash
# A burner of 3 threads, each at a 25% duty cycle: pidtop's process cpu_pct
# must be within 10% of the CPU time the burner really got over each report's
# window, and with -H each thread's cpu_pct must match that thread's own CPU
# time and the threads must add up to the process row of a simultaneous run.
. "$(dirname "$0")/integ_common.sh"

integ_start BURNER burner --threads 3 --duty 25 --period-ms 50 --seconds 30 \
	--log "$SCRATCH/burner.log" --ready "$SCRATCH/burner.ready"
integ_wait_file "$SCRATCH/burner.ready" 5

integ_calibrate -j 2 -H
integ_pidtop "$SCRATCH/proc.json" -d 2 -n 3 -p "$BURNER" &
RUN1=$!
integ_pidtop "$SCRATCH/threads.json" -d 2 -n 3 -H -p "$BURNER" &
RUN2=$!
wait "$RUN1" || exit 1
wait "$RUN2" || exit 1

integ_check cpu --count 3 --tol 10 --threads-json "$SCRATCH/threads.json" \
	"$SCRATCH/proc.json" "$SCRATCH/burner.log"
