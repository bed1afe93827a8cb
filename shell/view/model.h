/* model.h - the whole screen as a pure function of numbers: snapshot in, grid of cells out. */
#ifndef RINGLAB_VIEW_MODEL_H
#define RINGLAB_VIEW_MODEL_H

#include <ringkit/snapshot.h>

#include "grid.h"
#include "panel.h"
#include "ring.h"

/* The smallest terminal the layout fits; below it the view asks for more. */
#define VIEW_MIN_W 80
#define VIEW_MIN_H 24

/* Everything one frame shows. Nothing here points into the kit. */
struct view_input {
	const struct kit_snap *k;
	const struct dev_snap *d;
	int dev_pos, dev_count;	       /* "sn0 1/2" */
	const char *driver;	       /* "solution", or the .so loaded */
	const struct view_counter *ctr; /* counters to show, in order */
	int nctr;
	const struct view_rx *rx;      /* the receiver line, or NULL: none */
	const struct view_line *log;   /* the trace pane, oldest first */
	int nlog;
	bool running;
	unsigned int speed;	       /* steps per second while running */
	enum vring_zoom zoom;
	bool help;		       /* the help overlay */
	const char *prompt;	       /* the ':' line being typed, or NULL */
	const char *message;	       /* a status message, or NULL */
	enum vstyle message_style;
};

/* Rows of the layout at height h (for tests and the painter). */
struct view_rows {
	int title, tx, rx, machine, panels, panels_h, lro, lro_h, recv, recv_h, log, log_h, status;
};
void vmodel_rows(const struct view_input *in, int h, struct view_rows *r);

/* Fill g, already sized to the terminal, from in. */
void vmodel_build(struct vgrid *g, const struct view_input *in);
/* Where the cursor goes (the ':' prompt); false to hide it. */
bool vmodel_cursor(const struct vgrid *g, const struct view_input *in, int *x, int *y);

#endif
