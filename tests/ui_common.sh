# ui_common.sh - sourced by the tests/ui_*.sh screen tests (not a test itself).
#
# Each test drives the real pidtop binary ($PIDTOP, absolute) inside a
# private tmux server (tmux -L <unique name>) and reads the screen back with
# capture-pane. Workloads come from $WORKLOAD_DIR (burner, memtouch) or are
# copies of /bin/sleep under a unique name. Everything started here - the
# tmux server and every workload - is killed on exit, whatever the path.
# XDG_CONFIG_HOME points into the scratch directory so the user's settings
# are never read or written.

set -u

ui_skip() {
	echo "SKIP: $*"
	exit 77
}
ui_hard_error() {
	echo "ERROR: $*" >&2
	exit 99
}
ui_fail() {
	echo "FAIL: $*"
	if [ -n "${UI_SOCK:-}" ]; then
		echo "--- screen (blank lines left out):"
		tmux -L "$UI_SOCK" capture-pane -p -t ui 2>/dev/null | grep -v '^ *$'
		echo "---"
		# again after the screen: a log read from its end shows the reason
		echo "FAIL: $*"
	fi
	exit 1
}

command -v tmux >/dev/null 2>&1 || ui_skip "tmux is not installed (apt-get install tmux)"
PIDTOP=${PIDTOP:-/tmp/ui/pidtop}
WORKLOAD_DIR=${WORKLOAD_DIR:-/tmp/ui/workload}
[ -x "$PIDTOP" ] || ui_hard_error "PIDTOP='$PIDTOP' is not an executable pidtop binary"
case $PIDTOP in /*) ;; *) ui_hard_error "PIDTOP must be an absolute path" ;; esac

UI_SOCK="pidtop-ui-$$-$RANDOM"
UI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pidtop-ui.XXXXXX") || ui_hard_error "no scratch directory"
export XDG_CONFIG_HOME="$UI_TMP/config"
UI_PIDS=""

ui_cleanup() {
	local status=$? p
	trap - EXIT INT TERM HUP
	tmux -L "$UI_SOCK" kill-server >/dev/null 2>&1
	if [ -n "${PIDTOP_PID:-}" ] && kill -0 "$PIDTOP_PID" 2>/dev/null; then
		# a closed terminal must end pidtop by itself (a sanitizer build
		# on a loaded machine takes a while to exit)
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$PIDTOP_PID" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$PIDTOP_PID" 2>/dev/null; then
			kill -KILL "$PIDTOP_PID" 2>/dev/null
			echo "FAIL: pidtop $PIDTOP_PID outlived its terminal"
			[ "$status" -eq 0 ] && status=1
		fi
	fi
	for p in $UI_PIDS; do
		kill -KILL -- "-$p" 2>/dev/null
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ "$status" -eq 0 ] || [ "$status" -eq 77 ]; then
		rm -rf "$UI_TMP"
	else
		echo "scratch files kept in $UI_TMP"
	fi
	exit "$status"
}
trap ui_cleanup EXIT
trap 'exit 98' INT TERM HUP

T() {
	tmux -L "$UI_SOCK" "$@"
}

UI_TERM=tmux-256color
infocmp "$UI_TERM" >/dev/null 2>&1 || UI_TERM=screen

# ui_session W H : a detached session "ui" running a plain shell, W x H cells
# (a clean environment, but sanitizer options pass through)
ui_session() {
	local keep="" v
	for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
		[ -n "${!v:-}" ] && keep="$keep $v='${!v}'"
	done
	# a new tmux server now and then dies while starting ("server exited
	# unexpectedly", seen once in a make distcheck): try a few times
	local try started=0
	for try in 1 2 3; do
		T -f /dev/null new-session -d -s ui -x "$1" -y "$2" \
			"env -i PATH='$PATH' HOME='$UI_TMP' TERM=$UI_TERM LANG=C.UTF-8 $keep \
			XDG_CONFIG_HOME='$XDG_CONFIG_HOME' HISTFILE=/dev/null PS1='$ ' bash --norc --noprofile" &&
			started=1 && break
		sleep 0.5
	done
	[ "$started" = 1 ] || ui_hard_error "tmux cannot start a session after $try tries"
	T set-option -g status off >/dev/null
}

# ui_type TEXT... : keys to the pane (tmux key names allowed)
ui_type() {
	T send-keys -t ui "$@"
}

# ui_literal TEXT : TEXT typed as it is
ui_literal() {
	T send-keys -t ui -l "$1"
}

# ui_mouse CODE X Y : one mouse report in the X10 encoding (what the kmous of
# tmux-256color and screen announce) at 0-based cell X, Y. CODE: 0 button 1
# down, 3 up, 35 motion without a button, 64/65 wheel up/down.
ui_mouse() {
	ui_literal "$(printf '\033[M%b%b%b' "\\$(printf %03o $((32 + $1)))" \
		"\\$(printf %03o $((33 + $2)))" "\\$(printf %03o $((33 + $3)))")"
}

ui_screen() {
	T capture-pane -p -t ui
}

# ui_wait_for TEXT SECONDS : until the screen shows TEXT (fixed string)
ui_wait_for() {
	local i=0 limit=$(($2 * 10))
	while ! ui_screen | grep -qF -- "$1"; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || ui_fail "'$1' did not appear within $2 s"
		sleep 0.1
	done
}

# ui_start_pidtop ARGS... : runs pidtop in the session's shell; its exit
# status lands in $UI_TMP/rc. Sets PIDTOP_PID.
ui_start_pidtop() {
	rm -f "$UI_TMP/rc"
	ui_literal "'$PIDTOP' $* 2>>'$UI_TMP/stderr'; echo \$? > '$UI_TMP/rc'"
	ui_type Enter
	local shell i=0
	shell=$(T display-message -p -t ui '#{pane_pid}')
	PIDTOP_PID=""
	while [ -z "$PIDTOP_PID" ]; do
		PIDTOP_PID=$(pgrep -P "$shell" | head -n1)
		i=$((i + 1))
		[ "$i" -le 50 ] || ui_fail "pidtop did not start"
		[ -n "$PIDTOP_PID" ] || sleep 0.1
	done
}

# ui_wait_exit SECONDS : until pidtop has exited; prints its status
ui_wait_exit() {
	local i=0 limit=$(($1 * 10))
	while [ ! -s "$UI_TMP/rc" ]; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || ui_fail "pidtop did not exit within $1 s"
		sleep 0.1
	done
	if grep -qE 'Sanitizer|runtime error:' "$UI_TMP/stderr" 2>/dev/null; then
		echo "FAIL: pidtop reported memory or undefined-behaviour errors:" >&2
		cat "$UI_TMP/stderr" >&2
		echo 1
		return
	fi
	cat "$UI_TMP/rc"
}

# ui_gone PID : true once PID has ended, as a zombie or reaped. The state is
# read once: the test's shell may reap a zombie between two looks, and a
# check of "kill -0" followed by a read of its stat would find neither.
ui_gone() {
	local st
	st=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -z "$st" ] || [ "$st" = Z ]
}

ui_alive() {
	kill -0 "$PIDTOP_PID" 2>/dev/null
}

# ui_spawn VAR PROGRAM ARGS... : a workload in its own session; VAR = pid
ui_spawn() {
	local var=$1 pid
	shift
	setsid "$@" >/dev/null 2>&1 &
	pid=$!
	disown "$pid" # no "Killed" notes from the shell at cleanup
	UI_PIDS="$UI_PIDS $pid"
	eval "$var=$pid"
}

# ui_sleeper VAR NAME : a copy of sleep called NAME (a unique name to find)
ui_sleeper() {
	cp "$(command -v sleep)" "$UI_TMP/$2" || ui_hard_error "cannot copy sleep"
	ui_spawn "$1" "$UI_TMP/$2" 300
}

ui_workload() {
	[ -x "$WORKLOAD_DIR/$1" ] || ui_hard_error "workload $WORKLOAD_DIR/$1 is not built"
	echo "$WORKLOAD_DIR/$1"
}

# ui_wait_file PATH SECONDS
ui_wait_file() {
	local i=0 limit=$(($2 * 10))
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -le "$limit" ] || ui_hard_error "$1 did not appear within $2 s"
		sleep 0.1
	done
}

# ui_first_row : the first task row under the column headers
ui_first_row() {
	ui_screen | awk 'found { print; exit } /^ *PID +USER/ { found = 1 }'
}

# ui_quit : q ends pidtop with status 0 within 5 s
ui_quit() {
	local rc
	ui_type q
	rc=$(ui_wait_exit 5)
	[ "$rc" = 0 ] || ui_fail "exit status $rc after q"
}
