/* test_lro.c - the generic LRO engine (inet_lro): eligibility and sessions, one test per rule. */
#include "lro_helpers.h"

TestSuite(lro, .timeout = 10, .init = setup, .fini = teardown);

/* ---- a session starts ---------------------------------------------------------- */

Test(lro, first_packet_starts_session)
{
	struct sk_buff *skb = feed(seg_of(0, ISN, 700));
	struct net_lro_desc *d = session(0);

	assert_stats(1, 0, 0);
	cr_assert_not_null(d, "no active session after an eligible segment");
	cr_assert_eq(d->parent, skb, "the session's parent is skb#%u, expected the first, skb#%u",
		     d->parent ? d->parent->kit_id : 0, skb->kit_id);
	cr_assert_eq(d->pkt_aggr_cnt, 1, "pkt_aggr_cnt = %d, expected 1", d->pkt_aggr_cnt);
	cr_assert_eq(d->tcp_next_seq, ISN + 700, "tcp_next_seq = %u, expected %u", d->tcp_next_seq,
		     ISN + 700);
	cr_assert_eq(d->mss, 700, "mss = %d, expected 700", d->mss);
	cr_assert_eq(flow(0).packets, 0, "%llu packets passed up, expected 0 (held)",
		     (unsigned long long)flow(0).packets);
}

/* ---- eligibility: lro_tcp_ip_check ------------------------------------------------ */

Test(lro, padded_frame_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 2);

	s.ts = false;
	s.pad = 4; /* 14 + 20 + 20 + 2 = 56 bytes, padded to 60 */
	expect_not_aggregated(s, "Ethernet-padded frame (tot_len < skb->len)");
}

Test(lro, pure_ack_not_aggregated)
{
	expect_not_aggregated(seg_of(1, ISN, 0), "pure ACK (no payload)");
}

Test(lro, ip_options_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.ipopt = true;
	expect_not_aggregated(s, "IP header with options (ihl 6)");
}

Test(lro, ack_clear_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags = 0;
	expect_not_aggregated(s, "ACK flag clear");
}

Test(lro, cwr_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_CWR;
	expect_not_aggregated(s, "CWR set");
}

Test(lro, ece_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_ECE;
	expect_not_aggregated(s, "ECE set");
}

Test(lro, urg_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_URG;
	expect_not_aggregated(s, "URG set");
}

Test(lro, rst_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_RST;
	expect_not_aggregated(s, "RST set");
}

Test(lro, syn_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_SYN;
	expect_not_aggregated(s, "SYN set");
}

Test(lro, fin_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.flags |= F_FIN;
	expect_not_aggregated(s, "FIN set");
}

Test(lro, psh_merges_without_flush)
{
	struct seg s;
	struct net_lro_desc *d;

	feed(seg_of(0, ISN, 100));
	s = seg_of(0, ISN + 100, 100);
	s.flags |= F_PSH;
	feed(s);
	s = seg_of(0, ISN + 200, 100);
	s.flags |= F_PSH;
	feed(s);
	d = session(0);
	assert_stats(3, 0, 0);
	cr_assert_not_null(d, "PSH flushed the session");
	cr_assert_eq(d->pkt_aggr_cnt, 3, "pkt_aggr_cnt = %d, expected 3 (PSH merges)",
		     d->pkt_aggr_cnt);
	cr_assert_eq(flow(0).packets, 0, "%llu packets passed up, expected 0",
		     (unsigned long long)flow(0).packets);
}

Test(lro, ecn_ce_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.tos = 0x03; /* ECN field 11: congestion experienced */
	expect_not_aggregated(s, "ECN CE");
	/* ECT(1) and ECT(0) are not CE: they merge */
	s = seg_of(2, ISN, 100);
	s.tos = 0x01;
	feed(s);
	cr_assert_not_null(session(2),
			   "ECN ECT(1) (tos 0x01) was not aggregated; only CE is refused");
	s = seg_of(3, ISN, 100);
	s.tos = 0x02;
	feed(s);
	cr_assert_not_null(session(3),
			   "ECN ECT(0) (tos 0x02) was not aggregated; only CE is refused");
}

