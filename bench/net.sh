#!/bin/bash
# net.sh: what per-process traffic costs pidtop and nethogs on the same
# loopback traffic, and how much of it each credits to the right process.
# See bench/README.md.
#
#   bench/net.sh [--rates "80M 800M 8G 0"] [--seconds S] [--short N]
#                [--short-procs P] [--patterns "seq rate udp thread"]
#                [--pattern-procs "0 1000"] [--out DIR]
#
# For each rate (iperf3 -b units, bits/s; 0 = as fast as one core can push)
# one iperf3 test over 127.0.0.1 runs for S seconds (default 5) while
# `pidtop -b -o json -d 1 -p SERVER,CLIENT` and `nethogs -t -a -v 2 -d 1`
# watch it. Over the same window it reads both tools' CPU from
# /proc/PID/task/*/schedstat (time on a CPU, all threads) and the loopback counters
# from /proc/net/dev, and afterwards compares what each tool credited the
# iperf3 client (tx) and server (rx) with against iperf3's own byte counts.
# Then short-lived clients: N curl runs (default 40; 0 skips them), one
# after the other, each fetching 1 MB from a local HTTP server (its
# connection lasts about a millisecond), watched the same way; with
# --short-procs P, P idle processes (bench/population) run meanwhile. Each
# tool's share of the bytes credited to the right curl process is printed.
# Then the short connections of long-running programs (issue 12), at full
# size, with tests/workload/netpattern ($NETPATTERN, default next to
# $PIDTOP): seq (30 connections of 200 KiB, 100 ms apart), rate (200
# connections of 4 KiB a second for 10 s), udp (100 datagrams a second for
# 10 s, each from a new socket) and thread (seq from a second thread), each
# idle and with each population size of --pattern-procs; "" skips them.
# Each tool's share of the client's tx and the server's rx is printed.
# Everything started here is killed on exit.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
PIDTOP=${PIDTOP:-$top/pidtop}
RATES="80M 800M 8G 0"
SECONDS_PER_RATE=5
OUT=$here/results
PORT=15299
SHORT=40
SHORT_PROCS=0
PATTERNS="seq rate udp thread"
PATTERN_PROCS="0 1000"

while [ $# -gt 0 ]; do
	case $1 in
	--rates) RATES=$2; shift 2 ;;
	--seconds) SECONDS_PER_RATE=$2; shift 2 ;;
	--short) SHORT=$2; shift 2 ;;
	--short-procs) SHORT_PROCS=$2; shift 2 ;;
	--patterns) PATTERNS=$2; shift 2 ;;
	--pattern-procs) PATTERN_PROCS=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h | --help) sed -n '2,31p' "$0"; exit 0 ;;
	*) echo "net.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" -eq 0 ] || { echo "net.sh: needs root (packet capture)" >&2; exit 2; }
[ -x "$PIDTOP" ] || { echo "net.sh: no pidtop at $PIDTOP (set PIDTOP)" >&2; exit 2; }
command -v iperf3 >/dev/null || { echo "net.sh: needs iperf3 (apt-get install iperf3)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "net.sh: needs python3" >&2; exit 2; }
HAVE_NETHOGS=1
command -v nethogs >/dev/null || HAVE_NETHOGS=0

RUN=$OUT/net-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN" || exit 2
STARTED=""
MOUNTED=0
cleanup() {
	local p
	if [ "$MOUNTED" = 1 ] && ! umount /sys/kernel/tracing; then
		echo "net.sh: could not unmount the tracefs it mounted on /sys/kernel/tracing" >&2
	fi
	for p in $STARTED; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.2
	for p in $STARTED; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# CPU time of a process and all its threads in ns (schedstat's time on a
# CPU: the 10 ms ticks of utime + stime were a tenth of a short window's
# figure), or its ticks x 10^9 / CLK_TCK without schedstats
cpu_ns() {
	local ns
	ns=$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')
	if [ -n "$ns" ] && [ "$ns" != 0 ]; then
		echo "$ns"
		return
	fi
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null |
		awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($12 + $13) * 1e9 / hz }'
}
# the same for pidtop's capture thread alone (named pidtop-capture): the
# part of its CPU that grows with the traffic
capture_ns() {
	local t
	for t in /proc/"$1"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = pidtop-capture ] && cut -d' ' -f1 "$t/schedstat"
	done | awk '{ s += $1 } END { printf "%.0f", s }'
}
# bytes and packets through lo (each loopback packet counts once here)
lo_bytes() {
	awk -F'[: ]+' '$2 == "lo" { print $3 }' /proc/net/dev
}

