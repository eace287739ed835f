/* screen.c - the terminal: start, colours, geometry, clean exits.
 *
 * The terminal is restored on every way out: q (endwin), SIGINT, SIGTERM
 * and SIGHUP (they only set a flag the loop sees), and crash signals,
 * whose handler writes the saved "leave" sequences and termios with
 * async-signal-safe calls, then re-raises the signal to the handler that
 * was there before (the default action, or a sanitizer's report). */
#include "uistate.h"
#include "text.h"
#include "screen.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
#define NCRASH (sizeof crash_signals / sizeof crash_signals[0])

static struct termios saved_termios;
static bool have_termios;
static char leave_seq[512];
static size_t leave_len;
static struct sigaction old_crash[NCRASH];
static bool crash_installed;

static void append_cap(const char *name)
{
	char *s = tigetstr(name);
	if (!s || s == (char *)-1)
		return;
	size_t n = strlen(s);
	if (leave_len + n < sizeof leave_seq) {
		memcpy(leave_seq + leave_len, s, n);
		leave_len += n;
	}
}

static void on_crash(int sig)
{
	if (leave_len) {
		ssize_t w = write(STDOUT_FILENO, leave_seq, leave_len);
		(void)w;
	}
	if (have_termios)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
	for (size_t i = 0; i < NCRASH; i++)
		if (crash_signals[i] == sig)
			sigaction(sig, &old_crash[i], NULL);
	raise(sig);
}

static void install_crash_handlers(void)
{
	/* what endwin would send: attributes off, mouse reporting off,
	 * keypad off, cursor on, leave the alternate screen */
	leave_len = 0;
	append_cap("sgr0");
	static const char mouse_off[] = "\033[?1006l\033[?1003l\033[?1002l\033[?1000l";
	if (leave_len + sizeof mouse_off - 1 < sizeof leave_seq) {
		memcpy(leave_seq + leave_len, mouse_off, sizeof mouse_off - 1);
		leave_len += sizeof mouse_off - 1;
	}
	append_cap("rmkx");
	append_cap("cnorm");
	append_cap("rmcup");
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &sa, &old_crash[i]);
	crash_installed = true;
}

static void remove_crash_handlers(void)
{
	if (!crash_installed)
		return;
	for (size_t i = 0; i < NCRASH; i++)
		sigaction(crash_signals[i], &old_crash[i], NULL);
	crash_installed = false;
}

struct role_look {
	short fg, bg, fg256; /* fg256: the foreground where 256 colours work */
	attr_t colour_attr, mono_attr;
};

static const struct role_look looks[R_COUNT] = {
	[R_NORMAL] = {-1, -1, -1, A_NORMAL, A_NORMAL},
	[R_DIM] = {COLOR_BLACK, -1, 244, A_BOLD, A_DIM},
	[R_LABEL] = {COLOR_CYAN, -1, -1, A_NORMAL, A_BOLD},
	[R_BRACKET] = {-1, -1, -1, A_BOLD, A_BOLD},
	[R_BAR_USER] = {COLOR_GREEN, -1, -1, A_NORMAL, A_NORMAL},
	[R_BAR_NICE] = {COLOR_BLUE, -1, 75, A_BOLD, A_NORMAL},
	[R_BAR_SYS] = {COLOR_RED, -1, -1, A_NORMAL, A_BOLD},
	[R_BAR_IRQ] = {COLOR_MAGENTA, -1, -1, A_NORMAL, A_BOLD},
	[R_BAR_OTHER] = {COLOR_BLACK, -1, 244, A_BOLD, A_DIM},
	[R_MEM_USED] = {COLOR_GREEN, -1, -1, A_NORMAL, A_NORMAL},
	[R_MEM_BUFFERS] = {COLOR_BLUE, -1, 75, A_BOLD, A_DIM},
	[R_MEM_CACHE] = {COLOR_YELLOW, -1, -1, A_NORMAL, A_DIM},
	[R_SWAP] = {COLOR_RED, -1, -1, A_NORMAL, A_NORMAL},
	[R_TABLE_HEAD] = {COLOR_BLACK, COLOR_GREEN, -1, A_NORMAL, A_REVERSE},
	[R_SORT_HEAD] = {COLOR_BLACK, COLOR_CYAN, -1, A_BOLD, A_REVERSE | A_BOLD | A_UNDERLINE},
	[R_SELECTED] = {COLOR_BLACK, COLOR_CYAN, -1, A_NORMAL, A_REVERSE | A_BOLD},
	[R_FKEY] = {-1, -1, -1, A_NORMAL, A_BOLD},
	[R_FLABEL] = {COLOR_BLACK, COLOR_CYAN, -1, A_NORMAL, A_REVERSE},
	[R_MSG_ERROR] = {COLOR_WHITE, COLOR_RED, -1, A_BOLD, A_REVERSE | A_BOLD},
	[R_MSG_INFO] = {COLOR_YELLOW, -1, -1, A_BOLD, A_BOLD},
	[R_STATE_RUN] = {COLOR_GREEN, -1, -1, A_BOLD, A_BOLD},
	[R_STATE_DISK] = {COLOR_RED, -1, -1, A_BOLD, A_BOLD | A_UNDERLINE},
	[R_STATE_ZOMBIE] = {COLOR_MAGENTA, -1, -1, A_BOLD, A_BOLD},
	[R_LARGE] = {COLOR_CYAN, -1, -1, A_NORMAL, A_BOLD},
	[R_EXITED] = {COLOR_YELLOW, -1, -1, A_NORMAL, A_DIM},
	[R_TREE] = {COLOR_CYAN, -1, -1, A_NORMAL, A_NORMAL},
	[R_TAGGED] = {COLOR_YELLOW, -1, -1, A_BOLD, A_BOLD | A_UNDERLINE},
	[R_NEW] = {COLOR_BLACK, COLOR_GREEN, -1, A_NORMAL, A_REVERSE},
};

