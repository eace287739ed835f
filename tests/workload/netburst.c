/* netburst - a burst of short TCP connections over loopback, each moving a
 * known number of bytes and closing quickly, for pidtop's network
 * integration test (can a flow that lives a few tens of milliseconds still
 * be tied to its process?).
 *
 * The parent is the client; it forks the server first (a listener that
 * accepts the connections one after the other and reads each to the end).
 * After the --go file exists, the client opens --conns connections to
 * 127.0.0.1 or ::1; on each it writes --bytes in --chunks writes --gap-ms
 * apart, closes its side, waits for the server's close, and pauses
 * --pause-ms before the next. Both processes then stay --linger seconds.
 * With --fork-per-conn each connection is made by a fresh child process
 * that exits right after it (like a curl run); their pids are logged.
 *
 * The truth, at the IP layer with headers as pidtop counts it, comes from
 * each connection's TCP_INFO after its close handshake (see netpair.c):
 * payload + segments x (IP + TCP header). --log FILE gets, one write()
 * per line:
 *   pid client PID | pid server PID | pid conn PID (with --fork-per-conn)
 *   final ROLE tx_ip=B tx_pkts=N rx_ip=B rx_pkts=N payload=B conns=N
 *   lives max_ms=M over_100ms=N   (client: connect() to the end of close)
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

#define MAX_BYTES (16u << 20)

struct opts {
	int family, conns, chunks;
	size_t bytes;
	double gap_ms, pause_ms, linger;
	bool fork_per_conn;
	const char *log, *ready, *go;
};

/* What one end of the connections did, summed. */
struct tally {
	uint64_t tx_ip, tx_pkts, rx_ip, rx_pkts, payload;
	int conns;
};

static const char prog[] = "netburst";
static int log_fd = -1;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: netburst [--family 4|6] [--conns N] [--bytes B] [--chunks K]\n"
		"                [--gap-ms MS] [--pause-ms MS] [--linger S] [--fork-per-conn]\n"
		"                [--go FILE] [--log FILE] [--ready FILE]\n"
		"N (default 50) TCP connections to a server child on 127.0.0.1 or ::1, one\n"
		"after the other, each writing B bytes (default 20000) in K writes (default\n"
		"4) MS ms apart (default 15), then closing; --pause-ms (default 30) between\n"
		"connections. Starts when --go FILE exists (when given); both processes\n"
		"stay --linger seconds (default 2) afterwards. --log: pids and the truth.\n");
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	*o = (struct opts){.family = 4, .conns = 50, .chunks = 4, .bytes = 20000,
			   .gap_ms = 15, .pause_ms = 30, .linger = 2};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		/* the one option without a value */
		if (strcmp(a, "--fork-per-conn") == 0) {
			o->fork_per_conn = true;
			continue;
		}
		wl_check_option(argc, argv, i, usage);
		const char *v = argv[++i];
		if (strcmp(a, "--family") == 0 && (strcmp(v, "4") == 0 || strcmp(v, "6") == 0))
			o->family = v[0] - '0';
		else if (strcmp(a, "--conns") == 0)
			o->conns = (int)wl_parse_number(prog, a, v, 1, 10000);
		else if (strcmp(a, "--bytes") == 0)
			o->bytes = (size_t)wl_parse_number(prog, a, v, 1, MAX_BYTES);
		else if (strcmp(a, "--chunks") == 0)
			o->chunks = (int)wl_parse_number(prog, a, v, 1, 1000);
		else if (strcmp(a, "--gap-ms") == 0)
			o->gap_ms = wl_parse_number(prog, a, v, 0, 10000);
		else if (strcmp(a, "--pause-ms") == 0)
			o->pause_ms = wl_parse_number(prog, a, v, 0, 10000);
		else if (strcmp(a, "--linger") == 0)
			o->linger = wl_parse_number(prog, a, v, 0, 60);
		else if (strcmp(a, "--go") == 0)
			o->go = v;
		else if (strcmp(a, "--log") == 0)
			o->log = v;
		else if (strcmp(a, "--ready") == 0)
			o->ready = v;
		else
			wl_bad_option(usage);
	}
}

