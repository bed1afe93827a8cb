/* test_rx.c - the RX path's rules: ring full, buffers, ping, the backlog, context, replay, faults. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(rx, .timeout = 60);

Test(rx, ring_full_drops_and_counts, .init = setup, .fini = teardown)
{
	setp(k, sn1, "rx_ring", 16);
	kit_set_auto(k, false); /* nobody polls: the ring fills */
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	gen_rx(sn1, 100, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "hw_rx_frames"), 15, "the NIC filled %llu buffers, expected 15",
		     (unsigned long long)st(sn1, "hw_rx_frames"));
	cr_assert_eq(st(sn1, "rx_missed_errors"), 85, "rx_missed_errors = %llu, expected 85",
		     (unsigned long long)st(sn1, "rx_missed_errors"));
	check_clean(k);
}

/* A buffer posted with too little room behind its address: the NIC does not
 * write past it; the frame is counted missed, not lost and not truncated. */
Test(rx, too_small_buffer_counts_missed, .init = setup, .fini = teardown)
{
	struct simnic_adapter *a = netdev_priv(sn1);
	unsigned int i;
	struct sk_buff *skb;
	unsigned char *end;

	kit_set_auto(k, false);
	setp(k, sn1, "napi", SIMNIC_NAPI_MODERN);
	i = a->rx_ring.next_to_clean; /* RDH: the first frame lands here */
	skb = a->rx_ring.buffer_info[i].skb;
	cr_assert_not_null(skb, "no buffer posted at %u", i);
	end = skb->head + SKB_BUF_SIZE;
	memset(end - 40, 0xaa, 40);
	a->rx_ring.desc[i].buffer_addr = (u64)(uintptr_t)(end - 40); /* 40 bytes of room */
	gen_rx(sn1, 1, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_eq(st(sn1, "rx_missed_errors"), 1, "rx_missed_errors = %llu, expected 1",
		     (unsigned long long)st(sn1, "rx_missed_errors"));
	cr_assert_eq(st(sn1, "hw_rx_frames"), 0, "the NIC wrote %llu frames into a 40-byte buffer",
		     (unsigned long long)st(sn1, "hw_rx_frames"));
	for (int b = 0; b < 40; b++)
		cr_assert_eq(end[b - 40], 0xaa, "byte %d of the short buffer was written", b);
}

Test(rx, ping_crosses_the_pair, .init = setup, .fini = teardown)
{
	char err[256];
	struct kit_ping_stat ps;

	kit_trace_subscribe(k, rec_log_cb, &log_);
	cr_assert_eq(kit_ping(sn0, kit_ipv4(192, 168, 0, 2), 3, err, sizeof(err)), 0, "%s", err);
	run_idle(k);
	kit_ping_stats(k, &ps);
	cr_assert_eq(ps.sent, 3, "%u pings sent, expected 3", ps.sent);
	cr_assert_eq(ps.received, 3, "%u replies, expected 3", ps.received);
	cr_assert_gt(ps.rtt_min_ns, 0, "minimum RTT %llu ns, expected more than 0",
		     (unsigned long long)ps.rtt_min_ns);
	/* requests seen by sn1, replies by sn0 */
	cr_assert_eq(st(sn1, "rx_packets"), 3, "sn1 rx_packets = %llu, expected the 3 requests",
		     (unsigned long long)st(sn1, "rx_packets"));
	cr_assert_eq(st(sn0, "rx_packets"), 3, "sn0 rx_packets = %llu, expected the 3 replies",
		     (unsigned long long)st(sn0, "rx_packets"));
	cr_assert_eq(st(sn1, "tx_packets"), 3, "sn1 answered %llu times",
		     (unsigned long long)st(sn1, "tx_packets"));
	check_clean(k);
}

/* netif_rx accepts while qlen <= netdev_max_backlog (2.6.20 netif_rx, 6.x
 * enqueue_to_backlog): the backlog holds max + 1 before it drops. */
Test(rx, nonapi_goes_through_the_backlog, .init = setup, .fini = teardown)
{
	struct kit_snap s;

	setp(k, sn1, "napi", SIMNIC_NONAPI);
	setp(k, NULL, "netdev_max_backlog", 10);
	kit_trace_subscribe(k, rec_log_cb, &log_);
	kit_set_auto(k, false); /* interrupts still run the handler; the backlog is never drained */
	gen_rx(sn1, 30, 0, IPPROTO_UDP, 60);
	run_idle(k);
	kit_snapshot(k, &s);
	cr_assert_eq(s.backlog_len, 11, "backlog holds %u, expected netdev_max_backlog + 1 = 11",
		     s.backlog_len);
	cr_assert_eq(s.backlog_drops, 19, "backlog drops %llu, expected 19",
		     (unsigned long long)s.backlog_drops);
	cr_assert_eq(rec_count(&log_, TR_NETIF_RX, sn1->ifindex), 11,
		     "%zu netif_rx records for sn1, expected 11",
		     rec_count(&log_, TR_NETIF_RX, sn1->ifindex));
	kit_set_auto(k, true);
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 11,
		     "the flow got %llu packets, expected the 11 from the backlog",
		     (unsigned long long)flow(k, 0).packets);
	check_clean(k);
}

