#!/bin/bash
# exporter.sh: what serving Prometheus costs pidtop --listen against
# prometheus-process-exporter, both grouping by comm, on one population of
# 1,000 processes x 5 tasks, scraped once a second for 60 s. See
# bench/README.md for what every figure means.
#
#   bench/exporter.sh [--seconds S] [-p PROCS] [-t TASKS] [-d PIDTOP_INTERVAL]
#                     [--out DIR]
#   PIDTOP_ARGS="--no-net" bench/exporter.sh    # more pidtop options
#
# Both exporters run at the same time against the same population; each is
# scraped once a second (the two scrapes of a second one after the other),
# on a kept-alive connection as Prometheus scrapes.
# CPU is read from /proc/PID/stat before and after the scraping window (the
# start-up and the first samples are not in it); peak RSS is VmHWM at the
# end. Everything started here is killed on exit.
set -u
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)

SECONDS_RUN=60
PROCS=1000
TASKS=5
D=1 # pidtop's sample interval: one sample per scrape, as process-exporter reads /proc per scrape
OUT=$here/results
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	-p) PROCS=$2; shift 2 ;;
	-t) TASKS=$2; shift 2 ;;
	-d) D=$2; shift 2 ;;
	--out) OUT=$2; shift 2 ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	*) echo "exporter.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

PE=$(command -v prometheus-process-exporter) ||
	{ echo "exporter.sh: needs prometheus-process-exporter (apt-get install prometheus-process-exporter)" >&2; exit 1; }
PIDTOP=${PIDTOP:-$top/build/pidtop}
[ -x "$PIDTOP" ] || PIDTOP=$top/pidtop
[ -x "$PIDTOP" ] || { echo "exporter.sh: no pidtop binary (build first, or set PIDTOP)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "exporter.sh: needs python3" >&2; exit 1; }

RUN=$OUT/exporter-$(date +%Y%m%d-%H%M%S)
BIN=$OUT/bin
mkdir -p "$RUN" "$BIN"
REPORT=$RUN/report.txt
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }

