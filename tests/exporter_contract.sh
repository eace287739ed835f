#!/bin/bash
# pidtop --listen, the metric contract (issue 11), with a CPU burner, an
# O_DIRECT writer and a TCP pair running:
#  - /metrics passes `promtool check metrics` and holds every family of the
#    contract; the OpenMetrics form (asked for by Accept) ends with # EOF;
#  - / links to /metrics, other paths are 404 and other methods 405; a
#    connection is kept alive across scrapes;
#  - the number of series is the same with 100 and with 1,000 idle
#    processes of one name, and the group's process gauge counts them;
#  - with -w, every sample the exporter takes is recorded.
. "$(dirname "$0")/exporter_common.sh"

command -v promtool >/dev/null || integ_skip "promtool is needed (apt-get install prometheus)"

PORT=$(exp_free_port)
URL="http://127.0.0.1:$PORT"
integ_start BURN burner --threads 1 --duty 50 --seconds 30
integ_start WRITE odirect_writer --file "$SCRATCH/odirect.dat" --rate-kib 1024 --seconds 30
integ_start NET netpair --rate-kib 512 --seconds 30
exp_start "$PORT" -d 0.5 --top=5
sleep 1.2 # two more samples: every workload has moved

curl -sf "$URL/metrics" -D "$SCRATCH/text.hdr" -o "$SCRATCH/text.prom" || { echo "FAIL: GET /metrics"; exit 1; }
grep -qi '^content-type: text/plain; version=0.0.4' "$SCRATCH/text.hdr" ||
	{ echo "FAIL: content type:"; cat "$SCRATCH/text.hdr"; exit 1; }
if ! promtool check metrics <"$SCRATCH/text.prom" >"$SCRATCH/promtool.out" 2>&1 || [ -s "$SCRATCH/promtool.out" ]; then
	echo "FAIL: promtool check metrics:"
	head -20 "$SCRATCH/promtool.out"
	exit 1
fi
families="pidtop_group_cpu_seconds_total pidtop_group_runqueue_wait_seconds_total
pidtop_group_read_bytes_total pidtop_group_write_bytes_total
pidtop_group_cancelled_write_bytes_total pidtop_group_io_delay_seconds_total
pidtop_group_swapin_delay_seconds_total pidtop_group_network_transmit_bytes_total
pidtop_group_network_receive_bytes_total pidtop_group_network_transmit_packets_total
pidtop_group_network_receive_packets_total pidtop_group_context_switches_total
pidtop_group_major_page_faults_total pidtop_group_minor_page_faults_total
pidtop_group_processes_started_total pidtop_group_memory_rss_bytes
pidtop_group_memory_virtual_bytes pidtop_group_processes pidtop_group_threads
pidtop_process_cpu_seconds_total pidtop_process_read_bytes_total
pidtop_process_write_bytes_total pidtop_process_network_transmit_bytes_total
pidtop_process_network_receive_bytes_total pidtop_process_memory_rss_bytes
pidtop_network_unattributed_bytes_total pidtop_capture_dropped_packets_total
pidtop_source_up pidtop_source_info pidtop_sample_duration_seconds pidtop_build_info"
for f in $families; do
	grep -q "^# TYPE $f " "$SCRATCH/text.prom" || { echo "FAIL: no family $f"; exit 1; }
done
for f in pidtop_group_cpu_seconds_total pidtop_group_processes pidtop_source_up pidtop_build_info; do
	grep -q "^$f[{ ]" "$SCRATCH/text.prom" || { echo "FAIL: no sample of $f"; exit 1; }
done
# the workloads are there, with their labels
grep -q '^pidtop_group_cpu_seconds_total{group="burner",mode="user"} ' "$SCRATCH/text.prom" ||
	{ echo "FAIL: no burner group"; exit 1; }
grep -q '^pidtop_process_cpu_seconds_total{pid="'"$BURN"'",comm="burner",group="burner"} ' "$SCRATCH/text.prom" ||
	{ echo "FAIL: the burner (pid $BURN) is not a top process:"; grep '^pidtop_process_cpu' "$SCRATCH/text.prom"; exit 1; }
grep -q '^pidtop_source_info{source="proc",state="ok"} 1$' "$SCRATCH/text.prom" ||
	{ echo "FAIL: pidtop_source_info for proc"; exit 1; }