# watch DIR [PIDTOP ARGS...]: starts pidtop (its pid in pt) and, if there,
# nethogs (nh, else 0) writing into DIR, and waits for pidtop's first report
watch() {
	local d=$1 i
	shift
	"$PIDTOP" -b -o json -d 1 "$@" >"$d/pidtop.json" 2>"$d/pidtop.err" &
	pt=$!
	STARTED="$STARTED $pt"
	nh=0
	if [ "$HAVE_NETHOGS" = 1 ]; then
		nethogs -t -a -v 2 -d 1 >"$d/nethogs.txt" 2>/dev/null &
		nh=$!
		STARTED="$STARTED $nh"
	fi
	for i in $(seq 100); do
		[ -s "$d/pidtop.json" ] && break
		sleep 0.05
	done
}

# one_rate RATE DIR: one measured iperf3 run
one_rate() {
	local rate=$1 d=$2 srv cli pt nh=0 i t0 t1 c0p c1p c0c c1c c0n=0 c1n=0 l0 l1
	mkdir -p "$d"
	iperf3 -s -p "$PORT" -J >"$d/server.json" 2>/dev/null &
	srv=$!
	STARTED="$STARTED $srv"
	# the client is this shell until exec: pidtop knows its pid from the
	# first refresh on, before it moves a byte
	sh -c "sleep 2.5; exec iperf3 -c 127.0.0.1 -p $PORT -t $SECONDS_PER_RATE -b $rate -J" \
		>"$d/client.json" 2>/dev/null &
	cli=$!
	STARTED="$STARTED $cli"
	watch "$d" -p "$srv,$cli"
	t0=$(date +%s.%N)
	c0p=$(cpu_ns "$pt")
	c0c=$(capture_ns "$pt")
	[ "$nh" != 0 ] && c0n=$(cpu_ns "$nh")
	l0=$(lo_bytes)
	wait "$cli"
	t1=$(date +%s.%N)
	c1p=$(cpu_ns "$pt")
	c1c=$(capture_ns "$pt")
	[ "$nh" != 0 ] && c1n=$(cpu_ns "$nh")
	l1=$(lo_bytes)
	# two more refreshes for the last bytes
	sleep 2.2
	kill -TERM "$pt" $([ "$nh" != 0 ] && echo "$nh") "$srv" 2>/dev/null
	wait "$pt" "$srv" 2>/dev/null
	[ "$nh" != 0 ] && wait "$nh" 2>/dev/null
	STARTED=""
	echo "rate=$rate t0=$t0 t1=$t1 pidtop_ns=$((c1p - c0p)) capture_ns=$((c1c - c0c)) nethogs_ns=$((c1n - c0n))" \
		"lo_bytes=$((l1 - l0)) server=$srv client=$cli" \
		"nethogs=$([ "$nh" != 0 ] && echo 1 || echo 0)" >"$d/window.txt"
}

# short_clients N DIR: N curl runs of 1 MB from a local HTTP server
short_clients() {
	local n=$1 d=$2 srv pt nh=0 pop=0 i
	mkdir -p "$d/www"
	head -c 1000000 /dev/urandom >"$d/www/f.bin"
	python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$d/www" >/dev/null 2>&1 &
	srv=$!
	STARTED="$STARTED $srv"
	for i in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/f.bin" && break
		sleep 0.05
	done
	start_population "$SHORT_PROCS" "$d" || return 1
	watch "$d"
	for i in $(seq "$n"); do
		# shellcheck disable=SC2016 # $$ is the inner shell's: curl's pid after exec
		sh -c 'echo $$; exec curl -s -o /dev/null "$0"' "http://127.0.0.1:$PORT/f.bin" \
			>>"$d/pids.txt"
		sleep 0.1
	done
	echo "procs=$(ls -d /proc/[0-9]* | wc -l) nethogs=$([ "$nh" != 0 ] && echo 1 || echo 0)" \
		>"$d/window.txt"
	sleep 2.2
	kill -TERM "$pt" "$srv" $([ "$nh" != 0 ] && echo "$nh") $([ "$pop" != 0 ] && echo "$pop") \
		2>/dev/null
	wait "$pt" "$srv" 2>/dev/null
	STARTED=""
}

NETPATTERN=${NETPATTERN:-$(dirname "$PIDTOP")/tests/workload/netpattern}