POP_PID= PT_PID= PE_PID=
cleanup() {
	[ -n "$PT_PID" ] && kill -TERM "$PT_PID" 2>/dev/null
	[ -n "$PE_PID" ] && kill -TERM "$PE_PID" 2>/dev/null
	if [ -n "$POP_PID" ]; then
		kill -KILL -- "-$POP_PID" 2>/dev/null || kill -KILL "$POP_PID" 2>/dev/null
	fi
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

src=$here/population.c
if [ ! -x "$BIN/population" ] || [ "$src" -nt "$BIN/population" ]; then
	${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -pthread -o "$BIN/population" "$src" ||
		{ echo "exporter.sh: cannot build population" >&2; exit 1; }
fi
"$BIN/population" -p "$PROCS" -t "$TASKS" >"$RUN/population.out" 2>&1 &
POP_PID=$!
for _ in $(seq 1 300); do
	grep -q '^ready' "$RUN/population.out" 2>/dev/null && break
	sleep 0.1
done
grep -q '^ready' "$RUN/population.out" || { cat "$RUN/population.out" >&2; exit 1; }
say "population: $(sed -n 's/^ready: //p' "$RUN/population.out")"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PT_PORT=$(free_port)
PE_PORT=$(free_port)
while [ "$PE_PORT" = "$PT_PORT" ]; do PE_PORT=$(free_port); done

# process-exporter grouping every process by its comm (its README's
# "all processes" configuration, named by comm), its other settings default
cat >"$RUN/process-exporter.yml" <<'EOC'
process_names:
  - name: "{{.Comm}}"
    cmdline:
      - '.+'
EOC
# shellcheck disable=SC2086 # PIDTOP_ARGS is a list of words
"$PIDTOP" --listen="127.0.0.1:$PT_PORT" --group-by=comm -d "$D" ${PIDTOP_ARGS:-} 2>"$RUN/pidtop.err" &
PT_PID=$!
"$PE" -config.path "$RUN/process-exporter.yml" -web.listen-address "127.0.0.1:$PE_PORT" \
	>"$RUN/process-exporter.log" 2>&1 &
PE_PID=$!
say "pidtop:           $PIDTOP --listen=127.0.0.1:$PT_PORT --group-by=comm -d $D ${PIDTOP_ARGS:-}"
say "process-exporter: $PE -config.path process-exporter.yml (by comm)"
say "scrapes: one a second each for $SECONDS_RUN s; $(nproc) CPUs; $(uname -r)"

python3 - "$PT_PID" "$PT_PORT" "$PE_PID" "$PE_PORT" "$SECONDS_RUN" "$RUN" <<'EOP' | tee -a "$REPORT"
import http.client, os, sys, time

pt_pid, pt_port, pe_pid, pe_port, seconds, run = sys.argv[1:7]
seconds = float(seconds)
hz = os.sysconf("SC_CLK_TCK")
tools = [("pidtop", int(pt_pid), int(pt_port)), ("process-exporter", int(pe_pid), int(pe_port))]

def cpu_s(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz  # utime, stime (fields 14 and 15)

def hwm_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0

conns = {}

def scrape(port, again=True):
    """one scrape on a kept-alive connection, as Prometheus scrapes; a
    connection the server closed meanwhile is opened again"""
    t = time.perf_counter()
    c = conns.get(port)
    if c is None:
        c = conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        c.request("GET", "/metrics", headers={"Accept": "text/plain;version=0.0.4"})
        r = c.getresponse()
        body = r.read()
    except (OSError, http.client.HTTPException):
        c.close()
        del conns[port]
        if again:
            return scrape(port, False)
        raise OSError("scrape of %d failed" % port)
    if r.status != 200:
        raise SystemExit("exporter.sh: %d answered %d" % (port, r.status))
    return time.perf_counter() - t, len(body), body

# warm-up: both serve, and each has sampled the population
deadline = time.monotonic() + 60
for _, pid, port in tools:
    while True:
        try:
            scrape(port)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("exporter.sh: port %d never answered" % port)
            time.sleep(0.2)
time.sleep(3)
for _, _, port in tools:
    scrape(port)

def samples_total(body):
    for line in body.split(b"\n"):
        if line.startswith(b"pidtop_samples_total "):
            return int(line.split()[1])
    raise SystemExit("exporter.sh: no pidtop_samples_total")

def tasks_now():
    return int(open("/proc/loadavg").read().split()[3].split("/")[1])

start = {name: cpu_s(pid) for name, pid, _ in tools}
tasks_start = tasks_now()
samples_start = None
t0 = time.monotonic()
lat = {name: [] for name, _, _ in tools}
size = {name: [] for name, _, _ in tools}
series = {}
n = 0
while time.monotonic() - t0 < seconds:
    tick = t0 + n
    for name, _, port in tools:
        took, nbytes, body = scrape(port)
        lat[name].append(took)
        size[name].append(nbytes)
        series[name] = sum(1 for l in body.split(b"\n") if l and not l.startswith(b"#"))
        if name == "pidtop":
            samples_end = samples_total(body)
            if samples_start is None:
                samples_start = samples_end
    n += 1
    time.sleep(max(0.0, t0 + n - time.monotonic()))
wall = time.monotonic() - t0
samples = samples_end - samples_start
tasks_end = tasks_now()
row = {}
for name, pid, _ in tools:
    cpu = cpu_s(pid) - start[name]
    l = sorted(lat[name])
    p99 = l[min(len(l) - 1, int(round(0.99 * len(l) + 0.5)) - 1)]
    row[name] = dict(cpu=cpu, per=cpu / len(l) * 1000, hwm=hwm_kb(pid) / 1024.0,
                     p50=l[len(l) // 2] * 1000, p99=p99 * 1000, size=sum(size[name]) / len(size[name]),
                     series=series[name], n=len(l))
print()
print("%-17s %8s %10s %9s %8s %8s %10s %8s" % ("exporter", "cpu_s", "ms/scrape", "peak_MiB",
      "p50_ms", "p99_ms", "bytes", "series"))
for name, _, _ in tools:
    r = row[name]
    print("%-17s %8.2f %10.2f %9.1f %8.2f %8.2f %10.0f %8d" % (name, r["cpu"], r["per"], r["hwm"],
          r["p50"], r["p99"], r["size"], r["series"]))
pt, pe = row["pidtop"], row["process-exporter"]
print()
print("%d scrapes each over %.1f s (a scrape of both waits for the slower); machine tasks %d at the start, %d at the end"
      % (pt["n"], wall, tasks_start, tasks_end))
# The work of one second of monitoring at 1 Hz: pidtop samples on its own
# clock (one sample a second with -d 1) whatever the scrapes; process-exporter
# reads /proc once per scrape, and when a scrape takes more than a second it
# cannot be asked once a second: compare its CPU per scrape with pidtop's per
# sample (with the CPU over the same window beside it).
pt_per_sample = pt["cpu"] / samples * 1000 if samples else float("nan")
print("pidtop: %d samples in the window, %.1f ms of CPU per sample (scrapes included); "
      "process-exporter: %.1f ms per scrape" % (samples, pt_per_sample, pe["per"]))
print("CPU over the same window: pidtop / process-exporter = %.3f" % (pt["cpu"] / pe["cpu"]))
cpu_ratio = pt_per_sample / pe["per"] if pe["per"] > 0 else float("inf")
rss_ratio = pt["hwm"] / pe["hwm"] if pe["hwm"] > 0 else float("inf")
checks = [
    ("CPU per 1 Hz sample: pidtop / process-exporter = %.3f (1/%.0f)" % (cpu_ratio, 1 / cpu_ratio if cpu_ratio else 0),
     cpu_ratio <= 1 / 20, "at most 1/20"),
    ("peak RSS: pidtop / process-exporter = %.2f" % rss_ratio, rss_ratio <= 0.5, "at most 1/2"),
    ("scrape latency p99: pidtop %.2f ms" % pt["p99"], pt["p99"] <= 10, "at most 10 ms"),
]
for text, ok, target in checks:
    print("%-58s %s (target %s)" % (text, "met" if ok else "MISSED", target))
print("response size: pidtop %.0f bytes (%d series), process-exporter %.0f bytes (%d series)"
      % (pt["size"], pt["series"], pe["size"], pe["series"]))
EOP
say "report: $REPORT"
