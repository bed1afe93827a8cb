/* curses.c - the only file that includes curses: set-up, colours, painting, keys, teardown. */
#include <curses.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "vterm.h"

/*
 * htop's CRT.c idea: one table turns each semantic style into attributes,
 * with a column for colour terminals and one for monochrome ones. Painting
 * writes every cell into stdscr and calls wnoutrefresh + doupdate once, so
 * curses sends only what changed: no clearing, no flicker.
 *
 * Teardown must always happen: on return, on exit() (atexit), on SIGTERM,
 * SIGHUP and SIGQUIT (restore, then let the old disposition act), and around
 * Ctrl-Z (leave curses, stop, come back and repaint). SIGINT and SIGWINCH
 * only set flags the key loop reads: Ctrl-C is a key, a resize is a key.
 */

static SCREEN *scr;
static bool colours, ascii, have_atexit;
static volatile sig_atomic_t got_winch, got_int, got_cont, got_term;
static bool scr_gone; /* endwin'd by a signal: skip the rest of the teardown */

static const int catch_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGWINCH };
#define NSIGS (int)(sizeof(catch_sigs) / sizeof(catch_sigs[0]))
static struct sigaction old_sa[NSIGS];

static void restore_handlers(void);

struct style_attr {
	short fg, bg;	/* colour pair, -1 = the terminal's default */
	attr_t colour;	/* extra attributes with colours */
	attr_t mono;	/* attributes without colours */
};

static const struct style_attr styles[VS_NR] = {
	[VS_NORMAL] = { -1, -1, 0, 0 },
	[VS_TITLE] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[VS_HEAD] = { -1, -1, A_BOLD, A_BOLD },
	[VS_LABEL] = { -1, -1, A_DIM, A_DIM },
	[VS_VALUE] = { -1, -1, A_BOLD, A_BOLD },
	[VS_ZERO] = { -1, -1, A_DIM, A_DIM },
	[VS_FREE] = { -1, -1, A_DIM, A_DIM },
	[VS_DRIVER] = { COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
	[VS_HW] = { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[VS_DONE] = { COLOR_GREEN, -1, A_BOLD, 0 },
	[VS_MARKER] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[VS_OK] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
	[VS_WARN] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[VS_ACTIVE] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[VS_KEY] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[VS_STATUS] = { -1, -1, 0, 0 },
	[VS_CMD] = { COLOR_CYAN, -1, 0, A_BOLD },
	[VS_OTHER] = { -1, -1, A_DIM, A_DIM },
};

static chtype glyph_ch(enum vglyph gl)
{
	if (ascii)
		return (chtype)(unsigned char)vgrid_ascii(gl);
	switch (gl) {
	case VG_FREE: return ACS_BULLET;
	case VG_DRIVER: return ACS_DIAMOND;
	case VG_HW: return ACS_BLOCK;
	case VG_DONE: return ACS_CKBOARD;
	case VG_DOWN: return ACS_DARROW;
	case VG_UP: return ACS_UARROW;
	case VG_LEFT: return ACS_LARROW;
	case VG_RIGHT: return ACS_RARROW;
	case VG_HLINE: return ACS_HLINE;
	case VG_VLINE: return ACS_VLINE;
	case VG_CORNER_TL: return ACS_ULCORNER;
	case VG_CORNER_TR: return ACS_URCORNER;
	case VG_CORNER_BL: return ACS_LLCORNER;
	case VG_CORNER_BR: return ACS_LRCORNER;
	default: return (chtype)(unsigned char)vgrid_ascii(gl);
	}
}

static attr_t style_attr(enum vstyle st)
{
	const struct style_attr *s = &styles[(unsigned)st < VS_NR ? st : VS_NORMAL];

	if (!colours)
		return s->mono;
	return s->colour | ((s->fg >= 0 || s->bg >= 0) ? COLOR_PAIR((int)st + 1) : 0);
}

/* SIGTERM, SIGHUP, SIGQUIT: give the terminal back, then die (or whatever the
 * shell's own handler does) as if the view had never been there. */
static void on_fatal(int sig)
{
	endwin();
	restore_handlers();
	scr_gone = true;
	got_term = 1; /* if we live on, the view ends */
	raise(sig);
}

static void on_tstp(int sig)
{
	int saved = errno;
	struct sigaction sa, me;
	sigset_t set, old;

	(void)sig;
	endwin();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &me);
	/* SIGTSTP is blocked while its handler runs: unblock it, or the raise
	 * would wait for our return and land in this handler again. */
	sigemptyset(&set);
	sigaddset(&set, SIGTSTP);
	sigprocmask(SIG_UNBLOCK, &set, &old);
	raise(SIGTSTP); /* stops here until SIGCONT */
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGTSTP, &me, NULL);
	got_cont = 1;
	errno = saved;
}

static void on_flag(int sig)
{
	if (sig == SIGWINCH)
		got_winch = 1;
	else
		got_int = 1;
}

