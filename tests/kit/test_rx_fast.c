/* test_rx_fast.c - the receive path's shortcuts give the answers of the checks they skip. */
#include "kit.h"
#include "hw/nic_hw.h"
#include "core/stack.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * nic_rx.c gives every frame of one pktgen template the checksum verdict it
 * gave the first (of the same length and tag handling), and takes a posted
 * address with 64 bytes of an skb's buffer behind it as DMA-able without
 * asking nic_dma_ok. Here each shortcut is held against the check it skips:
 * every landed frame against the verdict read from every byte it holds,
 * every buffer of three chunks of the pool against nic_dma_ok.
 */

#define RUN 24

static struct e1000_rx_desc *desc_at(unsigned int i)
{
	struct simnic_adapter *a = netdev_priv(sn1);

	return &a->rx_ring.desc[(a->rx_ring.next_to_clean + i) % a->rx_ring.count];
}

static const unsigned char *buf_at(unsigned int i)
{
	struct simnic_adapter *a = netdev_priv(sn1);

	return a->rx_ring.buffer_info[(a->rx_ring.next_to_clean + i) % a->rx_ring.count].skb->data;
}

/*
 * RUN frames of one pktgen run into sn1 (auto off), CTRL.VME (the NIC takes
 * the tag out) turned to vlan_after (-1: left) once about half have landed,
 * as a driver's register write would; then each descriptor's verdict against
 * the one every byte in its buffer gives, and the ring cleaned.
 */
static void land_and_compare(u8 proto, bool ts, unsigned int len, u16 vlan, u32 faults,
			     int vlan_after)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	struct nic *hw = sn1->nic;
	bool vme0 = hw->ctrl & E1000_CTRL_VME;
	struct pktgen_cfg c;
	enum kit_stop why;
	char err[256];
	unsigned int half = 0;

	cr_assert_geq(a->rx_ring.count, RUN, "a ring of %u, expected %d or more", a->rx_ring.count,
		      RUN);
	kit_set_auto(k, false);
	pktgen_cfg_default(&c);
	c.count = RUN;
	c.rate_pps = 100000; /* 10 us apart */
	c.proto = proto;
	c.len = len;
	c.tcp_ts = ts;
	c.vlan = vlan;
	c.faults = faults;
	c.fault_every = faults ? 3 : 0;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	if (vlan_after >= 0) {
		kit_run(k, 0, k->now + RUN / 2 * 10000 + 5000, &why);
		while (half < RUN && desc_at(half)->status & E1000_RXD_STAT_DD)
			half++;
		cr_assert(half > 1 && half < RUN, "%u of %d frames landed half way", half, RUN);
		if (vlan_after)
			hw->ctrl |= E1000_CTRL_VME;
		else
			hw->ctrl &= ~E1000_CTRL_VME;
	}
	run_idle(k);
	for (unsigned int i = 0; i < RUN; i++) {
		const struct e1000_rx_desc *d = desc_at(i);
		unsigned int n = le16_to_cpu(d->length);
		u8 want_err, want;

		cr_assert(d->status & E1000_RXD_STAT_DD, "frame %u of %u bytes not landed", i, len);
		want = nic_rx_csum_status(buf_at(i), n, &want_err);
		cr_assert_eq(d->status & (E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS), want,
			     "proto %u, %u bytes, vlan %u, faults %#x, frame %u: status %#x, every "
			     "byte gives %#x", proto, len, vlan, faults, i, d->status, want);
		cr_assert_eq(d->errors, want_err,
			     "proto %u, %u bytes, vlan %u, faults %#x, frame %u: errors %#x, every "
			     "byte gives %#x", proto, len, vlan, faults, i, d->errors, want_err);
		cr_assert_eq(!!(d->status & E1000_RXD_STAT_VP),
			     vlan && (vlan_after >= 0 && i >= half ? vlan_after != 0 : vme0),
			     "frame %u: VP %d", i, !!(d->status & E1000_RXD_STAT_VP));
	}
	if (vme0)
		hw->ctrl |= E1000_CTRL_VME;
	else
		hw->ctrl &= ~E1000_CTRL_VME;
	cr_assert_geq(kit_poll(sn1, 64, err, sizeof(err)), 0, "kit_poll: %s", err);
	run_idle(k);
}

