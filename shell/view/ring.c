/* ring.c - the ring widget: slots coloured by owner, NIC registers above, driver indices below. */
#include <stdio.h>
#include <string.h>

#include "ring.h"

/* Names and what each marker means, per ring (simnic.h: ring ownership). */
struct mark_names {
	const char *name, *sname, *desc;
};
static const struct mark_names names[2][4] = {
	{ { "TDH", "TDH", "NIC reads here" }, { "TDT", "TDT", "NIC stops here" },
	  { "next_to_clean", "ntc", "driver reclaims here" },
	  { "next_to_use", "ntu", "driver writes here" } },
	{ { "RDH", "RDH", "NIC writes here" }, { "RDT", "RDT", "NIC stops here" },
	  { "next_to_clean", "ntc", "driver reads here" },
	  { "next_to_use", "ntu", "driver refills here" } },
};
/* When both markers of a row point at the same slot. */
static const char *const same_desc[2][2] = {
	{ "NIC idle: nothing posted", "nothing to reclaim" },
	{ "NIC has no buffers", "nothing to read" },
};

void vring_layout(struct vring_layout *L, const struct ring_snap *r, int x, int w,
		  enum vring_zoom zoom)
{
	int stripw = w - 2 * VRING_MARGIN;
	unsigned int n = r->count;

	if (stripw < 8)
		stripw = 8;
	memset(L, 0, sizeof(*L));
	L->count = n;
	L->x0 = x + VRING_MARGIN;
	L->per_cell = 1;
	L->cell_w = 1;
	L->nslots = n;
	if (!n)
		return;
	if (n <= (unsigned int)stripw) {
		unsigned int m = ((unsigned int)stripw + 1) / n; /* the last gap is dropped */

		L->cell_w = m > 4 ? 4 : m;
	} else {
		while ((n + L->per_cell - 1) / L->per_cell > (unsigned int)stripw)
			L->per_cell *= 2;
	}
	if (zoom != VRING_ZOOM_OFF && L->cell_w < 2) {
		unsigned int c = zoom == VRING_ZOOM_HEAD ? r->head : r->tail;

		L->zoomed = true;
		L->per_cell = 1;
		L->cell_w = 2;
		L->nslots = ((unsigned int)stripw + 1) / 2;
		L->first = (c % n + n - (L->nslots / 2) % n) % n;
	}
}

int vring_col(const struct vring_layout *L, unsigned int slot, int *side)
{
	unsigned int off, centre = L->cell_w >= 2 ? (L->cell_w - 2) / 2 : 0;

	if (side)
		*side = 0;
	if (!L->count)
		return -1;
	slot %= L->count;
	if (L->per_cell > 1)
		return L->x0 + (int)(slot / L->per_cell);
	off = (slot + L->count - L->first) % L->count;
	if (off >= L->nslots) {
		unsigned int after = off - L->nslots + 1, before = L->count - off;

		if (side)
			*side = after <= before ? 1 : -1;
		return -1;
	}
	return L->x0 + (int)(off * L->cell_w + centre);
}

enum slot_owner vring_cell_owner(const struct ring_snap *r, unsigned int from, unsigned int n)
{
	/* ring.h: the first of these any slot has; free only when all are free */
	static const enum slot_owner prio[] = { SLOT_DRIVER, SLOT_DONE, SLOT_HW };
	bool has[SLOT_OWNER_NR] = { false };

	for (unsigned int i = 0; i < n && r->count; i++) {
		unsigned int s = (from + i) % r->count;

		if (s < SIMNIC_MAX_DESC && r->slots[s].owner < SLOT_OWNER_NR)
			has[r->slots[s].owner] = true;
	}
	for (size_t i = 0; i < sizeof(prio) / sizeof(prio[0]); i++)
		if (has[prio[i]])
			return prio[i];
	return SLOT_FREE;
}

static enum vglyph owner_glyph(enum slot_owner o)
{
	return o == SLOT_HW ? VG_HW : o == SLOT_DONE ? VG_DONE : o == SLOT_DRIVER ? VG_DRIVER : VG_FREE;
}

static enum vstyle owner_style(enum slot_owner o)
{
	return o == SLOT_HW ? VS_HW : o == SLOT_DONE ? VS_DONE : o == SLOT_DRIVER ? VS_DRIVER : VS_FREE;
}

/* ---- the header: name, size, scale, and the owners' legend with counts ---- */

