/* test_view_model.c - the ring view's screen model, without a terminal: cells, markers, labels. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringkit/ringkit.h>

#include "../../shell/view/model.h"
#include "../../shell/view/view.h"
#include "view_helpers.h"

/* ---- helpers ------------------------------------------------------------- */

static char rowbuf[1024];
static const char *row(const struct vgrid *g, int y)
{
	vgrid_row_text(g, y, rowbuf, sizeof(rowbuf));
	return rowbuf;
}

/* The character cell (x, y) shows, as the text twin draws it; '?' off the grid. */
static char cell_ch(const struct vgrid *g, int x, int y)
{
	const struct vcell *c = vgrid_cat(g, x, y);

	if (!c)
		return '?';
	return c->glyph == VG_TEXT ? c->ch : vgrid_ascii((enum vglyph)c->glyph);
}

/* The owner glyph drawn for slot s of the TX ring at rows y.. in g. */
static enum vglyph slot_glyph(const struct vgrid *g, const struct vring_layout *L, int y,
			      unsigned int s)
{
	int col = vring_col(L, s, NULL);

	cr_assert(col >= 0, "slot %u is at column %d, expected one on the screen", s, col);
	return (enum vglyph)vgrid_cat(g, col, y + 2)->glyph;
}

/* The same as a character, for messages. */
static char slot_ch(const struct vgrid *g, const struct vring_layout *L, int y, unsigned int s)
{
	return vgrid_ascii(slot_glyph(g, L, y, s));
}

static const enum vglyph owner_glyph[SLOT_OWNER_NR] = {
	[SLOT_FREE] = VG_FREE, [SLOT_DRIVER] = VG_DRIVER, [SLOT_HW] = VG_HW, [SLOT_DONE] = VG_DONE,
};

/* ---- the ring widget ------------------------------------------------------- */

Test(view_ring, empty_ring_all_free_markers_together)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	struct vring_layout L;

	ring_set(r, 16, 0, 0, 0, 0);
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_OFF, &L);
	cr_assert_eq(L.per_cell, 1, "%u slots a cell, expected 1", L.per_cell);
	cr_assert_eq(L.cell_w, 4, "a 16-slot ring is magnified");
	for (unsigned int s = 0; s < 16; s++)
		cr_assert_eq(slot_glyph(&g, &L, 0, s), VG_FREE, "slot %u", s);
	cr_assert(strstr(row(&g, 0), "TX ring 16 slots"), "no \"TX ring 16 slots\" in row 0: %s",
		  row(&g, 0));
	cr_assert(strstr(row(&g, 0), "free 16"), "no \"free 16\" in row 0: %s", row(&g, 0));
	cr_assert(strstr(row(&g, 1), "TDH=TDT 0 NIC idle"), "%s", row(&g, 1));
	cr_assert(strstr(row(&g, 3), "next_to_clean=next_to_use 0"), "%s", row(&g, 3));
	cr_assert_eq(vgrid_cat(&g, vring_col(&L, 0, NULL), 1)->glyph, VG_DOWN,
		     "row 1 column %d is '%c', expected 'v'", vring_col(&L, 0, NULL),
		     cell_ch(&g, vring_col(&L, 0, NULL), 1));
	cr_assert_eq(vgrid_cat(&g, vring_col(&L, 0, NULL), 3)->glyph, VG_UP,
		     "row 3 column %d is '%c', expected '^'", vring_col(&L, 0, NULL),
		     cell_ch(&g, vring_col(&L, 0, NULL), 3));
	cr_assert(strstr(row(&g, 2), " 15"), "the last slot's number ends the strip");
	vgrid_free(&g);
	free(r);
}

