#!/bin/bash
# Hostile processes in batch output (doc/RELIABILITY.md, "Hostile
# processes"):
# - 17 processes whose names hold every byte 0x01..0xff and whose command
#   lines hold every byte 0x00..0xff: text, CSV and JSON stay well formed
#   (valid UTF-8, no control byte but the line ends, one line a row, CSV
#   and JSON parse) and the escapes of src/sanitize.h give back the exact
#   bytes;
# - a 128 KiB command line comes out whole in JSON, CSV and --dump;
# - a process with 100,000 open fds (fewer when RLIMIT_NOFILE cannot be
#   raised: no CAP_SYS_RESOURCE), while loopback connections make the
#   --connections fd index read it: the process has its row, and pidtop's
#   peak RSS is at most 64 MiB more than without it. Its CPU per refresh is
#   printed, not asserted (a timing is a benchmark's: bench/fds.sh); the
#   bound on it is test_sockmap's test_fd_index_cost_bounded;
# - a process with 10,000 threads: -H has its 10,001 rows, each sane.
. "$(dirname "$0")/integ_common.sh"

ready() { integ_wait_file "$SCRATCH/$1.ready" "$2"; }
fail=0

# --- names and command lines with every byte
integ_start NAMES hostile --names --seconds 60 --ready "$SCRATCH/names.ready" --log "$SCRATCH/names.log"
ready names 10
pids=$(paste -sd, "$SCRATCH/names.log")
for fmt in json csv text; do
	integ_pidtop "$SCRATCH/names.$fmt" -d 0.3 -n 2 -p "$pids" -o "$fmt" 2>/dev/null ||
		true
done
# integ_pidtop runs -o json; the last -o wins
"$PYTHON" - "$SCRATCH" <<'EOF' || fail=1
import csv, io, json, re, sys
d = sys.argv[1]
pids = [int(x) for x in open(d + "/names.log").read().split()]
every = bytes(range(1, 256))
want_comm = {}
for i, pid in enumerate(pids):
    first = 1 + 15 * i
    want_comm[pid] = bytes(range(first, min(first + 15, 256)))
want_cmd = b" ".join([b"hostile-child", b"", every,
                      b"\xff\xfe\x1b[2J\x1b]0;t\x07"])
bad = 0

def unescape(s):
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\" and s[i + 1] == "\\":
            out += b"\\"; i += 2
        elif c == "\\" and s[i + 1] == "x":
            out.append(int(s[i + 2:i + 4], 16)); i += 4
        elif c == "\\" and s[i + 1] == "u":
            out += chr(int(s[i + 2:i + 6], 16)).encode(); i += 6
        else:
            out += c.encode(); i += 1
    return bytes(out)

def fail(msg):
    global bad
    bad += 1
    print("FAIL: " + msg)

for fmt in ("json", "csv", "text"):
    raw = open("%s/names.%s" % (d, fmt), "rb").read()
    try:
        text = raw.decode("utf-8", "strict")
    except UnicodeDecodeError as e:
        fail("%s: not valid UTF-8: %s" % (fmt, e)); continue
    ctl = [c for c in text if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) < 0xa0]
    if ctl:
        fail("%s: raw control characters %r" % (fmt, sorted(set(ctl))[:8]))
    if fmt == "json":
        rows = [t for l in text.splitlines() for t in json.loads(l)["tasks"]]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        for r in rows:
            r["pid"] = int(r["pid"])
    else:
        rows = [l for l in text.splitlines() if not l.startswith("#") and re.match(r"^ *\d+ ", l)]
        if len(rows) != 2 * len(pids):
            fail("text: %d rows for %d processes in 2 reports" % (len(rows), len(pids)))
        continue
    if len(rows) != 2 * len(pids):
        fail("%s: %d rows for %d processes in 2 reports" % (fmt, len(rows), len(pids)))
    for r in rows:
        pid = r["pid"]
        if unescape(r["comm"]) != want_comm.get(pid):
            fail("%s pid %d: comm %r is not the name %r" % (fmt, pid, r["comm"], want_comm.get(pid)))
        got = unescape(r["cmdline"])
        want = want_cmd.replace(b"hostile-child ", b"hostile-child %d " % (1 + 15 * pids.index(pid)), 1)
        if got != want:
            fail("%s pid %d: cmdline %r" % (fmt, pid, r["cmdline"][:120]))
