#!/bin/bash
# Record and replay. Known workloads run (a burner of 3 threads at 40%, an
# 8 MiB/s O_DIRECT writer, a TCP pair, a spawner whose children end between
# samples) while pidtop -w FILE -b -o json reports; pidtop -R FILE -b -o json
# must give the same reports, field for field, in process mode and with -H,
# and --begin/--end the same reports of a part. Then the file's promises:
# created 0600, continued by a second run, rotated by --record-max, ended
# cleanly by SIGTERM; and the reader's: a torn tail replays what is whole
# (exit 0, silent), a flipped byte costs one sample and one warning with its
# offset, a newer major version, an empty file and /etc/passwd are a
# one-line error and exit 1, a file that is not a recording is never
# overwritten, a symbolic link is refused.
. "$(dirname "$0")/integ_common.sh"

same() { # LIVE REPLAY [FIRST LAST]: the replay's reports equal the live ones
	"$PYTHON" - "$@" <<'EOF' || exit 1
import json, sys
live = [json.loads(l) for l in open(sys.argv[1])]
rep = [json.loads(l) for l in open(sys.argv[2])]
if len(sys.argv) > 3:
    live = live[int(sys.argv[3]):int(sys.argv[4]) + 1]
if len(live) != len(rep) or not live:
    sys.exit("FAIL: %d live reports, %d replayed" % (len(live), len(rep)))
def norm(r):
    # a task's connections come in the capture's order live, by key replayed
    for t in r["tasks"]:
        if "connections" in t:
            t["connections"].sort(key=lambda c: (c["proto"], c["local"], c["remote"]))
    return r
def short(x):
    x = repr(x)
    return x if len(x) < 600 else x[:600] + "..."
live = [norm(r) for r in live]
rep = [norm(r) for r in rep]
rows = 0
for n, (a, b) in enumerate(zip(live, rep), 1):
    if a != b:
        for k in a:
            if k != "tasks" and a[k] != b.get(k):
                sys.exit("FAIL: report %d: %s differs: live %s, replayed %s" % (n, k, short(a[k]), short(b.get(k))))
        ka = {(t["pid"], t["tid"], t["exited"]): t for t in a["tasks"]}
        kb = {(t["pid"], t["tid"], t["exited"]): t for t in b["tasks"]}
        for key in ka:
            if ka[key] != kb.get(key):
                diff = {f: (v, (kb.get(key) or {}).get(f)) for f, v in ka[key].items() if (kb.get(key) or {}).get(f) != v}
                sys.exit("FAIL: report %d row %s differs: %s" % (n, key, short(diff)))
        sys.exit("FAIL: report %d: rows only in the replay: %s" % (n, sorted(set(kb) - set(ka))[:5]))
    rows += len(a["tasks"])
print("ok  %d reports, %d rows, identical" % (len(live), rows))
EOF
}

integ_start BURN burner --threads 3 --duty 40 --seconds 30 --ready "$SCRATCH/burn.ready"
integ_start WRITE odirect_writer --file "$SCRATCH/odirect.dat" --rate-kib 8192 --seconds 30 \
	--ready "$SCRATCH/write.ready"
integ_start NET netpair --proto tcp --rate-kib 2048 --seconds 30 --ready "$SCRATCH/net.ready"
integ_start SPAWN spawner --rate 20 --min-ms 20 --max-ms 400 --seconds 30
for f in burn write net; do
	integ_wait_file "$SCRATCH/$f.ready" 10
done

echo "== process rows: live reports and the replay of the same samples, connections too"
integ_pidtop "$SCRATCH/live.json" --connections -w "$SCRATCH/p.rec" -d 0.5 -n 8
"$PIDTOP" -R "$SCRATCH/p.rec" --connections -b -o json >"$SCRATCH/replay.json" || exit 1
same "$SCRATCH/live.json" "$SCRATCH/replay.json"
grep -q '"comm":"burner"' "$SCRATCH/replay.json" || { echo "FAIL: no burner row"; exit 1; }
grep -q '"exited":true' "$SCRATCH/replay.json" || { echo "FAIL: no exited row"; exit 1; }
if grep -q '"net":"ok' "$SCRATCH/live.json"; then
	# the TCP pair's connection, with its traffic, is in the recording
	"$PYTHON" - "$SCRATCH/replay.json" "$NET" <<'EOF' || exit 1
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
conns = [c for t in last["tasks"] if t["pid"] == int(sys.argv[2]) for c in t.get("connections", [])]
moved = [c for c in conns if c["proto"] == "tcp" and c["tx_bytes"] + c["rx_bytes"] > 0]
if not moved:
    sys.exit("FAIL: the TCP pair's connection is not in the replay: %r" % conns)