Test(rx, receive_skb_outside_softirq_is_a_bug, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char err[256];
	struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

	cr_assert_not_null(skb, "%s", err);
	eth_type_trans(skb, sn0);
	netif_receive_skb(skb); /* from process context */
	cr_assert_eq(kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT), 1,
		     "%llu netif_receive_skb-outside-softirq BUGs, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_RECEIVE_SKB_CONTEXT));
	run_idle(k);
	check_clean(k);
}

static void replay(bool lro, u64 *stack, u64 *bytes, u64 *errors)
{
	struct kit *m = kit_new(1);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	char err[512];
	int n;

	kit_set_hw_steps(m, false);
	kit_param_set(m, d, kit_param_find("lro"), lro, err, sizeof(err));
	/* interrupt moderation, as LRO is used: each poll finds a burst in the ring */
	kit_param_set(m, d, kit_param_find("rx_usecs"), 100, err, sizeof(err));
	kit_flow_expect(m, kit_ipv4(10, 77, 0, 1), kit_ipv4(10, 77, 0, 2), 42164, 5001, IPPROTO_TCP,
			0);
	/* back to back at 10G line rate, so each poll has a burst to aggregate */
	n = kit_pktgen_pcap(d, "tests/data/linux-tcp-bulk-512k.pcap", 800000, err, sizeof(err));
	cr_assert_eq(n, 574, "replayed %d frames: %s", n, err);
	kit_run(m, 0, 0, NULL);
	*stack = kit_dev_stat(d, kit_stat_find("rx_stack"));
	*bytes = *errors = 0;
	for (int i = 0; i < kit_flow_count(m); i++) {
		struct kit_flow_stat f;

		kit_flow_at(m, i, &f);
		if (f.checked) {
			*bytes = f.bytes;
			*errors = f.errors;
		}
	}
	{
		char report[2048];
		int p = kit_check(m, report, sizeof(report));

		cr_assert_eq(p, 0, "kit_check found %d problems, expected 0:\n%s", p, report);
	}
	kit_free(m);
}

Test(rx, pcap_replay_same_stream_with_and_without_lro)
{
	u64 s_off, b_off, e_off, s_on, b_on, e_on;

	replay(false, &s_off, &b_off, &e_off);
	replay(true, &s_on, &b_on, &e_on);
	cr_assert_eq(b_off, 524288, "LRO off: the sink got %llu bytes, expected 524288",
		     (unsigned long long)b_off);
	cr_assert_eq(e_off, 0, "LRO off: %llu stream errors", (unsigned long long)e_off);
	cr_assert_eq(b_on, 524288, "LRO on: the sink got %llu bytes, expected 524288",
		     (unsigned long long)b_on);
	cr_assert_eq(e_on, 0, "LRO on: %llu stream errors", (unsigned long long)e_on);
	cr_assert_eq(s_off, 574, "LRO off passes every frame up: %llu of 574",
		     (unsigned long long)s_off);
	cr_assert_lt(s_on * 2, s_off, /* 363 data segments merge by up to lro_max_aggr */ "LRO on passed %llu skbs up, LRO off %llu",
		     (unsigned long long)s_on, (unsigned long long)s_off);
}

/* pktgen's faults: flag faults leave the stream whole, loss and reordering do not. */
static struct kit_flow_stat faulted_run(u32 fault, u32 every, u32 chance, u64 seed)
{
	struct kit *m = kit_new(seed);
	struct net_device *d = kit_dev_by_name(m, "sn1");
	struct pktgen_cfg c;
	struct kit_flow_stat f;
	char err[256];
	int rc;

	pktgen_cfg_default(&c);
	c.count = 60;
	c.proto = IPPROTO_TCP;
	c.len = 1000;
	c.tcp_ts = true;
	c.faults = fault;
	c.fault_every = every;
	c.fault_chance = chance;
	cr_assert_eq(kit_pktgen(d, &c, err, sizeof(err)), 0, "%s", err);
	kit_run(m, 0, 0, NULL);
	rc = kit_flow_at(m, 0, &f);
	cr_assert_eq(rc, 0, "kit_flow_at(0) returned %d, expected 0 (%d flows)", rc,
		     kit_flow_count(m));
	kit_free(m);
	return f;
}

