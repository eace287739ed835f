#!/bin/bash
# The screen under each privilege of doc/pidtop.1 (PRIVILEGES), on the row
# of a root-owned sleeper: as nobody the sources line gives both reasons,
# READ/s and WRITE/s say denied, IO% and the net columns n/a; with a copy
# carrying cap_net_raw,cap_net_admin+ep the net columns are figures; with
# cap_sys_ptrace,cap_dac_read_search added READ/s is a figure. Each time
# nothing reaches stderr and q exits with 0.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" -eq 0 ] || ui_skip "running as another user needs root"
command -v setpriv >/dev/null || ui_skip "setpriv missing (apt-get install util-linux)"
command -v setcap >/dev/null || ui_skip "setcap missing (apt-get install libcap2-bin)"
id nobody >/dev/null 2>&1 || ui_skip "no user nobody to run as"

REAL=$PIDTOP
chmod 755 "$UI_TMP" # nobody runs the copies from here
cp "$REAL" "$UI_TMP/pidtop-net"
setcap cap_net_raw,cap_net_admin+ep "$UI_TMP/pidtop-net" || ui_skip "setcap refused here"
cp "$REAL" "$UI_TMP/pidtop-all"
setcap cap_net_raw,cap_net_admin,cap_sys_ptrace,cap_dac_read_search+ep "$UI_TMP/pidtop-all"
if findmnt -n -o OPTIONS -T "$UI_TMP" | grep -qw nosuid; then
	ui_skip "$UI_TMP is on a nosuid mount: file capabilities do nothing there"
fi
ui_sleeper SLEEPER "uipriv$$"

# the columns of the sleeper's row, by the header's titles
cell() {
	ui_screen | awk -v want="$1" -v pid="$SLEEPER" '
		/^ *PID +USER/ { for (i = 1; i <= NF; i++) col[$i] = i; next }
		$1 == pid { print $(col[want]); exit }'
}

for bin in "$REAL" "$UI_TMP/pidtop-net" "$UI_TMP/pidtop-all"; do
	PIDTOP="$UI_TMP/pidtop-as-nobody"
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "%s" "$@"\n' \
		"$bin" >"$PIDTOP"
	chmod +x "$PIDTOP"
	: >"$UI_TMP/stderr"
	ui_session 220 30
	ui_start_pidtop -d 0.5 -p "$SLEEPER"
	ui_wait_for "uipriv$$" 10
	sleep 1.5
	read_bps=$(cell READ/s)
	io=$(cell IO%)
	tx=$(cell NET_TX/s)
	case ${bin##*/} in
	pidtop-net) want_read=denied want_tx=figure ;;
	pidtop-all) want_read=figure want_tx=figure ;;
	*) want_read=denied want_tx=n/a
		ui_wait_for "taskstats unavailable: needs CAP_NET_ADMIN" 2
		ui_wait_for "net unavailable: needs CAP_NET_RAW" 2 ;;
	esac
	got_read=$read_bps
	[ "$got_read" = denied ] || [ "$got_read" = n/a ] || got_read=figure
	got_tx=$tx
	[ "$got_tx" = n/a ] || got_tx=figure
	[ "$got_read" = "$want_read" ] || ui_fail "${bin##*/} as nobody: READ/s '$read_bps', expected $want_read"
	[ "$got_tx" = "$want_tx" ] || ui_fail "${bin##*/} as nobody: NET_TX/s '$tx', expected $want_tx"
	if [ "$bin" = "$REAL" ] && [ "$io" != n/a ]; then
		ui_fail "nobody: IO% '$io', expected n/a (no taskstats)"
	fi
	ui_quit
	[ ! -s "$UI_TMP/stderr" ] || ui_fail "${bin##*/} as nobody: stderr: $(head -3 "$UI_TMP/stderr")"
	echo "ok   ${bin##*/} as nobody: READ/s $read_bps, IO% $io, NET_TX/s $tx"
	T kill-server >/dev/null 2>&1
done
