/* test_tx_fast_train.c - a doorbell's frames get the write-back times the wire's per-frame rule gives. */
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_train, .timeout = 60);

/*
 * The rule, frame by frame, as the wire has it: the first frame starts at the
 * wire's free time (free_ns * 1000 + free_sub ps) or now, whichever is later;
 * each frame adds its wire time (wire_ps) with the picoseconds carried into
 * the ns; its write-back is the ns its last bit leaves, rounded up, plus the
 * DD delay, and never before the frame ahead's (the first's ahead is the
 * slot before it, unless it is TDH). The NIC keeps the wire's free time as
 * that ns rounded up and the picoseconds the rounding added (wire_free_up,
 * wire_slack: free_ns * 1000 + free_sub = up * 1000 - slack), in place of
 * the carry.
 */
struct wire_model {
	u64 done[16];
	u64 free_ns;
	u32 free_sub;
};

static void model_fetch(struct nic *hw, u64 free_ns, u32 free_sub, u32 from, u32 to, u64 now,
			struct wire_model *m)
{
	u64 last = 0;
	u32 count = hw->tx_count;

	if (free_ns < now) {
		free_ns = now;
		free_sub = 0;
	}
	for (u32 i = from, n = 0; i != to; i = (i + 1) % count, n++) {
		u64 ps = wire_ps(hw->k, le16_to_cpu(hw->tx_ring[i].lower.flags.length)), t;

		free_ns += ps / 1000;
		free_sub += (u32)(ps % 1000);
		if (free_sub >= 1000) {
			free_sub -= 1000;
			free_ns++;
		}
		t = free_ns + (free_sub != 0) + hw->fault_dd_delay;
		if (n == 0 && i != hw->tdh)
			last = hw->tx_done[(i + count - 1) % count];
		if (n > 0 || i != hw->tdh)
			t = t > last ? t : last;
		last = t;
		m->done[i] = t;
	}
	m->free_ns = free_ns;
	m->free_sub = free_sub;
}

/*
 * Over random states of sn0 (a ring of 8 or 16, the head and the tail
 * anywhere, every posted frame fetched, frames of mixed lengths, the link at
 * one of several speeds, a DD delay, the wire free before now or after it,
 * the slot ahead's write-back late enough to hold the first frame back) a
 * doorbell posting 1 to count - 1 - owned frames must give each frame the
 * model's write-back time and leave the wire free where the model does. The
 * loop is taken for every doorbell of two or more frames, in one run of slots
 * or two (past the ring's end).
 */
