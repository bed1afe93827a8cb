/* test_gro.c - GRO beside LRO: PSH, MAX_GRO_SKBS, flush points, headers, the byte stream, the switches. */
#include "gro_helpers.h"


TestSuite(gro, .timeout = 20, .init = gro_setup, .fini = teardown);

/* ---- where GRO and LRO differ ---------------------------------------------------- */

Test(gro, psh_merges_then_flushes_the_flow)
{
	u32 seq = ISN;
	struct sk_buff *up;

	for (u16 i = 0; i < 4; i++, seq += MSS) {
		struct gseg g = gseg_of(0, seq, MSS, (u16)(100 + i));

		if (i == 2)
			g.s.flags |= F_PSH;
		gfeed(g);
	}
	/* segments 0..2 merged, PSH completed them; segment 3 is a new packet */
	assert_gro(held, 2);
	assert_gro(merged, 2);
	assert_gro(flushed, 1);
	cr_assert_eq(held_segs(0), 1, "flow 0 holds %u segments, expected 1 (the one after PSH)",
		     held_segs(0));
	cr_assert_eq(skb_queue_len(&napi->rx_list), 1, "rx_list holds %u skbs, expected 1",
		     skb_queue_len(&napi->rx_list));
	up = skb_peek(&napi->rx_list);
	cr_assert_eq(skb_shinfo(up)->gso_segs, 3, "the completed packet stands for %u segments, "
		     "expected 3", skb_shinfo(up)->gso_segs);
	cr_assert(tcp_hdr(up)->psh, "PSH was not ORed into the completed packet's header");
	gflush();
	drain();
	cr_assert_eq(flow(0).bytes, 4u * MSS, "the sink got %llu bytes, expected %u",
		     (unsigned long long)flow(0).bytes, 4 * MSS);
	cr_assert_eq(flow(0).packets, 2, "%llu skbs went up, expected 2",
		     (unsigned long long)flow(0).packets);
	check_clean();
}

