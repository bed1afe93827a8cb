/* test_rules.c - lab lro, graded: which segments merge (lro_tcp_ip_check), one rule per test. */
#include "lro_frames.h"

Test(lro, merges_in_order)
{
	struct kit_flow_stat st;

	lro_begin("merges_in_order");
	kit_flow_expect(k, peer(), dev->ip_addr, SPORT_BASE, DPORT, IPPROTO_TCP, 0);
	for (u32 i = 0; i < 8; i++)
		feed(seg_of(0, ISN + i * 1000, 1000));
	grade_check(active_sessions() == 1, "sn1", "%d active sessions after 8 in-order segments of "
		    "one stream, expected 1", active_sessions());
	check_eq(flow(0).packets, 0ull, "%llu skbs passed up before the flush, expected 0 (held)",
		 (unsigned long long)flow(0).packets);
	flush_all();
	st = flow(0);
	assert_stats(8, 1, 0);
	check_eq(st.packets, 1ull, "%llu skbs passed up, expected 1 (one aggregate)",
		 (unsigned long long)st.packets);
	check_eq(st.segments, 8ull, "the aggregate stands for %llu segments, expected 8 (gso_segs)",
		 (unsigned long long)st.segments);
	check_eq(st.bytes, 8000ull, "%llu payload bytes in order, expected 8000",
		 (unsigned long long)st.bytes);
	grade_check(st.checked && st.errors == 0, "sn1", "the stack found %llu stream errors "
		    "(bytes differ from the sender's), expected 0", (unsigned long long)st.errors);
	grade_expect("clean");
}

Test(lro, psh_merges)
{
	struct seg s;

	lro_begin("psh_merges");
	feed(seg_of(0, ISN, 100));
	s = seg_of(0, ISN + 100, 100);
	s.flags |= F_PSH;
	feed(s);
	s = seg_of(0, ISN + 200, 100);
	s.flags |= F_PSH;
	feed(s);
	grade_note("PSH is not one of the flags inet_lro refuses: it merges and flushes nothing");
	assert_stats(3, 0, 0);
	check_eq(active_sessions(), 1, "%d active sessions, expected 1: PSH flushed the session",
		 active_sessions());
	check_eq(flow(0).packets, 0ull, "%llu skbs passed up, expected 0 (all three held)",
		 (unsigned long long)flow(0).packets);
	flush_all();
	check_eq(flow(0).segments, 3ull, "%llu segments passed up, expected 3 in one aggregate",
		 (unsigned long long)flow(0).segments);
	grade_expect("clean");
}

Test(lro, ip_options_not_merged)
{
	struct seg s = seg_of(1, ISN, 100);

	lro_begin("ip_options_not_merged");
	s.ipopt = true;
	expect_not_aggregated(s, "IP header with options (ihl 6)");
	grade_expect("clean");
}

Test(lro, flags_not_merged)
{
	static const struct {
		u8 set, clear;
		const char *what;
	} f[] = {
		{ F_SYN, 0, "SYN" }, { F_FIN, 0, "FIN" }, { F_RST, 0, "RST" }, { F_URG, 0, "URG" },
		{ F_ECE, 0, "ECE" }, { F_CWR, 0, "CWR" }, { 0, F_ACK, "ACK clear" },
	};
	struct seg s;
	struct sk_buff *skb;

	lro_begin("flags_not_merged");
	feed(seg_of(0, ISN, 100));
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		s = seg_of((int)i + 1, ISN, 100);
		s.flags = (u8)((s.flags | f[i].set) & ~f[i].clear);
		skb = feed(s);
		check_eq(mgr->stats.aggregated, 1ul, "%s: stats.aggregated = %lu, expected 1 (only "
			 "the control segment)", f[i].what, mgr->stats.aggregated);
		grade_check(session((int)i + 1) == NULL, "sn1", "%s: the segment started a session",
			    f[i].what);
		check_eq(flow((int)i + 1).packets, 1ull, "%s: %llu skbs passed up, expected 1 (at "
			 "once, on its own)", f[i].what, (unsigned long long)flow((int)i + 1).packets);
		check_eq(skb_shinfo(delivered(skb->kit_id))->gso_segs, 0, "%s: gso_segs %u, "
			 "expected 0 (unaggregated)", f[i].what,
			 skb_shinfo(delivered(skb->kit_id))->gso_segs);
	}
	grade_note("a FIN on a stream LRO holds: the aggregate goes up first, then the FIN");
	feed(seg_of(0, ISN + 100, 100));
	s = seg_of(0, ISN + 200, 100);
	s.flags |= F_FIN;
	feed(s);
	grade_check(session(0) == NULL, "sn1", "a FIN segment did not end its stream's session");
	check_eq(flow(0).packets, 2ull, "%llu skbs passed up for the stream, expected 2 (the "
		 "aggregate of 2, then the FIN)", (unsigned long long)flow(0).packets);
	check_eq(flow(0).errors, 0ull, "%llu stream errors: the FIN went up before the aggregate",
		 (unsigned long long)flow(0).errors);
	check_eq(flow(0).bytes, 300ull, "%llu bytes in order, expected 300",
		 (unsigned long long)flow(0).bytes);
	grade_expect("clean");
}

