#!/bin/bash
# pidtop --dump against the fixture proc tree tests/fixtures/dump-proc
# (a copy of proc-seq/1 plus pid 500, which has every file the dump reads):
# the output is compared byte for byte with tests/fixtures/dump/PID.json.
#  - pid 500: every part parsed (limits, environ with a hostile entry,
#    cgroup, mountinfo, fds with two sockets tied to net/tcp and net/udp6,
#    maps with smaps RSS, smaps_rollup, two threads)
#  - pid 100: a task whose proc dir lacks most files: those parts are
#    null, each with its reason under "unavailable"
#  - a pid that does not exist: a clear error, exit 1, nothing on stdout
#  - another output format: a usage error, exit 2
set -u
SRC=${TESTS_SRCDIR:-$(cd "$(dirname "$0")" && pwd)}
PIDTOP=${PIDTOP:?PIDTOP must name the pidtop binary}
# The tree's symbolic links (fd/N, exe, cwd) do not survive `make dist`:
# they are listed in dump-proc.links and made in a scratch copy.
ROOT=$(mktemp -d "$PWD/dump-proc.XXXXXX") || exit 99
trap 'rm -rf "$ROOT"' EXIT
cp -R "$SRC/fixtures/dump-proc/." "$ROOT/" || exit 99
chmod -R u+w "$ROOT"
while IFS=$'\t' read -r path target; do
	[ -n "$path" ] || continue
	mkdir -p "$(dirname "$ROOT/$path")" && rm -f "$ROOT/$path"
	ln -s "$target" "$ROOT/$path" || exit 99
done <"$SRC/fixtures/dump-proc.links"
fail=0
for pid in 500 100; do
	if ! out=$("$PIDTOP" --proc-root="$ROOT" --dump "$pid" -o json); then
		echo "FAIL: --dump $pid exited with an error"
		fail=1
		continue
	fi
	if [ "$out" != "$(cat "$SRC/fixtures/dump/$pid.json")" ]; then
		echo "FAIL: --dump $pid differs from fixtures/dump/$pid.json:"
		diff <(printf '%s\n' "$out" | tr ',' '\n') <(tr ',' '\n' <"$SRC/fixtures/dump/$pid.json") | head -20
		fail=1
	else
		echo "ok: --dump $pid"
	fi
done
err=$("$PIDTOP" --proc-root="$ROOT" --dump 4242 2>&1 >/dev/null)
rc=$?
out=$("$PIDTOP" --proc-root="$ROOT" --dump 4242 2>/dev/null)
if [ "$rc" -ne 1 ] || [ -n "$out" ] || [ "$err" != "pidtop: no process with pid 4242" ]; then
	echo "FAIL: a missing pid: status $rc, stdout '$out', stderr '$err'"
	fail=1
else
	echo "ok: a missing pid is an error (exit 1)"
fi
"$PIDTOP" --proc-root="$ROOT" --dump 500 -o csv >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && echo "ok: -o csv refused" || { echo "FAIL: -o csv: status $rc"; fail=1; }
"$PIDTOP" --dump abc >/dev/null 2>&1
rc=$?
[ "$rc" -eq 2 ] && echo "ok: a bad pid is a usage error" || { echo "FAIL: --dump abc: status $rc"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS: --dump against the fixture tree"
exit "$fail"
