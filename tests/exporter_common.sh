# exporter_common.sh - sourced by the tests/exporter_*.sh tests of
# pidtop --listen (not a test itself). Adds to integ_common.sh: a free
# loopback port, starting the exporter, and fetching from it.
. "$(dirname "$0")/integ_common.sh"

command -v curl >/dev/null || integ_skip "curl is needed (apt-get install curl)"

# exp_free_port : prints a TCP port on 127.0.0.1 that nothing listens on.
exp_free_port() {
	"$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# exp_start PORT ARGS... : starts pidtop --listen=127.0.0.1:PORT ARGS in the
# background (EXP_PID), stderr in $SCRATCH/pidtop.err, and waits until
# /metrics answers (with any status: it may ask for credentials; the
# scheme is EXP_SCHEME, http by default).
exp_start() {
	local port=$1 i
	shift
	$INTEG_NICE "$PIDTOP" --listen="127.0.0.1:$port" "$@" 2>"$SCRATCH/pidtop.err" &
	EXP_PID=$!
	INTEG_PGIDS="$INTEG_PGIDS $EXP_PID"
	for i in $(seq 100); do
		if [ "$(curl -sk -o /dev/null -w '%{http_code}' "${EXP_SCHEME:-http}://127.0.0.1:$port/metrics")" != 000 ]; then
			return 0
		fi
		kill -0 "$EXP_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$SCRATCH/pidtop.err"
	integ_hard_error "pidtop --listen=127.0.0.1:$port $* did not serve /metrics within 10 s"
}

# exp_stop : stops the exporter; a non-zero exit or a sanitizer report fails.
exp_stop() {
	local status=0
	kill -TERM "$EXP_PID" 2>/dev/null
	wait "$EXP_PID" || status=$?
	if [ "$status" -ne 0 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$SCRATCH/pidtop.err"; then
		echo "FAIL: pidtop --listen exited with status $status:"
		cat "$SCRATCH/pidtop.err"
		exit 1
	fi
}
