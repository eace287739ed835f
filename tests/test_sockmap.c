/* test_sockmap.c - attribution rules (flow -> socket scoring), sock_diag
 * message parsing, the incremental /proc/PID/fd index on a fixture tree, and
 * one unprivileged round trip through the real kernel's sock_diag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/sockdiag.h"
#include "../src/sockmap.h"

static void addr(int family, const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	assert_int_equal(inet_pton(family, text, out), 1);
}

static struct sockmap_sock sock(int family, int proto, const char *l, uint16_t lport,
				const char *r, uint16_t rport, uint32_t inode)
{
	struct sockmap_sock s;
	memset(&s, 0, sizeof s);
	s.family = (uint8_t)family;
	s.proto = (uint8_t)proto;
	addr(family, l, s.laddr);
	addr(family, r, s.raddr);
	s.lport = lport;
	s.rport = rport;
	s.inode = inode;
	return s;
}

static struct flow_key leg(int family, int proto, const char *l, uint16_t lport, const char *r,
			   uint16_t rport)
{
	struct flow_key k;
	memset(&k, 0, sizeof k);
	k.family = (uint8_t)family;
	k.proto = (uint8_t)proto;
	addr(family, l, k.saddr);
	addr(family, r, k.daddr);
	k.sport = lport;
	k.dport = rport;
	return k;
}

static uint32_t match_inode(const struct sockmap_sock *s, size_t n, struct flow_key k)
{
	const struct sockmap_sock *m = sockmap_match(s, n, &k);
	return m ? m->inode : 0;
}

/* Loopback TCP: both ends are local sockets; each leg finds its own end,
 * the established socket beats the listener on the same port. */
static void test_loopback_tcp_pair(void **state)
{
	(void)state;
	struct sockmap_sock s[] = {
		sock(AF_INET, IPPROTO_TCP, "0.0.0.0", 5001, "0.0.0.0", 0, 10),          /* listener */
		sock(AF_INET, IPPROTO_TCP, "127.0.0.1", 5001, "127.0.0.1", 40000, 11),  /* accepted */
		sock(AF_INET, IPPROTO_TCP, "127.0.0.1", 40000, "127.0.0.1", 5001, 12),  /* client */
	};
	/* a packet 127.0.0.1:40000 -> 127.0.0.1:5001: sender leg and receiver leg */
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 40000, "127.0.0.1", 5001)), 12);
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 5001, "127.0.0.1", 40000)), 11);
	/* a new peer before accept(): the listener takes it */
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 5001, "127.0.0.1", 40001)), 10);
	/* UDP never matches a TCP socket, nor another port */
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_UDP, "127.0.0.1", 5001, "127.0.0.1", 40000)), 0);
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 5002, "127.0.0.1", 40000)), 0);
	/* an established socket to another peer does not take this one */
	struct sockmap_sock only_est[] = {s[1]};
	assert_int_equal(match_inode(only_est, 1, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 5001, "127.0.0.1", 40001)), 0);
}

/* UDP server bound to 0.0.0.0 (and [::] dual-stack or v6only), senders
 * with unconnected sockets, a connected socket preferred over the wildcard. */