Test(lro, tcp_options_other_than_timestamp_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.ts = false;
	s.opt = OPT_SACK8; /* 8 words, but NOP NOP SACK */
	expect_not_aggregated(s, "8-word TCP header with a SACK option");
	s = seg_of(2, ISN, 100);
	s.ts = false;
	s.opt = OPT_NOP4; /* 6 words */
	feed(s);
	cr_assert_null(session(2), "a 6-word TCP header (4 NOPs) started a session");
	s = seg_of(3, ISN, 100);
	s.opt = OPT_NOP4; /* timestamp + 4 NOPs: 9 words */
	feed(s);
	cr_assert_null(session(3), "a 9-word TCP header (timestamp + NOPs) started a session");
	cr_assert_eq(flow(2).packets + flow(3).packets, 2,
		     "%llu + %llu packets passed up for "
		     "flows 2 and 3, expected 1 + 1",
		     (unsigned long long)flow(2).packets, (unsigned long long)flow(3).packets);
}

Test(lro, timestamp_backwards_flushes_and_passes_up)
{
	struct seg s = seg_of(0, ISN, 100);
	struct sk_buff *third;

	s.tsval = 5000;
	feed(s);
	s = seg_of(0, ISN + 100, 100);
	s.tsval = 5000; /* equal: not after, merges */
	feed(s);
	cr_assert_eq(session(0) ? session(0)->pkt_aggr_cnt : 0, 2,
		     "an equal tsval did not merge (pkt_aggr_cnt %d, expected 2)",
		     session(0) ? session(0)->pkt_aggr_cnt : 0);
	s = seg_of(0, ISN + 200, 100);
	s.tsval = 4999; /* backwards */
	third = feed(s);
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "the session is still active after tsval went backwards");
	cr_assert_eq(flow(0).packets, 2,
		     "%llu packets passed up, expected 2 (aggregate, then "
		     "the segment)",
		     (unsigned long long)flow(0).packets);
	cr_assert_eq(flow(0).segments, 3, "%llu segments passed up, expected 3",
		     (unsigned long long)flow(0).segments);
	cr_assert_eq(skb_shinfo(delivered(third->kit_id))->gso_segs, 0,
		     "the backwards segment has gso_segs %u, expected 0 (passed up on its own)",
		     skb_shinfo(delivered(third->kit_id))->gso_segs);
}

Test(lro, zero_echo_reply_not_aggregated)
{
	struct seg s = seg_of(1, ISN, 100);

	s.tsecr = 0;
	expect_not_aggregated(s, "timestamp echo reply 0");
	/* on an active session: flush, then pass up */
	s = seg_of(0, ISN + 100, 100);
	s.tsecr = 0;
	feed(s);
	assert_stats(1, 1, 0);
	cr_assert_null(session(0), "flow 0's session survived a segment with echo reply 0");
	cr_assert_eq(flow(0).packets, 2, "%llu packets passed up for flow 0, expected 2",
		     (unsigned long long)flow(0).packets);
}

/* ---- sessions -------------------------------------------------------------------- */

Test(lro, sessions_keyed_by_4tuple)
{
	__be32 other = kit_ipv4(192, 168, 1, 77);

	for (u32 i = 0; i < 3; i++) {
		struct seg c = seg_of(0, ISN + i * 100, 100);

		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
		c.saddr = other; /* flow 0's ports, another source address */
		feed(c);
	}
	assert_stats(9, 0, 0);
	cr_assert_eq(active_sessions(), 3, "%d active sessions, expected 3", active_sessions());
	cr_assert(session(0) && session(1) && session_from(other, 0),
		  "each 4-tuple should have its own session (flow 0: %p, flow 1: %p, "
		  "flow 0 from another address: %p)",
		  (void *)session(0), (void *)session(1), (void *)session_from(other, 0));
	cr_assert_eq(session(0)->pkt_aggr_cnt, 3, "flow 0 pkt_aggr_cnt = %d, expected 3",
		     session(0)->pkt_aggr_cnt);
	cr_assert_eq(session(1)->pkt_aggr_cnt, 3, "flow 1 pkt_aggr_cnt = %d, expected 3",
		     session(1)->pkt_aggr_cnt);
	cr_assert_eq(session_from(other, 0)->pkt_aggr_cnt, 3,
		     "flow 0 from another address: pkt_aggr_cnt = %d, expected 3",
		     session_from(other, 0)->pkt_aggr_cnt);
}

