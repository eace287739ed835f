#!/bin/bash
# shellcheck disable=SC2016 # tool commands and their tests hold $VARS expanded later
# refresh.sh: what one refresh costs pidtop, a floor and its peers, at about
# 5,000 tasks. See bench/README.md for what every figure means.
#
#   bench/refresh.sh [-d SECS] [--n1 N] [--n2 N] [-p PROCS] [-t TASKS]
#                    [--tools a,b,...] [--reps R] [--out DIR] [--list]
#
# Builds floor, population and measure from bench/*.c, starts the
# population, measures every tool in turn against that same population, and
# prints a table. The population and every tool started here are killed on
# exit, whatever the exit.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

D=0.5       # refresh interval, seconds
N1=3        # refreshes of the short run
N2=13       # refreshes of the long run
PROCS=1000
TASKS=5
REPS=1
ONLY=
OUT=$here/results
POP_EXTRA=()
N=0         # set per run: the refresh count the command is given

# ---------------------------------------------------------------------------
# The tools. One line each:
#   tool NAME KIND MODE COMMAND
# KIND  batch: run under measure for N1 and N2 refreshes (stdout to /dev/null)
#       pty:   the same, on a pseudo-terminal (for tools that need one but
#              stop by themselves after $N refreshes)
#       tmux:  started in a detached tmux session of 200x50, CPU read from
#              /proc/PID before and after a fixed window; for tools that run
#              until killed
# MODE  procs | tasks: which floor the tool is compared with
# COMMAND is expanded when run: $D interval in seconds, $N refreshes,
#   $DT interval in tenths, $MS in milliseconds, $BIN our helpers,
#   $PIDTOP the binary under test, $CFG per-run config files (see
#   write_configs). The first word must be a command or a path.
tools_table() {
	tool floor-procs batch procs '"$BIN/floor" --procs -d $D -n $N'
	tool floor-tasks batch tasks '"$BIN/floor" --tasks -d $D -n $N'
	tool pidtop      batch procs '"$PIDTOP" -b -O -o json -d $D -n $N'
	tool pidtop-H    batch tasks '"$PIDTOP" -b -O -H -o json -d $D -n $N'
	tool pidtop-full   batch procs '"$PIDTOP" -b -O -o json --full-scan -d $D -n $N'
	tool pidtop-H-full batch tasks '"$PIDTOP" -b -O -H -o json --full-scan -d $D -n $N'
	tool pidtop-nots   batch procs '"$PIDTOP" -b -O -o json --no-taskstats -d $D -n $N'
	tool pidtop-H-nots batch tasks '"$PIDTOP" -b -O -H -o json --no-taskstats -d $D -n $N'
	# PIDTOP_BEFORE: another build, measured in the same run (a change's
	# before and after, e.g. a refactoring that must not cost)
	if [ -n "${PIDTOP_BEFORE:-}" ]; then
		tool pidtop-before   batch procs '"$PIDTOP_BEFORE" -b -O -o json -d $D -n $N'
		tool pidtop-H-before batch tasks '"$PIDTOP_BEFORE" -b -O -H -o json -d $D -n $N'
	fi
	tool top         batch procs 'top -b -d $D -n $N'
	tool top-H       batch tasks 'top -b -H -d $D -n $N'
	tool iotop-c-P   batch procs 'iotop-c -b -P -d $D -n $N'
	tool iotop-c     batch tasks 'iotop-c -b -d $D -n $N'
	tool htop        tmux  procs 'env HTOPRC="$CFG/htop-procs.rc" htop -d $DT'
	tool htop-H      tmux  tasks 'env HTOPRC="$CFG/htop-tasks.rc" htop -d $DT'
	tool btop        tmux  procs 'env HOME="$CFG/btop" XDG_CONFIG_HOME="$CFG/btop/.config" LANG=C.UTF-8 btop'
	# the screen, in the same tmux harness as htop and btop:
	tool pidtop-tty    tmux  procs 'env XDG_CONFIG_HOME="$CFG/pidtop" "$PIDTOP" -d $D'
	tool pidtop-tty-H  tmux  tasks 'env XDG_CONFIG_HOME="$CFG/pidtop" "$PIDTOP" -H -d $D'
	# the activity grid: every task a cell (run it at 10,000 tasks: -p 2000)
	tool pidtop-grid   tmux  procs 'env XDG_CONFIG_HOME="$CFG/pidtop" "$PIDTOP" --view=grid -d $D'
	tool pidtop-grid-H tmux  tasks 'env XDG_CONFIG_HOME="$CFG/pidtop" "$PIDTOP" --view=grid -H -d $D'
	# tool nethogs       batch procs 'nethogs -t -d 1 -c $N'
}

