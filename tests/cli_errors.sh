#!/bin/bash
# Bad command lines: each must exit with status 2, print nothing on stdout,
# and print on stderr a short error that names the bad value plus a usage
# hint. A --proc-root that is not a proc tree exits 1 with a message naming
# it; -h, --help and -V exit 0.
set -u
if [ -z "${PIDTOP:-}" ] || [ ! -x "$PIDTOP" ]; then
	echo "ERROR: PIDTOP='${PIDTOP:-}' is not an executable pidtop binary" >&2
	exit 99
fi
command -v timeout >/dev/null || { echo "ERROR: timeout(1) is missing (coreutils)"; exit 99; }

SCRATCH=$(mktemp -d "$PWD/cli_errors.XXXXXX") || exit 99
trap 'rm -rf "$SCRATCH"' EXIT
failures=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# run STATUS ARGS... : runs pidtop (at most 10 s), sets $status, $out, $err
run() {
	status=0
	timeout 10 "$PIDTOP" "$@" >"$SCRATCH/out" 2>"$SCRATCH/err" </dev/null || status=$?
	out=$(cat "$SCRATCH/out")
	err=$(cat "$SCRATCH/err")
}

# bad VALUE ARGS... : ARGS must be refused with status 2 and an error naming VALUE
bad() {
	local value=$1 lines
	shift
	run "$@"
	local what="pidtop $*"
	if [ "$status" -eq 124 ]; then
		fail "$what: still running after 10 s (the bad value '$value' was accepted)"
		return
	fi
	[ "$status" -eq 2 ] || fail "$what: exit status $status, expected 2"
	[ -z "$out" ] || fail "$what: wrote to stdout: $(head -c 200 "$SCRATCH/out")"
	if ! grep -q -F -e "$value" "$SCRATCH/err"; then
		fail "$what: stderr does not name the bad value '$value': $err"
	elif [ "$(grep -c -F -e "$value" "$SCRATCH/err")" -gt 1 ] ||
		[ "$(grep -F -e "$value" "$SCRATCH/err" | head -1 | wc -c)" -gt 200 ]; then
		fail "$what: the error should be one short line: $err"
	fi
	grep -q -i -e 'usage' -e '--help' "$SCRATCH/err" || fail "$what: no usage hint on stderr: $err"
	lines=$(wc -l <"$SCRATCH/err")
	[ "$lines" -le 3 ] || fail "$what: $lines lines on stderr, expected an error and a hint"
	[ "$status" -eq 2 ] && grep -q -F -e "$value" "$SCRATCH/err" && echo "ok   $what -> 2: $(head -1 "$SCRATCH/err")"
}

# delay
bad abc -b -n 1 -d abc
bad 0 -b -n 1 -d 0
bad -1 -b -n 1 -d -1
bad nan -b -n 1 -d nan
bad 1s -b -n 1 -d 1s
bad 0x -b -n 1 --delay=0x
# count
bad x -b -d 0.2 -n x
bad 0 -b -d 0.2 -n 0
bad -5 -b -d 0.2 -n -5
bad 2.5 -b -d 0.2 -n 2.5
bad 99999999999999999999 -b -d 0.2 -n 99999999999999999999
# positional INTERVAL [COUNT]
bad xyz -b xyz
bad abc -b 0.2 abc
bad 345 -b 1 2 345
# output format, pids, sort column, users, regex, options
bad yaml -b -n 1 -d 0.2 -o yaml
bad 12x -b -n 1 -d 0.2 -p 12x
bad abc -b -n 1 -d 0.2 -p 1,abc
bad nosuchcol -b -n 1 -d 0.2 -s nosuchcol
bad nosuchuser_xyz -b -n 1 -d 0.2 -u nosuchuser_xyz
bad nosuchuser_xyz -b -n 1 -d 0.2 -u root,nosuchuser_xyz
bad '(' -b -n 1 -d 0.2 -c '('
bad --bogus -b -n 1 -d 0.2 --bogus
# the exporter and groups
bad 99999 --listen=99999
bad 1.2.3 --listen=1.2.3:9256
bad '[::1' --listen='[::1:9256'
bad 'x' --listen=x
bad nosuchkey -b -n 1 -d 0.2 --group-by=nosuchkey
bad -1 --listen=9256 --top=-1
bad -R --listen=9256 -R /dev/null
bad --web-config -b -n 1 --web-config=/dev/null
printf 'groups:\n  - name: x\n    comm: "("\n' >"$SCRATCH/bad-groups.yml"
bad "$SCRATCH/bad-groups.yml" -b -n 1 -d 0.2 --group-file="$SCRATCH/bad-groups.yml"
bad "$SCRATCH/none.yml" -b -n 1 -d 0.2 --group-file="$SCRATCH/none.yml"

