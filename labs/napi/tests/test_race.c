/* test_race.c - lab napi, graded: the end of the poll against a frame that lands just then (race_rx_irq). */
#include "grade.h"

static u64 unmasked_while_scheduled(void)
{
	return kit_rule_count(grade_kit(), RULE_IRQ_BEFORE_COMPLETE);
}

/* 20 frames 10 us apart, each poll ends before the next arrives; at every poll's end
 * the kit lands the next frame at once (README §8). */
static void raced(const char *mode)
{
	grade_cmd("set sn1 napi %s", mode);
	grade_cmd("set sn1 race_rx_irq 1");
	grade_cmd("pktgen sn1 count 20 len 200 rate 100kpps");
	grade_cmd("run until idle");
}

Test(napi, complete_then_unmask)
{
	u64 n;

	grade_begin("napi", "complete_then_unmask");
	grade_note("2.6.20: complete, then unmask. The frame that lands at the poll's end raises");
	grade_note("its interrupt at the unmask and is polled; unmask first and it is stranded");
	raced("classic");
	grade_expect("sn1.hw_rx_frames == 20");
	grade_expect("sn1.rx_packets == 20");
	grade_expect("sn1.rx.done == 0");
	n = unmasked_while_scheduled();
	grade_check(n == 0, "sn1", "%llu RX unmasks while the device was still scheduled, expected 0",
		    (unsigned long long)n);
	grade_cmd("reset");
	grade_note("napi_struct: the same order");
	raced("modern");
	grade_expect("sn1.rx_packets == 20");
	grade_expect("sn1.rx.done == 0");
	n = unmasked_while_scheduled();
	grade_check(n == 0, "sn1", "%llu RX unmasks while NAPI was still scheduled, expected 0 "
		    "(complete first, then unmask)", (unsigned long long)n);
	grade_expect("no-bugs");
}

Test(napi, unmask_only_if_complete)
{
	u64 n;

	grade_begin("napi", "unmask_only_if_complete");
	grade_note("modern NAPI: the frame's interrupt also runs the handler on another CPU, whose");
	grade_note("schedule fails and sets MISSED; napi_complete_done then returns false, and the");
	grade_note("poll must leave interrupts masked: NAPI is polling again");
	raced("modern");
	grade_expect("sn1.napi_missed >= 10");
	grade_expect("sn1.rx_packets == 20");
	n = unmasked_while_scheduled();
	grade_check(n == 0, "sn1", "%llu RX unmasks while NAPI was still scheduled, expected 0: "
		    "unmask only when napi_complete_done returns true", (unsigned long long)n);
	grade_note("and once the traffic is over, interrupts are back on");
	grade_expect("sn1.napi_sched == 0");
	grade_expect("sn1.ims != 0");
	grade_expect("no-bugs");
}
