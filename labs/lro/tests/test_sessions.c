/* test_sessions.c - lab lro, graded: sessions, descriptors, the flush triggers and the counters. */
#include "lro_frames.h"

Test(lro, sessions_by_4tuple)
{
	__be32 other = kit_ipv4(192, 168, 1, 77);

	lro_begin("sessions_by_4tuple");
	grade_note("three streams interleaved: flow 0, flow 1 (another port), and flow 0's ports");
	grade_note("from another address; each has its own session");
	for (u32 i = 0; i < 3; i++) {
		struct seg c = seg_of(0, ISN + i * 100, 100);

		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
		c.saddr = other;
		feed(c);
	}
	assert_stats(9, 0, 0);
	check_eq(active_sessions(), 3, "%d active sessions, expected 3", active_sessions());
	grade_check(session(0) && session(1) && session_from(other, 0), "sn1",
		    "each 4-tuple should have its own session (flow 0: %s, flow 1: %s, flow 0 from "
		    "another address: %s)", session(0) ? "yes" : "no", session(1) ? "yes" : "no",
		    session_from(other, 0) ? "yes" : "no");
	flush_all();
	check_eq(flow(0).segments, 3ull, "flow 0: %llu segments passed up, expected 3",
		 (unsigned long long)flow(0).segments);
	check_eq(flow(1).segments, 3ull, "flow 1: %llu segments passed up, expected 3",
		 (unsigned long long)flow(1).segments);
	check_eq(flow_from(other, 0).segments, 3ull, "flow 0 from another address: %llu segments, "
		 "expected 3", (unsigned long long)flow_from(other, 0).segments);
	check_eq(flow(0).packets + flow(1).packets + flow_from(other, 0).packets, 3ull,
		 "%llu skbs passed up in all, expected 3 (one aggregate per stream)",
		 (unsigned long long)(flow(0).packets + flow(1).packets +
				      flow_from(other, 0).packets));
	check_eq(flow(0).errors + flow(1).errors + flow_from(other, 0).errors, 0ull,
		 "stream errors: segments of different streams merged");
	grade_expect("clean");
}

Test(lro, no_desc_counted)
{
	int n;

	lro_begin("no_desc_counted");
	grade_cmd("set sn1 lro_max_desc 3");
	mgr = &grade_adapter("sn1")->lro_mgr;
	n = mgr->max_desc;
	check_eq(n, 3, "lro_mgr.max_desc = %d after set lro_max_desc 3", n);
	for (int i = 0; i < n; i++)
		feed(seg_of(i, ISN, 100));
	check_eq(active_sessions(), n, "%d active sessions, expected %d", active_sessions(), n);
	grade_note("a fourth stream finds every descriptor busy: no_desc, and it goes up alone");
	feed(seg_of(n, ISN, 100));
	assert_stats(n, 0, 1);
	check_eq(flow(n).packets, 1ull, "%llu skbs passed up for the extra stream, expected 1",
		 (unsigned long long)flow(n).packets);
	check_eq(active_sessions(), n, "%d active sessions, expected %d (no more than max_desc)",
		 active_sessions(), n);
	grade_note("the busy sessions still merge");
	feed(seg_of(0, ISN + 100, 100));
	assert_stats(n + 1, 0, 1);
	flush_all();
	check_eq(flow(0).segments, 2ull, "flow 0: %llu segments passed up, expected 2",
		 (unsigned long long)flow(0).segments);
	grade_expect("clean");
}

Test(lro, gap_flushes_and_passes_up)
{
	struct sk_buff *gap;

	lro_begin("gap_flushes_and_passes_up");
	grade_note("through the driver: one poll takes 20 segments of which every 7th was lost on the");
	grade_note("way; each hole flushes the session and the segment after it goes up alone, so the");
	grade_note("stack sees the bytes in order and queues what comes after a hole");
	grade_cmd("ethtool -C sn1 rx-usecs 200");
	grade_cmd("pktgen sn1 count 20 len 1000 proto tcp tcp_ts on fault loss every 7");
	grade_cmd("run until idle");
	grade_expect("sn1.rx_packets == 18");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("sn1.lro_aggregated == 16");
	grade_expect("sn1.rx_stack == 5");
	grade_expect("sn1.rx_ooo == 4");
	grade_expect("clean");
	grade_cmd("reset");
	lro_attach();
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	grade_note("100 bytes missing: the aggregate goes up, then the segment past the hole alone");
	gap = feed(seg_of(0, ISN + 300, 100));
	assert_stats(2, 1, 0);
	check_eq(active_sessions(), 0, "%d active sessions, expected 0: the segment past the gap "
		 "may not start (or join) one", active_sessions());
	check_eq(flow(0).packets, 1ull, "%llu skbs reached the socket in order, expected 1 (the "
		 "aggregate; the segment waits on the out-of-order queue)",
		 (unsigned long long)flow(0).packets);
	check_eq(flow(0).ooo, 1ull, "rx_ooo %llu, expected 1 (the segment past the hole)",
		 (unsigned long long)flow(0).ooo);
	check_eq(skb_shinfo(delivered(gap->kit_id))->gso_segs, 0, "the segment past the gap has "
		 "gso_segs %u, expected 0 (unaggregated)", skb_shinfo(delivered(gap->kit_id))->gso_segs);
	grade_note("the next in-order segment starts a fresh session");
	feed(seg_of(0, ISN + 400, 100));
	check_eq(active_sessions(), 1, "%d active sessions after the next segment, expected 1",
		 active_sessions());
	grade_expect("clean");
}

