#!/bin/bash
# The group view (v): three burners of one name under a user and in a
# cgroup the test creates, and a sleeper of that user outside the cgroup.
# Grouped by user the four make one row; by cgroup, the burners' cgroup and
# the sleeper's; by program, the burners' row and the sleeper's, the first
# by CPU first (r turns it round). The burners' group shows the CPU they
# really used (their /proc ticks over the same seconds), Enter expands it to
# its three members whose CPU adds up to the group's, - and + fold it,
# Enter on a member opens its drill-down, and the grouping is saved. A
# replay of a recording of them groups the same way.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" = 0 ] || ui_skip "needs root to create a user and a cgroup"
command -v useradd >/dev/null && command -v setpriv >/dev/null ||
	ui_skip "needs useradd and setpriv (passwd, util-linux)"
# the cgroup v2 hierarchy: /sys/fs/cgroup, or /sys/fs/cgroup/unified on a
# hybrid machine
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
[ -n "$CG_ROOT" ] && [ -f "$CG_ROOT/cgroup.procs" ] || ui_skip "no cgroup v2 hierarchy mounted"

GUSER="pgv$$"
CG="$CG_ROOT/pidtopgv$$"
BURN="gvb$$"
SLEEP="gvs$$"
BURNERS=""

groups_cleanup() {
	local status=$? p
	for p in $BURNERS ${S:-}; do kill -KILL "$p" 2>/dev/null; done
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -d "$CG" ] || break
		rmdir "$CG" 2>/dev/null && break
		sleep 0.2
	done
	# userdel refuses while a process of the user is alive
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		id "$GUSER" >/dev/null 2>&1 || break
		userdel "$GUSER" 2>/dev/null && break
		sleep 0.2
	done
	(exit "$status")
	ui_cleanup
}
trap groups_cleanup EXIT

useradd -M -N -r -s /usr/sbin/nologin "$GUSER" || ui_hard_error "useradd $GUSER failed"
mkdir "$CG" || ui_hard_error "cannot create the cgroup $CG"
chmod 0711 "$UI_TMP"
mkdir -m 0755 "$UI_TMP/bin"
cp "$(ui_workload burner)" "$UI_TMP/bin/$BURN"
cp "$(command -v sleep)" "$UI_TMP/bin/$SLEEP"
AS_USER="setpriv --reuid=$GUSER --regid=$(id -g "$GUSER") --clear-groups"
for i in 1 2 3; do
	ui_spawn B $AS_USER "$UI_TMP/bin/$BURN" --threads 1 --duty 30 --period-ms 50 --seconds 120
	BURNERS="$BURNERS $B"
	echo "$B" >"$CG/cgroup.procs" || ui_hard_error "cannot move $B into $CG"
done
ui_spawn S $AS_USER "$UI_TMP/bin/$SLEEP" 300

# a recording of them, for the group view in a replay (at the end)
rec="$UI_TMP/groups.rec"
"$PIDTOP" -w "$rec" -b -d 0.5 -n 6 -u "$GUSER" >/dev/null || ui_fail "recording failed"

mkdir -p "$XDG_CONFIG_HOME/pidtop"
printf 'columns=cpu_pct,pid,user,rss_kb,cmdline\nsort=cpu_pct\n' >"$XDG_CONFIG_HOME/pidtop/pidtoprc"
ui_session 160 30
ui_start_pidtop -d 1 -u "$GUSER"
ui_wait_for "$SLEEP" 10

# the burners' CPU% from their /proc ticks between two moments
ticks() {
	local p sum=0
	for p in $BURNERS; do
		set -- $(sed 's/.*) //' "/proc/$p/stat")
		sum=$((sum + ${12} + ${13}))
	done
	echo "$sum"
}
HZ=$(getconf CLK_TCK)
# group_cpu TEXT : the %CPU of the group row whose command starts with TEXT
group_cpu() {
	ui_screen | awk -v t="$1" 'index($0, t) { print $1; exit }'
}
# check_known TEXT : the group's CPU over 4 refreshes against the ticks
check_known() {
	local t0 t1 w0 w1 sum=0 v
	sleep 1.2
	t0=$(ticks) w0=$(date +%s.%N)
	for _ in 1 2 3 4; do
		sleep 1
		v=$(group_cpu "$1")
		[ -n "$v" ] || ui_fail "no group row '$1'"
		sum=$(awk -v a="$sum" -v b="$v" 'BEGIN { print a + b }')
	done
	t1=$(ticks) w1=$(date +%s.%N)
	awk -v s="$sum" -v t0="$t0" -v t1="$t1" -v w0="$w0" -v w1="$w1" -v hz="$HZ" -v g="$1" 'BEGIN {
		shown = s / 4; real = (t1 - t0) / hz / (w1 - w0) * 100
		printf "%s: shown %.1f%%, used %.1f%%\n", g, shown, real
		exit !(real > 10 && shown > real * 0.7 - 5 && shown < real * 1.3 + 5) }' ||
		ui_fail "group '$1' shows a CPU far from what its members used"
}

