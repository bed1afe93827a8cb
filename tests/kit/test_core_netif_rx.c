/* test_core_netif_rx.c - netif_rx's common case, taken only where the general one does no more. */
#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_netif_rx, .timeout = 60);

struct one_rx {
	struct sk_buff *skb;
	bool polling;  /* netif_rx called from inside a NAPI poll */
	u64 hw_next;   /* not 0: the hardware's next change set there first */
	int rc;
	u64 records;   /* trace records netif_rx wrote */
};

static void rx_one(void *arg)
{
	struct one_rx *o = arg;
	u64 t0;

	if (o->hw_next)
		k->hw_next = o->hw_next;
	k->sd.polling = o->polling ? sn1 : NULL; /* (sn1's poll running) */
	t0 = kit_trace_total(k);
	o->rc = netif_rx(o->skb);
	o->records = kit_trace_total(k) - t0;
	k->sd.polling = NULL;
}

static struct one_rx give(bool softirq, bool polling, u64 hw_next, unsigned int bad_len)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 4 };
	struct one_rx o = { skb_as_received(sn0, sn1, &p), polling, hw_next, 0, 0 };

	if (bad_len)
		o.skb->len = bad_len;
	if (softirq)
		kit_run_softirq(k, rx_one, &o);
	else
		kit_run_hardirq(k, rx_one, &o);
	return o;
}

/*
 * netif_rx takes its common case (no call, no records) only where the
 * general path's catch-ups, bounds check, context warning and records would
 * do nothing: each case where one of them does something must still get it.
 * On a machine with a trace, the enqueue's record; on a quiet one, an skb
 * past its buffer its skb_over_panic and drop, a call from inside a poll in
 * softirq its warning, a catch-up due at the charge the hardware caught up;
 * and the common case its charge, counts, enqueue and, past
 * netdev_max_backlog, its drop.
 */
Test(core_netif_rx, each_case_the_general_path_acts_on_still_gets_it, .init = setup,
     .fini = teardown)
{
	struct softnet_data *sd = &k->sd;
	struct one_rx o;
	u64 n, warn, bug, q, delivered, rx_stack, dropped;

	run_idle(k);
	cr_assert_not_null(k->trace, "the machine keeps no trace");
	o = give(false, false, 0, 0);
	cr_assert_eq(o.rc, NET_RX_SUCCESS, "traced: netif_rx returned %d", o.rc);
	cr_assert_geq(o.records, 1, "traced: netif_rx wrote %llu records, expected its enqueue's",
		      (unsigned long long)o.records);
	run_idle(k);
	trace_stop(k);
	tl_stop(k);
	run_idle(k);

	bug = kit_rule_count(k, RULE_SKB_OVER_PANIC);
	q = skb_queue_len(&sd->input_pkt_queue);
	o = give(false, false, 0, 4000);
	cr_assert_eq(o.rc, NET_RX_DROP, "past its buffer: netif_rx returned %d, expected a drop",
		     o.rc);
	cr_assert_eq(kit_rule_count(k, RULE_SKB_OVER_PANIC), bug + 1,
		     "past its buffer: %llu skb_over_panic records, expected %llu",
		     (unsigned long long)kit_rule_count(k, RULE_SKB_OVER_PANIC),
		     (unsigned long long)bug + 1);
	cr_assert_eq(skb_queue_len(&sd->input_pkt_queue), q,
		     "past its buffer: backlog %llu long, expected %llu (the skb dropped, not queued)",
		     (unsigned long long)skb_queue_len(&sd->input_pkt_queue), (unsigned long long)q);
	run_idle(k);

	warn = kit_rule_count(k, RULE_NETIF_RX_CONTEXT);
	o = give(true, true, 0, 0);
	cr_assert_eq(kit_rule_count(k, RULE_NETIF_RX_CONTEXT), warn + 1,
		     "from a poll in softirq: %llu context warnings, expected %llu",
		     (unsigned long long)kit_rule_count(k, RULE_NETIF_RX_CONTEXT),
		     (unsigned long long)warn + 1);
	run_idle(k);

	o = give(false, false, 1, 0); /* (1: due at once, the clock is past it) */
	cr_assert_gt(k->hw_next, k->now,
		     "a catch-up due at the charge: the hardware's next change at %llu, the clock "
		     "at %llu (not caught up)", (unsigned long long)k->hw_next,
		     (unsigned long long)k->now);
	run_idle(k);

	setp(k, NULL, "netdev_max_backlog", 2);
	for (int i = 0; i < 5; i++) {
		u64 now;

		q = skb_queue_len(&sd->input_pkt_queue);
		n = k->cost_count[COST_IRQSAVE];
		delivered = sd->poll_delivered;
		rx_stack = sn1->core.rx_stack;
		dropped = sd->dropped;
		now = k->now;
		o = give(false, false, 0, 0);
		cr_assert_eq(o.rc, q > 2 ? NET_RX_DROP : NET_RX_SUCCESS,
			     "skb %d on a backlog of %llu: netif_rx returned %d", i,
			     (unsigned long long)q, o.rc);
		cr_assert_eq(k->cost_count[COST_IRQSAVE], n + 1, "skb %d: %llu IRQ-save charges, "
			     "expected %llu", i, (unsigned long long)k->cost_count[COST_IRQSAVE],
			     (unsigned long long)n + 1);
		cr_assert_geq(k->now, now + k->cost[COST_IRQSAVE], "skb %d: the clock not charged", i);
		cr_assert_eq(sd->poll_delivered, delivered + 1, "skb %d: poll_delivered %llu, "
			     "expected %llu", i, (unsigned long long)sd->poll_delivered,
			     (unsigned long long)delivered + 1);
		cr_assert_eq(sd->dropped, dropped + (q > 2), "skb %d: %llu dropped, expected %llu",
			     i, (unsigned long long)sd->dropped,
			     (unsigned long long)(dropped + (q > 2)));
		cr_assert_eq(sn1->core.rx_stack, rx_stack + (q <= 2), "skb %d: rx_stack %llu, "
			     "expected %llu", i, (unsigned long long)sn1->core.rx_stack,
			     (unsigned long long)(rx_stack + (q <= 2)));
		cr_assert_eq(skb_queue_len(&sd->input_pkt_queue), q + (q <= 2),
			     "skb %d: a backlog of %u, expected %llu", i,
			     skb_queue_len(&sd->input_pkt_queue),
			     (unsigned long long)(q + (q <= 2)));
	}
	run_idle(k);
	check_clean(k);
}
