#!/bin/bash
# pidtop skips re-reading the files of tasks that have not run since the last
# refresh; --full-scan turns that off. The same workloads - a burner, a
# sleeper waking 200 times a second, an idle process, a memory grower, and a
# process whose main thread sleeps while its workers run (the case a probe of
# the main thread alone gets wrong) - are read by a normal and a --full-scan
# run at the same time, in process mode and in thread mode (-H): the figures
# must agree with each other and with the workloads' own truth, and the idle
# process must show rates of exactly 0 in both.
. "$(dirname "$0")/integ_common.sh"

integ_start BURN burner --threads 2 --duty 25 --seconds 40 \
	--log "$SCRATCH/burner.log" --ready "$SCRATCH/burner.ready"
integ_start WAKE waker --rate 200 --seconds 40 \
	--log "$SCRATCH/waker.log" --ready "$SCRATCH/waker.ready"
integ_start IDLE waker --rate 0 --seconds 40 --tag idle --ready "$SCRATCH/idle.ready"
integ_start GROW memtouch --mib 100 --grow-mib 60 --grow-at 0.5 --grow-over 12 --seconds 40 \
	--log "$SCRATCH/mem.log" --ready "$SCRATCH/mem.ready"
integ_start THR threaded --rates 100,150,200 --duty 15 --seconds 40 \
	--log "$SCRATCH/threaded.log" --ready "$SCRATCH/threaded.ready"
for f in burner waker idle mem threaded; do
	integ_wait_file "$SCRATCH/$f.ready" 5
done
sleep 0.6 # the grower has started growing; the idle process is asleep

integ_calibrate -j 4 -H --full-scan
runs=""
for mode in proc threads; do
	flag=""
	[ "$mode" = threads ] && flag=-H
	for scan in normal full; do
		extra=""
		[ "$scan" = full ] && extra=--full-scan
		integ_pidtop "$SCRATCH/$mode-$scan.json" -d 1.5 -n 4 $flag $extra &
		runs="$runs $!"
	done
done
for r in $runs; do
	wait "$r" || exit 1
done

truths="--truth burner=$SCRATCH/burner.log --truth waker=$SCRATCH/waker.log"
truths="$truths --truth mem=$SCRATCH/mem.log --truth threaded=$SCRATCH/threaded.log"
echo "== process mode"
integ_check shortcut --count 4 --idle "$IDLE" $truths \
	"$SCRATCH/proc-normal.json" "$SCRATCH/proc-full.json"
echo "== thread mode (-H)"
integ_check shortcut --count 4 --idle "$IDLE" --threads $truths \
	"$SCRATCH/threads-normal.json" "$SCRATCH/threads-full.json"
