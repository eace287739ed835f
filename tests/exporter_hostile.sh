#!/bin/bash
# pidtop --listen against hostile clients (issue 11): 200 idle connections
# held open, garbage request lines, a 64 KiB header, a client that sends
# byte by byte, and clients that ask for /metrics over and over and never
# read. Meanwhile /metrics still answers a well-behaved client within 1 s
# every time, and sampling keeps its interval (pidtop_samples_total grows
# by at least 80% of the samples due).
. "$(dirname "$0")/exporter_common.sh"

PORT=$(exp_free_port)
exp_start "$PORT" -d 0.5 --no-net
"$PYTHON" - "$PORT" <<'EOP' || exit 1
import re, socket, sys, time

port = int(sys.argv[1])
fails = []

def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s

def scrape():
    """a well-behaved client: the time it takes and the body"""
    t = time.monotonic()
    s = conn()
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    return time.monotonic() - t, data

def samples(body):
    m = re.search(rb"^pidtop_samples_total (\d+)$", body, re.M)
    return int(m.group(1)) if m else None

took, body = scrape()
start_samples, start_t = samples(body), time.monotonic()
if not body.startswith(b"HTTP/1.1 200") or start_samples is None:
    sys.exit("FAIL: a first scrape: %r" % body[:200])

held = []
idle = [conn() for _ in range(200)]
held += idle
for _ in range(10):  # garbage request lines
    s = conn()
    s.sendall(b"\x00\xff\xfe GARBAGE \x01\r\n\r\n")
    held.append(s)
big = conn()  # a 64 KiB header
try:  # the server may answer and close before it is all sent
    big.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
except OSError:
    pass
held.append(big)
drip = conn()  # sends a byte at a time
held.append(drip)
stuck = []
for _ in range(5):  # ask and never read
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.setblocking(False)
    try:
        for _ in range(50):
            s.send(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    except OSError:  # full (it never reads), or closed by the server
        pass
    stuck.append(s)
held += stuck

worst = 0.0
request = b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
for i in range(8):
    if i < len(request):
        try:
            drip.send(request[i:i + 1])
        except OSError:
            pass
    took, body = scrape()
    worst = max(worst, took)
    if not body.startswith(b"HTTP/1.1 200") or not body.rstrip().endswith(b"1"):
        fails.append("scrape %d under attack: %r" % (i, body[:100]))
    time.sleep(0.5)
# the big header was refused (431) or the connection closed, not served
big.settimeout(2)
try:
    reply = big.recv(100)  # a reset is a refusal too
except OSError:
    reply = b""
if reply.startswith(b"HTTP/1.1 200"):
    fails.append("a 64 KiB header was served")
# every idle connection is still accepted (none was refused for the others)
took, body = scrape()
worst = max(worst, took)
due = (time.monotonic() - start_t) / 0.5
got = samples(body) - start_samples
print("slowest scrape under attack: %.3f s; samples %d of %.1f due; big header answer %r"
      % (worst, got, due, reply[:30]))
if worst > 1.0:
    fails.append("a scrape took %.3f s" % worst)
if got < 0.8 * due - 1:
    fails.append("sampling fell behind: %d samples of %.1f" % (got, due))
for s in held:
    s.close()
if fails:
    sys.exit("FAIL: " + "; ".join(fails))
EOP
exp_stop
