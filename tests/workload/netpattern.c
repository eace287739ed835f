/* netpattern - the short connections of long-running programs, for pidtop's
 * attribution tests (tests/integ_netpattern.sh) and bench/net.sh.
 *
 * Two roles, started as separate processes so that each may run in its own
 * network namespace:
 *
 *   netpattern --role server --proto tcp|udp [--bind ADDR] --expect N ...
 *     listens (TCP: accepts each connection, reads it to the end and closes
 *     it; UDP: receives datagrams) until N connections or datagrams came or
 *     --idle seconds passed without one, logs its truth and stays --linger
 *     seconds. Its port is logged ("port P") once it listens.
 *
 *   netpattern --role client --pattern seq|rate|udp --connect ADDR --port P
 *     seq:  --conns N connections one after the other, each writing --bytes
 *           and closing, --pause-ms apart;
 *     rate: connections of --bytes started --per-second a second for
 *           --seconds (paced on absolute deadlines);
 *     udp:  --per-second datagrams of --bytes a second for --seconds, each
 *           from a new socket (socket, sendto, close).
 *     --thread: a second thread does the work, the main thread waits.
 *   Starts once the --go file exists; stays --linger seconds afterwards.
 *
 * The truth, at the IP layer with headers as pidtop counts it: a TCP
 * connection's TCP_INFO once its close handshake is over (payload + segments
 * x (IP + TCP header)), a datagram's length plus its IP and UDP headers.
 * --log FILE gets, one write() per line:
 *   pid ROLE PID | port P
 *   final ROLE tx_ip=B tx_pkts=N rx_ip=B rx_pkts=N count=N
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wl_common.h"
#include "wl_tcp.h"

#define MAX_BYTES (16u << 20)

enum pattern { PAT_SEQ, PAT_RATE, PAT_UDP };

struct opts {
	bool server, udp, thread;
	enum pattern pattern;
	const char *bind, *connect;
	int port, conns, expect;
	double per_second, seconds, pause_ms, idle, linger;
	size_t bytes;
	const char *log, *ready, *go;
};

struct tally {
	uint64_t tx_ip, tx_pkts, rx_ip, rx_pkts;
	int count;
};

static const char prog[] = "netpattern";
static int log_fd = -1;
static struct opts o;
static struct sockaddr_storage peer;
static socklen_t peer_len;
static struct tally client_tally;

static void usage(FILE *f)
{
	fprintf(f, "Usage: netpattern --role server --proto tcp|udp [--bind ADDR] [--expect N]\n"
		   "                  [--idle S] [--linger S] [--log FILE] [--ready FILE]\n"
		   "       netpattern --role client --pattern seq|rate|udp --connect ADDR --port P\n"
		   "                  [--conns N] [--bytes B] [--pause-ms MS] [--per-second R]\n"
		   "                  [--seconds S] [--thread] [--go FILE] [--linger S] [--log FILE]\n"
		   "The short connections of a long-running program and a long-running server\n"
		   "(see the head of tests/workload/netpattern.c).\n");
}

static void parse_value(const char *a, const char *v)
{
	if (strcmp(a, "--role") == 0 && (strcmp(v, "server") == 0 || strcmp(v, "client") == 0))
		o.server = v[0] == 's';
	else if (strcmp(a, "--proto") == 0 && (strcmp(v, "tcp") == 0 || strcmp(v, "udp") == 0))
		o.udp = v[0] == 'u';
	else if (strcmp(a, "--pattern") == 0 && strcmp(v, "seq") == 0)
		o.pattern = PAT_SEQ;
	else if (strcmp(a, "--pattern") == 0 && strcmp(v, "rate") == 0)
		o.pattern = PAT_RATE;
	else if (strcmp(a, "--pattern") == 0 && strcmp(v, "udp") == 0)
		o.pattern = PAT_UDP;
	else if (strcmp(a, "--bind") == 0)
		o.bind = v;
	else if (strcmp(a, "--connect") == 0)
		o.connect = v;
	else if (strcmp(a, "--port") == 0)
		o.port = (int)wl_parse_number(prog, a, v, 1, 65535);
	else if (strcmp(a, "--conns") == 0)
		o.conns = (int)wl_parse_number(prog, a, v, 1, 100000);
	else if (strcmp(a, "--expect") == 0)
		o.expect = (int)wl_parse_number(prog, a, v, 1, 1000000);
	else if (strcmp(a, "--bytes") == 0)
		o.bytes = (size_t)wl_parse_number(prog, a, v, 1, MAX_BYTES);
	else if (strcmp(a, "--per-second") == 0)
		o.per_second = wl_parse_number(prog, a, v, 0.1, 100000);
	else if (strcmp(a, "--seconds") == 0)
		o.seconds = wl_parse_number(prog, a, v, 0.1, 600);
	else if (strcmp(a, "--pause-ms") == 0)
		o.pause_ms = wl_parse_number(prog, a, v, 0, 10000);
	else if (strcmp(a, "--idle") == 0)
		o.idle = wl_parse_number(prog, a, v, 0.1, 600);
	else if (strcmp(a, "--linger") == 0)
		o.linger = wl_parse_number(prog, a, v, 0, 600);
	else if (strcmp(a, "--log") == 0)
		o.log = v;
	else if (strcmp(a, "--ready") == 0)
		o.ready = v;
	else if (strcmp(a, "--go") == 0)
		o.go = v;
	else
		wl_bad_option(usage);
}

static void parse_args(int argc, char **argv)
{
	o = (struct opts){.bind = "127.0.0.1", .conns = 30, .expect = 1000000, .bytes = 4096,
			  .per_second = 100, .seconds = 2, .pause_ms = 100, .idle = 10,
			  .linger = 2};
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--thread") == 0) {
			o.thread = true;
			continue;
		}
		wl_check_option(argc, argv, i, usage);
		parse_value(argv[i], argv[i + 1]);
		i++;
	}
	if (!o.server && (!o.connect || !o.port)) {
		usage(stderr);
		exit(2);
	}
	if (o.pattern == PAT_UDP)
		o.udp = true;
	if (o.pattern == PAT_UDP && o.bytes > 60000) {
		fprintf(stderr, "netpattern: a datagram holds at most 60000 bytes here\n");
		exit(2);
	}
}

/* ADDR (IPv4 or IPv6) and port into ss; exits 2 on a bad address. */
static socklen_t make_addr(struct sockaddr_storage *ss, const char *addr, int port)
{
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		return sizeof *a4;
	}
	if (inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return sizeof *a6;
	}
	fprintf(stderr, "netpattern: bad address '%s'\n", addr);
	exit(2);
}

