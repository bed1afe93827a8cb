/* test_sink.c - the TCP receiver: rcv_nxt, the out-of-order queue, duplicates, every byte. */
#define KIT_TEST_MACHINE
#include "helpers.h"

/*
 * Segments of one TCP flow from sn0, as sn1 sees them through snull (the
 * twisted addresses kit_skb_alloc registers as a checked flow), handed to
 * netif_receive_skb in softirq context in the order a test wants.
 * PAY bytes of payload each; sequence numbers start at 1 (no SYN: ISN 0).
 */
#define PAY 100u

static void rx_cb(void *arg)
{
	netif_receive_skb(arg);
}

static struct sk_buff *seg_len(u32 seq, unsigned int pay)
{
	struct kit_pkt p = { .len = 54 + pay, .proto = IPPROTO_TCP, .flow = 1, .seq = seq,
			     .seq_set = true };

	return skb_as_received(sn0, sn1, &p);
}

static void give(struct sk_buff *skb)
{
	kit_run_softirq(k, rx_cb, skb);
	run_idle(k);
}

static void seg(u32 seq)
{
	give(seg_len(seq, PAY));
}

#define SEQ(i) (1 + (i) * PAY) /* the i-th segment */

static void assert_flow(u64 bytes, u64 ooo, u64 dups, u32 held, const char *what)
{
	struct kit_flow_stat f = flow(k, 0);

	cr_assert_eq(f.bytes, bytes, "%s: %llu bytes delivered, expected %llu", what,
		     (unsigned long long)f.bytes, (unsigned long long)bytes);
	cr_assert_eq(f.next_seq, 1 + (u32)bytes, "%s: rcv_nxt %u, expected %u", what, f.next_seq,
		     1 + (u32)bytes);
	cr_assert_eq(f.ooo, ooo, "%s: rx_ooo %llu, expected %llu", what,
		     (unsigned long long)f.ooo, (unsigned long long)ooo);
	cr_assert_eq(f.dups, dups, "%s: rx_dups %llu, expected %llu", what,
		     (unsigned long long)f.dups, (unsigned long long)dups);
	cr_assert_eq(f.ofo_segs, held, "%s: %u segments held out of order, expected %u", what,
		     f.ofo_segs, held);
	cr_assert_eq(f.errors, 0, "%s: %llu stream errors, expected 0", what,
		     (unsigned long long)f.errors);
}

Test(sink, a_late_segment_waits_then_fills_the_hole, .init = setup, .fini = teardown)
{
	seg(SEQ(0));
	seg(SEQ(2));
	seg(SEQ(3));
	assert_flow(PAY, 2, 0, 2, "segments 2 and 3 before 1");
	cr_assert_eq(flow(k, 0).app_bytes, PAY, "the application read %llu bytes, expected %u",
		     (unsigned long long)flow(k, 0).app_bytes, PAY);
	seg(SEQ(1));
	assert_flow(4 * PAY, 2, 0, 0, "segment 1 filled the hole");
	cr_assert_eq(flow(k, 0).app_bytes, 4 * PAY, "the application read %llu bytes, expected %u",
		     (unsigned long long)flow(k, 0).app_bytes, 4 * PAY);
	cr_assert_eq(st(sn1, "rx_ooo"), 2, "sn1 rx_ooo %llu, expected 2",
		     (unsigned long long)st(sn1, "rx_ooo"));
	check_clean(k);
}

Test(sink, duplicates_of_delivered_and_of_queued_bytes, .init = setup, .fini = teardown)
{
	seg(SEQ(0));
	seg(SEQ(0)); /* delivered already */
	seg(SEQ(2));
	seg(SEQ(2)); /* queued already: not a second out-of-order segment */
	assert_flow(PAY, 1, 2, 1, "a delivered and a queued duplicate");
	cr_assert_eq(st(sn1, "rx_dups"), 2, "sn1 rx_dups %llu, expected 2",
		     (unsigned long long)st(sn1, "rx_dups"));
	seg(SEQ(1));
	assert_flow(3 * PAY, 1, 2, 0, "the hole filled");
	check_clean(k);
}

Test(sink, overlaps_are_trimmed, .init = setup, .fini = teardown)
{
	seg(SEQ(0));
	give(seg_len(SEQ(0) + 50, PAY)); /* half old, half new */
	assert_flow(PAY + 50, 0, 0, 0, "an overlap with delivered bytes");
	cr_assert_eq(flow(k, 0).app_bytes, PAY + 50, "app read %llu, expected %u (new bytes only)",
		     (unsigned long long)flow(k, 0).app_bytes, PAY + 50);
	/* queued: [351, 451) then [301, 501) covers it and takes its place */
	give(seg_len(SEQ(3) + 50, PAY));
	give(seg_len(SEQ(3), 2 * PAY));
	assert_flow(PAY + 50, 2, 0, 1, "a queued segment covered by a later one");
	/* [251, 351) overlaps [301, 501) in part: both stay, trimmed when delivered */
	give(seg_len(SEQ(2) + 50, PAY));
	assert_flow(PAY + 50, 3, 0, 2, "a partial overlap on the queue");
	give(seg_len(SEQ(1) + 50, PAY)); /* [151, 251): the hole closes */
	assert_flow(5 * PAY, 3, 0, 0, "the hole closed");
	cr_assert_eq(flow(k, 0).app_bytes, 5 * PAY, "app read %llu bytes, expected %u",
		     (unsigned long long)flow(k, 0).app_bytes, 5 * PAY);
	check_clean(k);
}

