#!/bin/bash
# integ_netpattern.sh's patterns with pidtop, the servers and the clients
# inside a pid namespace of their own (unshare -p -f --mount-proc), as in a
# container sharing the host's network. The tracepoints that name the
# owners of short connections and one-datagram sockets are read through
# perf_event_open(2), whose records carry the pid as pidtop's own pid
# namespace numbers it (0 for a task outside it, which is never credited):
# the datagram sender's 100% comes from the route look-up tracepoint alone
# (without it: 0%, doc/pidtop.1), so a pid in the wrong namespace fails it.
NETPATTERN_NS=pid exec bash "$(dirname "$0")/integ_netpattern.sh"
