/* netpair - a sender and a receiver process moving traffic over loopback
 * at a paced, known rate, for pidtop's network integration test.
 *
 * The parent is the sender; it forks the receiver first, so the two ends
 * are two processes with their own pids. Both set up their sockets (the TCP
 * connection is made), --ready is written, and both wait for the --go file
 * before any data moves, so a
 * capture started in between sees every packet. The sender then writes
 * --chunk bytes at a time on an absolute schedule for --seconds; both
 * processes stay alive for --linger seconds afterwards so a process viewer
 * can read their final totals.
 *
 * Addresses: the sender always talks to 127.0.0.1 or ::1; the receiver
 * binds the loopback address, the family's wildcard ("any") or the
 * dual-stack IPv6 wildcard ("any6", which takes IPv4 as v4-mapped
 * addresses). Nothing leaves the host.
 *
 * The truth is counted at the IP layer, header included, as pidtop counts
 * it. UDP: every datagram is payload + 8 (UDP) + 20 (IPv4) or 40 (IPv6).
 * TCP: the kernel's own per-socket counters from TCP_INFO
 * (include/uapi/linux/tcp.h: tcpi_bytes_sent and tcpi_bytes_received are
 * payload bytes, tcpi_segs_out and tcpi_segs_in segments, handshake and
 * pure ACKs included) plus one IP + TCP header per segment (20 + 12 more
 * when the timestamp option is on, which TCP_INFO reports). Read after the
 * close handshake, so FINs and the last ACKs are in.
 *
 * --log FILE gets, appended with one write() per line (both processes
 * write to it):
 *   pid sender PID | pid receiver PID
 *   progress T PAYLOAD        the sender's payload so far (T: wall clock)
 *   final ROLE tx_ip=B tx_pkts=N rx_ip=B rx_pkts=N payload=B
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"
#include "wl_tcp.h"

#define MAX_CHUNK 65536

struct opts {
	bool tcp;
	int family;      /* of the address the sender talks to */
	const char *bind; /* loopback | any | any6 */
	double rate_kib, seconds, linger;
	size_t chunk;
	const char *log, *ready, *go;
};

static const char prog[] = "netpair";
static int log_fd = -1;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netpair [--proto tcp|udp] [--family 4|6] [--bind loopback|any|any6]\n"
		"               [--rate-kib KIB] [--chunk BYTES] [--seconds S] [--linger S]\n"
		"               [--go FILE] [--log FILE] [--ready FILE]\n"
		"A sender (this process) and a receiver (a child) on 127.0.0.1 or ::1.\n"
		"The sender writes --chunk bytes (default 16384 TCP, 1000 UDP) at KIB KiB/s\n"
		"(default 1024) for S seconds (default 4), after --go FILE exists (when\n"
		"given), then both stay --linger seconds (default 2) and exit.\n"
		"--bind: the receiver's address: loopback (default), the family's wildcard,\n"
		"or [::] dual-stack. --log: pids, progress and the IP-layer truth.\n");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	bool chunk_given = false;

	*o = (struct opts){.tcp = true, .family = 4, .bind = "loopback", .rate_kib = 1024,
			   .seconds = 4, .linger = 2, .chunk = 16384};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		wl_check_option(argc, argv, i, usage);
		const char *v = argv[++i];
		if (strcmp(a, "--proto") == 0 && (strcmp(v, "tcp") == 0 || strcmp(v, "udp") == 0)) {
			o->tcp = strcmp(v, "tcp") == 0;
		} else if (strcmp(a, "--family") == 0 && (strcmp(v, "4") == 0 || strcmp(v, "6") == 0)) {
			o->family = v[0] - '0';
		} else if (strcmp(a, "--bind") == 0 &&
			   (strcmp(v, "loopback") == 0 || strcmp(v, "any") == 0 ||
			    strcmp(v, "any6") == 0)) {
			o->bind = v;
		} else if (strcmp(a, "--rate-kib") == 0) {
			o->rate_kib = wl_parse_number(prog, a, v, 1, 4 * 1024 * 1024);
		} else if (strcmp(a, "--chunk") == 0) {
			o->chunk = (size_t)wl_parse_number(prog, a, v, 1, MAX_CHUNK);
			chunk_given = true;
		} else if (strcmp(a, "--seconds") == 0) {
			o->seconds = wl_parse_number(prog, a, v, 0.1, 600);
		} else if (strcmp(a, "--linger") == 0) {
			o->linger = wl_parse_number(prog, a, v, 0, 60);
		} else if (strcmp(a, "--go") == 0) {
			o->go = v;
		} else if (strcmp(a, "--log") == 0) {
			o->log = v;
		} else if (strcmp(a, "--ready") == 0) {
			o->ready = v;
		} else {
			wl_bad_option(usage);
		}
	}
	if (!o->tcp && !chunk_given)
		o->chunk = 1000;
	/* one datagram must fit in an IPv6 packet of the 64 KiB loopback MTU */
	if (!o->tcp && o->chunk > 65000) {
		fprintf(stderr, "netpair: --chunk above 65000 for UDP\n");
		exit(2);
	}
}

