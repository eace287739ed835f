# integ_common.sh - sourced by the tests/integ_*.sh integration tests (not a
# test itself).
#
# Environment from the Makefile: PIDTOP (the binary), WORKLOAD_DIR (the built
# tests/workload programs), PYTHON3 (optional). The current directory is the
# build directory: scratch files go in a directory made there, because /tmp
# may be a tmpfs (no O_DIRECT) and the source tree is read-only under
# `make distcheck`. The scratch directory is removed when the test passes
# and kept (its path printed) when it fails.
#
# Workloads are started in their own session (setsid) and killed by process
# group on exit, whatever the exit path; they also stop by themselves after
# their --seconds and die with this shell (PR_SET_PDEATHSIG).

set -u

TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
JSONCHECK="$TESTS_DIR/jsoncheck.py"

integ_hard_error() {
	echo "ERROR: $*" >&2
	exit 99
}

integ_skip() {
	echo "SKIP: $*"
	exit 77
}

if [ -z "${PIDTOP:-}" ] || [ ! -x "$PIDTOP" ]; then
	integ_hard_error "PIDTOP='${PIDTOP:-}' is not an executable pidtop binary"
fi
if [ -z "${WORKLOAD_DIR:-}" ] || [ ! -d "$WORKLOAD_DIR" ]; then
	integ_hard_error "WORKLOAD_DIR='${WORKLOAD_DIR:-}' is not the directory of the test workloads"
fi
PYTHON=${PYTHON3:-/usr/bin/python3}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3 || true)
[ -n "$PYTHON" ] || integ_hard_error "python3 is needed to check pidtop's JSON (apt-get install python3)"

# On a shared, busy machine the workloads and pidtop would be starved in
# bursts, which blurs when pidtop read a task relative to the truth. Root
# runs both at a raised priority: the workloads pace themselves (they sleep
# most of the time), so this takes the machine from no one.
INTEG_NICE=""
if nice -n -10 true 2>/dev/null; then
	INTEG_NICE="nice -n -10"
fi

INTEG_PGIDS=""
INTEG_KEEP=1
SCRATCH=$(mktemp -d "$PWD/integ-$(basename "$0" .sh).XXXXXX") ||
	integ_hard_error "cannot make a scratch directory in $PWD"

integ_cleanup() {
	local status=$? g
	trap - EXIT INT TERM
	[ -n "${INTEG_TMUX:-}" ] && tmux -L "$INTEG_TMUX" kill-server >/dev/null 2>&1
	for g in $INTEG_PGIDS; do
		kill -TERM -- "-$g" 2>/dev/null
	done
	for g in $INTEG_PGIDS; do
		kill -KILL -- "-$g" 2>/dev/null
		kill -KILL "$g" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$status" -eq 0 ] || [ "$status" -eq 77 ]; then
		rm -rf "$SCRATCH"
	else
		echo "scratch files kept in $SCRATCH"
		# Truth and pidtop's reads are a refresh apart; on a machine this
		# busy that gap can exceed the allowance (INTEG_SAMPLE_SLACK).
		echo "load average: $(cat /proc/loadavg 2>/dev/null)"
		[ -r /proc/pressure/cpu ] && echo "cpu pressure: $(head -1 /proc/pressure/cpu)"
	fi
	exit "$status"
}
trap integ_cleanup EXIT
trap 'exit 98' INT TERM

# integ_start VAR PROGRAM ARGS... : starts a workload in its own session;
# sets VAR to its pid (which is also its process group id).
integ_start() {
	local var=$1 prog=$2 pid
	shift 2
	[ -x "$WORKLOAD_DIR/$prog" ] || integ_hard_error "workload $WORKLOAD_DIR/$prog is not built"
	$INTEG_NICE setsid "$WORKLOAD_DIR/$prog" "$@" &
	pid=$!
	INTEG_PGIDS="$INTEG_PGIDS $pid"
	eval "$var=$pid"
}

# integ_stop PID : kills a workload's process group and reaps it. The pid
# itself is killed too: right after the fork it may not have made its own
# session yet, and its group would not exist.
integ_stop() {
	local g rest=""
	kill -KILL -- "-$1" 2>/dev/null
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for g in $INTEG_PGIDS; do
		[ "$g" = "$1" ] || rest="$rest $g"
	done
	INTEG_PGIDS=$rest
}