static void test_wildcard_udp(void **state)
{
	(void)state;
	struct sockmap_sock s[] = {
		sock(AF_INET, IPPROTO_UDP, "0.0.0.0", 9000, "0.0.0.0", 0, 20),
		sock(AF_INET, IPPROTO_UDP, "127.0.0.1", 9000, "127.0.0.1", 7777, 21),
		sock(AF_INET, IPPROTO_UDP, "0.0.0.0", 7777, "0.0.0.0", 0, 22),
	};
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_UDP, "10.9.8.7", 9000, "10.0.0.1", 1234)), 20);
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_UDP, "127.0.0.1", 9000, "127.0.0.1", 7777)), 21);
	assert_int_equal(match_inode(s, 3, leg(AF_INET, IPPROTO_UDP, "127.0.0.1", 7777, "127.0.0.1", 9000)), 22);
	/* IPv6 leg: an IPv4 socket cannot carry it */
	assert_int_equal(match_inode(s, 3, leg(AF_INET6, IPPROTO_UDP, "::1", 9000, "::1", 1)), 0);

	/* [::]:53 dual-stack takes IPv4 and IPv6; v6only takes only IPv6 */
	struct sockmap_sock d = sock(AF_INET6, IPPROTO_UDP, "::", 53, "::", 0, 30);
	assert_int_equal(match_inode(&d, 1, leg(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "192.0.2.9", 5353)), 30);
	assert_int_equal(match_inode(&d, 1, leg(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, "2001:db8::2", 1)), 30);
	d.v6only = true;
	assert_int_equal(match_inode(&d, 1, leg(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "192.0.2.9", 5353)), 0);
	assert_int_equal(match_inode(&d, 1, leg(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, "2001:db8::2", 1)), 30);
	/* same port in both families: the IPv4 socket wins an IPv4 leg */
	struct sockmap_sock both[] = {
		sock(AF_INET6, IPPROTO_UDP, "::", 53, "::", 0, 31),
		sock(AF_INET, IPPROTO_UDP, "0.0.0.0", 53, "0.0.0.0", 0, 32),
	};
	assert_int_equal(match_inode(both, 2, leg(AF_INET, IPPROTO_UDP, "192.0.2.1", 53, "192.0.2.9", 1)), 32);
	/* a socket bound to one address does not take another address's traffic */
	struct sockmap_sock bound = sock(AF_INET, IPPROTO_UDP, "127.0.0.2", 53, "0.0.0.0", 0, 33);
	assert_int_equal(match_inode(&bound, 1, leg(AF_INET, IPPROTO_UDP, "127.0.0.1", 53, "127.0.0.1", 1)), 0);
	assert_int_equal(match_inode(&bound, 1, leg(AF_INET, IPPROTO_UDP, "127.0.0.2", 53, "127.0.0.1", 1)), 33);
	/* exact local address beats the wildcard on the same port */
	struct sockmap_sock pair[] = {sock(AF_INET, IPPROTO_UDP, "0.0.0.0", 53, "0.0.0.0", 0, 34), bound};
	pair[1].lport = 53;
	assert_int_equal(match_inode(pair, 2, leg(AF_INET, IPPROTO_UDP, "127.0.0.2", 53, "127.0.0.1", 1)), 33);
}

/* Build an inet_diag reply by hand: v6 socket holding v4-mapped addresses
 * with the SKV6ONLY attribute. */
static void test_parse_diag_v4mapped(void **state)
{
	(void)state;
	uint8_t buf[NLMSG_ALIGN(sizeof(struct inet_diag_msg)) + NLA_HDRLEN + 4];
	memset(buf, 0, sizeof buf);
	struct inet_diag_msg m;
	memset(&m, 0, sizeof m);
	m.idiag_family = AF_INET6;
	m.idiag_state = 1;
	m.id.idiag_sport = htons(8080);
	m.id.idiag_dport = htons(51000);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:127.0.0.1", m.id.idiag_src), 1);
	assert_int_equal(inet_pton(AF_INET6, "::ffff:10.1.2.3", m.id.idiag_dst), 1);
	m.idiag_uid = 1000;
	m.idiag_inode = 424242;
	memcpy(buf, &m, sizeof m);
	struct nlattr na = {.nla_len = NLA_HDRLEN + 1, .nla_type = INET_DIAG_SKV6ONLY};
	memcpy(buf + NLMSG_ALIGN(sizeof m), &na, sizeof na);
	buf[NLMSG_ALIGN(sizeof m) + NLA_HDRLEN] = 0;

	struct sockmap_sock s;
	assert_int_equal(sockdiag_parse(buf, sizeof buf, IPPROTO_TCP, &s), 0);
	assert_int_equal(s.family, AF_INET);
	assert_int_equal(s.lport, 8080);
	assert_int_equal(s.rport, 51000);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.inode, 424242);
	assert_false(s.v6only);
	uint8_t want[16];
	addr(AF_INET, "10.1.2.3", want);
	assert_memory_equal(s.raddr, want, 16);
	assert_int_equal(match_inode(&s, 1, leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 8080, "10.1.2.3", 51000)), 424242);

	buf[NLMSG_ALIGN(sizeof m) + NLA_HDRLEN] = 1;
	m.idiag_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, "::", m.id.idiag_src), 1);
	assert_int_equal(inet_pton(AF_INET6, "::", m.id.idiag_dst), 1);
	memcpy(buf, &m, sizeof m);
	assert_int_equal(sockdiag_parse(buf, sizeof buf, IPPROTO_UDP, &s), 0);
	assert_int_equal(s.family, AF_INET6);
	assert_true(s.v6only);
	/* a broken attribute length is ignored, not followed */
	na.nla_len = 200;
	memcpy(buf + NLMSG_ALIGN(sizeof m), &na, sizeof na);
	assert_int_equal(sockdiag_parse(buf, sizeof buf, IPPROTO_UDP, &s), 0);
	assert_false(s.v6only);
	assert_int_equal(sockdiag_parse(buf, sizeof m - 1, IPPROTO_UDP, &s), -1);
	m.idiag_family = AF_UNIX;
	memcpy(buf, &m, sizeof m);
	assert_int_equal(sockdiag_parse(buf, sizeof buf, IPPROTO_UDP, &s), -1);
}

