/* test_hw_txroom.c - the TX buffer slot's answer at its room's edges: len 0, 1, room, room + 1. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(hw_txroom, .timeout = 60);

/* One write-back of a descriptor at sn0's head (len bytes at addr, RS), the
 * head and the fetch point put back after it; true: the frame went out. */
static bool complete_one(struct nic *hw, u64 addr, u16 len)
{
	u32 tdh = hw->tdh, tx_sched = hw->tx_sched;
	struct e1000_tx_desc *d = &hw->tx_ring[tdh], saved = *d;
	u64 frames = hw->tx_frames;

	memset(d, 0, sizeof(*d));
	d->buffer_addr = addr;
	d->lower.flags.length = len;
	d->lower.flags.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
	hw->tx_sched = tdh + 1 == hw->tx_count ? 0 : tdh + 1;
	nic_tx_complete_one(k, hw);
	*d = saved;
	hw->tdh = tdh;
	hw->tx_sched = tx_sched;
	return hw->tx_frames != frames;
}

/*
 * A TX buffer's slot holds its address and the bytes of the skb's buffer
 * from there on (room): a frame of 1 to room bytes there is taken on the
 * slot's word, anything else is asked again (and the slot filled with the
 * buffer's true room), a frame of 0 bytes refused. The test sets the slot's
 * room below the buffer's true room, so an answer on the slot's word leaves
 * the room set and an answer asked again puts the true one back: with room R
 * set, lengths 1 and R must leave R, R + 1 must put the true room back and
 * go out (the buffer holds it), 0 must send nothing and record no fault, for
 * R from 1 to 200 and at addresses through the buffer.
 */
Test(hw_txroom, the_slot_answers_one_to_room_bytes_and_asks_again_past, .init = setup,
     .fini = teardown)
{
	struct nic *hw = sn0->nic;
	struct sk_buff *skb;
	int checked = 0;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	run_idle(k);
	hw_sync(k);
	nic_write(hw, E1000_IMC, ~0u);
	skb = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	cr_assert_not_null(skb, "no skb");
	for (u64 off = 0; off < 1200; off += 397) {
		u64 addr = (u64)(uintptr_t)skb->head + off;
		u64 truth = SKB_BUF_SIZE - off;
		struct nic_tx_owner *o = nic_tx_owner_slot(hw, addr);

		for (u64 r = 1; r <= 200; r++) {
			const u16 lens[] = { 1, (u16)r, (u16)(r + 1), 0 };

			for (int c = 0; c < 4; c++) {
				u64 faults = hw->dma_faults;
				bool sent, want_sent = lens[c] != 0;
				u64 want_room = lens[c] == r + 1 ? truth : r;

				o->addr = addr;
				o->owner = skb;
				o->room = r;
				sent = complete_one(hw, addr, lens[c]);
				cr_assert_eq(sent, want_sent,
					     "offset %llu, room %llu, len %u: sent %d, expected %d",
					     (unsigned long long)off, (unsigned long long)r, lens[c], sent,
					     want_sent);
				cr_assert_eq(o->room, want_room,
					     "offset %llu, room %llu, len %u: the slot's room %llu, "
					     "expected %llu (%s)", (unsigned long long)off,
					     (unsigned long long)r, lens[c], (unsigned long long)o->room,
					     (unsigned long long)want_room,
					     want_room == r ? "taken on the slot's word" : "asked again");
				cr_assert_eq(hw->dma_faults, faults,
					     "offset %llu, room %llu, len %u: %llu DMA faults, expected 0",
					     (unsigned long long)off, (unsigned long long)r, lens[c],
					     (unsigned long long)(hw->dma_faults - faults));
				checked++;
			}
		}
	}
	cr_assert_eq(checked, 4 * 200 * 4, "%d cases checked, expected %d", checked, 4 * 200 * 4);
	for (u64 off = 0; off < 1200; off += 397) /* the slots as the NIC fills them */
		nic_tx_owner_slot(hw, (u64)(uintptr_t)skb->head + off)->room = SKB_BUF_SIZE - off;
	kfree_skb(skb);
}
