#!/bin/bash
# A process that writes to every page of 200 MiB, then, during the run,
# touches 100 MiB more: rss_kb must be within 5% of the memory touched at each
# sample, and rss_delta_kb must show the growth in the report that covers it
# (and be the difference of consecutive rss_kb values).
. "$(dirname "$0")/integ_common.sh"

integ_start MEM memtouch --mib 200 --grow-mib 100 --grow-at 2.5 --seconds 30 \
	--log "$SCRATCH/mem.log" --ready "$SCRATCH/mem.ready"
integ_wait_file "$SCRATCH/mem.ready" 10

integ_calibrate
integ_pidtop "$SCRATCH/mem.json" -d 1 -n 5 -p "$MEM"
integ_check mem --count 5 --tol 5 --grow-kib $((100 * 1024)) \
	"$SCRATCH/mem.json" "$SCRATCH/mem.log"