Test(lro, max_aggr)
{
	lro_begin("max_aggr");
	grade_cmd("set sn1 lro_max_aggr 4");
	mgr = &grade_adapter("sn1")->lro_mgr;
	check_eq(mgr->max_aggr, 4, "lro_mgr.max_aggr = %d after set lro_max_aggr 4", mgr->max_aggr);
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	check_eq(active_sessions(), 1, "flushed before max_aggr (4) was reached");
	check_eq(flow(0).packets, 0ull, "%llu skbs passed up after 3 segments, expected 0",
		 (unsigned long long)flow(0).packets);
	feed(seg_of(0, ISN + 300, 100));
	assert_stats(4, 1, 0);
	check_eq(active_sessions(), 0, "not flushed when the session reached max_aggr 4");
	check_eq(flow(0).segments, 4ull, "%llu segments passed up, expected 4",
		 (unsigned long long)flow(0).segments);
	for (u32 i = 4; i < 11; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	grade_note("11 segments: aggregates of 4, 4, and 3 held");
	check_eq(flow(0).packets, 2ull, "%llu aggregates passed up after 11 segments, expected 2",
		 (unsigned long long)flow(0).packets);
	check_eq(flow(0).segments, 8ull, "%llu segments passed up, expected 8",
		 (unsigned long long)flow(0).segments);
	flush_all();
	check_eq(flow(0).segments, 11ull, "%llu segments passed up after the flush, expected 11",
		 (unsigned long long)flow(0).segments);
	grade_expect("clean");
}

Test(lro, limit_64k)
{
	unsigned int limit, len = 20 + 32 + MSS, n = 1;

	lro_begin("limit_64k");
	grade_cmd("set sn1 lro_max_aggr 64");
	mgr = &grade_adapter("sn1")->lro_mgr;
	limit = 0xFFFF - dev->mtu;
	feed(seg_of(0, ISN, MSS));
	grade_note("the parent grows by 1448 per segment; it goes up once it is past 65535 - mtu");
	while (len + MSS <= limit) {
		feed(seg_of(0, ISN + n * MSS, MSS));
		len += MSS;
		n++;
	}
	check_eq(flow(0).packets, 0ull, "flushed at %u bytes or less, before passing %u (65535 - "
		 "mtu)", len, limit);
	feed(seg_of(0, ISN + n * MSS, MSS));
	n++;
	check_eq(active_sessions(), 0, "not flushed at %u bytes (> 65535 - mtu = %u) after %u "
		 "segments", len + MSS, limit, n);
	assert_stats(n, 1, 0);
	check_eq(flow(0).segments, (u64)n, "%llu segments passed up, expected %u",
		 (unsigned long long)flow(0).segments, n);
	check_eq(flow(0).bytes, (u64)n * MSS, "%llu bytes passed up in order, expected %llu",
		 (unsigned long long)flow(0).bytes, (unsigned long long)n * MSS);
	grade_expect("clean");
}

Test(lro, stats_exact)
{
	lro_begin("stats_exact");
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	grade_note("aggregated counts every segment taken, the first of a session too");
	assert_stats(3, 0, 0);
	flush_all();
	assert_stats(3, 1, 0);
	feed(seg_of(1, ISN, 100));
	feed(seg_of(2, ISN, 0)); /* pure ACK: neither */
	flush_all();
	grade_note("a 1-segment session counts as flushed; a pure ACK counts nowhere");
	assert_stats(4, 2, 0);
	flush_all();
	assert_stats(4, 2, 0);
	grade_expect("sn1.lro_aggregated == 4");
	grade_expect("sn1.lro_flushed == 2");
	grade_expect("sn1.lro_no_desc == 0");
	grade_expect("clean");
}
