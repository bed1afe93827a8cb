/* grid.h - the screen model: a grid of cells, each a character or a glyph with a semantic style. */
#ifndef RINGLAB_VIEW_GRID_H
#define RINGLAB_VIEW_GRID_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The view is built in two passes (htop's update/draw split): a pure function
 * fills a vgrid from numbers, then curses.c paints it. A cell says *what* it
 * is (a glyph and a style), never how a terminal shows it: curses.c picks
 * colours or the monochrome attributes, ringtext.c picks ASCII.
 */

enum vglyph {
	VG_TEXT,	/* the cell's ch, printable ASCII */
	VG_FREE,	/* a slot: free */
	VG_DRIVER,	/* a slot: written by the driver, not yet posted */
	VG_HW,		/* a slot: the NIC's (posted, not done) */
	VG_DONE,	/* a slot: done (DD), waiting to be reclaimed */
	VG_DOWN,	/* marker arrow from above */
	VG_UP,		/* marker arrow from below */
	VG_LEFT,	/* marker off the zoomed window, to the left */
	VG_RIGHT,	/* ... to the right */
	VG_HLINE,	/* rules and box edges */
	VG_VLINE,
	VG_CORNER_TL, VG_CORNER_TR, VG_CORNER_BL, VG_CORNER_BR,
	VG_NR
};

enum vstyle {
	VS_NORMAL,
	VS_TITLE,	/* the title bar */
	VS_HEAD,	/* a section heading */
	VS_LABEL,	/* descriptive text, quiet */
	VS_VALUE,	/* a number that matters */
	VS_ZERO,	/* a number that is zero: quieter */
	VS_FREE,	/* slot owners, also their legend */
	VS_DRIVER,
	VS_HW,
	VS_DONE,
	VS_MARKER,	/* a ring marker: arrow and register name */
	VS_OK,		/* badge: running, idle line */
	VS_WARN,	/* badge: stopped; BUG/WARNING lines; errors */
	VS_ACTIVE,	/* something happening now: line asserted, polling, a pending cause */
	VS_KEY,		/* a key name in the status line or help */
	VS_STATUS,	/* the status line */
	VS_CMD,		/* a command typed with ':' and its output */
	VS_OTHER,	/* trace lines of the other devices */
	VS_NR
};

struct vcell {
	char ch;	  /* VG_TEXT: the character */
	unsigned char glyph; /* enum vglyph */
	unsigned char style; /* enum vstyle */
};

struct vgrid {
	int w, h;
	struct vcell *cells; /* h rows of w */
};

/* Size the grid (reallocating as needed) and clear it to spaces. 0 or -1. */
int vgrid_resize(struct vgrid *g, int w, int h);
void vgrid_free(struct vgrid *g);
void vgrid_clear(struct vgrid *g);

/* Out-of-range cells are ignored, so callers may clip by writing. */
struct vcell *vgrid_at(struct vgrid *g, int x, int y);
const struct vcell *vgrid_cat(const struct vgrid *g, int x, int y);
void vgrid_glyph(struct vgrid *g, int x, int y, enum vglyph gl, enum vstyle st);
/* Text from (x, y), at most max columns (< 0: to the edge); returns columns used. */
int vgrid_text(struct vgrid *g, int x, int y, int max, enum vstyle st, const char *s);
int vgrid_printf(struct vgrid *g, int x, int y, int max, enum vstyle st, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Text right-aligned so that it ends at column xend - 1. */
int vgrid_rtext(struct vgrid *g, int xend, int y, enum vstyle st, const char *s);
/* Restyle n cells from (x, y). */
void vgrid_style(struct vgrid *g, int x, int y, int n, enum vstyle st);
void vgrid_hline(struct vgrid *g, int x, int y, int n, enum vstyle st);

/* ASCII for a glyph (for text output and tests). */
char vgrid_ascii(enum vglyph gl);
/* Row y as ASCII, trailing spaces removed; returns its length. */
size_t vgrid_row_text(const struct vgrid *g, int y, char *out, size_t outlen);
/* The first row at or after y0 containing s, or -1; *col gets the column. */
int vgrid_find(const struct vgrid *g, int y0, const char *s, int *col);

#endif
