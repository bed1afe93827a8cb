/* test_core_xmit_place.c - hard_start_xmit's skb is the driver's when the call begins. */
#include "xmit_spy_helpers.h"

TestSuite(core_xmit_place, .timeout = 60);

static int seen, wrong;
static char what[160];

/* The driver's view at the call: the skb's place and holder. */
static netdev_tx_t spy_xmit(struct sk_buff *skb, struct net_device *dev)
{
	seen++;
	if (skb->kit_place != SKB_DRIVER || !skb->kit_holder ||
	    strcmp(skb->kit_holder, "hard_start_xmit") || skb->kit_holder_dev != dev) {
		if (!wrong++)
			snprintf(what, sizeof(what), "skb#%u %s, held by %s on %s", skb->kit_id,
				 skb_place_name(skb->kit_place),
				 skb->kit_holder ? skb->kit_holder : "(none)",
				 skb->kit_holder_dev ? skb->kit_holder_dev->name : "(none)");
	}
	return real_xmit(skb, dev);
}

/*
 * The core hands hard_start_xmit an skb that is the driver's (SKB_DRIVER,
 * held by "hard_start_xmit" on the device); the alone packet makes it so
 * after its charge, whose catch-up of the hardware comes between. Packets
 * alone through dev_queue_xmit and a sender's bursts, with a catch-up due at
 * the charge on every other one, on a quiet machine; then the same on one
 * with a trace (the general path): every call must find its skb the driver's.
 */
Test(core_xmit_place, the_driver_holds_the_skb_its_call_gets, .init = setup, .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 11 };
	char err[256];

	spy_install(spy_xmit);
	for (int quiet = 0; quiet < 2; quiet++) {
		struct tx_frames fr = { .ready = false };

		if (quiet) {
			trace_stop(k);
			tl_stop(k);
		}
		run_idle(k);
		for (int i = 0; i < 16; i++) {
			int before = seen;

			if (i % 2)
				k->hw_next = k->now + 1; /* due at the next charge */
			if (i < 8) {
				struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));

				cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
				kit_dev_queue_xmit(sn0, skb);
			} else {
				int left = 1;

				xmit_frames_while(sn0, &p, (u64)i, 1, burst_more, &left, &fr);
			}
			cr_assert_eq(seen, before + 1, "%s, send %d: %d driver calls, expected 1",
				     quiet ? "quiet" : "traced", i, seen - before);
			cr_assert_eq(wrong, 0, "%s, send %d: the driver got %s", quiet ? "quiet" : "traced",
				     i, what);
			run_idle(k);
		}
	}
	spy_remove();
	check_clean(k);
}
