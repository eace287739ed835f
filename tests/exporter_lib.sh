#!/bin/bash
# libmicrohttpd is loaded only by --listen (src/mhdlib.h):
#  - a run without --listen maps neither it nor GnuTLS (they were 2.3 MiB
#    of resident memory in every run);
#  - --listen maps it and serves /metrics;
#  - with the library unreadable (an empty file bound over it in a mount
#    namespace of the test's own; root only), --listen fails with one line
#    naming the library and the package, exit status 1.
. "$(dirname "$0")/exporter_common.sh"

maps_of() { # PID: the shared objects it maps, one per line
	awk '$6 ~ /\.so/ { print $6 }' "/proc/$1/maps" | sort -u
}

"$PIDTOP" -b -o json -d 0.3 -n 20 >/dev/null 2>&1 &
BATCH=$!
INTEG_PGIDS="$INTEG_PGIDS $BATCH"
sleep 0.6
maps_of "$BATCH" >"$SCRATCH/batch.maps"
integ_stop "$BATCH"
grep -q libc.so "$SCRATCH/batch.maps" || { echo "FAIL: could not read the batch run's maps"; exit 1; }
if grep -E 'libmicrohttpd|libgnutls' "$SCRATCH/batch.maps"; then
	echo "FAIL: a run without --listen maps the libraries above"
	exit 1
fi
echo "ok: without --listen, $(wc -l <"$SCRATCH/batch.maps") shared objects, no libmicrohttpd or GnuTLS"

PORT=$(exp_free_port)
exp_start "$PORT" -d 0.5
curl -sf "http://127.0.0.1:$PORT/metrics" | grep -q '^pidtop_' || { echo "FAIL: GET /metrics"; exit 1; }
lib=$(maps_of "$EXP_PID" | grep libmicrohttpd | head -1)
[ -n "$lib" ] || { echo "FAIL: --listen serves without mapping libmicrohttpd?"; exit 1; }
exp_stop
echo "ok: --listen loads libmicrohttpd and serves /metrics"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null ; then
	echo "SKIP (part): the missing library needs root and a mount namespace (unshare -m)"
	exit 0
fi
status=0
unshare -m sh -c 'mount --bind /dev/null "$1" && exec "$2" --listen=127.0.0.1:"$3" -n 1' sh \
	"$lib" "$PIDTOP" "$(exp_free_port)" >"$SCRATCH/nolib.out" 2>"$SCRATCH/nolib.err" || status=$?
cat "$SCRATCH/nolib.err"
[ "$status" -eq 1 ] || { echo "FAIL: exit status $status, want 1"; exit 1; }
[ "$(wc -l <"$SCRATCH/nolib.err")" -eq 1 ] || { echo "FAIL: not one line"; exit 1; }
grep -q '^pidtop: cannot load libmicrohttpd.so.*install the Debian package libmicrohttpd' "$SCRATCH/nolib.err" ||
	{ echo "FAIL: the message does not name the library and the package"; exit 1; }
echo "ok: without the library, --listen says so in one line and exits 1"