static void set_handlers(void)
{
	for (int i = 0; i < NSIGS; i++) {
		struct sigaction sa;
		int s = catch_sigs[i];

		memset(&sa, 0, sizeof(sa));
		sigemptyset(&sa.sa_mask);
		sa.sa_handler = s == SIGTSTP ? on_tstp : (s == SIGINT || s == SIGWINCH) ? on_flag :
										 on_fatal;
		sa.sa_flags = 0; /* no SA_RESTART: a signal ends a blocking getch */
		sigaction(s, &sa, &old_sa[i]);
	}
}

static void restore_handlers(void)
{
	for (int i = 0; i < NSIGS; i++)
		sigaction(catch_sigs[i], &old_sa[i], NULL);
}

static void at_exit(void)
{
	vterm_close();
}

int vterm_open(char *err, size_t errlen)
{
	const char *term = getenv("TERM");

	if (scr)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		snprintf(err, errlen, "view: needs a terminal (use `ring DEV tx|rx` for text)");
		return -1;
	}
	if (!term || !*term || !strcmp(term, "dumb")) {
		snprintf(err, errlen, "view: TERM is %s; set it to your terminal (e.g. xterm-256color)",
			 term && *term ? term : "not set");
		return -1;
	}
	fflush(stdout);
	/*
	 * The size comes from the terminal (TIOCGWINSZ), never from $LINES and
	 * $COLUMNS: readline exports them at the size it last saw, and curses
	 * would otherwise lay out a second view for a window since resized.
	 */
	use_env(FALSE);
	use_tioctl(TRUE);
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		snprintf(err, errlen, "view: cannot use terminal type '%s'", term);
		return -1;
	}
	set_term(scr);
	if (!have_atexit && !atexit(at_exit))
		have_atexit = true;
	set_handlers();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	leaveok(stdscr, FALSE);
	curs_set(0);
	set_escdelay(25);
	ascii = getenv("RINGLAB_ASCII") && *getenv("RINGLAB_ASCII") == '1';
	colours = has_colors() && !getenv("NO_COLOR") && start_color() == OK;
	if (colours) {
		use_default_colors();
		for (int s = 0; s < VS_NR; s++)
			if (styles[s].fg >= 0 || styles[s].bg >= 0)
				init_pair((short)(s + 1), styles[s].fg, styles[s].bg);
	}
	got_winch = got_int = got_cont = got_term = 0;
	scr_gone = false;
	return 0;
}

void vterm_close(void)
{
	if (!scr)
		return;
	if (!scr_gone) {
		curs_set(1);
		endwin();
		restore_handlers();
	}
	fflush(stdout);
	delscreen(scr);
	scr = NULL;
}

bool vterm_active(void)
{
	return scr != NULL;
}

/* The kernel's idea of the size, after a SIGWINCH curses did not see. */
static void sync_size(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
}

void vterm_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

void vterm_paint(const struct vgrid *g, int cx, int cy)
{
	int h, w;

	getmaxyx(stdscr, h, w);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			const struct vcell *c = vgrid_cat(g, x, y);
			chtype ch = ' ';
			attr_t a = A_NORMAL;

			if (c) {
				ch = c->glyph == VG_TEXT ? (chtype)(unsigned char)c->ch :
							   glyph_ch((enum vglyph)c->glyph);
				a = style_attr((enum vstyle)c->style);
			}
			mvwaddch(stdscr, y, x, ch | a); /* the last cell may return ERR */
		}
	if (cx >= 0 && cy >= 0 && cx < w && cy < h) {
		wmove(stdscr, cy, cx);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void vterm_redraw(void)
{
	if (!scr)
		return;
	sync_size(); /* a size change curses missed is fixed by Ctrl-L too */
	clearok(curscr, TRUE);
}

int vterm_key(int timeout_ms)
{
	int ch;

	for (;;) {
		if (got_term)
			return VK_QUIT;
		if (got_cont) {
			got_cont = 0;
			sync_size();
			vterm_redraw();
			return VK_RESIZE;
		}
		if (got_winch) {
			got_winch = 0;
			sync_size();
			return VK_RESIZE;
		}
		if (got_int) {
			got_int = 0;
			return VK_INTERRUPT;
		}
		wtimeout(stdscr, timeout_ms);
		ch = wgetch(stdscr);
		if (ch != ERR)
			break;
		if (got_winch || got_int || got_cont || got_term)
			continue; /* a signal ended the wait */
		return VK_NONE;
	}
	switch (ch) {
	case KEY_RESIZE: return VK_RESIZE;
	case KEY_BACKSPACE: case 127: case 8: return VK_BACKSPACE;
	case KEY_ENTER: case '\n': case '\r': return VK_ENTER;
	case 27: return VK_ESC;
	case KEY_LEFT: return VK_LEFT;
	case KEY_RIGHT: return VK_RIGHT;
	case KEY_UP: return VK_UP;
	case KEY_DOWN: return VK_DOWN;
	default: return ch >= 0 && ch < 256 ? ch : VK_NONE;
	}
}