static void draw_header(struct vgrid *g, int x, int y, int w, const struct ring_snap *r,
			int which, const struct vring_layout *L)
{
	static const enum slot_owner order[] = { SLOT_HW, SLOT_DONE, SLOT_DRIVER, SLOT_FREE };
	int n = vgrid_text(g, x, y, w, VS_HEAD, which ? "RX ring" : "TX ring");
	char buf[96];
	int form;

	n += vgrid_printf(g, x + n, y, w - n, VS_NORMAL, " %u slots", r->count);
	if (!r->count) {
		vgrid_text(g, x + n, y, w - n, VS_LABEL, ": not allocated (device down)");
		return;
	}
	if (L->zoomed) {
		snprintf(buf, sizeof(buf), ", zoom %u..%u", L->first,
			 (L->first + L->nslots - 1) % r->count);
		n += vgrid_text(g, x + n, y, w - n, VS_ACTIVE, buf);
	} else if (L->per_cell > 1) {
		snprintf(buf, sizeof(buf), ", 1 cell = %u slots", L->per_cell);
		n += vgrid_text(g, x + n, y, w - n, VS_ACTIVE, buf);
	}
	/* The legend, right-aligned; shorter forms when the line is full. */
	for (form = 0; form < 3; form++) {
		int len = 0, xx;

		for (size_t i = 0; i < 4; i++) {
			if (form < 2)
				len += snprintf(buf, sizeof(buf), "%s %u", slot_owner_name(order[i]),
						r->n[order[i]]);
			else
				len += snprintf(buf, sizeof(buf), "%u", r->n[order[i]]);
			len += 2 + (i ? (form ? 1 : 2) : 0);
		}
		if (form < 2 && n + 1 + len > w)
			continue;
		xx = x + w - len;
		for (size_t i = 0; i < 4; i++) {
			enum slot_owner o = order[i];

			if (i)
				xx += form ? 1 : 2;
			vgrid_glyph(g, xx, y, owner_glyph(o), owner_style(o));
			xx += 2;
			if (form < 2)
				snprintf(buf, sizeof(buf), "%s %u", slot_owner_name(o), r->n[o]);
			else
				snprintf(buf, sizeof(buf), "%u", r->n[o]);
			xx += vgrid_text(g, xx, y, -1, r->n[o] ? VS_NORMAL : VS_ZERO, buf);
		}
		break;
	}
}

/* ---- the strip ---------------------------------------------------------- */

static void draw_strip(struct vgrid *g, int x, int y, int w, const struct ring_snap *r,
		       const struct vring_layout *L)
{
	char buf[16];
	int xe = L->x0;

	snprintf(buf, sizeof(buf), "%u", L->first);
	vgrid_rtext(g, L->x0 - 1, y, VS_LABEL, buf);
	if (L->per_cell > 1) {
		for (unsigned int s = 0; s < r->count; s += L->per_cell) {
			unsigned int k = r->count - s < L->per_cell ? r->count - s : L->per_cell;
			enum slot_owner o = vring_cell_owner(r, s, k);

			vgrid_glyph(g, xe++, y, owner_glyph(o), owner_style(o));
		}
	} else {
		for (unsigned int i = 0; i < L->nslots; i++) {
			unsigned int s = (L->first + i) % r->count;
			enum slot_owner o = vring_cell_owner(r, s, 1);
			unsigned int glyphs = L->cell_w > 1 ? L->cell_w - 1 : 1;

			for (unsigned int j = 0; j < glyphs; j++)
				vgrid_glyph(g, xe + (int)j, y, owner_glyph(o), owner_style(o));
			xe += (int)(i + 1 < L->nslots ? L->cell_w : glyphs);
		}
	}
	snprintf(buf, sizeof(buf), "%u",
		 L->zoomed ? (L->first + L->nslots - 1) % r->count : r->count - 1);
	vgrid_text(g, xe + 1, y, x + w - xe - 1, VS_LABEL, buf);
}

/* ---- the markers: two per row, labels placed so they never overlap ------ */

struct mark {
	int col;	   /* arrow column */
	int side;	   /* 0 in the strip, -1/+1 off a zoomed window */
	char full[80];	   /* "TDH 3 NIC reads here" */
	char mid[48];	   /* "next_to_use 6" */
	char shrt[24];	   /* "ntu 6" */
	int name_len[3];   /* the marker part (name and number) of full, mid, shrt */
};

/* Candidate placements: the label right or left of the arrow, long to short. */
enum { C_FULL_R, C_FULL_L, C_MID_R, C_MID_L, C_SHORT_R, C_SHORT_L, C_ARROW, C_NR };

static const char *cand_text(const struct mark *m, int c, int *name_len)
{
	int form = c == C_ARROW ? -1 : c / 2;

	if (form < 0) {
		*name_len = 0;
		return "";
	}
	*name_len = m->name_len[form];
	return form == 0 ? m->full : form == 1 ? m->mid : m->shrt;
}

/* The columns [*a, *b] a placement covers; false if it is not allowed. */
static bool cand_span(const struct mark *m, int c, int x, int w, int *a, int *b)
{
	int nl, len = (int)strlen(cand_text(m, c, &nl));
	bool left = c != C_ARROW && (c % 2) == 1;

	if (m->side && c != C_ARROW && left != (m->side > 0))
		return false; /* off-window labels point away from the edge */
	*a = left ? m->col - len - 1 : m->col;
	*b = left ? m->col : m->col + (len ? len + 1 : 0);
	return *a >= x && *b < x + w;
}