Test(lro, ecn_ce_not_merged)
{
	struct seg s = seg_of(1, ISN, 100);

	lro_begin("ecn_ce_not_merged");
	s.tos = 0x03; /* ECN field 11: congestion experienced */
	expect_not_aggregated(s, "ECN CE (tos 0x03)");
	grade_note("ECT(1) and ECT(0) are not CE: they merge");
	s = seg_of(2, ISN, 100);
	s.tos = 0x01;
	feed(s);
	grade_check(session(2) != NULL, "sn1", "ECN ECT(1) (tos 0x01) was not aggregated; only CE "
		    "is refused");
	s = seg_of(3, ISN, 100);
	s.tos = 0x02;
	feed(s);
	grade_check(session(3) != NULL, "sn1", "ECN ECT(0) (tos 0x02) was not aggregated; only CE "
		    "is refused");
	grade_expect("clean");
}

Test(lro, tcp_options_not_merged)
{
	struct seg s = seg_of(1, ISN, 100);

	lro_begin("tcp_options_not_merged");
	s.ts = false;
	s.opt = OPT_SACK8; /* 8 words, but NOP NOP SACK */
	expect_not_aggregated(s, "8-word TCP header with a SACK option");
	s = seg_of(2, ISN, 100);
	s.ts = false;
	s.opt = OPT_NOP4; /* 6 words */
	feed(s);
	grade_check(session(2) == NULL, "sn1", "a 6-word TCP header (4 NOPs) started a session");
	s = seg_of(3, ISN, 100);
	s.opt = OPT_NOP4; /* timestamp + 4 NOPs: 9 words */
	feed(s);
	grade_check(session(3) == NULL, "sn1", "a 9-word TCP header (timestamp + NOPs) started a "
		    "session");
	grade_note("a plain 5-word header merges");
	s = seg_of(4, ISN, 100);
	s.ts = false;
	feed(s);
	grade_check(session(4) != NULL, "sn1", "a 5-word TCP header (no options) was not aggregated");
	grade_expect("clean");
}

Test(lro, zero_payload_not_merged)
{
	struct seg s = seg_of(1, ISN, 0);

	lro_begin("zero_payload_not_merged");
	expect_not_aggregated(s, "pure ACK (no payload)");
	grade_note("and padding: tot_len shorter than the frame");
	s = seg_of(2, ISN, 2);
	s.ts = false;
	s.pad = 4; /* 14 + 20 + 20 + 2 = 56 bytes, padded to 60 */
	feed(s);
	grade_check(session(2) == NULL, "sn1", "an Ethernet-padded frame (tot_len < its length) "
		    "started a session");
	grade_expect("clean");
}

Test(lro, tsval_back_flushes)
{
	struct seg s = seg_of(0, ISN, 100);
	struct sk_buff *third;

	lro_begin("tsval_back_flushes");
	s.tsval = 5000;
	feed(s);
	s = seg_of(0, ISN + 100, 100);
	s.tsval = 5000; /* equal: not after, merges */
	feed(s);
	check_eq(mgr->stats.aggregated, 2ul, "an equal tsval did not merge (stats.aggregated %lu, "
		 "expected 2)", mgr->stats.aggregated);
	s = seg_of(0, ISN + 200, 100);
	s.tsval = 4999; /* backwards */
	third = feed(s);
	assert_stats(2, 1, 0);
	grade_check(session(0) == NULL, "sn1", "the session is still active after tsval went back");
	check_eq(flow(0).packets, 2ull, "%llu skbs passed up, expected 2 (the aggregate, then the "
		 "segment)", (unsigned long long)flow(0).packets);
	check_eq(flow(0).segments, 3ull, "%llu segments passed up, expected 3",
		 (unsigned long long)flow(0).segments);
	check_eq(skb_shinfo(delivered(third->kit_id))->gso_segs, 0, "the backwards segment has "
		 "gso_segs %u, expected 0 (passed up on its own)",
		 skb_shinfo(delivered(third->kit_id))->gso_segs);
	grade_expect("clean");
}

Test(lro, tsecr_zero_not_merged)
{
	struct seg s = seg_of(1, ISN, 100);

	lro_begin("tsecr_zero_not_merged");
	s.tsecr = 0;
	expect_not_aggregated(s, "timestamp echo reply 0");
	grade_note("on an active session: flush, then pass up");
	s = seg_of(0, ISN + 100, 100);
	s.tsecr = 0;
	feed(s);
	assert_stats(1, 1, 0);
	grade_check(session(0) == NULL, "sn1", "flow 0's session survived a segment with echo reply 0");
	check_eq(flow(0).packets, 2ull, "%llu skbs passed up for flow 0, expected 2",
		 (unsigned long long)flow(0).packets);
	grade_expect("clean");
}
