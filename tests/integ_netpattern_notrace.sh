#!/bin/bash
# integ_netpattern.sh's patterns without the tracepoints (tracefs unmounted
# in a mount namespace of the test's own): as for a user without
# CAP_PERFMON, or a machine without tracefs. The clients of short
# connections and datagrams are then a known limit (doc/pidtop.1), but
# every server must still be credited: a connection closed before its
# owner was found goes to the listener on its local end, which stands in.
# Needs what integ_netpattern.sh needs, and root for the namespace.
set -u
here=$(cd "$(dirname "$0")" && pwd)

skip() {
	echo "SKIP: $*"
	exit 77
}
command -v unshare >/dev/null || skip "no unshare command"
unshare -m true 2>/dev/null || skip "cannot make a mount namespace (unshare -m: needs root)"
# unshare -m makes the namespace's mounts private: the host keeps tracefs
exec unshare -m bash -c 'for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	umount "$d" 2>/dev/null; done
[ -e /sys/kernel/tracing/events/sock/inet_sock_set_state ] &&
	{ echo "SKIP: tracefs is still there after umount"; exit 77; }
NETPATTERN_TRACEFS=0 exec bash "$1/integ_netpattern.sh"' bash "$here"
