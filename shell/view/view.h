/* view.h - the ring view: a full-screen ncurses visualizer, and its plain-text twin. */
#ifndef RINGLAB_VIEW_H
#define RINGLAB_VIEW_H

#include <stddef.h>

struct kit;
struct dev_snap;

/*
 * What the view needs from the shell: run one shell command line, its output
 * captured into out (NUL-terminated, truncated to outlen). Returns the
 * command's status (0 ok, non-zero failed). The view shows out in its trace
 * pane. exec may be NULL: then `:` and `i` report "no shell". Commands
 * that would nest (view) are refused by the view itself.
 */
struct view_host {
	int (*exec)(void *arg, const char *line, char *out, size_t outlen);
	void *arg;
};

/*
 * Optional, set once by the shell; each is called with host->arg and may be
 * NULL. step: run up to n steps as `step` does (under the shell's crash
 * guard, printing nothing), return the steps run (0 = the machine is idle);
 * NULL: the view calls kit_step. machine: the machine now, after a command
 * from ':' may have replaced it (reset); NULL: it never changes.
 */
struct view_hooks {
	unsigned long (*step)(void *arg, unsigned long n);
	struct kit *(*machine)(void *arg);
};
void view_set_hooks(const struct view_hooks *hooks);

/*
 * Full-screen view of dev (NULL = the first device) until q; the simulation
 * stays where the view left it. The caller must not print while it runs
 * (unsubscribe any trace printer first; the view subscribes nothing).
 * Returns 0, or -1 with a one-line reason in err (no terminal, unknown device).
 */
int view_run(struct kit *k, const char *dev, const struct view_host *host, char *err,
	     size_t errlen);

/* Which ring: the values of `which` below. */
enum { VIEW_RING_TX = 0, VIEW_RING_RX = 1 };

/*
 * The ring as text (the same model the view paints), one line per row, each
 * ending in '\n', into out (always NUL-terminated when outlen > 0). width is
 * the line width to lay out for (< 40 is taken as 80). Returns the bytes
 * written, not counting the NUL.
 */
size_t view_ring_text(const struct dev_snap *s, int which, int width, char *out,
		      size_t outlen);

#endif
