/* test_tx_fast_wire.c - the fetch's wire times and the wire's sink give the general answers. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast_wire, .timeout = 60);

/* The span from the first to the last TX write-back of n back-to-back frames
 * of len bytes posted with one doorbell (test_hw.c's tx_span). */
static u64 dd_span(unsigned int len, u64 n)
{
	struct kit_pkt p = { .len = len, .proto = IPPROTO_UDP };
	u64 first = 0, last = 0;
	size_t from = log_.n;

	kit_netif_stop_queue(sn0);
	kit_xmit_frames(sn0, &p, n);
	kit_netif_wake_queue(sn0);
	run_idle(k);
	for (size_t i = from; i < log_.n; i++) {
		if (log_.r[i].type != TR_TX_DD)
			continue;
		if (!first)
			first = log_.r[i].t;
		last = log_.r[i].t;
	}
	return last - first;
}

/*
 * The fetch keeps the wire time of the last frame length and link speed
 * (wire_ps_last): frames of the same length after a change of link_speed, or
 * of another length, must take wire_ps's time, not the kept one.
 */
Test(tx_fast_wire, wire_time_follows_the_link_speed_and_the_length, .init = setup, .fini = teardown)
{
	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 1024);
	setp(k, sn0, "batching", TX_BATCH_BTX); /* one doorbell: all posted at once */
	kit_trace_subscribe(k, rec_log_cb, &log_);
	for (int round = 0; round < 2; round++) {
		u64 fast = dd_span(60, 101), slow, big;

		/* 84 byte times at 10 Gb/s: 67.2 ns a frame, 6720 for 100 gaps */
		cr_assert(fast >= 6719 && fast <= 6721, "round %d: 100 gaps at 10G took %llu ns", round,
			  (unsigned long long)fast);
		setp(k, NULL, "link_speed", 1000);
		slow = dd_span(60, 101);
		cr_assert(slow >= 67199 && slow <= 67201, "round %d: 100 gaps at 1G took %llu ns",
			  round, (unsigned long long)slow);
		big = dd_span(1514, 101); /* 1538 byte times at 1 Gb/s: 12304 ns */
		cr_assert(big >= 1230399 && big <= 1230401, "round %d: 100 1514-byte gaps at 1G took %llu ns",
			  round, (unsigned long long)big);
		setp(k, NULL, "link_speed", 10000);
	}
}

/*
 * The fetch keeps the wire's free time and each frame's wire time as whole
 * ns and the picoseconds over (tx_fetch_on): every write-back time must be
 * the one picoseconds give, wire_ps summed from the later of the wire's free
 * time and now, rounded up to the ns, plus the DD delay, and never before the
 * frame ahead of it. Frames of lengths from 0 to 9000 (runts padded), link
 * speeds whose frame times are not whole ns, trains posted while the wire is
 * busy and after it has gone idle, and a DD delay that shrinks (the frame
 * ahead then finishes later).
 */
static u64 ceil_ns(u64 ps)
{
	return (ps + 999) / 1000;
}

