/* test_tx_fast_ring.c - the TX doorbell and the RDT write give the ring rules' answers. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_ring, .timeout = 60);

/*
 * The doorbell's distances (descriptors the NIC owns, descriptors posted)
 * take a - b directly when the tail is at or past the other index: across
 * the ring's end they wrap as before. With TDH held at 5 of 16, tails walking
 * round the end are taken until the ring is full, and the one that would pass
 * TDH is refused, one at a time and all at once.
 */
/* sn0's ring of 16 with TDH held at 5: five frames sent and completed, then
 * nothing completes (the DD write-back a second late) and nothing runs. */
static struct nic *ring_of_16_held_at_5(u32 *count, u32 *head)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	struct nic *hw = sn0->nic;

	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 16);
	setp(k, sn0, "bql", 0);
	kit_xmit_frames(sn0, &p, 5);
	run_idle(k);
	*count = hw->tx_count;
	*head = hw->tdh;
	cr_assert_eq(*count, 16, "a ring of %u descriptors, expected 16", *count);
	cr_assert_eq(*head, 5, "TDH %u after 5 frames, expected 5", *head);
	kit_set_auto(k, false);
	setp(k, sn0, "fault_dd_delay", 1000000000); /* nothing completes: TDH stays */
	return hw;
}

Test(tx_fast_ring, doorbell_distances_across_the_ring_end, .init = setup, .fini = teardown)
{
	u32 count, head;
	struct nic *hw = ring_of_16_held_at_5(&count, &head);

	for (u32 n = 1; n < count; n++) {
		nic_write(hw, E1000_TDT, (head + n) % count);
		cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 0,
			     "tail %u (%u posted past TDH %u) refused", (head + n) % count, n, head);
		cr_assert_eq(hw->tdt, (head + n) % count, "TDT %u, expected %u", hw->tdt,
			     (head + n) % count);
	}
	nic_write(hw, E1000_TDT, head); /* one more: the tail would meet the head */
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 1,
		     "%llu overwrite BUGs for a tail onto TDH, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_DESC_OVERWRITE));
}

Test(tx_fast_ring, doorbell_posting_round_the_end_at_once, .init = setup, .fini = teardown)
{
	u32 count, head;
	struct nic *hw = ring_of_16_held_at_5(&count, &head);

	nic_write(hw, E1000_TDT, (head + count - 1) % count); /* 15 at once, round the end */
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 0, "a full ring's post refused");
	cr_assert_eq(hw->tdt, (head + count - 1) % count, "TDT %u, expected %u", hw->tdt,
		     (head + count - 1) % count);
	cr_assert_eq(hw->tx_doorbells, 1 + 5, "%llu doorbells, expected 6",
		     (unsigned long long)hw->tx_doorbells);
	nic_write(hw, E1000_TDT, head);
	cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE), 1,
		     "%llu overwrite BUGs for a tail onto TDH, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_DESC_OVERWRITE));
}

/*
 * The doorbell takes a tail that moves on without wrapping (TDH <= TDT < the
 * new tail) as posted frames without working out the ring distances; every
 * other tail goes through them. On a ring of 16, for every TDH, TDT and new
 * tail: the tail is refused (one overwrite BUG, TDT stays) exactly when the
 * frames posted are more than the free descriptors, as the ring rule says
 * with % (count - 1 - owned, owned = (TDT - TDH) mod 16), and is taken (TDT
 * moves, one doorbell, the new frames fetched) otherwise.
 */