Test(rx_fast, a_templates_frames_get_the_verdict_every_byte_gives, .init = setup,
     .fini = teardown)
{
	static const unsigned int lens[] = { 60, 61, 127, 128, 1000, 1514 };

	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		land_and_compare(IPPROTO_UDP, false, lens[i], 0, 0, -1);
		land_and_compare(IPPROTO_TCP, i % 2 && lens[i] > 66, lens[i], 0, 0, -1);
	}
	land_and_compare(IPPROTO_ICMP, false, 98, 0, 0, -1);
	/* faulted frames (built from scratch, read in full) between the template's */
	land_and_compare(IPPROTO_TCP, true, 700, 0, PKTGEN_F_IPOPT, -1);
	land_and_compare(IPPROTO_UDP, false, 700, 0, PKTGEN_F_IPOPT | PKTGEN_F_DUP, -1);
	land_and_compare(IPPROTO_TCP, false, 300, 0, PKTGEN_F_REORDER | PKTGEN_F_CE, -1);
	check_clean(k);
}

/* The tag taken out by the NIC for half a run and left in for the rest, and
 * the other way round: the verdict is kept per length and tag handling. And
 * tagged frames with rx_vlan off (the tag stays in the data all along). */
Test(rx_fast, a_verdict_is_not_kept_across_a_change_of_tag_handling, .init = setup,
     .fini = teardown)
{
	land_and_compare(IPPROTO_TCP, true, 600, 9, 0, 0);
	land_and_compare(IPPROTO_UDP, false, 301, 9, 0, 1);
	land_and_compare(IPPROTO_UDP, false, 60, 9, 0, 1);
	land_and_compare(IPPROTO_TCP, false, 1514, 9, 0, 0);
	setp(k, sn1, "rx_vlan", 0);
	land_and_compare(IPPROTO_TCP, true, 600, 9, 0, -1);
	land_and_compare(IPPROTO_UDP, false, 301, 9, 0, 1);
	check_clean(k);
}

/*
 * pktgen's run without faults (emit_plain) against the general path: fault
 * bits with neither fault_every nor fault_chance fault no frame but take the
 * general path, which must give the same frames at the same times. Each run
 * on a fresh machine, so both start at the same time (TCP's tsval and ICMP's
 * stamp carry it).
 */
static unsigned int land_run(u8 proto, unsigned int len, u32 flows, u32 burst, u64 rate,
			     u32 faults, unsigned char (*bytes)[1600], unsigned int *lens, u64 *at)
{
	struct pktgen_cfg c;
	char err[256];
	unsigned int n = 0;
	u64 t0;

	teardown();
	setup();
	t0 = k->now;
	kit_set_auto(k, false);
	pktgen_cfg_default(&c);
	c.count = RUN;
	c.proto = proto;
	c.len = len;
	c.tcp_ts = proto == IPPROTO_TCP;
	c.flows = flows;
	c.burst = burst;
	c.rate_pps = rate;
	c.faults = faults;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	for (; n < RUN && desc_at(n)->status & E1000_RXD_STAT_DD; n++) {
		struct simnic_adapter *a = netdev_priv(sn1);
		unsigned int i = (a->rx_ring.next_to_clean + n) % a->rx_ring.count;

		lens[n] = le16_to_cpu(desc_at(n)->length);
		memcpy(bytes[n], buf_at(n), lens[n]);
		at[n] = a->rx_ring.buffer_info[i].skb->tstamp - t0;
	}
	cr_assert_geq(kit_poll(sn1, 64, err, sizeof(err)), 0, "kit_poll: %s", err);
	run_idle(k);
	return n;
}

