/* ring.h - the ring widget: one descriptor ring as a strip of slots with its four markers. */
#ifndef RINGLAB_VIEW_RING_H
#define RINGLAB_VIEW_RING_H

#include <ringkit/snapshot.h>

#include "grid.h"

/*
 * Four rows:   TX ring  16 slots            H hw 3  D done 2  W driver 0  . free 11
 *                   v TDH 3 NIC reads here      v TDT 6 NIC stops here
 *                 0 DDD HHH HHH HHH ... . . .                          15
 *                   ^ next_to_clean 1 driver reclaims here  ^ next_to_use 6 ...
 * The NIC's registers (head, tail) point down from above, the driver's
 * indices (next_to_clean, next_to_use) up from below. A small ring is
 * magnified (up to 4 columns a slot, with gaps, so slots can be counted); a
 * ring wider than the strip is scaled by a power of two, each cell showing
 * the busiest owner among its slots (vring_cell_owner); the zoom shows exact
 * slots around the head or tail.
 */
#define VRING_ROWS 4
#define VRING_MARGIN 5 /* columns each side of the strip: the slot numbers */

enum vring_zoom { VRING_ZOOM_OFF, VRING_ZOOM_HEAD, VRING_ZOOM_TAIL, VRING_ZOOM_NR };

/* How slots map to columns. */
struct vring_layout {
	unsigned int count;    /* slots in the ring */
	unsigned int per_cell; /* slots per cell: > 1 when scaled */
	unsigned int cell_w;   /* columns per slot: > 1 when magnified (the last is a gap) */
	unsigned int first;    /* first slot shown (zoom), else 0 */
	unsigned int nslots;   /* slots shown: from first, wrapping */
	int x0;		       /* grid column of the first cell */
	bool zoomed;	       /* showing a window of the ring */
};

/* Draw ring r (which: 0 TX, 1 RX) into rows y..y+3, columns x..x+w-1. */
void vring_draw(struct vgrid *g, int x, int y, int w, const struct ring_snap *r, int which,
		enum vring_zoom zoom, struct vring_layout *out);

/* The layout alone. */
void vring_layout(struct vring_layout *L, const struct ring_snap *r, int x, int w,
		  enum vring_zoom zoom);

/* Grid column of slot's marker, or -1 if it is outside a zoomed window
 * (*side then says -1 before it, +1 after it). */
int vring_col(const struct vring_layout *L, unsigned int slot, int *side);

/*
 * The owner a cell of slots from..from+n-1 shows: driver if any slot is the
 * driver's, else done if any is done, else hw if any is the NIC's, else free.
 * Any slot that is not free wins over free ones, so the one slot a frame uses
 * is never hidden in a scaled ring; and the rarer, shorter-lived states (W:
 * written, doorbell not rung; D: finished, not reclaimed) show even among the
 * NIC's slots, as a posted RX ring mostly is.
 */
enum slot_owner vring_cell_owner(const struct ring_snap *r, unsigned int from, unsigned int n);

#endif