/* The receiver's address (port 0: the kernel picks) or the sender's
 * destination. */
static socklen_t make_addr(struct sockaddr_storage *ss, int family, bool wildcard, uint16_t port)
{
	memset(ss, 0, sizeof *ss);
	if (family == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(wildcard ? INADDR_ANY : INADDR_LOOPBACK);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = wildcard ? in6addr_any : in6addr_loopback;
	return sizeof *a;
}

static void wait_for_go(const char *go)
{
	double limit = wl_clock_seconds(CLOCK_MONOTONIC) + 60;
	struct stat st;

	while (go && stat(go, &st) != 0) {
		if (wl_clock_seconds(CLOCK_MONOTONIC) > limit) {
			fprintf(stderr, "netpair: %s did not appear within 60 s\n", go);
			exit(1);
		}
		wl_sleep_seconds(0.01);
	}
}

/* IP + TCP header bytes of one segment of this connection. */
static unsigned tcp_header_bytes(int family, const struct tcp_info *ti)
{
	unsigned ip = family == AF_INET6 ? 40 : 20;

	return ip + 20 + ((ti->tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0);
}

static void log_tcp_final(const char *role, int s, int family)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		wl_die(prog, "TCP_INFO");
	/* tcpi_bytes_sent arrived in Linux 4.19: older kernels leave it 0 */
	if (len < offsetof(struct tcp_info, tcpi_bytes_sent) + sizeof ti.tcpi_bytes_sent) {
		fprintf(stderr, "netpair: this kernel's TCP_INFO lacks tcpi_bytes_sent\n");
		exit(1);
	}
	unsigned h = tcp_header_bytes(family, &ti);
	wl_log_line(log_fd, prog,
		    "final %s tx_ip=%llu tx_pkts=%u rx_ip=%llu rx_pkts=%u payload=%llu\n", role,
		    (unsigned long long)(ti.tcpi_bytes_sent + (uint64_t)ti.tcpi_segs_out * h),
		    ti.tcpi_segs_out,
		    (unsigned long long)(ti.tcpi_bytes_received + (uint64_t)ti.tcpi_segs_in * h),
		    ti.tcpi_segs_in, (unsigned long long)ti.tcpi_bytes_sent);
}

static int open_receiver(const struct opts *o, int *family_out, uint16_t *port)
{
	bool wildcard = strcmp(o->bind, "loopback") != 0;
	int family = strcmp(o->bind, "any6") == 0 ? 6 : o->family;
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, family, wildcard, 0);
	int s = socket(family == 4 ? AF_INET : AF_INET6, o->tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	int off = 0, on = 1;

	if (s < 0)
		wl_die(prog, "socket");
	/* any6 must take IPv4 too, whatever net.ipv6.bindv6only says */
	if (family == 6 && setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY,
				      strcmp(o->bind, "any6") == 0 ? &off : &on, sizeof off) < 0)
		wl_die(prog, "IPV6_V6ONLY");
	if (bind(s, (struct sockaddr *)&ss, len) < 0)
		wl_die(prog, "bind");
	if (o->tcp && listen(s, 4) < 0)
		wl_die(prog, "listen");
	if (getsockname(s, (struct sockaddr *)&ss, &len) < 0)
		wl_die(prog, "getsockname");
	*port = ntohs(family == 4 ? ((struct sockaddr_in *)&ss)->sin_port
				  : ((struct sockaddr_in6 *)&ss)->sin6_port);
	*family_out = family;
	return s;
}

static void receiver_main(const struct opts *o, int s, int ready_fd)
{
	static char buf[MAX_CHUNK];
	uint64_t got = 0, dgrams = 0;
	char one = 1;

	wl_log_line(log_fd, prog, "pid receiver %d\n", (int)getpid());
	if (write(ready_fd, &one, 1) != 1)
		wl_die(prog, "ready pipe");
	close(ready_fd);
	wait_for_go(o->go);
	/* UDP has no end of stream: the receiver stops on the clock */
	double deadline = wl_clock_seconds(CLOCK_MONOTONIC) + o->seconds + o->linger;
	if (o->tcp) {
		int c = accept(s, NULL, NULL);
		ssize_t n;

		if (c < 0)
			wl_die(prog, "accept");
		close(s);
		while ((n = read(c, buf, sizeof buf)) > 0)
			got += (uint64_t)n;
		if (n < 0)
			wl_die(prog, "read");
		/* our FIN, then a moment for the sender's last ACK to arrive */
		shutdown(c, SHUT_WR);
		wl_tcp_wait_closed(c, 0.001);
		/* the packets are of the sender's family, even on a dual-stack
		 * socket that holds the peer as ::ffff:127.0.0.1 */
		log_tcp_final("receiver", c, o->family == 4 ? AF_INET : AF_INET6);
		close(c);
	} else {
		struct timeval tv = {.tv_sec = 0, .tv_usec = 100000};

		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		while (wl_clock_seconds(CLOCK_MONOTONIC) < deadline) {
			ssize_t n = recv(s, buf, sizeof buf, 0);

			if (n >= 0) {
				got += (uint64_t)n;
				dgrams++;
			} else if (errno != EAGAIN && errno != EINTR) {
				wl_die(prog, "recv");
			}
		}
		wl_log_line(log_fd, prog, "final receiver-app datagrams=%llu payload=%llu\n",
			    (unsigned long long)dgrams, (unsigned long long)got);
	}
	wl_sleep_until_mono(deadline);
}

