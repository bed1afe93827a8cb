/* test_core_alone_after.c - the kit's state during and after the alone packet's driver call. */
#include "xmit_spy_helpers.h"

TestSuite(core_alone_after, .timeout = 60);

static int seen, wrong;
static char what[160];

/* During the call: the call named and its device, the transmit entry point's device. */
static netdev_tx_t spy_xmit(struct sk_buff *skb, struct net_device *dev)
{
	seen++;
	if (!k->lab_running || strcmp(k->lab_running, "hard_start_xmit") ||
	    k->dev_running != dev || k->xmit_dev != dev || k->sd.xmit_more) {
		if (!wrong++)
			snprintf(what, sizeof(what), "running %s on %s, xmit_dev %s, xmit_more %d",
				 k->lab_running ? k->lab_running : "(none)",
				 k->dev_running ? k->dev_running->name : "(none)",
				 k->xmit_dev ? k->xmit_dev->name : "(none)", k->sd.xmit_more);
	}
	return real_xmit(skb, dev);
}

/*
 * The alone packet's call is entered and left on the kit its device names,
 * which the core reads again after the charge and after the call. Sends
 * through dev_queue_xmit and a sender's bursts on a quiet machine, every
 * other one with a catch-up due at the charge: during the call the kit names
 * it and its device; after it the call is over (nothing running, the device
 * half put back, no transmit entry point, no xmit_more), the device's
 * trans_start the jiffy of the clock, and the call counted.
 */
Test(core_alone_after, the_call_is_entered_and_left_on_its_devices_kit, .init = setup,
     .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 12 };
	struct tx_frames fr = { .ready = false };
	char err[256];

	trace_stop(k);
	tl_stop(k);
	run_idle(k);
	spy_install(spy_xmit);
	for (int i = 0; i < 16; i++) {
		int before = seen;
		u64 calls = k->lab_calls;

		if (i % 2)
			k->hw_next = k->now + 1; /* due at the next charge */
		if (i < 8) {
			struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

			cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
			calls = k->lab_calls;
			kit_dev_queue_xmit(sn0, skb);
		} else {
			int left = 1;

			xmit_frames_while(sn0, &p, (u64)i, 1, burst_more, &left, &fr);
		}
		cr_assert_eq(seen, before + 1, "send %d: %d driver calls, expected 1", i,
			     seen - before);
		cr_assert_eq(wrong, 0, "send %d: during the call %s", i, what);
		cr_assert_null(k->lab_running, "send %d: %s still running after it", i,
			       k->lab_running);
		cr_assert_null(k->dev_running, "send %d: %s still the running device", i,
			       k->dev_running ? k->dev_running->name : "");
		cr_assert_null(k->xmit_dev, "send %d: still in %s's transmit", i,
			       k->xmit_dev ? k->xmit_dev->name : "");
		cr_assert(!k->sd.xmit_more, "send %d: xmit_more left set", i);
		cr_assert_eq(sn0->trans_start, kit_jiffies(k), "send %d: trans_start %lu, expected %lu",
			     i, sn0->trans_start, kit_jiffies(k));
		cr_assert_geq(k->lab_calls, calls + 1, "send %d: %llu driver calls counted, expected "
			      "%llu or more", i, (unsigned long long)k->lab_calls,
			      (unsigned long long)calls + 1);
		run_idle(k);
	}
	spy_remove();
	check_clean(k);
}
