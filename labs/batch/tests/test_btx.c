/* test_btx.c - lab batch: hard_batch_xmit, one doorbell per batch, leftovers, xmit_win, BUSY. */
#include "helpers.h"

/* n frames waiting in sn0's qdisc, the queue running but the qdisc not run. */
static void waiting(unsigned int n)
{
	grade_cmd("netif_stop_queue sn0");
	grade_cmd("dev_queue_xmit sn0 count %u", n);
	grade_cmd("netif_start_queue sn0");
}

/* A list of 8 onto the ring in order, one TDT write. */
Test(batch, batch_one_doorbell)
{
	u32 ids[8];
	unsigned int n;

	grade_begin("batch", "batch_one_doorbell");
	small_ring("btx", false);
	waiting(8);
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 8");
	n = list_ids(grade_dev("sn0")->blist, ids, 8);
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx.next_to_use == 8");
	grade_expect("sn0.tx.tail == 8");
	grade_expect("sn0.blist_len == 0");
	grade_expect("sn0.qdisc_len == 0");
	grade_expect("sn0.tx_busy == 0");
	for (unsigned int i = 0; i < n; i++)
		grade_check(ring_skb("sn0", 0, i) == ids[i], "sn0",
			    "TX slot %u holds skb#%u, expected skb#%u: the list goes onto the ring "
			    "in its order, head first", i, ring_skb("sn0", 0, i), ids[i]);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 8");
	grade_expect("sn0.doorbells == 1");
	expect_stream(8);
	grade_expect("no-bugs");
	grade_expect("clean");
}

/* 20 skbs for 15 free descriptors: 15 go, 5 stay on the list in order and go later. */
Test(batch, batch_leftovers_in_order)
{
	u32 ids[20];

	grade_begin("batch", "batch_leftovers_in_order");
	small_ring("btx", false);
	grade_cmd("set sn0 xmit_win 20");
	waiting(24);
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 20");
	list_ids(grade_dev("sn0")->blist, ids, 20);
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx.next_to_use == 15");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx_busy == 0");
	/* the core put the 5 leftovers back at the head of the qdisc */
	grade_expect("sn0.qdisc_len == 9");
	grade_expect("sn0.tx_dropped == 0");
	for (unsigned int i = 0; i < 15; i++)
		grade_check(ring_skb("sn0", 0, i) == ids[i], "sn0",
			    "TX slot %u holds skb#%u, expected skb#%u: take the list from its head",
			    i, ring_skb("sn0", 0, i), ids[i]);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 24");
	expect_stream(24);
	grade_expect("no-bugs");
	grade_expect("clean");
}

/* A batch that fills the ring: the queue stopped, xmit_win 1. */
Test(batch, batch_xmit_win_stop)
{
	grade_begin("batch", "batch_xmit_win_stop");
	small_ring("btx", false);
	waiting(20);
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 15");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx.unused == 0");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.xmit_win == 1");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 20");
	grade_expect("clean");
}

/* Batches that leave room: xmit_win is the free space after each. */
Test(batch, batch_xmit_win_room)
{
	grade_begin("batch", "batch_xmit_win_room");
	small_ring("btx", false);
	grade_cmd("set sn0 xmit_win 5");
	waiting(12);
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 5");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("sn0.xmit_win == 10");
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 7");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("sn0.xmit_win == 3");
	/* the NIC sends, the poll reclaims: the ring is empty again */
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx.unused == 15");
	grade_cmd("auto off");
	waiting(3);
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 3");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.xmit_win == 12");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 15");
	grade_expect("sn0.doorbells == 3");
	grade_expect("clean");
}

/* A list for a ring that is already full: NETDEV_TX_BUSY, nothing taken. */
Test(batch, batch_busy_full_ring)
{
	grade_begin("batch", "batch_busy_full_ring");
	small_ring("btx", false);
	waiting(20);
	grade_cmd("blist sn0");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx.unused == 0");
	/* a core that ignores the stopped queue: one more skb for a full ring */
	grade_cmd("netif_start_queue sn0");
	grade_cmd("blist sn0");
	grade_expect("sn0.blist_len == 1");
	grade_cmd("hard_batch_xmit sn0");
	grade_expect("sn0.tx_busy == 1");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx.next_to_use == 15");
	grade_expect("sn0.qdisc_len == 5");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.xmit_win == 1");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 20");
	expect_stream(20);
	grade_expect("clean");
}
