/* test_tx_fast_dma.c - the NIC's TX DMA check and the TX buffers it remembers give nic_dma_ok's and the pool's answers. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_dma, .timeout = 60);

/*
 * The NIC takes a frame from a pool buffer without asking nic_dma_ok (the
 * pool's own test, inline): each address below is posted in a TX descriptor
 * and the frame must go out, or be refused with one DMA fault, exactly as
 * nic_dma_ok says of the same address and length.
 */
Test(tx_fast_dma, tx_frame_dma_verdict_is_nic_dma_ok_s, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	struct sk_buff *skb;
	static unsigned char outside[256];
	struct dma_case {
		const char *what;
		u64 addr;
		u16 len;
	} cases[6];
	int n = 0;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	skb = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	cr_assert_not_null(skb, "no skb");
	cases[n++] = (struct dma_case){ "a pool buffer", (u64)(uintptr_t)skb->data, 60 };
	cases[n++] = (struct dma_case){ "a whole pool buffer", (u64)(uintptr_t)skb->head,
					 SKB_BUF_SIZE };
	cases[n++] = (struct dma_case){ "coherent memory (the ring)",
					 (u64)(uintptr_t)a->tx_ring.desc, 64 };
	cases[n++] = (struct dma_case){ "static memory", (u64)(uintptr_t)outside, 60 };
	cases[n++] = (struct dma_case){ "address 0x1000", 0x1000, 60 };
	cases[n++] = (struct dma_case){ "address 0", 0, 60 };
	/* slots the driver does not know of (its next_to_use stays): its reclaim
	 * leaves them alone */
	for (int c = 0; c < n; c++) {
		unsigned int i = a->tx_ring.next_to_use + (unsigned int)c;
		u64 faults0 = hw->dma_faults, frames0 = hw->tx_frames;
		bool ok = nic_dma_ok(hw, cases[c].addr, cases[c].len); /* the general answer */
		u64 faults1 = hw->dma_faults;

		a->tx_ring.desc[i].buffer_addr = cases[c].addr;
		a->tx_ring.desc[i].lower.flags.length = cases[c].len;
		a->tx_ring.desc[i].lower.flags.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
		a->tx_ring.desc[i].upper.data = 0;
		nic_write(hw, E1000_TDT, (i + 1) % a->tx_ring.count);
		run_idle(k);
		cr_assert_eq(faults1 - faults0, ok ? 0 : 1, "%s: nic_dma_ok recorded %llu faults",
			     cases[c].what, (unsigned long long)(faults1 - faults0));
		cr_assert_eq(hw->tx_frames - frames0, ok ? 1 : 0,
			     "%s: the NIC sent %llu frames, nic_dma_ok says %s", cases[c].what,
			     (unsigned long long)(hw->tx_frames - frames0), ok ? "yes" : "no");
		cr_assert_eq(hw->dma_faults - faults1, ok ? 0 : 1,
			     "%s: the NIC recorded %llu DMA faults, nic_dma_ok says %s", cases[c].what,
			     (unsigned long long)(hw->dma_faults - faults1), ok ? "yes" : "no");
	}
	cr_assert(nic_dma_ok(hw, cases[0].addr, 60), "the pool buffer refused");
	cr_assert(!nic_dma_ok(hw, 0x1000, 60), "0x1000 accepted");
	kfree_skb(skb);
}

/*
 * The NIC remembers, by buffer address, the skb owning each buffer it sent a
 * frame from and the bytes of that buffer from the address on (nic_tx.c): a
 * frame of at most that many bytes there is taken without asking the pool
 * again, and the driver's unmap finds its skb there (dma.c). Each address
 * below is posted twice (the second time from the slot) with the lengths
 * around its room and the end of the pool's open chunks: the frame must go
 * out, or be refused with one DMA fault, exactly as nic_dma_ok says, and an
 * address whose slot holds another address with room to spare must not be
 * taken on that address's word.
 */
