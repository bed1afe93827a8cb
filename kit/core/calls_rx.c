/* calls_rx.c - what a client may do to the machine, RX side: interrupts, NAPI, LRO. */
#include <stdio.h>

#include "kit.h"
#include "core/calls.h"
#include "hw/nic_hw.h"

/*
 * The student's side of receive: deliver an interrupt now, schedule NAPI,
 * poll a device with a chosen budget, complete, run one net_rx_action round,
 * flush LRO, each in the context the kernel would use (see calls.c).
 */

int kit_irq(struct net_device *dev)
{
	struct kit *k = kit_enter(dev->kit);
	struct nic *hw = dev->nic;

	hw_catch_up(k);
	if (!hw || !(hw->icr & hw->ims) || !hw->handler || kit_dev_broken(dev))
		return -1;
	/* ITR may be holding it back: the student overrides the throttle */
	hw->asserted = true;
	hw->irq_at = KIT_NEVER;
	hw->next = nic_next_change(hw); /* kept exact: the handler's doorbell reads it */
	hw->last_irq = k->now;
	hw->irqs++;
	kit_doing(k, "irq", dev->name);
	nic_irq_deliver(k, hw);
	kit_doing(k, NULL, NULL);
	hw_update(k);
	return 0;
}

int kit_napi_schedule(struct net_device *dev, char *err, size_t errlen)
{
	struct simnic_adapter *a = netdev_priv(dev);
	enum kit_ctx prev;
	bool ok;

	if (!simnic_is(dev) || a->irq_mode == SIMNIC_NONAPI)
		FAIL("%s does not use NAPI: set napi classic or modern (set %s napi modern)", dev->name,
		     dev->name);
	prev = enter(dev, CTX_PROCESS, "napi_schedule");
	if (a->irq_mode == SIMNIC_NAPI_CLASSIC) {
		ok = netif_rx_schedule_prep(dev);
		if (ok)
			__netif_rx_schedule(dev);
	} else {
		ok = napi_schedule(&a->napi); /* if already scheduled: MISSED is set */
	}
	leave(dev, prev);
	return ok ? 0 : 1;
}

int kit_poll(struct net_device *dev, int budget, char *err, size_t errlen)
{
	enum kit_ctx prev;
	int work;

	if (!simnic_is(dev) || ((struct simnic_adapter *)netdev_priv(dev))->irq_mode == SIMNIC_NONAPI)
		FAIL("%s does not use NAPI: set napi classic or modern", dev->name);
	if (!napi_dev_scheduled(dev))
		FAIL("%s is not scheduled: the core polls only scheduled devices "
		     "(irq %s or napi_schedule %s first)", dev->name, dev->name, dev->name);
	if (kit_dev_broken(dev))
		FAIL("%s is broken after a driver crash: reset or driver reload", dev->name);
	prev = enter(dev, CTX_SOFTIRQ, "poll");
	work = napi_poll_dev(dev->kit, dev, budget);
	leave(dev, prev);
	return work;
}

int kit_napi_complete(struct net_device *dev, char *err, size_t errlen)
{
	struct simnic_adapter *a = netdev_priv(dev);
	enum kit_ctx prev;
	bool sched;
	int rc = 0;

	if (!simnic_is(dev) || a->irq_mode == SIMNIC_NONAPI)
		FAIL("%s does not use NAPI", dev->name);
	sched = napi_dev_scheduled(dev);
	prev = enter(dev, CTX_SOFTIRQ, "napi_complete");
	/* called even when not scheduled: the kernel's BUG is part of the lesson */
	if (a->irq_mode == SIMNIC_NAPI_CLASSIC)
		netif_rx_complete(dev);
	else if (!napi_complete_done(&a->napi, 0) && sched)
		rc = 1; /* MISSED: still scheduled */
	if (!sched)
		rc = 2;
	if (!net_rx_pending(dev->kit))
		dev->kit->cpu.softirq_pending &= ~(1u << NET_RX_SOFTIRQ);
	leave(dev, prev);
	return rc;
}

int kit_net_rx_action(struct kit *k)
{
	enum kit_ctx prev;
	int polls = 0;

	kit_enter(k);
	prev = cpu_enter(k, CTX_SOFTIRQ);
	hw_catch_up(k);
	kit_doing(k, "net_rx_action", NULL);
	k->sd.rx_round = false;
	do {
		if (!net_rx_pending(k))
			break;
		net_rx_step(k);
		polls++;
	} while (k->sd.rx_round);
	if (!net_rx_pending(k))
		k->cpu.softirq_pending &= ~(1u << NET_RX_SOFTIRQ);
	kit_doing(k, NULL, NULL);
	cpu_leave(k, prev);
	return polls;
}

int kit_lro_flush_all(struct net_device *dev, char *err, size_t errlen)
{
	struct simnic_adapter *a = netdev_priv(dev);
	enum kit_ctx prev;

	if (!simnic_is(dev) || !a->lro_enabled)
		FAIL("LRO is off on %s (ethtool -K %s lro on)", dev->name, dev->name);
	prev = enter(dev, CTX_SOFTIRQ, "lro_flush_all");
	LAB_CALL_VOID(dev->kit, dev, lro_flush_all, &a->lro_mgr);
	leave(dev, prev);
	return 0;
}

/* napi_gro_flush by hand, in softirq context, then the batch (gro_normal_list) as the core does. */
int kit_napi_gro_flush(struct net_device *dev, bool flush_old, char *err, size_t errlen)
{
	struct simnic_adapter *a = netdev_priv(dev);
	enum kit_ctx prev;

	if (!simnic_is(dev) || a->irq_mode != SIMNIC_NAPI_MODERN)
		FAIL("%s has no napi_struct: GRO is modern NAPI only (set %s napi modern)", dev->name,
		     dev->name);
	prev = enter(dev, CTX_SOFTIRQ, "napi_gro_flush");
	napi_gro_flush(&a->napi, flush_old);
	gro_normal_list(&a->napi);
	leave(dev, prev);
	return 0;
}