Test(view_ring, wrapped_ring_owners_and_markers)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	struct vring_layout L;
	int ch, ct, cc, cu;

	/* done 12-13, hw 14,15,0,1 (wrapping), driver 2-3, free 4-11 */
	ring_set(r, 16, 14, 2, 12, 4);
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_OFF, &L);
	for (unsigned int s = 0; s < 16; s++)
		cr_assert_eq(slot_glyph(&g, &L, 0, s), owner_glyph[r->slots[s].owner], "slot %u", s);
	cr_assert_eq(slot_glyph(&g, &L, 0, 15), VG_HW, "slot 15 is '%c', expected 'H'",
		     slot_ch(&g, &L, 0, 15));
	cr_assert_eq(slot_glyph(&g, &L, 0, 0), VG_HW, "slot 0 is '%c', expected 'H'",
		     slot_ch(&g, &L, 0, 0));
	cr_assert_eq(slot_glyph(&g, &L, 0, 12), VG_DONE, "slot 12 is '%c', expected 'D'",
		     slot_ch(&g, &L, 0, 12));
	cr_assert_eq(slot_glyph(&g, &L, 0, 3), VG_DRIVER, "slot 3 is '%c', expected 'W'",
		     slot_ch(&g, &L, 0, 3));
	cr_assert_eq(slot_glyph(&g, &L, 0, 4), VG_FREE, "slot 4 is '%c', expected '.'",
		     slot_ch(&g, &L, 0, 4));
	ch = vring_col(&L, 14, NULL);
	ct = vring_col(&L, 2, NULL);
	cc = vring_col(&L, 12, NULL);
	cu = vring_col(&L, 4, NULL);
	cr_assert_eq(vgrid_cat(&g, ch, 1)->glyph, VG_DOWN, "TDH arrow over slot 14");
	cr_assert_eq(vgrid_cat(&g, ct, 1)->glyph, VG_DOWN, "TDT arrow over slot 2");
	cr_assert_eq(vgrid_cat(&g, cc, 3)->glyph, VG_UP, "next_to_clean under slot 12");
	cr_assert_eq(vgrid_cat(&g, cu, 3)->glyph, VG_UP, "next_to_use under slot 4");
	cr_assert(strstr(row(&g, 1), "TDH 14"), "%s", row(&g, 1));
	cr_assert(strstr(row(&g, 1), "TDT 2"), "%s", row(&g, 1));
	/* both long labels do not fit between the arrows: the names stay, the words go */
	cr_assert(strstr(row(&g, 3), "next_to_clean 12"), "%s", row(&g, 3));
	cr_assert(strstr(row(&g, 3), "next_to_use 4"), "%s", row(&g, 3));
	cr_assert(strstr(row(&g, 0), "hw 4") && strstr(row(&g, 0), "done 2") &&
		  strstr(row(&g, 0), "driver 2") && strstr(row(&g, 0), "free 8"), "%s", row(&g, 0));
	cr_assert_eq(vgrid_cat(&g, ch, 1)->style, VS_MARKER,
		     "the TDH arrow at column %d has style %d, expected %d (VS_MARKER)", ch,
		     vgrid_cat(&g, ch, 1)->style, VS_MARKER);
	vgrid_free(&g);
	free(r);
}

Test(view_ring, rx_ring_names)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));

	ring_set(r, 64, 3, 60, 3, 60);
	vgrid_resize(&g, 100, VRING_ROWS);
	vring_draw(&g, 0, 0, 100, r, 1, VRING_ZOOM_OFF, NULL);
	cr_assert(strstr(row(&g, 0), "RX ring 64 slots"), "no \"RX ring 64 slots\" in row 0: %s",
		  row(&g, 0));
	cr_assert(strstr(row(&g, 1), "RDH 3 NIC writes here"), "%s", row(&g, 1));
	cr_assert(strstr(row(&g, 1), "RDT 60"), "%s", row(&g, 1));
	cr_assert(strstr(row(&g, 3), "driver reads here"), "%s", row(&g, 3));
	vgrid_free(&g);
	free(r);
}

