#!/bin/bash
# What each privilege adds (doc/pidtop.1, PRIVILEGES), run for real on a
# root-owned writer: as root; as an ordinary user (nobody); as that user
# with only CAP_NET_RAW, with only CAP_NET_ADMIN (ambient capabilities);
# from copies of the binary with file capabilities; and without
# CAP_NET_ADMIN or CAP_NET_RAW as root (capsh --drop); CAP_PERFMON by the
# datagrams only its tracepoint names. Each run must show
# the sources and the columns the table promises: n/a (null) where the
# source is missing, noaccess (null, "io" in no_access) where a file is
# refused, figures elsewhere, and exit 0. A set-user-ID copy run by that
# user is refused: one line, exit 1.
. "$(dirname "$0")/integ_common.sh"

[ "$(id -u)" -eq 0 ] || integ_skip "dropping capabilities needs root to start with"
command -v capsh >/dev/null || integ_skip "capsh missing (apt-get install libcap2-bin)"
command -v setcap >/dev/null || integ_skip "setcap missing (apt-get install libcap2-bin)"
command -v setpriv >/dev/null || integ_skip "setpriv missing (apt-get install util-linux)"
id nobody >/dev/null 2>&1 || integ_skip "no user nobody to run as"

AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
# the copies live where nobody may run them; file capabilities and the
# set-user-ID bit need a file system mounted without nosuid
BIN="$SCRATCH/bin"
mkdir -p "$BIN"
chmod 755 "$SCRATCH" "$BIN"
cp "$PIDTOP" "$BIN/pidtop-fcaps"
setcap cap_net_raw,cap_net_admin,cap_sys_ptrace+ep "$BIN/pidtop-fcaps" ||
	integ_skip "setcap refused (a file system without extended attributes?)"
cp "$PIDTOP" "$BIN/pidtop-fcaps-all"
setcap cap_net_raw,cap_net_admin,cap_sys_ptrace,cap_dac_read_search+ep "$BIN/pidtop-fcaps-all"
cp "$PIDTOP" "$BIN/pidtop-setuid"
chmod 4755 "$BIN/pidtop-setuid"
cp "$PIDTOP" "$BIN/pidtop-setgid"
chgrp 0 "$BIN/pidtop-setgid"
chmod 2755 "$BIN/pidtop-setgid"
if findmnt -n -o OPTIONS -T "$BIN" | grep -qw nosuid; then
	integ_skip "$BIN is on a nosuid mount: file capabilities and setuid do nothing there"
fi

integ_start WRITER odirect_writer --file "$SCRATCH/direct.dat" --rate-kib 4096 --seconds 20
sleep 0.5
# a process of the user's own: its io is readable without privileges
setsid $AS_USER --inh-caps=-all sleep 30 &
OWN=$!
INTEG_PGIDS="$INTEG_PGIDS $OWN"
# json NAME CMD...: runs pidtop's batch JSON (3 reports) to NAME.json,
# its stderr to NAME.err; a failing run is an error
json() {
	local name=$1
	shift
	(cd / && "$@" -b -o json -d 0.5 -n 3 -p "$WRITER" -p "$OWN") \
		>"$SCRATCH/$name.json" 2>"$SCRATCH/$name.err" ||
		integ_hard_error "pidtop ($name) failed: $(head -3 "$SCRATCH/$name.err")"
}
json root "$PIDTOP"
json nobody $AS_USER --inh-caps=-all "$PIDTOP"
json raw $AS_USER --inh-caps=-all,+net_raw --ambient-caps=+net_raw "$PIDTOP"
json admin $AS_USER --inh-caps=-all,+net_admin --ambient-caps=+net_admin "$PIDTOP"
json fcaps $AS_USER --inh-caps=-all "$BIN/pidtop-fcaps"
json fcapsall $AS_USER --inh-caps=-all "$BIN/pidtop-fcaps-all"
json noadmin capsh --drop=cap_net_admin -- -c "exec '$PIDTOP' \"\$@\"" pidtop
json noraw capsh --drop=cap_net_raw -- -c "exec '$PIDTOP' \"\$@\"" pidtop
# what the drill-down reads of another user's process (--dump)
(cd / && $AS_USER --inh-caps=-all "$PIDTOP" --dump "$WRITER") >"$SCRATCH/dump-nobody.json" ||
	integ_hard_error "--dump as nobody failed"