print("ok  the TCP pair's %d connection(s) replayed, %d bytes" %
      (len(moved), sum(c["tx_bytes"] + c["rx_bytes"] for c in moved)))
EOF
else
	echo "note: no capture here: connections not checked"
fi

echo "== -a: totals since the first sample, traffic included"
integ_pidtop "$SCRATCH/live-a.json" -a -w "$SCRATCH/a.rec" -d 0.5 -n 4
"$PIDTOP" -R "$SCRATCH/a.rec" -a -b -o json >"$SCRATCH/replay-a.json" || exit 1
same "$SCRATCH/live-a.json" "$SCRATCH/replay-a.json"

echo "== thread rows (-H)"
integ_pidtop "$SCRATCH/live-H.json" -H -w "$SCRATCH/t.rec" -d 0.5 -n 5
"$PIDTOP" -R "$SCRATCH/t.rec" -b -o json >"$SCRATCH/replay-H.json" || exit 1
same "$SCRATCH/live-H.json" "$SCRATCH/replay-H.json"
"$PIDTOP" -R "$SCRATCH/t.rec" --info >"$SCRATCH/info-H" || exit 1
grep -q "recorded with -H" "$SCRATCH/info-H" || { echo "FAIL: --info:"; cat "$SCRATCH/info-H"; exit 1; }

