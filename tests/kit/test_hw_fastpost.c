/* test_hw_fastpost.c - the TDT write's common turn at the ring's edges: the slot ahead, the next fetch point. */
#include "tx_pair_helpers.h"

TestSuite(hw_fastpost, .timeout = 60);

/* The turn a case sets up before the write: where the ring's head and tail
 * are, a frame in flight or not. */
enum fp_case {
	FP_START,	/* a frame in flight in slot 0, the next posted in 1 */
	FP_END,		/* a frame in flight, the next posted in the ring's last slot */
	FP_END_IDLE,	/* nothing in flight, a frame posted in the ring's last slot */
	FP_TAIL_WRAPPED, /* a frame in flight in the last slot, the tail at 0, two posted */
	FP_N
};

static const char *const fp_name[FP_N] = {
	"ring start, busy", "ring end, busy", "ring end, idle", "tail wrapped to 0, busy",
};


/* Machine m's ring with head and tail at at and four frames of 60 bytes
 * from there on, the first posted and fetched, then case c's turn; returns
 * the tail to write. */
static u32 fp_setup(struct tx_machine *m, enum fp_case c)
{
	struct kit *k = m->k;
	struct nic *hw = m->hw;
	u32 count = hw->tx_count;
	u32 at = c == FP_START ? 0 : c == FP_TAIL_WRAPPED ? count - 1 : count - 3;

	tx_machine_ring(m, at, 4, 60);
	hw->fault_dd_delay = 100000; /* the first frame in flight for 100 us */
	nic_write(hw, E1000_TDT, (at + 1) % count);
	hw_sync(k);
	if (c == FP_END_IDLE) {
		/* the first frame written back: the engine idle again */
		k->now = hw->tx_done[at] + 1;
		hw_sync(k);
		cr_assert_eq(hw->tdh, at + 1, "%s: TDH %u after the first frame, expected %u",
			     fp_name[c], hw->tdh, at + 1);
	}
	return c == FP_TAIL_WRAPPED ? 2 : (at + 2) % count;
}

#define FP_SAME_FIELD(what, x, y)                                                         \
	cr_assert_eq((u64)(x), (u64)(y), "%s: " what " %llu untraced, %llu traced", fp_name[c], \
		     (unsigned long long)(x), (unsigned long long)(y))

/*
 * The TDT write's common turn (untraced) at the ring's edges is the long
 * way's (traced): a frame in flight ahead of the new one in slot 0 or in the
 * ring's last slot, a frame posted in the last slot with nothing in flight,
 * and a tail at 0 behind a head in the last slot (a wrap: the long way's
 * turn). The ring's registers, the next fetch point, every slot's finish
 * time, the wire's free time, the clock, the NIC's next change and hw_next
 * must agree after it, and the untraced NIC's next change be the one worked
 * out, TDH's write-back.
 */
Test(hw_fastpost, the_common_turn_at_the_rings_edges_is_the_long_ways)
{
	int checked = 0;

	for (int ci = 0; ci < FP_N; ci++) {
		enum fp_case c = (enum fp_case)ci;
		struct tx_machine a, b;
		struct nic *ha, *hb;
		u32 va, vb;

		tx_machine_make(&a, false);
		tx_machine_make(&b, true);
		ha = a.hw;
		hb = b.hw;
		va = fp_setup(&a, c);
		vb = fp_setup(&b, c);
		FP_SAME_FIELD("tail to write", va, vb);
		FP_SAME_FIELD("clock before", a.k->now, b.k->now);
		FP_SAME_FIELD("TDH before", ha->tdh, hb->tdh);
		FP_SAME_FIELD("TDT before", ha->tdt, hb->tdt);
		kit_enter(a.k);
		nic_write(ha, E1000_TDT, va);
		kit_enter(b.k);
		nic_write(hb, E1000_TDT, vb);
		FP_SAME_FIELD("clock", a.k->now, b.k->now);
		FP_SAME_FIELD("TDT", ha->tdt, hb->tdt);
		FP_SAME_FIELD("TDH", ha->tdh, hb->tdh);
		FP_SAME_FIELD("fetch point", ha->tx_sched, hb->tx_sched);
		cr_assert_eq(ha->tx_sched, va, "%s: fetch point %u after the write, expected the tail %u",
			     fp_name[c], ha->tx_sched, va);
		FP_SAME_FIELD("wire free", ha->wire_free_up, hb->wire_free_up);
		FP_SAME_FIELD("wire slack", ha->wire_slack, hb->wire_slack);
		FP_SAME_FIELD("next change", ha->next, hb->next);
		FP_SAME_FIELD("hw_next", a.k->hw_next, b.k->hw_next);
		FP_SAME_FIELD("DMA faults", ha->dma_faults, hb->dma_faults);
		cr_assert_eq(ha->next, nic_next_change(ha),
			     "%s: next change kept %llu, worked out %llu", fp_name[c],
			     (unsigned long long)ha->next, (unsigned long long)nic_next_change(ha));
		cr_assert_eq(ha->next, ha->tx_done[ha->tdh],
			     "%s: next change %llu, TDH's write-back %llu", fp_name[c],
			     (unsigned long long)ha->next, (unsigned long long)ha->tx_done[ha->tdh]);
		for (u32 i = 0; i < ha->tx_count; i++)
			if (ha->tx_done[i] != hb->tx_done[i])
				FP_SAME_FIELD("a slot's finish time", ha->tx_done[i], hb->tx_done[i]);
		tx_machine_free(&a);
		tx_machine_free(&b);
		checked++;
	}
	cr_assert_eq(checked, FP_N, "%d cases checked, expected %d", checked, FP_N);
}