Test(sink, holes_are_reported_as_ranges, .init = setup, .fini = teardown)
{
	u32 r[4][2];
	int n;

	seg(SEQ(0));
	seg(SEQ(2));
	seg(SEQ(3));
	seg(SEQ(6));
	n = kit_flow_ofo(k, 0, r, 4);
	cr_assert_eq(n, 2, "%d ranges queued, expected 2", n);
	cr_assert(r[0][0] == SEQ(2) && r[0][1] == SEQ(4) && r[1][0] == SEQ(6) && r[1][1] == SEQ(7),
		  "ranges [%u, %u) [%u, %u), expected [%u, %u) [%u, %u)", r[0][0], r[0][1], r[1][0],
		  r[1][1], SEQ(2), SEQ(4), SEQ(6), SEQ(7));
	cr_assert_eq(flow(k, 0).ofo_bytes, 3 * PAY, "%llu bytes held, expected %u",
		     (unsigned long long)flow(k, 0).ofo_bytes, 3 * PAY);
	cr_assert_eq(kit_flow_ofo(k, 0, r, 1), 2, "with room for 1 range the count is still 2");
	cr_assert_eq(kit_flow_ofo(k, 99, r, 4), -EINVAL, "flow 99 does not exist: -EINVAL expected");
	check_clean(k);
}

Test(sink, a_full_queue_drops_and_counts, .init = setup, .fini = teardown)
{
	struct kit_snap s0, s1;

	seg(SEQ(0));
	kit_snapshot(k, &s0);
	for (u32 i = 0; i < 256 + 3; i++) /* TCP_OFO_FLOW_MAX is 256 */
		seg(SEQ(2 + i));
	assert_flow(PAY, 256, 0, 256, "a hole and 259 segments behind it");
	cr_assert_eq(flow(k, 0).ofo_drops, 3, "rx_ofo_drops %llu, expected 3",
		     (unsigned long long)flow(k, 0).ofo_drops);
	cr_assert_eq(st(sn1, "rx_ofo_drops"), 3, "sn1 rx_ofo_drops %llu, expected 3",
		     (unsigned long long)st(sn1, "rx_ofo_drops"));
	kit_snapshot(k, &s1);
	cr_assert_eq(s1.skb_live[SKB_SOCKET], s0.skb_live[SKB_SOCKET] + 256,
		     "%llu skbs on socket queues, expected %llu (the 256 held)",
		     (unsigned long long)s1.skb_live[SKB_SOCKET],
		     (unsigned long long)s0.skb_live[SKB_SOCKET] + 256);
	check_clean(k);
}

/* What the NIC vouched for and something above it changed is caught byte by byte. */
Test(sink, a_byte_changed_on_the_way_up_is_a_stream_error, .init = setup, .fini = teardown)
{
	struct sk_buff *skb;

	seg(SEQ(0));
	skb = seg_len(SEQ(2), PAY); /* the check happens on arrival, in order or not */
	skb->data[40 + 7] ^= 0x80;
	give(skb);
	skb = seg_len(SEQ(1), PAY);
	skb->data[40 + 99] ^= 0x01;
	give(skb);
	cr_assert_eq(flow(k, 0).errors, 2, "rx_stream_errors %llu, expected 2",
		     (unsigned long long)flow(k, 0).errors);
	cr_assert_eq(st(sn1, "rx_stream_errors"), 2, "sn1 rx_stream_errors %llu, expected 2",
		     (unsigned long long)st(sn1, "rx_stream_errors"));
	cr_assert_eq(flow(k, 0).bytes, 3 * PAY, "%llu bytes delivered, expected %u",
		     (unsigned long long)flow(k, 0).bytes, 3 * PAY);
	check_clean(k);
}

