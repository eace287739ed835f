/* tools.c - strace and lsof on the selected task, in pidtop's terminal.
 *
 * The screen is suspended (endwin) while the tool runs and restored after
 * it; pidtop ignores SIGINT meanwhile so Ctrl-C ends strace, not pidtop.
 * A tool that is not installed is named with its Debian package. */
#include "uistate.h"
#include "taskctl.h"
#include "core.h"
#include "tools.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Whether an executable called name is in one of PATH's directories. */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		return false;
	char dir[4096];
	for (const char *p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0 && n + strlen(name) + 2 <= sizeof dir) {
			snprintf(dir, sizeof dir, "%.*s/%s", (int)n, p, name);
			if (access(dir, X_OK) == 0)
				return true;
		}
		p += n + (colon ? 1 : 0);
	}
	return false;
}

/* Runs argv in the foreground, then waits for Enter. */
static void run_foreground(char *const argv[], const char *what)
{
	struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	printf("pidtop: %s\n", what);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		/* the loop blocks signals it waits for: the tool must get them */
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (!isatty(STDERR_FILENO) && isatty(STDOUT_FILENO))
			dup2(STDOUT_FILENO, STDERR_FILENO); /* strace writes there: on screen */
		execvp(argv[0], argv);
		fprintf(stderr, "pidtop: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		printf("pidtop: cannot start %s: %s\n", argv[0], strerror(errno));
	} else {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	printf("\n-- press Enter to return to pidtop --");
	fflush(stdout);
	int c;
	while ((c = getchar()) != EOF && c != '\n')
		;
	clearerr(stdin);
	/* a Ctrl-C meant for the tool stays pending while the loop blocks
	 * SIGINT (blocked signals are never discarded): take it now */
	sigset_t ours, pending;
	sigemptyset(&ours);
	sigaddset(&ours, SIGINT);
	sigaddset(&ours, SIGQUIT);
	struct timespec zero = {0, 0};
	while (sigpending(&pending) == 0 &&
	       (sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGQUIT) == 1) &&
	       sigtimedwait(&ours, NULL, &zero) > 0)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
}

unsigned tools_run(struct ui *ui, bool strace)
{
	struct task *t = ui_selected(ui);
	const char *tool = strace ? "strace" : "lsof";
	if (!t)
		return 0;
	if (!in_path(tool)) {
		ui_message(ui, true, "%s is not installed (apt-get install %s)", tool, tool);
		return RX_REDRAW;
	}
	char why[160];
	/* signal 0 through the identity-checked pidfd: still the task we show */
	if (taskctl_signal(ui->m, t, 0, why, sizeof why) < 0) {
		ui_message(ui, true, "%d: %s", t->tid, why);
		return RX_REDRAW;
	}
	char id[16], what[96];
	snprintf(id, sizeof id, "%d", strace ? t->tid : t->tgid);
	/* a process row: every thread (-f); a thread row: that thread */
	bool all = strace && !t->is_thread;
	char *sargv[] = {"strace", "-tt", "-p", id, all ? "-f" : NULL, NULL};
	char *largv[] = {"lsof", "-p", id, NULL};
	snprintf(what, sizeof what, strace ? "strace %s-p %s (Ctrl-C ends it)" : "lsof -p %.0s%s",
		 all ? "-f " : "", id);
	def_prog_mode();
	endwin();
	run_foreground(strace ? sargv : largv, what);
	reset_prog_mode();
	return RX_CLEAR | RX_REDRAW | RX_REFRESH;
}