Test(tx_fast_wire, fetch_times_are_the_picosecond_sums_rounded_up, .init = setup, .fini = teardown)
{
	static const long speeds[] = { 10000, 9999, 1000, 777, 100000, 10, 10000 };
	static const u64 delays[] = { 0, 3000, 0, 17, 0, 0, 5 };
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	static u64 expect[1024];
	u64 free_ps = 0, rng = 12345;
	u32 tail, count;
	int frames = 0;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 1024);
	kit_set_auto(k, false);
	kit_run(k, 0, k->now + 1000000, NULL);
	count = hw->tx_count;
	tail = hw->tdt;
	cr_assert_eq(count, 1024, "a ring of %u", count);
	cr_assert_eq(hw->tdh, hw->tdt, "frames in flight before the test");
	for (size_t s = 0; s < sizeof(speeds) / sizeof(speeds[0]); s++) {
		setp(k, NULL, "link_speed", speeds[s]);
		setp(k, sn0, "fault_dd_delay", (long)delays[s]);
		for (int train = 0; train < 4; train++) {
			int n = 1 + (int)(rng % 17);
			u32 first = tail;
			u64 now;

			for (int j = 0; j < n; j++) {
				u16 len;

				rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
				len = (u16)((rng >> 33) % 9001);
				if (j == 1)
					len = (u16)(j + train); /* runts and empty ones */
				a->tx_ring.desc[tail].buffer_addr = 0;
				a->tx_ring.desc[tail].lower.flags.length = len;
				a->tx_ring.desc[tail].lower.flags.cmd = E1000_TXD_CMD_EOP;
				a->tx_ring.desc[tail].upper.data = 0;
				tail = (tail + 1) % count;
			}
			cr_assert_lt(frames + n, (int)count - 1, "the test ran round the ring");
			nic_write(hw, E1000_TDT, tail);
			now = k->now; /* the fetch's time: nothing is charged after it */
			for (u32 i = first; i != tail; i = (i + 1) % count) {
				u16 len = a->tx_ring.desc[i].lower.flags.length;
				u64 start = free_ps > now * 1000 ? free_ps : now * 1000;

				free_ps = start + wire_ps(k, len);
				expect[i] = ceil_ns(free_ps) + delays[s];
				if (i != hw->tdh && expect[i] < expect[(i + count - 1) % count])
					expect[i] = expect[(i + count - 1) % count];
				cr_assert_eq(hw->tx_done[i], expect[i],
					     "%ld Mb/s, train %d, slot %u (%u bytes): write-back at %llu, "
					     "expected %llu",
					     speeds[s], train, i, len, (unsigned long long)hw->tx_done[i],
					     (unsigned long long)expect[i]);
				frames++;
			}
			/* the next train: while the wire is still busy, or after it is idle */
			kit_run(k, 0, now + (train & 1 ? 1000000 : 30), NULL);
		}
		kit_run(k, 0, k->now + 1000000000, NULL);
	}
	cr_assert_geq(frames, 40, "%d frames", frames);
}

/*
 * A doorbell posting more than one frame times the first as a single frame
 * and the rest in a loop of their own (tx_fetch_train). On a ring of 16,
 * trains of 2 to 15 frames of mixed lengths posted round the ring's end again
 * and again, while the wire is busy or after it went idle, at two link speeds
 * and with a DD delay that shrinks: every write-back time must be the
 * picosecond sum rounded up, as one frame at a time gives it; then a count
 * cut to 8 under a fetch point at 12 (the first frame's step brings it back
 * into the ring) and a train from there.
 */
static void post_train(struct simnic_adapter *a, struct nic *hw, u32 n, u64 *rng, u64 *free_ps,
		       u64 delay, u64 *expect, const char *what)
{
	u32 count = hw->tx_count, first = hw->tdt, tail = first;
	u64 now;

	for (u32 j = 0; j < n; j++) {
		*rng = *rng * 6364136223846793005ULL + 1442695040888963407ULL;
		a->tx_ring.desc[tail].buffer_addr = 0;
		a->tx_ring.desc[tail].lower.flags.length = (u16)(j % 3 ? 60 : (*rng >> 33) % 2000);
		a->tx_ring.desc[tail].lower.flags.cmd = E1000_TXD_CMD_EOP;
		a->tx_ring.desc[tail].upper.data = 0;
		tail = (tail + 1) % count;
	}
	nic_write(hw, E1000_TDT, tail);
	cr_assert_eq(hw->tdt, tail, "%s: a train of %u refused (TDH %u, TDT %u)", what, n, hw->tdh,
		     first);
	now = k->now; /* the fetch's time: nothing is charged after it */
	for (u32 i = first; i != tail; i = (i + 1) % count) {
		u16 len = a->tx_ring.desc[i].lower.flags.length;
		u64 start = *free_ps > now * 1000 ? *free_ps : now * 1000;

		*free_ps = start + wire_ps(k, len);
		expect[i] = ceil_ns(*free_ps) + delay;
		if (i != hw->tdh && expect[i] < expect[(i + count - 1) % count])
			expect[i] = expect[(i + count - 1) % count];
		cr_assert_eq(hw->tx_done[i], expect[i],
			     "%s: train of %u from %u, slot %u (%u bytes): write-back at %llu, "
			     "expected %llu",
			     what, n, first, i, len, (unsigned long long)hw->tx_done[i],
			     (unsigned long long)expect[i]);
	}
}

