/* test_tx_fast.c - the transmit path's fast paths give the general path's answers. */
#include "kit.h"
#include "hw/nic_hw.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(tx_fast, .timeout = 60);

/*
 * The NIC takes a frame from a pool buffer without asking nic_dma_ok (the
 * pool's own test, inline): each address below is posted in a TX descriptor
 * and the frame must go out, or be refused with one DMA fault, exactly as
 * nic_dma_ok says of the same address and length.
 */
Test(tx_fast, tx_frame_dma_verdict_is_nic_dma_ok_s, .init = setup, .fini = teardown)
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
Test(tx_fast, wire_time_follows_the_link_speed_and_the_length, .init = setup, .fini = teardown)
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

Test(tx_fast, doorbell_distances_across_the_ring_end, .init = setup, .fini = teardown)
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

Test(tx_fast, doorbell_posting_round_the_end_at_once, .init = setup, .fini = teardown)
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
 * hw_sync picks the NIC whose change comes first, ties to the first in
 * device order; a machine of two NICs takes a pair compare instead of the
 * loop. A delayed cause on each NIC, at times a (sn0) and b (sn1): their
 * ICR records must come in time order, sn0's first on a tie.
 */
static void raise_order(u64 a, u64 b, int first, int second)
{
	struct kit *m = kit_new(1);
	struct net_device *d0 = kit_dev_by_name(m, "sn0"), *d1 = kit_dev_by_name(m, "sn1");
	struct rec_log l = { 0 };
	int seen[2], n = 0;

	kit_enter(m);
	kit_set_auto(m, false);
	kit_trace_subscribe(m, rec_log_cb, &l);
	nic_raise(d0->nic, E1000_ICR_TXDW, m->now + a);
	nic_raise(d1->nic, E1000_ICR_TXDW, m->now + b);
	hw_update(m);
	kit_run(m, 0, m->now + (a > b ? a : b) + 1000, NULL);
	for (size_t i = 0; i < l.n && n < 2; i++)
		if (l.r[i].type == TR_IRQ_RAISE)
			seen[n++] = l.r[i].dev;
	cr_assert_eq(n, 2, "%d ICR records for causes at +%llu and +%llu, expected 2", n,
		     (unsigned long long)a, (unsigned long long)b);
	cr_assert(seen[0] == first && seen[1] == second,
		  "causes at +%llu (sn0) and +%llu (sn1): devices %d then %d, expected %d then %d",
		  (unsigned long long)a, (unsigned long long)b, seen[0], seen[1], first, second);
	kit_free(m);
	free(l.r);
}

Test(tx_fast, two_nics_changes_in_time_order_ties_to_the_first)
{
	int i0, i1;
	struct kit *m = kit_new(1);

	i0 = kit_dev_by_name(m, "sn0")->ifindex;
	i1 = kit_dev_by_name(m, "sn1")->ifindex;
	kit_free(m);
	raise_order(1000, 2000, i0, i1);
	raise_order(2000, 1000, i1, i0);
	raise_order(1500, 1500, i0, i1);
}

/*
 * dev_queue_xmit without a timeline (a bench's or an experiment's machine)
 * skips the qdisc's list for a packet that an empty, idle qdisc would hand
 * on at once (run_alone) and skips run() on a stopped queue; a machine with
 * a timeline takes the general path. Both machines below send the same
 * frames: into an idle ring (every packet alone), past the ring's end (the
 * driver stops the queue, the qdisc fills and drains), and through a
 * hard_start_xmit that answers NETDEV_TX_BUSY now and then (the requeue),
 * and through one that sends a frame of its own now and then (the run goes
 * on past the packet it was handed). Every trace record, the time, the
 * counters and the qdisc must agree.
 */
static int (*real_xmit)(struct sk_buff *skb, struct net_device *dev);
static unsigned int busy_calls;

static int sometimes_busy(struct sk_buff *skb, struct net_device *dev)
{
	if (++busy_calls % 7 == 3)
		return NETDEV_TX_BUSY;
	return real_xmit(skb, dev);
}

