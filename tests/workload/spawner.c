/* spawner - process churn for pidtop's integration tests: starts short-lived
 * children at a known rate and reaps them, for a bounded time.
 *
 * Each child re-executes this program as `spawner --child SERIAL --life-ms L`
 * and names itself "spwc<SERIAL>" (comm), so both its command line and its
 * comm carry the serial: a report row whose comm and command line disagree,
 * or whose serial was never given that pid, mixes two processes. A child
 * burns a little CPU now and then (so it has rates to report) and exits after
 * its lifetime, drawn from a fixed pseudo-random sequence.
 *
 * The log (--log) has one line per event: 'spawn SERIAL PID T' when a child
 * is forked and 'exit SERIAL PID T' when it is reaped (T: wall-clock seconds
 * since the epoch). The program always stops by itself after --seconds; its
 * children die with it.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wl_common.h"

#define MAX_LIVE 4096

static const char prog[] = "spawner";

static int child_main(const char *serial, double life_ms)
{
	char name[16];
	double start = wl_clock_seconds(CLOCK_MONOTONIC), t;

	snprintf(name, sizeof(name), "spwc%s", serial);
	prctl(PR_SET_NAME, name);
	for (t = start; t < start + life_ms / 1000.0; t += 0.05) {
		double cpu0 = wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID);

		/* about 1% of a CPU: 0.5 ms of work per 50 ms */
		while (wl_clock_seconds(CLOCK_THREAD_CPUTIME_ID) - cpu0 < 0.0005)
			wl_spin_briefly();
		wl_sleep_until_mono(t + 0.05 < start + life_ms / 1000.0 ? t + 0.05
								      : start + life_ms / 1000.0);
	}
	return 0;
}

struct live {
	pid_t pid;
	unsigned long serial;
};

static void reap(FILE *log, struct live *live, size_t *nlive, int flags)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, flags)) > 0) {
		size_t i;

		for (i = 0; i < *nlive; i++) {
			if (live[i].pid != pid)
				continue;
			if (log)
				fprintf(log, "exit %lu %d %.6f\n", live[i].serial, (int)pid,
					wl_clock_seconds(CLOCK_REALTIME));
			live[i] = live[--*nlive];
			break;
		}
	}
	if (log)
		fflush(log);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: spawner [--rate N] [--min-ms MS] [--max-ms MS] [--seconds S] [--log FILE]\n"
		   "Starts N children a second (default 50), each living between --min-ms\n"
		   "(default 20) and --max-ms (default 2500) ms, for S seconds (default 10),\n"
		   "then kills and reaps what is left and exits.\n"
		   "--log: one line per event, 'spawn SERIAL PID T' and 'exit SERIAL PID T'.\n");
}

int main(int argc, char **argv)
{
	double rate = 50, min_ms = 20, max_ms = 2500, start, next;
	struct wl_run run = { .seconds = 10 };
	static struct live live[MAX_LIVE];
	size_t nlive = 0, i;
	unsigned long serial = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ULL;
	FILE *log = NULL;

	if (argc == 5 && strcmp(argv[1], "--child") == 0 && strcmp(argv[3], "--life-ms") == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		return child_main(argv[2], wl_parse_number(prog, "--life-ms", argv[4], 0, 3600000));
	}
	for (int a = 1; a < argc; a++) {
		const char *o = argv[a];

		wl_check_option(argc, argv, a, usage);
		if (wl_run_option(prog, argv, &a, 0, &run))
			continue;
		if (strcmp(o, "--rate") == 0)
			rate = wl_parse_number(prog, o, argv[++a], 0.1, 10000);
		else if (strcmp(o, "--min-ms") == 0)
			min_ms = wl_parse_number(prog, o, argv[++a], 0, 3600000);
		else if (strcmp(o, "--max-ms") == 0)
			max_ms = wl_parse_number(prog, o, argv[++a], 0, 3600000);
		else
			wl_bad_option(usage);
	}
	if (max_ms < min_ms) {
		fprintf(stderr, "spawner: --max-ms is below --min-ms\n");
		return 2;
	}

	wl_lifetime_guard(run.seconds);
	if (wl_open_log(run.log_path, &log) != 0)
		return 1;
	if (log) {
		fprintf(log, "# pid %d\n", (int)getpid());
		fflush(log);
	}
	start = wl_clock_seconds(CLOCK_MONOTONIC);
	next = start;
	while (wl_clock_seconds(CLOCK_MONOTONIC) < start + run.seconds) {
		char serial_s[32], life_s[32];
		double life, now;
		pid_t pid;

		reap(log, live, &nlive, WNOHANG);
		if (nlive < MAX_LIVE) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			life = min_ms + (max_ms - min_ms) * (double)(rng % 10000) / 10000.0;
			serial++;
			snprintf(serial_s, sizeof(serial_s), "%lu", serial);
			snprintf(life_s, sizeof(life_s), "%.0f", life);
			if (log)
				fflush(log); /* the child must not inherit unwritten lines */
			pid = fork();
			if (pid == 0) {
				char *child_argv[] = { argv[0], "--child", serial_s, "--life-ms", life_s,
						       NULL };

				execv("/proc/self/exe", child_argv);
				_exit(127);
			}
			if (pid > 0) {
				live[nlive].pid = pid;
				live[nlive].serial = serial;
				nlive++;
				if (log) {
					fprintf(log, "spawn %lu %d %.6f\n", serial, (int)pid,
						wl_clock_seconds(CLOCK_REALTIME));
					fflush(log);
				}
			}
		}
		/* On a busy machine, skip the slots we missed rather than
		 * forking in a burst to catch up. */
		next += 1.0 / rate;
		now = wl_clock_seconds(CLOCK_MONOTONIC);
		if (next < now)
			next = now;
		wl_sleep_until_mono(next);
	}
	for (i = 0; i < nlive; i++)
		kill(live[i].pid, SIGKILL);
	while (nlive > 0) {
		size_t before = nlive;

		reap(log, live, &nlive, 0);
		if (nlive == before)
			break; /* ECHILD: nothing left to wait for */
	}
	if (log)
		fclose(log);
	return 0;
}
