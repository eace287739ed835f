#!/bin/bash
# soak.sh: pidtop's screen in thread mode under hours-like churn: does its
# memory, its open fds or its CPU per refresh creep? See bench/README.md and
# doc/RELIABILITY.md.
#
#   bench/soak.sh [SECONDS] [--interval S] [--out DIR]
#
# Runs tests/workload/churn (2,000 short-lived processes, 500 threads and
# 200 loopback TCP connections a second; built here from its source with
# $CC into bench/results/bin) for SECONDS (default 1800) while `pidtop -H -d
# S` (default 1) shows its screen in a detached 200x50 tmux session of a
# private server, both in a pid namespace of their own so that pidtop sees
# the churn and not the rest of the machine (NS=0 in the environment: the
# whole machine), and on CPUs of their own: pidtop on CPU 0, the churn on
# the others (PIN=0: wherever the scheduler puts them). Every 10 s it
# samples pidtop's resident set (VmRSS), its open fds (the fewest of three
# looks at /proc/PID/fd) and its CPU time
# (/proc/PID/stat utime + stime), its resolver thread's alone (the one
# named pidtop-resolve, which finds connections' owners), and the churn's
# (with its reaped children's): the same work every second, so what it
# costs tells how fast the machine is doing that kind of work at the time.
# After a warm-up (a tenth of the run, at least 60 s), it prints:
#   RSS growth    from the end of the warm-up to the end; holds at <= 2%
#   fds           the distinct counts seen after the warm-up; holds when one
#   CPU/refresh   over the first and the last window (5 minutes, or half of
#                 what follows the warm-up when shorter); holds when the
#                 last is within 10% of the first
#   resolver CPU  the resolver thread's CPU a second over the same windows
#   churn CPU     the churn's CPU a second over the same windows
#   pidtop/churn  pidtop's CPU over the churn's in each window: when the
#                 churn's own cost moved by more than 10% (the machine, not
#                 pidtop), this is what tells whether pidtop's cost crept
# and the churn it held. Raw samples go to DIR (default
# bench/results/soak-DATE-TIME). Everything started here is killed on exit.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PIDTOP=${PIDTOP:-$top/pidtop}
DURATION=1800
INTERVAL=1
OUT=""
while [ $# -gt 0 ]; do
	case $1 in
	--interval) INTERVAL=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	[0-9]*) DURATION=$1; shift ;;
	*) echo "soak.sh: unknown argument '$1' (--help)" >&2; exit 2 ;;
	esac