static uint64_t ip_udp_header(int family)
{
	return family == AF_INET ? 20 + 8 : 40 + 8;
}

/* Adds a connection's segments and bytes, each segment with one IP and TCP
 * header (12 bytes of timestamp option when negotiated). */
static void tally_tcp(struct tally *t, int s, int family)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		wl_die(prog, "TCP_INFO");
	uint64_t h = (family == AF_INET ? 20 : 40) + 20 +
		     ((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0);
	t->tx_ip += ti.tcpi_bytes_sent + ti.tcpi_segs_out * h;
	t->tx_pkts += ti.tcpi_segs_out;
	t->rx_ip += ti.tcpi_bytes_received + ti.tcpi_segs_in * h;
	t->rx_pkts += ti.tcpi_segs_in;
	t->count++;
}

static void log_final(const char *role, const struct tally *t)
{
	wl_log_line(log_fd, prog, "final %s tx_ip=%llu tx_pkts=%llu rx_ip=%llu rx_pkts=%llu count=%d\n",
		    role, (unsigned long long)t->tx_ip, (unsigned long long)t->tx_pkts,
		    (unsigned long long)t->rx_ip, (unsigned long long)t->rx_pkts, t->count);
}

/* Whether fd becomes readable within the idle time. */
static bool wait_readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int n;
	while ((n = poll(&p, 1, (int)(o.idle * 1000))) < 0 && errno == EINTR)
		;
	return n > 0;
}

static void serve_tcp(int ls, int family, struct tally *t)
{
	static char buf[65536];
	while (t->count < o.expect && wait_readable(ls)) {
		int c = accept(ls, NULL, NULL);
		ssize_t n;
		if (c < 0)
			wl_die(prog, "accept");
		while ((n = read(c, buf, sizeof buf)) > 0)
			;
		shutdown(c, SHUT_WR);
		wl_tcp_wait_closed(c, 0.0005);
		tally_tcp(t, c, family);
		close(c);
	}
}

static void serve_udp(int s, int family, struct tally *t)
{
	static char buf[65536];
	while (t->count < o.expect && wait_readable(s)) {
		ssize_t n = recv(s, buf, sizeof buf, 0);
		if (n < 0)
			continue;
		t->rx_ip += (uint64_t)n + ip_udp_header(family);
		t->rx_pkts++;
		t->count++;
	}
}