Test(tx_fast_ring, every_head_tail_and_new_tail_as_the_ring_rule_says, .init = setup,
     .fini = teardown)
{
	u32 count, head;
	struct nic *hw = ring_of_16_held_at_5(&count, &head);
	u32 tctl = hw->tctl;
	int checked = 0;

	for (u32 h = 0; h < count; h++) {
		for (u32 t = 0; t < count; t++) {
			for (u32 v = 0; v < count; v++) {
				u32 owned = (t + count - h) % count, posted = (v + count - t) % count;
				bool refuse = v != t && posted > count - 1 - owned;
				u64 bugs, bells;

				nic_write(hw, E1000_TCTL, tctl & ~E1000_TCTL_EN);
				nic_write(hw, E1000_TDH, h);
				nic_write(hw, E1000_TDT, t);
				nic_write(hw, E1000_TCTL, tctl);
				cr_assert(hw->tdh == h && hw->tdt == t && hw->tx_sched == t,
					  "set-up: TDH %u TDT %u fetched to %u, expected %u %u %u", hw->tdh,
					  hw->tdt, hw->tx_sched, h, t, t);
				bugs = kit_rule_count(k, RULE_DESC_OVERWRITE);
				bells = hw->tx_doorbells;
				nic_write(hw, E1000_TDT, v);
				cr_assert_eq(kit_rule_count(k, RULE_DESC_OVERWRITE) - bugs, refuse ? 1 : 0,
					     "TDH %u TDT %u, tail %u: %llu overwrite BUGs, expected %d", h,
					     t, v,
					     (unsigned long long)(kit_rule_count(k, RULE_DESC_OVERWRITE) -
								  bugs),
					     refuse ? 1 : 0);
				cr_assert_eq(hw->tdt, refuse ? t : v, "TDH %u TDT %u, tail %u: TDT %u, expected %u",
					     h, t, v, hw->tdt, refuse ? t : v);
				cr_assert_eq(hw->tx_doorbells - bells, refuse || v == t ? 0 : 1,
					     "TDH %u TDT %u, tail %u: %llu doorbells, expected %d", h, t, v,
					     (unsigned long long)(hw->tx_doorbells - bells),
					     refuse || v == t ? 0 : 1);
				cr_assert_eq(hw->tx_sched, hw->tdt,
					     "TDH %u TDT %u, tail %u: fetched to %u, TDT %u", h, t, v,
					     hw->tx_sched, hw->tdt);
				checked++;
			}
		}
	}
	cr_assert_eq(checked, 16 * 16 * 16, "%d cases", checked);
}

/*
 * The ring's DMA check is kept until the memory map changes or the driver
 * writes TDBAL, TDBAH or TDLEN (each clears the kept verdict, so the
 * generation alone is compared at a doorbell). After each such write the
 * doorbell must give nic_dma_ok's verdict on the ring as it now is: a ring
 * grown past its allocation, moved to memory the kit did not hand out or
 * given other high address bits is refused with a DMA fault; put back, it
 * is taken again.
 */
Test(tx_fast_ring, a_ring_moved_or_resized_is_checked_again, .init = setup, .fini = teardown)
{
	u32 count, head;
	struct nic *hw = ring_of_16_held_at_5(&count, &head);
	static struct e1000_tx_desc outside[64];
	const u32 tdbal = hw->tdbal, tdbah = hw->tdbah, tdlen = hw->tdlen;
	const struct ring_case {
		const char *what;
		u32 reg, val;
	} cases[] = {
		{ "TDLEN doubled", E1000_TDLEN, tdlen * 2 },
		{ "TDLEN as it was", E1000_TDLEN, tdlen },
		{ "TDBAL in static memory", E1000_TDBAL, (u32)(uintptr_t)outside },
		{ "TDBAL as it was", E1000_TDBAL, tdbal },
		{ "TDBAH + 1", E1000_TDBAH, tdbah + 1 },
		{ "TDBAH as it was", E1000_TDBAH, tdbah },
		{ "TDLEN halved", E1000_TDLEN, tdlen / 2 },
		{ "TDLEN as it was, again", E1000_TDLEN, tdlen },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		u64 base, faults, general;
		bool ok;
		u32 tail;

		nic_write(hw, cases[c].reg, cases[c].val);
		base = ((u64)hw->tdbah << 32) | hw->tdbal;
		faults = kit_rule_count(k, RULE_DMA_FAULT);
		ok = nic_dma_ok(hw, base, (size_t)hw->tx_count * sizeof(struct e1000_tx_desc));
		general = kit_rule_count(k, RULE_DMA_FAULT) - faults; /* the general answer's own */
		cr_assert_eq(general, ok ? 0 : 1, "%s: nic_dma_ok recorded %llu faults", cases[c].what,
			     (unsigned long long)general);
		faults = kit_rule_count(k, RULE_DMA_FAULT);
		tail = (hw->tdt + 1) % hw->tx_count;
		nic_write(hw, E1000_TDT, tail);
		/* refused: nic_dma_ok's fault and the doorbell's own */
		cr_assert_eq(kit_rule_count(k, RULE_DMA_FAULT) - faults, ok ? 0 : general + 1,
			     "%s: the doorbell recorded %llu DMA faults, nic_dma_ok says %s",
			     cases[c].what,
			     (unsigned long long)(kit_rule_count(k, RULE_DMA_FAULT) - faults),
			     ok ? "yes" : "no");
		if (ok)
			cr_assert_eq(hw->tdt, tail, "%s: TDT %u, expected %u", cases[c].what, hw->tdt,
				     tail);
	}
	cr_assert_eq(hw->tdbal, tdbal, "TDBAL not restored");
	cr_assert_eq(hw->tdlen, tdlen, "TDLEN not restored");
}