static void setup_roles(struct ui *ui)
{
	bool want = !ui->set.mono && !ui->opt->no_color;
	const char *nc = getenv("NO_COLOR"); /* no-color.org: set and not empty */
	if (nc && *nc)
		want = false;
	ui->colour = false;
	if (want && has_colors() && start_color() == OK && COLOR_PAIRS > R_COUNT) {
		use_default_colors();
		ui->colour = true;
	}
	for (int r = 0; r < R_COUNT; r++) {
		const struct role_look *l = &looks[r];
		if (!ui->colour) {
			ui->attr[r] = l->mono_attr;
			continue;
		}
		short fg = l->fg;
		attr_t extra = l->colour_attr;
		if (COLORS >= 256 && l->fg256 >= 0) {
			fg = l->fg256;
			extra &= ~(attr_t)A_BOLD; /* bold only stood in for a brighter shade */
		}
		init_pair((short)(r + 1), fg, l->bg);
		ui->attr[r] = COLOR_PAIR(r + 1) | extra;
	}
}

int screen_init(struct ui *ui, char *why, size_t whylen)
{
	const char *cs = nl_langinfo(CODESET);
	ui->utf8 = cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
	have_termios = tcgetattr(STDIN_FILENO, &saved_termios) == 0;
	/* newterm instead of initscr: initscr exits the program on failure */
	const char *term = getenv("TERM");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		snprintf(why, whylen, "cannot use the terminal '%s' (is TERM right?)",
			 term && *term ? term : "(TERM not set)");
		return -1;
	}
	set_term(scr);
	install_crash_handlers();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	intrflush(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	leaveok(stdscr, TRUE);
	scrollok(stdscr, FALSE);
	setup_roles(ui);
	ui->mouse = true;
	screen_mouse(ui, false);
	mouseinterval(0);
	return 0;
}

/* Clicks and the wheel always; motion (hover in the grid) on request.
 * ncurses asks the terminal for button events only (mode 1000, or what
 * the description's XM says), so motion needs "any event" mode 1003 from
 * us, and its end. */
void screen_mouse(struct ui *ui, bool motion)
{
	if (!ui->mouse)
		return;
	mmask_t want = BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
	want |= BUTTON5_PRESSED;
#endif
	if (motion)
		want |= REPORT_MOUSE_POSITION;
	if (mousemask(want, NULL) == 0) {
		ui->mouse = false;
		return;
	}
	if (motion != ui->mouse_motion) {
		/* after the 1000h that mousemask has just flushed (1000h ends
		 * mode 1003), so straight to the terminal */
		fputs(motion ? "\033[?1003h" : "\033[?1003l", stdout);
		fflush(stdout);
	}
	ui->mouse_motion = motion;
}

void screen_end(struct ui *ui)
{
	if (!isendwin()) {
		screen_mouse(ui, false);
		mousemask(0, NULL);
		curs_set(1);
		endwin();
	}
	remove_crash_handlers();
	if (have_termios)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_termios);
	fflush(stdout);
}


const char *const screen_eighths[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};

int screen_put(struct ui *ui, int y, int x, int width, const char *s, attr_t a)
{
	if (y < 0 || y >= ui->lines || x >= ui->cols || width <= 0)
		return 0;
	if (x < 0) {
		size_t skip = text_skip(s, strlen(s), -x, ui->utf8);
		s += skip;
		width += x;
		x = 0;
		if (width <= 0)
			return 0;
	}
	if (width > ui->cols - x)
		width = ui->cols - x;
	int used = text_fit(s, strlen(s), width, ui->utf8, ui->scratch, sizeof ui->scratch, NULL);
	attrset(a);
	mvaddstr(y, x, ui->scratch);
	attrset(A_NORMAL);
	return used;
}
