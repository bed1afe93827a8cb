/* model.c - the screen layout: title, both rings, CPU, panels, LRO, trace, status; or "enlarge". */
#include <stdio.h>
#include <string.h>

#include "model.h"

/*
 * 80 x 24, the smallest layout:
 *   0      title bar: device, state, driver, time, RUNNING/PAUSED
 *   1-4    TX ring (ring.h)
 *   5-8    RX ring
 *   9      CPU time by context
 *   10-16  TX queue | interrupt + NAPI | counters
 *   17-22  LRO sessions (when on), the receiver line, then the trace, newest
 *          at the bottom
 *   23     status: what space does next, or the ':' prompt
 * A taller screen gives the panels up to 4 more rows and the rest to the
 * trace; a wider one widens the rings' strips and the counter columns.
 */

void vmodel_rows(const struct view_input *in, int h, struct view_rows *r)
{
	int extra = h - VIEW_MIN_H, left;

	memset(r, 0, sizeof(*r));
	r->title = 0;
	r->tx = 1;
	r->rx = r->tx + VRING_ROWS;
	r->machine = r->rx + VRING_ROWS;
	r->panels = r->machine + 1;
	r->panels_h = 7 + (extra > 0 ? (extra / 2 < 4 ? extra / 2 : 4) : 0);
	r->lro = r->panels + r->panels_h;
	r->status = h - 1;
	left = r->status - r->lro;
	r->lro_h = in->d ? vpanel_lro_rows(in->d, left - 2) : 0;
	r->recv = r->lro + r->lro_h;
	r->recv_h = in->rx && left - r->lro_h >= 5 ? 1 : 0; /* leaves the trace 4 rows */
	r->log = r->recv + r->recv_h;
	r->log_h = r->status - r->log;
}

static void enlarge(struct vgrid *g)
{
	char b[64];
	int y = g->h / 2 - 2;

	snprintf(b, sizeof(b), "terminal %dx%d", g->w, g->h);
	vgrid_text(g, (g->w - 12) / 2, y, g->w, VS_HEAD, "ringlab view");
	vgrid_text(g, (g->w - (int)strlen(b)) / 2, y + 1, g->w, VS_LABEL, b);
	snprintf(b, sizeof(b), "enlarge to %dx%d", VIEW_MIN_W, VIEW_MIN_H);
	vgrid_text(g, (g->w - (int)strlen(b)) / 2, y + 2, g->w, VS_WARN, b);
	vgrid_text(g, (g->w - 21) / 2, y + 4, g->w, VS_LABEL, "q: back to the shell");
}

static void title(struct vgrid *g, const struct view_input *in, int y)
{
	const struct dev_snap *d = in->d;
	char b[128];
	int n, right;

	for (int x = 0; x < g->w; x++)
		vgrid_text(g, x, y, 1, VS_TITLE, " ");
	snprintf(b, sizeof(b), "t %llu.%09llu s ", (unsigned long long)(in->k->now / 1000000000ULL),
		 (unsigned long long)(in->k->now % 1000000000ULL));
	right = 10 + (int)strlen(b);
	vgrid_text(g, g->w - right, y, -1, VS_TITLE, b);
	vgrid_text(g, g->w - 10, y, -1, in->running ? VS_OK : VS_TITLE,
		   in->running ? " RUNNING  " : "  PAUSED  ");
	n = vgrid_printf(g, 0, y, g->w - right - 1, VS_TITLE, " ringlab  %s", d->name);
	snprintf(b, sizeof(b), " %d/%d  %s%s  auto %s  driver %s", in->dev_pos + 1, in->dev_count,
		 d->broken ? "BROKEN" : d->up ? "up" : "down",
		 d->up && !d->carrier ? " no carrier" : "", in->k->auto_mode ? "on" : "off",
		 in->driver ? in->driver : "?");
	vgrid_text(g, n, y, g->w - right - 1 - n, VS_TITLE, b);
}