# integ_start_time PID : the process's start time in seconds since the
# epoch, from /proc/PID/stat field 22 (clock ticks after boot) and btime.
integ_start_time() {
	local ticks
	ticks=$(sed 's/.*) //' "/proc/$1/stat" | awk '{ print $20 }') || return 1
	awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" \
		'$1 == "btime" { printf "%.2f\n", $2 + t / hz }' /proc/stat
}

# integ_wait_file PATH SECONDS : waits for a workload's --ready file.
integ_wait_file() {
	local i=0 limit=$(($2 * 20))
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || integ_hard_error "$1 did not appear within $2 s"
		sleep 0.05
	done
}

# integ_wait_report FILE WHAT : waits up to 10 s for pidtop's first report
# in FILE; none is an error naming WHAT
integ_wait_report() {
	local i
	for i in $(seq 200); do
		[ -s "$1" ] && return
		sleep 0.05
	done
	integ_hard_error "$2: no report from pidtop within 10 s ($1)"
}

# integ_pidtop OUT ARGS... : runs pidtop in batch JSON mode, output in OUT,
# stderr in OUT.err; a non-zero exit status or a sanitizer report fails
# the test.
integ_pidtop() {
	local out=$1 status=0
	shift
	$INTEG_NICE "$PIDTOP" -b -o json "$@" >"$out" 2>"$out.err" || status=$?
	if [ "$status" -ne 0 ]; then
		echo "FAIL: pidtop -b -o json $* exited with status $status; stderr:"
		cat "$out.err"
		exit 1
	fi
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$out.err"; then
		echo "FAIL: pidtop -b -o json $* reported memory or undefined-behaviour errors:"
		cat "$out.err"
		exit 1
	fi
	if [ -s "$out.err" ]; then
		echo "note: pidtop -b -o json $* wrote to stderr:"
		sed 's/^/  /' "$out.err"
	fi
}

# integ_calibrate [-j RUNS] [PIDTOP-ARGS...] : sets INTEG_SAMPLE_SLACK, the
# allowance jsoncheck.py makes for when, within a refresh, pidtop read a task
# (a report's time is taken when its refresh starts). It is measured: twice
# the time pidtop takes right now for its first two refreshes in this mode,
# times RUNS when that many pidtop runs will share the machine, at least
# 0.2 s and at most 1.5 s. A value set in the environment is kept.
INTEG_SLACK_GIVEN=${INTEG_SAMPLE_SLACK:-}
integ_calibrate() {
	local t0 t1 runs=1
	if [ "${1:-}" = -j ]; then
		runs=$2
		shift 2
	fi
	if [ -n "$INTEG_SLACK_GIVEN" ]; then
		echo "allowance for the moment a task is read: $INTEG_SAMPLE_SLACK s (given)"
		return
	fi
	t0=$(date +%s.%N)
	$INTEG_NICE "$PIDTOP" -b -o json -d 0.05 -n 1 "$@" >/dev/null 2>&1
	t1=$(date +%s.%N)
	INTEG_SAMPLE_SLACK=$(awk -v a="$t0" -v b="$t1" -v n="$runs" 'BEGIN {
		s = 2 * n * (b - a - 0.05); if (s < 0.2) s = 0.2; if (s > 1.5) s = 1.5
		printf "%.2f", s }')
	# pidtop's first refresh reads everything: the first report's window
	# may start as late as that refresh's end
	INTEG_FIRST_SLACK=$(awk -v a="$t0" -v b="$t1" -v n="$runs" 'BEGIN {
		s = 2 * n * (b - a - 0.05); if (s < 0.2) s = 0.2; if (s > 5) s = 5
		printf "%.2f", s }')
	export INTEG_SAMPLE_SLACK INTEG_FIRST_SLACK
	echo "allowance for the moment a task is read: $INTEG_SAMPLE_SLACK s," \
		"$INTEG_FIRST_SLACK s in the first refresh" \
		"(two refreshes took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a - 0.05 }') s)"
}

