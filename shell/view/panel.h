/* panel.h - the view's small widgets: TX queue, interrupt + NAPI, counters, LRO, CPU, log. */
#ifndef RINGLAB_VIEW_PANEL_H
#define RINGLAB_VIEW_PANEL_H

#include <ringkit/snapshot.h>

#include "grid.h"

/* One counter: a row of the kit's stats table, already read. */
struct view_counter {
	const char *name;
	unsigned long long value;
};

/* The receiver above the stack, for the device shown: its counters and flows. */
struct view_rx {
	unsigned long long app_bytes, ooo, dups, csum_errors, stream_errors, ofo_drops;
	unsigned long long held; /* segments its flows hold out of order */
	int flows;		 /* flows whose last segment arrived on it */
};

/* One line of the trace pane. */
#define VIEW_LINE_MAX 200
struct view_line {
	char text[VIEW_LINE_MAX];
	unsigned char style; /* enum vstyle */
};

/* Each draws into the box x, y, w x h and clips to it. */
void vpanel_queue(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s);
void vpanel_irq(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s);
void vpanel_counters(struct vgrid *g, int x, int y, int w, int h, const struct view_counter *c,
		     int n);
/* Rows the LRO box wants for h rows of screen (0 when LRO is off and idle). */
int vpanel_lro_rows(const struct dev_snap *s, int h);
void vpanel_lro(struct vgrid *g, int x, int y, int w, int h, const struct dev_snap *s);
/* The machine line: CPU time by context, steps, backlog. */
void vpanel_machine(struct vgrid *g, int x, int y, int w, const struct kit_snap *k);
/* The last lines of the log that fit, newest at the bottom. */
/* The receiver line: app bytes, out of order, duplicates, checksum and stream errors. */
void vpanel_rx(struct vgrid *g, int x, int y, int w, const struct view_rx *rx);
void vpanel_log(struct vgrid *g, int x, int y, int w, int h, const struct view_line *l, int n);

/* "850 ns", "12.3 us", "4.56 ms", "1.234 s" */
const char *vpanel_dur(unsigned long long ns, char *buf, size_t len);
/* A badge: " TEXT " in style st; returns columns used. */
int vpanel_badge(struct vgrid *g, int x, int y, enum vstyle st, const char *text);

#endif