# a proc root that is not a proc tree: exit 1, naming the directory
for root in /tmp "$SCRATCH/does-not-exist"; do
	run -b -n 1 -d 0.2 --proc-root "$root"
	if [ "$status" -ne 1 ]; then
		fail "pidtop --proc-root $root: exit status $status, expected 1 (stderr: $err)"
	elif ! grep -q -F -e "$root" "$SCRATCH/err"; then
		fail "pidtop --proc-root $root: the error does not name the directory: $err"
	else
		echo "ok   pidtop --proc-root $root -> 1: $(head -1 "$SCRATCH/err")"
	fi
	[ -z "$out" ] || fail "pidtop --proc-root $root: wrote a report: $(head -c 200 "$SCRATCH/out")"
done

# where the reports go: a full disk is an error (exit 1, one line naming
# it); a reader that goes away is a normal end (exit 0); a report larger
# than the output buffer (it is written out as it grows) is whole JSON lines
status=0
timeout 10 "$PIDTOP" -b -n 1 -d 0.1 -H -o json >/dev/full 2>"$SCRATCH/err" </dev/null || status=$?
if [ "$status" -ne 1 ] || [ "$(wc -l <"$SCRATCH/err")" -ne 1 ] ||
	! grep -q 'cannot write the report: No space left on device' "$SCRATCH/err"; then
	fail "pidtop -b >/dev/full: exit status $status, stderr: $(cat "$SCRATCH/err")"
else
	echo "ok   pidtop -b >/dev/full -> 1: $(cat "$SCRATCH/err")"
fi
status=0
timeout 10 "$PIDTOP" -b -n 50 -d 0.05 -H -o json 2>"$SCRATCH/err" </dev/null | head -c 1000 >/dev/null
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && [ ! -s "$SCRATCH/err" ] ||
	fail "pidtop -b | head -c 1000: exit status $status, stderr: $(cat "$SCRATCH/err")"
timeout 20 "$PIDTOP" -b -n 2 -d 0.1 -H -o json >"$SCRATCH/big.json" 2>"$SCRATCH/err" </dev/null ||
	fail "pidtop -b -H -o json -n 2: exit status $?: $(cat "$SCRATCH/err")"
if ! "${PYTHON3:-python3}" - "$SCRATCH/big.json" <<'PY'; then
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
if lines[-1] != b"" or len(lines) != 3:
    sys.exit("FAIL: %d lines, expected 2 reports each ending in a newline" % (len(lines) - 1))
for l in lines[:2]:
    r = json.loads(l)
    print("ok   a report of %d bytes, %d tasks, is one JSON line" % (len(l), len(r["tasks"])))
if len(lines[0]) < 64 * 1024:
    print("note: the report is smaller than two output buffers: streaming is hardly exercised")
PY
	fail "pidtop -b -H -o json: the reports are not whole JSON lines"
fi

# help and version
for opt in -h --help; do
	run "$opt"
	[ "$status" -eq 0 ] || fail "pidtop $opt: exit status $status, expected 0"
	for word in --batch --delay --iterations --output --threads --pid --user --command \
		--accumulated --only-active --sort --reverse --proc-root --version; do
		grep -q -F -e "$word" "$SCRATCH/out" || fail "pidtop $opt: the help does not describe $word"
	done
	[ -z "$err" ] || fail "pidtop $opt: wrote to stderr: $err"
done
for opt in -V --version; do
	run "$opt"
	[ "$status" -eq 0 ] || fail "pidtop $opt: exit status $status, expected 0"
	grep -q -E '[0-9]+\.[0-9]+' "$SCRATCH/out" || fail "pidtop $opt: no version number: $out"
done

if [ "$failures" -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