Test(rx_fast, a_run_without_faults_lands_what_the_general_path_lands, .init = setup,
     .fini = teardown)
{
	static unsigned char b0[RUN][1600], b1[RUN][1600];
	/* (TCP at 700 and 1000 frames a second: the timestamps of 24 frames
	 * tick over many milliseconds, bursts or not) */
	static const struct { u8 proto; unsigned int len; u32 flows, burst; u64 rate; } runs[] = {
		{ IPPROTO_UDP, 60, 1, 1, 50000 }, { IPPROTO_UDP, 333, 3, 4, 50000 },
		{ IPPROTO_TCP, 1514, 1, 1, 50000 }, { IPPROTO_TCP, 700, 5, 8, 50000 },
		{ IPPROTO_ICMP, 98, 2, 1, 50000 }, { IPPROTO_TCP, 1514, 1, 1, 700 },
		{ IPPROTO_TCP, 200, 2, 3, 1000 },
	};
	unsigned int l0[RUN], l1[RUN];
	u64 t0[RUN], t1[RUN];

	for (size_t r = 0; r < ARRAY_SIZE(runs); r++) {
		unsigned int n0 = land_run(runs[r].proto, runs[r].len, runs[r].flows, runs[r].burst,
					   runs[r].rate, 0, b0, l0, t0);
		unsigned int n1 = land_run(runs[r].proto, runs[r].len, runs[r].flows, runs[r].burst,
					   runs[r].rate, PKTGEN_F_PSH, b1, l1, t1);

		cr_assert_eq(n0, RUN, "run %zu: %u frames landed, expected %d", r, n0, RUN);
		cr_assert_eq(n1, n0, "run %zu: %u frames by the general path, %u without", r, n1,
			     n0);
		for (unsigned int i = 0; i < n0; i++) {
			cr_assert_eq(l1[i], l0[i], "run %zu, frame %u: %u bytes, expected %u", r, i,
				     l1[i], l0[i]);
			cr_assert_eq(t1[i], t0[i], "run %zu, frame %u: at +%llu, expected +%llu", r,
				     i, (unsigned long long)t1[i], (unsigned long long)t0[i]);
			for (unsigned int j = 0; j < l0[i]; j++)
				cr_assert_eq(b1[i][j], b0[i][j],
					     "run %zu, frame %u, byte %u: %#x, expected %#x", r, i,
					     j, b1[i][j], b0[i][j]);
		}
	}
	check_clean(k);
}

/* Wherever 64 bytes of an skb's buffer lie behind an address (where the NIC
 * does not ask), nic_dma_ok takes the 64 bytes too, in every chunk. */
Test(rx_fast, an_address_with_64_bytes_of_buffer_behind_it_is_dma_ok)
{
	static struct sk_buff *held[2500]; /* three chunks of the pool */
	struct kit *m = kit_new(1);
	struct net_device *dev = kit_dev_by_name(m, "sn0");
	struct nic *hw = dev->nic;
	u64 faults = hw->dma_faults;
	static const unsigned int at[] = { 0, 1, NET_SKB_PAD, NET_SKB_PAD + NET_IP_ALIGN, 1000,
					   SKB_BUF_SIZE - 64 };

	kit_enter(m);
	for (int i = 0; i < 2500; i++) {
		held[i] = netdev_alloc_skb(dev, 100);
		cr_assert_not_null(held[i], "allocation %d failed", i);
	}
	for (int i = 0; i < 2500; i++) {
		for (size_t j = 0; j < ARRAY_SIZE(at); j++) {
			unsigned char *p = held[i]->head + at[j];
			struct sk_buff *owner = skb_pool_buffer_owner(m, p);

			cr_assert_eq(owner, held[i], "skb %d, offset %u: owner %p, expected %p", i,
				     at[j], (void *)owner, (void *)held[i]);
			cr_assert_geq((unsigned int)(owner->head + SKB_BUF_SIZE - p), 64,
				      "skb %d, offset %u: under 64 bytes behind it", i, at[j]);
			cr_assert(nic_dma_ok(hw, (u64)(uintptr_t)p, 64),
				  "skb %d, offset %u: nic_dma_ok refuses 64 bytes", i, at[j]);
		}
	}
	cr_assert_eq(hw->dma_faults, faults, "%llu DMA faults, expected %llu",
		     (unsigned long long)hw->dma_faults, (unsigned long long)faults);
	for (int i = 0; i < 2500; i++)
		kfree_skb(held[i]);
	kit_free(m);
}

