/* view_helpers.h - device snapshots for the view tests, built by hand. */
#ifndef TESTS_VIEW_HELPERS_H
#define TESTS_VIEW_HELPERS_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ringkit/ringkit.h>

static inline bool in_range(unsigned int i, unsigned int from, unsigned int to, unsigned int n)
{
	return ((i + n - from) % n) < ((to + n - from) % n);
}

/* A ring as simnic.h defines ownership, computed here independently of the kit. */
static inline void ring_set(struct ring_snap *r, unsigned int n, unsigned int head, unsigned int tail,
		     unsigned int ntc, unsigned int ntu)
{
	memset(r, 0, sizeof(*r));
	r->count = n;
	r->head = head;
	r->tail = tail;
	r->next_to_clean = ntc;
	r->next_to_use = ntu;
	for (unsigned int i = 0; i < n; i++) {
		enum slot_owner o = SLOT_FREE;

		if (in_range(i, head, tail, n))
			o = SLOT_HW;
		else if (in_range(i, ntc, ntu, n))
			o = in_range(i, ntc, head, n) ? SLOT_DONE : SLOT_DRIVER;
		r->slots[i].owner = (u8)o;
		r->n[o]++;
	}
}

/* sn0, up, modern NAPI: an empty 16-slot TX ring, 15 RX buffers posted. */
static inline struct dev_snap *dev_new(void)
{
	struct dev_snap *d = calloc(1, sizeof(*d));

	cr_assert(d, "calloc of a %zu-byte dev_snap returned NULL, expected memory", sizeof(*d));
	snprintf(d->name, sizeof(d->name), "sn0");
	d->up = d->carrier = true;
	d->irq_mode = SIMNIC_NAPI_MODERN;
	d->tx_queue_len = 1000;
	d->xmit_win = 1;
	d->weight = 64;
	d->ims = E1000_IMS_RX | E1000_IMS_TX;
	ring_set(&d->tx, 16, 0, 0, 0, 0);
	ring_set(&d->rx, 16, 0, 15, 0, 15);
	d->lro_max_desc = 8;
	return d;
}

#endif