static void status(struct vgrid *g, const struct view_input *in, int y)
{
	const char *keys = in->running ? "p pause  +/- speed  ? help  q quit" :
					 "r run  ? help  q quit";
	char b[160], d[24];
	int n = 0, kl = (int)strlen(keys);
	enum vstyle st = VS_STATUS;

	for (int x = 0; x < g->w; x++)
		vgrid_text(g, x, y, 1, VS_STATUS, " ");
	if (in->prompt) {
		n = vgrid_text(g, 0, y, g->w, VS_KEY, ":");
		vgrid_text(g, n, y, g->w - n, VS_STATUS, in->prompt);
		return;
	}
	/* The left part matters most: the keys' reminder only where it fits. */
	if (in->message) {
		snprintf(b, sizeof(b), " %s", in->message);
		st = in->message_style;
	} else if (in->running) {
		snprintf(b, sizeof(b), " running at %u steps/s", in->speed);
	} else if (in->k->idle) {
		snprintf(b, sizeof(b), " idle: nothing to do");
		st = VS_LABEL;
	} else {
		snprintf(b, sizeof(b), " space next: %s", in->k->next_what);
		if (in->k->next_ns > in->k->now)
			snprintf(b + strlen(b), sizeof(b) - strlen(b), " (in %s)",
				 vpanel_dur(in->k->next_ns - in->k->now, d, sizeof(d)));
	}
	n = vgrid_text(g, 0, y, g->w, st, b);
	if (!in->message && !in->running && !in->k->idle)
		vgrid_style(g, 1, y, 5, VS_KEY);
	if (n + kl + 3 <= g->w) {
		int x = g->w - kl - 1;

		vgrid_text(g, x, y, kl, VS_STATUS, keys);
		/* the key names stand out: the first word of each pair */
		for (int i = 0; i < kl; i++)
			if ((i == 0 || keys[i - 1] == ' ') && keys[i] != ' ' &&
			    (i + 1 >= kl || keys[i + 1] == ' ' || keys[i + 1] == '/'))
				vgrid_style(g, x + i, y, keys[i + 1] == '/' ? 3 : 1, VS_KEY);
	}
}

static const char *const help_lines[] = {
	"space   one step: the next event (shown at the bottom)",
	"r  p    run / pause          +  -   faster / slower",
	"n       next device          z      zoom: at head, tail, off",
	"t  x    send 1 / 32 frames (dev_queue_xmit)",
	"i  I    receive 1 / 32 frames (pktgen from the wire)",
	":       a shell command; its output goes to the trace",
	"Ctrl-L  redraw               q      back to the shell",
	"",
	"H hw      the NIC's: posted, not yet done",
	"D done    DD written back, the driver has not reclaimed it",
	"W driver  written by the driver, tail not yet moved",
	". free    empty; one slot always stays free",
	"1 cell    W if any slot is W, else D, else H, else .",
	"TDH RDH   head: where the NIC works next",
	"TDT RDT   tail: where the NIC stops (the doorbell moves it)",
	"ntu ntc   next_to_use / next_to_clean: the driver's side",
	"",
	"press any key",
};