static int count_sock(void *ctx, const struct sockmap_sock *s)
{
	(void)s;
	(*(int *)ctx)++;
	return 0;
}

/* sockdiag_walk over the captured replies (tests/fixtures/sockdiag) and
 * over broken framing: it stops at the end, never past it */
static void test_walk(void **state)
{
	(void)state;
	char path[4096];
	const char *srcdir = getenv("srcdir");
	snprintf(path, sizeof path, "%s/tests/fixtures/sockdiag/dump_tcp6.bin", srcdir ? srcdir : ".");
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	uint8_t *buf = malloc(4096);
	assert_non_null(buf);
	size_t len = fread(buf, 1, 4096, f);
	fclose(f);
	int n = 0;
	/* the listener and the accepted end, answering request 2 (the
	 * end of the dump came in a later datagram) */
	assert_int_equal(sockdiag_walk(buf, len, 2, IPPROTO_TCP, count_sock, &n), 0);
	assert_int_equal(n, 2);
	n = 0;
	assert_int_equal(sockdiag_walk(buf, len, 9, IPPROTO_TCP, count_sock, &n), 0);
	assert_int_equal(n, 0);
	/* a last message whose length is not padded: stepping by its aligned
	 * length would pass the end */
	struct nlmsghdr h = {.nlmsg_len = NLMSG_HDRLEN + 1, .nlmsg_type = NLMSG_NOOP, .nlmsg_seq = 2};
	uint8_t *cut = malloc(NLMSG_HDRLEN + 1);
	assert_non_null(cut);
	memcpy(cut, &h, sizeof h);
	cut[NLMSG_HDRLEN] = 0;
	assert_int_equal(sockdiag_walk(cut, NLMSG_HDRLEN + 1, 2, IPPROTO_TCP, count_sock, &n), 0);
	/* an error outside the errno range is a protocol error */
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} err = {{.nlmsg_len = sizeof err, .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 2}, {.error = 5}};
	assert_int_equal(sockdiag_walk(&err, sizeof err, 2, IPPROTO_TCP, count_sock, &n), -EPROTO);
	err.e.error = -ENOENT;
	assert_int_equal(sockdiag_walk(&err, sizeof err, 2, IPPROTO_TCP, count_sock, &n), 1);
	free(cut);
	free(buf);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(sockmap_state_name(IPPROTO_TCP, 1), "ESTABLISHED");
	assert_string_equal(sockmap_state_name(IPPROTO_TCP, 10), "LISTEN");
	assert_string_equal(sockmap_state_name(IPPROTO_TCP, 200), "UNKNOWN");
	assert_string_equal(sockmap_state_name(IPPROTO_UDP, 7), "UNCONN");
	assert_string_equal(sockmap_state_name(IPPROTO_UDP, 1), "CONNECTED");
}

/* A fixture proc tree: PID/fd/N symlinks to "socket:[INODE]". */
static char fixture[64];

static void fx_fd(int pid, int fd, const char *target)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%d", fixture, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/%d/fd", fixture, pid);
	mkdir(p, 0755);
	snprintf(p, sizeof p, "%s/%d/fd/%d", fixture, pid, fd);
	unlink(p);
	assert_int_equal(symlink(target, p), 0);
}

static void fx_rm_pid(int pid)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s/%d'", fixture, pid);
	assert_int_equal(system(cmd), 0);
}

#define MS 1000000ULL