static void post_as_nic_dma_ok_says(struct simnic_adapter *a, struct nic *hw, u64 addr, u32 len,
				    const char *what, int round)
{
	unsigned int i = a->tx_ring.next_to_use;
	u64 faults0 = hw->dma_faults, frames0 = hw->tx_frames;
	bool ok = len && nic_dma_ok(hw, addr, len); /* the general answer */
	u64 faults1 = hw->dma_faults;

	cr_assert_eq(faults1 - faults0, ok || !len ? 0 : 1, "%s: nic_dma_ok recorded %llu faults",
		     what, (unsigned long long)(faults1 - faults0));
	/* the slot past the driver's next_to_use: its reclaim leaves it alone */
	a->tx_ring.desc[i].buffer_addr = addr;
	a->tx_ring.desc[i].lower.flags.length = (u16)len;
	a->tx_ring.desc[i].lower.flags.cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS;
	a->tx_ring.desc[i].upper.data = 0;
	nic_write(hw, E1000_TDT, (i + 1) % a->tx_ring.count);
	run_idle(k);
	cr_assert_eq(hw->tx_frames - frames0, ok ? 1 : 0,
		     "%s (%u bytes, round %d): the NIC sent %llu frames, nic_dma_ok says %s", what,
		     len, round, (unsigned long long)(hw->tx_frames - frames0), ok ? "yes" : "no");
	cr_assert_eq(hw->dma_faults - faults1, ok || !len ? 0 : 1,
		     "%s (%u bytes, round %d): the NIC recorded %llu DMA faults, nic_dma_ok says %s",
		     what, len, round, (unsigned long long)(hw->dma_faults - faults1),
		     ok ? "yes" : "no");
	/* the NIC's ring moved on with the frame: the driver's next slot follows */
	nic_write(hw, E1000_TCTL, hw->tctl & ~E1000_TCTL_EN);
	nic_write(hw, E1000_TDH, i);
	nic_write(hw, E1000_TDT, i);
	nic_write(hw, E1000_TCTL, hw->tctl | E1000_TCTL_EN);
}

Test(tx_fast_dma, a_remembered_tx_buffer_is_taken_as_nic_dma_ok_would, .init = setup,
     .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	static unsigned char outside[4096];
	struct sk_buff *skb, *last;
	u64 p, end, lo = 0, hi = (u64)1 << 40, q, s;
	struct nic_tx_owner *o;
	u32 room;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	kit_set_auto(k, false);
	skb = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	cr_assert_not_null(skb, "no skb");
	p = (u64)(uintptr_t)skb->data;
	room = (u32)(skb->head + SKB_BUF_SIZE - skb->data);
	/* the end of p's open chunk: the longest range from p the pool owns */
	while (lo < hi) {
		u64 mid = lo + (hi - lo + 1) / 2;

		if (skb_pool_owns(k, (const void *)(uintptr_t)p, mid))
			lo = mid;
		else
			hi = mid - 1;
	}
	end = p + lo;
	q = end - 100; /* 36 bytes before the last buffer's end, its guard after */
	last = skb_pool_buffer_owner(k, (const void *)(uintptr_t)q);
	cr_assert_not_null(last, "no skb owns %#llx, 100 bytes before its chunk's end",
			   (unsigned long long)q);
	cr_assert_eq(last->head + SKB_BUF_SIZE - (unsigned char *)(uintptr_t)q, 36,
		     "the chunk's last buffer ends %td bytes after %#llx, expected 36",
		     last->head + SKB_BUF_SIZE - (unsigned char *)(uintptr_t)q, (unsigned long long)q);
	for (int round = 0; round < 2; round++) {
		post_as_nic_dma_ok_says(a, hw, p, 60, "a pool buffer", round);
		post_as_nic_dma_ok_says(a, hw, p, room, "a pool buffer to its end", round);
		post_as_nic_dma_ok_says(a, hw, p, room + 1, "a pool buffer into its guard", round);
		post_as_nic_dma_ok_says(a, hw, p, 0, "a pool buffer, no bytes", round);
		post_as_nic_dma_ok_says(a, hw, q, 36, "the chunk's last buffer to its end", round);
		post_as_nic_dma_ok_says(a, hw, q, 100, "the chunk's last buffer to the chunk's end",
					round);
		post_as_nic_dma_ok_says(a, hw, q, 101, "the chunk's last buffer past the chunk's end",
					round);
		post_as_nic_dma_ok_says(a, hw, 0, 60, "address 0", round);
		post_as_nic_dma_ok_says(a, hw, (u64)(uintptr_t)a->tx_ring.desc, 64,
					"coherent memory (the ring)", round);
	}
	o = nic_tx_owner_slot(hw, p);
	cr_assert(o->addr == p && o->owner == skb && o->room == room,
		  "p's slot holds %#llx, skb %p, room %llu; expected %#llx, %p, %u",
		  (unsigned long long)o->addr, (void *)o->owner, (unsigned long long)o->room,
		  (unsigned long long)p, (void *)skb, room);
	/* static memory whose slot holds another address, with all the room there is */
	s = (u64)(uintptr_t)outside;
	o = nic_tx_owner_slot(hw, s);
	o->addr = s + (u64)NIC_TX_OWNERS * 64;
	o->owner = skb;
	o->room = 65536;
	post_as_nic_dma_ok_says(a, hw, s, 60, "static memory, its slot another's", 0);
	o->addr = 0, o->owner = NULL, o->room = 0;
	kfree_skb(skb);
}

