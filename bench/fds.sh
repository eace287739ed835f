#!/bin/bash
# fds.sh: what a process holding tens of thousands of sockets costs the
# --connections fd index, against nethogs on the same machine.
# See bench/README.md.
#
#   bench/fds.sh [--fds N] [--seconds S] [--out DIR]
#
# Short loopback connections (tests/workload/churn --conns 200, built here
# with $CC into bench/results/bin, as hostile is) keep both
# tools resolving new sockets to processes. Over a window of S seconds
# (default 20) `pidtop -b -o json --connections -d 0.5` and `nethogs -t -a -d 1`
# run side by side, first without, then with a process holding N open
# sockets (tests/workload/hostile --fds N, default 100000; fewer when
# RLIMIT_NOFILE cannot be raised that far). Printed: each tool's CPU per
# second in both phases and what the holder added; the floor, one read of
# the holder's fd links (readlink alone) every 2 s, which is what a full
# re-read at pidtop's slowest pace costs; pidtop's added cost over the
# floor; each phase's CPU over nethogs'. Everything started here is killed
# on exit.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PIDTOP=${PIDTOP:-$top/pidtop}
FDS=100000
WINDOW=20
OUT=$here/results

while [ $# -gt 0 ]; do
	case $1 in
	--fds) FDS=$2; shift 2 ;;
	--seconds) WINDOW=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) sed -n '2,19p' "$0"; exit 0 ;;
	*) echo "fds.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "fds.sh: needs root (packet capture, the holder's RLIMIT_NOFILE)" >&2; exit 2; }
[ -x "$PIDTOP" ] || { echo "fds.sh: no pidtop at $PIDTOP (set PIDTOP)" >&2; exit 2; }
WORKLOAD=$here/results/bin
mkdir -p "$WORKLOAD" || exit 2
for w in churn hostile; do
	${CC:-cc} -O2 -D_GNU_SOURCE -pthread -o "$WORKLOAD/$w" "$top/tests/workload/$w.c" || exit 2
done
HAVE_NETHOGS=1
command -v nethogs >/dev/null || HAVE_NETHOGS=0

RUN=$OUT/fds-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN" || exit 2
STARTED=""
cleanup() {
	local p
	for p in $STARTED; do kill -KILL -- "-$p" 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# CPU time of a process and all its threads in ns (schedstat)
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'
}
start() { # VAR CMD...: runs CMD in its own session, its pid in VAR
	local var=$1
	shift
	setsid "$@" &
	STARTED="$STARTED $!"
	eval "$var=$!"
}

# phase: both tools over the window; prints "pidtop_ns nethogs_ns"
phase() {
	local pt nh=0 p0 p1 n0=0 n1=0
	start pt "$PIDTOP" -b -o json --connections -d 0.5 -n 100000 >/dev/null
	[ "$HAVE_NETHOGS" = 1 ] && start nh nethogs -t -a -d 1 >/dev/null
	sleep 3 # the first full pass and nethogs' first read are start-up
	p0=$(cpu_ns "$pt")
	[ "$nh" != 0 ] && n0=$(cpu_ns "$nh")
	sleep "$WINDOW"
	p1=$(cpu_ns "$pt")
	[ "$nh" != 0 ] && n1=$(cpu_ns "$nh")
	kill -KILL "$pt" 2>/dev/null
	[ "$nh" != 0 ] && kill -KILL "$nh" 2>/dev/null
	wait "$pt" "$nh" 2>/dev/null
	echo "$((p1 - p0)) $((n1 - n0))"
}

start churn "$WORKLOAD/churn" --procs 0 --threads 0 --conns 200 --seconds $((4 * WINDOW + 120))
sleep 1
read -r p_base n_base < <(phase 2>/dev/null | tail -1)
start holder "$WORKLOAD/hostile" --fds "$FDS" --seconds $((2 * WINDOW + 90)) \
	--ready "$RUN/fds.ready" --log "$RUN/fds.log"
for _ in $(seq 120); do [ -e "$RUN/fds.ready" ] && break; sleep 0.5; done
[ -e "$RUN/fds.ready" ] || { echo "fds.sh: the holder did not get ready" >&2; exit 1; }
read -r hpid held <"$RUN/fds.log"
# the floor: the readlinks alone, the least of 3 reads, in ns
floor_ns=$(python3 - "$hpid" <<'PY'
import os, sys, time
d = "/proc/%s/fd" % sys.argv[1]
best = None
for _ in range(3):
    names = os.listdir(d)
    t0 = time.process_time_ns()
    for n in names:
        try:
            os.readlink(d + "/" + n)
        except OSError:
            pass
    t = time.process_time_ns() - t0
    best = t if best is None else min(best, t)
print(best)
PY
)
read -r p_fds n_fds < <(phase 2>/dev/null | tail -1)

python3 - "$WINDOW" "$held" "$p_base" "$n_base" "$p_fds" "$n_fds" "$floor_ns" "$HAVE_NETHOGS" <<'EOF' |
import sys
w = float(sys.argv[1]); held = int(sys.argv[2])
pb, nb, pf, nf, floor = (float(x) / 1e6 / w for x in sys.argv[3:8])
floor *= w / 2  # one read every 2 s, per second
nethogs = sys.argv[8] == "1"
print("fd index under a process holding %d sockets (%s s windows, ms of CPU a second)" % (held, sys.argv[1]))
print("%-22s %10s %10s %10s" % ("", "without", "with", "added"))
print("%-22s %10.1f %10.1f %10.1f" % ("pidtop --connections", pb, pf, pf - pb))
if nethogs:
    print("%-22s %10.1f %10.1f %10.1f" % ("nethogs -t -a", nb, nf, nf - nb))
print("floor: one read of the holder's links every 2 s: %.1f ms a second" % floor)
add = pf - pb
print("pidtop's added cost: %.2f x floor" % (add / floor if floor > 0 else float("nan")))
if nethogs and nb > 0 and nf > 0:
    print("pidtop over nethogs' CPU: %.2f x without the holder, %.2f x with it%s" % (
        pb / nb, pf / nf, "  (nethogs near a full CPU: saturated)" if max(nb, nf) > 900 else ""))
EOF
	tee "$RUN/report.txt"