static void test_fd_index_incremental(void **state)
{
	(void)state;
	strcpy(fixture, "/tmp/pidtop-sockmap-XXXXXX");
	assert_non_null(mkdtemp(fixture));
	fx_fd(100, 0, "/dev/null");
	fx_fd(100, 3, "socket:[5000]");
	fx_fd(100, 4, "pipe:[77]");
	fx_fd(200, 5, "socket:[6000]");
	fx_fd(200, 6, "socket:[notanumber]");
	fx_fd(400, 3, "pipe:[1]");

	struct sockmap *sm;
	char why[256];
	assert_int_equal(sockmap_open(&sm, fixture, why, sizeof why), 0);
	uint32_t in[3] = {5000, 6000, 77};
	int32_t pids[3];
	uint64_t now = 1000 * MS;
	assert_int_equal(sockmap_pids(sm, in, NULL, pids, 3, now), 2);
	assert_int_equal(pids[0], 100);
	assert_int_equal(pids[1], 200);
	assert_int_equal(pids[2], 0); /* a pipe is not a socket */
	struct sockmap_stats st;
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.full_passes, 1);
	assert_int_equal(st.fd_dirs_read, 3);

	/* hits need no /proc work at all */
	uint32_t hit[2] = {5000, 6000};
	assert_int_equal(sockmap_pids(sm, hit, NULL, pids, 2, now + 1 * MS), 2);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.fd_dirs_read, 3);
	assert_int_equal(st.incr_passes, 0);

	/* a new process: found by the incremental pass, which reads only it */
	fx_fd(300, 3, "socket:[7000]");
	uint32_t miss[1] = {7000};
	assert_int_equal(sockmap_pids(sm, miss, NULL, pids, 1, now + 100 * MS), 1);
	assert_int_equal(pids[0], 300);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.incr_passes, 1);
	assert_int_equal(st.fd_dirs_read, 4);

	/* an unknown inode: one incremental pass, then rate-limited misses,
	 * no full pass until SOCKMAP_FULL_SCAN_NS has gone by */
	uint32_t unknown[1] = {99999};
	assert_int_equal(sockmap_pids(sm, unknown, NULL, pids, 1, now + 200 * MS), 0);
	/* within SOCKMAP_INCR_MIN_NS of the last pass: no new one */
	assert_int_equal(sockmap_pids(sm, unknown, NULL, pids, 1, now + 202 * MS), 0);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.incr_passes, 2);
	assert_int_equal(st.full_passes, 1);

	/* a process that vanished: its inodes no longer resolve */
	fx_rm_pid(200);
	uint32_t gone[1] = {6000};
	assert_int_equal(sockmap_pids(sm, gone, NULL, pids, 1, now + 400 * MS), 1);
	/* still cached until a pass notices: the next miss triggers one */
	assert_int_equal(sockmap_pids(sm, unknown, NULL, pids, 1, now + 500 * MS), 0);
	assert_int_equal(sockmap_pids(sm, gone, NULL, pids, 1, now + 510 * MS), 0);

	/* a known socket holder swaps a pipe for a socket: its fd count is
	 * unchanged, so the incremental pass skips it; the pass over socket
	 * holders finds it */
	sockmap_get_stats(sm, &st);
	uint64_t owners0 = st.owners_passes;
	fx_fd(100, 4, "socket:[8000]");
	uint32_t later[1] = {8000};
	assert_int_equal(sockmap_pids(sm, later, NULL, pids, 1, now + 1500 * MS), 1);
	assert_int_equal(pids[0], 100);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.owners_passes, owners0 + 1);
	assert_int_equal(st.full_passes, 1);

	/* a process that held no socket does the same: only the full pass,
	 * rate-limited to one per SOCKMAP_FULL_SCAN_NS, finds it */
	fx_fd(400, 3, "socket:[9000]");
	uint32_t quiet[1] = {9000};
	assert_int_equal(sockmap_pids(sm, quiet, NULL, pids, 1, now + 1600 * MS), 0);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.owners_passes, owners0 + 1);
	assert_int_equal(st.full_passes, 1);

	/* a client that closes a connection and opens the next to the same
	 * server: the last owner of a socket to that server is re-read at once,
	 * with every other pass still rate-limited */
	struct flow_key conn1 = leg(AF_INET, IPPROTO_TCP, "10.0.0.2", 40001, "10.0.0.1", 80);
	struct flow_key conn2 = leg(AF_INET, IPPROTO_TCP, "10.0.0.2", 40002, "10.0.0.1", 80);
	uint32_t first[1] = {7000};
	assert_int_equal(sockmap_pids(sm, first, &conn1, pids, 1, now + 1620 * MS), 1);
	fx_fd(300, 3, "socket:[7001]");
	uint32_t second[1] = {7001};
	assert_int_equal(sockmap_pids(sm, second, &conn2, pids, 1, now + 1640 * MS), 1);
	assert_int_equal(pids[0], 300);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.hinted_reads, 1);
	assert_int_equal(st.owners_passes, owners0 + 1);

	assert_int_equal(sockmap_pids(sm, quiet, NULL, pids, 1, now + 3100 * MS), 1);
	assert_int_equal(pids[0], 400);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.full_passes, 2);

	sockmap_close(sm);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixture);
	assert_int_equal(system(cmd), 0);
}