Test(rx, flag_faults_keep_the_stream)
{
	const u32 flags[] = { PKTGEN_F_PSH, PKTGEN_F_NOACK, PKTGEN_F_IPOPT, PKTGEN_F_CE,
			      PKTGEN_F_SYN, PKTGEN_F_FIN, PKTGEN_F_TSBACK };

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		struct kit_flow_stat f = faulted_run(flags[i], 4, 0, 1);

		cr_assert_eq(f.errors, 0, "fault %#x: %llu stream errors", flags[i],
			     (unsigned long long)f.errors);
		cr_assert_eq(f.packets, 60, "fault %#x: %llu of 60 delivered", flags[i],
			     (unsigned long long)f.packets);
	}
}

/*
 * The receiver as TCP's: a loss leaves a hole that holds every later segment
 * on the out-of-order queue (nothing retransmits it); a reordered segment
 * waits there until the one before it comes; a duplicate is dropped. None of
 * them is a stream error: the bytes are all the sender's.
 */
Test(rx, loss_reorder_and_dup_are_seen)
{
	struct kit_flow_stat loss = faulted_run(PKTGEN_F_LOSS, 10, 0, 1);
	struct kit_flow_stat reo = faulted_run(PKTGEN_F_REORDER, 10, 0, 1);
	struct kit_flow_stat dup = faulted_run(PKTGEN_F_DUP, 10, 0, 1);
	const u64 seg = 1000 - 66; /* payload of a 1000-byte frame with timestamps */

	/* frame 10 is the first lost: 9 delivered, the 45 after it held */
	cr_assert_eq(loss.packets, 9, "9 of 60 delivered before the hole: %llu",
		     (unsigned long long)loss.packets);
	cr_assert_eq(loss.bytes, 9 * seg, "%llu bytes delivered, expected %llu (before the hole)",
		     (unsigned long long)loss.bytes, (unsigned long long)(9 * seg));
	cr_assert_eq(loss.ooo, 45, "rx_ooo %llu, expected 45", (unsigned long long)loss.ooo);
	cr_assert_eq(loss.ofo_segs, 45, "%u segments held, expected 45", loss.ofo_segs);
	cr_assert_eq(loss.errors, 0, "a loss is no stream error: %llu", (unsigned long long)loss.errors);
	cr_assert_eq(reo.packets, 60, "reordering delivered %llu of 60", (unsigned long long)reo.packets);
	cr_assert_eq(reo.bytes, 60 * seg, "reordering: %llu bytes, expected %llu",
		     (unsigned long long)reo.bytes, (unsigned long long)(60 * seg));
	/* frames 10, 20 ... 50 swap with the next; the 60th is the last, nothing to swap with */
	cr_assert_eq(reo.ooo, 5, "rx_ooo %llu, expected 5 (one per swap)", (unsigned long long)reo.ooo);
	cr_assert_eq(reo.ofo_segs, 0, "%u segments still held after reordering", reo.ofo_segs);
	cr_assert_eq(reo.errors + reo.dups, 0, "reordering: %llu errors, %llu dups, expected 0",
		     (unsigned long long)reo.errors, (unsigned long long)reo.dups);
	cr_assert_eq(dup.dups, 6, "6 duplicates: %llu counted", (unsigned long long)dup.dups);
	cr_assert_eq(dup.packets, 60, "duplicates: %llu of 60 delivered", (unsigned long long)dup.packets);
	cr_assert_eq(dup.errors + dup.ooo, 0, "duplicates: %llu errors, %llu ooo, expected 0",
		     (unsigned long long)dup.errors, (unsigned long long)dup.ooo);
}

Test(rx, random_faults_follow_the_seed)
{
	struct kit_flow_stat a = faulted_run(PKTGEN_F_LOSS, 0, 5, 1);
	struct kit_flow_stat b = faulted_run(PKTGEN_F_LOSS, 0, 5, 1);
	struct kit_flow_stat c = faulted_run(PKTGEN_F_LOSS, 0, 5, 2);

	cr_assert_eq(a.packets, b.packets, "same seed, different losses: %llu vs %llu",
		     (unsigned long long)a.packets, (unsigned long long)b.packets);
	cr_assert_lt(a.packets, 60, "a 1-in-5 loss chance delivered %llu of 60, expected fewer",
		     (unsigned long long)a.packets);
	cr_assert(a.packets != c.packets || a.bytes != c.bytes || a.ooo != c.ooo,
		  "seeds 1 and 2 lost the same frames");
}
