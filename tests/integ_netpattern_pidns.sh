#!/bin/bash
# integ_netpattern.sh's patterns with pidtop, the servers and the clients
# inside a pid namespace of their own (unshare -p -f --mount-proc), as in a
# container sharing the host's network. The tracepoints that name the
# owners of short connections and one-datagram sockets are read through
# perf_event_open(2), whose records carry the pid as pidtop's own pid
# namespace numbers it (0 for a task outside it, which is never credited):
# the datagram sender's 100% comes from the route look-up tracepoint alone
# (without it: 0%, doc/pidtop.1), so a pid in the wrong namespace fails it.
# Needs what integ_netpattern.sh needs, and root for the namespace.
set -u
here=$(cd "$(dirname "$0")" && pwd)

skip() {
	echo "SKIP: $*"
	exit 77
}
command -v unshare >/dev/null || skip "no unshare command"
unshare -p -f --mount-proc true 2>/dev/null ||
	skip "cannot make a pid namespace (unshare -p -f --mount-proc: needs root)"
# the namespace's pid 1 is the test's shell: its exit status is the test's
exec unshare -p -f --mount-proc bash "$here/integ_netpattern.sh" "$@"