static socklen_t make_addr(struct sockaddr_storage *ss, int family, uint16_t port)
{
	memset(ss, 0, sizeof *ss);
	if (family == 4) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *a;
	}
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	a->sin6_addr = in6addr_loopback;
	return sizeof *a;
}

/* Adds a closed connection's segments and bytes, each segment with one IP
 * and TCP header (12 bytes of timestamp option when negotiated). */
static void tally_add(struct tally *t, int s, int family)
{
	struct tcp_info ti;
	socklen_t len = sizeof ti;

	memset(&ti, 0, sizeof ti);
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
		wl_die(prog, "TCP_INFO");
	if (len < offsetof(struct tcp_info, tcpi_bytes_sent) + sizeof ti.tcpi_bytes_sent) {
		fprintf(stderr, "netburst: this kernel's TCP_INFO lacks tcpi_bytes_sent\n");
		exit(1);
	}
	uint64_t h = (family == 4 ? 20 : 40) + 20 + ((ti.tcpi_options & TCPI_OPT_TIMESTAMPS) ? 12 : 0);
	t->tx_ip += ti.tcpi_bytes_sent + ti.tcpi_segs_out * h;
	t->tx_pkts += ti.tcpi_segs_out;
	t->rx_ip += ti.tcpi_bytes_received + ti.tcpi_segs_in * h;
	t->rx_pkts += ti.tcpi_segs_in;
	t->payload += ti.tcpi_bytes_sent;
	t->conns++;
}

static void log_tally(const char *role, const struct tally *t)
{
	wl_log_line(log_fd, prog,
		    "final %s tx_ip=%llu tx_pkts=%llu rx_ip=%llu rx_pkts=%llu payload=%llu conns=%d\n",
		    role, (unsigned long long)t->tx_ip, (unsigned long long)t->tx_pkts,
		    (unsigned long long)t->rx_ip, (unsigned long long)t->rx_pkts,
		    (unsigned long long)t->payload, t->conns);
}

static void wait_for_go(const char *go)
{
	double limit = wl_clock_seconds(CLOCK_MONOTONIC) + 60;
	struct stat st;

	while (go && stat(go, &st) != 0) {
		if (wl_clock_seconds(CLOCK_MONOTONIC) > limit) {
			fprintf(stderr, "netburst: %s did not appear within 60 s\n", go);
			exit(1);
		}
		wl_sleep_seconds(0.01);
	}
}

static void server_main(const struct opts *o, int ls)
{
	static char buf[65536];
	struct tally t = {0};

	wl_log_line(log_fd, prog, "pid server %d\n", (int)getpid());
	for (int i = 0; i < o->conns; i++) {
		int c = accept(ls, NULL, NULL);
		ssize_t n;

		if (c < 0)
			wl_die(prog, "accept");
		while ((n = read(c, buf, sizeof buf)) > 0)
			;
		if (n < 0)
			wl_die(prog, "read");
		shutdown(c, SHUT_WR);
		wl_tcp_wait_closed(c, 0.0005);
		tally_add(&t, c, o->family);
		close(c);
	}
	log_tally("server", &t);
	wl_sleep_seconds(o->linger);
}

/* One connection: connect, write, close, wait for the server's close.
 * Returns its life in seconds. */