ui_type v
ui_wait_for "grouped by user" 5
ui_wait_for "$GUSER (4)" 5
check_known "$GUSER (4)"

ui_type v
ui_wait_for "grouped by cgroup" 5
ui_wait_for "pidtopgv$$ (3)" 5
rows=$(ui_screen | grep -c ' ([0-9]*)$')
[ "$rows" = 2 ] || ui_fail "grouped by cgroup: $rows group rows, not 2"

ui_type v
ui_wait_for "grouped by program" 5
ui_wait_for "$BURN (3)" 5
ui_wait_for "$SLEEP (1)" 5
check_known "$BURN (3)"
first_group() { ui_screen | grep -o "$BURN (3)\|$SLEEP (1)" | head -n 1; }
[ "$(first_group)" = "$BURN (3)" ] || ui_fail "sorted by CPU, the burners are not first"
ui_type r
sleep 1.5
[ "$(first_group)" = "$SLEEP (1)" ] || ui_fail "r did not put the sleeper's group first"
ui_type r
sleep 1.5

# Enter expands: the three members under their group, adding up to it
ui_type Home Enter
for _ in $(seq 50); do
	[ "$(ui_screen | grep -c "$UI_TMP/bin/$BURN --threads")" = 3 ] && break
	sleep 0.1
done
screen=$(ui_screen)
[ "$(grep -c "$UI_TMP/bin/$BURN --threads" <<<"$screen")" = 3 ] ||
	ui_fail "Enter did not show the group's three members"
grep -q "└─ $UI_TMP/bin/$BURN" <<<"$screen" || ui_fail "the members are not indented under their group"
awk -v b="$BURN (3)" '
	index($0, b) { g = $1; next }
	index($0, "─ ") && index($0, "--threads") { m += $1; n++ }
	END { printf "group %.1f, members %.1f (%d)\n", g, m, n
	      exit !(n == 3 && m - g < 0.35 && g - m < 0.35) }' <<<"$screen" ||
	ui_fail "the group's CPU is not the sum of its members'"
ui_type -
sleep 0.5
[ "$(ui_screen | grep -c "$UI_TMP/bin/$BURN --threads")" = 0 ] || ui_fail "- left the members shown"
ui_type +
ui_wait_for "└─ $UI_TMP/bin/$BURN" 5
ui_type Down Enter
ui_wait_for "Threads" 5
pid=$(ui_screen | awk '$1 == "PID" { print $2; exit }')
case " $BURNERS " in *" $pid "*) ;; *) ui_fail "Enter on a member opened pid '$pid', not a burner" ;; esac
ui_type Escape
ui_wait_for "RSS COMMAND" 5
ui_quit
grep -qx "group=comm" "$XDG_CONFIG_HOME/pidtop/pidtoprc" || ui_fail "group=comm not saved"

ui_start_pidtop -d 1 -u "$GUSER"
ui_wait_for "grouped by program" 10
ui_type v
ui_wait_for "one row per task" 5
ui_quit
grep -qx "group=none" "$XDG_CONFIG_HOME/pidtop/pidtoprc" || ui_fail "group=none not saved"

# a replay groups the same way: the user's row sums its four members
ui_start_pidtop -R "$rec" -u "$GUSER"
ui_wait_for "REPLAY" 10
ui_type v
ui_wait_for "$GUSER (4)" 5
ui_type Home Enter
ui_wait_for "└─ " 5
awk -v g="$GUSER (4)" '
	index($0, g) { grp = $1; next }
	index($0, "─ ") { m += $1; n++ }
	END { printf "replay: group %.1f, members %.1f (%d)\n", grp, m, n
	      exit !(n == 4 && grp > 10 && m - grp < 0.45 && grp - m < 0.45) }' <<<"$(ui_screen)" ||
	ui_fail "in a replay the user's group is not the sum of its four members"
ui_quit
echo "PASS: groups by user, cgroup and program sum their members, sort, expand and are saved"
