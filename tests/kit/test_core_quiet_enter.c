/* test_core_quiet_enter.c - a quiet driver call is named, counted and left as a watched one. */
#include "kit.h"
#define KIT_TEST_MACHINE
#include "helpers.h"

TestSuite(core_quiet_enter, .timeout = 60);

static netdev_tx_t (*real_xmit)(struct sk_buff *skb, struct net_device *dev);
static int seen, wrong;
static u64 calls_at;
static char what[200];

/* During the call: it is running, it is the last call, on its device, counted. */
static netdev_tx_t spy_xmit(struct sk_buff *skb, struct net_device *dev)
{
	seen++;
	if (!k->lab_running || strcmp(k->lab_running, "hard_start_xmit") ||
	    k->dev_running != dev || k->lab_last != k->lab_running || k->dev_last != dev ||
	    k->lab_calls <= calls_at) {
		if (!wrong++)
			snprintf(what, sizeof(what),
				 "running %s on %s, last %s on %s, %llu calls counted (%llu before)",
				 k->lab_running ? k->lab_running : "(none)",
				 k->dev_running ? k->dev_running->name : "(none)",
				 k->lab_last ? k->lab_last : "(none)",
				 k->dev_last ? k->dev_last->name : "(none)",
				 (unsigned long long)k->lab_calls, (unsigned long long)calls_at);
	}
	calls_at = k->lab_calls;
	return real_xmit(skb, dev);
}

/*
 * The qdisc's run on a quiet machine (no trace, no timeline, no guards)
 * enters hard_start_xmit quietly (driver_enter_quiet): the call must still
 * be the running one and the last one, on its device, and counted; after
 * the run nothing runs. Packets queued while the queue is stopped, then the
 * queue woken: each goes through the run's quiet call.
 */
Test(core_quiet_enter, a_quiet_call_is_named_counted_and_left, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 13 };
	char err[256];

	trace_stop(k);
	tl_stop(k);
	run_idle(k);
	cr_assert(!k->drv_watch, "the machine's driver calls are watched");
	real_xmit = sn0->hard_start_xmit;
	sn0->hard_start_xmit = spy_xmit;
	for (int round = 0; round < 3; round++) {
		int before = seen;

		kit_netif_stop_queue(sn0);
		for (int i = 0; i < 5; i++) {
			struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

			cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
			kit_dev_queue_xmit(sn0, skb);
		}
		cr_assert_eq(seen, before, "round %d: the driver called with its queue stopped",
			     round);
		calls_at = k->lab_calls;
		kit_netif_wake_queue(sn0);
		run_idle(k);
		cr_assert_eq(seen, before + 5, "round %d: %d driver calls, expected 5", round,
			     seen - before);
		cr_assert_eq(wrong, 0, "round %d: during a call %s", round, what);
		cr_assert_null(k->lab_running, "round %d: %s still running after the run", round,
			       k->lab_running);
	}
	sn0->hard_start_xmit = real_xmit;
	check_clean(k);
}