/*
 * RDT, like TDT, is written in a function of its own ahead of the register
 * switch: for every old tail and new value on an RX ring of 16 (values past
 * the ring's end among them) the write must do what the RDT rule says: past
 * the end, one DMA fault and RDT kept; the same tail, nothing; else RDT
 * moved, one RX doorbell and one descriptor charged per buffer posted
 * ((new - old) mod 16), and the NIC's next change looked at again.
 */
Test(tx_fast_ring, an_rdt_write_does_what_the_rdt_rule_says, .init = setup, .fini = teardown)
{
	struct nic *hw = sn1->nic;

	kit_enter(k);
	setp(k, sn1, "rx_ring", 16);
	kit_set_auto(k, false);
	cr_assert_eq(hw->rx_count, 16, "an RX ring of %u", hw->rx_count);
	for (u32 old = 0; old < 16; old++) {
		for (u32 val = 0; val < 18; val++) {
			u64 faults, bells, descs;
			bool taken = val < 16 && val != old;

			nic_write(hw, E1000_RDT, old);
			cr_assert_eq(hw->rdt, old, "set-up: RDT %u, expected %u", hw->rdt, old);
			faults = kit_rule_count(k, RULE_DMA_FAULT);
			bells = hw->rx_doorbells;
			descs = k->cost_count[COST_DESC];
			nic_write(hw, E1000_RDT, val);
			cr_assert_eq(kit_rule_count(k, RULE_DMA_FAULT) - faults, val >= 16 ? 1 : 0,
				     "RDT %u -> %u: %llu DMA faults", old, val,
				     (unsigned long long)(kit_rule_count(k, RULE_DMA_FAULT) - faults));
			cr_assert_eq(hw->rdt, val < 16 ? val : old, "RDT %u -> %u: RDT %u", old, val,
				     hw->rdt);
			cr_assert_eq(hw->rx_doorbells - bells, taken ? 1 : 0,
				     "RDT %u -> %u: %llu RX doorbells", old, val,
				     (unsigned long long)(hw->rx_doorbells - bells));
			cr_assert_eq(k->cost_count[COST_DESC] - descs, taken ? (val + 16 - old) % 16 : 0,
				     "RDT %u -> %u: %llu descriptors charged, expected %u", old, val,
				     (unsigned long long)(k->cost_count[COST_DESC] - descs),
				     taken ? (val + 16 - old) % 16 : 0);
			cr_assert_eq(hw->next, nic_next_change(hw),
				     "RDT %u -> %u: the NIC's next change %llu, it is %llu", old, val,
				     (unsigned long long)hw->next,
				     (unsigned long long)nic_next_change(hw));
		}
	}
}
