/* test_flow.c - lab xmit, graded: flow control (stop before full, the re-check, wake with hysteresis). */
#include <stdlib.h>

#include "grade.h"

/*
 * A 16-slot ring whose TX interrupt ITR holds back for 1 ms: the NIC sends
 * everything at once, but nothing reclaims until the interrupt, so the ring
 * fills. BQL off, so it is the driver, not BQL, that has to stop the queue.
 */
static void held_ring(void)
{
	grade_cmd("trace off");
	grade_cmd("ethtool -K sn0 bql off");
	grade_cmd("ethtool -G sn0 tx 16");
	grade_cmd("set sn0 itr 1000000");
}

Test(xmit, ring_full)
{
	grade_begin("xmit", "ring_full");
	held_ring();
	grade_cmd("dev_queue_xmit sn0 count 20");
	grade_note("the frames fill the 16 slots (one stays empty) and the queue is stopped before");
	grade_note("a frame comes that would not fit: the rest wait in the qdisc, no BUSY, nothing");
	grade_note("overwritten, no frame lost (a driver may stop a little early, not late)");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.tx.unused <= 2");
	grade_expect("sn0.tx_busy == 0");
	{
		struct dev_snap *snap = malloc(sizeof(*snap));
		unsigned int on_ring;
		u64 drops = grade_stat("sn0", "qdisc_drops");

		cr_assert(snap, "out of memory");
		kit_dev_snapshot(grade_dev("sn0"), snap);
		on_ring = snap->tx.n[SLOT_HW] + snap->tx.n[SLOT_DONE] + snap->tx.n[SLOT_DRIVER];
		grade_note("checked in C: the frames on the ring and in the qdisc add up to 20");
		grade_check(on_ring + snap->qdisc_len == 20 && !drops, "sn0",
			    "%u frames on the ring and %u in the qdisc (%llu dropped), expected the 20 "
			    "sent between them", on_ring, snap->qdisc_len, (unsigned long long)drops);
		free(snap);
	}
	grade_expect("sn0.requeues == 0");
	grade_expect("no-bugs");
	grade_cmd("run until idle");
	grade_note("the interrupt's reclaim woke the queue: the 5 followed");
	grade_expect("sn0.tx_packets == 20");
	grade_expect("sn0.hw_tx_frames == 20");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, never_busy)
{
	grade_begin("xmit", "never_busy");
	held_ring();
	grade_cmd("set sn0 itr 20000");
	grade_cmd("dev_queue_xmit sn0 count 300");
	grade_cmd("run until idle");
	grade_note("300 frames through a 16-slot ring, stopped and woken many times: the driver");
	grade_note("always stopped in time, so hard_start_xmit never had to refuse a frame");
	grade_expect("sn0.tx_packets == 300");
	grade_expect("sn0.queue_stops >= 10");
	grade_expect("sn0.tx_busy == 0");
	grade_expect("sn0.requeues == 0");
	grade_expect("sn0.qdisc_drops == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, wake_threshold)
{
	grade_begin("xmit", "wake_threshold");
	held_ring();
	grade_cmd("auto off");
	grade_cmd("dev_queue_xmit sn0 count 20 len 1500");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.tx.done >= 1");
	grade_cmd("napi_schedule sn0");
	grade_cmd("poll sn0");
	grade_note("a few reclaimed: fewer free than tx_wake_thresh (8 on this ring): still stopped");
	grade_expect("sn0.tx.next_to_clean >= 1");
	grade_expect("sn0.tx.unused < 8");
	grade_expect("sn0.queue_stopped == 1");
	grade_expect("sn0.queue_wakes == 0");
	grade_cmd("run until sn0.tx.done >= 5");
	grade_cmd("poll sn0");
	grade_note("5 more reclaimed: at the threshold the reclaim wakes the queue, once");
	grade_expect("sn0.tx.unused >= 8");
	grade_expect("sn0.queue_stopped == 0");
	grade_expect("sn0.queue_wakes == 1");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 20");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(xmit, stop_recheck)
{
	grade_begin("xmit", "stop_recheck");
	held_ring();
	grade_cmd("dev_queue_xmit sn0 count 1");
	grade_cmd("run until idle");
	grade_cmd("dev_queue_xmit sn0 count 20");
	grade_expect("sn0.queue_stopped == 1");
	grade_note("race_tx_reclaim: when the driver next stops its queue, the kit plays another");
	grade_note("CPU's reclaim just before the stop: it frees the whole ring and sees the queue");
	grade_note("running, so it wakes nothing. Only the driver's re-check after netif_stop_queue");
	grade_note("can see the room (a reprieve); without it the queue stays stopped on an empty ring.");
	grade_cmd("set sn0 race_tx_reclaim 1");
	grade_cmd("netif_wake_queue sn0");
	grade_cmd("run for 3us");
	grade_expect("sn0.restart_queue >= 1");
	grade_expect("sn0.queue_stopped == 0");
	grade_cmd("run until idle");
	grade_expect("sn0.tx_packets == 21");
	grade_expect("sn0.tx_timeouts == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}
