/* test_hidden.c - lab batch, instructors' tests: wrap-around, the re-check, BUSY paths, no BQL. */
#include "../../../labs/batch/tests/helpers.h"

/* A batch across the end of the ring: slots 10..15 then 0..5, in order, one doorbell. */
Test(batch, batch_wraps)
{
	u32 ids[12];

	grade_begin("batch", "batch_wraps");
	small_ring("btx", false);
	grade_cmd("dev_queue_xmit sn0 count 10");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx.next_to_use == 10");
	grade_cmd("auto off");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 12");
	grade_cmd("netif_start_queue sn0");
	grade_cmd("set sn0 xmit_win 12");
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 12");
	list_ids(grade_dev("sn0")->blist, ids, 12);
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx.next_to_use == 6");
	grade_expect("sn0.tx.tail == 6");
	grade_expect("sn0.doorbells == 11");
	for (unsigned int i = 0; i < 12; i++)
		grade_check(ring_skb("sn0", 10, i) == ids[i], "sn0",
			    "TX slot %u holds skb#%u, expected skb#%u: the batch wraps from slot 15 "
			    "to slot 0", (10 + i) % 16, ring_skb("sn0", 10, i), ids[i]);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 22");
	expect_stream(22);
	grade_expect("clean");
}

/* Another CPU reclaims just as the batch stops the queue: the re-check must restart it. */
Test(batch, batch_stop_reprieve)
{
	grade_begin("batch", "batch_stop_reprieve");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("ethtool -K sn0 batching btx bql off");
	grade_cmd("set sn0 race_tx_reclaim 1");
	grade_cmd("dev_queue_xmit sn0 count 60");
	grade_cmd("run until idle");
	grade_expect("sn0.restart_queue > 0");
	grade_expect("sn0.tx_packets == 60");
	grade_expect("sn0.tx_timeout_count == 0");
	grade_expect("sn0.qdisc_len == 0");
	grade_expect("clean");
}

/* skb_blist mode, hard_start_xmit(NULL) on a full ring: NETDEV_TX_BUSY, nothing taken. */
Test(batch, blist_busy_full_ring)
{
	grade_begin("batch", "blist_busy_full_ring");
	small_ring("skb_blist", false);
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 20");
	grade_cmd("netif_start_queue sn0");
	grade_cmd("blist sn0");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx.unused == 0");
	grade_cmd("netif_start_queue sn0");
	grade_cmd("blist sn0");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx_busy == 1");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.qdisc_len == 5");
	grade_expect("sn0.queue_stopped == 1");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 20");
	expect_stream(20);
	grade_expect("clean");
}

/* xmit_more without BQL: no bulk, no hint, so every frame rings for itself. */
Test(batch, more_bql_off)
{
	grade_begin("batch", "more_bql_off");
	grade_cmd("ethtool -K sn0 batching xmit_more bql off");
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 32");
	grade_cmd("netif_wake_queue sn0");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 32");
	grade_expect("sn0.doorbells == 32");
	grade_expect("no-bugs");
	grade_expect("clean");
}

/* xmit_more, a frame for a full ring: NETDEV_TX_BUSY, the skb untouched, the ring as it was. */
Test(batch, more_busy_full_ring)
{
	struct sk_buff *skb;
	u32 id;

	grade_begin("batch", "more_busy_full_ring");
	small_ring("xmit_more", false);
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count 20");
	/* until the ring is full, whatever threshold the driver stops at */
	for (int i = 0; i < 4 && SIMNIC_DESC_UNUSED(&grade_adapter("sn0")->tx_ring); i++) {
		grade_cmd("netif_start_queue sn0");
		grade_cmd("qdisc_run sn0");
	}
	grade_expect("sn0.tx.unused == 0");
	grade_expect("sn0.queue_stopped == 1");
	/* a core that ignores the stopped queue */
	grade_cmd("netif_start_queue sn0");
	skb = held_skb("sn0", 60);
	id = skb->kit_id;
	grade_try("hard_start_xmit sn0 skb#%u", id);
	grade_expect("sn0.tx_busy == 1");
	grade_expect("sn0.tx.next_to_use == 15");
	grade_expect("sn0.tx.tail == 15");
	grade_expect("sn0.queue_stopped == 1");
	grade_check(kit_skb_find(grade_kit(), id) == skb && skb->kit_place == SKB_USER, "sn0",
		    "skb#%u is no longer yours after NETDEV_TX_BUSY, expected it untouched", id);
	grade_cmd("skb free skb#%u", id);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 20");
	grade_expect("clean");
}

/* A runt through the btx path: hard_prep_xmit pads it, 60 bytes go on the wire. */
Test(batch, prep_runt_on_wire)
{
	struct sk_buff *skb;
	u32 id;

	grade_begin("batch", "prep_runt_on_wire");
	small_ring("btx", false);
	skb = held_skb("sn0", 60);
	id = skb->kit_id;
	make_runt(skb, 42);
	grade_cmd("dev_queue_xmit sn0 skb#%u", id);
	grade_check(grade_adapter("sn0")->tx_ring.buffer_info[0].length == ETH_ZLEN, "sn0",
		    "TX descriptor 0 carries %u bytes, expected the padded %u",
		    grade_adapter("sn0")->tx_ring.buffer_info[0].length, ETH_ZLEN);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 1");
	grade_expect("sn0.tx_bytes == 60");
	grade_expect("clean");
}