Test(view_ring, large_ring_scaled_any_owner_beats_free)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	struct vring_layout L;

	ring_set(r, 4096, 1000, 2000, 1000, 2000); /* hw 1000..1999 */
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_OFF, &L);
	cr_assert_eq(L.per_cell, 64, "%u slots a cell, expected 64", L.per_cell);
	cr_assert(strstr(row(&g, 0), "1 cell = 64 slots"), "%s", row(&g, 0));
	cr_assert(strstr(row(&g, 2), " 4095"), "no \" 4095\" in row 2: %s", row(&g, 2));
	/* cell 14 holds slots 896..959: all free; cell 15 960..1023: 40 free, 24 hw -> hw */
	cr_assert_eq(vgrid_cat(&g, L.x0 + 14, 2)->glyph, VG_FREE, "cell 14 is '%c', expected '.'",
		     cell_ch(&g, L.x0 + 14, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 15, 2)->glyph, VG_HW, "cell 15 is '%c', expected 'H'",
		     cell_ch(&g, L.x0 + 15, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 16, 2)->glyph, VG_HW, "cell 16 is '%c', expected 'H'",
		     cell_ch(&g, L.x0 + 16, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 30, 2)->glyph, VG_HW,
		     "cell 30 (1920..1983: all hw) is '%c', expected 'H'",
		     cell_ch(&g, L.x0 + 30, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 31, 2)->glyph, VG_HW,
		     "cell 31 (1984..2047: 16 hw, 48 free) is '%c', expected 'H'",
		     cell_ch(&g, L.x0 + 31, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 32, 2)->glyph, VG_FREE,
		     "cell 32 (2048..2111: all free) is '%c', expected '.'",
		     cell_ch(&g, L.x0 + 32, 2));
	cr_assert_eq(vring_cell_owner(r, 1984, 64), SLOT_HW, "slots 1984..2047 are %s, expected hw",
		     slot_owner_name(vring_cell_owner(r, 1984, 64)));
	cr_assert_eq(vring_cell_owner(r, 1968, 64), SLOT_HW, "slots 1968..2031 are %s, expected hw",
		     slot_owner_name(vring_cell_owner(r, 1968, 64)));
	cr_assert_eq(vring_cell_owner(r, 1999, 64), SLOT_HW, "one hw slot, 63 free");
	cr_assert_eq(vring_cell_owner(r, 2000, 64), SLOT_FREE,
		     "slots 2000..2063 are %s, expected free",
		     slot_owner_name(vring_cell_owner(r, 2000, 64)));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 63, 2)->glyph, VG_FREE, "cell 63 is '%c', expected '.'",
		     cell_ch(&g, L.x0 + 63, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 64, 2)->glyph, VG_TEXT, "64 cells, then the number");
	vgrid_free(&g);
	free(r);
}

#define DOTS64 "................................................................"

/* The reported case: a 256-slot TX ring at 80 columns is 4 slots a cell, and
 * `t` posts one frame. Its slot must show, and so must each owner change. */
Test(view_ring, one_slot_in_a_4_slot_cell_shows)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	struct vring_layout L;
	char strip[128];

	vgrid_resize(&g, 80, VRING_ROWS);
	ring_set(r, 256, 0, 1, 0, 1); /* t: slot 0 the NIC's, 1..255 free */
	vring_draw(&g, 0, 0, 78, r, 0, VRING_ZOOM_OFF, &L);
	cr_assert_eq(L.per_cell, 4, "256 slots at 80 columns: 4 a cell");
	cr_assert_eq(r->n[SLOT_HW], 1, "%u hw slots, expected 1", r->n[SLOT_HW]);
	cr_assert_eq(vgrid_cat(&g, L.x0, 2)->glyph, VG_HW, "one hw slot, three free: %s",
		     row(&g, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 1, 2)->glyph, VG_FREE, "cell 1 is '%c', expected '.': %s",
		     cell_ch(&g, L.x0 + 1, 2), row(&g, 2));
	{
		char want[80];

		snprintf(want, sizeof(want), " 0 H%.63s 255", DOTS64);
		vgrid_row_text(&g, 2, strip, sizeof(strip));
		cr_assert(strstr(strip, want), "%s\n%s", strip, want);
	}

	ring_set(r, 256, 1, 1, 0, 1); /* space: the NIC wrote slot 0 back (DD) */
	vgrid_clear(&g);
	vring_draw(&g, 0, 0, 78, r, 0, VRING_ZOOM_OFF, &L);
	cr_assert_eq(r->n[SLOT_DONE], 1, "%u done slots, expected 1", r->n[SLOT_DONE]);
	cr_assert_eq(vgrid_cat(&g, L.x0, 2)->glyph, VG_DONE, "one done slot, three free: %s",
		     row(&g, 2));

	ring_set(r, 256, 1, 1, 1, 1); /* reclaimed: the cell is free again */
	vgrid_clear(&g);
	vring_draw(&g, 0, 0, 78, r, 0, VRING_ZOOM_OFF, &L);
	cr_assert_eq(vgrid_cat(&g, L.x0, 2)->glyph, VG_FREE, "cell 0 is '%c', expected '.': %s",
		     cell_ch(&g, L.x0, 2), row(&g, 2));

	/* RX, `i`: a posted ring (hw 0..254) receives one frame into slot 0 */
	ring_set(r, 256, 1, 255, 0, 255);
	vgrid_clear(&g);
	vring_draw(&g, 0, 0, 78, r, 1, VRING_ZOOM_OFF, &L);
	cr_assert_eq(r->n[SLOT_DONE], 1, "%u done slots, expected 1", r->n[SLOT_DONE]);
	cr_assert_eq(vgrid_cat(&g, L.x0, 2)->glyph, VG_DONE, "one done slot among hw: %s",
		     row(&g, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 1, 2)->glyph, VG_HW, "cell 1 is '%c', expected 'H': %s",
		     cell_ch(&g, L.x0 + 1, 2), row(&g, 2));
	cr_assert_eq(vgrid_cat(&g, L.x0 + 63, 2)->glyph, VG_HW, "252..254 hw, 255 free");
	vgrid_free(&g);
	free(r);
}

