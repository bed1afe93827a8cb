/* repl.c - the interactive loop: readline's callback interface, so Ctrl-C is ours to handle. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/select.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmd.h"
#include "complete.h"
#include "out.h"
#include "repl.h"
#include "sess.h"

/*
 * readline's callback interface lets the loop wait in select(): a SIGINT
 * (our handler; readline catches no signals) interrupts it, and the loop
 * abandons the line. During a command the handler asks kit_run to stop
 * after the current step instead.
 */

static volatile sig_atomic_t got_int, got_winch;
static struct sess *rs;
static char repeat[1024];  /* the last step or run command: Enter runs it again */
static char hist_path[1024];

static void on_sigint(int sig)
{
	struct sess *s = sess_current;

	got_int = 1;
	if (s) {
		s->interrupted = 1;
		if (s->running && s->k)
			kit_request_stop(s->k);
	}
}

static void on_winch(int sig)
{
	got_winch = 1;
}

void repl_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint; /* no SA_RESTART: a blocking read returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
}

/* The flags of the line's command (0: several commands, or none). */
static unsigned int line_flags(const char *line)
{
	char buf[256], *argv[4];
	const char *rest, *err;
	const struct cmd *c;
	int n = cmd_split(line, buf, sizeof(buf), argv, 4, &rest, &err);

	if (n <= 0 || rest)
		return 0;
	c = cmd_find(argv[0]);
	return c ? c->flags : 0;
}

static void run(const char *line)
{
	rs->interrupted = 0;
	got_int = 0;
	cmd_exec_line(rs, line);
	out_flush();
	fflush(stderr);
	if (rs->interrupted && !rs->running)
		rs->interrupted = 0;
}

/*
 * Leaving from inside the line handler: readline redisplays the prompt after
 * the handler returns unless the handler is removed first, and that stray
 * "ringlab> " (no newline) is what the user's shell prompt would then be
 * printed over. After Ctrl-D the cursor still stands after the prompt; it
 * needs a newline, unless readline wrote one (8.2 does at EOF when it turns
 * bracketed paste off). After `quit` it is at the start of a line already.
 */
static bool handler_on;

static void leave(bool eof)
{
	bool readline_ended = false;

#if defined(RL_READLINE_VERSION) && RL_READLINE_VERSION >= 0x0802
	const char *bp = rl_variable_value("enable-bracketed-paste");

	readline_ended = eof && rl_eof_found && bp && !strcmp(bp, "on");
#endif
	rl_callback_handler_remove();
	handler_on = false;
	if (eof && !readline_ended)
		fputc('\n', rl_outstream ? rl_outstream : stdout);
	fflush(rl_outstream ? rl_outstream : stdout);
}

static void history_append(void);

static void on_line(char *line)
{
	const char *p;
	HIST_ENTRY *last;

	if (!line) { /* Ctrl-D */
		rs->quit = true;
		out_flush();
		leave(true);
		return;
	}
	for (p = line; *p == ' ' || *p == '\t'; p++)
		;
	if (!*p) {
		if (repeat[0])
			run(repeat);
		free(line);
		return;
	}
	last = history_length ? history_get(history_base + history_length - 1) : NULL;
	if (!last || strcmp(last->line, line)) {
		add_history(line);
		history_append(); /* before it runs: a crash or kill -9 loses nothing */
	}
	/* as gdb: a look at the machine in between keeps the step (or run) to repeat */
	if (line_flags(line) & CMD_F_REPEAT)
		snprintf(repeat, sizeof(repeat), "%s", line);
	else if (!(line_flags(line) & CMD_F_LOOK))
		repeat[0] = '\0';
	run(line);
	free(line);
	if (rs->quit)
		leave(false);
}

static void history_open(void)
{
	const char *home = getenv("HOME");

	using_history();
	stifle_history(REPL_HISTORY_LINES);
	hist_path[0] = '\0';
	if (home && *home) {
		snprintf(hist_path, sizeof(hist_path), "%s/.ringlab_history", home);
		read_history(hist_path);
	}
}

/*
 * Each line is appended to the file as it is entered (append_history), under
 * an flock, so two shells at once interleave their lines instead of the last
 * one to quit overwriting the other's, and kill -9 or SIGHUP loses nothing.
 * Every HISTORY_TRIM_EVERY lines, and at the end, the file is cut back to its
 * last REPL_HISTORY_LINES, under the same lock.
 */
#define HISTORY_TRIM_EVERY 50
static unsigned int appended;

static void history_locked(bool append, bool trim)
{
	int fd;

	if (!hist_path[0])
		return;
	fd = open(hist_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX) == 0) {
		if (append)
			append_history(1, hist_path);
		if (trim)
			history_truncate_file(hist_path, REPL_HISTORY_LINES);
		flock(fd, LOCK_UN);
	}
	close(fd);
}

static void history_append(void)
{
	history_locked(true, ++appended % HISTORY_TRIM_EVERY == 0);
}

static void history_save(void)
{
	history_locked(false, true);
}

static void abandon_line(void)
{
	rl_free_line_state();
	rl_callback_sigcleanup();
	rl_replace_line("", 0);
	rl_point = rl_end = 0;
	fputs("^C", rl_outstream ? rl_outstream : stdout);
	rl_crlf();
	rl_on_new_line();
	rl_redisplay();
}

int repl_run(struct sess *s, bool banner)
{
	rs = s;
	rl_readline_name = "ringlab"; /* $if ringlab in ~/.inputrc */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0; /* no stale LINES/COLUMNS for curses or children */
	comp_install();
	history_open();
	if (banner)
		out_printf("ringlab %s: sn0 and sn1, back to back (LDD3's snull).\n"
			   "help lists the commands; Tab completes; Ctrl-D leaves.\n", RINGLAB_VERSION);
	out_flush();
	rl_callback_handler_install("ringlab> ", on_line);
	handler_on = true;
	while (!s->quit) {
		fd_set fds;

		FD_ZERO(&fds);
		FD_SET(STDIN_FILENO, &fds);
		if (select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL) < 0) {
			if (errno != EINTR)
				break;
			if (got_winch) {
				got_winch = 0;
				rl_resize_terminal();
			}
			if (got_int) {
				got_int = 0;
				s->interrupted = 0;
				abandon_line();
			}
			continue;
		}
		rl_callback_read_char();
	}
	if (handler_on) /* a failed select() */
		leave(false);
	history_save();
	return 0;
}
