/* test_blist.c - lab batch: NETIF_F_BATCH_SKBS, hard_start_xmit(NULL) sends skb_blist. */
#include "helpers.h"

/* hard_start_xmit(NULL): the whole skb_blist with one doorbell, leftovers kept in order. */
Test(batch, blist_null_sends_list)
{
	u32 ids[20];

	grade_begin("batch", "blist_null_sends_list");
	small_ring("skb_blist", false);
	grade_cmd("set sn0 xmit_win 20");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 24");
	grade_cmd("netif_start_queue sn0");
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 20");
	list_ids(grade_dev("sn0")->skb_blist, ids, 20);
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx.next_to_use == 15");
	grade_expect("sn0.tx.tail == 15");
	grade_expect("sn0.qdisc_len == 9");
	grade_expect("sn0.tx_busy == 0");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.xmit_win == 1");
	for (unsigned int i = 0; i < 15; i++)
		grade_check(ring_skb("sn0", 0, i) == ids[i], "sn0",
			    "TX slot %u holds skb#%u, expected skb#%u: take skb_blist from its head",
			    i, ring_skb("sn0", 0, i), ids[i]);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 24");
	expect_stream(24);
	grade_expect("no-bugs");
	grade_expect("clean");
}

/* hard_start_xmit(skb) in skb_blist mode: that one frame, as lab xmit sends it. */
Test(batch, blist_single_frame)
{
	struct sk_buff *skb;
	u32 id;

	grade_begin("batch", "blist_single_frame");
	small_ring("skb_blist", false);
	skb = held_skb("sn0", 60);
	id = skb->kit_id;
	grade_cmd("hard_start_xmit sn0 skb#%u", id);
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx.next_to_use == 1");
	grade_expect("sn0.tx.tail == 1");
	grade_check(ring_skb("sn0", 0, 0) == id, "sn0",
		    "TX slot 0 holds skb#%u, expected skb#%u, the frame handed over",
		    ring_skb("sn0", 0, 0), id);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 1");
	grade_expect("sn0.tx_dropped == 0");
	grade_expect("no-bugs");
	grade_expect("clean");
}