Test(tx_fast_train, each_frame_gets_the_wires_write_back_time, .init = setup, .fini = teardown)
{
	static const u16 lens[] = { 60, 60, 60, 64, 1514, 1514, 42, 999, 61 };
	static const long speeds[] = { 10000, 10000, 1000, 100, 40000, 3333, 25000 };
	struct nic *hw = sn0->nic, saved = *hw;
	struct e1000_tx_desc ring[16];
	u64 done[16], rng = 4242, now = k->now, hw_next = k->hw_next;
	long mbps = k->knob[KNOB_LINK_MBPS];
	int trains = 0, held = 0, carried = 0, late = 0, early = 0, wrapped = 0, at_end = 0;

	memcpy(done, hw->tx_done, sizeof(done));
	memcpy(ring, hw->tx_ring, sizeof(ring));
	cr_assert(hw->tctl & E1000_TCTL_EN, "sn0's TX engine is on after probe");
	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		u32 count = R() % 2 ? 8 : 16, owned, posted, val, first, free_sub, got_sub;
		u64 free_ns, got_ns;
		struct wire_model m;

		k->now = now + R() % 4000;
		k->hw_next = KIT_NEVER; /* no catch-up inside the doorbell */
		k->knob[KNOB_LINK_MBPS] = speeds[R() % 7];
		hw->tdlen = count * sizeof(struct e1000_tx_desc);
		hw->tx_count = count;
		hw->tx_ring_ok_gen = 0;
		hw->tdh = (u32)(R() % count);
		owned = (u32)(R() % (count - 1)); /* room for one frame at least */
		first = hw->tdt = hw->tx_sched = (hw->tdh + owned) % count;
		posted = 1 + (u32)(R() % (count - 1 - owned));
		val = (first + posted) % count;
		for (u32 i = 0; i < count; i++) {
			hw->tx_done[i] = k->now + R() % 5000;
			hw->tx_ring[i].lower.flags.length = cpu_to_le16(lens[R() % 9]);
		}
		hw->irq_at = KIT_NEVER;
		hw->cause_min = KIT_NEVER;
		hw->fault_dd_delay = R() % 4 ? 0 : R() % 3000;
		/* free long before, around now (after the descriptors' charge) or
		 * after it */
		free_ns = R() % 3 == 0 ? 0 : k->now + k->cost[COST_DESC] * posted - 3 + R() % 7;
		if (R() % 3 == 0)
			free_ns += R() % 3000;
		free_sub = R() % 4 ? (u32)(R() % 1000) : 0;
		hw->wire_free_up = free_ns + (free_sub != 0);
		hw->wire_slack = free_sub ? 1000 - free_sub : 0;
		hw->next = nic_next_change(hw);
		model_fetch(hw, free_ns, free_sub, hw->tdt, val, k->now + k->cost[COST_DESC] * posted,
			    &m);
		cr_assert(nic_tx_doorbell(k, hw, val), "state %d: the doorbell took the tail", it);
		for (u32 n = 0; n < posted; n++) {
			u32 s = (first + n) % count;

			cr_assert_eq(hw->tx_done[s], m.done[s],
				     "state %d, frame %u of %u (slot %u, %u bytes, %ld Mb/s, delay %llu): "
				     "write-back %llu, the rule gives %llu",
				     it, n, posted, s, le16_to_cpu(hw->tx_ring[s].lower.flags.length),
				     k->knob[KNOB_LINK_MBPS], (unsigned long long)hw->fault_dd_delay,
				     (unsigned long long)hw->tx_done[s], (unsigned long long)m.done[s]);
		}
		cr_assert_eq(hw->tx_sched, val, "state %d: fetched to %u, TDT %u", it, hw->tx_sched,
			     val);
		cr_assert_lt(hw->wire_slack, 1000, "state %d: a slack of %u ps", it, hw->wire_slack);
		got_ns = hw->wire_free_up - (hw->wire_slack != 0);
		got_sub = hw->wire_slack ? 1000 - hw->wire_slack : 0;
		cr_assert(got_ns == m.free_ns && got_sub == m.free_sub,
			  "state %d (%u frames): the wire free at %llu ns + %u ps, the rule gives "
			  "%llu + %u",
			  it, posted, (unsigned long long)got_ns, got_sub,
			  (unsigned long long)m.free_ns, m.free_sub);
		trains += posted > 1;
		held += owned > 0 && m.done[first] == hw->tx_done[(first + count - 1) % count];
		carried += m.free_sub != 0;
		wrapped += first + posted > count; /* on past the ring's end */
		at_end += val == 0 && posted > 1;   /* to the ring's end, no further */
		late += free_ns >= k->now && (free_ns > k->now || free_sub);
		early += free_ns < k->now || (free_ns == k->now && !free_sub);
#undef R
	}
	cr_assert_gt(trains, 8000, "a doorbell of two or more frames %d times", trains);
	cr_assert_gt(held, 100, "the first frame held back by the one ahead %d times", held);
	cr_assert_gt(carried, 8000, "the wire left free within a ns %d times", carried);
	cr_assert_gt(wrapped, 3000, "a run past the ring's end %d times", wrapped);
	cr_assert_gt(at_end, 300, "a run to the ring's end %d times", at_end);
	cr_assert_gt(late, 1000, "the wire free after now %d times", late);
	cr_assert_gt(early, 1000, "the wire free at or before now %d times", early);
	*hw = saved;
	memcpy(hw->tx_done, done, sizeof(done));
	memcpy(hw->tx_ring, ring, sizeof(ring));
	k->knob[KNOB_LINK_MBPS] = mbps;
	k->now = now;
	k->hw_next = hw_next;
	ev_cancel(k, &k->hw_ev);
	hw_update(k);
}
