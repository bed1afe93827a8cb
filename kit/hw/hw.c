/* hw.c - all NICs as one piece of hardware: created, synced to the clock, stepped. */
#include <stdio.h>
#include <stdlib.h>

#include "nic_hw.h"

/*
 * Every NIC knows its next change (a frame finishing, a frame arriving, a
 * delayed cause reaching ICR, the line asserting). hw_sync processes all
 * changes up to k->now across all NICs in time order, so a frame sent by sn0
 * at t lands in sn1 after everything sn1 did before t. It is called before
 * any CPU work and by every kit call a driver makes, so drivers always see
 * the rings as they are at the current time.
 *
 * The one hardware event, hw_ev, says when a step is needed. With hw steps on
 * it is the next change, so each write-back and each frame is a step. With
 * them off it is the next change the CPU could notice: an interrupt line
 * going up, or a change that would raise an enabled cause not in ICR already
 * (with it there, the line is up or asserts at its own time); the rest
 * catches up in one go. Both give the same machine at every step that runs.
 */


struct nic *nic_of(struct net_device *dev)
{
	return dev->nic;
}

struct nic *nic_create(struct kit *k, struct net_device *dev, int index)
{
	struct nic *hw = calloc(1, sizeof(*hw));

	if (!hw)
		return NULL;
	hw->tx_done = calloc(SIMNIC_MAX_DESC, sizeof(u64));
	if (!hw->tx_done) {
		free(hw);
		return NULL;
	}
	hw->k = k;
	hw->dev = dev;
	hw->index = index;
	hw->irq_at = KIT_NEVER;
	hw->next = KIT_NEVER;
	nic_cause_cancel(hw, -1);
	/* k->nic in device order: hw_sync's ties go to the first */
	int at = k->nnic;

	while (at > 0 && k->nic[at - 1]->index > index) {
		k->nic[at] = k->nic[at - 1];
		at--;
	}
	k->nic[at] = hw;
	k->nnic++;
	return hw;
}

/* The clock restarts at zero after boot: forget boot-time timestamps. */
void nic_boot_done(struct nic *hw)
{
	hw->tx_doorbells = hw->rx_doorbells = hw->irqs = 0;
	hw->last_irq = 0;
	hw->irq_ever = false;
	hw->irq_stale = true; /* irq_at was worked out from the old last_irq */
	hw->wire_free_up = 0;
	hw->wire_slack = 0;
}

void nic_destroy(struct nic *hw)
{
	struct kit *k;
	int at = 0;

	if (!hw)
		return;
	k = hw->k;
	while (at < k->nnic && k->nic[at] != hw)
		at++;
	if (at < k->nnic) {
		k->nnic--;
		for (; at < k->nnic; at++)
			k->nic[at] = k->nic[at + 1];
	}
	for (int i = 0; i < hw->nsrc; i++)
		if (hw->src[i]->destroy)
			hw->src[i]->destroy(hw->src[i]);
	free(hw->tx_done);
	free(hw);
}

void hw_sync(struct kit *k)
{
	u64 bt;

	if (k->in_hw)
		return;
	k->in_hw = true;
	for (;;) {
		struct nic *best = NULL;
		u64 other = KIT_NEVER; /* the earliest change of any other NIC */
		u32 cross;

		bt = KIT_NEVER;
		if (likely(k->nnic == 2)) {
			/* the pair every machine has: the loop's answer, ties to the
			 * first (with both idle, best is the first and bt KIT_NEVER:
			 * the loop ends below as it would with best NULL) */
			u64 a = k->nic[0]->next, b = k->nic[1]->next;

			if (b < a) {
				best = k->nic[1], bt = b, other = a;
			} else {
				best = k->nic[0], bt = a, other = b;
			}
		} else {
			for (int i = 0; i < k->nnic; i++) {
				struct nic *hw = k->nic[i];
				u64 t = hw->next;

				if (t < bt) {
					other = bt;
					bt = t;
					best = hw;
				} else if (t < other) {
					other = t;
				}
			}
		}
		if (!best || bt > k->now)
			break;
		/* this NIC's changes in a row, while they come before any other's
		 * (ties go to the NIC found first, as a fresh look would) and it
		 * hands no frame to another NIC */
		cross = k->hw_cross;
		do {
			nic_advance(k, best, bt);
			bt = best->next = nic_next_change(best);
		} while (bt <= k->now && bt < other && k->hw_cross == cross);
		if (k->hw_cross != cross) {
			/* a frame landed in another NIC: its next change moved */
			for (int i = 0; i < k->nnic; i++)
				k->nic[i]->next = nic_next_change(k->nic[i]);
			continue;
		}
		if (bt > k->now && other > k->now) {
			bt = bt < other ? bt : other;
			break;
		}
	}
	k->in_hw = false;
	hw_schedule_in(k, bt);
}

