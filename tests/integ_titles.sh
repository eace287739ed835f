#!/bin/bash
# Text report titles follow the mode: with -a (totals) no title says "/s";
# without it the rate columns do.
set -u
PIDTOP=${PIDTOP:?}
fail() { echo "FAIL: $*"; exit 1; }

rates=$("$PIDTOP" -b -n 1 -d 0.3 -p 1) || fail "pidtop -b exited $?"
echo "$rates" | grep -q "READ/s" || fail "no READ/s title without -a: $rates"
acc=$("$PIDTOP" -b -a -n 1 -d 0.3 -p 1) || fail "pidtop -b -a exited $?"
titles=$(echo "$acc" | grep -E "^ *PID ")
[ -n "$titles" ] || fail "no title line with -a: $acc"
case $titles in *"/s"*) fail "-a titles still say /s: $titles" ;; esac
echo "$titles" | grep -qE " READ +WRITE " || fail "no READ WRITE titles with -a: $titles"

echo "PASS: -a titles without /s, rate titles with it"