# OpenMetrics on Accept
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;version=0.0.4;q=0.5' \
	"$URL/metrics" -D "$SCRATCH/om.hdr" -o "$SCRATCH/om.txt" || { echo "FAIL: GET /metrics (OpenMetrics)"; exit 1; }
grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$SCRATCH/om.hdr" ||
	{ echo "FAIL: OpenMetrics content type:"; cat "$SCRATCH/om.hdr"; exit 1; }
[ "$(tail -n 1 "$SCRATCH/om.txt")" = "# EOF" ] || { echo "FAIL: the OpenMetrics form does not end with # EOF"; exit 1; }
grep -q '^# TYPE pidtop_group_cpu_seconds counter$' "$SCRATCH/om.txt" || { echo "FAIL: OpenMetrics counter family name"; exit 1; }
grep -q '^# TYPE pidtop_build info$' "$SCRATCH/om.txt" || { echo "FAIL: OpenMetrics info family"; exit 1; }
# a client that turns OpenMetrics down gets the text format
curl -sf -H 'Accept: application/openmetrics-text;q=0, text/plain' "$URL/metrics" | tail -n 1 | grep -qv '^# EOF' ||
	{ echo "FAIL: q=0 did not turn OpenMetrics down"; exit 1; }

# the index page, 404, 405
curl -sf "$URL/" | grep -q 'href="/metrics"' || { echo "FAIL: / does not link /metrics"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/nope")
[ "$code" = 404 ] || { echo "FAIL: /nope answered $code, not 404"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data x "$URL/metrics")
[ "$code" = 405 ] || { echo "FAIL: POST /metrics answered $code, not 405"; exit 1; }
# a scraper's connection is kept alive from one scrape to the next
curl -sv -o /dev/null -o /dev/null "$URL/metrics" "$URL/metrics" 2>&1 | grep -q 'Re-using existing connection' ||
	{ echo "FAIL: the connection was not kept alive between two scrapes"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/metrics")
[ "$code" = 200 ] || { echo "FAIL: HEAD /metrics answered $code"; exit 1; }

# series of one group: the same with 100 and with 1,000 idle processes
cp "$(command -v sleep)" "$SCRATCH/idlexp"
spawn_idle() { # N: adds N idle processes named idlexp
	local i
	for ((i = 0; i < $1; i++)); do
		"$SCRATCH/idlexp" 120 &
		INTEG_PGIDS="$INTEG_PGIDS $!"
	done
}
# waits until the exporter counts N idlexp processes; prints the group's series
idle_series() {
	local i
	for i in $(seq 60); do
		curl -sf "$URL/metrics" -o "$SCRATCH/idle.prom"
		if grep -qx "pidtop_group_processes{group=\"idlexp\"} $1" "$SCRATCH/idle.prom"; then
			# the group's own series: a just-started idlexp may also be
			# one of the --top processes for a while (its exec costs CPU)
			grep -c '^pidtop_group_[a-z_]*{group="idlexp"' "$SCRATCH/idle.prom"
			return 0
		fi
		sleep 0.5
	done
	echo "FAIL: the exporter did not count $1 idlexp processes:" >&2
	grep 'pidtop_group_processes{group="idlexp"}' "$SCRATCH/idle.prom" >&2
	return 1
}
spawn_idle 100
n100=$(idle_series 100) || exit 1
spawn_idle 900
n1000=$(idle_series 1000) || exit 1
if [ "$n100" -ne "$n1000" ] || [ "$n100" -lt 20 ]; then
	echo "FAIL: series of the idle group: $n100 with 100 processes, $n1000 with 1,000"
	exit 1
fi
echo "ok: contract ($(grep -vc '^#' "$SCRATCH/text.prom") series), $n100 series for 100 and for 1,000 idle processes"
exp_stop

# record and export: -w records every sample the exporter takes
PORT2=$(exp_free_port)
"$PIDTOP" --listen="127.0.0.1:$PORT2" -w "$SCRATCH/exp.rec" -d 0.2 -n 4 2>"$SCRATCH/rec.err" ||
	{ echo "FAIL: pidtop --listen -w -n 4:"; cat "$SCRATCH/rec.err"; exit 1; }
"$PIDTOP" -R "$SCRATCH/exp.rec" --info | grep -q '^samples *4,' ||
	{ echo "FAIL: the recording made with --listen does not hold its 4 samples:"; "$PIDTOP" -R "$SCRATCH/exp.rec" --info; exit 1; }
echo "ok: --listen -w recorded its 4 samples"
