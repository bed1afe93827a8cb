/* test_core_alone_links.c - the alone packet reaches the driver with its links NULL. */
#include "kit.h"
#include "core/qdisc.h" /* (before helpers.h: its machine is k too) */
#include "xmit_spy_helpers.h"

TestSuite(core_alone_links, .timeout = 60);

/* What the driver saw: each skb's links, then the real driver's answer. */
static int seen, linked;

static netdev_tx_t spy_xmit(struct sk_buff *skb, struct net_device *dev)
{
	seen++;
	if (skb->next || skb->prev)
		linked++;
	return real_xmit(skb, dev);
}

/*
 * dev_queue_xmit's alone packet skips the qdisc's list, so it clears the
 * skb's links itself (as __skb_dequeue would leave them), except where the
 * skb is known to have none: a sender's burst, whose skbs the burst
 * allocator makes fresh. A client's skb with stale links through
 * dev_queue_xmit, on a quiet machine with an idle, empty qdisc (the alone
 * packet), must reach the driver with both links NULL; so must every skb of
 * bursts of the sender's kind (xmit_frames_while, its frames made once), each
 * sent alone.
 */
Test(core_alone_links, the_driver_sees_no_links_on_the_alone_packet, .init = setup,
     .fini = teardown)
{
	struct kit_pkt p = { .len = 60, .proto = IPPROTO_UDP, .flow = 9 };
	struct tx_frames fr = { .ready = false };
	char err[256];

	trace_stop(k);
	tl_stop(k);
	run_idle(k);
	spy_install(spy_xmit);
	cr_assert(xmit_fixed_alone(sn0), "sn0 does not take the alone packet");
	for (int i = 0; i < 8; i++) {
		struct sk_buff *skb = kit_skb_alloc(sn0, &p, err, sizeof(err));
		int before = seen;

		cr_assert_not_null(skb, "kit_skb_alloc: %s", err);
		skb->next = skb->prev = (struct sk_buff *)(void *)skb->head; /* stale */
		cr_assert_eq(kit_dev_queue_xmit(sn0, skb), NET_XMIT_SUCCESS, "skb %d not queued", i);
		cr_assert_eq(seen, before + 1, "skb %d: the driver called %d times, expected 1", i,
			     seen - before);
		cr_assert_eq(linked, 0, "skb %d with stale links: the driver saw them", i);
		run_idle(k);
	}
	for (int b = 0; b < 12; b++) { /* bursts of one: each its own alone packet */
		int left = 1, before = seen;
		u64 done = xmit_frames_while(sn0, &p, (u64)b, 1, burst_more, &left, &fr);

		cr_assert_eq(done, 1, "burst %d took %llu frames, expected 1", b,
			     (unsigned long long)done);
		cr_assert_eq(seen, before + 1, "burst %d: the driver called %d times, expected 1", b,
			     seen - before);
		cr_assert_eq(linked, 0, "burst %d: %d skbs with links at the driver", b, linked);
		run_idle(k);
	}
	spy_remove();
}