# Targets from the issues, checked when both sides were measured:
#   target TOOL REFERENCE MAX METRIC TEXT
# METRIC cpu: TOOL's ms per refresh <= MAX x REFERENCE's
#        rss: TOOL's peak RSS <= MAX x REFERENCE's
#        rss_kb: TOOL's peak RSS <= MAX KiB (REFERENCE is -)
# TOOL may be A-B (the difference of two tools' ms per refresh).
targets_table() {
	target pidtop       floor-procs 2.0  cpu    "issue 2: process mode <= 2x the process floor"
	target pidtop-H     floor-tasks 1.5  cpu    "issue 2: thread mode <= 1.5x the task floor"
	target pidtop       -           8192 rss_kb "issue 2: peak RSS < 8 MiB (process mode)"
	target pidtop-H     -           8192 rss_kb "issue 2: peak RSS < 8 MiB (thread mode)"
	target pidtop-pidtop-nots     floor-procs 0.5 cpu "issue 3: taskstats adds <= 0.5x the floor (process mode)"
	target pidtop-H-pidtop-H-nots floor-tasks 0.5 cpu "issue 3: taskstats adds <= 0.5x the floor (thread mode)"
	target pidtop-H     iotop-c     0.5  cpu    "issue 3: thread mode <= 0.5x iotop-c"
	target pidtop-H     iotop-c     0.1  rss    "issue 3: peak RSS <= 1/10 of iotop-c's"
	target pidtop-tty   btop        1.0  cpu    "issue 5: screen, process mode <= btop"
	target pidtop-tty-H htop-H      0.6  cpu    "issue 5: screen, thread mode <= 0.6x htop with threads"
	target pidtop-tty   htop        1.0  rss    "issue 5: screen peak RSS <= htop's"
	target pidtop-grid-H htop-H     0.6  cpu    "issue 6: grid, thread mode <= 0.6x htop with threads"
	target pidtop-grid-H pidtop-tty-H 1.2 cpu   "issue 6: grid costs <= 1.2x the table (threads)"
	target pidtop-grid  htop        1.0  rss    "issue 6: grid peak RSS <= htop's"
	target pidtop       pidtop-before   1.05 cpu "PIDTOP_BEFORE: process mode within 5% of the build before"
	target pidtop-H     pidtop-H-before 1.05 cpu "PIDTOP_BEFORE: thread mode within 5% of the build before"
}
# ---------------------------------------------------------------------------

usage() {
	cat <<EOF
usage: bench/refresh.sh [options]
  -d SECS          refresh interval of every tool ($D)
  --n1 N --n2 N    refreshes of the short and the long run ($N1, $N2)
  -p PROCS -t TASKS  population: processes x tasks per process ($PROCS x $TASKS)
  --pop-arg ARG    pass ARG to population (repeatable), e.g. --pop-arg --busy-pct --pop-arg 2
  --tools LIST     comma-separated tools to run (default: every installed one)
  --reps R         measure everything R times, interleaved; report the median ($REPS)
  --out DIR        build and results directory ($OUT)
  --list           list the tools and exit
Environment: PIDTOP (default: the pidtop binary at the top of the tree), CC,
PIDTOP_BEFORE (a second build, rows pidtop-before and pidtop-H-before).
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	-d) D=$2; shift ;;
	--n1) N1=$2; shift ;;
	--n2) N2=$2; shift ;;
	-p) PROCS=$2; shift ;;
	-t) TASKS=$2; shift ;;
	--pop-arg) POP_EXTRA+=("$2"); shift ;;
	--tools) ONLY=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--out) OUT=$2; shift ;;
	--list) LIST=1 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "refresh.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

