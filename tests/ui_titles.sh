#!/bin/bash
# Column titles on the screen: the F2 setup screen and the sort menu align
# the ΔRSS row like the others (its title is 5 bytes but 4 cells), and
# under a (accumulated) the rate columns lose their "/s".
. "$(dirname "$0")/ui_common.sh"

ui_session 200 50
ui_start_pidtop -d 0.5
ui_wait_for "COMMAND" 10

# where a column id starts on its line, in characters (each UTF-8
# character becomes one byte first: the titles here are one cell each)
id_col() {
	ui_screen | LC_ALL=C sed 's/[\xc0-\xf7][\x80-\xbf]*/?/g' | awk -v id="$1" '{
		for (i = 1; i <= length($0) - length(id) + 1; i++)
			if (substr($0, i, length(id)) == id && substr($0, i + length(id), 1) ~ /^( |$)/ &&
			    substr($0, i - 1, 1) == " ") { print i; exit }
	}'
}

ui_type F2
ui_wait_for "rss_delta_kb" 5
a=$(id_col pid)
b=$(id_col rss_delta_kb)
c=$(id_col mem_pct)
[ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" = "$c" ] ||
	ui_fail "setup: ids at columns pid=$a rss_delta_kb=$b mem_pct=$c (not aligned)"
ui_type Escape
sleep 0.5

ui_type '<'
ui_wait_for "Sort by:" 5
a=$(id_col pid)
b=$(id_col rss_delta_kb)
[ -n "$a" ] && [ "$a" = "$b" ] || ui_fail "sort menu: ids at pid=$a rss_delta_kb=$b (not aligned)"
ui_type Escape
sleep 0.5

ui_screen | grep -qE "READ/s +WRITE/s" || ui_fail "no READ/s WRITE/s title in rate mode"
ui_type a
ui_wait_for "accumulated" 5
for _ in $(seq 30); do
	ui_screen | grep -qE " READ +WRITE " && break
	sleep 0.1
done
head=$(ui_screen | grep -E "^ *PID +USER")
case $head in *"/s"*) ui_fail "accumulated titles still say /s: $head" ;; esac
echo "$head" | grep -qE " READ +WRITE " || ui_fail "no READ WRITE titles under a: $head"
ui_quit
echo "PASS: setup and sort menu align ΔRSS; a drops /s from the titles"
