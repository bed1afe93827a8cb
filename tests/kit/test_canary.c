/* test_canary.c - guard areas after rings, buffer_info and skb buffers catch a driver's overrun. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(canary, .timeout = 30);

extern void __asan_init(void) __attribute__((weak)); /* set under make check */

static const struct kit_pkt udp60 = { .len = 60, .proto = IPPROTO_UDP };

static void load(const char *name)
{
	char err[256];

	cr_assert_gt(kit_driver_load(k, test_driver(name), err, sizeof(err)), 0, "%s: %s", name,
		     err);
}

Test(canary, a_clean_machine_has_intact_guards, .init = setup, .fini = teardown)
{
	char report[1024];
	int n;

	gen_rx(sn1, 50, 0, IPPROTO_TCP, 1514);
	kit_xmit_frames(sn0, &udp60, 50);
	run_idle(k);
	n = kit_guard_check(k, report, sizeof(report));
	cr_assert_eq(n, 0, "%d problems on the reference:\n%s", n, report);
}

Test(canary, desc_count_is_caught_and_named, .init = setup, .fini = teardown)
{
	char report[2048];
	int n;

	load("ring_overrun");
	kit_guard_each_call(k, true);
	kit_xmit_frames(sn0, &udp60, 1);
	n = kit_guard_check(k, report, sizeof(report));
	cr_assert_eq(n, 1, "%d problems, expected 1:\n%s", n, report);
	cr_assert(strstr(report, "sn0: TX descriptor ring: 4 bytes past the end overwritten"),
		  "%s", report);
	cr_assert(strstr(report, "[256] of 256"), "the index written is not named: %s", report);
	cr_assert(strstr(report, "after simnic_xmit_frame ran"), "no culprit: %s", report);
	cr_assert_eq(kit_rule_count(k, RULE_MEM_CORRUPT), 1, "%llu records, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_MEM_CORRUPT));
	/* reported once: the guard is armed again */
	n = kit_guard_check(k, report, sizeof(report));
	cr_assert_eq(n, 0, "reported again:\n%s", report);
}

Test(canary, buffer_info_count_is_caught_by_check, .init = setup, .fini = teardown)
{
	char report[4096];
	int n;

	if (__asan_init)
		cr_skip_test("under AddressSanitizer its red zones guard buffer_info, not the kit");
	load("bi_overrun"); /* the refill at open already wrote past both RX arrays */
	n = kit_check(k, report, sizeof(report));
	cr_assert_eq(n, 2, "%d problems, expected 2 (sn0 and sn1):\n%s", n, report);
	cr_assert(strstr(report, "sn0: RX buffer_info: 2 bytes past the end overwritten"), "%s",
		  report);
	cr_assert(strstr(report, "simnic_alloc_rx_buffers"), "no culprit: %s", report);
}

Test(canary, skb_buffer_overrun_and_bad_len, .init = setup, .fini = teardown)
{
	char report[4096];
	int n;

	load("skb_overrun");
	setp(k, NULL, "wire_peer", 0); /* sn0's frame leaves into a sink */
	kit_xmit_frames(sn0, &udp60, 1);
	n = kit_guard_check(k, report, sizeof(report));
	cr_assert_eq(n, 1, "%d problems, expected 1:\n%s", n, report);
	cr_assert(strstr(report, "bytes past the end of its buffer overwritten"), "%s", report);
	cr_assert(strstr(report, "after simnic_xmit_frame ran"), "%s", report);
	/* a length past the buffer never reaches the stack: skb_over_panic, dropped */
	gen_rx(sn1, 2, 0, IPPROTO_UDP, 60);
	run_idle(k);
	/* one poll takes both; the driver breaks the first */
	cr_assert_eq(kit_rule_count(k, RULE_SKB_OVER_PANIC), 1, "%llu skb_over_panic records, "
		     "expected 1", (unsigned long long)kit_rule_count(k, RULE_SKB_OVER_PANIC));
	cr_assert_eq(st(sn1, "app_bytes"), 18, "the application read %llu bytes, expected the "
		     "good frame's 18", (unsigned long long)st(sn1, "app_bytes"));
}
