/* churn - load for pidtop's soak, pid wrap-around and exit-flood tests: as
 * many short-lived processes, threads and loopback TCP connections a second
 * as asked, for a bounded time.
 *
 * Each kind runs in its own thread, paced in 10 ms slots: --procs N forks N
 * children a second that exit at once (_exit) and are reaped; --threads N
 * creates and joins N threads a second that do nothing; --conns N opens and
 * closes N TCP connections a second to a listener on 127.0.0.1 (a thread
 * accepts and closes them). A slot that could not be done in time is dropped
 * rather than made up in a burst. Rate 0 turns a kind off (default: 2000
 * processes, 500 threads, 200 connections a second). --lives N starts N
 * processes a second (default 0) that live --life-ms (default 300): every
 * other one burns a CPU for its life and names itself "churnburn", the rest
 * sleep as "churnidle", so a row with a sleeper's name and CPU time, or
 * more CPU time than its age, carries another task's counters. --senders
 * N starts N processes a second, named "churnsend", that live as long and
 * send SEND_DGRAMS UDP datagrams of SEND_BYTES to a sink of churn's own on
 * 127.0.0.1, spread over the life (SEND_IP_BYTES in all at the IP layer),
 * so a row with more sent in one report carries another task's traffic. A
 * reaper thread reaps every child.
 *
 * --stats FILE receives one line when the run ends: "procs P threads T
 * conns C lives L seconds S", what was actually done, so a test can tell the rate
 * it achieved from the rate it asked for. The program stops by itself after
 * --seconds; it dies with its parent.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "wl_common.h"

static const char prog[] = "churn";

struct kind {
	double rate;            /* a second; 0: off */
	int (*one)(void);       /* one unit of churn; 0 when done */
	atomic_ulong done;
	pthread_t thread;
};

static double end_mono, life_s = 0.3;
static struct sockaddr_in listen_addr, sink_addr;
static int listen_fd = -1, sink_fd = -1;

#define SEND_DGRAMS 10
#define SEND_BYTES 1000
/* the datagrams with their IP and UDP headers, as pidtop counts them */
#define SEND_IP_BYTES (SEND_DGRAMS * (SEND_BYTES + 28))

/* vfork: the child shares the memory until its _exit, so no page tables
 * are copied and one thread can make thousands a second */
static int one_process(void)
{
	pid_t pid = vfork();

	if (pid == 0)
		_exit(0);
	return pid < 0 ? -1 : 0;
}

static int one_life(void)
{
	static unsigned long n;
	pid_t pid = fork();

	if (pid == 0) {
		int burn = n % 2 == 0;
		double end = wl_clock_seconds(CLOCK_MONOTONIC) + life_s;

		prctl(PR_SET_NAME, burn ? "churnburn" : "churnidle");
		while (burn && wl_clock_seconds(CLOCK_MONOTONIC) < end)
			wl_spin_briefly();
		wl_sleep_until_mono(end);
		_exit(0);
	}
	n++;
	return pid < 0 ? -1 : 0;
}

static int one_sender(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		static const char data[SEND_BYTES];
		double born = wl_clock_seconds(CLOCK_MONOTONIC);
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		prctl(PR_SET_NAME, "churnsend");
		for (int i = 0; s >= 0 && i < SEND_DGRAMS; i++) {
			wl_sleep_until_mono(born + life_s * (i + 0.5) / SEND_DGRAMS);
			sendto(s, data, sizeof data, 0, (struct sockaddr *)&sink_addr, sizeof sink_addr);
		}
		wl_sleep_until_mono(born + life_s);
		_exit(0);
	}
	return pid < 0 ? -1 : 0;
}

static void *sink(void *arg)
{
	char b[SEND_BYTES];

	for (;;)
		if (recv(sink_fd, b, sizeof b, 0) < 0 && errno != EINTR)
			return arg;
}

static void *reaper(void *arg)
{
	for (;;) {
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			wl_sleep_seconds(0.001);
	}
	return arg;
}

static void *idle_thread(void *arg)
{
	return arg;
}

static int one_thread(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, idle_thread, NULL) != 0)
		return -1;
	pthread_join(t, NULL);
	return 0;
}

static int one_connection(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc;

	if (s < 0)
		return -1;
	rc = connect(s, (struct sockaddr *)&listen_addr, sizeof listen_addr);
	if (rc == 0 && write(s, "x", 1) != 1)
		rc = -1;
	close(s);
	return rc;
}

static void *acceptor(void *arg)
{
	for (;;) {
		int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		char b[16];

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return arg;
		}
		while (read(c, b, sizeof b) > 0)
			;
		close(c);
	}
}

/* A socket of type on 127.0.0.1 (its port in *addr; TCP: listening) with
 * a detached thread serving it. */
