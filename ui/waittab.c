/* waittab.c - the drill-down's Waiting tab as text: what the task sleeps
 * in, the system call it is blocked in, its OOM figures, its taskstats
 * delays by cause and its kernel stack (figures from src/waitinfo.c). */
#include "uistate.h"
#include "taskinfo.h"
#include "waittab.h"

#include <errno.h>
#include <stdio.h>

static void put_err(struct buf *b, const char *what, int err)
{
	buf_printf(b, "%s: %s\n", what, taskinfo_reason(err));
}

/* A delay: 850 us, 12.50 ms, 3.205 s */
static void format_ns(double ns, char *out, size_t outsize)
{
	if (ns < 1e6)
		snprintf(out, outsize, "%.0f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(out, outsize, "%.2f ms", ns / 1e6);
	else
		snprintf(out, outsize, "%.3f s", ns / 1e9);
}

static void wait_syscall(const struct waitinfo *w, struct buf *b)
{
	if (w->syscall_err) {
		put_err(b, "system call", w->syscall_err);
		return;
	}
	if (w->sc.state == SYSCALL_RUNNING) {
		buf_printf(b, "system call: none, running on a CPU\n");
		return;
	}
	if (w->sc.state == SYSCALL_NONE) {
		buf_printf(b, "system call: none (blocked outside one, in a page fault or stopped)\n");
		return;
	}
	const char *name = waitinfo_syscall_name(w->sc.nr);
	buf_printf(b, "system call: %s%s%d (", name ? name : "", name ? " #" : "#", w->sc.nr);
	for (int i = 0; i < 6; i++)
		buf_printf(b, i ? ", 0x%llx" : "0x%llx", (unsigned long long)w->sc.args[i]);
	buf_puts(b, ")\n");
}

static void wait_delays(struct ui *ui, const struct waitinfo *w, int threads, struct buf *b)
{
	if (w->ts_err == -ENOTSUP) {
		buf_printf(b, "delays: taskstats %s\n", model_source(ui->m, SOURCE_TASKSTATS)->text);
		return;
	}
	if (w->ts_err) {
		put_err(b, "delays (taskstats)", w->ts_err);
		return;
	}
	buf_printf(b, "delays since it started (taskstats version %u%s):\n", w->ts_version,
		   w->process && threads > 1 ? ", summed over its threads" : "");
	buf_printf(b, "  %-20s %12s %12s %12s\n", "WAITING FOR", "COUNT", "TOTAL", "AVERAGE");
	for (int c = 0; c < WAIT_COUNT; c++) {
		const struct wait_delay *dl = &w->delay[c];
		char tot[24] = "-", avg[24] = "-", cnt[24] = "n/a";
		if (dl->has) {
			snprintf(cnt, sizeof cnt, "%llu", (unsigned long long)dl->count);
			format_ns((double)dl->total_ns, tot, sizeof tot);
			if (dl->count)
				format_ns((double)dl->total_ns / (double)dl->count, avg, sizeof avg);
		}
		buf_printf(b, "  %-20s %12s %12s %12s%s\n", waitinfo_cat_name((enum wait_cat)c), cnt,
			   tot, avg, dl->has ? "" : "  (not in this kernel's taskstats)");
	}
	if (!model_delayacct_on(ui->m))
		buf_printf(b, "  delay accounting is off: only the CPU line counts "
			      "(sysctl kernel.task_delayacct=1, or --enable-delayacct)\n");
}

void waittab_text(struct ui *ui, const struct waitinfo *w, char state, int threads,
		  struct buf *b)
{
	buf_printf(b, "state %c", state ? state : '?');
	if (w->wchan_err)
		buf_printf(b, "   sleeping in: %s\n", taskinfo_reason(w->wchan_err));
	else
		buf_printf(b, "   sleeping in: %s\n", w->wchan[0] ? w->wchan : "- (not asleep in the kernel)");
	wait_syscall(w, b);
	if (w->oom_err)
		put_err(b, "oom_score", w->oom_err);
	else
		buf_printf(b, "oom_score %lld (0-2000, the OOM killer's badness)", (long long)w->oom_score);
	if (!w->oom_err && !w->oom_adj_err)
		buf_printf(b, "   oom_score_adj %lld\n", (long long)w->oom_score_adj);
	else if (!w->oom_err)
		buf_putc(b, '\n');
	buf_putc(b, '\n');
	wait_delays(ui, w, threads, b);
	buf_putc(b, '\n');
	if (w->stack_err) {
		put_err(b, "kernel stack", w->stack_err);
		return;
	}
	buf_printf(b, "kernel stack:\n%s", w->stack && w->stack[0] ? w->stack : "(empty: running in user space)\n");
}