/* The driver's xmit sends another frame itself now and then (a nested
 * dev_queue_xmit, as the stack answering from within a driver call): it
 * finds the qdisc running and queues, so the run that called the driver
 * goes on with the rest of its loop. */
static unsigned int nested_calls;

static int sometimes_sends_more(struct sk_buff *skb, struct net_device *dev)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP };

	if (++nested_calls % 5 == 2)
		kit_xmit_frames(dev, &udp, 1);
	return real_xmit(skb, dev);
}

static void send_three_ways(struct kit *m, struct rec_log *l, bool timeline)
{
	const struct kit_pkt udp = { .len = 60, .proto = IPPROTO_UDP };
	struct net_device *d = kit_dev_by_name(m, "sn0");

	if (!timeline)
		tl_stop(m);
	kit_trace_subscribe(m, rec_log_cb, l);
	setp(m, d, "tx_ring", 64);
	for (int i = 0; i < 20; i++) { /* one at a time, the ring never fills */
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	kit_xmit_frames(d, &udp, 300); /* past the ring: stopped, queued, drained */
	run_idle(m);
	real_xmit = d->hard_start_xmit;
	busy_calls = 0;
	d->hard_start_xmit = sometimes_busy;
	for (int i = 0; i < 20; i++) {
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	kit_xmit_frames(d, &udp, 100);
	run_idle(m);
	nested_calls = 0;
	d->hard_start_xmit = sometimes_sends_more;
	for (int i = 0; i < 20; i++) {
		kit_xmit_frames(d, &udp, 1);
		run_idle(m);
	}
	d->hard_start_xmit = real_xmit;
	kit_trace_subscribe(m, NULL, NULL);
}

Test(tx_fast, a_packet_alone_and_a_stopped_queue_as_the_qdisc_would)
{
	struct kit *m[2] = { kit_new(1), kit_new(1) };
	struct rec_log l[2];
	struct net_device *d[2];

	memset(l, 0, sizeof(l));
	for (int i = 0; i < 2; i++) {
		cr_assert_not_null(m[i], "kit_new(1) returned NULL, expected a machine");
		send_three_ways(m[i], &l[i], i == 1);
		d[i] = kit_dev_by_name(m[i], "sn0");
	}
	cr_assert_null(m[0]->timeline, "the fast machine has a timeline");
	cr_assert_not_null(m[1]->timeline, "the general machine has no timeline");
	cr_assert_gt(d[0]->core.requeues, 0, "no BUSY requeue was made");
	cr_assert_eq(kit_dev_stat(d[0], kit_stat_find("hw_tx_frames")), 20 + 300 + 20 + 100 + 20 + 5,
		     "%llu frames sent, expected 465 (the driver's own 5 among them)",
		     (unsigned long long)kit_dev_stat(d[0], kit_stat_find("hw_tx_frames")));
	cr_assert_eq(l[0].n, l[1].n, "%zu trace records without a timeline, %zu with", l[0].n,
		     l[1].n);
	for (size_t i = 0; i < l[0].n; i++) {
		const struct trace_rec *a = &l[0].r[i], *b = &l[1].r[i];

		cr_assert(a->t == b->t && a->type == b->type && a->dev == b->dev &&
				  a->ctx == b->ctx && a->a == b->a && a->b == b->b && a->c == b->c &&
				  a->d == b->d,
			  "record %zu: type %u at %llu (%u %u %u %u) without a timeline, type %u at "
			  "%llu (%u %u %u %u) with",
			  i, a->type, (unsigned long long)a->t, a->a, a->b, a->c, a->d, b->type,
			  (unsigned long long)b->t, b->a, b->b, b->c, b->d);
	}
	cr_assert_eq(m[0]->now, m[1]->now, "ended at %llu ns without a timeline, %llu with",
		     (unsigned long long)m[0]->now, (unsigned long long)m[1]->now);
	for (int s = 0; s < kit_stat_count(); s++)
		cr_assert_eq(kit_dev_stat(d[0], s), kit_dev_stat(d[1], s),
			     "%s: %llu without a timeline, %llu with", kit_stat_at(s)->name,
			     (unsigned long long)kit_dev_stat(d[0], s),
			     (unsigned long long)kit_dev_stat(d[1], s));
	cr_assert(memcmp(&d[0]->core, &d[1]->core, sizeof(d[0]->core)) == 0,
		  "the core's counters differ (xmit calls %llu and %llu, requeues %llu and %llu)",
		  (unsigned long long)d[0]->core.xmit_calls, (unsigned long long)d[1]->core.xmit_calls,
		  (unsigned long long)d[0]->core.requeues, (unsigned long long)d[1]->core.requeues);
	cr_assert_eq(skb_queue_len(&d[0]->qdisc->q), 0, "packets left in the qdisc");
	cr_assert(!d[0]->qdisc->running && !d[1]->qdisc->running, "a qdisc left running");
	for (int i = 0; i < 2; i++) {
		kit_free(m[i]);
		free(l[i].r);
	}
}

/*
 * restart_bulk finds the skbs of a train in place and moves them to its
 * bulk list as one run. Against the skb-by-skb rule (the first, then more
 * while the budget qdisc_avail_bulklimit() - the lengths so far stays above
 * 0), for budgets from none to all and a driver answering BUSY at the first,
 * the third or no call: the skbs handed over, in order, with xmit_more on all
 * but the train's last, and the qdisc after, linked both ways, in order.
 */
static struct kit *bulk_k;
static u32 bulk_ids[16], bulk_more[16];
static int bulk_calls, bulk_busy_at;

static int bulk_recorder(struct sk_buff *skb, struct net_device *dev)
{
	(void)dev;
	if (bulk_calls == bulk_busy_at) {
		bulk_calls++;
		return NETDEV_TX_BUSY;
	}
	bulk_ids[bulk_calls] = skb->kit_id;
	bulk_more[bulk_calls++] = bulk_k->sd.xmit_more;
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

Test(tx_fast, a_bulk_dequeue_takes_what_the_skb_by_skb_rule_takes, .init = setup,
     .fini = teardown)
{
	static const unsigned int lens[] = { 60, 100, 60, 1500, 60, 300 };
	static const int avails[] = { 0, 1, 59, 60, 61, 160, 161, 221, 1800, 100000 };
	static const int busy[] = { -1, 0, 2 };
	const int n = (int)(sizeof(lens) / sizeof(lens[0]));
	struct Qdisc *q = sn0->qdisc;
	int (*real)(struct sk_buff *, struct net_device *) = sn0->hard_start_xmit;

	kit_enter(k);
	setp(k, sn0, "batching", TX_BATCH_XMIT_MORE);
	bulk_k = k;
	sn0->hard_start_xmit = bulk_recorder;
	for (size_t a = 0; a < sizeof(avails) / sizeof(avails[0]); a++) {
		for (size_t b = 0; b < sizeof(busy) / sizeof(busy[0]); b++) {
			u32 ids[16];
			int take = 1, sent, expect;
			int bytelimit = avails[a] - (int)lens[0];
			struct sk_buff *p;

			for (int i = 0; i < n; i++) {
				struct sk_buff *skb = __netdev_alloc_skb(sn0, lens[i], "test", __LINE__);

				cr_assert_not_null(skb, "no skb");
				skb_put(skb, lens[i]);
				skb_set_place(skb, SKB_QDISC);
				__skb_queue_tail(&q->q, skb);
				ids[i] = skb->kit_id;
			}
			while (bytelimit > 0 && take < n)
				bytelimit -= (int)lens[take++];
			sn0->tx_queue.dql.adj_limit = sn0->tx_queue.dql.num_queued + (unsigned)avails[a];
			cr_assert_eq(qdisc_avail_bulklimit(&sn0->tx_queue), avails[a], "budget %d, expected %d",
				     qdisc_avail_bulklimit(&sn0->tx_queue), avails[a]);
			bulk_calls = 0;
			bulk_busy_at = busy[b];
			sent = qdisc_restart(sn0);
			expect = busy[b] >= 0 && busy[b] < take ? busy[b] : take;
			cr_assert_eq(sent, expect, "budget %d, BUSY at %d: %d sent, expected %d", avails[a],
				     busy[b], sent, expect);
			for (int i = 0; i < sent; i++) {
				cr_assert_eq(bulk_ids[i], ids[i], "budget %d: call %d had skb#%u, expected #%u",
					     avails[a], i, bulk_ids[i], ids[i]);
				cr_assert_eq(bulk_more[i], i < take - 1, "budget %d: skb %d of %d, xmit_more %u",
					     avails[a], i, take, bulk_more[i]);
			}
			cr_assert_eq(skb_queue_len(&q->q), (u32)(n - sent), "qdisc holds %u, expected %d",
				     skb_queue_len(&q->q), n - sent);
			p = (struct sk_buff *)&q->q;
			for (int i = sent; i < n; i++) {
				cr_assert_eq(p->next->prev, p, "budget %d: a broken back link", avails[a]);
				p = p->next;
				cr_assert_eq(p->kit_id, ids[i], "budget %d: qdisc has skb#%u at %d, expected #%u",
					     avails[a], p->kit_id, i - sent, ids[i]);
			}
			cr_assert_eq(p->next, (struct sk_buff *)&q->q, "the qdisc's list does not close");
			cr_assert_eq(q->q.prev, p, "the qdisc's tail is not its last skb");
			while ((p = __skb_dequeue(&q->q)) != NULL)
				kfree_skb(p);
		}
	}
	sn0->hard_start_xmit = real;
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
Test(tx_fast, every_head_tail_and_new_tail_as_the_ring_rule_says, .init = setup,
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
Test(tx_fast, a_ring_moved_or_resized_is_checked_again, .init = setup, .fini = teardown)
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

Test(tx_fast, fetch_times_are_the_picosecond_sums_rounded_up, .init = setup, .fini = teardown)
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

Test(tx_fast, a_remembered_tx_buffer_is_taken_as_nic_dma_ok_would, .init = setup,
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
Test(tx_fast, a_remembered_tx_owner_is_the_pools, .init = setup, .fini = teardown)
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
Test(tx_fast, a_tx_unmap_takes_only_its_own_addresss_remembered_skb, .init = setup,
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

/*
 * The wire's sink checks an IPv4 header without options (first byte 0x45)
 * with wire_ip5_csum_ok, 64-bit words with end-around carries: it must say
 * what ip_fast_csum(p, 5) == 0 says, for headers with their checksum right
 * (then one bit flipped), random ones, all zeros, all ones and sums that
 * carry at every width.
 */
Test(tx_fast, the_sinks_20_byte_sum_is_ip_fast_csums)
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

		cr_assert_eq(wire_ip5_csum_ok(h), general,
			     "header %d (%02x%02x%02x%02x ... %02x%02x): the sink's sum says %s, "
			     "ip_fast_csum %#x",
			     i, h[0], h[1], h[2], h[3], h[18], h[19],
			     wire_ip5_csum_ok(h) ? "right" : "wrong", ip_fast_csum(h, 5));
		right += general;
		n++;
	}
	cr_assert_gt(right, n / 5, "only %d of %d headers right", right, n);
	cr_assert_lt(right, n / 2, "%d of %d headers right", right, n);
}

/* Frames into the sink: what it counts bad must be what the header check
 * with ip_fast_csum counts (version 4, a right sum over IHL words, a total
 * length the frame holds), for headers the one-compare path takes (0x45) and
 * the ones it leaves to the general check (options, version 6, IHL < 5). */
Test(tx_fast, the_sink_counts_bad_headers_as_the_general_check, .init = setup, .fini = teardown)
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

/*
 * With the hardware steps off, hw_arm wakes the CPU at the earliest change it
 * could notice (lazy_time): lazy_time walks k->nic (each NIC's device index
 * hw->index) and finds a TX ring's last fetched slot without a division
 * where it can. Before and after steps of TX runs that wrap the rings (into the
 * sink and into the peer, with pktgen's frames arriving on both NICs and
 * TXDW masked or not), the hardware event must be where the walk over
 * k->devs with % puts it (the general rule, below). (Rings of 8.)
 */
static u64 lazy_time_by_devs(struct kit *m)
{
	u64 t = KIT_NEVER, last = 0;

	for (int i = 0; i < m->ndevs; i++) {
		struct nic *hw = m->devs[i]->nic, *peer;
		bool rx_on;

		if (!hw)
			continue;
		if (hw->irq_at < t)
			t = hw->irq_at;
		if (hw->cause_min < t)
			t = hw->cause_min;
		rx_on = hw->ims & E1000_IMS_RX;
		if (hw->tdh != hw->tx_sched) {
			u64 next = hw->tx_done[hw->tdh];
			u64 fin = hw->tx_done[(hw->tx_sched + hw->tx_count - 1) % hw->tx_count];

			peer = m->knob[KNOB_WIRE_PEER] && (i ^ 1) < m->ndevs ? m->devs[i ^ 1]->nic : NULL;
			if (((hw->ims & E1000_ICR_TXDW) || (peer && (peer->ims & E1000_IMS_RX))) &&
			    next < t)
				t = next;
			if (fin > last)
				last = fin;
		}
		for (int s = 0; s < hw->nsrc; s++) {
			const struct rx_source *src = hw->src[s];

			if ((rx_on || src->last_at == KIT_NEVER) && src->next_at < t)
				t = src->next_at;
			if (src->last_at != KIT_NEVER && src->last_at > last)
				last = src->last_at;
		}
	}
	return t == KIT_NEVER && last ? last : t;
}

static void lazy_check(int round, int s, int *busy, int *wrapped)
{
	u64 next, expect, got;

	k->hw_lazy_stale = true;
	hw_arm(k);
	next = k->hw_next;
	expect = next == KIT_NEVER ? KIT_NEVER : lazy_time_by_devs(k);
	if (expect != KIT_NEVER && expect < next)
		expect = next;
	got = k->hw_ev.idx >= 0 ? k->hw_ev.time : KIT_NEVER;
	cr_assert_eq(got, expect,
		     "round %d, step %d: the hardware event at %llu, the walk over the devices "
		     "says %llu",
		     round, s, (unsigned long long)got, (unsigned long long)expect);
	for (int d = 0; d < 2; d++) {
		struct nic *hw = (d ? sn1 : sn0)->nic;

		*busy += hw->tdh != hw->tx_sched;
		*wrapped += hw->tdh != hw->tx_sched && hw->tx_sched == 0;
	}
}

Test(tx_fast, the_lazy_wake_up_is_the_walk_over_the_devices, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	int checks = 0, wrapped = 0, busy = 0;

	kit_set_hw_steps(k, false);
	setp(k, sn0, "tx_ring", 8);
	setp(k, sn1, "tx_ring", 8);
	for (int round = 0; round < 4; round++) {
		setp(k, NULL, "wire_peer", round & 1);
		gen_rx(round & 2 ? sn0 : sn1, 1500, 1000000, IPPROTO_UDP, 60);
		for (int s = 0; s < 2000; s++) {
			kit_xmit_frames(s % 3 ? sn0 : sn1, &p, 1 + (u64)(s * 7) % 23);
			lazy_check(round, s, &busy, &wrapped);
			kit_run(k, 1, 0, NULL);
			lazy_check(round, s, &busy, &wrapped);
			checks += 2;
		}
		run_idle(k);
	}
	cr_assert_gt(busy, 100, "a TX ring was busy at %d checks", busy);
	cr_assert_geq(wrapped, 20, "TX fetched up to the ring's end at %d checks (of %d busy)", wrapped,
		      busy);
	cr_assert_eq(checks, 4 * 4000, "%d checks", checks);
}

/* The same over random NIC states: the masks (TXDW, RX), the line's and the
 * causes' times, a TX ring's head, fetch point (at and past its end) and
 * write-back times, the wire to the peer or the sink, hw_next; no sources
 * (pktgen's are above). */
Test(tx_fast, the_lazy_wake_up_over_random_nic_states, .init = setup, .fini = teardown)
{
	static const u32 masks[] = { 0, E1000_ICR_TXDW, E1000_IMS_RX, E1000_ICR_TXDW | E1000_IMS_RX };
	struct nic *hw[2] = { sn0->nic, sn1->nic }, saved[2];
	u64 done[2][19], rng = 4242;
	long peer = k->knob[KNOB_WIRE_PEER];
	int lasts = 0;

	kit_set_hw_steps(k, false);
	for (int d = 0; d < 2; d++) {
		saved[d] = *hw[d];
		memcpy(done[d], hw[d]->tx_done, sizeof(done[d]));
		cr_assert_eq(hw[d]->nsrc, 0, "sources on a fresh machine");
	}
	for (int it = 0; it < 20000; it++) {
#define R() (rng = rng * 6364136223846793005ULL + 1442695040888963407ULL, rng >> 33)
		u64 expect, got, next;

		for (int d = 0; d < 2; d++) {
			struct nic *h = hw[d];

			h->ims = masks[R() % 4];
			h->irq_at = R() % 3 ? KIT_NEVER : 1000 + R() % 5000;
			h->cause_min = R() % 3 ? KIT_NEVER : 1000 + R() % 5000;
			h->tx_count = R() % 2 ? 8 : 16;
			h->tdh = (u32)(R() % h->tx_count);
			h->tx_sched = R() % 4 ? (u32)(R() % h->tx_count) : h->tx_count + (u32)(R() % 3);
			for (u32 i = 0; i < h->tx_count + 3; i++)
				h->tx_done[i] = 1000 + R() % 5000;
		}
		k->knob[KNOB_WIRE_PEER] = (long)(R() % 2);
		k->hw_next = R() % 8 ? 500 + R() % 6000 : KIT_NEVER;
		next = k->hw_next;
		k->hw_lazy_stale = true;
		hw_arm(k);
		expect = next == KIT_NEVER ? KIT_NEVER : lazy_time_by_devs(k);
		if (expect != KIT_NEVER && expect < next)
			expect = next;
		got = k->hw_ev.idx >= 0 ? k->hw_ev.time : KIT_NEVER;
		cr_assert_eq(got, expect,
			     "state %d: the hardware event at %llu, the walk over the devices says %llu "
			     "(sn0 TDH %u fetched to %u of %u, ims %#x; sn1 TDH %u fetched to %u of %u, "
			     "ims %#x; wire_peer %ld)",
			     it, (unsigned long long)got, (unsigned long long)expect, hw[0]->tdh,
			     hw[0]->tx_sched, hw[0]->tx_count, hw[0]->ims, hw[1]->tdh, hw[1]->tx_sched,
			     hw[1]->tx_count, hw[1]->ims, k->knob[KNOB_WIRE_PEER]);
		lasts += next != KIT_NEVER && hw[0]->irq_at == KIT_NEVER && hw[1]->irq_at == KIT_NEVER &&
			 hw[0]->cause_min == KIT_NEVER && hw[1]->cause_min == KIT_NEVER;
#undef R
	}
	cr_assert_gt(lasts, 1000, "only %d states could wake at the last write-back", lasts);
	for (int d = 0; d < 2; d++) {
		*hw[d] = saved[d];
		memcpy(hw[d]->tx_done, done[d], sizeof(done[d]));
	}
	k->knob[KNOB_WIRE_PEER] = peer;
	ev_cancel(k, &k->hw_ev);
	hw_update(k);
}

/*
 * RDT, like TDT, is written in a function of its own ahead of the register
 * switch: for every old tail and new value on an RX ring of 16 (values past
 * the ring's end among them) the write must do what the RDT rule says: past
 * the end, one DMA fault and RDT kept; the same tail, nothing; else RDT
 * moved, one RX doorbell and one descriptor charged per buffer posted
 * ((new - old) mod 16), and the NIC's next change looked at again.
 */
Test(tx_fast, an_rdt_write_does_what_the_rdt_rule_says, .init = setup, .fini = teardown)
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
