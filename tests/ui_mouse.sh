#!/bin/bash
# The mouse and unknown escape sequences, as a terminal sends them.
#  - Escape sequences the terminal description does not know (Ctrl+Up as
#    xterm sends it, focus reports, Alt+[ and Alt+]) are dropped whole: their
#    '[' and ']' bytes must not renice the selected task (nor any other byte
#    act), so both sleepers keep nice 0 and the table stays as it was.
#  - Mouse reports (X10 encoding, what tmux-256color's kmous announces):
#    a click on a row selects it (Enter then opens that pid's drill-down),
#    the wheel scrolls the selection, a click on a column header sorts by
#    it and a second click reverses, a click on the function bar's F1Help
#    opens the help screen.
. "$(dirname "$0")/ui_common.sh"

ui_sleeper A "mouse_a_$$"
ui_sleeper B "mouse_b_$$"
ui_session 160 30
ui_start_pidtop -d 0.5 -p "$A,$B"
ui_wait_for "mouse_a_$$" 10
ui_wait_for "mouse_b_$$" 10

# row_pid N : the pid on the Nth task row (1 = first)
row_pid() {
	ui_screen | awk -v n="$1" 'found && ++i == n { print $1; exit } /^ *PID +USER/ { found = 1 }'
}
# screen_line TEXT : the 0-based line of the pane that shows TEXT first
screen_line() {
	ui_screen | awk -v t="$1" 'index($0, t) { print NR - 1; exit }'
}
click() {
	ui_mouse 0 "$1" "$2"
	ui_mouse 3 "$1" "$2"
}
nice_of() {
	ps -o ni= -p "$1" | tr -d ' '
}
# drill_shows PID : Enter opens a drill-down about PID; Esc goes back
drill_shows() {
	ui_type Enter
	ui_wait_for "PID $1 " 10
	ui_type Escape
	ui_wait_for "COMMAND" 10
}

# --- unknown escape sequences
for seq in $'\e[1;5A' $'\e[I' $'\e[O' $'\e[' $'\e]' $'\e[1;3D' $'\eOa'; do
	ui_literal "$seq"
	sleep 0.15
done
sleep 1.2 # two refreshes: a renice would show by now
ui_alive || ui_fail "pidtop died on escape sequences"
[ "$(nice_of "$A")" = 0 ] || ui_fail "escape sequences reniced $A to $(nice_of "$A")"
[ "$(nice_of "$B")" = 0 ] || ui_fail "escape sequences reniced $B to $(nice_of "$B")"
ui_screen | grep -q "COMMAND" || ui_fail "escape sequences left the table"

# --- click a row, wheel
first=$(row_pid 1)
second=$(row_pid 2)
[ -n "$first" ] && [ -n "$second" ] || ui_fail "two rows expected"
y2=$(screen_line "$second ")
ui_type Z # pause: rows must not swap places under the clicks
click 10 "$y2"
drill_shows "$second"
ui_mouse 64 10 "$y2" # wheel up: the selection moves to the first row
drill_shows "$first"
ui_mouse 65 10 "$y2" # wheel down
drill_shows "$second"
ui_type Z

# --- header clicks sort, a second click reverses
hy=$(screen_line "COMMAND")
hx=$(ui_screen | sed -n "$((hy + 1))p" | awk '{ print index($0, "PID") + 1 }')
click "$hx" "$hy"
sleep 0.5
p1=$(row_pid 1)
click "$hx" "$hy"
i=0
while [ "$(row_pid 1)" = "$p1" ]; do
	i=$((i + 1))
	[ "$i" -le 50 ] || ui_fail "a second click on the PID header did not reverse the order"
	sleep 0.1
done
[ "$(row_pid 2)" = "$p1" ] || ui_fail "after reversing, $p1 is not on the second row"

# --- function bar
by=$(screen_line "F1Help")
[ -n "$by" ] || ui_fail "no function bar"
click 2 "$by"
ui_wait_for "keys (this screen" 10
ui_type q
ui_wait_for "COMMAND" 10

ui_quit
echo "PASS: escape sequences dropped (nice stays 0), row click, wheel, header sort and reverse, function bar click"
