/* test_hw_frametime.c - the TDT write's common turn takes the kept frame time only when it is the first new frame's. */
#include "tx_pair_helpers.h"

TestSuite(hw_frametime, .timeout = 60);

/* The turn a case sets up before the write. */
enum ft_case {
	FT_PLAIN,	/* a frame of the kept length at the kept speed */
	FT_LEN,		/* a frame of another length */
	FT_SPEED,	/* another link speed */
	FT_TRAIN,	/* two frames posted, the engine busy */
	FT_TRAIN_IDLE,	/* two frames posted, the engine idle */
	FT_IDLE,	/* one frame posted, the engine idle */
	FT_N
};

static const char *const ft_name[FT_N] = {
	"kept length and speed", "another length", "another link speed", "a train, busy",
	"a train, idle", "idle",
};


/* Machine m's ring at count / 2 with four frames of 60 bytes but the second
 * (len2), the first posted and fetched (its length and speed kept), then
 * case c's turn; returns the tail to write. */
static u32 ft_setup(struct tx_machine *m, enum ft_case c, u32 len2)
{
	struct kit *k = m->k;
	struct nic *hw = m->hw;
	u32 at = hw->tx_count / 2;

	tx_machine_ring(m, at, 4, (u16)len2);
	hw->fault_dd_delay = 100000; /* the first frame in flight for 100 us */
	nic_write(hw, E1000_TDT, at + 1);
	hw_sync(k);
	if (c == FT_SPEED)
		k->knob[KNOB_LINK_MBPS] = k->knob[KNOB_LINK_MBPS] == 1000 ? 100 : 1000;
	if (c == FT_IDLE || c == FT_TRAIN_IDLE) {
		/* the first frame written back: the engine idle again */
		k->now = hw->tx_done[at] + 1;
		hw_sync(k);
		cr_assert_eq(hw->tdh, at + 1, "%s: TDH %u after the first frame, expected %u",
			     ft_name[c], hw->tdh, at + 1);
	}
	return c == FT_TRAIN || c == FT_TRAIN_IDLE ? at + 3 : at + 2;
}

#define FT_SAME_FIELD(what, x, y)                                                         \
	cr_assert_eq((u64)(x), (u64)(y), "%s: " what " %llu untraced, %llu traced", ft_name[c], \
		     (unsigned long long)(x), (unsigned long long)(y))

/*
 * The TDT write's common turn (untraced) takes the NIC's kept frame time
 * for the first new frame only when that frame is of the kept length at the
 * kept link speed, and a post of more than one frame or to an idle engine
 * keeps the NIC's next change as the long way does. Two machines alike but
 * for the trace (the traced one takes the long way) take the same write
 * after a first frame of 60 bytes: a second of 60 or 1000 bytes, at the
 * first's speed or another, alone or with a third, the engine busy or idle.
 * Every slot's finish time, the wire's free time, the kept frame time, the
 * clock, the NIC's next change and hw_next must agree after it, and the
 * untraced NIC's next change be the one worked out, TDH's write-back.
 */
Test(hw_frametime, the_kept_frame_time_is_taken_only_for_its_length_and_speed)
{
	int checked = 0;

	for (int ci = 0; ci < FT_N; ci++) {
		enum ft_case c = (enum ft_case)ci;
		u32 len2 = c == FT_LEN ? 1000 : 60;
		struct tx_machine a, b;
		struct nic *ha, *hb;
		u32 va, vb;

		tx_machine_make(&a, false);
		tx_machine_make(&b, true);
		ha = a.hw;
		hb = b.hw;
		va = ft_setup(&a, c, len2);
		vb = ft_setup(&b, c, len2);
		FT_SAME_FIELD("tail to write", va, vb);
		FT_SAME_FIELD("clock before", a.k->now, b.k->now);
		FT_SAME_FIELD("kept length before", ha->wire_len, hb->wire_len);
		cr_assert_eq(ha->wire_len, 60, "%s: kept length %u before the write, expected 60",
			     ft_name[c], ha->wire_len);
		kit_enter(a.k);
		nic_write(ha, E1000_TDT, va);
		kit_enter(b.k);
		nic_write(hb, E1000_TDT, vb);
		FT_SAME_FIELD("clock", a.k->now, b.k->now);
		FT_SAME_FIELD("TDT", ha->tdt, hb->tdt);
		FT_SAME_FIELD("fetch point", ha->tx_sched, hb->tx_sched);
		FT_SAME_FIELD("wire free", ha->wire_free_up, hb->wire_free_up);
		FT_SAME_FIELD("wire slack", ha->wire_slack, hb->wire_slack);
		FT_SAME_FIELD("kept length", ha->wire_len, hb->wire_len);
		FT_SAME_FIELD("kept speed", ha->wire_mbps, hb->wire_mbps);
		FT_SAME_FIELD("kept ns", ha->wire_ns, hb->wire_ns);
		FT_SAME_FIELD("kept ps", ha->wire_sub, hb->wire_sub);
		FT_SAME_FIELD("next change", ha->next, hb->next);
		FT_SAME_FIELD("next change worked out", nic_next_change(ha), nic_next_change(hb));
		cr_assert_eq(ha->next, nic_next_change(ha),
			     "%s: next change kept %llu, worked out %llu", ft_name[c],
			     (unsigned long long)ha->next, (unsigned long long)nic_next_change(ha));
		cr_assert_eq(ha->next, ha->tx_done[ha->tdh],
			     "%s: next change %llu, TDH's write-back %llu", ft_name[c],
			     (unsigned long long)ha->next, (unsigned long long)ha->tx_done[ha->tdh]);
		FT_SAME_FIELD("hw_next", a.k->hw_next, b.k->hw_next);
		for (u32 i = 0; i < ha->tx_count; i++)
			if (ha->tx_done[i] != hb->tx_done[i])
				FT_SAME_FIELD("a slot's finish time", ha->tx_done[i], hb->tx_done[i]);
		tx_machine_free(&a);
		tx_machine_free(&b);
		checked++;
	}
	cr_assert_eq(checked, FT_N, "%d cases checked, expected %d", checked, FT_N);
}
