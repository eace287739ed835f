#!/bin/bash
# pidtop --listen against a real Prometheus server (issue 11): prometheus
# runs on a loopback port with a temporary storage directory and scrapes
# pidtop every second; its HTTP API is asked, over a 10 s window of steady
# load, for
#  - sum(rate(pidtop_group_cpu_seconds_total{group=BURNER}[10s])) within
#    10% of the CPU the burner's own log says it used in that window;
#  - rate(pidtop_group_write_bytes_total{group=WRITER}[10s]) within 20% of
#    the bytes the O_DIRECT writer logged;
#  - a TCP pair's transmit and receive rates within 10% of its payload
#    rate (IP and TCP headers over loopback's 64 KiB segments add ~0.1%);
#  - across a forker whose 100 children each write 256 KiB and exit, 50 ms
#    apart: resets() of its write and CPU counters is 0 and its write
#    counter reaches at least 90% (and at most 106%) of what the children
#    wrote (the group did not exist before, so its value is its increase).
# The workloads run under names of their own (copies of the binaries), so
# a burner another test runs at the same time is not in their groups.
. "$(dirname "$0")/exporter_common.sh"

command -v prometheus >/dev/null || integ_skip "prometheus is needed (apt-get install prometheus)"
[ "$(id -u)" -eq 0 ] || integ_skip "the exit records and the capture need root"

EPORT=$(exp_free_port)
PPORT=$(exp_free_port)
while [ "$PPORT" = "$EPORT" ]; do PPORT=$(exp_free_port); done
for w in burner odirect_writer netpair forkwriter; do
	cp "$WORKLOAD_DIR/$w" "$SCRATCH/x$w"
done
WORKLOAD_DIR=$SCRATCH # integ_start runs the copies

# a scrape serves the latest sample: sampling 4 times a scrape keeps the
# sample's age at a scrape under 0.25 s, 2.5% of the 10 s window
exp_start "$EPORT" -d 0.25 --top=3
cat >"$SCRATCH/prometheus.yml" <<EOC
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: pidtop
    static_configs:
      - targets: ['127.0.0.1:$EPORT']
EOC
$INTEG_NICE prometheus --config.file="$SCRATCH/prometheus.yml" --storage.tsdb.path="$SCRATCH/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" --log.level=warn >"$SCRATCH/prometheus.log" 2>&1 &
INTEG_PGIDS="$INTEG_PGIDS $!"
API="http://127.0.0.1:$PPORT/api/v1"

t0=$(date +%s.%N)
integ_start BURN xburner --threads 2 --duty 40 --seconds 30 --log "$SCRATCH/burn.log" --log-ms 100
integ_start WRITE xodirect_writer --file "$SCRATCH/odirect.dat" --rate-kib 4096 --seconds 30 \
	--log "$SCRATCH/write.log"
integ_start NET xnetpair --rate-kib 2048 --seconds 24 --linger 3 --log "$SCRATCH/net.log"

# the forker starts once Prometheus has scraped pidtop
for i in $(seq 100); do
	curl -sf "$API/query?query=up" 2>/dev/null | grep -q '"value":\[[0-9.]*,"1"\]' && break
	sleep 0.2
done
[ "$i" -lt 100 ] || { cat "$SCRATCH/prometheus.log"; integ_hard_error "Prometheus did not scrape pidtop within 20 s"; }
integ_start FORK xforkwriter --dir "$SCRATCH" --children 100 --gap-ms 50 --kib 256 --log "$SCRATCH/fork.log"

# the window: 5 to 17 s after the start (load steady), asked at 18 s
now=$(date +%s.%N)
sleep "$("$PYTHON" -c "import sys; print(max(0.0, float(sys.argv[1]) + 18.5 - float(sys.argv[2])))" "$t0" "$now")"

"$PYTHON" - "$API" "$SCRATCH" "$t0" <<'EOP' || exit 1
import json, sys, urllib.parse, urllib.request