/* A process holding 20,000 sockets, and a socket nobody holds looked up
 * every 10 ms for 20 s: every step that reads the holder spaces itself by
 * 20 times its cost, so the steps together take at most a tenth of the time
 * (the holders' re-read and the full pass read it, the walk and re-check do
 * not), plus one run of each. Timed against the clock the calls are given,
 * so the bound holds however fast the machine is. */
static void test_fd_index_cost_bounded(void **state)
{
	(void)state;
	strcpy(fixture, "/tmp/pidtop-sockmap-XXXXXX");
	assert_non_null(mkdtemp(fixture));
	enum { HELD = 20000 };
	char target[32];
	for (int fd = 0; fd < HELD; fd++) {
		snprintf(target, sizeof target, "socket:[%d]", 100000 + fd);
		fx_fd(100, fd, target);
	}
	struct sockmap *sm;
	char why[256];
	assert_int_equal(sockmap_open(&sm, fixture, why, sizeof why), 0);
	uint32_t unknown = 99999;
	int32_t pid;
	uint64_t t0 = 1000 * MS, span = 20000 * MS;
	assert_int_equal(sockmap_pids(sm, &unknown, NULL, &pid, 1, t0), 0);
	struct sockmap_stats st;
	sockmap_get_stats(sm, &st);
	uint64_t one_read = st.steps_ns; /* the first full pass: cold, the dearest */
	for (uint64_t t = t0 + 10 * MS; t <= t0 + span; t += 10 * MS)
		assert_int_equal(sockmap_pids(sm, &unknown, NULL, &pid, 1, t), 0);
	sockmap_get_stats(sm, &st);
	print_message("20,000 sockets held: %llu holders' re-reads and %llu full passes in 20 s, "
		      "%.3f s of steps (a read %.1f ms)\n",
		      (unsigned long long)st.owners_passes, (unsigned long long)st.full_passes,
		      (double)st.steps_ns / 1e9, (double)one_read / 1e6);
	assert_true(st.steps_ns <= span / 10 + 4 * one_read);
	/* the index is small beside the sockets: 8 bytes a slot of the
	 * integer map, 12 an entry, each with room to grow (a table keyed by
	 * the whole flow key took ~186 bytes a socket) */
	print_message("index: %llu sockets in %llu bytes\n", (unsigned long long)st.inodes,
		      (unsigned long long)st.index_bytes);
	assert_true(st.inodes >= HELD && st.index_bytes <= 48 * st.inodes);
	/* the holder is still read now and then: it may open the socket */
	assert_true(st.owners_passes >= 1 && st.full_passes >= 2);
	uint32_t held = 100000 + HELD - 1;
	assert_int_equal(sockmap_pids(sm, &held, NULL, &pid, 1, t0 + span + 10 * MS), 1);
	assert_int_equal(pid, 100);
	sockmap_close(sm);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixture);
	assert_int_equal(system(cmd), 0);
}

/* A sockmap over the real kernel and /proc, or the test is skipped. */
static struct sockmap *open_real(void)
{
	struct sockmap *sm;
	char why[256];
	if (sockmap_open(&sm, "/proc", why, sizeof why) < 0) {
		print_message("skipped: %s\n", why);
		skip();
	}
	return sm;
}

