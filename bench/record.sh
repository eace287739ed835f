#!/bin/bash
# record.sh: what a recording costs, against atop's, on the same population.
#
#   bench/record.sh [-p PROCS] [-t TASKS] [--busy-pct P] [-d SECS] [-n SAMPLES]
#                   [--day-samples N] [--keep]
#
# Starts PROCS x TASKS tasks (1,000 x 5) of which P% (5) are busy, then at
# the same time and for the same SAMPLES (60) at SECS (2) apart:
#   pidtop -w FILE -b            (recording)
#   pidtop -b -O -o json         (reporting, for the price of a sample)
#   atop -w FILE SECS SAMPLES    (atop's raw file, if atop is installed)
# and prints bytes per sample of both files and their ratio, pidtop's CPU
# per sample recording against reporting, then makes a day of samples at
# 10 s (--day-samples, 8,640) from the recording (bench/replaytime --synth)
# and times opening it, jumping to random samples and stepping, with the
# reader's peak RSS. Needs root (taskstats), gcc, and a built tree (make
# bench/replaytime is run when missing). See bench/README.md.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PROCS=1000
TASKS=5
BUSY=5
D=2
N=60
DAY=8640
KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	-p) PROCS=$2; shift 2 ;;
	-t) TASKS=$2; shift 2 ;;
	--busy-pct) BUSY=$2; shift 2 ;;
	-d) D=$2; shift 2 ;;
	-n) N=$2; shift 2 ;;
	--day-samples) DAY=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,18p' "$0"; exit 0 ;;
	*) echo "record.sh: unknown option $1" >&2; exit 2 ;;
	esac
done

BUILD=${BUILD:-$top/build}
PIDTOP=${PIDTOP:-$BUILD/pidtop}
[ -x "$PIDTOP" ] || { echo "record.sh: no pidtop at $PIDTOP (set PIDTOP or BUILD)" >&2; exit 2; }
if [ ! -x "$BUILD/bench/replaytime" ]; then
	make -C "$BUILD" bench/replaytime >/dev/null || { echo "record.sh: cannot build bench/replaytime" >&2; exit 1; }
fi
BIN=$here/results/bin
mkdir -p "$BIN"
for prog in measure population; do
	if [ ! -x "$BIN/$prog" ] || [ "$here/$prog.c" -nt "$BIN/$prog" ]; then
		${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -o "$BIN/$prog" "$here/$prog.c" -pthread ||
			{ echo "record.sh: cannot build $prog" >&2; exit 1; }
	fi
done

work=$(mktemp -d /var/tmp/pidtop-record-bench.XXXXXX)
POP_PID=
cleanup() {
	[ -n "$POP_PID" ] && kill -KILL -- "-$POP_PID" 2>/dev/null
	if [ "$KEEP" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

"$BIN/population" -p "$PROCS" -t "$TASKS" --busy-pct "$BUSY" >"$work/population.out" 2>&1 &
POP_PID=$!
for _ in $(seq 1 300); do
	grep -q '^ready' "$work/population.out" 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready' "$work/population.out" || { echo "record.sh: the population did not start" >&2; exit 1; }
echo "population: $(sed -n 's/^ready: //p' "$work/population.out"), ${BUSY}% busy"
sleep 1

# N samples each: -n counts reports, after a first sample
reports=$((N - 1))
"$BIN/measure" --out /dev/null -- "$PIDTOP" -w "$work/pidtop.rec" -b -d "$D" -n "$reports" \
	>"$work/m.record" &
m1=$!
"$BIN/measure" --out /dev/null -- "$PIDTOP" -b -O -o json -d "$D" -n "$reports" >"$work/m.report" &
m2=$!
have_atop=0
if command -v atop >/dev/null; then
	have_atop=1
	atop -w "$work/atop.raw" "$D" "$N" >/dev/null 2>&1 &
	a=$!
fi
wait "$m1" "$m2"
[ "$have_atop" = 1 ] && wait "$a"

field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" "$1"; }
rec_cpu=$(field "$work/m.record" cpu_ms)
rep_cpu=$(field "$work/m.report" cpu_ms)
rec_bytes=$(stat -c %s "$work/pidtop.rec")
samples=$("$PIDTOP" -R "$work/pidtop.rec" --info | awk '/^samples/ { print $2 + 0 }')
awk -v b="$rec_bytes" -v n="$samples" 'BEGIN {
	printf "pidtop -w: %d samples, %d bytes, %.0f bytes per sample\n", n, b, b / n }'
if [ "$have_atop" = 1 ]; then
	atop_bytes=$(stat -c %s "$work/atop.raw")
	awk -v b="$atop_bytes" -v n="$N" -v p="$rec_bytes" -v pn="$samples" 'BEGIN {
		printf "atop -w:   %d samples, %d bytes, %.0f bytes per sample\n", n, b, b / n
		printf "bytes per sample, pidtop / atop: %.3f (target at most 0.1)\n", (p / pn) / (b / n) }'
fi
awk -v r="$rec_cpu" -v p="$rep_cpu" -v n="$samples" 'BEGIN {
	printf "CPU per sample: recording %.1f ms, reporting (-b -O -o json) %.1f ms: ratio %.2f (target at most 1.2)\n",
		r / n, p / n, r / p }'

echo "a day at 10 s: $DAY samples made from the recording"
"$BUILD/bench/replaytime" --synth "$work/day.rec" --samples "$DAY" --interval 10 "$work/pidtop.rec" ||
	exit 1
echo "day file: $(stat -c %s "$work/day.rec") bytes"
"$BUILD/bench/replaytime" "$work/day.rec" | tee "$work/replay.out"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
END {
	printf "open + jump (worst): %.1f ms (target at most 50); step (worst): %.1f ms (target at most 20); peak RSS %.1f MiB (target at most 16)\n",
		v["open_ms"] + v["jump_ms_max"], v["step_ms_max"], v["maxrss_kb"] / 1024 }' "$work/replay.out"