static int open_loopback(int type, struct sockaddr_in *addr, void *(*serve)(void *))
{
	socklen_t len = sizeof *addr;
	pthread_t t;
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 512) < 0) ||
	    getsockname(fd, (struct sockaddr *)addr, &len) < 0)
		return -1;
	if (type == SOCK_STREAM)
		listen_fd = fd;
	else
		sink_fd = fd;
	if (pthread_create(&t, NULL, serve, NULL) != 0)
		return -1;
	pthread_detach(t);
	return 0;
}

/* Runs k->one k->rate times a second in 10 ms slots until the end. */
static void *pace(void *arg)
{
	struct kind *k = arg;
	double slot = wl_clock_seconds(CLOCK_MONOTONIC), credit = 0;

	while (slot < end_mono) {
		credit += k->rate * 0.01;
		while (credit >= 1.0) {
			if (k->one() == 0)
				atomic_fetch_add(&k->done, 1);
			credit -= 1.0;
		}
		slot += 0.01;
		double now = wl_clock_seconds(CLOCK_MONOTONIC);
		if (slot < now) {
			slot = now; /* behind: drop the missed slots */
			credit = 0;
		}
		wl_sleep_until_mono(slot);
	}
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: churn [--procs N] [--threads N] [--conns N] [--lives N] [--senders N]\n"
		   "             [--life-ms MS] [--seconds S] [--stats FILE]\n"
		   "Forks N short-lived processes (default 2000), creates N threads (500),\n"
		   "opens N loopback TCP connections (200) and starts N processes living MS\n"
		   "ms (0; 300) a second for S seconds (10); --senders: N processes a second\n"
		   "(0) living as long that send %d UDP datagrams of %d bytes (%d at the IP\n"
		   "layer) to a loopback sink.\n"
		   "--stats: 'procs P threads T conns C lives L seconds S', what was done.\n",
		SEND_DGRAMS, SEND_BYTES, SEND_IP_BYTES);
}

int main(int argc, char **argv)
{
	struct kind kinds[] = {
		{ .rate = 2000, .one = one_process },
		{ .rate = 500, .one = one_thread },
		{ .rate = 200, .one = one_connection },
		{ .rate = 0, .one = one_life },
		{ .rate = 0, .one = one_sender },
	};
	const char *names[] = { "--procs", "--threads", "--conns", "--lives", "--senders" };
	pthread_t reap_thread;
	struct wl_run run = { .seconds = 10 };
	const char *stats_path = NULL;
	double start;

	for (int a = 1; a < argc; a++) {
		int known = 0;

		wl_check_option(argc, argv, a, usage);
		if (wl_run_option(prog, argv, &a, WL_OPT_TAG, &run))
			continue;
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			if (strcmp(argv[a], names[i]) == 0) {
				kinds[i].rate = wl_parse_number(prog, argv[a], argv[a + 1], 0, 1e6);
				known = 1;
			}
		}
		if (strcmp(argv[a], "--life-ms") == 0) {
			life_s = wl_parse_number(prog, argv[a], argv[a + 1], 0, 60000) / 1000;
			known = 1;
		}
		if (strcmp(argv[a], "--stats") == 0) {
			stats_path = argv[a + 1];
			known = 1;
		}
		if (!known)
			wl_bad_option(usage);
		a++;
	}
	wl_lifetime_guard(run.seconds);
	if (kinds[2].rate > 0 && open_loopback(SOCK_STREAM, &listen_addr, acceptor) < 0)
		wl_die(prog, "loopback listener");
	if (kinds[4].rate > 0 && open_loopback(SOCK_DGRAM, &sink_addr, sink) < 0)
		wl_die(prog, "loopback sink");
	if (pthread_create(&reap_thread, NULL, reaper, NULL) != 0)
		wl_die(prog, "pthread_create");
	start = wl_clock_seconds(CLOCK_MONOTONIC);
	end_mono = start + run.seconds;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].rate > 0 && pthread_create(&kinds[i].thread, NULL, pace, &kinds[i]) != 0)
			wl_die(prog, "pthread_create");
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (kinds[i].rate > 0)
			pthread_join(kinds[i].thread, NULL);
	if (stats_path) {
		FILE *f = fopen(stats_path, "w");

		if (!f)
			wl_die(prog, stats_path);
		fprintf(f, "procs %lu threads %lu conns %lu lives %lu seconds %.2f\n",
			atomic_load(&kinds[0].done), atomic_load(&kinds[1].done),
			atomic_load(&kinds[2].done), atomic_load(&kinds[3].done),
			wl_clock_seconds(CLOCK_MONOTONIC) - start);
		fclose(f);
	}
	return 0;
}
