/* test_life.c - lab xmit, graded: skb ownership, BQL's byte counts, the watchdog and the reset. */
#include "grade.h"

Test(xmit, skb_freed_once)
{
	grade_begin("xmit", "skb_freed_once");
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("dev_queue_xmit sn0 count 100 len 80");
	grade_cmd("run until idle");
	grade_note("each skb the reclaim took back was freed exactly once");
	grade_expect("sn0.tx_packets == 100");
	grade_expect("clean");
	grade_note("now frames still on the ring when the device is reconfigured (down, up):");
	grade_note("clean_tx_ring frees them, and the ring starts over at slot 0");
	grade_cmd("set sn0 itr 1000000");
	grade_cmd("dev_queue_xmit sn0 count 10");
	grade_expect("sn0.tx.next_to_use == 14");
	grade_cmd("ethtool -G sn0 tx 32");
	grade_expect("sn0.tx.next_to_use == 0");
	grade_expect("sn0.tx.next_to_clean == 0");
	grade_expect("sn0.tx.head == 0");
	grade_expect("clean");
	grade_cmd("run until idle");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, bql_accounting)
{
	grade_begin("xmit", "bql_accounting");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("dev_queue_xmit sn0 count 10");
	grade_note("BQL's limit starts at 0: the first frame's 60 bytes stop the queue (STACK_XOFF)");
	grade_expect("sn0.bql_inflight == 60");
	grade_expect("sn0.bql_stopped == 1");
	grade_cmd("run until idle");
	grade_note("the reclaim reported what it freed: nothing in flight, and the limit grew");
	grade_expect("sn0.tx_packets == 10");
	grade_expect("sn0.bql_inflight == 0");
	grade_expect("sn0.bql_limit > 0");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("no-bugs");
	grade_note("bytes in flight when the ring is cleaned: netdev_reset_queue forgets them");
	grade_cmd("set sn0 itr 1000000");
	grade_cmd("dev_queue_xmit sn0 count 3 len 200");
	grade_expect("sn0.bql_inflight >= 200");
	grade_cmd("ethtool -G sn0 tx 32");
	grade_expect("sn0.bql_inflight == 0");
	grade_cmd("set sn0 itr 0");
	grade_cmd("run until idle");
	grade_cmd("dev_queue_xmit sn0 count 5");
	grade_cmd("run until idle");
	grade_expect("sn0.bql_inflight == 0");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, tx_timeout)
{
	grade_begin("xmit", "tx_timeout");
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_note("every TX interrupt is lost (fault_lockup): the ring fills, nothing reclaims it");
	grade_cmd("set sn0 fault_lockup 1");
	grade_cmd("dev_queue_xmit sn0 count 20");
	grade_expect("sn0.queue_stopped == 1");
	grade_cmd("run for 9ms");
	grade_expect("sn0.tx_timeouts == 0");
	grade_note("the watchdog fires at 10 ms: tx_timeout counts it and schedules reset_task,");
	grade_note("which the kworker runs: down (clean_tx_ring frees the 15), up, the queue runs");
	grade_cmd("run for 2ms");
	grade_expect("sn0.tx_timeouts == 1");
	grade_expect("sn0.tx_timeout_count == 1");
	grade_expect("sn0.queue_stopped == 0");
	grade_note("the ring started over at slot 0 and took what waited in the qdisc");
	grade_expect("sn0.tx.next_to_clean == 0");
	grade_expect("sn0.tx.next_to_use < 10");
	grade_expect("sn0.qdisc_len == 0");
	grade_expect("clean");
	grade_note("the interrupts come back: traffic flows again on the fresh ring");
	grade_cmd("set sn0 fault_lockup 0");
	grade_cmd("dev_queue_xmit sn0 count 5");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets >= 10");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("sn0.tx_timeouts == 1");
	grade_expect("clean");
}