/* A TCP socket listening on 127.0.0.1, its address in *a. */
static int loopback_listener(struct sockaddr_in *a)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	socklen_t al = sizeof *a;
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)a, sizeof *a), 0);
	assert_int_equal(listen(l, 4), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)a, &al), 0);
	return l;
}

/* The first look-up, a miss, reads every process's fds: the index. (An
 * inode of 0 is no miss: a socket without one has no owner to look for.) */
static void build_index(struct sockmap *sm, uint64_t now_ns)
{
	uint32_t none = UINT32_MAX;
	int32_t pid;
	assert_int_equal(sockmap_pids(sm, &none, NULL, &pid, 1, now_ns), 0);
}

/* The real kernel: our own listening TCP socket and wildcard UDP socket
 * appear in the dump and resolve to this process. Unprivileged. */
static void test_real_dump_own_sockets(void **state)
{
	(void)state;
	struct sockmap *sm = open_real();
	int t = socket(AF_INET, SOCK_STREAM, 0);
	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	assert_true(t >= 0 && u >= 0);
	struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	int off = 0;
	assert_int_equal(setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off), 0);
	assert_int_equal(bind(t, (struct sockaddr *)&a4, sizeof a4), 0);
	assert_int_equal(listen(t, 1), 0);
	assert_int_equal(bind(u, (struct sockaddr *)&a6, sizeof a6), 0);
	socklen_t l4 = sizeof a4, l6 = sizeof a6;
	getsockname(t, (struct sockaddr *)&a4, &l4);
	getsockname(u, (struct sockaddr *)&a6, &l6);
	struct stat st_t, st_u;
	fstat(t, &st_t);
	fstat(u, &st_u);

	assert_int_equal(sockmap_dump(sm), 0);
	struct flow_key lt = leg(AF_INET, IPPROTO_TCP, "127.0.0.1", ntohs(a4.sin_port), "127.0.0.1", 1);
	const struct sockmap_sock *s = sockmap_lookup(sm, &lt);
	assert_non_null(s);
	assert_int_equal(s->inode, (uint32_t)st_t.st_ino);
	assert_int_equal(s->state, 10);
	assert_int_equal(s->uid, getuid());
	/* an IPv4 datagram to the dual-stack [::] socket */
	struct flow_key lu = leg(AF_INET, IPPROTO_UDP, "127.0.0.1", ntohs(a6.sin6_port), "127.0.0.1", 2);
	s = sockmap_lookup(sm, &lu);
	assert_non_null(s);
	assert_int_equal(s->inode, (uint32_t)st_u.st_ino);

	uint32_t inodes[2] = {(uint32_t)st_t.st_ino, (uint32_t)st_u.st_ino};
	int32_t pids[2];
	assert_int_equal(sockmap_pids(sm, inodes, NULL, pids, 2, 1), 2);
	assert_int_equal(pids[0], getpid());
	assert_int_equal(pids[1], getpid());
	close(t);
	close(u);
	sockmap_close(sm);
}

/* A new connection asked of the kernel alone (no dump), and a process
 * already known that opens one more socket: its fd count changed, so the
 * re-check finds it, with no owners pass and no full pass. */
