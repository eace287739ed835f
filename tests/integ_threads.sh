#!/bin/bash
# A process whose main thread sleeps while 3 workers burn 25% of a CPU each
# and wake 100, 150 and 200 times a second, all pinned to one CPU so they
# queue: the PROCESS row's cpu_pct, cswch_ps, nvcswch_ps and wait_pct must
# cover all threads (the main thread's own /proc/PID/status and
# /proc/PID/schedstat figures are near zero).
. "$(dirname "$0")/integ_common.sh"

integ_start THR threaded --rates 100,150,200 --duty 25 --cpu 0 --seconds 30 \
	--log "$SCRATCH/threaded.log" --ready "$SCRATCH/threaded.ready"
integ_wait_file "$SCRATCH/threaded.ready" 5

integ_calibrate
integ_pidtop "$SCRATCH/threads.json" -d 2 -n 3 -p "$THR"
integ_check threads --count 3 --tol 15 --wait-tol 20 \
	"$SCRATCH/threads.json" "$SCRATCH/threaded.log"