Test(lro, out_of_sequence_flushes_and_passes_up)
{
	struct sk_buff *gap;

	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	gap = feed(seg_of(0, ISN + 300, 100)); /* 100 bytes missing */
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "the out-of-sequence segment started (or kept) a session");
	cr_assert_eq(active_sessions(), 0, "%d active sessions, expected 0", active_sessions());
	/* both went up; the stack holds the one past the hole on its out-of-order queue */
	cr_assert_eq(flow(0).packets, 1,
		     "%llu skbs reached the socket, expected 1 (the aggregate; the segment waits)",
		     (unsigned long long)flow(0).packets);
	cr_assert_eq(flow(0).ooo, 1, "rx_ooo %llu, expected 1 (the segment past the hole)",
		     (unsigned long long)flow(0).ooo);
	cr_assert_eq(flow(0).ofo_segs, 1, "%u segments queued out of order, expected 1",
		     flow(0).ofo_segs);
	cr_assert_eq(skb_shinfo(delivered(gap->kit_id))->gso_segs, 0,
		     "the out-of-sequence segment has gso_segs %u, expected 0 (unaggregated)",
		     skb_shinfo(delivered(gap->kit_id))->gso_segs);
	/* the next in-order segment starts a fresh session */
	feed(seg_of(0, ISN + 400, 100));
	cr_assert_not_null(session(0), "the segment after the gap did not start a session");
	cr_assert_eq(session(0)->tcp_next_seq, ISN + 500, "tcp_next_seq = %u, expected %u",
		     session(0)->tcp_next_seq, ISN + 500);
}

Test(lro, ineligible_on_active_flow_flushes_then_passes_up)
{
	struct seg fin = seg_of(0, ISN + 200, 100);
	struct kit_flow_stat st;

	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	fin.flags |= F_FIN;
	feed(fin);
	assert_stats(2, 1, 0);
	cr_assert_null(session(0), "a FIN segment did not end the session");
	st = flow(0);
	cr_assert_eq(st.packets, 2, "%llu packets passed up, expected 2",
		     (unsigned long long)st.packets);
	cr_assert_eq(st.segments, 3, "%llu segments passed up, expected 3",
		     (unsigned long long)st.segments);
	/* the aggregate went first: the stream arrived in order */
	cr_assert_eq(st.errors, 0,
		     "the stack saw %llu stream errors: the FIN segment went up "
		     "before the aggregate",
		     (unsigned long long)st.errors);
	cr_assert_eq(st.bytes, 300, "%llu payload bytes passed up, expected 300",
		     (unsigned long long)st.bytes);
}

Test(lro, flush_at_max_aggr)
{
	mgr->max_aggr = 4;
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	cr_assert_not_null(session(0), "flushed before max_aggr (4) was reached");
	cr_assert_eq(session(0)->pkt_aggr_cnt, 3, "pkt_aggr_cnt = %d, expected 3",
		     session(0)->pkt_aggr_cnt);
	feed(seg_of(0, ISN + 300, 100));
	assert_stats(4, 1, 0);
	cr_assert_null(session(0), "not flushed when pkt_aggr_cnt reached max_aggr 4");
	cr_assert_eq(flow(0).segments, 4, "%llu segments passed up, expected 4",
		     (unsigned long long)flow(0).segments);
	feed(seg_of(0, ISN + 400, 100));
	cr_assert_not_null(session(0), "the next segment did not start a new session");
}

Test(lro, flush_near_64k)
{
	unsigned int limit = 0xFFFF - dev->mtu, len = 20 + 32 + MSS, n = 1;

	mgr->max_aggr = 64;
	feed(seg_of(0, ISN, MSS));
	/* the parent grows by MSS per segment; it goes up once it is past 65535 - mtu */
	while (len + MSS <= limit) {
		feed(seg_of(0, ISN + n * MSS, MSS));
		len += MSS;
		n++;
	}
	cr_assert_not_null(session(0), "flushed at %u bytes, before passing %u (65535 - mtu)", len,
			   limit);
	cr_assert_eq(session(0)->parent->len, len, "parent len = %u, expected %u",
		     session(0)->parent->len, len);
	feed(seg_of(0, ISN + n * MSS, MSS));
	n++;
	cr_assert_null(session(0),
		       "not flushed at %u bytes (> 65535 - mtu = %u) after %u "
		       "segments",
		       len + MSS, limit, n);
	assert_stats(n, 1, 0);
	cr_assert_eq(flow(0).segments, n, "%llu segments passed up, expected %u",
		     (unsigned long long)flow(0).segments, n);
	cr_assert_eq(flow(0).bytes, (u64)n * MSS, "%llu bytes passed up, expected %llu",
		     (unsigned long long)flow(0).bytes, (unsigned long long)n * MSS);
}