/* After runs of every size through the driver, the ring cleaned and refilled
 * many times over, every remembered TX owner is the pool's for its address,
 * with the room its buffer has from there, in the address's own slot. */
Test(tx_fast_dma, a_remembered_tx_owner_is_the_pools, .init = setup, .fini = teardown)
{
	static const unsigned int lens[] = { 60, 700, 1514, 301 };
	struct nic *hw = sn0->nic;
	int used = 0;

	setp(k, NULL, "wire_peer", 0);
	for (size_t r = 0; r < sizeof(lens) / sizeof(lens[0]); r++) {
		struct kit_pkt p = { .len = lens[r], .proto = IPPROTO_UDP };

		for (int burst = 0; burst < 5; burst++) {
			kit_xmit_frames(sn0, &p, 300);
			run_idle(k);
		}
	}
	cr_assert_geq(hw->tx_frames, 6000, "%llu frames sent", (unsigned long long)hw->tx_frames);
	for (int i = 0; i < NIC_TX_OWNERS; i++) {
		const struct nic_tx_owner *o = &hw->tx_owner[i];
		struct sk_buff *owner;

		if (!o->addr)
			continue;
		used++;
		owner = skb_pool_buffer_owner(k, (const void *)(uintptr_t)o->addr);
		cr_assert_eq(o->owner, owner, "slot %d: %p remembered for %#llx, the pool's is %p", i,
			     (void *)o->owner, (unsigned long long)o->addr, (void *)owner);
		cr_assert_eq(o->room, (u64)(owner->head + SKB_BUF_SIZE - (unsigned char *)(uintptr_t)o->addr),
			     "slot %d: room %llu remembered for %#llx, its buffer has %td", i,
			     (unsigned long long)o->room, (unsigned long long)o->addr,
			     owner->head + SKB_BUF_SIZE - (unsigned char *)(uintptr_t)o->addr);
		cr_assert_eq(nic_tx_owner_slot(hw, o->addr), o, "slot %d: the wrong slot", i);
	}
	cr_assert_geq(used, 4, "%d slots used", used);
	check_clean(k);
}

/* A TX unmap takes its buffer's skb from the NIC's table only when the slot
 * holds that very address (as an RX unmap, test_rx_fast.c): the slot of a
 * buffer just sent made to hold a neighbour's address and skb, the unmap
 * made inside a driver call must mark the buffer's own skb as held by that
 * call and leave the neighbour's alone; with the slot its own, the same. */
Test(tx_fast_dma, a_tx_unmap_takes_only_its_own_addresss_remembered_skb, .init = setup,
     .fini = teardown)
{
	struct sk_buff *mine, *other;
	enum skb_place place[2];
	const char *running;
	struct nic_tx_owner *o;
	u64 addr;

	kit_enter(k);
	running = k->lab_running;
	mine = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	other = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	cr_assert(mine && other && mine != other, "no two skbs");
	place[0] = mine->kit_place, place[1] = other->kit_place;
	skb_set_place(mine, SKB_DRIVER);
	skb_set_place(other, SKB_DRIVER);
	addr = (u64)(uintptr_t)mine->data;
	o = nic_tx_owner_slot(sn0->nic, addr);
	for (int own = 0; own < 2; own++) {
		o->addr = own ? addr : addr + (u64)NIC_TX_OWNERS * 64;
		o->owner = own ? mine : other;
		o->room = 64;
		mine->kit_holder = other->kit_holder = "before";
		k->lab_running = "unmap_probe";
		dma_unmap_single(sn0, addr, 60, DMA_TO_DEVICE);
		k->lab_running = running;
		cr_assert_str_eq(mine->kit_holder, "unmap_probe",
				 "slot %s: the unmapped buffer's skb is held by '%s', expected "
				 "'unmap_probe'",
				 own ? "its own" : "another's", mine->kit_holder);
		cr_assert_str_eq(other->kit_holder, "before",
				 "slot %s: the skb of the address the slot held is held by '%s', "
				 "expected 'before'",
				 own ? "its own" : "another's", other->kit_holder);
	}
	o->addr = 0, o->owner = NULL, o->room = 0;
	skb_set_place(mine, place[0]);
	skb_set_place(other, place[1]);
	kfree_skb(mine);
	kfree_skb(other);
}