/* The rule, every 4-slot cell: driver if any, else done, else hw, else free. */
Test(view_ring, cell_owner_priority_every_4_slot_cell)
{
	struct ring_snap *r = calloc(1, sizeof(*r));

	r->count = 8;
	for (unsigned int m = 0; m < 256; m++) {
		bool any[SLOT_OWNER_NR] = { false };
		enum slot_owner want = SLOT_FREE;

		for (unsigned int i = 0; i < 4; i++) {
			enum slot_owner o = (enum slot_owner)((m >> (2 * i)) & 3);

			r->slots[2 + i].owner = (u8)o;
			any[o] = true;
		}
		r->slots[0].owner = r->slots[1].owner = (u8)SLOT_DRIVER; /* outside the cell */
		r->slots[6].owner = r->slots[7].owner = (u8)SLOT_DRIVER;
		if (any[SLOT_DRIVER])
			want = SLOT_DRIVER;
		else if (any[SLOT_DONE])
			want = SLOT_DONE;
		else if (any[SLOT_HW])
			want = SLOT_HW;
		cr_assert_eq(vring_cell_owner(r, 2, 4), want, "cell %u%u%u%u", r->slots[2].owner,
			     r->slots[3].owner, r->slots[4].owner, r->slots[5].owner);
		cr_assert_eq(vring_cell_owner(r, 2, 4) == SLOT_FREE, !any[SLOT_DRIVER] &&
			     !any[SLOT_DONE] && !any[SLOT_HW], "free only when all are free");
	}
	/* a cell that wraps: slots 7, 0 */
	memset(r->slots, 0, sizeof(r->slots));
	r->slots[0].owner = (u8)SLOT_HW;
	cr_assert_eq(vring_cell_owner(r, 7, 2), SLOT_HW, "slots 7, 0 are %s, expected hw",
		     slot_owner_name(vring_cell_owner(r, 7, 2)));
	cr_assert_eq(vring_cell_owner(r, 6, 2), SLOT_FREE, "slots 6, 7 are %s, expected free",
		     slot_owner_name(vring_cell_owner(r, 6, 2)));
	free(r);
}