done
[ -x "$PIDTOP" ] || { echo "soak.sh: no pidtop at $PIDTOP (make, or set PIDTOP)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "soak.sh: needs tmux" >&2; exit 2; }
OUT=${OUT:-$here/results/soak-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT" "$here/results/bin" || exit 2
CHURN=$here/results/bin/churn
${CC:-cc} -O2 -D_GNU_SOURCE -pthread -o "$CHURN" "$top/tests/workload/churn.c" || exit 2

SOCK="pidtop-soak-$$"
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# the churn outlives the last sample (taken up to one step after DURATION:
# its CPU then read as 0 made its last window's figure negative).
# pidtop and the churn in a pid namespace of their own (-p -f --mount-proc):
# pidtop sees the churn and nothing else the machine runs, so what it holds
# follows the load given, not the neighbours' (NS=0: the whole machine)
ns="unshare -p -f --mount-proc"
[ "${NS:-1}" = 0 ] && ns=""
# pidtop on CPU 0 and the churn on the others. Where the scheduler puts
# them changes what both cost: in 120 s runs the churn took about 50 ms a
# second pinned and 90 unpinned; pidtop's resolver 4.5 ms a second sharing
# CPU 0 with the churn (the fd index met few of its children alive) and 8
# on CPUs of their own. Unpinned, the placement changed every few minutes,
# and pidtop's CPU with it, in phases that are not the growth the CPU rule
# looks for (doc/RELIABILITY.md)
pin_pidtop="" pin_churn=""
ncpu=$(nproc)
if [ "${PIN:-1}" != 0 ] && [ "$ncpu" -ge 2 ] && command -v taskset >/dev/null; then
	others=1-$((ncpu - 1))
	[ "$ncpu" = 2 ] && others=1
	pin_pidtop="taskset -c 0" pin_churn="taskset -c $others"
fi
tmux -L "$SOCK" -f /dev/null new-session -d -s soak -x 200 -y 50 \
	"$ns sh -c \"$pin_churn '$CHURN' --seconds $((DURATION + 15)) --stats '$OUT/churn.stats' & sleep 1; \
	$pin_pidtop env -i PATH='$PATH' HOME='$OUT' XDG_CONFIG_HOME='$OUT/config' TERM=screen LANG=C.UTF-8 \
	'$PIDTOP' -H -d $INTERVAL\"" || exit 2
pid=""
for _ in $(seq 100); do
	pid=$(pgrep -x pidtop -s "$(tmux -L "$SOCK" display-message -p -t soak '#{pane_pid}')" 2>/dev/null | head -1)
	[ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && break
	sleep 0.1
done
[ -n "$pid" ] || { echo "soak.sh: pidtop did not start" >&2; exit 1; }
cpid=$(pgrep -x churn -s "$(tmux -L "$SOCK" display-message -p -t soak '#{pane_pid}')" 2>/dev/null | head -1)
[ -n "$cpid" ] || { echo "soak.sh: the churn did not start" >&2; exit 1; }
hz=$(getconf CLK_TCK)
echo "pidtop $pid ($PIDTOP -H -d $INTERVAL), $DURATION s of churn${pin_pidtop:+ (pidtop on CPU 0, the churn on $others)}; samples in $OUT/samples"
echo "# t_s rss_kib fds cpu_s churn_cpu_s resolver_cpu_s" >"$OUT/samples"
start=$(date +%s)
while :; do
	now=$(($(date +%s) - start))
	[ -r "/proc/$pid/stat" ] || { echo "soak.sh: pidtop $pid is gone at $now s" >&2; exit 1; }
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
	# the fewest of three looks: a refresh holds a /proc file open for a moment
	fds=$(for _ in 1 2 3; do ls "/proc/$pid/fd" | wc -l; sleep 0.05; done | sort -n | head -1)
	cpu=$(sed 's/.*) //' "/proc/$pid/stat" | awk -v hz="$hz" '{ printf "%.2f", ($12 + $13) / hz }')
	ccpu=$(sed 's/.*) //' "/proc/$cpid/stat" 2>/dev/null |
		awk -v hz="$hz" '{ printf "%.2f", ($12 + $13 + $14 + $15) / hz }')
	rcpu=$(grep -l '^pidtop-resolve$' /proc/"$pid"/task/*/comm 2>/dev/null | head -1)
	rcpu=$([ -n "$rcpu" ] && sed 's/.*) //' "${rcpu%/comm}/stat" |
		awk -v hz="$hz" '{ printf "%.2f", ($12 + $13) / hz }')
	echo "$now $rss $fds $cpu ${ccpu:-0} ${rcpu:-0}" >>"$OUT/samples"
	[ "$now" -ge "$DURATION" ] && break
	sleep 10
done
tmux -L "$SOCK" capture-pane -p -t soak >"$OUT/screen.txt"
for _ in $(seq 250); do # the churn ends by itself and writes what it held
	[ -s "$OUT/churn.stats" ] && break
	sleep 0.1
done

awk -v dur="$DURATION" -v iv="$INTERVAL" '
/^#/ { next }
{ t[n] = $1; rss[n] = $2; fds[n] = $3; cpu[n] = $4; ch[n] = $5; rs[n] = $6; n++ }
END {
	warm = dur / 10 < 60 ? 60 : dur / 10
	for (w = 0; w < n && t[w] < warm; w++) ;
	win = (dur - warm) / 2 < 300 ? (dur - warm) / 2 : 300
	for (a = w; a < n && t[a] < t[w] + win; a++) ;
	for (b = n - 1; b > 0 && t[b] > t[n - 1] - win; b--) ;
	growth = 100 * (rss[n - 1] - rss[w]) / rss[w]
	for (i = w; i < n; i++) seen[fds[i]] = 1
	kinds = 0; list = ""
	for (f in seen) { kinds++; list = list " " f }
	first = 1000 * (cpu[a] - cpu[w]) / ((t[a] - t[w]) / iv)
	last = 1000 * (cpu[n - 1] - cpu[b]) / ((t[n - 1] - t[b]) / iv)
	printf "warm-up %d s; windows of %d s\n", t[w], win
	printf "%-14s %10s %10s %8s %s\n", "figure", "start", "end", "change", "holds"
	printf "%-14s %10d %10d %7.2f%% %s\n", "RSS KiB", rss[w], rss[n - 1], growth, growth <= 2 ? "yes (<= 2%)" : "NO (> 2%)"
	printf "%-14s %10d %10d %8s %s (seen:%s)\n", "open fds", fds[w], fds[n - 1], "", kinds == 1 ? "yes" : "NO", list
	printf "%-14s %10.2f %10.2f %7.1f%% %s\n", "CPU ms/refresh", first, last, 100 * (last - first) / first,
		(last <= first * 1.1 && last >= first * 0.9) ? "yes (within 10%)" : "NO (off by more than 10%)"
	sf = 1000 * (rs[a] - rs[w]) / (t[a] - t[w])
	sl = 1000 * (rs[n - 1] - rs[b]) / (t[n - 1] - t[b])
	printf "%-14s %10.2f %10.2f %7.1f%%\n", "resolver ms/s", sf, sl, sf ? 100 * (sl - sf) / sf : 0
	cf = 1000 * (ch[a] - ch[w]) / (t[a] - t[w])
	cl = 1000 * (ch[n - 1] - ch[b]) / (t[n - 1] - t[b])
	printf "%-14s %10.2f %10.2f %7.1f%% %s\n", "churn CPU ms/s", cf, cl, cf ? 100 * (cl - cf) / cf : 0,
		(cl <= cf * 1.1 && cl >= cf * 0.9) ? "(the machine held its speed)" : "(the speed of the machine moved)"
	rf = cf ? first / iv / cf : 0
	rl = cl ? last / iv / cl : 0
	printf "%-14s %10.4f %10.4f %7.1f%% %s\n", "pidtop/churn", rf, rl, rf ? 100 * (rl - rf) / rf : 0,
		(rf && rl <= rf * 1.1 && rl >= rf * 0.9) ? "yes (within 10%)" : "NO (off by more than 10%)"
}' "$OUT/samples" | tee "$OUT/report"
read -r _ procs _ threads _ conns _ _ _ secs <"$OUT/churn.stats"
awk -v p="$procs" -v t="$threads" -v c="$conns" -v s="$secs" 'BEGIN {
	printf "churn held: %d processes, %d threads, %d connections a second over %d s\n", p / s, t / s, c / s, s }' |
	tee -a "$OUT/report"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/report"
