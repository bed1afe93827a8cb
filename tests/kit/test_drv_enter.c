/* test_drv_enter.c - the alone packet's driver call and the queue's device give the general answers. */
#include "kit.h"
/* (after kit.h: its inline helpers name their machine k too) */
#define KIT_TEST_MACHINE
#include "helpers.h"
#include "drv_helpers.h"

TestSuite(drv_enter, .timeout = 60);

/* ---- driver_enter_quiet_outer (drvcall.h) ------------------------------------ */

/*
 * The alone packet's hard_start_xmit enters with driver_enter_quiet_outer,
 * which lays out the outermost call's start first: from every state (no call
 * running, a call running on either device, old and new starts), it must
 * write what driver_enter_quiet writes and return the same interrupted call;
 * with no call running the call's start is now (the outermost branch taken).
 */
Test(drv_enter, the_alone_enter_writes_what_the_quiet_enter_writes, .init = setup,
     .fini = teardown)
{
	static const char *const names[] = { NULL, "simnic_poll", "simnic_clean_rx_irq",
					     "hard_start_xmit" };
	struct net_device *devs[] = { NULL, sn0, sn1 };
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int outermost = 0;

	run_idle(k);
	for (int i = 0; i < 2000; i++) {
		struct enter_state s, a, b;
		struct drvcall pa, pb;
		struct net_device *dev;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		s = (struct enter_state){ names[seed >> 60 & 3], names[seed >> 58 & 3],
					  names[seed >> 56 & 3], devs[(seed >> 50 & 7) % 3],
					  devs[(seed >> 46 & 7) % 3], devs[(seed >> 42 & 7) % 3],
					  seed >> 20 & 0xffff, k->now - (seed >> 8 & 0xfff) };
		if (!s.running)
			s.dev_running = NULL;
		dev = (seed >> 40 & 1) ? sn1 : sn0;
		enter_state_set(k, &s);
		pa = driver_enter_quiet(k, dev, "hard_start_xmit");
		a = enter_state_of(k);
		enter_state_set(k, &s);
		pb = driver_enter_quiet_outer(k, dev, "hard_start_xmit");
		b = enter_state_of(k);
		cr_assert(pa.fn == pb.fn && pa.dev == pb.dev,
			  "state %d: interrupted call %s on %p, the quiet enter's %s on %p", i,
			  pb.fn ? pb.fn : "(none)", (void *)pb.dev, pa.fn ? pa.fn : "(none)",
			  (void *)pa.dev);
		cr_assert(a.running == b.running && a.dev_running == b.dev_running,
			  "state %d: running %s, the quiet enter's %s", i, b.running, a.running);
		cr_assert(a.last == b.last && a.dev_last == b.dev_last,
			  "state %d: last %s, the quiet enter's %s", i, b.last, a.last);
		cr_assert(a.outer == b.outer && a.dev_outer == b.dev_outer,
			  "state %d: outer %s, the quiet enter's %s", i, b.outer ? b.outer : "(none)",
			  a.outer ? a.outer : "(none)");
		cr_assert_eq(b.calls, a.calls, "state %d: %llu calls, the quiet enter's %llu", i,
			     (unsigned long long)b.calls, (unsigned long long)a.calls);
		cr_assert_eq(b.enter_ns, a.enter_ns, "state %d: start %llu, the quiet enter's %llu",
			     i, (unsigned long long)b.enter_ns, (unsigned long long)a.enter_ns);
		if (!s.running) {
			cr_assert(b.enter_ns == k->now && b.outer == b.running && b.dev_outer == dev,
				  "state %d: no call running, yet the start is %llu (now %llu), "
				  "outer %s", i, (unsigned long long)b.enter_ns,
				  (unsigned long long)k->now, b.outer ? b.outer : "(none)");
			outermost++;
		}
	}
	cr_assert_gt(outermost, 200, "only %u of 2000 states had no call running", outermost);
	k->lab_running = NULL;
	k->dev_running = NULL;
}

/* ---- netdev_queue_dev (netdevice.h) --------------------------------------------- */

/*
 * netif_xmit_stopped and netif_tx_queue_stopped find the device from the
 * queue's address rather than txq->dev: every device's queue must name the
 * device itself, and for every combination of the device's stop, start and
 * broken bits and the queue's BQL stop the answers must be txq->dev's.
 */
Test(drv_enter, a_queue_is_its_devices_own, .init = setup, .fini = teardown)
{
	static const int dev_bits[] = { __LINK_STATE_XOFF, __LINK_STATE_START,
					__LINK_STATE_BROKEN, __LINK_STATE_NOCARRIER };

	for (int d = 0; d < kit_dev_count(k); d++) {
		struct net_device *dev = kit_dev_at(k, d);
		struct netdev_queue *txq = netdev_get_tx_queue(dev, 0);
		unsigned long state = dev->state, qstate = txq->state;

		cr_assert(txq->dev == dev && netdev_queue_dev(txq) == dev,
			  "%s: its queue names %s, found from its address %s", dev->name,
			  txq->dev ? txq->dev->name : "(none)", netdev_queue_dev(txq)->name);
		for (unsigned int c = 0; c < 32; c++) {
			bool want_drv, want_xmit;

			dev->state = 0;
			for (size_t b = 0; b < ARRAY_SIZE(dev_bits); b++)
				if (c >> b & 1)
					dev->state |= 1UL << dev_bits[b];
			txq->state = (c >> 4 & 1) ? 1UL << __QUEUE_STATE_STACK_XOFF : 0;
			want_drv = txq->dev->state & (1UL << __LINK_STATE_XOFF);
			want_xmit = want_drv || (txq->state & (1UL << __QUEUE_STATE_STACK_XOFF));
			cr_assert_eq(netif_tx_queue_stopped(txq), want_drv,
				     "%s, bits %#x: driver's stop %d, by txq->dev %d", dev->name, c,
				     netif_tx_queue_stopped(txq), want_drv);
			cr_assert_eq(netif_xmit_stopped(txq), want_xmit,
				     "%s, bits %#x: stopped %d, by txq->dev %d", dev->name, c,
				     netif_xmit_stopped(txq), want_xmit);
		}
		dev->state = state;
		txq->state = qstate;
	}
}