static int server_main(void)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, o.bind, 0);
	int s = socket(ss.ss_family, o.udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&ss, len) < 0 || (!o.udp && listen(s, 256) < 0) ||
	    getsockname(s, (struct sockaddr *)&ss, &len) < 0)
		wl_die(prog, "listen");
	int port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						 : ((struct sockaddr_in6 *)&ss)->sin6_port);
	wl_log_line(log_fd, prog, "port %d\n", port);
	wl_signal_ready(o.ready);
	struct tally t = {0};
	if (o.udp)
		serve_udp(s, ss.ss_family, &t);
	else
		serve_tcp(s, ss.ss_family, &t);
	log_final("server", &t);
	/* a long-running server keeps listening */
	wl_sleep_seconds(o.linger);
	close(s);
	return 0;
}

/* One connection: connect, write, close its side, read to the end. */
static void one_conn(struct tally *t)
{
	static char buf[65536];
	int s = socket(peer.ss_family, SOCK_STREAM, 0);
	if (s < 0)
		wl_die(prog, "socket");
	if (connect(s, (struct sockaddr *)&peer, peer_len) < 0)
		wl_die(prog, "connect");
	size_t left = o.bytes;
	while (left > 0) {
		ssize_t got = write(s, buf, left < sizeof buf ? left : sizeof buf);
		if (got < 0 && errno != EINTR)
			wl_die(prog, "write");
		if (got > 0)
			left -= (size_t)got;
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof buf) > 0)
		;
	wl_tcp_wait_closed(s, 0.0005);
	tally_tcp(t, s, peer.ss_family);
	close(s);
}

static void one_datagram(struct tally *t)
{
	static char buf[60000];
	int s = socket(peer.ss_family, SOCK_DGRAM, 0);
	if (s < 0)
		wl_die(prog, "socket");
	if (sendto(s, buf, o.bytes, 0, (struct sockaddr *)&peer, peer_len) == (ssize_t)o.bytes) {
		t->tx_ip += o.bytes + ip_udp_header(peer.ss_family);
		t->tx_pkts++;
		t->count++;
	}
	close(s);
}

static void *work(void *arg)
{
	(void)arg;
	double t0 = wl_clock_seconds(CLOCK_MONOTONIC);
	if (o.pattern == PAT_SEQ) {
		for (int i = 0; i < o.conns; i++) {
			one_conn(&client_tally);
			wl_sleep_seconds(o.pause_ms / 1000);
		}
		return NULL;
	}
	long n = (long)(o.per_second * o.seconds);
	for (long i = 0; i < n; i++) {
		wl_sleep_until_mono(t0 + (double)i / o.per_second);
		if (o.pattern == PAT_UDP)
			one_datagram(&client_tally);
		else
			one_conn(&client_tally);
	}
	return NULL;
}

static void wait_for_go(void)
{
	double limit = wl_clock_seconds(CLOCK_MONOTONIC) + 60;
	struct stat st;
	while (o.go && stat(o.go, &st) != 0) {
		if (wl_clock_seconds(CLOCK_MONOTONIC) > limit) {
			fprintf(stderr, "netpattern: %s did not appear within 60 s\n", o.go);
			exit(1);
		}
		wl_sleep_seconds(0.01);
	}
}

static int client_main(void)
{
	peer_len = make_addr(&peer, o.connect, o.port);
	wl_signal_ready(o.ready);
	wait_for_go();
	if (o.thread) {
		pthread_t th;
		if ((errno = pthread_create(&th, NULL, work, NULL)) != 0)
			wl_die(prog, "pthread_create");
		pthread_join(th, NULL);
	} else {
		work(NULL);
	}
	log_final("client", &client_tally);
	wl_sleep_seconds(o.linger);
	return 0;
}

int main(int argc, char **argv)
{
	parse_args(argc, argv);
	/* bounded: the go wait, the work (a generous 1 s per connection), linger */
	double work_s = o.pattern == PAT_SEQ ? o.conns * (1 + o.pause_ms / 1000) : o.seconds * 2;
	wl_lifetime_guard(60 + (o.server ? o.idle * 2 + 600 : work_s) + o.linger);
	if (o.log) {
		log_fd = open(o.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			wl_die(prog, o.log);
	}
	wl_log_line(log_fd, prog, "pid %s %d\n", o.server ? "server" : "client", (int)getpid());
	return o.server ? server_main() : client_main();
}