echo "== --begin and --end: reports 3 to 5"
span=$("$PYTHON" -c '
import datetime, json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
def local(s):
    t = datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone()
    return t.strftime("%Y-%m-%d %H:%M:%S")
# whole seconds: the times must fall between samples, not on one
print(local(r[2]["time"]), "|", local(r[4]["time"]))' "$SCRATCH/live.json")
begin=${span%% |*}
end=${span##*| }
"$PIDTOP" -R "$SCRATCH/p.rec" -b -o json --begin="$begin" --end="$end" >"$SCRATCH/part.json" || exit 1
"$PYTHON" - "$SCRATCH/live.json" "$SCRATCH/part.json" "$begin" "$end" <<'EOF' || exit 1
import datetime, json, sys
live = [json.loads(l) for l in open(sys.argv[1])]
part = [json.loads(l) for l in open(sys.argv[2])]
lo = datetime.datetime.strptime(sys.argv[3], "%Y-%m-%d %H:%M:%S").astimezone()
hi = datetime.datetime.strptime(sys.argv[4], "%Y-%m-%d %H:%M:%S").astimezone()
want = [r for r in live
        if lo <= datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")) <= hi]
for r in want:  # this replay runs without --connections
    for t in r["tasks"]:
        t.pop("connections", None)
if not want or part != want:
    sys.exit("FAIL: --begin %s --end %s gave %d reports (%s), expected %d (%s)" % (
        sys.argv[3], sys.argv[4], len(part), [r["time"] for r in part], len(want),
        [r["time"] for r in want]))
print("ok  %d reports between %s and %s" % (len(part), sys.argv[3], sys.argv[4]))
EOF

echo "== the file: mode 0600, continued, rotated (500 samples of this machine pass 64K), SIGTERM"
mode=$(stat -c %a "$SCRATCH/p.rec")
[ "$mode" = 600 ] || { echo "FAIL: a recording made with mode $mode"; exit 1; }
before=$("$PIDTOP" -R "$SCRATCH/p.rec" --info | awk '/^samples/ { print $2 + 0 }')
"$PIDTOP" -w "$SCRATCH/p.rec" -b -d 0.2 -n 3 >/dev/null || exit 1
after=$("$PIDTOP" -R "$SCRATCH/p.rec" --info | awk '/^samples/ { print $2 + 0 }')
[ "$after" -eq $((before + 4)) ] || { echo "FAIL: $before samples, then $after after 4 more"; exit 1; }
echo "ok  continued: $before then $after samples"
"$PIDTOP" -w "$SCRATCH/r.rec" --record-max=64K -b -d 0.01 -n 500 >/dev/null || exit 1
[ -s "$SCRATCH/r.rec.1" ] || { echo "FAIL: --record-max=64K made no r.rec.1"; exit 1; }
for f in r.rec r.rec.1; do
	size=$(stat -c %s "$SCRATCH/$f")
	[ "$size" -le 65536 ] || { echo "FAIL: $f is $size bytes, past --record-max=64K"; exit 1; }
	"$PIDTOP" -R "$SCRATCH/$f" --info >/dev/null || { echo "FAIL: $f does not read"; exit 1; }
done
echo "ok  rotated at 64K: r.rec and r.rec.1 both read"
"$PIDTOP" -w "$SCRATCH/s.rec" -d 0.2 </dev/null >"$SCRATCH/s.out" 2>&1 &
rec=$!
sleep 1.5
kill -TERM "$rec"
wait "$rec"
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: SIGTERM: exit status $status"; cat "$SCRATCH/s.out"; exit 1; }
[ ! -s "$SCRATCH/s.out" ] || { echo "FAIL: headless recording printed:"; cat "$SCRATCH/s.out"; exit 1; }
"$PIDTOP" -R "$SCRATCH/s.rec" --info >/dev/null || { echo "FAIL: the SIGTERM'd recording"; exit 1; }
echo "ok  headless, silent, ended by SIGTERM with status 0"

echo "== damaged files"
n=$("$PIDTOP" -R "$SCRATCH/p.rec" -b -o json | wc -l)
cp "$SCRATCH/p.rec" "$SCRATCH/torn.rec"
truncate -s -100 "$SCRATCH/torn.rec"
"$PIDTOP" -R "$SCRATCH/torn.rec" -b -o json >"$SCRATCH/torn.json" 2>"$SCRATCH/torn.err" ||
	{ echo "FAIL: a torn tail is an error"; cat "$SCRATCH/torn.err"; exit 1; }
[ ! -s "$SCRATCH/torn.err" ] || { echo "FAIL: a torn tail warned:"; cat "$SCRATCH/torn.err"; exit 1; }
got=$(wc -l <"$SCRATCH/torn.json")
[ "$got" -eq $((n - 1)) ] || { echo "FAIL: torn tail: $got reports of $n"; exit 1; }
echo "ok  torn tail: $got of $n reports, no warning"
cp "$SCRATCH/p.rec" "$SCRATCH/flip.rec"
size=$(stat -c %s "$SCRATCH/flip.rec")
"$PYTHON" -c '
import sys
p, off = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read()); b[off] ^= 0x40; open(p, "wb").write(b)' \
	"$SCRATCH/flip.rec" $((size * 2 / 3))
"$PIDTOP" -R "$SCRATCH/flip.rec" -b -o json >"$SCRATCH/flip.json" 2>"$SCRATCH/flip.err" ||
	{ echo "FAIL: a flipped byte is an error"; cat "$SCRATCH/flip.err"; exit 1; }
# the damaged sample is lost (and those that needed it), with one warning
# naming its byte offset; every report that is left is one of the clean
# replay's, and equal to it when the sample before it was not lost either
warnings=$(grep -cE "byte [0-9]+" "$SCRATCH/flip.err")
lines=$(wc -l <"$SCRATCH/flip.err")
got=$(wc -l <"$SCRATCH/flip.json")
[ "$warnings" -eq 1 ] && [ "$lines" -eq 1 ] && [ "$got" -lt "$n" ] && [ "$got" -gt 0 ] ||
	{ echo "FAIL: flipped byte: $got of $n reports, $lines lines on stderr:"; cat "$SCRATCH/flip.err"; exit 1; }
"$PIDTOP" -R "$SCRATCH/p.rec" -b -o json >"$SCRATCH/clean.json" || exit 1
"$PYTHON" - "$SCRATCH/clean.json" "$SCRATCH/flip.json" <<'EOF2' || exit 1
import json, sys
clean = [json.loads(l) for l in open(sys.argv[1])]
flip = [json.loads(l) for l in open(sys.argv[2])]
at = {r["time"]: k for k, r in enumerate(clean)}
prev = None
for r in flip:
    k = at.get(r["time"])
    if k is None:
        sys.exit("FAIL: flipped byte: a report of %s that the clean replay lacks" % r["time"])
    if prev is not None and k == prev + 1 and r != clean[k]:
        sys.exit("FAIL: flipped byte: the report of %s differs from the clean one" % r["time"])
    prev = k
EOF2
echo "ok  flipped byte: $got of $n reports, one warning: $(cat "$SCRATCH/flip.err")"
cp "$SCRATCH/p.rec" "$SCRATCH/future.rec"
"$PYTHON" -c '
import sys, zlib, struct
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[8:10] = struct.pack("<H", 2)
b[12:16] = struct.pack("<I", zlib.crc32(bytes(b[0:12])))
open(p, "wb").write(b)' "$SCRATCH/future.rec"
: >"$SCRATCH/empty.rec"
for f in "$SCRATCH/future.rec" "$SCRATCH/empty.rec" /etc/passwd; do
	status=0
	"$PIDTOP" -R "$f" -b -o json >"$SCRATCH/bad.out" 2>"$SCRATCH/bad.err" || status=$?
	lines=$(wc -l <"$SCRATCH/bad.err")
	if [ "$status" -ne 1 ] || [ "$lines" -ne 1 ] || [ -s "$SCRATCH/bad.out" ]; then
		echo "FAIL: -R $f: status $status, $lines lines on stderr:"
		cat "$SCRATCH/bad.err"
		exit 1
	fi
	echo "ok  -R $f: $(cat "$SCRATCH/bad.err")"
done

echo "== the writer's refusals"
printf 'not a recording\n' >"$SCRATCH/notes.txt"
status=0
"$PIDTOP" -w "$SCRATCH/notes.txt" -b -n 1 -d 0.1 >/dev/null 2>"$SCRATCH/w.err" || status=$?
[ "$status" -eq 1 ] && [ "$(cat "$SCRATCH/notes.txt")" = "not a recording" ] ||
	{ echo "FAIL: -w over a text file: status $status"; cat "$SCRATCH/w.err"; exit 1; }
echo "ok  -w over a text file: $(cat "$SCRATCH/w.err")"
ln -s "$SCRATCH/p.rec" "$SCRATCH/link.rec"
status=0
"$PIDTOP" -w "$SCRATCH/link.rec" -b -n 1 -d 0.1 >/dev/null 2>"$SCRATCH/w.err" || status=$?
[ "$status" -eq 1 ] || { echo "FAIL: -w through a symbolic link: status $status"; exit 1; }
echo "ok  -w through a symbolic link: $(cat "$SCRATCH/w.err")"

echo "== a replay leaves the machine's delay accounting alone"
# (it once wrote 0 to kernel.task_delayacct on the way out); watched with
# strace, as other runs on this machine may flip the sysctl meanwhile
if command -v strace >/dev/null; then
	# (LeakSanitizer cannot run under ptrace: the sanitizer build checks
	# leaks in every other run of this test)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -e trace=openat -o "$SCRATCH/replay.strace" \
		"$PIDTOP" -R "$SCRATCH/p.rec" -b -o json >/dev/null || exit 1
	if grep 'task_delayacct' "$SCRATCH/replay.strace" | grep -q 'O_WRONLY\|O_RDWR'; then
		echo "FAIL: a replay writes kernel.task_delayacct:"
		grep task_delayacct "$SCRATCH/replay.strace"
		exit 1
	fi
	grep -q 'p.rec' "$SCRATCH/replay.strace" || { echo "FAIL: strace saw no open of the recording"; exit 1; }
	echo "ok  a replay opens no sysctl for writing"
else
	echo "note: no strace here: not checked"
fi