Test(tx_fast_wire, a_train_round_the_ring_end_is_timed_frame_by_frame, .init = setup,
     .fini = teardown)
{
	static u64 expect[SIMNIC_MAX_DESC];
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	static const u32 slots[] = { 12, 5, 6, 7, 0, 1, 2 };
	u64 free_ps = 0, rng = 777, f;
	int wraps = 0, busy = 0;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 16);
	kit_set_auto(k, false);
	kit_run(k, 0, k->now + 1000000, NULL);
	cr_assert_eq(hw->tx_count, 16, "a ring of %u", hw->tx_count);
	for (int t = 0; t < 400; t++) {
		u64 delay = t % 100 < 50 ? 0 : (u64)(100 - t % 100) * 40;
		u32 owned = (hw->tdt + 16 - hw->tdh) % 16, room = 15 - owned, n;

		setp(k, NULL, "link_speed", t < 200 ? 10000 : 777);
		setp(k, sn0, "fault_dd_delay", (long)delay);
		if (room < 2) {
			kit_run(k, 0, k->now + 10000000, NULL);
			continue;
		}
		n = 2 + (u32)(rng >> 40) % (room - 1);
		busy += owned != 0;
		wraps += hw->tdt + n > 16;
		post_train(a, hw, n, &rng, &free_ps, delay, expect, "round the ring");
		/* the next train while the wire is busy, or after it is idle */
		kit_run(k, 0, k->now + (t % 3 ? 150 : 10000000), NULL);
	}
	cr_assert_gt(wraps, 50, "only %d trains ran round the ring's end", wraps);
	cr_assert_gt(busy, 50, "only %d trains went onto a busy wire", busy);
	/* a fetch point past the end of a count cut short */
	kit_run(k, 0, k->now + 100000000, NULL);
	setp(k, NULL, "link_speed", 10000);
	setp(k, sn0, "fault_dd_delay", 0);
	nic_write(hw, E1000_TCTL, hw->tctl & ~E1000_TCTL_EN);
	nic_write(hw, E1000_TDH, 12);
	nic_write(hw, E1000_TDT, 12);
	nic_write(hw, E1000_TCTL, hw->tctl | E1000_TCTL_EN);
	nic_write(hw, E1000_TDLEN, 8 * sizeof(struct e1000_tx_desc));
	cr_assert(hw->tx_count == 8 && hw->tdh == 12 && hw->tx_sched == 12,
		  "set-up: %u descriptors, TDH %u, fetched to %u", hw->tx_count, hw->tdh, hw->tx_sched);
	/* TDH 12 of 8: the tail at 3 posts 12, then 5, 6, 7, 0, 1, 2 */
	for (size_t j = 0; j < sizeof(slots) / sizeof(slots[0]); j++) {
		a->tx_ring.desc[slots[j]].buffer_addr = 0;
		a->tx_ring.desc[slots[j]].lower.flags.length = 60;
		a->tx_ring.desc[slots[j]].lower.flags.cmd = E1000_TXD_CMD_EOP;
		a->tx_ring.desc[slots[j]].upper.data = 0;
	}
	nic_write(hw, E1000_TDT, 3);
	cr_assert_eq(hw->tdt, 3, "the post from 12 on a ring of 8 refused");
	f = free_ps > k->now * 1000 ? free_ps : k->now * 1000;
	for (size_t j = 0; j < sizeof(slots) / sizeof(slots[0]); j++) {
		f += wire_ps(k, 60);
		cr_assert_eq(hw->tx_done[slots[j]], ceil_ns(f),
			     "from 12 on a ring of 8: slot %u written back at %llu, expected %llu",
			     slots[j], (unsigned long long)hw->tx_done[slots[j]],
			     (unsigned long long)ceil_ns(f));
	}
	cr_assert_eq(hw->tx_sched, 3, "fetched to %u, expected 3", hw->tx_sched);
}

/* 60-byte frames in slots [from, to) of sn0's ring, then the doorbell. */
static void post_60(struct simnic_adapter *a, struct nic *hw, u32 from, u32 to)
{
	for (u32 i = from; i != to; i = (i + 1) % hw->tx_count) {
		a->tx_ring.desc[i].buffer_addr = 0;
		a->tx_ring.desc[i].lower.flags.length = 60;
		a->tx_ring.desc[i].lower.flags.cmd = E1000_TXD_CMD_EOP;
		a->tx_ring.desc[i].upper.data = 0;
	}
	nic_write(hw, E1000_TDT, to);
	cr_assert_eq(hw->tdt, to, "the post of [%u, %u) refused", from, to);
}

/*
 * A DD delay lowered while a frame is pending: the next train's first frame
 * waits for it (its time raised to the pending one's), and every frame
 * behind it in the train finishes no earlier than the frame ahead, though
 * its own time would be a millisecond earlier.
 */