static void test_real_exact_and_recheck(void **state)
{
	(void)state;
	struct sockmap *sm = open_real();
	struct stat fdd;
	if (stat("/proc/self/fd", &fdd) < 0 || fdd.st_size == 0) {
		print_message("skipped: /proc/PID/fd has no size (Linux < 6.2)\n");
		sockmap_close(sm);
		skip();
	}
	/* the index knows this process, which holds no socket yet (the sockets
	 * of the tests before are closed) */
	build_index(sm, 1000 * MS);
	struct sockmap_stats st0, st;
	sockmap_get_stats(sm, &st0);
	assert_int_equal(st0.full_passes, 1);

	struct sockaddr_in a;
	int l = loopback_listener(&a);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof a), 0);
	struct sockaddr_in ca;
	socklen_t cl = sizeof ca;
	assert_int_equal(getsockname(c, (struct sockaddr *)&ca, &cl), 0);
	struct stat cs;
	assert_int_equal(fstat(c, &cs), 0);

	/* the client's leg: the connection itself */
	struct flow_key cleg = leg(AF_INET, IPPROTO_TCP, "127.0.0.1", ntohs(ca.sin_port), "127.0.0.1",
				   ntohs(a.sin_port));
	struct sockmap_sock s;
	assert_int_equal(sockmap_find_exact(sm, &cleg, &s), 1);
	assert_int_equal(s.inode, (uint32_t)cs.st_ino);
	assert_int_equal(s.lport, ntohs(ca.sin_port));
	/* the server's leg: no process holds it until it is accepted (the
	 * dump then matches the listener); then the accepted socket */
	struct flow_key sleg = leg(AF_INET, IPPROTO_TCP, "127.0.0.1", ntohs(a.sin_port), "127.0.0.1",
				   ntohs(ca.sin_port));
	assert_int_equal(sockmap_find_exact(sm, &sleg, &s), 0);
	int acc = accept(l, NULL, NULL);
	assert_true(acc >= 0);
	struct stat as;
	assert_int_equal(fstat(acc, &as), 0);
	assert_int_equal(sockmap_find_exact(sm, &sleg, &s), 1);
	assert_int_equal(s.inode, (uint32_t)as.st_ino);
	/* no such connection, and UDP (not asked one by one): no socket,
	 * whatever out held before (the resolver read a UDP row's stack
	 * garbage as a socket no process holds) */
	struct flow_key none = leg(AF_INET, IPPROTO_TCP, "127.0.0.1", 1, "127.0.0.1", 2);
	memset(&s, 0xa5, sizeof s);
	assert_int_equal(sockmap_find_exact(sm, &none, &s), 0);
	assert_int_equal(s.family, 0);
	struct flow_key udp = cleg;
	udp.proto = IPPROTO_UDP;
	memset(&s, 0xa5, sizeof s);
	assert_int_equal(sockmap_find_exact(sm, &udp, &s), 0);
	assert_int_equal(s.family, 0);

	uint32_t inode = (uint32_t)cs.st_ino;
	int32_t pid;
	assert_int_equal(sockmap_pids(sm, &inode, &cleg, &pid, 1, 1010 * MS), 1);
	assert_int_equal(pid, getpid());
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.recheck_passes, st0.recheck_passes + 1);
	assert_int_equal(st.owners_passes, st0.owners_passes);
	assert_int_equal(st.full_passes, st0.full_passes);
	close(acc);
	close(c);
	close(l);
	sockmap_close(sm);
}

/* A connection closed between its look-up and the search for its owner
 * (the client's side, in TIME_WAIT, has no inode any more): dropped, and
 * no step is run for it. One still open is searched for and found. A
 * socket without an inode (0) is no miss either. */
static void test_real_closed_not_searched(void **state)
{
	(void)state;
	struct sockmap *sm = open_real();
	build_index(sm, 1000 * MS);
	struct sockaddr_in a;
	int l = loopback_listener(&a);
	int c[2];
	struct flow_key legs[2];
	uint32_t inodes[2];
	for (int i = 0; i < 2; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		assert_int_equal(connect(c[i], (struct sockaddr *)&a, sizeof a), 0);
		struct sockaddr_in ca;
		socklen_t cl = sizeof ca;
		struct stat cs;
		assert_int_equal(getsockname(c[i], (struct sockaddr *)&ca, &cl), 0);
		assert_int_equal(fstat(c[i], &cs), 0);
		legs[i] = leg(AF_INET, IPPROTO_TCP, "127.0.0.1", ntohs(ca.sin_port), "127.0.0.1",
			      ntohs(a.sin_port));
		inodes[i] = (uint32_t)cs.st_ino;
	}
	/* the first closes (the server side's accept queue keeps the other
	 * end, so the client goes to FIN_WAIT2: no inode) */
	close(c[0]);
	struct sockmap_stats st0, st;
	int32_t pids[2];
	bool own[2] = {true, true};
	assert_int_equal(sockmap_pids_indexed(sm, inodes, NULL, pids, 2, 1010 * MS), 0);
	assert_int_equal(sockmap_drop_unheld(sm, inodes, legs, own, pids, 2), 1);
	assert_int_equal(inodes[0], 0);
	assert_true(inodes[1] != 0);
	sockmap_get_stats(sm, &st0);
	/* the one still open is searched for (whether a step finds it here
	 * depends on this process's own fd count when the index read it) */
	sockmap_pids_search(sm, inodes, NULL, pids, 2, 1010 * MS);
	sockmap_get_stats(sm, &st);
	assert_true(st.recheck_passes + st.incr_passes + st.fresh_passes >
		    st0.recheck_passes + st0.incr_passes + st0.fresh_passes);
	assert_int_equal(pids[0], 0);
	/* the one left closed: nothing to search for, no step runs */
	close(c[1]);
	uint32_t again[2] = {0, 0}; /* as sockmap_drop_unheld leaves them */
	sockmap_get_stats(sm, &st0);
	assert_int_equal(sockmap_pids(sm, again, legs, pids, 2, 1100 * MS), 0);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.fresh_passes + st.incr_passes + st.recheck_passes + st.owners_passes +
				 st.full_passes,
			 st0.fresh_passes + st0.incr_passes + st0.recheck_passes +
				 st0.owners_passes + st0.full_passes);
	/* a leg that is not its socket's own (a listener standing in) and a
	 * UDP leg are not asked about: kept */
	uint32_t standin[2] = {12345, 12346};
	bool notown[2] = {false, true};
	struct flow_key udp[2] = {legs[0], legs[0]};
	udp[1].proto = IPPROTO_UDP;
	int32_t none[2] = {0, 0};
	assert_int_equal(sockmap_drop_unheld(sm, standin, udp, notown, none, 2), 0);
	close(l);
	sockmap_close(sm);
}