# start_population P DIR: P idle processes (bench/population.c); pid in pop
start_population() {
	local i
	pop=0
	[ "$1" -gt 0 ] || return 0
	mkdir -p "$OUT/bin"
	[ -x "$OUT/bin/population" ] ||
		${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -o "$OUT/bin/population" "$here/population.c" \
			-pthread || return 1
	"$OUT/bin/population" -p "$1" -t 1 >"$2/population.out" 2>&1 &
	pop=$!
	STARTED="$STARTED $pop"
	for i in $(seq 100); do
		grep -q '^ready' "$2/population.out" 2>/dev/null && break
		sleep 0.1
	done
}

# pattern NAME PROCS DIR: one netpattern run watched by pidtop and nethogs
pattern() {
	local name=$1 procs=$2 d=$3 proto=tcp pt nh=0 pop=0 srv cli port i
	local cargs="--pattern seq --conns 30 --bytes 204800 --pause-ms 100"
	case $name in
	rate) cargs="--pattern rate --per-second 200 --seconds 10 --bytes 4096" ;;
	udp) cargs="--pattern udp --per-second 100 --seconds 10 --bytes 512"; proto=udp ;;
	thread) cargs="$cargs --thread" ;;
	esac
	mkdir -p "$d"
	start_population "$procs" "$d" || return 1
	"$NETPATTERN" --role server --proto $proto --log "$d/server.log" --ready "$d/sready" \
		--idle 5 --linger 3 &
	srv=$!
	STARTED="$STARTED $srv"
	for i in $(seq 100); do [ -e "$d/sready" ] && break; sleep 0.05; done
	port=$(awk '$1 == "port" { print $2 }' "$d/server.log")
	# shellcheck disable=SC2086 # cargs is a list of words
	"$NETPATTERN" --role client --connect 127.0.0.1 --port "$port" --go "$d/go" \
		--log "$d/client.log" --linger 3 $cargs &
	cli=$!
	STARTED="$STARTED $cli"
	watch "$d" -p "$srv,$cli"
	touch "$d/go"
	wait "$cli"
	sleep 2.2
	kill -TERM "$pt" "$srv" $([ "$nh" != 0 ] && echo "$nh") $([ "$pop" != 0 ] && echo "$pop") \
		2>/dev/null
	wait "$pt" "$srv" 2>/dev/null
	echo "name=$name procs=$procs server=$srv client=$cli nethogs=$([ "$nh" != 0 ] && echo 1 || echo 0)" \
		>"$d/window.txt"
	STARTED=""
}

# pidtop names the owners of short TCP connections and UDP senders from
# tracepoints when tracefs is mounted (src/tcpevents.h): mount it for the
# run if it is not
TRACEPOINT=/sys/kernel/tracing/events/sock/inet_sock_set_state
if [ ! -e "$TRACEPOINT" ] && [ -d /sys/kernel/tracing ] &&
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
	MOUNTED=1
	echo "tracefs: mounted on /sys/kernel/tracing for the run"
fi
[ -e "$TRACEPOINT" ] && echo "tracepoint sock:inet_sock_set_state: yes" ||
	echo "tracepoint sock:inet_sock_set_state: no (short connections by inference only)"
# and the senders of datagrams from short-lived UDP sockets from the route
# look-ups (src/routeevents.h)
[ -e "${TRACEPOINT%/sock/*}/fib/fib_table_lookup" ] && echo "tracepoint fib:fib_table_lookup: yes" ||
	echo "tracepoint fib:fib_table_lookup: no (short-lived UDP senders by inference only)"
echo "pidtop: $PIDTOP"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
n=0
for rate in $RATES; do
	n=$((n + 1))
	echo "running iperf3 -b $rate for $SECONDS_PER_RATE s ..."
	one_rate "$rate" "$RUN/$n-$rate"
done
if [ "$SHORT" -gt 0 ]; then
	if command -v curl >/dev/null; then
		echo "running $SHORT short-lived curl clients ..."
		short_clients "$SHORT" "$RUN/short"
	else
		echo "no curl: the short-lived clients are skipped (apt-get install curl)"
	fi
fi
if [ -n "$PATTERNS" ]; then
	if [ -x "$NETPATTERN" ]; then
		for procs in $PATTERN_PROCS; do
			for name in $PATTERNS; do
				echo "running pattern $name with $procs other processes ..."
				pattern "$name" "$procs" "$RUN/pattern-$name-$procs"
			done
		done
	else
		echo "no $NETPATTERN: the patterns are skipped (make check builds it, or set NETPATTERN)"
	fi
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$RUN" <<'PY' | tee "$RUN/report.txt"
import glob, json, os, re, sys

run = sys.argv[1]