Test(tx_fast_wire, a_train_behind_a_later_frame_finishes_no_earlier, .init = setup,
     .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	u64 pending;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	setp(k, sn0, "tx_ring", 16);
	kit_set_auto(k, false);
	kit_run(k, 0, k->now + 1000000, NULL);
	cr_assert(hw->tdh == hw->tdt, "set-up: TDH %u, TDT %u", hw->tdh, hw->tdt);
	u32 first = hw->tdt;

	setp(k, sn0, "fault_dd_delay", 1000000);
	post_60(a, hw, first, (first + 1) % 16);
	pending = hw->tx_done[first];
	cr_assert_gt(pending, k->now + 999999, "the pending frame at %llu, now %llu",
		     (unsigned long long)pending, (unsigned long long)k->now);
	setp(k, sn0, "fault_dd_delay", 0);
	post_60(a, hw, (first + 1) % 16, (first + 4) % 16);
	for (u32 j = 1; j < 4; j++) {
		u32 i = (first + j) % 16;

		cr_assert_eq(hw->tx_done[i], pending,
			     "frame %u of the train (slot %u) written back at %llu, the frame ahead "
			     "at %llu: expected %llu",
			     j, i, (unsigned long long)hw->tx_done[i],
			     (unsigned long long)hw->tx_done[(i + 15) % 16],
			     (unsigned long long)pending);
	}
}

/*
 * A tail written with the engine off, then a TDLEN that leaves it outside
 * the ring, then the engine on: no fetch can reach that tail, so the NIC
 * fetches nothing and names a DMA fault (the walk would never end).
 */
Test(tx_fast_wire, an_engine_turned_on_with_its_tail_outside_the_ring_is_a_dma_fault,
     .init = setup, .fini = teardown, .timeout = 20)
{
	struct nic *hw = sn0->nic;
	u64 faults;

	kit_enter(k);
	setp(k, sn0, "tx_ring", 16);
	kit_set_auto(k, false);
	kit_run(k, 0, k->now + 1000000, NULL);
	nic_write(hw, E1000_TCTL, hw->tctl & ~E1000_TCTL_EN);
	nic_write(hw, E1000_TDH, 0);
	nic_write(hw, E1000_TDT, 14);
	nic_write(hw, E1000_TDLEN, 8 * sizeof(struct e1000_tx_desc));
	faults = kit_rule_count(k, RULE_DMA_FAULT);
	nic_write(hw, E1000_TCTL, hw->tctl | E1000_TCTL_EN);
	cr_assert_eq(kit_rule_count(k, RULE_DMA_FAULT), faults + 1,
		     "DMA faults %llu after the engine went on, expected %llu",
		     (unsigned long long)kit_rule_count(k, RULE_DMA_FAULT),
		     (unsigned long long)faults + 1);
	cr_assert_eq(hw->tx_sched, 0, "fetched to %u with the tail outside the ring, expected 0",
		     hw->tx_sched);
}

/*
 * The wire's sink checks an IPv4 header without options (first byte 0x45)
 * with ip_hdr5_csum_ok, 64-bit words with end-around carries: it must say
 * what ip_fast_csum(p, 5) == 0 says, for headers with their checksum right
 * (then one bit flipped), random ones, all zeros, all ones and sums that
 * carry at every width.
 */
Test(tx_fast_wire, the_sinks_20_byte_sum_is_ip_fast_csums)
{
	unsigned char h[24];
	u64 rng = 99;
	int right = 0, n = 0;

	for (int i = 0; i < 200000; i++) {
		for (int b = 0; b < 20; b++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			h[b] = (unsigned char)(rng >> 56);
		}
		switch (i % 8) {
		case 0: memset(h, 0, 20); h[0] = (unsigned char)(i >> 3); break;
		case 1: memset(h, 0xff, 20); h[(i >> 3) % 20] = (unsigned char)(i >> 8); break;
		case 2: for (int b = 0; b < 20; b++) h[b] = b & 1 ? 0xff : h[b] | 0xf0; break;
		default: break;
		}
		if (i % 3 == 0) { /* a right checksum, as a sender writes it */
			h[10] = h[11] = 0;
			*(u16 *)(h + 10) = ip_fast_csum(h, 5);
			if (i % 9 == 0) /* one bit off */
				h[(i / 9) % 20] ^= (unsigned char)(1u << ((i / 180) % 8));
		}
		bool general = ip_fast_csum(h, 5) == 0;

		cr_assert_eq(ip_hdr5_csum_ok(h), general,
			     "header %d (%02x%02x%02x%02x ... %02x%02x): the sink's sum says %s, "
			     "ip_fast_csum %#x",
			     i, h[0], h[1], h[2], h[3], h[18], h[19],
			     ip_hdr5_csum_ok(h) ? "right" : "wrong", ip_fast_csum(h, 5));
		right += general;
		n++;
	}
	cr_assert_gt(right, n / 5, "only %d of %d headers right", right, n);
	cr_assert_lt(right, n / 2, "%d of %d headers right", right, n);
}

