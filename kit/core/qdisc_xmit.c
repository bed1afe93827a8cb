/* qdisc_xmit.c - dev_queue_xmit: the packet alone, the enqueue only, and the general path. */
#include "core/qdisc.h"

/*
 * dev_queue_xmit's common packet on a machine with no timeline, no trace and
 * no guards on its driver calls (k->drv_watch), tested before any charge
 * (dev_queue_xmit has seen the device running, the qdisc not, no batching,
 * no timeline and the queue not stopped): the rest of the checks the
 * general path makes after its first charge (the queue has room: it is
 * empty and tx_queue_len is not 0; run_alone_ok). None of them reads what a catch-up of the hardware could
 * change (the hardware never touches the qdisc, the device's state or the
 * knobs). The skb's SKB_QDISC place, which skb_to_driver overwrites before
 * anything could look, is not written.
 */
static inline bool alone_untraced(struct net_device *dev, const struct kit *k,
				  const struct Qdisc *q)
{
	return xmit_fixed_alone(dev) && skb_queue_empty(&q->q) && !kit_dev_broken(dev);
}

/* run_alone's path of dev_queue_xmit (alone_untraced holds), out of line: its
 * registers are its own. */
__attribute__((noinline)) int qdisc_xmit_alone(struct net_device *dev, struct sk_buff *skb)
{
	run_alone(dev, skb, XC_ENQUEUE, false);
	return NET_XMIT_SUCCESS;
}

__attribute__((noinline)) int qdisc_xmit_alone_unlinked(struct net_device *dev,
							 struct sk_buff *skb)
{
	run_alone(dev, skb, XC_ENQUEUE, true);
	return NET_XMIT_SUCCESS;
}

__attribute__((noinline)) void qdisc_alone_busy(struct net_device *dev, struct sk_buff *skb)
{
	xmit_busy(dev, skb->kit_id, false, true);
	run_alone_busy(dev, skb);
}

/* qdisc_drop: the packet does not fit (out of line: the common calls free nothing). */
__attribute__((noinline)) int qdisc_drop(struct net_device *dev, struct sk_buff *skb)
{
	dev->core.qdisc_drops++; /* qdisc_drop: sch->qstats.drops, not the device's */
	TRACE(dev->kit, TR_QDISC_DROP, dev, skb->kit_id, skb_queue_len(&dev->qdisc->q), 0, 0);
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

/* enqueue_only once the charge is made and the hardware is due: kit_charge3's
 * catch-up, then the rest. */
__attribute__((noinline)) int qdisc_enqueue_after_sync(struct net_device *dev,
						       struct sk_buff *skb)
{
	hw_sync(dev->kit);
	return enqueue_rest(dev, skb);
}

/* enqueue_only on a machine with a trace: the record needs the registers. */
__attribute__((noinline)) int qdisc_enqueue_traced(struct net_device *dev, struct sk_buff *skb)
{
	return enqueue_rest(dev, skb);
}

__attribute__((noinline)) int qdisc_enqueue_only(struct net_device *dev, struct sk_buff *skb)
{
	return enqueue_only_as(dev, skb, false);
}

static __attribute__((noinline)) int xmit_general(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	/* no catch-up first: the charge below makes it, and nothing before it
	 * looks at the hardware */
	if (!netif_running(dev) || !q) {
		sim_charge(k, COST_BH);
		dev->stats.tx_dropped++;
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	/* rcu_read_lock_bh, the qdisc root lock, the enqueue (nothing in
	 * between looks at the hardware) */
	kit_charge3(k, COST_BH, COST_LOCK, COST_QDISC);
	if (skb_queue_len(&q->q) >= dev->tx_queue_len)
		return qdisc_drop(dev, skb);
	skb_set_place(skb, SKB_QDISC);
	if (likely(dev->batch_mode == TX_BATCH_NONE) && !k->timeline) {
		if (netif_xmit_stopped(&dev->tx_queue)) {
			/* qdisc_run would find the queue stopped: without a timeline it
			 * only sets and clears q->running (its last check wants the
			 * queue running) */
			__skb_queue_tail(&q->q, skb);
			TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, skb_queue_len(&q->q), 0, 0);
			return NET_XMIT_SUCCESS;
		}
		if (likely(run_alone_ok(dev, q))) {
			/* the common packet: queued and at once taken again */
			TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, 1, 0, 0);
			run_alone(dev, skb, XC_LOCK, false);
			return NET_XMIT_SUCCESS;
		}
	}
	__skb_queue_tail(&q->q, skb);
	TRACE(k, TR_QDISC_ENQ, dev, skb->kit_id, skb_queue_len(&q->q), 0, 0);
	qdisc_run(dev);
	return NET_XMIT_SUCCESS;
}

/* Three ways in, each as the general path (xmit_general) would go, each out
 * of line: the choice saves no register. */
int dev_queue_xmit(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct kit *k = dev->kit;
	struct Qdisc *q = dev->qdisc;

	if (likely(netif_running(dev) && q)) {
		if (q->running)
			return qdisc_enqueue_only(dev, skb);
		if (likely(dev->batch_mode == TX_BATCH_NONE) && !k->timeline) {
			if (netif_xmit_stopped(&dev->tx_queue))
				return qdisc_enqueue_only(dev, skb);
			if (likely(alone_untraced(dev, k, q)))
				return qdisc_xmit_alone(dev, skb);
		}
	}
	return xmit_general(skb);
}
