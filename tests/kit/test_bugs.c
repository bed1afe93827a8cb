/* test_bugs.c - BUG lines name what and who: the skb, its allocation, who freed or held it. */
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(bugs, .timeout = 30);

/* The text of the last BUG record of rule r, or "" if none. */
static const char *bug_line(enum kit_rule r)
{
	static char line[512];

	line[0] = '\0';
	for (size_t i = 0; i < kit_trace_count(k); i++) {
		const struct trace_rec *t = kit_trace_at(k, i);

		if (t->type == TR_BUG && t->a == (u32)r)
			kit_trace_format(k, t, line, sizeof(line));
	}
	return line;
}

static void load(const char *name)
{
	char err[256];

	cr_assert_eq(kit_driver_load(k, test_driver(name), err, sizeof(err)), 1, "%s: %s", name,
		     err);
}

Test(bugs, double_free_names_the_skb_and_both_freers, .init = setup, .fini = teardown)
{
	static const struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	const char *l;

	load("double_free");
	setp(k, NULL, "wire_peer", 0);
	cr_assert_eq(kit_xmit_frames(sn0, &p, 1), 1, "the frame was not queued");
	run_idle(k);
	cr_assert_eq(kit_rule_count(k, RULE_DOUBLE_FREE), 1, "%llu double frees, expected 1",
		     (unsigned long long)kit_rule_count(k, RULE_DOUBLE_FREE));
	l = bug_line(RULE_DOUBLE_FREE);
	cr_assert(strstr(l, "BUG: skb freed twice: skb#"), "the line does not name the skb: %s", l);
	cr_assert(strstr(l, "allocated by the kit's frame builder"), "no allocation site: %s", l);
	cr_assert(strstr(l, "freed first by simnic_xmit_frame"), "no first freer: %s", l);
	cr_assert(strstr(l, "freed again by simnic_clean_tx_irq"), "no second freer: %s", l);
}

Test(bugs, leak_names_the_last_lab_function_holding_it, .init = setup, .fini = teardown)
{
	static const struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char report[2048];
	const char *l;
	int n;

	load("leak_reclaim");
	cr_assert_eq(kit_xmit_frames(sn0, &p, 2), 2, "the frames were not queued");
	run_idle(k);
	n = kit_check(k, report, sizeof(report));
	cr_assert_eq(n, 2, "kit_check found %d problems, expected the 2 leaks:\n%s", n, report);
	cr_assert(strstr(report, "last held by simnic_clean_tx_irq"),
		  "the report does not name the reclaim: %s", report);
	l = bug_line(RULE_SKB_LEAK);
	cr_assert(strstr(l, "skb leaked: it is in no queue, ring or session: skb#"), "%s", l);
	cr_assert(strstr(l, "last held by simnic_clean_tx_irq"), "no holder: %s", l);
}

/* An RX buffer lost by the poll: held by the function that unmapped it, not by the refill. */
Test(bugs, rx_leak_names_the_cleaner_not_the_refill, .init = setup, .fini = teardown)
{
	char report[2048];
	int n;

	load("leak_rx");
	gen_rx(sn1, 3, 0, IPPROTO_UDP, 60);
	run_idle(k);
	n = kit_check(k, report, sizeof(report));
	cr_assert_eq(n, 3, "kit_check found %d problems, expected 3 leaks:\n%s", n, report);
	cr_assert(strstr(report, "last held by simnic_clean_rx_irq"), "%s", report);
	cr_assert(!strstr(report, "last held by simnic_alloc_rx_buffers"), "%s", report);
}

/* The freed skb is reused while the ring still holds it: the reclaim's free of the new skb,
 * queued in the qdisc by then, is refused and named instead of corrupting the queue. */
Test(bugs, freeing_a_reused_skb_on_a_queue_is_refused, .init = setup, .fini = teardown)
{
	static const struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP };
	char report[4096];

	load("double_free");
	setp(k, sn0, "tx_ring", 16);
	kit_xmit_frames(sn0, &p, 200);
	gen_rx(sn1, 50, 0, IPPROTO_UDP, 60);
	run_idle(k);
	cr_assert_gt(kit_rule_count(k, RULE_DOUBLE_FREE), 0, "no double free recorded");
	cr_assert_geq(kit_driver_load(k, NULL, report, sizeof(report)), 0, "%s", report);
	kit_xmit_frames(sn0, &p, 20);
	run_idle(k);
	check_clean(k);
}
