#!/bin/bash
# Tags: Space tags the selected row and moves down, the status line counts
# the tags, k sends the signal to every tagged task (and no other), U
# untags all, C tags a process with its descendants and ] renices all of
# them. K hides kernel threads; the choice is saved and comes back.
. "$(dirname "$0")/ui_common.sh"

ui_sleeper A "uitaga$$"
ui_sleeper B "uitagb$$"
ui_sleeper C "uitagc$$"
ui_session 200 50
ui_start_pidtop -d 0.5 -s pid -p "$A,$B,$C"
ui_wait_for "uitagc$$" 10
ui_type Space
ui_type Space
ui_wait_for "2 tagged" 5
ui_type k
ui_wait_for "Send signal to 2 tagged:" 5
ui_type Enter
ui_wait_for "2 tagged tasks signalled" 5
for _ in $(seq 50); do ui_gone "$A" && ui_gone "$B" && break; sleep 0.1; done
ui_gone "$A" && ui_gone "$B" || ui_fail "the tagged sleepers $A $B are still alive"
kill -0 "$C" 2>/dev/null || ui_fail "the untagged sleeper $C died too"
# the dead ones' tags go; tag C, then U untags it
sleep 1.5
ui_screen | grep -q "tagged  " && ui_fail "tags of ended tasks kept"
ui_type Home Space
ui_wait_for "1 tagged" 5
ui_type U
ui_wait_for "1 tasks untagged" 5
sleep 0.7
ui_screen | grep -q "1 tagged  " && ui_fail "U left a tag"
ui_quit

# C: a parent and its two children; ] renices the three
cp "$(command -v sleep)" "$UI_TMP/uifamkid$$"
ui_spawn FAM bash -c "'$UI_TMP/uifamkid$$' 300 & '$UI_TMP/uifamkid$$' 300 & wait # uifam$$"
for _ in $(seq 50); do [ "$(pgrep -P "$FAM" | wc -l)" = 2 ] && break; sleep 0.1; done
kids=$(pgrep -P "$FAM" | tr '\n' ' ')
[ "$(echo $kids | wc -w)" = 2 ] || ui_hard_error "the family has children '$kids'"
ui_start_pidtop -d 0.5 -s pid -c "uifam"
ui_wait_for "uifamkid$$" 10
ui_type Home C
ui_wait_for "$FAM and its descendants: 3 more tagged, 3 in all" 5
ui_type ']'
ui_wait_for "3 tagged tasks reniced (nice + 1)" 5
for p in $FAM $kids; do
	n=$(ps -o ni= -p "$p" | tr -d ' ')
	[ "$n" = 1 ] || ui_fail "pid $p has nice $n after ] on the tagged family"
done
# K: kernel threads hidden, saved in the settings
ui_type U K
ui_wait_for "kernel threads hidden" 5
ui_wait_for "kernel hidden" 5
ui_quit
grep -qx "kernel=0" "$XDG_CONFIG_HOME/pidtop/pidtoprc" || ui_fail "kernel=0 not saved: $(cat "$XDG_CONFIG_HOME/pidtop/pidtoprc")"
ui_start_pidtop -d 0.5 -s pid
ui_wait_for "kernel hidden" 10
sleep 1
ui_screen | grep -q "\[kthreadd\]" && ui_fail "kthreadd shown with kernel threads hidden"
ui_type K
ui_wait_for "kernel threads shown" 5
ui_wait_for "[kthreadd]" 5
ui_quit
echo "PASS: Space tags, k signals the 2 tagged only, U untags, C tags a family of 3, ] renices it, K hides kernel threads and is saved"