names=() kinds=() modes=() cmds=()
tool() { names+=("$1"); kinds+=("$2"); modes+=("$3"); cmds+=("$4"); }
tools_table
if [ "${LIST:-}" ]; then
	for i in "${!names[@]}"; do
		printf '%-14s %-5s %-5s %s\n' "${names[$i]}" "${kinds[$i]}" "${modes[$i]}" "${cmds[$i]}"
	done
	exit 0
fi

num() { awk -v x="$1" 'BEGIN { exit !(x ~ /^[0-9]+(\.[0-9]+)?$/ && x > 0) }'; }
for v in "$D" "$N1" "$N2" "$PROCS" "$TASKS" "$REPS"; do
	num "$v" || { echo "refresh.sh: bad number '$v'" >&2; exit 2; }
done
[ "$N2" -gt "$N1" ] 2>/dev/null || { echo "refresh.sh: --n2 must be an integer above --n1" >&2; exit 2; }

DT=$(awk -v d="$D" 'BEGIN { t = int(d * 10 + 0.5); print t < 1 ? 1 : t }')
MS=$(awk -v d="$D" 'BEGIN { printf "%d", d * 1000 + 0.5 }')
BIN=$OUT/bin
stamp=$(date +%Y%m%d-%H%M%S)
RUN=$OUT/run-$stamp
CFG=$RUN/cfg
mkdir -p "$BIN" "$CFG" || exit 1
RAW=$RUN/raw.tsv
REPORT=$RUN/report.txt