static void help(struct vgrid *g)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int bw = 68 < g->w - 2 ? 68 : g->w - 2, bh = n + 4;
	int x0 = (g->w - bw) / 2, y0 = (g->h - bh) / 2;

	for (int y = y0; y < y0 + bh; y++)
		for (int x = x0; x < x0 + bw; x++)
			vgrid_text(g, x, y, 1, VS_NORMAL, " ");
	vgrid_glyph(g, x0, y0, VG_CORNER_TL, VS_HEAD);
	vgrid_glyph(g, x0 + bw - 1, y0, VG_CORNER_TR, VS_HEAD);
	vgrid_glyph(g, x0, y0 + bh - 1, VG_CORNER_BL, VS_HEAD);
	vgrid_glyph(g, x0 + bw - 1, y0 + bh - 1, VG_CORNER_BR, VS_HEAD);
	vgrid_hline(g, x0 + 1, y0, bw - 2, VS_HEAD);
	vgrid_hline(g, x0 + 1, y0 + bh - 1, bw - 2, VS_HEAD);
	for (int y = y0 + 1; y < y0 + bh - 1; y++) {
		vgrid_glyph(g, x0, y, VG_VLINE, VS_HEAD);
		vgrid_glyph(g, x0 + bw - 1, y, VG_VLINE, VS_HEAD);
	}
	vgrid_text(g, x0 + 3, y0, bw - 6, VS_HEAD, " ring view: keys and legend ");
	for (int i = 0; i < n; i++) {
		const char *l = help_lines[i];
		static const enum vglyph gl[] = { VG_HW, VG_DONE, VG_DRIVER, VG_FREE };
		static const enum vstyle st[] = { VS_HW, VS_DONE, VS_DRIVER, VS_FREE };
		int y = y0 + 2 + i;

		vgrid_text(g, x0 + 3, y, bw - 5, i < 8 ? VS_NORMAL : VS_LABEL, l);
		vgrid_style(g, x0 + 3, y, i < 7 ? 7 : i >= 13 && i < 16 ? 9 : 0, VS_KEY);
		if (i >= 8 && i < 12)
			vgrid_glyph(g, x0 + 3, y, gl[i - 8], st[i - 8]);
	}
}

void vmodel_build(struct vgrid *g, const struct view_input *in)
{
	struct view_rows r;
	int x = 1, w = g->w - 2, qw, iw, cw;

	vgrid_clear(g);
	if (g->w < VIEW_MIN_W || g->h < VIEW_MIN_H || !in->d || !in->k) {
		enlarge(g);
		return;
	}
	vmodel_rows(in, g->h, &r);
	title(g, in, r.title);
	vring_draw(g, x, r.tx, w, &in->d->tx, 0, in->zoom, NULL);
	vring_draw(g, x, r.rx, w, &in->d->rx, 1, in->zoom, NULL);
	vpanel_machine(g, x, r.machine, w, in->k);
	qw = w >= 100 ? 26 : 23;
	iw = w >= 100 ? 32 : 27;
	cw = w - qw - iw - 6;
	vpanel_queue(g, x, r.panels, qw, r.panels_h, in->d);
	vpanel_irq(g, x + qw + 3, r.panels, iw, r.panels_h, in->d);
	vpanel_counters(g, x + qw + iw + 6, r.panels, cw, r.panels_h, in->ctr, in->nctr);
	for (int y = r.panels; y < r.panels + r.panels_h; y++) {
		vgrid_glyph(g, x + qw + 1, y, VG_VLINE, VS_LABEL);
		vgrid_glyph(g, x + qw + iw + 4, y, VG_VLINE, VS_LABEL);
	}
	if (r.lro_h)
		vpanel_lro(g, x, r.lro, w, r.lro_h, in->d);
	if (r.recv_h)
		vpanel_rx(g, x, r.recv, w, in->rx);
	if (r.log_h > 3) {
		vgrid_text(g, x, r.log, w, VS_HEAD, "Trace");
		vgrid_hline(g, x + 6, r.log, w - 6, VS_LABEL);
		vpanel_log(g, x, r.log + 1, w, r.log_h - 1, in->log, in->nlog);
	} else {
		vpanel_log(g, x, r.log, w, r.log_h, in->log, in->nlog);
	}
	status(g, in, r.status);
	if (in->help)
		help(g);
}

bool vmodel_cursor(const struct vgrid *g, const struct view_input *in, int *x, int *y)
{
	if (!in->prompt || g->w < VIEW_MIN_W || g->h < VIEW_MIN_H)
		return false;
	*x = 1 + (int)strlen(in->prompt);
	if (*x >= g->w)
		*x = g->w - 1;
	*y = g->h - 1;
	return true;
}