Test(gro, psh_lro_keeps_aggregating)
{
	u32 seq = ISN;
	char err[256];

	cr_assert_eq(kit_param_set(k, dev, kit_param_find("gro"), 0, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kit_param_set(k, dev, kit_param_find("lro"), 1, err, sizeof(err)), 0, "%s",
		     err);
	for (int i = 0; i < 4; i++, seq += MSS) {
		struct seg s = seg_of(0, seq, MSS);

		if (i == 2)
			s.flags |= F_PSH;
		feed(s);
	}
	cr_assert_not_null(session(0), "LRO closed the session at PSH");
	cr_assert_eq(session(0)->pkt_aggr_cnt, 4, "the LRO session holds %d packets, expected 4",
		     session(0)->pkt_aggr_cnt);
	assert_stats(4, 0, 0);
	flush_all();
	check_clean();
}

Test(gro, max_gro_skbs_flows_then_the_oldest_goes)
{
	for (int f = 0; f < MAX_GRO_SKBS + 1; f++)
		gfeed(gseg_of(f, ISN, MSS, 1));
	cr_assert_eq(napi_gro_held(napi), MAX_GRO_SKBS, "%u packets held, expected %d",
		     napi_gro_held(napi), MAX_GRO_SKBS);
	cr_assert_null(held(0), "flow 0, the oldest, is still held");
	for (int f = 1; f <= MAX_GRO_SKBS; f++)
		cr_assert_not_null(held(f), "flow %d is not held", f);
	assert_gro(held, MAX_GRO_SKBS + 1);
	assert_gro(flush_oldest, 1);
	assert_gro(flushed, 1);
	gflush();
	assert_gro(flushed, MAX_GRO_SKBS + 1);
	cr_assert_eq(napi_gro_held(napi), 0, "%u packets held after the flush, expected 0",
		     napi_gro_held(napi));
	cr_assert_eq(napi->gro_bitmask, 0, "gro_bitmask %#lx after the flush, expected 0",
		     napi->gro_bitmask);
	drain();
	check_clean();
}

/* The core completes GRO; LRO waits for the driver's lro_flush_all. */
static void complete_cb(void *arg)
{
	bool *ret = arg;

	*ret = napi_complete_done(napi, 1);
}

static void complete_now(void)
{
	bool ret = false;

	cr_assert(napi_schedule_prep(napi), "napi_schedule_prep failed on an idle instance");
	kit_run_softirq(k, complete_cb, &ret);
	cr_assert(ret, "napi_complete_done returned false");
}

Test(gro, napi_complete_done_flushes_gro)
{
	for (u16 i = 0; i < 3; i++)
		gfeed(gseg_of(0, ISN + i * MSS, MSS, i));
	cr_assert_eq(held_segs(0), 3, "flow 0 holds %u segments, expected 3", held_segs(0));
	complete_now();
	cr_assert_eq(napi_gro_held(napi), 0, "%u packets held after napi_complete_done",
		     napi_gro_held(napi));
	cr_assert_eq(skb_queue_len(&napi->rx_list), 0, "rx_list not passed up at completion");
	cr_assert_eq(flow(0).segments, 3, "%llu segments reached the sink, expected 3",
		     (unsigned long long)flow(0).segments);
	assert_gro(normal_lists, 1);
	drain();
	check_clean();
}

Test(gro, napi_complete_done_leaves_lro_alone)
{
	char err[256];

	cr_assert_eq(kit_param_set(k, dev, kit_param_find("gro"), 0, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kit_param_set(k, dev, kit_param_find("lro"), 1, err, sizeof(err)), 0, "%s",
		     err);
	for (int i = 0; i < 3; i++)
		feed(seg_of(0, ISN + (u32)i * MSS, MSS));
	complete_now();
	cr_assert_not_null(session(0), "napi_complete_done flushed an LRO session");
	cr_assert_eq(flow(0).packets, 0, "%llu skbs went up before lro_flush_all, expected 0",
		     (unsigned long long)flow(0).packets);
	flush_all();
	cr_assert_eq(flow(0).segments, 3, "%llu segments reached the sink after lro_flush_all, "
		     "expected 3", (unsigned long long)flow(0).segments);
	drain();
	check_clean();
}

Test(gro, flush_old_keeps_this_jiffy)
{
	enum kit_stop why;

	gfeed(gseg_of(0, ISN, MSS, 0));
	kit_run_softirq(k, gro_flush_cb, (void *)1);
	cr_assert_not_null(held(0), "napi_gro_flush(flush_old) completed a packet of this jiffy");
	kit_run(k, 0, kit_now(k) + 2 * NSEC_PER_SEC / HZ, &why);
	gfeed(gseg_of(1, ISN, MSS, 0));
	kit_run_softirq(k, gro_flush_cb, (void *)1);
	cr_assert_null(held(0), "napi_gro_flush(flush_old) kept a packet of an earlier jiffy");
	cr_assert_not_null(held(1), "napi_gro_flush(flush_old) completed a packet of this jiffy");
	gflush();
	drain();
	check_clean();
}

Test(gro, gro_normal_batch_of_segments)
{
	char err[256];

	cr_assert_eq(kit_param_set(k, NULL, kit_param_find("gro_normal_batch"), 3, err,
				   sizeof(err)), 0, "%s", err);
	/* pure ACKs are never merged: each one is GRO_NORMAL */
	for (int f = 0; f < 2; f++)
		gfeed(gseg_of(f, ISN, 0, 0));
	cr_assert_eq(skb_queue_len(&napi->rx_list), 2, "rx_list holds %u, expected 2 (< batch 3)",
		     skb_queue_len(&napi->rx_list));
	gfeed(gseg_of(2, ISN, 0, 0));
	cr_assert_eq(skb_queue_len(&napi->rx_list), 0, "rx_list holds %u at the batch, expected 0",
		     skb_queue_len(&napi->rx_list));
	assert_gro(normal, 3);
	assert_gro(normal_lists, 1);
	assert_gro(up, 3);
	drain();
	check_clean();
}

/* ---- headers and checksums after completion ------------------------------------------ */

Test(gro, headers_and_checksums_after_flush)
{
	static const unsigned int plen[3] = { MSS, MSS, 1000 };
	static u8 buf[65536];
	struct sk_buff *skb;
	struct iphdr *iph;
	struct tcphdr *th;
	u32 seq = ISN, id = 0;
	unsigned int tcplen;
	__sum16 want, got;

	for (u16 i = 0; i < 3; i++) {
		struct gseg g = gseg_of(0, seq, plen[i], (u16)(7 + i));

		skb = gfeed(g);
		if (!i)
			id = skb->kit_id;
		seq += plen[i];
	}
	/* the short last segment completed the flow */
	cr_assert_null(held(0), "a segment shorter than gso_size did not complete the flow");
	gflush();
	skb = delivered(id);
	iph = (struct iphdr *)skb->data;
	th = (struct tcphdr *)(skb->data + 20);
	tcplen = 32 + MSS * 2 + 1000;
	cr_assert_eq(ntohs(iph->tot_len), 20 + tcplen, "IP tot_len %u, expected %u",
		     ntohs(iph->tot_len), 20 + tcplen);
	cr_assert_eq(ip_fast_csum(iph, iph->ihl), 0, "IP header checksum wrong after completion");
	cr_assert_eq(skb->ip_summed, CHECKSUM_PARTIAL, "ip_summed %u, expected CHECKSUM_PARTIAL",
		     skb->ip_summed);
	cr_assert_eq(skb->csum_start, (u16)((u8 *)th - skb->head),
		     "csum_start %u, expected %u (the TCP header)", skb->csum_start,
		     (unsigned int)((u8 *)th - skb->head));
	cr_assert_eq(skb->csum_offset, 16, "csum_offset %u, expected 16", skb->csum_offset);
	cr_assert_eq(skb_shinfo(skb)->gso_segs, 3, "gso_segs %u, expected 3",
		     skb_shinfo(skb)->gso_segs);
	cr_assert_eq(skb_shinfo(skb)->gso_size, MSS, "gso_size %u, expected %u",
		     skb_shinfo(skb)->gso_size, MSS);
	cr_assert_eq(skb_shinfo(skb)->gso_type, SKB_GSO_TCPV4, "gso_type %#x, expected TCPV4",
		     skb_shinfo(skb)->gso_type);
	cr_assert_eq(th->check,
		     (__sum16)~csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP, 0),
		     "TCP check %#x is not the pseudo-header sum of CHECKSUM_PARTIAL", th->check);
	/* what a device would put there, finishing the checksum from csum_start */
	cr_assert_eq(skb_copy_bits(skb, 20, buf, (int)tcplen), 0, "skb_copy_bits failed");
	got = csum_fold(csum_partial(buf, (int)tcplen, 0));
	buf[16] = buf[17] = 0;
	want = csum_tcpudp_magic(iph->saddr, iph->daddr, tcplen, IPPROTO_TCP,
				 csum_partial(buf, (int)tcplen, 0));
	cr_assert_eq(got, want, "finished checksum %#x, expected %#x", got, want);
	cr_assert(skb_csum_unnecessary(skb), "the stack would verify a GRO aggregate again");
	cr_assert_eq(ntohl(th->seq), ISN, "seq %u, expected %u", ntohl(th->seq), ISN);
	drain();
	check_clean();
}

Test(gro, single_segment_goes_up_untouched)
{
	struct sk_buff *skb = gfeed(gseg_of(0, ISN, MSS, 3));
	u32 id = skb->kit_id;
	__sum16 check = tcp_hdr(skb)->check;

	gflush();
	skb = delivered(id);
	cr_assert_eq(skb->ip_summed, CHECKSUM_UNNECESSARY, "ip_summed %u, expected UNNECESSARY",
		     skb->ip_summed);
	cr_assert_eq(skb_shinfo(skb)->gso_size, 0, "gso_size %u, expected 0",
		     skb_shinfo(skb)->gso_size);
	cr_assert_eq(tcp_hdr(skb)->check, check, "TCP check changed on a 1-segment packet");
	drain();
	check_clean();
}

/* ---- the switches ------------------------------------------------------------------ */

Test(gro, lro_and_gro_exclusive)
{
	char err[256] = "";
	int lro = kit_param_find("lro"), gro = kit_param_find("gro");

	cr_assert_eq(kit_param_set(k, dev, gro, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kit_param_set(k, dev, lro, 1, err, sizeof(err)), 0, "%s", err);
	feed(seg_of(0, ISN, MSS));
	cr_assert_not_null(session(0), "no LRO session to flush");
	/* GRO wins: LRO goes off, its session flushed up */
	cr_assert_eq(kit_param_set(k, dev, gro, 1, err, sizeof(err)), 0, "gro on: %s", err);
	cr_assert_eq(kit_param_get(k, dev, lro), 0, "lro is still on with gro on");
	cr_assert_eq(flow(0).packets, 1, "the LRO session was not flushed up (%llu skbs)",
		     (unsigned long long)flow(0).packets);
	/* and LRO may not come back while GRO is on */
	cr_assert_eq(kit_param_set(k, dev, lro, 1, err, sizeof(err)), -EINVAL,
		     "lro on with gro on was accepted");
	cr_assert(strstr(err, "gro off"), "the refusal does not say what to do: %s", err);
	cr_assert_eq(kit_param_get(k, dev, lro), 0, "a refused lro on changed lro");
	cr_assert_eq(kit_param_get(k, dev, gro), 1, "a refused lro on changed gro");
	drain();
	check_clean();
}

Test(gro, modern_napi_only)
{
	char err[256] = "";
	int gro = kit_param_find("gro"), napi_id = kit_param_find("napi");

	cr_assert_eq(kit_param_set(k, dev, napi_id, SIMNIC_NAPI_CLASSIC, err, sizeof(err)), -EINVAL,
		     "napi classic accepted with gro on");
	cr_assert_eq(kit_param_get(k, dev, napi_id), SIMNIC_NAPI_MODERN, "napi changed");
	cr_assert_eq(kit_param_set(k, dev, gro, 0, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kit_param_set(k, dev, napi_id, SIMNIC_NAPI_CLASSIC, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kit_param_set(k, dev, gro, 1, err, sizeof(err)), -EINVAL,
		     "gro on accepted with classic NAPI");
	cr_assert(strstr(err, "modern"), "the refusal does not name modern NAPI: %s", err);
	cr_assert_eq(kit_param_get(k, dev, gro), 0, "a refused gro on changed gro");
}

Test(gro, off_by_default)
{
	struct kit *m = kit_new(1);

	for (int i = 0; i < kit_dev_count(m); i++)
		cr_assert_eq(kit_param_get(m, kit_dev_at(m, i), kit_param_find("gro")), 0,
			     "gro is on by default on %s", kit_dev_at(m, i)->name);
	kit_free(m);
}
