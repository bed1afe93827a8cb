/* vterm.h - the terminal for the ring view: the one place that knows curses. */
#ifndef RINGLAB_VIEW_VTERM_H
#define RINGLAB_VIEW_VTERM_H

#include <stdbool.h>
#include <stddef.h>

#include "grid.h"

/* Keys besides plain characters. */
enum {
	VK_NONE = -1,	     /* the timeout passed */
	VK_RESIZE = 0x1000,  /* the terminal changed size */
	VK_BACKSPACE,
	VK_ENTER,
	VK_ESC,
	VK_INTERRUPT,	     /* SIGINT (Ctrl-C) */
	VK_QUIT,	     /* SIGTERM/SIGHUP/SIGQUIT did not end us: leave now */
	VK_LEFT, VK_RIGHT, VK_UP, VK_DOWN,
};

/*
 * Take over the terminal: curses on stdin/stdout, colours (or the monochrome
 * fallback without colours, or with NO_COLOR set; RINGLAB_ASCII=1 also drops
 * the line-drawing glyphs), and handlers that restore the terminal on
 * SIGTERM, SIGHUP, SIGQUIT, on exit, and across Ctrl-Z. 0, or -1 with err.
 */
int vterm_open(char *err, size_t errlen);
/* Give the terminal back exactly as it was; safe to call twice. */
void vterm_close(void);
bool vterm_active(void);

void vterm_size(int *w, int *h);
/* Paint the grid, cursor at (cx, cy) or hidden if cx < 0: one doupdate. */
void vterm_paint(const struct vgrid *g, int cx, int cy);
/* Next key: wait up to timeout_ms (< 0: until a key or a signal). */
int vterm_key(int timeout_ms);
/* Re-read the terminal's size and repaint everything at the next vterm_paint
 * (Ctrl-L, after foreign output). */
void vterm_redraw(void);

#endif