/* The NIC remembers the skb owning each buffer it wrote into, for the
 * driver's unmap (dma.c): after runs of every size through the driver, with
 * the ring cleaned and refilled many times over, every remembered owner is
 * the one the pool gives for its address. */
Test(rx_fast, a_remembered_buffer_owner_is_the_pools, .init = setup, .fini = teardown)
{
	static const unsigned int lens[] = { 60, 700, 1514 };
	struct nic *hw = sn1->nic;
	struct pktgen_cfg c;
	char err[256];
	int used = 0;

	for (size_t r = 0; r < ARRAY_SIZE(lens); r++) {
		pktgen_cfg_default(&c);
		c.count = 1500;
		c.len = lens[r];
		c.rate_pps = 200000;
		cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
		run_idle(k);
	}
	cr_assert_geq(hw->rx_frames, 4500, "%llu frames landed", (unsigned long long)hw->rx_frames);
	for (int i = 0; i < NIC_RX_OWNERS; i++) {
		const struct nic_rx_owner *o = &hw->rx_owner[i];

		if (!o->addr)
			continue;
		used++;
		cr_assert_eq(o->owner, skb_pool_buffer_owner(k, (const void *)(uintptr_t)o->addr),
			     "slot %d: %p remembered for %#llx", i, (void *)o->owner,
			     (unsigned long long)o->addr);
		cr_assert_eq(nic_rx_owner_slot(hw, o->addr), o, "slot %d: the wrong slot", i);
	}
	cr_assert_geq(used, 64, "%d slots used", used);
	check_clean(k);
}

/*
 * An RX unmap takes its buffer's skb from the write-back's table only when
 * the slot holds that very address: a slot holding another buffer (two
 * addresses share a slot) must not give the unmap its skb. Here a posted
 * buffer's slot is made to hold a neighbour's address and skb, and the unmap
 * of the posted buffer, made inside a driver call, must mark the buffer's own
 * skb as held by that call and leave the neighbour's alone.
 */
Test(rx_fast, an_unmap_takes_only_its_own_addresss_remembered_skb, .init = setup,
     .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	struct sk_buff *mine = a->rx_ring.buffer_info[0].skb;
	struct sk_buff *other = a->rx_ring.buffer_info[1].skb;
	u64 addr = a->rx_ring.buffer_info[0].dma;
	struct nic_rx_owner *o = nic_rx_owner_slot(sn1->nic, addr);
	const char *running = k->lab_running, *holder[2];
	const struct net_device *holder_dev[2];

	cr_assert(mine && other && mine != other, "no two posted RX buffers on sn1");
	holder[0] = mine->kit_holder, holder[1] = other->kit_holder;
	holder_dev[0] = mine->kit_holder_dev, holder_dev[1] = other->kit_holder_dev;
	cr_assert_eq(mine->kit_place, SKB_DRIVER, "a posted buffer's skb is not the driver's");
	cr_assert_eq(other->kit_place, SKB_DRIVER, "a posted buffer's skb is not the driver's");
	o->addr = addr + (u64)NIC_RX_OWNERS * 64; /* the same slot, another address */
	o->owner = other;
	mine->kit_holder = other->kit_holder = "before";
	k->lab_running = "unmap_probe";
	dma_unmap_single(sn1, addr, 64, DMA_FROM_DEVICE);
	k->lab_running = running;
	cr_assert_str_eq(mine->kit_holder, "unmap_probe",
			 "the unmapped buffer's skb is held by '%s', expected 'unmap_probe'",
			 mine->kit_holder);
	cr_assert_str_eq(other->kit_holder, "before",
			 "the skb of the address the slot held is held by '%s', expected 'before'",
			 other->kit_holder);
	o->addr = 0;
	o->owner = NULL;
	mine->kit_holder = holder[0], mine->kit_holder_dev = holder_dev[0];
	other->kit_holder = holder[1], other->kit_holder_dev = holder_dev[1];
}

