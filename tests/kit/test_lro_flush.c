/* test_lro_flush.c - generic LRO on flush: header rewrite, counters, flush calls, the byte stream. */
#include "lro_helpers.h"

TestSuite(lro_flush, .timeout = 10, .init = setup, .fini = teardown);

/* ---- flush: header rewrite ---------------------------------------------------------- */

Test(lro_flush, header_rewrite_on_flush)
{
	static const unsigned int plen[3] = {1000, 1448, 500};
	struct sk_buff *skb = NULL;
	struct iphdr *iph;
	struct tcphdr *th;
	u32 seq = ISN, id = 0;
	u8 *opt;

	for (int i = 0; i < 3; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 7000 + (u32)i * 10;
		s.window = (u16)(2000 + i);
		s.tsval = 300 + (u32)i;
		s.tsecr = 900 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	th = (struct tcphdr *)(skb->data + iph->ihl * 4);
	opt = (u8 *)(th + 1);
	cr_assert_eq(ntohs(iph->tot_len), 20 + 32 + 2948, "IP tot_len = %u, expected %u",
		     ntohs(iph->tot_len), 20 + 32 + 2948);
	cr_assert_eq(skb->len, 20u + 32 + 2948, "skb->len = %u, expected %u", skb->len,
		     20 + 32 + 2948);
	cr_assert_eq(ntohl(th->seq), ISN, "seq = %u, expected %u (the first segment's)",
		     ntohl(th->seq), ISN);
	cr_assert_eq(ntohl(th->ack_seq), 7020, "ack_seq = %u, expected 7020 (the last one's)",
		     ntohl(th->ack_seq));
	cr_assert_eq(ntohs(th->window), 2002, "window = %u, expected 2002 (the last one's)",
		     ntohs(th->window));
	cr_assert_eq(get32(opt + 4), 300, "tsval = %u, expected 300 (the first one's, kept)",
		     get32(opt + 4));
	cr_assert_eq(get32(opt + 8), 902, "TS echo reply = %u, expected 902 (the last one's)",
		     get32(opt + 8));
}

Test(lro_flush, checksums_valid_after_rewrite)
{
	/* odd sizes put later payloads at odd offsets of the 16-bit checksum words */
	static const unsigned int plen[4] = {999, 1001, 17, 1448};
	static u8 buf[65536];
	struct sk_buff *skb;
	struct iphdr *iph;
	unsigned int ihl, tot;
	u32 seq = ISN, id = 0;
	__sum16 sum;

	for (int i = 0; i < 4; i++) {
		struct seg s = seg_of(0, seq, plen[i]);

		s.ack = 1 + (u32)i * 5000;
		s.window = (u16)(999 * (i + 1));
		s.tsecr = 77 + (u32)i;
		skb = feed(s);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	flush_all();
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	ihl = iph->ihl * 4u;
	tot = ntohs(iph->tot_len);
	cr_assert_eq(ip_fast_csum(iph, iph->ihl), 0, "IP header checksum 0x%04x does not verify",
		     iph->check);
	cr_assert_eq(skb_copy_bits(skb, (int)ihl, buf, (int)(tot - ihl)), 0,
		     "cannot read %u TCP bytes from the aggregate (len %u)", tot - ihl, skb->len);
	sum = csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP,
				csum_partial(buf, (int)(tot - ihl), 0));
	cr_assert_eq(sum, 0,
		     "TCP checksum over the whole aggregate does not verify "
		     "(residue 0x%04x, check field 0x%04x)",
		     sum, ((struct tcphdr *)(skb->data + ihl))->check);
}

Test(lro_flush, gso_size_is_largest_payload)
{
	static const unsigned int plen[4] = {536, 1448, 1200, 100};
	u32 seq = ISN, id = 0;
	struct sk_buff *skb;

	for (int i = 0; i < 4; i++) {
		skb = feed(seg_of(0, seq, plen[i]));
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	cr_assert_eq(session(0)->mss, 1448, "mss = %d, expected 1448", session(0)->mss);
	flush_all();
	skb = delivered(id);
	cr_assert_eq(skb_shinfo(skb)->gso_size, 1448, "gso_size = %u, expected 1448",
		     skb_shinfo(skb)->gso_size);
	cr_assert_eq(skb_shinfo(skb)->gso_segs, 4, "gso_segs = %u, expected 4",
		     skb_shinfo(skb)->gso_segs);
	cr_assert_eq(skb->ip_summed, mgr->ip_summed_aggr,
		     "ip_summed = %u, expected %u "
		     "(ip_summed_aggr)",
		     skb->ip_summed, mgr->ip_summed_aggr);
}

Test(lro_flush, single_packet_session_unchanged)
{
	struct seg s = seg_of(0, ISN, 333);
	struct sk_buff *skb = build(&s);
	u8 before[20 + 32];
	u32 id = skb->kit_id;

	memcpy(before, skb->data, sizeof(before));
	kit_run_softirq(k, rx_cb, skb);
	flush_all();
	skb = delivered(id);
	cr_assert_eq(memcmp(before, skb->data, sizeof(before)), 0,
		     "the headers of a 1-packet session were changed");
	cr_assert_eq(skb_shinfo(skb)->gso_size, 333, "gso_size = %u, expected 333",
		     skb_shinfo(skb)->gso_size);
	cr_assert_null(skb_shinfo(skb)->frag_list, "a 1-packet session has a frag_list");
}

/* ---- counters and flush entry points --------------------------------------------- */

Test(lro_flush, stats_semantics)
{
	for (u32 i = 0; i < 3; i++)
		feed(seg_of(0, ISN + i * 100, 100));
	assert_stats(3, 0, 0); /* the first packet of a session counts */
	flush_all();
	assert_stats(3, 1, 0);
	feed(seg_of(1, ISN, 100));
	feed(seg_of(2, ISN, 0)); /* pure ACK: neither */
	flush_all();
	assert_stats(4, 2, 0); /* a 1-packet session counts as flushed */
	flush_all();
	assert_stats(4, 2, 0); /* nothing left to flush */
}

Test(lro_flush, no_desc_when_all_busy)
{
	int n = mgr->max_desc;

	for (int i = 0; i < n; i++)
		feed(seg_of(i, ISN, 100));
	cr_assert_eq(active_sessions(), n, "%d active sessions, expected %d", active_sessions(), n);
	feed(seg_of(n, ISN, 100));
	assert_stats(n, 0, 1);
	cr_assert_eq(flow(n).packets, 1, "%llu packets passed up for the extra flow, expected 1",
		     (unsigned long long)flow(n).packets);
	/* the busy sessions still merge */
	feed(seg_of(0, ISN + 100, 100));
	cr_assert_eq(session(0)->pkt_aggr_cnt, 2, "flow 0 pkt_aggr_cnt = %d, expected 2",
		     session(0)->pkt_aggr_cnt);
	assert_stats(n + 1, 0, 1);
}

Test(lro_flush, flush_all_empties_every_session)
{
	int n = mgr->max_desc;

	for (u32 i = 0; i < 2; i++)
		for (int f = 0; f < n; f++)
			feed(seg_of(f, ISN + i * 100, 100));
	cr_assert_eq(active_sessions(), n, "%d active sessions, expected %d (every descriptor)",
		     active_sessions(), n);
	flush_all();
	assert_stats(2 * n, n, 0);
	cr_assert_eq(active_sessions(), 0, "%d sessions left after lro_flush_all, expected 0",
		     active_sessions());
	for (int i = 0; i < n; i++)
		cr_assert_null(mgr->lro_arr[i].parent, "lro_arr[%d].parent still set after flush",
			       i);
	for (int f = 0; f < n; f++)
		cr_assert_eq(flow(f).segments, 2, "flow %d: %llu segments passed up, expected 2", f,
			     (unsigned long long)flow(f).segments);
}

Test(lro_flush, flush_pkt_flushes_only_its_flow)
{
	struct seg b = seg_of(1, ISN + 200, 100);
	struct sk_buff *hdrs;

	for (u32 i = 0; i < 2; i++) {
		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
	}
	hdrs = build(&b); /* any packet of flow 1 names the session */
	kit_run_softirq(k, flush_pkt_cb, hdrs->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
	cr_assert_null(session(1), "flow 1's session survived lro_flush_pkt");
	cr_assert_not_null(session(0), "lro_flush_pkt of flow 1 flushed flow 0 too");
	cr_assert_eq(flow(1).segments, 2, "flow 1: %llu segments passed up, expected 2",
		     (unsigned long long)flow(1).segments);
	cr_assert_eq(flow(0).packets, 0, "flow 0: %llu packets passed up, expected 0",
		     (unsigned long long)flow(0).packets);
	/* no session for that flow: nothing happens */
	kit_run_softirq(k, flush_pkt_cb, (hdrs = build(&b))->data);
	kfree_skb(hdrs);
	assert_stats(4, 1, 0);
}

/* ---- the whole picture ----------------------------------------------------------------- */

Test(lro_flush, byte_stream_identical)
{
	u32 ids[64], seq = ISN, total = 0, checked = 0, want = ISN;
	int nparents = 0;
	static u8 buf[65536];
	struct kit_flow_stat st;

	kit_flow_expect(k, peer(), dev->ip_addr, SPORT_BASE, DPORT, IPPROTO_TCP, 0);
	for (int i = 0; i < 120; i++) {
		unsigned int plen = 1 + (unsigned int)(i * 149) % MSS;
		struct sk_buff *skb = feed(seg_of(0, seq, plen));

		if (session(0) && session(0)->parent == skb && nparents < (int)ARRAY_SIZE(ids))
			ids[nparents++] = skb->kit_id;
		seq += plen;
		total += plen;
		if (i % 10 == 9)
			flush_all(); /* the end of a poll */
	}
	cr_assert_gt(nparents, 1, "only %d aggregates were made", nparents);
	/* each aggregate's payload, in order, is the stream fed in */
	for (int i = 0; i < nparents; i++) {
		struct sk_buff *skb = delivered(ids[i]);
		struct iphdr *iph = (struct iphdr *)skb->data;
		struct tcphdr *th = (struct tcphdr *)(skb->data + iph->ihl * 4);
		unsigned int hl = iph->ihl * 4u + th->doff * 4u, plen = skb->len - hl, j;

		cr_assert_eq(ntohl(th->seq), want, "aggregate %d starts at seq %u, expected %u", i,
			     ntohl(th->seq), want);
		cr_assert_eq(skb_copy_bits(skb, (int)hl, buf, (int)plen), 0,
			     "cannot read aggregate %d's %u payload bytes", i, plen);
		j = 0;
		while (j < plen && buf[j] == pattern(want - 1 + j))
			j++;
		cr_assert_eq(j, plen,
			     "aggregate %d, payload byte %u (seq %u) = 0x%02x, expected "
			     "0x%02x",
			     i, j, want + j, buf[j], pattern(want - 1 + j));
		want += plen;
		checked += plen;
	}
	cr_assert_eq(checked, total, "%u payload bytes passed up, expected %u", checked, total);
	st = flow(0);
	cr_assert(st.checked, "the sink did not check the flow's bytes");
	cr_assert_eq(st.errors, 0, "the sink found %llu stream errors",
		     (unsigned long long)st.errors);
	cr_assert_eq(st.bytes, total, "the sink counted %llu bytes, expected %u",
		     (unsigned long long)st.bytes, total);
	cr_assert_eq(st.segments, 120, "%llu segments passed up, expected 120",
		     (unsigned long long)st.segments);
}

Test(lro_flush, conservation)
{
	struct kit_snap s0, s1;
	char report[2048];
	int problems;
	struct seg s;

	kit_snapshot(k, &s0);
	mgr->max_desc = 2;
	for (u32 i = 0; i < 4; i++) {
		feed(seg_of(0, ISN + i * 100, 100));
		feed(seg_of(1, ISN + i * 100, 100));
	}
	feed(seg_of(2, ISN, 100)); /* no descriptor */
	feed(seg_of(3, ISN, 0));   /* pure ACK */
	s = seg_of(4, ISN, 2);
	s.ts = false;
	s.pad = 4; /* padded runt */
	feed(s);
	feed(seg_of(0, ISN + 900, 100)); /* out of sequence */
	s = seg_of(1, ISN + 400, 100);
	s.flags |= F_FIN; /* ineligible on an active flow */
	feed(s);
	feed(seg_of(0, ISN + 1000, 100)); /* a new session, left held */
	problems = kit_check(k, report, sizeof(report));
	cr_assert_eq(problems, 0, "kit_check with a session held: %d problems:\n%s", problems,
		     report);
	flush_all();
	drain();
	problems = kit_check(k, report, sizeof(report));
	cr_assert_eq(problems, 0, "kit_check after flush and drain: %d problems:\n%s", problems,
		     report);
	kit_snapshot(k, &s1);
	/* flow 0's segments past its hole (ISN + 900, + 1000) wait on the stack's
	 * out-of-order queue: the only skbs still live */
	cr_assert_eq(flow(0).ofo_segs, 2, "flow 0 holds %u segments out of order, expected 2",
		     flow(0).ofo_segs);
	cr_assert_eq(s1.skb_allocated - s1.skb_freed, s0.skb_allocated - s0.skb_freed + 2,
		     "%llu skbs live after everything was consumed, expected %llu as before + 2",
		     (unsigned long long)(s1.skb_allocated - s1.skb_freed),
		     (unsigned long long)(s0.skb_allocated - s0.skb_freed));
	cr_assert_eq(s1.sock_queue_len, 0, "%u skbs still on the socket queue", s1.sock_queue_len);
	cr_assert_eq(s1.bugs + s1.warnings, 0, "%llu BUG and %llu WARNING records",
		     (unsigned long long)s1.bugs, (unsigned long long)s1.warnings);
}

Test(lro_flush, vlan_hwaccel_keeps_tag)
{
	struct vlan_arg v = {.tag = 5};
	struct seg s = seg_of(0, ISN, 100);
	u32 parent_id;

	v.skb = build(&s);
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	s = seg_of(0, ISN + 100, 100);
	v.skb = build(&s);
	kit_run_softirq(k, rx_vlan_cb, &v);
	cr_assert_eq(session(0) ? session(0)->pkt_aggr_cnt : 0, 2,
		     "VLAN segments did not merge (pkt_aggr_cnt %d, expected 2)",
		     session(0) ? session(0)->pkt_aggr_cnt : 0);
	flush_all();
	cr_assert_eq(delivered(parent_id)->vlan_tci, 5, "aggregate's vlan_tci = %u, expected 5",
		     delivered(parent_id)->vlan_tci);
	/* passed up unaggregated: the tag goes with it too */
	s = seg_of(1, ISN, 0);
	v = (struct vlan_arg){.skb = build(&s), .tag = 9};
	parent_id = v.skb->kit_id;
	kit_run_softirq(k, rx_vlan_cb, &v);
	cr_assert_eq(delivered(parent_id)->vlan_tci, 9, "pure ACK's vlan_tci = %u, expected 9",
		     delivered(parent_id)->vlan_tci);
}

Test(lro_flush, netif_rx_without_napi_flag)
{
	struct kit_snap s;

	mgr->features &= ~(unsigned long)LRO_F_NAPI;
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	flush_all();
	feed(seg_of(1, ISN, 0)); /* passed up at once, also through netif_rx */
	cr_assert_eq(flow(0).packets + flow(1).packets, 0,
		     "%llu packets reached the stack at "
		     "once, expected 0 (netif_rx queues on the backlog)",
		     (unsigned long long)(flow(0).packets + flow(1).packets));
	drain();
	cr_assert_eq(flow(0).segments, 2, "flow 0: %llu segments passed up, expected 2",
		     (unsigned long long)flow(0).segments);
	cr_assert_eq(flow(1).packets, 1, "flow 1: %llu packets passed up, expected 1",
		     (unsigned long long)flow(1).packets);
	kit_snapshot(k, &s);
	cr_assert_eq(s.bugs + s.warnings, 0, "%llu BUG and %llu WARNING records",
		     (unsigned long long)s.bugs, (unsigned long long)s.warnings);
}

Test(lro_flush, cpu_cost_per_packet)
{
	struct kit_snap s0, s1;

	kit_snapshot(k, &s0);
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	feed(seg_of(0, ISN + 300, 100)); /* gap */
	feed(seg_of(1, ISN, 0));	 /* pure ACK */
	feed(seg_of(2, ISN, 100));
	kit_snapshot(k, &s1);
	cr_assert_eq(s1.cost_count[COST_LRO] - s0.cost_count[COST_LRO], 5,
		     "COST_LRO charged %llu times for 5 packets, expected 5",
		     (unsigned long long)(s1.cost_count[COST_LRO] - s0.cost_count[COST_LRO]));
}

Test(lro_flush, trace_records)
{
	u64 start = kit_trace_total(k);
	int aggr = 0, flush = 0, nodesc = 0;
	unsigned int len1 = 20 + 32 + 100;

	mgr->max_desc = 1;
	feed(seg_of(0, ISN, 100));
	feed(seg_of(0, ISN + 100, 100));
	feed(seg_of(1, ISN, 100)); /* no descriptor */
	flush_all();
	for (size_t i = 0; i < kit_trace_count(k); i++) {
		const struct trace_rec *r = kit_trace_at(k, i);

		if (kit_trace_total(k) - kit_trace_count(k) + i < start)
			continue;
		if (r->type == TR_LRO_AGGR) {
			aggr++;
			cr_assert_eq(r->a, 0, "aggregated record: flow %u, expected descriptor 0",
				     r->a);
			cr_assert_eq(r->b, (u32)aggr,
				     "aggregated record %d: %u packets, expected %d", aggr, r->b,
				     aggr);
			cr_assert_eq(r->c, len1 + (u32)(aggr - 1) * 100,
				     "aggregated record %d: %u "
				     "bytes, expected %u",
				     aggr, r->c, len1 + (u32)(aggr - 1) * 100);
		} else if (r->type == TR_LRO_FLUSH) {
			flush++;
			cr_assert(r->a == 0 && r->b == 2 && r->c == len1 + 100,
				  "flushed record: "
				  "flow %u, %u packets, %u bytes; expected 0, 2, %u",
				  r->a, r->b, r->c, len1 + 100);
		} else if (r->type == TR_LRO_NODESC) {
			nodesc++;
		}
	}
	cr_assert_eq(aggr, 2, "%d LRO aggregated records, expected 2", aggr);
	cr_assert_eq(flush, 1, "%d LRO flushed records, expected 1", flush);
	cr_assert_eq(nodesc, 1, "%d LRO no_desc records, expected 1", nodesc);
}