api, scratch, t0 = sys.argv[1], sys.argv[2], float(sys.argv[3])
T = t0 + 17.0
fails = []

def query(q, t=T):
    url = api + "/query?" + urllib.parse.urlencode({"query": q, "time": "%.3f" % t})
    with urllib.request.urlopen(url, timeout=5) as r:
        d = json.load(r)
    res = d["data"]["result"]
    if not res:
        return None
    return float(res[0]["value"][1])

def interp(points, t):
    """the value at time t of a log of (time, value) points"""
    for (ta, va), (tb, vb) in zip(points, points[1:]):
        if ta <= t <= tb:
            return va + (vb - va) * (t - ta) / (tb - ta) if tb > ta else va
    raise SystemExit("ERROR: the log does not cover %.1f" % t)

def check(name, got, want, tol):
    if got is None:
        fails.append("%s: no value from Prometheus" % name)
        return
    rel = abs(got - want) / want if want else float("inf")
    print("%-34s pidtop %12.1f  truth %12.1f  (%+.1f%%, allowed %d%%)" %
          (name, got, want, 100 * (got - want) / want if want else 0, tol))
    if rel > tol / 100:
        fails.append(name)

def window_rate(points):
    return (interp(points, T) - interp(points, T - 10)) / 10

# the burner: "t proc_cpu ..." lines after a first line of tids
burn = []
for line in open(scratch + "/burn.log"):
    f = line.split()
    try:
        burn.append((float(f[0]), float(f[1])))
    except (ValueError, IndexError):
        pass
check("cpu rate (CPUs)", query('sum(rate(pidtop_group_cpu_seconds_total{group="xburner"}[10s]))'),
      window_rate(burn), 10)

# the writer: "t bytes"
wr = [tuple(map(float, l.split()[:2])) for l in open(scratch + "/write.log")
      if len(l.split()) >= 2 and not l.startswith("#")]
check("write rate (B/s)", query('rate(pidtop_group_write_bytes_total{group="xodirect_writer"}[10s])'),
      window_rate(wr), 20)

# the TCP pair: "progress T PAYLOAD"; both ends are in the group
net = [(float(l.split()[1]), float(l.split()[2])) for l in open(scratch + "/net.log")
       if l.startswith("progress ")]
if query('pidtop_source_up{source="net"}') != 1:
    print("note: the net source is not up: traffic not checked")
else:
    for d in ("transmit", "receive"):
        check("network %s (B/s)" % d,
              query('rate(pidtop_group_network_%s_bytes_total{group="xnetpair"}[10s])' % d),
              window_rate(net), 10)

# the forker: 100 children of 256 KiB, all done by now
wrote = sum(int(l.split()[1]) for l in open(scratch + "/fork.log") if len(l.split()) == 2)
for c in ("write_bytes", "cpu_seconds"):
    r = query('sum(resets(pidtop_group_%s_total{group="xforkwriter"}[60s]))' % c)
    print("resets(%s) %s" % (c, r))
    if r != 0:
        fails.append("resets of %s: %s" % (c, r))
if query('pidtop_source_up{source="taskstats"}') != 1:
    print("note: taskstats is not up: the short-lived children's bytes are not checked")
elif wrote < 100 * 256 * 1024 * 0.9:
    fails.append("the forker's children wrote only %d bytes" % wrote)
else:
    got = query('max_over_time(pidtop_group_write_bytes_total{group="xforkwriter"}[60s])')
    print("forker writes: pidtop %s, children %d (%.1f%%)" % (got, wrote, 100 * (got or 0) / wrote))
    # at least 90%; more than a few % over would be children counted twice
    if got is None or got < 0.9 * wrote or got > 1.06 * wrote:
        fails.append("the forker's write bytes")
    inc = query('increase(pidtop_group_write_bytes_total{group="xforkwriter"}[60s])')
    print("increase() over the run: %s" % inc)
if fails:
    sys.exit("FAIL: " + "; ".join(fails))
EOP
exp_stop