def window(d):
    return dict(kv.split("=", 1) for kv in open(d + "/window.txt").read().split())

def pidtop_credit(d, srv, cli):
    """bytes credited (sum of rate x interval) and drops over all reports"""
    tx = rx = 0.0
    drops = 0
    state = None
    for line in open(d + "/pidtop.json"):
        r = json.loads(line)
        state = r["sources"]["net"]
        drops += r["system"].get("capture_drops") or 0
        for t in r["tasks"]:
            if t["pid"] == cli:
                tx += (t["net_tx_bps"] or 0) * r["interval"]
            if t["pid"] == srv:
                rx += (t["net_rx_bps"] or 0) * r["interval"]
    return tx, rx, drops, state

def nethogs_credit(d, srv, cli):
    """nethogs -v 2 prints each process's total bytes sent and received so
    far: the last refresh that lists a pid holds its totals"""
    last = {}
    for line in open(d + "/nethogs.txt", errors="replace"):
        f = line.rstrip("\n").split("\t")
        if len(f) != 3:
            continue
        m = re.search(r"/(\d+)/\d+$", f[0])
        if not m:
            continue
        try:
            last[int(m.group(1))] = (float(f[1]), float(f[2]))
        except ValueError:
            pass
    return last.get(cli, (0, 0))[0], last.get(srv, (0, 0))[1]

def short_report(d):
    """each curl run's bytes as credited by each tool: pidtop the sum of
    rate x interval over its rows, nethogs its last printed totals"""
    pids = [int(x) for x in open(d + "/pids.txt").read().split()]
    w = window(d)
    pt = {p: 0.0 for p in pids}
    for line in open(d + "/pidtop.json"):
        r = json.loads(line)
        for t in r["tasks"]:
            if t["pid"] in pt and t["tid"] == t["pid"]:
                pt[t["pid"]] += (t["net_rx_bps"] or 0) * r["interval"]
    size = 1000000
    print()
    print("short-lived clients: %d curl runs, 1 MB each from a local HTTP server "
          "(a connection of ~1 ms), %s processes on the machine" % (len(pids), w["procs"]))
    def line(name, got):
        whole = sum(1 for p in pids if got.get(p, 0) >= 0.9 * size)
        share = 100 * sum(min(got.get(p, 0), 1.1 * size) for p in pids) / (size * len(pids))
        print("  %-7s credited %5.1f%% of the bytes to the right process; %d of %d runs "
              "got 90%% or more" % (name, share, whole, len(pids)))
    line("pidtop", pt)
    if w["nethogs"] == "1":
        last = {}
        for l in open(d + "/nethogs.txt", errors="replace"):
            f = l.rstrip("\n").split("\t")
            m = re.search(r"/(\d+)/\d+$", f[0]) if len(f) == 3 else None
            if m:
                try:
                    last[int(m.group(1))] = float(f[2])
                except ValueError:
                    pass
        line("nethogs", last)
        print("  (on loopback nethogs counts a packet only as sent: a client's download "
              "shows as 0 there, as the iperf3 server's rx does above)")

def final(path):
    for line in open(path):
        f = line.split()
        if f and f[0] == "final":
            return {k: int(v) for k, v in (x.split("=") for x in f[2:])}
    return None

def nethogs_totals(d):
    last = {}
    for line in open(d + "/nethogs.txt", errors="replace"):
        f = line.rstrip("\n").split("\t")
        m = re.search(r"/(\d+)/\d+$", f[0]) if len(f) == 3 else None
        if m:
            try:
                last[int(m.group(1))] = (float(f[1]), float(f[2]))
            except ValueError:
                pass
    return last

def pattern_report():
    dirs = sorted(glob.glob(run + "/pattern-*"))
    if not dirs:
        return
    print()
    print("short connections of long-running programs: share of the client's tx and the")
    print("server's rx credited to the right process (truth: the workload's TCP_INFO, or")
    print("datagram sizes; nethogs on loopback counts a packet only as sent, so its rx")
    print("reads 0)")
    print()
    print("%-8s %6s | %8s %8s | %8s %8s" % ("pattern", "procs", "pt tx%", "pt rx%",
                                          "nh tx%", "nh rx%"))
    for d in dirs:
        w = window(d)
        srv, cli = int(w["server"]), int(w["client"])
        c, s = final(d + "/client.log"), final(d + "/server.log")
        if not c or not s:
            print("%-8s %6s | the workload logged no truth" % (w["name"], w["procs"]))
            continue
        tx = rx = 0.0
        for line in open(d + "/pidtop.json"):
            r = json.loads(line)
            for t in r["tasks"]:
                if t["pid"] == cli and t["tid"] == cli:
                    tx += (t["net_tx_bps"] or 0) * r["interval"]
                if t["pid"] == srv and t["tid"] == srv:
                    rx += (t["net_rx_bps"] or 0) * r["interval"]
        nh = "%8s %8s" % ("-", "-")
        if w["nethogs"] == "1":
            last = nethogs_totals(d)
            ntx = last.get(cli, (0, 0))[0]
            nrx = last.get(srv, (0, 0))[1]
            nh = "%8.1f %8.1f" % (100 * ntx / c["tx_ip"], 100 * nrx / s["rx_ip"])
        print("%-8s %6s | %8.1f %8.1f | %s" % (w["name"], w["procs"], 100 * tx / c["tx_ip"],
                                         100 * rx / s["rx_ip"], nh))