int main(int argc, char **argv)
{
	static char buf[MAX_CHUNK];
	struct opts o;
	struct sockaddr_storage dst;
	socklen_t dlen;
	int rfamily, pfd[2], status = 0;
	uint16_t port;
	char one;

	parse_args(argc, argv, &o);
	/* bounded: go wait (60 s) + traffic + linger + close handshakes */
	alarm((unsigned)(o.seconds + o.linger) + 70);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (o.log) {
		log_fd = open(o.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			wl_die(prog, o.log);
	}
	wl_log_line(log_fd, prog, "pid sender %d\n", (int)getpid());

	int rs = open_receiver(&o, &rfamily, &port);
	if (pipe(pfd) < 0)
		wl_die(prog, "pipe");
	pid_t child = fork();
	if (child < 0)
		wl_die(prog, "fork");
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(pfd[0]);
		receiver_main(&o, rs, pfd[1]);
		_exit(0);
	}
	close(rs);
	close(pfd[1]);
	(void)rfamily;

	dlen = make_addr(&dst, o.family, false, port);
	int s = socket(o.family == 4 ? AF_INET : AF_INET6, o.tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (s < 0)
		wl_die(prog, "socket");
	if (read(pfd[0], &one, 1) != 1) {
		fprintf(stderr, "netpair: the receiver did not start\n");
		return 1;
	}
	close(pfd[0]);
	if (o.tcp) {
		int on = 1;

		/* one write, one segment: the pacing is visible on the wire */
		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
		if (connect(s, (struct sockaddr *)&dst, dlen) < 0)
			wl_die(prog, "connect");
	}
	if (o.ready) {
		int r = open(o.ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (r >= 0)
			close(r);
	}
	memset(buf, 'n', sizeof buf);
	wait_for_go(o.go);

	uint64_t sent = 0, dgrams = 0;
	double step = (double)o.chunk / (o.rate_kib * 1024.0);
	double start = wl_clock_seconds(CLOCK_MONOTONIC), next = start, last_log = 0;
	wl_log_line(log_fd, prog, "progress %.6f 0\n", wl_clock_seconds(CLOCK_REALTIME));
	while (next < start + o.seconds) {
		ssize_t n = sendto(s, buf, o.chunk, 0, o.tcp ? NULL : (struct sockaddr *)&dst,
				   o.tcp ? 0 : dlen);

		if (n < 0 && errno != EINTR && errno != ENOBUFS)
			wl_die(prog, "send");
		if (n > 0) {
			sent += (uint64_t)n;
			dgrams++;
		}
		if (wl_clock_seconds(CLOCK_MONOTONIC) - last_log >= 0.05) {
			last_log = wl_clock_seconds(CLOCK_MONOTONIC);
			wl_log_line(log_fd, prog, "progress %.6f %llu\n",
				    wl_clock_seconds(CLOCK_REALTIME), (unsigned long long)sent);
		}
		next += step;
		wl_sleep_until_mono(next);
	}
	wl_log_line(log_fd, prog, "progress %.6f %llu\n", wl_clock_seconds(CLOCK_REALTIME),
		    (unsigned long long)sent);
	if (o.tcp) {
		ssize_t n;

		/* our FIN; the receiver answers with its FIN after reading all */
		shutdown(s, SHUT_WR);
		while ((n = read(s, buf, sizeof buf)) > 0)
			;
		wl_tcp_wait_closed(s, 0.001);
		log_tcp_final("sender", s, o.family == 4 ? AF_INET : AF_INET6);
	} else {
		unsigned h = 8 + (o.family == 4 ? 20 : 40);

		wl_log_line(log_fd, prog,
			    "final sender tx_ip=%llu tx_pkts=%llu rx_ip=0 rx_pkts=0 payload=%llu\n",
			    (unsigned long long)(sent + dgrams * h), (unsigned long long)dgrams,
			    (unsigned long long)sent);
	}
	close(s);
	wl_sleep_seconds(o.linger);
	if (waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "netpair: the receiver failed\n");
		return 1;
	}
	return 0;
}
