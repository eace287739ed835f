#!/bin/bash
# integ_netpattern.sh's patterns without the tracepoints (tracefs unmounted
# in a mount namespace of the test's own): as for a user without
# CAP_PERFMON, or a machine without tracefs. The clients of short
# connections and datagrams are then a known limit (doc/pidtop.1), but
# every server must still be credited: a connection closed before its
# owner was found goes to the listener on its local end, which stands in.
NETPATTERN_NS=notrace exec bash "$(dirname "$0")/integ_netpattern.sh"
