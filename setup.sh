#!/bin/sh
# Sets pidtop up on a fresh Debian 12 machine: installs the packages the
# build and the tests need (only those missing), then builds.
#   ./setup.sh            build build/pidtop
#   ./setup.sh --check    build, then run the tests: make check in build/
#                         and in an ASan+UBSan build, build-asan/
set -eu
cd "$(dirname "$0")"

mode=build
case "${1:-}" in
  --check) mode=check ;;
  "") ;;
  *) echo "usage: ./setup.sh [--check]" >&2; exit 2 ;;
esac

# build: compiler, autotools, the libraries (zstd and zlib for recordings;
# the exporter's: libmicrohttpd, libyaml, libcrypt); tests: cmocka, python3,
# tmux (screen tests), libcap2-bin (capsh), util-linux (setpriv), clang and
# its runtime (fuzzing), prometheus (promtool and the server the exporter
# tests scrape with), openssl (a test certificate) and curl
packages="build-essential autoconf automake libtool pkg-config libncurses-dev
libnl-genl-3-dev libpcap-dev libzstd-dev zlib1g-dev libmicrohttpd-dev libyaml-dev
libcrypt-dev libcmocka-dev python3 tmux libcap2-bin util-linux procps"
if [ "$mode" = check ]; then
  # strace and lsof: the screen's s and l keys (tests/ui_tools.sh); time
  # (/usr/bin/time: the fd index's cost, tests/integ_hostile.sh) and
  # iproute2 (ip netns: tests/integ_netgone.sh)
  packages="$packages clang libclang-rt-14-dev strace lsof prometheus openssl curl time iproute2"
fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $missing
fi

jobs=$(nproc 2>/dev/null || echo 2)
[ -x configure ] || ./autogen.sh

# builds live outside the source tree so both variants can coexist
build() { # dir configure-args...
  dir=$1; shift
  mkdir -p "$dir"
  (cd "$dir" && { [ -f Makefile ] || ../configure "$@"; } && make -j"$jobs")
}
build build

# one closing line for both builds: "N passed, N failed, N skipped"
summary() {
  awk '/^# (PASS|XPASS):/ {p += $3} /^# (FAIL|ERROR|XFAIL):/ {f += $3} /^# SKIP:/ {s += $3}
       END {printf "%d passed, %d failed, %d skipped\n", p, f, s}' "$@"
}

if [ "$mode" = check ]; then
  status=0
  (cd build && make check) || status=1
  build build-asan --enable-sanitizers
  (cd build-asan && make check) || status=1
  # a short libFuzzer run of the parsers and the packet decoder (clang)
  (cd build && make fuzz FUZZ_SECONDS=30) || status=1
  # the failures' own words last, where a CI log's tail shows them
  for trs in build/tests/*.trs build-asan/tests/*.trs; do
    grep -qE '^:test-result: (FAIL|ERROR)' "$trs" 2>/dev/null || continue
    echo "=== failed: ${trs%.trs} (end of its log)"
    tail -n 25 "${trs%.trs}.log"
  done
  summary build/test-suite.log build-asan/test-suite.log
  exit $status
fi