print("every byte: %d processes in json, csv and text: %s" % (len(pids), "FAILED" if bad else "ok"))
sys.exit(1 if bad else 0)
EOF
integ_stop "$NAMES"

# --- a 128 KiB command line
integ_start LONG hostile --cmdline 128 --seconds 60 --ready "$SCRATCH/long.ready" --log "$SCRATCH/long.log"
ready long 10
lp=$(cat "$SCRATCH/long.log")
integ_pidtop "$SCRATCH/long.json" -d 0.3 -n 2 -p "$lp"
"$PIDTOP" --dump "$lp" >"$SCRATCH/long.dump" || { echo "FAIL: --dump $lp"; fail=1; }
"$PYTHON" - "$SCRATCH" <<'EOF' || fail=1
import json, sys
d = sys.argv[1]
want = 128 * 1024 - 1  # the last argument's NUL ends the line
rows = [json.loads(l)["tasks"][0] for l in open(d + "/long.json")]
dump = json.load(open(d + "/long.dump"))
lens = [len(r["cmdline"]) for r in rows]
def find(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == "cmdline" and isinstance(v, str):
                return v
            f = find(v)
            if f:
                return f
    return None
dl = len(find(dump) or "")
print("128 KiB command line: JSON rows %s chars, --dump %d (want %d)" % (lens, dl, want))
sys.exit(0 if lens == [want, want] and dl == want else 1)
EOF
integ_stop "$LONG"

# --- many fds under the --connections fd index
cost() { # OUT: pidtop's CPU seconds and peak RSS over 12 refreshes of 0.5 s
	/usr/bin/time -o "$1.time" -f "%U %S %M" "$PIDTOP" -b -o json --connections -d 0.5 -n 12 \
		>"$1" 2>/dev/null
	awk '{ printf "%.3f %d\n", ($1 + $2) / 11, $3 }' "$1.time"
}
if [ -x /usr/bin/time ]; then
	integ_start CONNS churn --procs 0 --threads 0 --conns 200 --seconds 60
	read -r base_cpu base_rss < <(cost "$SCRATCH/nofds.json")
	integ_start FDS hostile --fds 100000 --seconds 60 --ready "$SCRATCH/fds.ready" --log "$SCRATCH/fds.log"
	ready fds 30
	read -r fpid nfds <"$SCRATCH/fds.log"
	read -r fds_cpu fds_rss < <(cost "$SCRATCH/fds.json")
	echo "fd index: a process with $nfds fds: ${fds_cpu} s CPU a refresh, peak RSS $fds_rss KiB;" \
		"without it ${base_cpu} s, $base_rss KiB"
	[ $((fds_rss - base_rss)) -le 65536 ] || { echo "FAIL: the fd index grew RSS by more than 64 MiB"; fail=1; }
	grep -q "\"pid\":$fpid," "$SCRATCH/fds.json" || { echo "FAIL: no row for the fd holder $fpid"; fail=1; }
	integ_jsoncheck_brief sane --count 12 "$SCRATCH/fds.json" || fail=1
	integ_stop "$FDS"
	integ_stop "$CONNS"
else
	echo "note: no /usr/bin/time (apt-get install time): the fd index's memory is not measured"
fi

# --- 10,000 threads
integ_start THREADS hostile --threads 10000 --seconds 60 --ready "$SCRATCH/threads.ready"
ready threads 60
start=$(date +%s.%N)
integ_pidtop "$SCRATCH/threads.json" -H -d 0.5 -n 2 -p "$THREADS"
took=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
rows=$(tail -1 "$SCRATCH/threads.json" | grep -o '"tid":' | wc -l)
echo "10,000 threads: -H -n 2 -d 0.5 took $took s, $rows thread rows"
[ "$rows" -eq 10001 ] || { echo "FAIL: $rows thread rows, want 10001"; fail=1; }
integ_jsoncheck_brief sane --count 2 "$SCRATCH/threads.json" || fail=1
exit "$fail"