/*
 * Lazy mode: the earliest change the CPU could notice (the line asserting, a
 * delayed cause arriving, a write-back or an arrival that raises an enabled
 * cause), else the last pending change, so the hardware always catches up.
 * Waking early is harmless (the result is the same); waking late is not.
 * hw_arm wakes at the later of this and hw_next: once the earliest so far is
 * at or before hw_next, that is the answer, and the NICs after are not looked
 * at (the earliest can only come sooner).
 */
static u64 lazy_time(struct kit *k, u64 hw_next)
{
	u64 t = KIT_NEVER, last = 0;

	/* every device's NIC is in k->nic, its device index hw->index
	 * (dev->ifindex, the place in k->devs) */
	for (int n = 0; n < k->nnic; n++) {
		struct nic *hw = k->nic[n];
		bool rx_on;

		/* every time looked at below is one of nic_next_change's terms:
		 * a NIC without sources whose kept next (exact: nic_hw.h) is no
		 * sooner than t lowers nothing, and with nothing found yet (t
		 * never) it has nothing in flight for last either */
		if (hw->next >= t && !hw->nsrc)
			continue;
		if (hw->irq_at < t)
			t = hw->irq_at;
		if (hw->cause_min < t)
			t = hw->cause_min;
		if (t <= hw_next)
			return hw_next;
		rx_on = hw->ims & E1000_IMS_RX;
		if (hw->tdh != hw->tx_sched) {
			u32 s = hw->tx_sched, c = hw->tx_count, at;
			u64 next = hw->tx_done[hw->tdh], fin;

			if (next < t) {
				int i = hw->index;
				struct nic *peer = k->knob[KNOB_WIRE_PEER] && (i ^ 1) < k->ndevs ?
							   k->devs[i ^ 1]->nic :
							   NULL;

				/* a write-back raises TXDW at most: noticeable only
				 * when that is enabled and not in ICR already (then the
				 * line is up, or asserts at irq_at, looked at above) */
				if ((hw->ims & ~hw->icr & E1000_ICR_TXDW) ||
				    (peer && (peer->ims & E1000_IMS_RX)))
					t = next;
			}
			if (t <= hw_next)
				return hw_next;
			/* (s + c - 1) % c: s - 1 where 1 <= s <= c */
			at = likely(s - 1 < c) ? s - 1 : (s + c - 1) % c;
			fin = hw->tx_done[at];
			if (fin > last)
				last = fin;
		}
		for (int i = 0; i < hw->nsrc; i++) {
			const struct rx_source *src = hw->src[i];

			if ((rx_on || src->last_at == KIT_NEVER) && src->next_at < t)
				t = src->next_at;
			if (src->last_at != KIT_NEVER && src->last_at > last)
				last = src->last_at;
		}
		if (t <= hw_next)
			return hw_next;
	}
	return t == KIT_NEVER && last ? last : t;
}

/*
 * hw_ev at at, inline in hw_arm (once a step, in the CPU's loop, where
 * evq.c's calls would not be inlined): what ev_cancel and ev_schedule do to
 * the hardware's event, which stays out of the heap (evq.c): cancelled, it
 * is marked so; scheduled at a new time, it takes the time and the next seq
 * and is marked queued; at the time it has, it keeps its seq.
 */
