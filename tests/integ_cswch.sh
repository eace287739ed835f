#!/bin/bash
# A single-threaded sleeper waking 200 times a second: cswch_ps must be
# within 15% of the voluntary context switches the kernel counted for it
# over each report's window (nvcswch_ps likewise, with a floor of 5/s).
. "$(dirname "$0")/integ_common.sh"

integ_start WAKER waker --rate 200 --seconds 30 \
	--log "$SCRATCH/waker.log" --ready "$SCRATCH/waker.ready"
integ_wait_file "$SCRATCH/waker.ready" 5
sleep 0.1

integ_calibrate
integ_pidtop "$SCRATCH/cswch.json" -d 2 -n 3 -p "$WAKER"
integ_check cswch --count 3 --tol 15 --nominal 200 "$SCRATCH/cswch.json" "$SCRATCH/waker.log"