# --- clean-up: the population's process group, our tmux server ---------------
POP_PID=
TMUX_SOCK=pidtop-bench-$$
tmux_() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }
cleanup() {
	if [ -n "$POP_PID" ]; then
		kill -KILL -- "-$POP_PID" 2>/dev/null || kill -KILL "$POP_PID" 2>/dev/null
		wait "$POP_PID" 2>/dev/null
		# The group's members die asynchronously; wait until none is left.
		for _ in $(seq 1 100); do
			kill -0 -- "-$POP_PID" 2>/dev/null || break
			sleep 0.1
		done
		POP_PID=
	fi
	if command -v tmux >/dev/null; then
		tmux_ kill-server 2>/dev/null
		rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TMUX_SOCK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

say() { printf '%s\n' "$*" | tee -a "$REPORT"; }
# CPU pressure (Documentation/accounting/psi.rst): the share of the last 60 s
# in which some runnable task waited for a CPU.
psi() { awk '/^some/ { sub("avg60=", "", $3); print "cpu pressure avg60 " $3 "%" }' /proc/pressure/cpu 2>/dev/null; }

# --- build ------------------------------------------------------------------
CC=${CC:-cc}
CFLAGS_BENCH="-std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra"
build() { # build NAME [LIBS]
	local src=$here/$1.c out=$BIN/$1
	if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
		# shellcheck disable=SC2086 # CC, the flags and LIBS are word lists
		$CC $CFLAGS_BENCH -o "$out" "$src" ${2:-} || { echo "refresh.sh: cannot build $1" >&2; exit 1; }
	fi
}
build floor
build measure
build population -pthread

selected() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

PIDTOP=${PIDTOP:-$top/pidtop}
need_pidtop=
for i in "${!names[@]}"; do
	selected "${names[$i]}" && [[ ${cmds[$i]} == *'$PIDTOP'* ]] && need_pidtop=1
done
if [ -n "$need_pidtop" ] && [ ! -x "$PIDTOP" ]; then
	if [ "$PIDTOP" = "$top/pidtop" ] && [ -f "$top/Makefile" ]; then
		echo "refresh.sh: building pidtop (make -C $top pidtop)" >&2
		make -C "$top" pidtop >&2 || echo "refresh.sh: make pidtop failed" >&2
	fi
	[ -x "$PIDTOP" ] || echo "refresh.sh: no pidtop at $PIDTOP (build it: ./autogen.sh && ./configure && make, or set PIDTOP): its rows are skipped" >&2
fi

# --- per-run configuration files of the terminal tools ------------------------
write_configs() {
	printf 'hide_userland_threads=1\nhide_kernel_threads=1\ndelay=%s\n' "$DT" >"$CFG/htop-procs.rc"
	printf 'hide_userland_threads=0\nhide_kernel_threads=1\ndelay=%s\n' "$DT" >"$CFG/htop-tasks.rc"
	mkdir -p "$CFG/btop/.config/btop"
	printf 'update_ms = %s\n' "$MS" >"$CFG/btop/.config/btop/btop.conf"
	mkdir -p "$CFG/pidtop" # an empty config dir: defaults, nobody's saved settings
}

# --- measuring ----------------------------------------------------------------
# The first word of a tool's command, expanded: is it there?
available() {
	local -a argv
	eval "argv=( $1 )"
	[ "${argv[0]}" = env ] && { local a; for a in "${argv[@]:1}"; do [[ $a == *=* ]] || { argv=("$a"); break; }; done; }
	command -v "${argv[0]}" >/dev/null 2>&1
}

# measure_batch KIND COMMAND N -> "cpu_ms user_ms sys_ms maxrss_kb status"
measure_batch() {
	local kind=$1 cmd=$2 N=$3 line
	local -a argv pty=()
	eval "argv=( $cmd )"
	[ "$kind" = pty ] && pty=(--pty 200x50)
	local limit
	# Generous: on a loaded machine a tool can wait long for a CPU.
	limit=$(awk -v d="$D" -v n="$N" 'BEGIN { printf "%d", (n + 2) * d * 10 + 120 }')
	line=$("$BIN/measure" "${pty[@]}" --timeout "$limit" -- "${argv[@]}" 2>/dev/null)
	awk -v l="$line" 'BEGIN {
		n = split(l, f, " "); for (i = 1; i <= n; i++) { split(f[i], kv, "="); v[kv[1]] = kv[2] }
		if (!("cpu_ms" in v)) { print "0 0 0 0 norun"; exit }
		print v["cpu_ms"], v["user_ms"], v["sys_ms"], v["maxrss_kb"], v["status"] }'
}

