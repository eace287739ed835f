#!/bin/bash
# conservation.sh: do the rows of pidtop's reports add up to what the
# machine did? A real build - autogen, then `./configure && make -j2` of a
# copy of this tree - runs while pidtop writes JSON reports; for each report
# the CPU-seconds of all its rows (exited rows included: cpu_pct / 100 x
# interval) are set against the machine's busy CPU-seconds from /proc/stat
# over the same interval (pidtop's own "system" figures: busy less steal,
# times the CPUs, times the interval).
#
#   bench/conservation.sh [-d SECS] [-H] [--jobs N] [--keep]
#
# Prints the sum over the build's reports, the worst reports, and how many
# reports' rows exceed the machine's capacity. $PIDTOP picks the binary
# (default: the one at the top of the tree). Needs root for the exit
# records (taskstats) and python3. See bench/README.md.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
D=0.5
JOBS=2
KEEP=0
THREADS=()
while [ $# -gt 0 ]; do
	case $1 in
	-d) D=$2; shift 2 ;;
	-H) THREADS=(-H); shift ;;
	--jobs) JOBS=$2; shift 2 ;;
	--keep) KEEP=1; shift ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "conservation.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
PIDTOP=${PIDTOP:-$top/pidtop}
[ -x "$PIDTOP" ] || PIDTOP=$top/build/pidtop
[ -x "$PIDTOP" ] || { echo "conservation.sh: no pidtop binary (set PIDTOP)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "conservation.sh: needs python3" >&2; exit 2; }

work=$(mktemp -d /var/tmp/pidtop-conservation.XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	if [ "$KEEP" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT INT TERM HUP

# a copy of the tree as git sees it (tracked files, working-tree contents)
(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$work" ||
	{ echo "conservation.sh: cannot copy the tree" >&2; exit 1; }
(cd "$work" && ./autogen.sh >/dev/null 2>&1) || { echo "conservation.sh: autogen failed" >&2; exit 1; }

"$PIDTOP" -b -o json -d "$D" "${THREADS[@]}" >"$work/reports.json" 2>"$work/pidtop.err" &
pid=$!
sleep "$(awk -v d="$D" 'BEGIN { print 2 * d + 0.2 }')"
start=$(date +%s.%N)
(cd "$work" && ./configure >/dev/null 2>&1 && make -j"$JOBS" >/dev/null 2>&1) ||
	{ echo "conservation.sh: the build failed" >&2; exit 1; }
end=$(date +%s.%N)
sleep "$(awk -v d="$D" 'BEGIN { print 2 * d + 0.2 }')"
kill -INT "$pid"
wait "$pid"
pid=""

python3 - "$work/reports.json" "$start" "$end" "$(getconf _NPROCESSORS_ONLN)" <<'EOF'
import datetime, json, sys
path, start, end, ncpu = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
reports = []
for line in open(path):
    line = line.strip()
    if line:
        reports.append(json.loads(line))
def t_of(r):
    return datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
# the reports whose interval overlaps the build, plus one each side
sel = [r for r in reports if t_of(r) >= start - r["interval"] and t_of(r) - r["interval"] <= end + 1]
rows_sum = mach_sum = 0.0
worst_hi = worst_lo = None
over = nulls = 0
for r in sel:
    rows = sum((t["cpu_pct"] or 0.0) for t in r["tasks"]) / 100.0 * r["interval"]
    nulls += sum(1 for t in r["tasks"] if t["cpu_pct"] is None)
    s = r["system"]
    mach = (s["cpu_busy_pct"] - s["cpu_steal_pct"]) / 100.0 * ncpu * r["interval"]
    rows_sum += rows
    mach_sum += mach
    cap_pct = sum((t["cpu_pct"] or 0.0) for t in r["tasks"])
    if cap_pct > ncpu * 100 * 1.05:
        over += 1
    if mach > 0.2 * ncpu * r["interval"]:
        ratio = rows / mach
        if worst_hi is None or ratio > worst_hi[0]:
            worst_hi = (ratio, r["time"], cap_pct)
        if worst_lo is None or ratio < worst_lo[0]:
            worst_lo = (ratio, r["time"], cap_pct)
print("build: %.1f s, %d reports of %.2f s on average, %d CPUs" % (
    end - start, len(sel), sum(r["interval"] for r in sel) / max(len(sel), 1), ncpu))
print("rows' CPU-seconds %.2f, machine's busy CPU-seconds %.2f (/proc/stat, less steal): "
      "rows = %.1f%% of the machine" % (rows_sum, mach_sum, 100 * rows_sum / mach_sum))
if worst_hi:
    print("busy reports: rows/machine from %.1f%% (%s) to %.1f%% (%s)" % (
        100 * worst_lo[0], worst_lo[1], 100 * worst_hi[0], worst_hi[1]))
print("reports whose rows exceed the machine's capacity by over 5%%: %d of %d (worst %.1f%% of %d%%)"
      % (over, len(sel), max(sum((t["cpu_pct"] or 0.0) for t in r["tasks"]) for r in sel),
         100 * ncpu))
print("rows without a rate (running before pidtop's first sample): %d" % nulls)
EOF