/* UDP: no order, no duplicates; each datagram's bytes checked. */
Test(sink, udp_counts_without_order, .init = setup, .fini = teardown)
{
	const struct kit_pkt p = { .len = 200, .proto = IPPROTO_UDP, .flow = 4 };
	struct kit_pkt back = p;

	kit_xmit_frames(sn0, &p, 5);
	back.seq = 1;
	back.seq_set = true;
	kit_xmit_frames(sn0, &back, 2); /* words 1 and 2 again, after 4 */
	run_idle(k);
	cr_assert_eq(flow(k, 0).packets, 7, "%llu datagrams delivered, expected 7",
		     (unsigned long long)flow(k, 0).packets);
	cr_assert_eq(flow(k, 0).bytes, 7 * (200 - 42), "%llu bytes, expected %d",
		     (unsigned long long)flow(k, 0).bytes, 7 * (200 - 42));
	cr_assert_eq(flow(k, 0).errors + flow(k, 0).dups + flow(k, 0).ooo, 0,
		     "UDP: %llu errors, %llu dups, %llu ooo, expected none",
		     (unsigned long long)flow(k, 0).errors, (unsigned long long)flow(k, 0).dups,
		     (unsigned long long)flow(k, 0).ooo);
	cr_assert_eq(flow(k, 0).next_seq, 5, "next word %u, expected 5 (after the highest)",
		     flow(k, 0).next_seq);
	check_clean(k);
}

/* An aggregate as LRO builds it: the first segment's headers and payload,
 * then n - 1 more segments' payloads on the frag_list. */
static struct sk_buff *aggregate(u32 seq, unsigned int n)
{
	struct sk_buff *head = seg_len(seq, PAY), **tail = &skb_shinfo(head)->frag_list;
	struct iphdr *iph = (struct iphdr *)head->data;

	for (unsigned int i = 1; i < n; i++) {
		struct sk_buff *m = seg_len(seq + i * PAY, PAY);

		skb_pull(m, 40); /* the member keeps its payload only */
		*tail = m;
		tail = &m->next;
		head->len += m->len;
		head->data_len += m->len;
	}
	iph->tot_len = htons((u16)(40 + n * PAY));
	iph->check = 0;
	iph->check = ip_fast_csum(iph, iph->ihl);
	return head;
}

/* Every byte of an aggregate is compared, the frag_list's too. */
Test(sink, a_byte_changed_in_an_aggregate_is_a_stream_error, .init = setup, .fini = teardown)
{
	struct sk_buff *skb;

	give(aggregate(SEQ(0), 3));
	assert_flow(3 * PAY, 0, 0, 0, "an aggregate of 3");
	skb = aggregate(SEQ(3), 4);
	skb_shinfo(skb)->frag_list->next->data[PAY - 1] ^= 0x10; /* the third segment's last */
	give(skb);
	cr_assert_eq(flow(k, 0).errors, 1, "rx_stream_errors %llu, expected 1",
		     (unsigned long long)flow(k, 0).errors);
	skb = aggregate(SEQ(7), 2);
	skb->data[40] ^= 0x01; /* the first payload byte, in the linear part */
	give(skb);
	cr_assert_eq(flow(k, 0).errors, 2, "rx_stream_errors %llu, expected 2",
		     (unsigned long long)flow(k, 0).errors);
	cr_assert_eq(flow(k, 0).bytes, 9 * PAY, "%llu bytes delivered, expected %u",
		     (unsigned long long)flow(k, 0).bytes, 9 * PAY);
	check_clean(k);
}

/* Flows taking turns: each skb is counted to its own flow, whichever came before. */
Test(sink, interleaved_flows_each_counted_and_checked, .init = setup, .fini = teardown)
{
	const struct kit_pkt u = { .len = 200, .proto = IPPROTO_UDP, .flow = 4 };
	struct kit_pkt t = { .len = 54 + PAY, .proto = IPPROTO_TCP, .flow = 1, .seq_set = true };
	struct sk_buff *skb;

	for (u32 i = 0; i < 6; i++) { /* TCP 1, 2, 3, UDP, twice */
		t.flow = 1 + i % 3;
		t.seq = 1 + (i / 3) * PAY;
		kit_xmit_frames(sn0, &t, 1);
		if (i % 3 == 2)
			kit_xmit_frames(sn0, &u, 1);
		run_idle(k);
	}
	seg(1 + 2 * PAY); /* flow 1's third segment, as received */
	skb = seg_len(1 + 3 * PAY, PAY);
	skb->data[40 + 3] ^= 0x02;
	give(skb);
	cr_assert_eq(kit_flow_count(k), 4, "%d flows, expected 4", kit_flow_count(k));
	for (int i = 0; i < 4; i++) { /* in order of arrival: TCP 1, 2, 3, UDP */
		struct kit_flow_stat f = flow(k, i);
		u64 want = i == 3 ? 2 * (200 - 42) : i == 0 ? 4 * PAY : 2 * PAY;

		cr_assert_eq(f.proto, i == 3 ? IPPROTO_UDP : IPPROTO_TCP, "flow %d: proto %u", i,
			     f.proto);
		cr_assert_eq(f.bytes, want, "flow %d (port %u): %llu bytes, expected %llu", i,
			     ntohs(f.sport), (unsigned long long)f.bytes, (unsigned long long)want);
		cr_assert_eq(f.errors, i == 0, "flow %d (port %u): %llu stream errors, expected %d",
			     i, ntohs(f.sport), (unsigned long long)f.errors, i == 0);
	}
	check_clean(k);
}
