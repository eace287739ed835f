#!/bin/bash
# The libraries of optional features are loaded by the features that need
# them (src/lazylib.h):
#  - a run without --listen maps none of libmicrohttpd, GnuTLS, libyaml and
#    libcrypt (together 2.5 MiB of resident memory in every run before);
#  - --listen with a --web-config holding a user maps all three and serves
#    /metrics to that user;
#  - with one of them unreadable (an empty file bound over it in a mount
#    namespace of the test's own; root only), that run fails with one line
#    naming the library and its Debian package, and no other library is
#    blamed.
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
if grep -E 'libmicrohttpd|libgnutls|libyaml|libcrypt\.' "$SCRATCH/batch.maps"; then
	echo "FAIL: a run without --listen maps the libraries above"
	exit 1
fi
echo "ok: without --listen, $(wc -l <"$SCRATCH/batch.maps") shared objects, none of libmicrohttpd, GnuTLS, libyaml, libcrypt"

HASH=$("$PYTHON" -W ignore -c 'import crypt; print(crypt.crypt("pw", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))' 2>/dev/null)
if [ -z "$HASH" ] && command -v htpasswd >/dev/null; then
	HASH=$(htpasswd -nbB -C 4 u pw | cut -d: -f2)
fi
case "$HASH" in '$2'*) ;; *) integ_skip "no way to make a bcrypt hash (python3 crypt or htpasswd)" ;; esac
printf 'basic_auth_users:\n  u: %s\n' "$HASH" >"$SCRATCH/web.yml"

PORT=$(exp_free_port)
exp_start "$PORT" -d 0.5 --web-config="$SCRATCH/web.yml"
curl -sf -u u:pw "http://127.0.0.1:$PORT/metrics" | grep -q '^pidtop_' ||
	{ echo "FAIL: GET /metrics as the configured user"; exit 1; }
maps_of "$EXP_PID" >"$SCRATCH/listen.maps"
exp_stop
for l in libmicrohttpd libyaml 'libcrypt\.'; do
	grep -q "$l" "$SCRATCH/listen.maps" || { echo "FAIL: --listen with users does not map $l"; exit 1; }
done
echo "ok: --listen --web-config with a user loads libmicrohttpd, libyaml and libcrypt, and serves /metrics"

if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
	echo "SKIP (part): a missing library needs root and a mount namespace (unshare -m)"
	exit 0
fi
# missing LIB PACKAGE: the run with LIB (a path in listen.maps) unreadable
missing() {
	local lib status=0
	lib=$(grep "$1" "$SCRATCH/listen.maps" | head -1)
	unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' sh "$lib" \
		"$PIDTOP" --listen=127.0.0.1:"$(exp_free_port)" --web-config="$SCRATCH/web.yml" -n 1 \
		>/dev/null 2>"$SCRATCH/nolib.err" || status=$?
	cat "$SCRATCH/nolib.err"
	[ "$status" -ne 0 ] && [ "$status" -le 2 ] || { echo "FAIL: exit status $status without $1"; exit 1; }
	[ "$(wc -l <"$SCRATCH/nolib.err")" -eq 1 ] || { echo "FAIL: not one line"; exit 1; }
	grep -q "cannot load $(basename "$lib" | sed 's/\(\.so\.[0-9]*\).*/\1/').*install the Debian package $2" \
		"$SCRATCH/nolib.err" || { echo "FAIL: the message does not name $1 and $2"; exit 1; }
}
missing libmicrohttpd libmicrohttpd12
missing libyaml libyaml-0-2
missing 'libcrypt\.' libcrypt1
echo "ok: without each library, the run says which and what to install, in one line"