rows = []
for d in sorted(glob.glob(run + "/[0-9]*-*"), key=lambda p: int(os.path.basename(p).split("-")[0])):
    w = window(d)
    srv, cli = int(w["server"]), int(w["client"])
    try:
        c = json.load(open(d + "/client.json"))
        sent = c["end"]["sum_sent"]["bytes"]
        recv = c["end"]["sum_received"]["bytes"]
    except (ValueError, KeyError):
        print("%s: iperf3 gave no result" % d)
        continue
    wall = float(w["t1"]) - float(w["t0"])
    lo_gb = int(w["lo_bytes"]) / 1e9
    ptx, prx, drops, state = pidtop_credit(d, srv, cli)
    p_ms = int(w["pidtop_ns"]) / 1e6
    row = {"rate": w["rate"], "MBps": sent / 1e6 / (c["end"]["sum_sent"]["seconds"] or 1),
           "p_cpu": p_ms / wall, "p_gb": p_ms / lo_gb if lo_gb else float("nan"),
           "c_gb": int(w.get("capture_ns", 0)) / 1e6 / lo_gb if lo_gb else float("nan"),
           "p_tx": 100 * ptx / sent, "p_rx": 100 * prx / recv, "drops": drops, "state": state}
    if w["nethogs"] == "1":
        ntx, nrx = nethogs_credit(d, srv, cli)
        n_ms = int(w["nethogs_ns"]) / 1e6
        row.update(n_cpu=n_ms / wall, n_gb=n_ms / lo_gb if lo_gb else float("nan"),
                   n_tx=100 * ntx / sent, n_rx=100 * nrx / recv)
    rows.append(row)

print()
print("CPU: ms of CPU per second of wall time over the iperf3 run; per GB: ms of CPU")
print("per GB through lo (/proc/net/dev). Credit: bytes credited to the iperf3")
print("client (tx) and server (rx) as % of iperf3's payload count (IP and TCP")
print("headers add ~0.1% at 64 KiB segments). drops: pidtop's capture_drops summed.")
print("cap ms/GB: pidtop's capture thread alone (the part that grows with traffic;")
print("the rest is its refresh and resolver, paid per second whatever the traffic).")
print()
hdr = "%-6s %9s | %8s %9s %9s %7s %7s %6s | %8s %9s %7s %7s | %7s" % (
    "rate", "MB/s", "pt ms/s", "pt ms/GB", "cap ms/GB", "pt tx%", "pt rx%", "drops",
    "nh ms/s", "nh ms/GB", "nh tx%", "nh rx%", "pt/nh")
print(hdr)
print("-" * len(hdr))
for r in rows:
    nh = "%8.1f %9.1f %7.2f %7.2f" % (r["n_cpu"], r["n_gb"], r["n_tx"], r["n_rx"]) if "n_cpu" in r \
        else "%8s %9s %7s %7s" % ("-", "-", "-", "-")
    ratio = "%7.2f" % (r["p_gb"] / r["n_gb"]) if "n_gb" in r and r["n_gb"] > 0 else "%7s" % "-"
    print("%-6s %9.1f | %8.1f %9.1f %9.1f %7.2f %7.2f %6d | %s | %s" % (
        r["rate"], r["MBps"], r["p_cpu"], r["p_gb"], r["c_gb"], r["p_tx"], r["p_rx"], r["drops"],
        nh, ratio))
states = {r["state"] for r in rows}
if states != {"ok"}:
    print("\nnote: pidtop's sources.net was %s" % ", ".join(sorted(map(str, states))))
if os.path.exists(run + "/short/pids.txt"):
    short_report(run + "/short")
pattern_report()
print("\nraw files: %s" % run)
PY
