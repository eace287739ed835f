#!/bin/bash
# The screen inside a pid namespace with its own proc, and inside a user
# namespace: it comes up with its sources line and rows, shows no bare
# error ("Invalid argument") and nothing on stderr, and q exits with 0.
. "$(dirname "$0")/ui_common.sh"

[ "$(id -u)" -eq 0 ] || ui_skip "creating namespaces needs root"
command -v unshare >/dev/null || ui_skip "unshare missing (apt-get install util-linux)"
unshare -p -f --mount-proc true 2>/dev/null || ui_skip "no pid namespaces here"
unshare -U -r true 2>/dev/null || ui_skip "no user namespaces here"

REAL=$PIDTOP
for ns in "-p -f --mount-proc" "-U -r"; do
	# ui_start_pidtop runs $PIDTOP: a wrapper entering the namespaces
	PIDTOP="$UI_TMP/pidtop-ns"
	printf '#!/bin/sh\nexec unshare %s "%s" "$@"\n' "$ns" "$REAL" >"$PIDTOP"
	chmod +x "$PIDTOP"
	: >"$UI_TMP/stderr"
	ui_session 250 40
	ui_start_pidtop -d 0.5
	ui_wait_for "Sources:" 10
	ui_wait_for "pidtop" 10
	sleep 1.5 # a few refreshes
	screen=$(ui_screen)
	case $ns in
	-p*) want="need the initial pid namespace" ;;
	*) want="initial user namespace" ;;
	esac
	grep -qF -- "$want" <<<"$screen" || ui_fail "unshare $ns: the sources line lacks '$want'"
	if grep -qE "Invalid argument|Operation not permitted" <<<"$screen"; then
		ui_fail "unshare $ns: a bare error on the screen"
	fi
	ui_quit
	[ ! -s "$UI_TMP/stderr" ] || ui_fail "unshare $ns: stderr: $(head -3 "$UI_TMP/stderr")"
	echo "ok   unshare $ns: the screen came up, said '$want', quit with 0"
	T kill-server >/dev/null 2>&1
done
