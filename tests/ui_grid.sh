#!/bin/bash
# The activity grid and the drill-down (issue 6). With -p limited to a CPU
# burner, an idle sleeper and an O_DIRECT writer (started in that order, so
# that is their order in the grid), the grid shows three cells coloured red,
# grey and green (read back with capture-pane -e); killing the sleeper turns
# its cell yellow, then it disappears; Enter on the burner opens its
# drill-down with its pid, command line and history sparklines; each tab
# opens; Esc returns to the grid with the cursor on the same task.
. "$(dirname "$0")/ui_common.sh"

PY=${PYTHON3:-}
[ -n "$PY" ] && [ -x "$PY" ] || PY=$(command -v python3 || true)
[ -n "$PY" ] || ui_skip "python3 is needed to read the pane's colours"

burn=$(ui_workload burner)
writer=$(ui_workload odirect_writer)
probe=0
"$writer" --file "$UI_TMP/probe.dat" --seconds 0.1 >/dev/null 2>&1 || probe=$?
[ "$probe" -eq 77 ] && ui_skip "the file system of $UI_TMP refuses O_DIRECT"
[ "$probe" -eq 0 ] || ui_hard_error "odirect_writer failed (status $probe)"

ui_spawn BURN "$burn" --threads 1 --duty 100 --seconds 120 --tag gridburn \
	--ready "$UI_TMP/burn.ready"
ui_wait_file "$UI_TMP/burn.ready" 10
sleep 0.05 # distinct start times (clock ticks): the grid orders by them
ui_sleeper SLEEP pidtop-grid-idle
sleep 0.05
# 1 MiB/s in 256 KiB writes: two writes in every 0.5 s interval, and far
# under the 1% of CPU that makes a cell orange. The cost is per write, not
# per byte: measured on the test machine, 32 writes a second took 0.8% of a
# CPU in 64 KiB writes and 0.5% in 256 KiB ones, and more on a busy machine
# (the cell turned orange); 4 writes a second took 0.24%.
ui_spawn WRITE "$writer" --file "$UI_TMP/od.dat" --rate-kib 1024 --block-kib 256 --seconds 120 \
	--ready "$UI_TMP/write.ready"
ui_wait_file "$UI_TMP/write.ready" 10

ui_session 200 50
ui_start_pidtop -d 0.5 --view=grid -p "$BURN,$SLEEP,$WRITE"
ui_wait_for "Grid:" 10

# cells: the colour name of each cell on the first grid line, in order
cells() {
	T capture-pane -e -p -t ui | "$PY" -c '
import re, sys
names = {196: "red", 1: "red", 9: "red", 244: "grey", 0: "grey", 8: "grey",
         46: "green", 2: "green", 10: "green", 208: "orange", 5: "magenta",
         226: "yellow", 3: "yellow", 11: "yellow"}
lines = sys.stdin.read().split("\n")
grid = False
for line in lines:
    plain = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if plain.startswith("Grid:"):
        grid = True
        continue
    if not grid:
        continue
    fg, col, out = None, 0, []
    for m in re.finditer(r"\x1b\[([0-9;]*)m|([^\x1b])", line):
        if m.group(1) is not None:
            p = [int(x) if x else 0 for x in m.group(1).split(";")]
            i = 0
            while i < len(p):
                if p[i] == 0 or p[i] == 39: fg = None
                elif 30 <= p[i] <= 37: fg = p[i] - 30
                elif 90 <= p[i] <= 97: fg = p[i] - 90 + 8
                elif p[i] == 38 and i + 2 < len(p) and p[i + 1] == 5:
                    fg = p[i + 2]; i += 2
                i += 1
            continue
        ch = m.group(2)
        # cells start at column 9 and take two columns (glyph, mark)
        if col >= 9 and (col - 9) % 2 == 0 and ch != " ":
            out.append(names.get(fg, "fg%s" % fg))
        col += 1
    print(" ".join(out))
    break
'
}