Test(view_ring, zoom_shows_exact_slots_around_head_and_tail)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	struct vring_layout L;
	int side;

	ring_set(r, 4096, 1000, 1010, 990, 1010);
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_HEAD, &L);
	cr_assert(L.zoomed, "not zoomed (%u slots a cell), expected a window", L.per_cell);
	cr_assert_eq(L.per_cell, 1, "%u slots a cell, expected 1", L.per_cell);
	cr_assert(L.first <= 1000 && 1000 < L.first + L.nslots,
		  "the window is %u slots from %u, expected it to hold slot 1000", L.nslots,
		  L.first);
	cr_assert(strstr(row(&g, 0), "zoom"), "%s", row(&g, 0));
	for (unsigned int s = L.first; s < L.first + L.nslots; s++)
		cr_assert_eq(slot_glyph(&g, &L, 0, s), owner_glyph[r->slots[s].owner], "slot %u", s);
	cr_assert_eq(vgrid_cat(&g, vring_col(&L, 1000, NULL), 1)->glyph, VG_DOWN,
		     "row 1 column %d (TDH 1000) is '%c', expected 'v'", vring_col(&L, 1000, NULL),
		     cell_ch(&g, vring_col(&L, 1000, NULL), 1));
	vgrid_clear(&g);
	ring_set(r, 4096, 10, 3000, 10, 3000);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_TAIL, &L);
	cr_assert(in_range(3000, L.first, (L.first + L.nslots) % 4096, 4096),
		  "the window is %u slots from %u, expected it to hold slot 3000", L.nslots,
		  L.first);
	cr_assert_eq(vring_col(&L, 10, &side), -1, "the head is off the window");
	cr_assert_eq(side, 1, "nearer going forward, through the wrap");
	cr_assert(strstr(row(&g, 1), "TDH 10"), "off-window markers keep their label: %s",
		  row(&g, 1));
	cr_assert_eq(vgrid_cat(&g, L.x0 + (int)(L.nslots * L.cell_w), 1)->glyph, VG_RIGHT,
		     "%s", row(&g, 1));
	ring_set(r, 4096, 2900, 3000, 2900, 3000);
	vgrid_clear(&g);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_TAIL, &L);
	cr_assert_eq(vring_col(&L, 2900, &side), -1,
		     "slot 2900 is at column %d, expected -1 (the window is %u slots from %u)",
		     vring_col(&L, 2900, NULL), L.nslots, L.first);
	cr_assert_eq(side, -1, "side %d, expected -1: nearer going back", side);
	cr_assert_eq(vgrid_cat(&g, L.x0 - 2, 1)->glyph, VG_LEFT, "%s", row(&g, 1));
	/* a wrapping window: around slot 2 of 4096 */
	ring_set(r, 4096, 2, 2, 2, 2);
	vring_layout(&L, r, 0, 80, VRING_ZOOM_HEAD);
	cr_assert(L.first > 4000, "the window starts before slot 0: %u", L.first);
	cr_assert(vring_col(&L, 0, NULL) > vring_col(&L, 4095, NULL),
		  "slot 0 is at column %d, slot 4095 at %d: expected 0 to the right",
		  vring_col(&L, 0, NULL), vring_col(&L, 4095, NULL));
	vgrid_free(&g);
	free(r);
}

/* Property: for any indices, every marker's arrow is over its slot and the
 * labels stay on the row, whatever the width. */
Test(view_ring, markers_always_at_their_slots)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));
	unsigned int seed = 12345;
	static const unsigned int sizes[] = { 8, 16, 24, 64, 256, 1000, 4096 };

	for (int it = 0; it < 3000; it++) {
		unsigned int n = sizes[it % 7], v[4];
		int w = 78 + (int)(it % 5) * 30;
		struct vring_layout L;
		enum vring_zoom z = (enum vring_zoom)(it % 3);

		for (int j = 0; j < 4; j++) {
			seed = seed * 1103515245u + 12345u;
			v[j] = (seed >> 8) % n;
		}
		ring_set(r, n, v[0], v[1], v[2], v[3]);
		vgrid_resize(&g, w, VRING_ROWS);
		vring_draw(&g, 0, 0, w, r, it & 1, z, &L);
		for (int j = 0; j < 4; j++) {
			int side, col = vring_col(&L, v[j], &side);
			int y = j < 2 ? 1 : 3;
			const struct vcell *c;

			if (col < 0)
				continue; /* off a zoomed window: an edge arrow */
			c = vgrid_cat(&g, col, y);
			cr_assert(c->glyph == (j < 2 ? VG_DOWN : VG_UP),
				  "n %u w %d marker %d at %u: col %d has '%c'\n%s", n, w, j, v[j], col,
				  vgrid_ascii(c->glyph), row(&g, y));
		}
	}
	vgrid_free(&g);
	free(r);
}

/* ---- the text twin ------------------------------------------------------------ */

