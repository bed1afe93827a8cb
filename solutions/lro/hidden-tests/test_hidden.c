/* test_hidden.c - lab lro, hidden graded tests: VLAN sessions, lro_flush_pkt, a long byte stream. */
#include "../../../labs/lro/tests/lro_frames.h"

Test(lro, vlan_keeps_tag)
{
	struct vlan_arg v = { .tag = 5 };
	struct seg s = seg_of(0, ISN, 100);
	u32 parent_id;

	lro_begin("vlan_keeps_tag");
	grade_note("C: two segments through lro_vlan_hwaccel_receive_skb with tag 5");
	v.skb = build(&s);
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	s = seg_of(0, ISN + 100, 100);
	v.skb = build(&s);
	kit_run_softirq(k, rx_vlan_cb, &v);
	check_eq(mgr->stats.aggregated, 2ul, "VLAN segments did not merge (stats.aggregated %lu, "
		 "expected 2)", mgr->stats.aggregated);
	flush_all();
	check_eq(delivered(parent_id)->vlan_tci, 5, "the aggregate's vlan_tci = %u, expected 5",
		 delivered(parent_id)->vlan_tci);
	grade_note("C: a pure ACK with tag 9 goes up unaggregated, with its tag");
	s = seg_of(1, ISN, 0);
	v = (struct vlan_arg){ .skb = build(&s), .tag = 9 };
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	check_eq(delivered(parent_id)->vlan_tci, 9, "the pure ACK's vlan_tci = %u, expected 9",
		 delivered(parent_id)->vlan_tci);
	grade_expect("clean");
}

static void flush_pkt_cb(void *arg)
{
	struct iphdr *iph = arg;

	ad->ops->lro_flush_pkt(mgr, iph, (struct tcphdr *)((u8 *)iph + iph->ihl * 4));
}

Test(lro, flush_pkt_only_its_flow)
{
	struct seg b = seg_of(1, ISN + 200, 100);
	struct sk_buff *hdrs;

	lro_begin("flush_pkt_only_its_flow");
	for (u32 i = 0; i < 2; i++) {
		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
	}
	grade_note("C: lro_flush_pkt with the headers of a flow 1 segment");
	hdrs = build(&b);
	kit_run_softirq(k, flush_pkt_cb, hdrs->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
	grade_check(session(1) == NULL, "sn1", "flow 1's session survived lro_flush_pkt");
	grade_check(session(0) != NULL, "sn1", "lro_flush_pkt of flow 1 flushed flow 0 too");
	check_eq(flow(1).segments, 2ull, "flow 1: %llu segments passed up, expected 2",
		 (unsigned long long)flow(1).segments);
	check_eq(flow(0).packets, 0ull, "flow 0: %llu skbs passed up, expected 0",
		 (unsigned long long)flow(0).packets);
	grade_note("C: again, no session for that flow now: nothing happens");
	hdrs = build(&b);
	kit_run_softirq(k, flush_pkt_cb, hdrs->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
	flush_all();
	grade_expect("clean");
}

Test(lro, byte_stream_identical)
{
	u32 seq = ISN, total = 0;
	struct kit_flow_stat st;

	lro_begin("byte_stream_identical");
	kit_flow_expect(k, peer(), dev->ip_addr, SPORT_BASE, DPORT, IPPROTO_TCP, 0);
	grade_note("120 segments of sizes 1..1448, a poll's end every 10: the stack must get");
	grade_note("exactly the bytes fed in, in order");
	for (int i = 0; i < 120; i++) {
		unsigned int plen = 1 + (unsigned int)(i * 149) % MSS;

		feed(seg_of(0, seq, plen));
		seq += plen;
		total += plen;
		if (i % 10 == 9)
			flush_all();
	}
	st = flow(0);
	grade_check(st.checked, "sn1", "the stack did not check the flow's bytes");
	check_eq(st.errors, 0ull, "the stack found %llu stream errors", (unsigned long long)st.errors);
	check_eq(st.bytes, (u64)total, "the stack counted %llu bytes in order, expected %u",
		 (unsigned long long)st.bytes, total);
	check_eq(st.segments, 120ull, "%llu segments passed up, expected 120",
		 (unsigned long long)st.segments);
	grade_check(st.packets < 120, "sn1", "%llu skbs for 120 segments: nothing was aggregated",
		    (unsigned long long)st.packets);
	grade_expect("clean");
}

Test(lro, vlan_through_the_driver)
{
	lro_begin("vlan_through_the_driver");
	grade_note("tagged frames the NIC strips (rx_vlan on): sessions through the VLAN entry point");
	grade_cmd("ethtool -C sn1 rx-usecs 200");
	grade_cmd("pktgen sn1 count 16 len 1000 proto tcp tcp_ts on vlan 7");
	grade_cmd("run until idle");
	grade_expect("sn1.rx_packets == 16");
	grade_expect("sn1.lro_aggregated == 16");
	grade_expect("sn1.rx_stack == 1");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("clean");
}
