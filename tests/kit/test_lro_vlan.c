/* test_lro_vlan.c - LRO and 802.1Q (a tag in the data, LRO_F_EXTRACT_VLAN_ID), get_skb_header refusing. */
#include "lro_helpers.h"

TestSuite(lro_vlan, .init = setup, .fini = teardown, .timeout = 60);

static struct seg tagged(u32 seq)
{
	struct seg s = seg_of(0, seq, 100);

	s.vlan = 9;
	return s;
}

/* inet_lro's __lro_proc_skb takes VLAN_HLEN off skb->len for a new session
 * only: the first tagged packet starts one, the next fails the length test,
 * flushes it and goes up on its own. */
Test(lro_vlan, tag_in_data_counts_only_for_a_new_session)
{
	struct sk_buff *skb;
	u32 id;

	feed(tagged(ISN));
	cr_assert_not_null(session(0), "a tagged packet did not start a session");
	assert_stats(1, 0, 0);
	skb = feed(tagged(ISN + 100));
	id = skb->kit_id;
	assert_stats(1, 1, 0);
	cr_assert_null(session(0), "the second tagged packet joined the session");
	cr_assert_eq(skb_shinfo(delivered(id))->gso_segs, 0,
		     "the second packet went up with gso_segs %u, expected 0 (on its own)",
		     skb_shinfo(delivered(id))->gso_segs);
	drain();
	cr_assert_eq(flow(0).packets, 2, "%llu packets up, expected 2",
		     (unsigned long long)flow(0).packets);
	cr_assert_eq(flow(0).errors, 0, "%llu stream errors", (unsigned long long)flow(0).errors);
}

/* A driver that took the tag out itself: the IP header is right at skb->data. */
static int header_at_data(struct sk_buff *skb, void **iph, void **tcph, u64 *flags, void *priv)
{
	struct iphdr *ip = (struct iphdr *)skb->data;

	(void)priv;
	*iph = ip;
	*tcph = (u8 *)ip + ip->ihl * 4;
	*flags = LRO_IPV4 | LRO_TCP;
	return 0;
}

/* The tag already out of the data while skb->protocol still says 802.1Q. */
static struct sk_buff *extracted(u32 seq)
{
	struct seg s = seg_of(0, seq, 100);
	struct sk_buff *skb = build(&s);

	skb->protocol = htons(ETH_P_8021Q);
	return skb;
}

Test(lro_vlan, extract_vlan_id_means_no_tag_to_subtract)
{
	struct sk_buff *skb;

	mgr->get_skb_header = header_at_data;
	mgr->features |= LRO_F_EXTRACT_VLAN_ID;
	skb = extracted(ISN);
	kit_run_softirq(k, rx_cb, skb);
	skb = extracted(ISN + 100);
	kit_run_softirq(k, rx_cb, skb);
	cr_assert_eq(session(0) ? session(0)->pkt_aggr_cnt : 0, 2,
		     "with LRO_F_EXTRACT_VLAN_ID: pkt_aggr_cnt %d, expected 2",
		     session(0) ? session(0)->pkt_aggr_cnt : 0);
	flush_all();
	assert_stats(2, 1, 0);
}

Test(lro_vlan, without_extract_flag_the_length_is_short_by_a_tag)
{
	struct sk_buff *skb;

	mgr->get_skb_header = header_at_data;
	cr_assert_eq(mgr->features & LRO_F_EXTRACT_VLAN_ID, 0, "the driver sets LRO_F_EXTRACT_VLAN_ID");
	skb = extracted(ISN); /* no tag in the data, but the engine takes one off */
	kit_run_softirq(k, rx_cb, skb);
	cr_assert_null(session(0), "a session started although tot_len != len - VLAN_HLEN");
	assert_stats(0, 0, 0);
}

/* get_skb_header refusing (here: a checksum nobody vouched for) passes the
 * packet up as it is, and inet_lro does not flush the flow's session for it:
 * keeping order is the driver's business (lro_flush_pkt, test_rx_offload.c). */
Test(lro_vlan, get_skb_header_failing)
{
	struct seg s = seg_of(0, ISN + 100, 100);
	struct sk_buff *skb;
	u32 id;

	feed(seg_of(0, ISN, 100));
	skb = build(&s);
	skb->ip_summed = CHECKSUM_NONE;
	id = skb->kit_id;
	kit_run_softirq(k, rx_cb, skb);
	cr_assert_eq(skb_shinfo(delivered(id))->gso_segs, 0, "the refused packet was aggregated");
	cr_assert_not_null(session(0), "the flow's session was flushed by a refused packet");
	cr_assert_eq(session(0)->pkt_aggr_cnt, 1, "pkt_aggr_cnt %d, expected 1",
		     session(0)->pkt_aggr_cnt);
	assert_stats(1, 0, 0);
	/* a new flow's refused packet starts nothing either */
	s = seg_of(1, ISN, 100);
	skb = build(&s);
	skb->ip_summed = CHECKSUM_NONE;
	kit_run_softirq(k, rx_cb, skb);
	cr_assert_null(session(1), "a refused packet started a session");
	assert_stats(1, 0, 0);
}