# expect_cells "red grey green" SECONDS
expect_cells() {
	local i=0 got
	while :; do
		got=$(cells)
		[ "$got" = "$1" ] && return 0
		i=$((i + 1))
		[ "$i" -le $(($2 * 10)) ] || ui_fail "grid cells are '$got', expected '$1'"
		sleep 0.1
	done
}

expect_cells "red grey green" 10
echo "ok: burner red, sleeper grey, O_DIRECT writer green"

kill -KILL "$SLEEP"
expect_cells "red yellow green" 5
echo "ok: the killed sleeper turned yellow"
expect_cells "red green" 5
echo "ok: then its cell went away"

# the mouse: the grid asks the terminal for motion reports (mode 1003),
# hovering moves the cursor, a click pins the tip
[ "$(T display-message -p -t ui '#{mouse_all_flag}')" = 1 ] ||
	ui_fail "the grid did not ask for mouse motion reports (mode 1003)"
gy=$(ui_screen | awk '/^Grid:/ { print NR; exit }') # the first grid line, 0-based
ui_mouse 35 11 "$gy" # hover the second cell (cells: column 9, 11, ...)
ui_wait_for "PID $WRITE " 5
ui_mouse 0 9 "$gy"
ui_mouse 3 9 "$gy"
ui_wait_for "PID $BURN  " 5
ui_screen | grep -q "PID $BURN .*\[pinned\]" || ui_fail "a click did not pin the tip"
echo "ok: mouse: hover moves the cursor, a click pins"

# the cursor on the burner (the first cell): its tip names it
ui_type Home
ui_wait_for "PID $BURN" 5
ui_type Enter
ui_wait_for "1 Threads" 5
ui_screen | grep -q "^ *PID $BURN .*burner" || ui_fail "drill-down does not name pid $BURN"
ui_screen | grep -qF -- "--tag gridburn" || ui_fail "drill-down lacks the command line"
ui_screen | grep -qE "TID +S +CPU%" || ui_fail "the Threads tab did not open"
# its history: the CPU sparkline, an empty READ/s line, and CPU time
# counted since pidtop first saw it
ui_screen | grep -qE "history: last [0-9]+ refreshes .*CPU [0-9]+:[0-9.]+ " ||
	ui_fail "no history line with the burner's CPU time"
ui_screen | grep -qE "history: .*CPU 0:00\.00 " && ui_fail "the burner's CPU time is zero"
# (the level of each bar depends on the machine's load: at least three
# bars, the latest at 10% or more; bars are U+2581..U+2588, \xe2\x96\x81..88)
bar=$'\xe2\x96[\x81-\x88]'
LC_ALL=C grep -qE "CPU% +($bar){3,} now [1-9][0-9]+\." <<<"$(ui_screen)" ||
	ui_fail "the CPU% sparkline does not show the burner"
ui_screen | grep -qE "READ/s +now 0 " || ui_fail "the READ/s sparkline is not empty"
echo "ok: drill-down history: CPU sparkline, READ/s empty"
for tab in "system call:" "FD +TYPE +TARGET" "PROTO +LOCAL" "mappings" "PATH=" "Max open files"; do
	ui_type Right
	i=0
	until ui_screen | grep -qE -- "$tab"; do
		i=$((i + 1))
		[ "$i" -le 50 ] || ui_fail "tab showing '$tab' did not open"
		sleep 0.1
	done
done
echo "ok: the seven tabs open"

ui_type Escape
ui_wait_for "Grid:" 5
ui_wait_for "PID $BURN" 5
cells | grep -q "^red" || ui_fail "grid not back"
echo "ok: Esc returns to the grid with the cursor on the burner"

ui_type q
rc=$(ui_wait_exit 5)
[ "$rc" = 0 ] || ui_fail "exit status $rc"
echo "PASS: grid colours, exit aging, drill-down tabs and back"