(cd / && $AS_USER --inh-caps=-all "$BIN/pidtop-fcaps" --dump "$WRITER") >"$SCRATCH/dump-fcaps.json" ||
	integ_hard_error "--dump with file capabilities failed"

fails=0

# CAP_PERFMON: the route look-up tracepoint names the sender of a datagram
# from a socket that lived for one sendto() (doc/pidtop.1, net_tx_bps);
# nothing else can, so such a sender run by root is credited by a copy for
# nobody with everything but CAP_PERFMON 0% of its bytes, with it ~100%.
# Needs tracefs with the fib:fib_table_lookup event (0700 root: the
# copies read it with CAP_DAC_READ_SEARCH).
perf_udp() {
	local name=$1 bin=$2 d="$SCRATCH/$1" srv cli port
	mkdir -p "$d"
	chmod 755 "$d"
	integ_start SRV netpattern --role server --bind 127.0.0.1 --log "$d/server.log" \
		--ready "$d/sready" --linger 2 --proto udp --expect 200
	integ_wait_file "$d/sready" 10
	port=$(awk '$1 == "port" { print $2 }' "$d/server.log")
	integ_start CLI netpattern --role client --connect 127.0.0.1 --port "$port" --go "$d/go" \
		--ready "$d/cready" --log "$d/client.log" --linger 2 --pattern udp --per-second 100 \
		--seconds 2 --bytes 512
	integ_wait_file "$d/cready" 10
	srv=$(awk '$1 == "pid" { print $3 }' "$d/server.log")
	cli=$(awk '$1 == "pid" { print $3 }' "$d/client.log")
	(cd / && $AS_USER --inh-caps=-all "$bin" -b -o json -d 0.5 -n 10 -p "$srv,$cli") \
		>"$d/out.json" 2>"$d/out.err" &
	local p=$!
	integ_wait_report "$d/out.json" "$name"
	touch "$d/go"
	wait "$p" || integ_hard_error "pidtop ($name) failed: $(head -3 "$d/out.err")"
	wait "$CLI" || integ_hard_error "$name: the client failed"
	wait "$SRV" || integ_hard_error "$name: the server failed"
	"$PYTHON" - "$d" "$cli" "$3" <<'PY' || fails=$((fails + 1))
import json, sys
d, cli, want = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sent = [int(x.split("=")[1]) for l in open(d + "/client.log") if l.startswith("final")
        for x in l.split()[2:] if x.startswith("tx_ip=")][0]
got = 0.0
for line in open(d + "/out.json"):
    r = json.loads(line)
    for t in r["tasks"]:
        if t["pid"] == cli and t["tid"] == cli:
            got += (t["net_tx_bps"] or 0) * r["interval"]
share = 100 * got / sent
ok = share >= 95 and share <= 110 if want == "credited" else share < 5
err = open(d + "/out.err").read()
print("%s %s: the one-datagram sender credited %.0f of %d bytes = %.1f%% (%s expected)%s"
      % ("ok  " if ok and not err else "FAIL:", d.rsplit("/", 1)[1], got, sent, share, want,
         " stderr %r" % err[:200] if err else ""))
sys.exit(0 if ok and not err else 1)
PY
}
if [ -e /sys/kernel/tracing/events/fib/fib_table_lookup ]; then
	cp "$PIDTOP" "$BIN/pidtop-fcaps-perf"
	setcap cap_net_raw,cap_net_admin,cap_sys_ptrace,cap_dac_read_search,cap_perfmon+ep \
		"$BIN/pidtop-fcaps-perf"
	perf_udp perfmon "$BIN/pidtop-fcaps-perf" credited
	perf_udp noperfmon "$BIN/pidtop-fcaps-all" 0%
else
	echo "no fib:fib_table_lookup in /sys/kernel/tracing: CAP_PERFMON not checked"
fi

for copy in setuid setgid; do
	rc=0
	(cd / && $AS_USER --inh-caps=-all "$BIN/pidtop-$copy" -b -n 1 -d 0.1) \
		>"$SCRATCH/$copy.out" 2>"$SCRATCH/$copy.err" || rc=$?
	if [ "$rc" -eq 1 ] && [ "$(wc -l <"$SCRATCH/$copy.err")" -eq 1 ] &&
		grep -q "refusing to run set-user-ID or set-group-ID" "$SCRATCH/$copy.err" &&
		[ ! -s "$SCRATCH/$copy.out" ]; then
		echo "ok   a $copy copy run by nobody: exit 1, $(cat "$SCRATCH/$copy.err")"
	else
		echo "FAIL: a $copy copy run by nobody: exit $rc, stderr: $(head -3 "$SCRATCH/$copy.err")"
		fails=$((fails + 1))
	fi
