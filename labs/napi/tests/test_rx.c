/* test_rx.c - lab napi, graded: frames off the ring, wrap-around, the refill and its doorbells, skb ownership. */
#include "grade.h"

Test(napi, one_frame_up)
{
	grade_begin("napi", "one_frame_up");
	grade_cmd("pktgen sn1 count 1 len 200");
	grade_cmd("run until idle");
	grade_note("the frame went up the stack and the application read its 158 payload bytes,");
	grade_note("each one checked against the sender's; its slot got a fresh buffer");
	grade_expect("sn1.rx_packets == 1");
	grade_expect("sn1.rx_bytes == 200");
	grade_expect("sn1.rx_stack == 1");
	grade_expect("sn1.app_bytes == 158");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("sn1.rx.next_to_clean == 1");
	grade_expect("sn1.rx.unused == 0");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(napi, wrap_around)
{
	grade_begin("napi", "wrap_around");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn1 rx 32");
	grade_cmd("pktgen sn1 count 100 len 200 rate 200kpps");
	grade_cmd("run until idle");
	grade_note("100 frames through a 32-slot ring: next_to_clean wrapped three times, to 100 %% 32");
	grade_expect("sn1.rx_packets == 100");
	grade_expect("sn1.rx_missed_errors == 0");
	grade_expect("sn1.rx_stream_errors == 0");
	grade_expect("sn1.rx.next_to_clean == 4");
	grade_expect("sn1.rx.next_to_use == 3");
	grade_expect("clean");
	grade_expect("no-bugs");
}

/* One slot stays empty: the driver's next_to_use is one behind its next_to_clean. */
static void last_slot_empty(const char *when)
{
	struct simnic_rx_ring *r = &grade_adapter("sn1")->rx_ring;
	unsigned int want = (r->next_to_clean + r->count - 1) % r->count;

	grade_check(r->next_to_use == want, "sn1",
		    "%s: rx next_to_use %u, expected %u (next_to_clean %u - 1): the refill must "
		    "leave the last free slot empty", when, r->next_to_use, want, r->next_to_clean);
}

Test(napi, refill_keeps_last_slot)
{
	grade_begin("napi", "refill_keeps_last_slot");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn1 rx 32");
	grade_note("after open: every slot but one posted");
	grade_expect("sn1.rx.hw == 31");
	last_slot_empty("after open");
	grade_cmd("pktgen sn1 count 200 len 200");
	grade_cmd("run until idle");
	grade_note("a burst at line rate overflows the ring (rx_missed_errors); after it, again every");
	grade_note("slot but one is the NIC's, and RDT never caught up with RDH");
	grade_expect("sn1.rx.hw == 31");
	grade_expect("sn1.rx.unused == 0");
	last_slot_empty("after a burst");
	grade_cmd("pktgen sn1 count 20 len 200 rate 100kpps");
	grade_cmd("run until idle");
	grade_note("and the ring still receives: 20 more frames, none missed");
	grade_expectf("sn1.rx_packets == %llu", (unsigned long long)(grade_stat("sn1", "hw_rx_frames")));
	grade_expect("sn1.rx.hw == 31");
	last_slot_empty("after 20 more");
	grade_expect("clean");
	grade_expect("no-bugs");
}

Test(napi, refill_one_rdt_per_batch)
{
	unsigned long long base;

	grade_begin("napi", "refill_one_rdt_per_batch");
	grade_cmd("auto off");
	grade_cmd("set sn1 rx_refill 16");
	grade_cmd("pktgen sn1 count 64 len 200");
	grade_cmd("run until idle");
	grade_note("64 frames wait in the ring; one poll takes them all and gives the buffers back");
	grade_note("16 at a time: 4 RDT writes, not 64");
	base = grade_stat("sn1", "rx_doorbells");
	grade_cmd("poll sn1 budget 64");
	grade_expect("sn1.rx_packets == 64");
	grade_expectf("sn1.rx_doorbells == %llu", base + 4);
	grade_expect("sn1.rx.unused == 0");
	grade_cmd("set sn1 rx_refill 64");
	grade_cmd("auto on");
	grade_cmd("run until idle");
	grade_cmd("auto off");
	grade_cmd("pktgen sn1 count 100 len 200");
	grade_cmd("run until idle");
	grade_note("rx_refill 64: a poll of 64 frames writes RDT once, the next poll (36) once at its end");
	grade_cmd("poll sn1 budget 64");
	grade_expect("sn1.rx_packets == 128");
	grade_expectf("sn1.rx_doorbells == %llu", base + 5);
	grade_cmd("poll sn1 budget 64");
	grade_expect("sn1.rx_packets == 164");
	grade_expectf("sn1.rx_doorbells == %llu", base + 6);
	grade_expect("clean");
}

Test(napi, no_leak_no_double_free)
{
	grade_begin("napi", "no_leak_no_double_free");
	grade_cmd("trace off");
	grade_cmd("ethtool -G sn1 rx 64");
	grade_cmd("pktgen sn1 count 1000 len 300 rate 500kpps proto tcp flows 3");
	grade_cmd("run for 1ms");
	grade_note("mid-stream the ring is resized: the device closes (its buffers freed) and opens");
	grade_cmd("ethtool -G sn1 rx 128");
	grade_expect("clean");
	grade_cmd("run until idle");
	grade_cmd("pktgen sn1 count 1000 len 60 rate 2mpps");
	grade_cmd("run until idle");
	grade_note("every frame the NIC took went up (most of the 2000: a 128-slot ring at 2 Mpps");
	grade_note("misses a few), and every skb is in exactly one place: a ring, the stack, the pool");
	grade_expectf("sn1.rx_packets == %llu", (unsigned long long)grade_stat("sn1", "hw_rx_frames"));
	grade_expect("sn1.rx_packets >= 1800");
	grade_expect("clean");
	grade_expect("no-bugs");
}