/* Frames into the sink: what it counts bad must be what the header check
 * with ip_fast_csum counts (version 4, a right sum over IHL words, a total
 * length the frame holds), for headers the one-compare path takes (IPv4's
 * EtherType and 0x45) and the ones it leaves to the general check (options,
 * version 6, IHL < 5); frames of other EtherTypes are not checked. */
Test(tx_fast_wire, the_sink_counts_bad_headers_as_the_general_check, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn0);
	struct nic *hw = sn0->nic;
	struct sk_buff *skb;
	u64 rng = 7;
	u64 bad = 0, sent = 0;

	kit_enter(k);
	setp(k, NULL, "wire_peer", 0);
	kit_set_auto(k, false);
	skb = __netdev_alloc_skb(sn0, 1600, "test", __LINE__);
	cr_assert_not_null(skb, "no skb");
	for (int i = 0; i < 400; i++) {
		unsigned char *f = skb->data, *ip = f + ETH_HLEN;
		unsigned int len = 60 + (unsigned int)(i % 7) * 10, ihl;
		u64 bad0 = hw->sink_bad, frames0 = hw->sink_frames;
		bool expect;

		for (unsigned int b = 0; b < len; b++) {
			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			f[b] = (unsigned char)(rng >> 56);
		}
		f[12] = 0x08, f[13] = 0x00;
		ip[0] = (u8[]){ 0x45, 0x45, 0x45, 0x46, 0x47, 0x65, 0x44, 0x45 }[i % 8];
		ihl = ip[0] & 15;
		*(u16 *)(ip + 2) = htons((u16)(len - ETH_HLEN - (i % 5 == 0 ? 0 : (i % 11 == 0 ? -1 : 3))));
		if (i % 4 != 3 && ihl >= 5) { /* mostly right sums */
			ip[10] = ip[11] = 0;
			*(u16 *)(ip + 10) = ip_fast_csum(ip, ihl);
		}
		expect = (ip[0] >> 4) != 4 || ip_fast_csum(ip, ihl) ||
			 ETH_HLEN + (unsigned int)ntohs(*(u16 *)(ip + 2)) > len;
		if (i % 9 == 4) {
			/* another EtherType, one byte off IPv4's among them, and
			 * a 0x45 after it: the sink checks no header */
			static const u8 other[4][2] = {
				{ 0x86, 0xdd }, { 0x08, 0x06 }, { 0x09, 0x00 }, { 0x08, 0x01 }
			};

			f[12] = other[(i / 9) % 4][0], f[13] = other[(i / 9) % 4][1];
			ip[0] = 0x45;
			expect = false;
		}
		unsigned int s = a->tx_ring.next_to_use;

		a->tx_ring.desc[s].buffer_addr = (u64)(uintptr_t)f;
		a->tx_ring.desc[s].lower.flags.length = (u16)len;
		a->tx_ring.desc[s].lower.flags.cmd = E1000_TXD_CMD_EOP;
		a->tx_ring.desc[s].upper.data = 0;
		nic_write(hw, E1000_TDT, (s + 1) % a->tx_ring.count);
		kit_run(k, 0, k->now + 100000, NULL);
		cr_assert_eq(hw->sink_frames - frames0, 1, "frame %d did not leave", i);
		cr_assert_eq(hw->sink_bad - bad0, expect ? 1 : 0,
			     "frame %d (IP byte %#x, tot_len %u of %u bytes): the sink counted %llu bad, "
			     "the general check says %s",
			     i, ip[0], ntohs(*(u16 *)(ip + 2)), len,
			     (unsigned long long)(hw->sink_bad - bad0), expect ? "bad" : "good");
		bad += expect;
		sent++;
		/* the driver's next slot is the NIC's again */
		nic_write(hw, E1000_TCTL, hw->tctl & ~E1000_TCTL_EN);
		nic_write(hw, E1000_TDH, s);
		nic_write(hw, E1000_TDT, s);
		nic_write(hw, E1000_TCTL, hw->tctl | E1000_TCTL_EN);
	}
	cr_assert(bad > sent / 8 && bad < sent - sent / 8, "%llu of %llu frames bad",
		  (unsigned long long)bad, (unsigned long long)sent);
	kfree_skb(skb);
}