/* A process started after the index was built, holding a socket: found by
 * looking at the pids handed out since (loadavg), without a walk; the 100
 * that exited before it are passed over without a look in /proc each. */
static void test_real_fresh_process(void **state)
{
	(void)state;
	struct sockmap *sm = open_real();
	build_index(sm, 1000 * MS);
	struct sockmap_stats st0, st;
	sockmap_get_stats(sm, &st0);
	for (int i = 0; i < 100; i++) {
		pid_t gone = fork();
		assert_true(gone >= 0);
		if (gone == 0)
			_exit(0);
		assert_int_equal(waitpid(gone, NULL, 0), gone);
	}
	int up[2], down[2]; /* the child's inode comes up; down closes to end it */
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = {.sin_family = AF_INET,
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		struct stat ls;
		uint32_t ino = 0;
		if (l >= 0 && bind(l, (struct sockaddr *)&a, sizeof a) == 0 && listen(l, 1) == 0 &&
		    fstat(l, &ls) == 0)
			ino = (uint32_t)ls.st_ino;
		close(down[1]);
		if (write(up[1], &ino, sizeof ino) != sizeof ino)
			_exit(1);
		char c;
		(void)read(down[0], &c, 1); /* until the parent closes its end */
		_exit(0);
	}
	uint32_t inode = 0;
	assert_int_equal(read(up[0], &inode, sizeof inode), (ssize_t)sizeof inode);
	assert_true(inode != 0);
	int32_t pid;
	assert_int_equal(sockmap_pids(sm, &inode, NULL, &pid, 1, 1010 * MS), 1);
	assert_int_equal(pid, child);
	sockmap_get_stats(sm, &st);
	assert_int_equal(st.fresh_passes, st0.fresh_passes + 1);
	/* the child, and whatever else the machine started meanwhile and
	 * still runs; one for each of the 100 without kill(pid, 0) first */
	printf("fresh pass: %llu pids looked at in /proc\n",
	       (unsigned long long)(st.fresh_probes - st0.fresh_probes));
	assert_true(st.fresh_probes - st0.fresh_probes < 50);
	assert_int_equal(st.incr_passes, st0.incr_passes);
	assert_int_equal(st.full_passes, st0.full_passes);
	close(down[1]);
	close(down[0]);
	close(up[1]);
	close(up[0]);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	sockmap_close(sm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loopback_tcp_pair),
		cmocka_unit_test(test_wildcard_udp),
		cmocka_unit_test(test_parse_diag_v4mapped),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_fd_index_incremental),
		cmocka_unit_test(test_fd_index_cost_bounded),
		cmocka_unit_test(test_real_dump_own_sockets),
		cmocka_unit_test(test_real_exact_and_recheck),
		cmocka_unit_test(test_real_fresh_process),
		cmocka_unit_test(test_real_closed_not_searched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
