/* test_hidden.c - lab xmit, hidden graded tests: the same behaviours, other corners. */
#include "grade.h"

Test(xmit, min_ring)
{
	grade_begin("xmit", "min_ring");
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_note("the smallest ring, 8 slots: tx_wake_thresh is capped at half of it (4)");
	grade_cmd("ethtool -G sn0 tx 8");
	grade_cmd("set sn0 itr 20000");
	grade_cmd("dev_queue_xmit sn0 count 100 len 1000");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 100");
	grade_expect("sn0.tx_bytes == 100000");
	grade_expect("sn0.tx_busy == 0");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, descriptor_fields)
{
	struct simnic_adapter *a;
	struct e1000_tx_desc *d;
	struct simnic_buffer *bi;

	grade_begin("xmit", "descriptor_fields");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_note("tx-usecs set: every descriptor's command has IDE (adapter->txd_cmd)");
	grade_cmd("ethtool -C sn0 tx-usecs 50");
	grade_cmd("auto off");
	grade_cmd("dev_queue_xmit sn0 count 1 len 300");
	grade_expect("sn0.tx.next_to_use == 1");
	a = grade_adapter("sn0");
	d = &a->tx_ring.desc[0];
	bi = &a->tx_ring.buffer_info[0];
	grade_note("checked in C: descriptor 0 and buffer_info[0] hold the frame");
	grade_check(d->lower.flags.cmd == (u8)a->txd_cmd, "sn0",
		    "descriptor 0's cmd is 0x%02x, expected adapter->txd_cmd 0x%02x (EOP|IFCS|RS|IDE)",
		    d->lower.flags.cmd, (u8)a->txd_cmd);
	grade_check(le16_to_cpu(d->lower.flags.length) == 300, "sn0",
		    "descriptor 0's length is %u, expected the frame's 300 bytes",
		    le16_to_cpu(d->lower.flags.length));
	grade_check(bi->skb != NULL && bi->skb->len == 300, "sn0",
		    "buffer_info[0].skb is %s, expected the 300-byte frame",
		    bi->skb ? "another skb" : "NULL");
	grade_check(le64_to_cpu(d->buffer_addr) == bi->dma && bi->dma != 0, "sn0",
		    "descriptor 0's buffer_addr is 0x%llx, expected the mapping 0x%llx",
		    (unsigned long long)le64_to_cpu(d->buffer_addr), (unsigned long long)bi->dma);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 1");
	grade_expect("sn0.tx_bytes == 300");
	grade_expect("clean");
}

Test(xmit, xmit_win_on_wake)
{
	struct net_device *dev;
	long long unused;

	grade_begin("xmit", "xmit_win_on_wake");
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_cmd("ethtool -G sn0 tx 32");
	grade_cmd("set sn0 itr 1000000");
	grade_cmd("auto off");
	grade_cmd("dev_queue_xmit sn0 count 40 len 1500");
	grade_expect("sn0.queue_stopped == 1");
	grade_cmd("run until sn0.tx.done >= 20");
	grade_cmd("napi_schedule sn0");
	grade_cmd("poll sn0");
	grade_note("the reclaim woke the queue and told the 2007 batching API how much room there is");
	grade_expect("sn0.queue_stopped == 0");
	dev = grade_dev("sn0");
	unused = SIMNIC_DESC_UNUSED(&grade_adapter("sn0")->tx_ring);
	grade_check(dev->xmit_win == unused, "sn0", "xmit_win is %d after the wake, expected the %lld "
		    "free descriptors", dev->xmit_win, unused);
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 40");
	grade_expect("clean");
}

Test(xmit, timeout_twice)
{
	grade_begin("xmit", "timeout_twice");
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("set sn0 fault_lockup 1");
	grade_cmd("dev_queue_xmit sn0 count 40");
	grade_note("lost interrupts twice over: two timeouts, two resets, each ring cleaned");
	grade_cmd("run for 25ms");
	grade_expect("sn0.tx_timeouts >= 2");
	grade_check(grade_stat("sn0", "tx_timeout_count") == grade_stat("sn0", "tx_timeouts"), "sn0",
		    "the driver counted %llu timeouts (tx_timeout_count), the watchdog called it %llu "
		    "times", (unsigned long long)grade_stat("sn0", "tx_timeout_count"),
		    (unsigned long long)grade_stat("sn0", "tx_timeouts"));
	grade_expect("clean");
	grade_cmd("set sn0 fault_lockup 0");
	grade_cmd("run until idle");
	grade_cmd("dev_queue_xmit sn0 count 5");
	grade_cmd("run until idle");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("sn0.qdisc_len == 0");
	grade_expect("clean");
}