static void draw_cand(struct vgrid *g, int y, const struct mark *m, int c, enum vglyph arrow)
{
	int nl, a, len;
	const char *t = cand_text(m, c, &nl);
	bool left = c != C_ARROW && (c % 2) == 1;

	len = (int)strlen(t);
	vgrid_glyph(g, m->col, y, m->side < 0 ? VG_LEFT : m->side > 0 ? VG_RIGHT : arrow,
		    VS_MARKER);
	if (!len)
		return;
	a = left ? m->col - len - 1 : m->col + 2;
	vgrid_text(g, a, y, len, VS_LABEL, t);
	vgrid_style(g, a, y, nl, VS_MARKER);
}

static void set_mark(struct mark *m, const char *full_name, const char *short_name,
		     const char *desc)
{
	snprintf(m->mid, sizeof(m->mid), "%s", full_name);
	snprintf(m->shrt, sizeof(m->shrt), "%s", short_name);
	snprintf(m->full, sizeof(m->full), "%s%s%s", full_name, desc ? " " : "", desc ? desc : "");
	m->name_len[0] = m->name_len[1] = (int)strlen(full_name);
	m->name_len[2] = (int)strlen(short_name);
}

static void draw_marks(struct vgrid *g, int x, int y, int w, const struct vring_layout *L,
		       int which, int row, unsigned int ia, unsigned int ib, enum vglyph arrow)
{
	const struct mark_names *na = &names[which][row * 2], *nb = &names[which][row * 2 + 1];
	struct mark m[2];
	char f[64], s[32];
	int nm = 0, best = -1, bestcost = 1 << 30;

	memset(m, 0, sizeof(m));
	for (int i = 0; i < 2; i++) {
		const struct mark_names *nn = i ? nb : na;
		unsigned int idx = i ? ib : ia;
		char fn[40], sn[24];

		m[i].col = vring_col(L, idx, &m[i].side);
		if (m[i].col < 0) /* off the zoomed window: an arrow in the margin */
			m[i].col = m[i].side < 0 ? L->x0 - 2 : L->x0 + (int)(L->nslots * L->cell_w);
		snprintf(fn, sizeof(fn), "%s %u", nn->name, idx);
		snprintf(sn, sizeof(sn), "%s %u", nn->sname, idx);
		set_mark(&m[i], fn, sn, nn->desc);
	}
	nm = 2;
	if (m[0].col == m[1].col && m[0].side == m[1].side) {
		if (ia == ib) {
			snprintf(f, sizeof(f), "%s=%s %u", na->name, nb->name, ia);
			snprintf(s, sizeof(s), "%s=%s %u", na->sname, nb->sname, ia);
			set_mark(&m[0], f, s, same_desc[which][row]);
		} else {
			snprintf(f, sizeof(f), "%s %u, %s %u", na->name, ia, nb->name, ib);
			snprintf(s, sizeof(s), "%s %u, %s %u", na->sname, ia, nb->sname, ib);
			set_mark(&m[0], f, s, NULL);
		}
		nm = 1;
	} else if (m[0].col > m[1].col) {
		struct mark t = m[0];

		m[0] = m[1];
		m[1] = t;
	}
	/* Try every pair of placements; the cheapest that fits without touching wins. */
	for (int c0 = 0; c0 < C_NR; c0++) {
		for (int c1 = 0; c1 < (nm == 2 ? C_NR : 1); c1++) {
			int a0, b0, a1, b1, cost = c0 + c1;

			if (!cand_span(&m[0], c0, x, w, &a0, &b0))
				continue;
			if (nm == 2 && !cand_span(&m[1], c1, x, w, &a1, &b1))
				continue;
			/* arrows may touch, an arrow and text need a space, two texts
			 * facing each other three (or they read as one label) */
			if (nm == 2) {
				int facing = (b0 != m[0].col) + (a1 != m[1].col);

				if (a1 - b0 < (facing == 2 ? 4 : facing ? 2 : 1))
					continue;
			}
			if (cost < bestcost) {
				bestcost = cost;
				best = c0 * C_NR + c1;
			}
		}
	}
	if (best < 0) { /* not even the arrows fit apart: arrows only */
		for (int i = 0; i < nm; i++)
			draw_cand(g, y, &m[i], C_ARROW, arrow);
		return;
	}
	draw_cand(g, y, &m[0], best / C_NR, arrow);
	if (nm == 2)
		draw_cand(g, y, &m[1], best % C_NR, arrow);
}

void vring_draw(struct vgrid *g, int x, int y, int w, const struct ring_snap *r, int which,
		enum vring_zoom zoom, struct vring_layout *out)
{
	struct vring_layout L;

	which = which ? 1 : 0;
	vring_layout(&L, r, x, w, zoom);
	if (out)
		*out = L;
	draw_header(g, x, y, w, r, which, &L);
	if (!r->count)
		return;
	draw_marks(g, x, y + 1, w, &L, which, 0, r->head, r->tail, VG_DOWN);
	draw_strip(g, x, y + 2, w, r, &L);
	draw_marks(g, x, y + 3, w, &L, which, 1, r->next_to_clean, r->next_to_use, VG_UP);
}