# CPU of a running process: "total_ns utime_ticks stime_ticks". total_ns sums
# the threads' /proc/PID/task/TID/schedstat run times (nanoseconds);
# utime/stime from /proc/PID/stat (fields 14, 15; clock ticks) split it.
cpu_of() {
	local pid=$1 ns=0 t s
	for t in /proc/"$pid"/task/*/schedstat; do
		read -r s _ <"$t" 2>/dev/null && ns=$((ns + s))
	done
	s=$(sed 's/.*) //' /proc/"$pid"/stat 2>/dev/null) || return 1
	# shellcheck disable=SC2086 # split the stat fields into $1...
	set -- $s
	echo "$ns ${12} ${13}"
}

# measure_tmux COMMAND -> "per_ms user_ms sys_ms startup_ms hwm_kb status"
measure_tmux() {
	local cmd=$1 pid c0 c1 warm window t_start t0 t1 hwm
	local -a argv
	eval "argv=( $cmd )"
	tmux_ kill-session -t bench 2>/dev/null
	t_start=$(date +%s.%N)
	local q; q=$(printf '%q ' "${argv[@]}")
	tmux_ new-session -d -s bench -x 200 -y 50 "exec $q" || { echo "0 0 0 0 0 norun"; return; }
	pid=$(tmux_ list-panes -t bench -F '#{pane_pid}' 2>/dev/null | head -n1)
	warm=$(awk -v d="$D" -v n="$N1" 'BEGIN { w = (n + 1) * d; print w < 2 ? 2 : w }')
	window=$(awk -v d="$D" -v a="$N1" -v b="$N2" 'BEGIN { print (b - a) * d }')
	sleep "$warm"
	t0=$(date +%s.%N); c0=$(cpu_of "$pid") || { echo "0 0 0 0 0 died"; return; }
	sleep "$window"
	t1=$(date +%s.%N); c1=$(cpu_of "$pid") || { echo "0 0 0 0 0 died"; return; }
	hwm=$(awk '/^VmHWM:/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
	tmux_ kill-session -t bench 2>/dev/null
	awk -v c0="$c0" -v c1="$c1" -v ts="$t_start" -v t0="$t0" -v t1="$t1" -v d="$D" -v hwm="${hwm:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN {
		split(c0, a, " "); split(c1, b, " ")
		refreshes = (t1 - t0) / d
		per = (b[1] - a[1]) / 1e6 / refreshes
		du = b[2] - a[2]; ds = b[3] - a[3]; tot = du + ds
		user = tot > 0 ? per * du / tot : 0; sys = tot > 0 ? per * ds / tot : 0
		startup = a[1] / 1e6 - (t0 - ts) / d * per
		printf "%.3f %.3f %.3f %.3f %d 0\n", per, user, sys, startup, hwm }'
}

# One tool, one repetition: appends a line to $RAW.
measure_tool() {
	local i=$1 rep=$2 name=${names[$1]} kind=${kinds[$1]} mode=${modes[$1]} cmd=${cmds[$1]}
	local r1 r2 out
	if [ "$kind" = tmux ]; then
		out=$(measure_tmux "$cmd")
	else
		r1=$(measure_batch "$kind" "$cmd" "$N1")
		r2=$(measure_batch "$kind" "$cmd" "$N2")
		out=$(awk -v r1="$r1" -v r2="$r2" -v n1="$N1" -v n2="$N2" 'BEGIN {
			split(r1, a, " "); split(r2, b, " ")
			st = a[5] != "0" ? a[5] : b[5]
			per = (b[1] - a[1]) / (n2 - n1)
			# The kernel splits a precise total by tick samples, so the
			# user share of the difference is noisy: clamp it to 0..1.
			share = (b[1] - a[1]) > 0 ? (b[2] - a[2]) / (b[1] - a[1]) : 0
			share = share < 0 ? 0 : (share > 1 ? 1 : share)
			printf "%.3f %.3f %.3f %.3f %d %s\n", per, per * share, per * (1 - share),
				a[1] - n1 * per, (a[4] > b[4] ? a[4] : b[4]), st }')
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$rep" "$name" "$kind" "$mode" "$out" | tr ' ' '\t' >>"$RAW"
}

# --- run ------------------------------------------------------------------------
write_configs
# Every tool runs with an empty home, so nobody's saved settings (toprc,
# htoprc, pidtoprc...) change what it does; tmux's socket is not under HOME.
mkdir -p "$CFG/home"
export HOME=$CFG/home
unset XDG_CONFIG_HOME
: >"$REPORT"
say "pidtop refresh benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -n), kernel $(uname -r), $(nproc) CPUs"
say "load before: $(uptime); $(psi)"
say "interval ${D} s, steady state from ${N1} and ${N2} refreshes, ${REPS} repetition(s); kernel.task_delayacct=$(cat /proc/sys/kernel/task_delayacct 2>/dev/null || echo ?)"
if [ -x "$PIDTOP" ]; then
	# Measure one binary throughout, even if the tree is rebuilt meanwhile.
	if [ "$(head -c 4 "$PIDTOP" | od -An -c | tr -d ' ')" = '177ELF' ] && cp "$PIDTOP" "$RUN/pidtop"; then
		say "pidtop: $PIDTOP ($("$PIDTOP" -V 2>/dev/null | head -n1), $(date -u -r "$PIDTOP" +%Y-%m-%dT%H:%M:%SZ), $(sha256sum <"$PIDTOP" | cut -c1-12)), copied to $RUN/pidtop"
		PIDTOP=$RUN/pidtop
	else
		say "pidtop: $PIDTOP ($("$PIDTOP" -V 2>/dev/null | head -n1))"
	fi
fi
awk '{ if ($1 > 1.0) print "warning: load average " $1 " before the run: other work on the machine makes the figures noisy" }' /proc/loadavg | tee -a "$REPORT" >&2

# With job control off, a background job shares our process group until
# population calls setpgid; PR_SET_PDEATHSIG takes its children with it anyway.
"$BIN/population" -p "$PROCS" -t "$TASKS" "${POP_EXTRA[@]}" >"$RUN/population.out" 2>&1 &
POP_PID=$!
for _ in $(seq 1 600); do
	grep -q '^ready' "$RUN/population.out" 2>/dev/null && break
	kill -0 "$POP_PID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q '^ready' "$RUN/population.out"; then
	cat "$RUN/population.out" >&2
	echo "refresh.sh: the population did not start" >&2
	exit 1
fi
say "population: $(sed -n 's/^ready: //p' "$RUN/population.out")"
census=$("$BIN/floor" --tasks -d 0 -n 1 2>&1 | sed 's/^floor: //')
say "machine now: $(awk '{ split($4, t, "/"); print t[2] }' /proc/loadavg) tasks; task floor census: $census"
# What pidtop -O reports against this population: a check that it sees the
# population and filters it, not a measurement.
if [ -x "$PIDTOP" ] && command -v python3 >/dev/null; then
	for h in "" -H; do
		"$PIDTOP" -b -O $h -o json -d "$D" -n 2 >"$RUN/pidtop$h.json" 2>"$RUN/pidtop$h.err"
		say "check pidtop -b -O $h: exit $?, $(python3 -c '
import json, sys
reps = [json.loads(l) for l in open(sys.argv[1])]
print(len(reps), "reports, tasks per report:", [len(r["tasks"]) for r in reps],
      "sources:", reps[-1]["sources"] if reps else "-")' "$RUN/pidtop$h.json" 2>&1 | tail -n1)"
	done
fi
sleep 1 # let the forks' dust settle

: >"$RAW"
for rep in $(seq 1 "$REPS"); do
	for i in "${!names[@]}"; do
		name=${names[$i]}
		selected "$name" || continue
		if [[ ${cmds[$i]} == *'$PIDTOP'* ]] && [ ! -x "$PIDTOP" ]; then
			[ "$rep" = 1 ] && printf '1\t%s\t%s\t%s\t0\t0\t0\t0\t0\tno-pidtop\n' "$name" "${kinds[$i]}" "${modes[$i]}" >>"$RAW"
			continue
		fi
		if ! available "${cmds[$i]}" || { [ "${kinds[$i]}" = tmux ] && ! command -v tmux >/dev/null; }; then
			[ "$rep" = 1 ] && printf '1\t%s\t%s\t%s\t0\t0\t0\t0\t0\tnot-installed\n' "$name" "${kinds[$i]}" "${modes[$i]}" >>"$RAW"
			continue
		fi
		printf 'measuring %-12s (rep %d of %d)\n' "$name" "$rep" "$REPS" >&2
		measure_tool "$i" "$rep"
	done
done
say "load after:  $(uptime); $(psi)"
cleanup
say ""

# --- report -------------------------------------------------------------------
targets=()
target() { targets+=("$1|$2|$3|$4|$5"); }
targets_table
printf '%s\n' "${targets[@]}" >"$RUN/targets.txt"

awk -F'\t' -v targets="$RUN/targets.txt" -v reps="$REPS" '
function median(name, field,   n, i, j, t, v) {
	n = cnt[name]
	for (i = 1; i <= n; i++) v[i] = val[name, i, field]
	for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ratio(a, b) { return (b > 0) ? sprintf("%.2fx", a / b) : "-" }
{
	name = $2
	if (!(name in kind)) { order[++norder] = name; kind[name] = $3; mode[name] = $4 }
	if ($10 != "0") { status[name] = $10; next }
	c = ++cnt[name]
	for (f = 5; f <= 9; f++) val[name, c, f] = $f
}
END {
	for (k = 1; k <= norder; k++) {
		n = order[k]
		if (cnt[n] == 0) continue
		per[n] = median(n, 5); usr[n] = median(n, 6); sys[n] = median(n, 7)
		start[n] = median(n, 8); rss[n] = median(n, 9); ok[n] = 1
	}
	printf "%-12s %-5s %-5s %10s %8s %8s %10s %9s %8s %8s  %s\n", "tool", "how", "mode",
		"ms/refresh", "user", "sys", "startup_ms", "peak_MiB", "x floor", "x top", "note"
	for (k = 1; k <= norder; k++) {
		n = order[k]
		if (!(n in ok)) {
			printf "%-12s %-5s %-5s %10s %8s %8s %10s %9s %8s %8s  %s\n", n, kind[n], mode[n],
				"-", "-", "-", "-", "-", "-", "-", status[n]
			continue
		}
		fl = mode[n] == "tasks" ? "floor-tasks" : "floor-procs"
		tp = mode[n] == "tasks" ? "top-H" : "top"
		xf = (fl in ok && n != fl) ? ratio(per[n], per[fl]) : "-"
		xt = (tp in ok && n != tp) ? ratio(per[n], per[tp]) : "-"
		note = (n in status) ? "some runs failed: " status[n] : ""
		printf "%-12s %-5s %-5s %10.2f %8.2f %8.2f %10.1f %9.2f %8s %8s  %s\n", n, kind[n], mode[n],
			per[n], usr[n], sys[n], start[n], rss[n] / 1024, xf, xt, note
	}
	print ""
	print "targets (checked where both sides were measured):"
	while ((getline line < targets) > 0) {
		split(line, t, "|")
		lhs = t[1]; ref = t[2]; max = t[3]; metric = t[4]; text = t[5]
		have = 1; a = ""; b = ""
		if (lhs in ok) value = per[lhs]
		else {
			have = 0
			# A-B: split at every dash, try each split point.
			m = split(lhs, parts, "-")
			for (s = 1; s < m && !have; s++) {
				a = parts[1]; for (q = 2; q <= s; q++) a = a "-" parts[q]
				b = parts[s + 1]; for (q = s + 2; q <= m; q++) b = b "-" parts[q]
				if ((a in ok) && (b in ok)) { have = 1; value = per[a] - per[b] }
			}
		}
		if (!have) continue
		if (metric == "rss_kb") {
			got = rss[lhs]; verdict = got <= max ? "met" : "MISSED"
			printf "  %-6s %s: %.2f MiB (limit %.2f MiB)\n", verdict, text, got / 1024, max / 1024
			continue
		}
		if (!(ref in ok)) continue
		if (metric == "rss") {
			got = rss[lhs] / rss[ref]
			printf "  %-6s %s: %.2f MiB vs %.2f MiB = %.2fx (limit %.2fx)\n", got <= max ? "met" : "MISSED",
				text, rss[lhs] / 1024, rss[ref] / 1024, got, max
		} else {
			got = value / per[ref]
			printf "  %-6s %s: %.2f ms vs %.2f ms = %.2fx (limit %.2fx)\n", got <= max ? "met" : "MISSED",
				text, value, per[ref], got, max
		}
	}
}' "$RAW" | tee -a "$REPORT"
ts=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["sources"]["taskstats"])' "$RUN/pidtop.json" 2>/dev/null)
if [ -n "$ts" ] && [ "$ts" != ok ]; then
	say "  note: pidtop's sources.taskstats is \"$ts\": the taskstats targets compare like with like only once it is ok"
fi
say ""
say "raw figures: $RAW; this report: $REPORT"
