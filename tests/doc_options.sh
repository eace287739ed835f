#!/bin/bash
# The man page documents every option --help lists, and --help every
# option the man page describes (both are checked against the other).
set -u
PIDTOP=${PIDTOP:?}
MAN=${TESTS_SRCDIR:?}/../doc/pidtop.1
fail() { echo "FAIL: $*"; exit 1; }
[ -r "$MAN" ] || { echo "ERROR: no man page at $MAN"; exit 99; }
help=$("$PIDTOP" --help) || fail "--help exited $?"
help_opts=$(echo "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
man_opts=$(sed -n 's/\\-/-/g; s/^\.[BI]R* *\(--[a-z][a-z-]*\).*/\1/p; s/^\.BR -[a-zA-Z] *", " *\(--[a-z][a-z-]*\).*/\1/p' "$MAN" | sort -u)
[ -n "$man_opts" ] || fail "no options found in $MAN"
missing=""
for o in $help_opts; do
	grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" "$MAN" || missing="$missing $o"
done
[ -z "$missing" ] || fail "in --help, not in the man page:$missing"
for o in $man_opts; do
	echo "$help_opts" | grep -qx -- "$o" || missing="$missing $o"
done
[ -z "$missing" ] || fail "in the man page, not in --help:$missing"
echo "PASS: $(echo "$help_opts" | wc -l) options in both --help and the man page"