/*
 * The NIC takes a posted buffer's skb from the table (nic_rx.c's
 * rx_buffer_owner) when the buffer's slot holds that very address, as the
 * pool would give it otherwise. After runs that refill the ring many times
 * over (the slots hold the buffers posted again), RUN frames land: each
 * posted buffer's own skb, the one the pool gives for its address, must be
 * stamped with its frame's arrival, in order, and its slot then hold it. The
 * first buffer's slot is made to hold another address (the same slot) and the
 * next buffer's skb: that skb must not take the first frame's stamp.
 */
Test(rx_fast, a_posted_buffers_skb_is_found_by_its_address, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	struct nic *hw = sn1->nic;
	struct sk_buff *skb[RUN];
	u64 addr[RUN], t0, last = 0;
	struct pktgen_cfg c;
	char err[256];

	cr_assert_geq(a->rx_ring.count, RUN, "a ring of %u, expected %d or more", a->rx_ring.count,
		      RUN);
	pktgen_cfg_default(&c);
	c.count = 3000;
	c.rate_pps = 200000;
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	kit_set_auto(k, false);
	for (unsigned int i = 0; i < RUN; i++) {
		unsigned int d = (a->rx_ring.next_to_clean + i) % a->rx_ring.count;

		skb[i] = a->rx_ring.buffer_info[d].skb;
		addr[i] = a->rx_ring.buffer_info[d].dma;
		cr_assert_not_null(skb[i], "descriptor %u has no buffer posted", d);
		cr_assert_eq(skb_pool_buffer_owner(k, (const void *)(uintptr_t)addr[i]), skb[i],
			     "buffer %u: the pool's owner is not the posted skb", i);
		cr_assert_eq(skb[i]->tstamp, 0, "buffer %u: stamped before its frame", i);
	}
	nic_rx_owner_slot(hw, addr[0])->addr = addr[0] + (u64)NIC_RX_OWNERS * 64;
	nic_rx_owner_slot(hw, addr[0])->owner = skb[1];
	t0 = k->now;
	pktgen_cfg_default(&c);
	c.count = RUN;
	c.rate_pps = 100000; /* 10 us apart */
	cr_assert_eq(kit_pktgen(sn1, &c, err, sizeof(err)), 0, "pktgen: %s", err);
	run_idle(k);
	for (unsigned int i = 0; i < RUN; i++) {
		const struct nic_rx_owner *o = nic_rx_owner_slot(hw, addr[i]);

		cr_assert(desc_at(i)->status & E1000_RXD_STAT_DD, "frame %u not landed", i);
		cr_assert(skb[i]->tstamp >= t0 && skb[i]->tstamp <= k->now &&
			  (!i || skb[i]->tstamp > last),
			  "buffer %u: stamped %llu, expected after %llu (the run from %llu to %llu)",
			  i, (unsigned long long)skb[i]->tstamp, (unsigned long long)last,
			  (unsigned long long)t0, (unsigned long long)k->now);
		last = skb[i]->tstamp;
		cr_assert(o->addr == addr[i] && o->owner == skb[i],
			  "buffer %u: its slot holds %#llx and %p, expected %#llx and %p", i,
			  (unsigned long long)o->addr, (void *)o->owner,
			  (unsigned long long)addr[i], (void *)skb[i]);
	}
	cr_assert_geq(kit_poll(sn1, 64, err, sizeof(err)), 0, "kit_poll: %s", err);
	run_idle(k);
	check_clean(k);
}
