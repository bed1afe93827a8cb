/* test_send.c - lab xmit, graded: frames onto the ring and back (one, counted, wrapping). */
#include "grade.h"

/* A 16-slot ring: small enough to fill and wrap in a few frames. */
static void small_ring(void)
{
	grade_cmd("ethtool -G sn0 tx 16");
}

Test(xmit, one_frame)
{
	grade_begin("xmit", "one_frame");
	small_ring();
	grade_cmd("dev_queue_xmit sn0 count 1");
	grade_note("the frame is on the ring and the NIC was told (one TDT write)");
	grade_expect("sn0.tx.next_to_use == 1");
	grade_expect("sn0.doorbells == 1");
	grade_expect("sn0.tx_busy == 0");
	grade_cmd("run until idle");
	grade_note("the NIC sent it, the reclaim took the slot back and freed the skb");
	grade_expect("sn0.hw_tx_frames == 1");
	grade_expect("sn0.tx.next_to_clean == 1");
	grade_expect("sn0.tx.unused == 15");
	grade_expect("sn0.tx_packets == 1");
	grade_expect("clean");
}

Test(xmit, tx_stats)
{
	grade_begin("xmit", "tx_stats");
	small_ring();
	grade_cmd("dev_queue_xmit sn0 count 5 len 100");
	grade_cmd("run until idle");
	grade_cmd("dev_queue_xmit sn0 count 2 len 1514");
	grade_cmd("run until idle");
	grade_note("tx_packets and tx_bytes count what the reclaim saw completed");
	grade_expect("sn0.hw_tx_frames == 7");
	grade_expect("sn0.tx_packets == 7");
	grade_expect("sn0.tx_bytes == 3528");
	grade_expect("clean");
}

Test(xmit, wrap_around)
{
	grade_begin("xmit", "wrap_around");
	small_ring();
	for (int round = 0; round < 4; round++) {
		grade_cmd("dev_queue_xmit sn0 count 10");
		grade_cmd("run until idle");
		grade_expectf("sn0.tx_packets == %d", 10 * (round + 1));
	}
	grade_note("40 frames through 16 slots: next_to_use and next_to_clean wrapped twice");
	grade_expect("sn0.tx.next_to_use == 8");
	grade_expect("sn0.tx.next_to_clean == 8");
	grade_expect("sn0.tx.head == 8");
	grade_expect("sn0.hw_tx_frames == 40");
	grade_expect("sn0.tx_busy == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}