done

"$PYTHON" - "$SCRATCH" "$WRITER" "$OWN" <<'PY' || fails=$((fails + 1))
import json, sys
scratch, writer, own = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fails = 0
def check(ok, msg):
    global fails
    print(("ok   " if ok else "FAIL: ") + msg)
    fails += not ok
def load(name):
    reports = [json.loads(l) for l in open("%s/%s.json" % (scratch, name))]
    err = open("%s/%s.err" % (scratch, name)).read()
    check(err == "", "%s: nothing on stderr %r" % (name, err[:200]))
    return reports
DELAYS = ("io_delay_pct", "swapin_delay_pct", "reclaim_delay_pct", "thrashing_delay_pct")
NET = ("net_tx_bps", "net_rx_bps", "net_tx_pps", "net_rx_pps")
IO = ("read_bps", "write_bps", "cwrite_bps")
def rows(reports, pid):
    return [t for r in reports[1:] for t in r["tasks"] if t["pid"] == pid]
def expect(name, taskstats, net, writer_io):
    reports = load(name)
    src = reports[-1]["sources"]
    ts = src["taskstats"]
    if taskstats:
        check(not ts.startswith("unavailable"), "%s: taskstats %r" % (name, ts))
    else:
        check(ts.startswith("unavailable") and "CAP_NET_ADMIN" in ts, "%s: taskstats %r" % (name, ts))
    if net:
        check(src["net"] == "ok", "%s: net %r" % (name, src["net"]))
    else:
        check(src["net"].startswith("unavailable") and "CAP_NET_RAW" in src["net"],
              "%s: net %r" % (name, src["net"]))
    w = rows(reports, writer)
    check(len(w) >= 2, "%s: the writer has rows (%d)" % (name, len(w)))
    # delays are figures only with taskstats and kernel.task_delayacct on
    delay_on = ts == "ok"
    check(all((t[k] is not None) == delay_on for t in w for k in DELAYS),
          "%s: delay columns %s" % (name, "figures" if delay_on else "null (n/a)"))
    check(all((t[k] is not None) == net for t in w for k in NET),
          "%s: net columns %s" % (name, "figures" if net else "null (n/a)"))
    if writer_io:
        check(all(t[k] is not None for t in w for k in IO) and
              all("io" not in t.get("no_access", []) for t in w),
              "%s: the root-owned writer's io figures: %s" % (name, [t["write_bps"] for t in w]))
    else:
        check(all(t[k] is None for t in w for k in IO) and
              all("io" in t.get("no_access", []) for t in w),
              "%s: the root-owned writer's io is noaccess (null, no_access %s)"
              % (name, w[0].get("no_access") if w else None))
    check(all(t["cpu_pct"] is not None and t["rss_kb"] is not None for t in w),
          "%s: cpu_pct and rss_kb are figures" % name)
    o = rows(reports, own)
    check(len(o) >= 2 and all(t[k] is not None for t in o for k in IO) and
          all(not t.get("no_access") for t in o),
          "%s: nobody's own sleeper's io figures %s" % (name, [t["read_bps"] for t in o]))
expect("root", True, True, True)
expect("nobody", False, False, False)
expect("raw", False, True, False)
expect("admin", True, False, False)
expect("fcaps", True, True, False)
expect("fcapsall", True, True, True)
expect("noadmin", False, True, True)
expect("noraw", True, False, True)
# the drill-down's files of another user's process
for name, refused in (("dump-nobody", {"exe", "cwd", "io", "environ", "fds", "maps", "smaps_rollup"}),
                      ("dump-fcaps", {"io", "environ", "fds"})):
    d = json.load(open("%s/%s.json" % (scratch, name)))
    got = set(d.get("unavailable", {})) - {"connections"}
    check(got == refused, "%s: refused %s, expected %s" % (name, sorted(got), sorted(refused)))
sys.exit(1 if fails else 0)
PY
[ "$fails" -eq 0 ]
