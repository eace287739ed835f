#!/bin/bash
# The birth rule: a task born after pidtop's previous sample has a known
# baseline (zero at its birth), so its first sample shows what it did since
# then, and a task that lives across one sample is not short of the part
# before it. Children that each live about a second - burning 0.6 s of CPU,
# or writing 16 MiB with fsync - are watched by several pidtop runs at once
# (process rows and -H thread rows; -d 0.5 and -d 2), and the rows of each
# child, exited rows included, must add up to what the kernel says the child
# did (its rusage, the bytes it wrote): at least 98% and at most 102% of
# the bytes, 97% to 103% of the CPU. Every report's rows stay within the
# machine's CPU capacity (+10%: an ending child's last interval can hold a
# few ticks more, tests/jsoncheck.py says why). Children left as zombies
# for seconds are one row each per report (the walk's zombie and the exit
# record are one task), and add up the same. And 2,000 runs of /bin/true from one shell,
# each a few milliseconds from fork to exit: their rows must add up to the
# children's CPU time the shell reports (bash `times`), within 15% (the
# kernel samples so short a life with its clock ticks).
. "$(dirname "$0")/integ_common.sh"
integ_exit_flood_lock -s

if [ "$(id -u)" -ne 0 ]; then
	# without taskstats the final interval of a task that ends is not
	# known, and the share is short by design (the man page says so)
	integ_skip "the final figures of an ending task come from taskstats exit records: needs root"
fi
cpus=$(getconf _NPROCESSORS_ONLN)
# rows add up to the capacity within 10% when this test has the machine
# mostly to itself; under a load of more than 4 runnable tasks a CPU from
# other work the reads of one refresh scatter, and the check only reports
overloaded() {
	awk -v c="$cpus" '{ if ($1 > 4 * c) print "--overloaded" }' /proc/loadavg
}
runs=""
run() { # OUT ARGS...
	integ_pidtop "$@" &
	runs="$runs $!"
}
run "$SCRATCH/cpu.json" -d 0.5 -n 24
run "$SCRATCH/cpu-H.json" -H -d 0.5 -n 24
run "$SCRATCH/write.json" -d 0.5 -n 24
run "$SCRATCH/write-d2.json" -d 2 -n 7
run "$SCRATCH/write-H.json" -H -d 0.5 -n 24
run "$SCRATCH/zombie.json" -d 0.5 -n 24
sleep 1 # every run has taken its first sample: the children are born after it
integ_start CPU lifespan --mode cpu --children 8 --gap-ms 700 --life-ms 1000 --cpu-ms 600 \
	--threads 2 --seconds 20 --log "$SCRATCH/cpu.log"
integ_start ZOMBIE lifespan --mode cpu --children 6 --gap-ms 700 --life-ms 600 --cpu-ms 400 \
	--zombie-ms 2000 --seconds 20 --log "$SCRATCH/zombie.log"
integ_start WRITE lifespan --mode write --children 8 --gap-ms 700 --life-ms 1000 --kib 16384 \
	--dir "$SCRATCH" --seconds 20 --log "$SCRATCH/write.log"
for r in $runs; do
	wait "$r" || exit 1
done
wait "$CPU" "$WRITE" "$ZOMBIE"

# pidtop runs until the loop is over, however long a loaded machine makes it
$INTEG_NICE "$PIDTOP" -b -o json -d 0.5 >"$SCRATCH/true.json" 2>"$SCRATCH/true.err" &
run=$!
sleep 1
bash -c 'echo $$ >"$1/true.pid"; for i in $(seq 2000); do /bin/true; done; times' _ "$SCRATCH" \
	>"$SCRATCH/true.times"
sleep 1.2 # the last children's exit records reach a report
kill -INT "$run"
wait "$run" || { echo "FAIL: pidtop ended with status $? on SIGINT"; cat "$SCRATCH/true.err"; exit 1; }
# the second line of `times`: the reaped children's user and system time
cpu_s=$(awk 'NR == 2 { n = split($0, f, /[ms ]+/); print f[1] * 60 + f[2] + f[3] * 60 + f[4] }' \
	"$SCRATCH/true.times")

echo "== CPU, process rows, -d 0.5"
integ_check lifespan $(overloaded) --interval 0.5 --what cpu --cpus "$cpus" --min-share 0.97 --max-share 1.03 \
	"$SCRATCH/cpu.json" "$SCRATCH/cpu.log"
echo "== CPU, thread rows (-H), -d 0.5"
integ_check lifespan $(overloaded) --interval 0.5 --what cpu --cpus "$cpus" --min-share 0.97 --max-share 1.03 \
	"$SCRATCH/cpu-H.json" "$SCRATCH/cpu.log"
echo "== CPU, children left as zombies for 2 s"
integ_check lifespan $(overloaded) --interval 0.5 --what cpu --cpus "$cpus" --min-share 0.97 --max-share 1.03 \
	"$SCRATCH/zombie.json" "$SCRATCH/zombie.log"
for run in write write-d2 write-H; do
	echo "== bytes written, $run"
	iv=0.5
	[ "$run" = write-d2 ] && iv=2
	integ_check lifespan $(overloaded) --interval "$iv" --what write --cpus "$cpus" "$SCRATCH/$run.json" \
		"$SCRATCH/write.log"
done
echo "== 2,000 runs of /bin/true"
integ_check offspring $(overloaded) --ppid "$(cat "$SCRATCH/true.pid")" --cpu-s "$cpu_s" "$SCRATCH/true.json"