static double one_conn(const struct opts *o, const struct sockaddr_storage *dst, socklen_t dlen,
		       struct tally *t)
{
	static char buf[MAX_BYTES / 16];
	size_t per = o->bytes / (size_t)o->chunks, left = o->bytes;
	double t0 = wl_clock_seconds(CLOCK_MONOTONIC);
	int s = socket(o->family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	int on = 1;

	if (s < 0)
		wl_die(prog, "socket");
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	if (connect(s, (const struct sockaddr *)dst, dlen) < 0)
		wl_die(prog, "connect");
	for (int k = 0; k < o->chunks; k++) {
		size_t n = k == o->chunks - 1 ? left : per;

		while (n > 0) {
			size_t w = n < sizeof buf ? n : sizeof buf;
			ssize_t got = write(s, buf, w);

			if (got < 0 && errno != EINTR)
				wl_die(prog, "write");
			if (got > 0) {
				n -= (size_t)got;
				left -= (size_t)got;
			}
		}
		if (k < o->chunks - 1 && o->gap_ms > 0)
			wl_sleep_seconds(o->gap_ms / 1000);
	}
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof buf) > 0)
		;
	double life = wl_clock_seconds(CLOCK_MONOTONIC) - t0;
	wl_tcp_wait_closed(s, 0.0005);
	tally_add(t, s, o->family);
	close(s);
	return life;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct sockaddr_storage ss;
	socklen_t len;
	int status;

	parse_args(argc, argv, &o);
	/* bounded: go wait + connections (a generous 1 s each at most) + linger */
	alarm((unsigned)(60 + o.conns * (1 + (o.chunks * o.gap_ms + o.pause_ms) / 1000) + o.linger) +
	      10);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (o.log) {
		log_fd = open(o.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (log_fd < 0)
			wl_die(prog, o.log);
	}
	wl_log_line(log_fd, prog, "pid client %d\n", (int)getpid());

	len = make_addr(&ss, o.family, 0);
	int ls = socket(o.family == 4 ? AF_INET : AF_INET6, SOCK_STREAM, 0);
	if (ls < 0 || bind(ls, (struct sockaddr *)&ss, len) < 0 || listen(ls, 64) < 0 ||
	    getsockname(ls, (struct sockaddr *)&ss, &len) < 0)
		wl_die(prog, "listen");
	uint16_t port = ntohs(o.family == 4 ? ((struct sockaddr_in *)&ss)->sin_port
					    : ((struct sockaddr_in6 *)&ss)->sin6_port);
	pid_t server = fork();
	if (server < 0)
		wl_die(prog, "fork");
	if (server == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		server_main(&o, ls);
		_exit(0);
	}
	close(ls);
	if (o.ready) {
		int r = open(o.ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (r >= 0)
			close(r);
	}
	wait_for_go(o.go);

	struct sockaddr_storage dst;
	socklen_t dlen = make_addr(&dst, o.family, port);
	struct tally t = {0};
	double max_life = 0;
	int over = 0;
	for (int i = 0; i < o.conns; i++) {
		double life;

		if (o.fork_per_conn) {
			double t0 = wl_clock_seconds(CLOCK_MONOTONIC);
			pid_t c = fork();

			if (c < 0)
				wl_die(prog, "fork");
			if (c == 0) {
				struct tally ct = {0};

				wl_log_line(log_fd, prog, "pid conn %d\n", (int)getpid());
				one_conn(&o, &dst, dlen, &ct);
				log_tally("conn", &ct);
				_exit(0);
			}
			if (waitpid(c, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0)
				wl_die(prog, "connection child");
			life = wl_clock_seconds(CLOCK_MONOTONIC) - t0;
		} else {
			life = one_conn(&o, &dst, dlen, &t);
		}
		if (life > max_life)
			max_life = life;
		over += life > 0.1;
		if (o.pause_ms > 0)
			wl_sleep_seconds(o.pause_ms / 1000);
	}
	if (!o.fork_per_conn)
		log_tally("client", &t);
	wl_log_line(log_fd, prog, "lives max_ms=%.1f over_100ms=%d\n", max_life * 1000, over);
	wl_sleep_seconds(o.linger);
	if (waitpid(server, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "netburst: the server failed\n");
		return 1;
	}
	return 0;
}