# integ_check SUBCOMMAND ARGS... : runs tests/jsoncheck.py; exits on failure.
integ_check() {
	# the truth logs must run past the last report by the allowance
	sleep "$(awk -v s="${INTEG_SAMPLE_SLACK:-0.2}" 'BEGIN { print s + 0.15 }')"
	"$PYTHON" "$JSONCHECK" "$@" || exit 1
}

# integ_jsoncheck_brief SUBCOMMAND ARGS... : tests/jsoncheck.py without its
# "ok" lines; returns its status (a pipe into grep or tail would return the
# filter's, and a failure would pass)
integ_jsoncheck_brief() {
	local out rc=0
	out=$("$PYTHON" "$JSONCHECK" "$@") || rc=$?
	printf '%s\n' "$out" | grep -v '^  ok' || true
	return "$rc"
}

# integ_need_capture : skips the test unless pidtop's packet capture works
# here (root, and sources.net "ok").
integ_need_capture() {
	local net
	[ "$(id -u)" -eq 0 ] || integ_skip "packet capture needs root (CAP_NET_RAW)"
	"$PIDTOP" -b -o json -d 0.2 -n 1 -p $$ >"$SCRATCH/probe.json" 2>/dev/null ||
		integ_hard_error "pidtop -b -o json -n 1 failed"
	net=$("$PYTHON" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["sources"]["net"])' \
		"$SCRATCH/probe.json") || integ_hard_error "cannot read sources.net"
	[ "$net" = ok ] || integ_skip "sources.net is '$net'"
}

# integ_screen_start ENV PIDTOP-ARGS... : pidtop's screen in a private tmux
# server (200x50, TERM=screen), in a clean environment plus the words of ENV
# (VAR=value ..., may be empty) and the sanitizer options; its stderr goes to
# $SCRATCH/screen.err and its exit status to $SCRATCH/screen.rc.
integ_screen_start() {
	local extra=$1 keep="" v
	shift
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && keep="$keep $v='${!v}'"
	done
	INTEG_TMUX="pidtop-integ-$$-$RANDOM"
	rm -f "$SCRATCH/screen.rc"
	tmux -L "$INTEG_TMUX" -f /dev/null new-session -d -s s -x 200 -y 50 \
		"env -i PATH='$PATH' HOME='$SCRATCH' TERM=screen LANG=C.UTF-8 \
		XDG_CONFIG_HOME='$SCRATCH/config' $keep $extra \
		sh -c \"'$PIDTOP' $* 2>'$SCRATCH/screen.err'; echo \\\$? >'$SCRATCH/screen.rc'; sleep 600\"" ||
		integ_hard_error "tmux cannot start a session"
}

# integ_screen_stop : the screen as it is now goes to $SCRATCH/screen.txt,
# then q; fails (status 1, saying why) unless pidtop quits within 10 s with
# status 0 and no sanitizer report.
integ_screen_stop() {
	tmux -L "$INTEG_TMUX" capture-pane -p -t s >"$SCRATCH/screen.txt"
	tmux -L "$INTEG_TMUX" send-keys -t s q
	for _ in $(seq 100); do
		[ -s "$SCRATCH/screen.rc" ] && break
		sleep 0.1
	done
	tmux -L "$INTEG_TMUX" kill-server >/dev/null 2>&1
	if [ "$(cat "$SCRATCH/screen.rc" 2>/dev/null)" != 0 ]; then
		echo "FAIL: the screen ended with status '$(cat "$SCRATCH/screen.rc" 2>/dev/null)' (none: still running 10 s after q)"
		cat "$SCRATCH/screen.err"
		return 1
	fi
	if grep -qE 'Sanitizer|runtime error:' "$SCRATCH/screen.err"; then
		echo "FAIL: the screen reported memory or undefined-behaviour errors:"
		cat "$SCRATCH/screen.err"
		return 1
	fi
}

# integ_exit_flood_lock -x|-s : a test that floods the machine with exits
# (the kernel then drops exit records for every listener, not only its
# own pidtop's) holds it exclusive (-x); a test that counts on every exit
# record holds it shared (-s); so the two never run together under
# `make check -j`. Held until the test ends.
integ_exit_flood_lock() {
	command -v flock >/dev/null 2>&1 || return 0
	exec 8>>"$PWD/.integ-exit-flood.lock"
	flock "$1" 8
}