Test(view_text, ring_text_is_the_model_as_ascii)
{
	struct dev_snap *d = dev_new();
	char out[4096];
	size_t n;

	ring_set(&d->tx, 16, 14, 2, 12, 4);
	n = view_ring_text(d, VIEW_RING_TX, 80, out, sizeof(out));
	cr_assert_eq(n, strlen(out), "returned %zu, expected the length %zu", n, strlen(out));
	cr_assert(strncmp(out, "TX ring 16 slots", 16) == 0, "%s", out);
	cr_assert(strstr(out, "DDD HHH HHH"), "%s", out);
	cr_assert(strstr(out, "HHH HHH WWW WWW ..."), "%s", out);
	cr_assert(strstr(out, "TDH 14"), "no \"TDH 14\" in:\n%s", out);
	cr_assert(strstr(out, "next_to_use 4"), "no \"next_to_use 4\" in:\n%s", out);
	{
		int lines = 0;

		for (char *p = out; *p; p++)
			lines += *p == '\n';
		cr_assert_eq(lines, VRING_ROWS, "%d lines, expected %d:\n%s", lines, VRING_ROWS,
			     out);
	}
	n = view_ring_text(d, VIEW_RING_RX, 80, out, sizeof(out));
	cr_assert(strncmp(out, "RX ring 16 slots", 16) == 0,
		  "expected \"RX ring 16 slots\" first, got:\n%s", out);
	n = view_ring_text(d, VIEW_RING_TX, 80, out, 10);
	cr_assert_lt(n, 10, "returned %zu into 10 bytes, expected less than 10", n);
	cr_assert_eq(out[n], '\0', "out[%zu] is '%c' (%d), expected the NUL", n, out[n], out[n]);
	cr_assert_eq(view_ring_text(d, 0, 80, out, 0), 0, "returned %zu into 0 bytes, expected 0",
		     view_ring_text(d, 0, 80, out, 0));
	memset(&d->tx, 0, sizeof(d->tx)); /* device down: one line */
	view_ring_text(d, VIEW_RING_TX, 80, out, sizeof(out));
	cr_assert_str_eq(out, "TX ring 0 slots: not allocated (device down)\n",
			 "got \"%s\", expected \"TX ring 0 slots: not allocated (device down)\\n\"",
			 out);
	free(d);
}

Test(view_text, ring_text_from_a_real_machine)
{
	struct kit *k = kit_new(1);
	struct net_device *sn0 = kit_dev_by_name(k, "sn0");
	struct dev_snap *d = calloc(1, sizeof(*d));
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char err[128], out[4096];

	cr_assert_eq(kit_param_set(k, sn0, kit_param_find("tx_ring"), 16, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kit_param_set(k, NULL, kit_param_find("link_speed"), 10, err, sizeof(err)), 0,
		     "link_speed 10 refused (%s), expected 0", err);
	/* BQL off: the ring, not the byte limit, is what fills */
	cr_assert_eq(kit_param_set(k, sn0, kit_param_find("bql"), 0, err, sizeof(err)), 0,
		     "bql 0 refused (%s), expected 0", err);
	kit_xmit_frames(sn0, &p, 32);
	kit_run(k, 3, 0, NULL);
	cr_assert_eq(kit_dev_snapshot(sn0, d), 0, "kit_dev_snapshot(sn0) returned %d, expected 0",
		     kit_dev_snapshot(sn0, d));
	view_ring_text(d, VIEW_RING_TX, 80, out, sizeof(out));
	cr_assert(d->tx.n[SLOT_HW] > 0, "%u hw slots after 32 frames on a slow link, expected some",
		  d->tx.n[SLOT_HW]);
	{
		char want[32];

		snprintf(want, sizeof(want), "hw %u", d->tx.n[SLOT_HW]);
		cr_assert(strstr(out, want), "%s", out);
	}
	cr_assert(strstr(out, "HHH"), "%s", out);
	free(d);
	kit_free(k);
}

Test(view_ring, adjacent_markers_keep_their_labels)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));

	ring_set(r, 64, 20, 21, 20, 21); /* 1:1, markers in touching columns */
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_OFF, NULL);
	cr_assert(strstr(row(&g, 1), "TDH 20 NIC reads here vv TDT 21 NIC stops here"), "%s",
		  row(&g, 1));
	cr_assert(strstr(row(&g, 3), "^^"), "%s", row(&g, 3));
	cr_assert(strstr(row(&g, 3), "next_to_use 21"), "%s", row(&g, 3));
	vgrid_free(&g);
	free(r);
}

/* Two labels whose texts face each other keep three spaces, or they read as one. */
Test(view_ring, facing_labels_stay_apart)
{
	struct vgrid g = { 0 };
	struct ring_snap *r = calloc(1, sizeof(*r));

	ring_set(r, 16, 2, 15, 2, 15);
	vgrid_resize(&g, 80, VRING_ROWS);
	vring_draw(&g, 0, 0, 80, r, 0, VRING_ZOOM_OFF, NULL);
	cr_assert_null(strstr(row(&g, 3), "2 next_to_use"), "%s", row(&g, 3));
	cr_assert(strstr(row(&g, 3), "driver reclaims here   ") ||
		  strstr(row(&g, 3), "   next_to_use 15 driver writes here"), "%s", row(&g, 3));
	vgrid_free(&g);
	free(r);
}