static inline __attribute__((always_inline)) void hw_ev_set(struct kit *k, u64 at)
{
	struct sim_event *e = &k->hw_ev;

	if (at == KIT_NEVER) {
		e->idx = -1;
		return;
	}
	if (e->idx >= 0 && e->time == at)
		return;
	e->time = at;
	e->seq = k->evq.seq++;
	e->idx = EVQ_MAX; /* queued, outside the heap */
}

void hw_ev_at(struct kit *k, u64 at)
{
	hw_ev_set(k, at);
}

void hw_arm(struct kit *k)
{
	u64 next = k->hw_next, at;

	if (!k->hw_lazy_stale)
		return;
	k->hw_lazy_stale = false;
	if (k->hw_steps)
		return;
	at = next == KIT_NEVER ? KIT_NEVER : lazy_time(k, next);
	if (at != KIT_NEVER && at < next)
		at = next;
	hw_ev_set(k, at);
}

void hw_schedule(struct kit *k, u64 next)
{
	hw_schedule_in(k, next);
}

/* Something outside the hardware's own work changed a NIC (a register, a
 * source, a knob): every NIC's next change is looked at again. */
void hw_update(struct kit *k)
{
	u64 next = KIT_NEVER;

	if (likely(k->nnic == 2)) {
		/* the pair every machine has: the loop below, unrolled */
		u64 a = k->nic[0]->next = nic_next_change(k->nic[0]);
		u64 b = k->nic[1]->next = nic_next_change(k->nic[1]);

		hw_schedule(k, a < b ? a : b);
		return;
	}
	for (int i = 0; i < k->nnic; i++) {
		struct nic *hw = k->nic[i];
		u64 t = hw->next = nic_next_change(hw);

		if (t < next)
			next = t;
	}
	hw_schedule(k, next);
}

/* A register access changed hw alone (nic_regs.c: a read of ICR, a write
 * but a tail's): its next change is looked at again and every other NIC's
 * kept next is taken as it is (exact: nic_hw.h), hw_update's answer with
 * one nic_next_change instead of one per NIC. */
void hw_update_one(struct kit *k, struct nic *hw)
{
	u64 next = KIT_NEVER;

	hw->next = nic_next_change(hw);
	if (likely(k->nnic == 2)) {
		u64 a = k->nic[0]->next, b = k->nic[1]->next;

		hw_schedule(k, a < b ? a : b);
		return;
	}
	for (int i = 0; i < k->nnic; i++)
		if (k->nic[i]->next < next)
			next = k->nic[i]->next;
	hw_schedule(k, next);
}

/* hw's next change can only have come sooner (a tail write): no other NIC
 * to look at, the earliest is the sooner of the two. */
void hw_update_nic(struct kit *k, struct nic *hw)
{
	u64 t = hw->next = nic_next_change(hw);

	if (t < k->hw_next)
		hw_schedule(k, t);
}

void hw_event(struct kit *k)
{
	hw_sync(k);
}

void hw_describe_next(struct kit *k, char *what, size_t len)
{
	struct nic *best = NULL;
	u64 bt = KIT_NEVER;

	for (int i = 0; i < k->ndevs; i++) {
		struct nic *hw = k->devs[i]->nic;

		if (hw && nic_next_change(hw) < bt) {
			bt = nic_next_change(hw);
			best = hw;
		}
	}
	if (!best) {
		snprintf(what, len, "hardware");
		return;
	}
	for (int b = 0; b < NIC_CAUSES; b++)
		if (best->cause_at[b] == bt) {
			snprintf(what, len, "%s: interrupt cause %s reaches ICR (coalescing timer)",
				 best->dev->name, b == 7 ? "RXT0" : b == 0 ? "TXDW" : "?");
			return;
		}
	if (best->irq_at == bt)
		snprintf(what, len, "%s: interrupt line asserts", best->dev->name);
	else if (best->tdh != best->tx_sched && best->tx_done[best->tdh] == bt)
		snprintf(what, len, "%s: TX desc %u sent, DD written back", best->dev->name, best->tdh);
	else
		snprintf(what, len, "%s: a frame arrives (RX desc %u)", best->dev->name, best->rdh);
}
