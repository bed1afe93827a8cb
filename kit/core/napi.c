/* napi.c - the NAPI API in both eras: schedule, complete, enable; the poll loop is netrx.c. */
#include "kit.h"

/*
 * One poll list per CPU holds both kinds of entry: a classic device
 * (dev->poll_list, 2.6.20) and a napi_struct (2.6.24+), including the
 * backlog instance that drains netif_rx's queue. net_rx_action is cut into
 * steps, one poll each, so a student sees every poll; the round's budget
 * (netdev_budget) and time limit (netdev_budget_usecs) carry across the
 * steps of a round. A round that runs out with work left counts a
 * time_squeeze and leaves NET_RX raised for the next round.
 *
 * Classic (net_rx_action, 2.6.20): the device stays on the list while it is
 * polled; poll(dev, &budget) subtracts its work from *budget and dev->quota;
 * returning nonzero, or a quota used up, moves it to the tail with its quota
 * refilled (quota += weight if negative, else = weight).
 *
 * Modern (napi_poll, 6.x): the instance leaves the list while polled; a poll
 * that used its whole weight goes back on the tail; one that did less must
 * have completed, or it is stranded (scheduled, listed nowhere) as in the
 * kernel. napi_complete_done keeps SCHED and reschedules when MISSED is set.
 */

struct net_device *napi_classic_of(struct kit *k, struct list_head *e)
{
	for (int i = 0; i < k->ndevs; i++)
		if (e == &k->devs[i]->poll_list)
			return k->devs[i];
	return NULL;
}

void napi_refill_quota(struct net_device *dev)
{
	if (dev->quota < 0)
		dev->quota += dev->weight;
	else
		dev->quota = dev->weight;
}

/* ---- classic ------------------------------------------------------------- */

int netif_rx_schedule_prep(struct net_device *dev)
{
	if (!netif_running(dev) || (dev->state & (1UL << __LINK_STATE_RX_SCHED)))
		return 0;
	dev->state |= 1UL << __LINK_STATE_RX_SCHED;
	return 1;
}

void __netif_rx_schedule(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (list_empty(&dev->poll_list))
		list_add_tail(&dev->poll_list, &k->sd.poll_list);
	napi_refill_quota(dev);
	if (!dev->weight)
		kit_warn(k, dev, RULE_WEIGHT_ZERO);
	TRACE(k, TR_NAPI_SCHED, dev, 0, 1, 0, 0);
	raise_softirq(k, NET_RX_SOFTIRQ);
}

void netif_rx_schedule(struct net_device *dev)
{
	if (netif_rx_schedule_prep(dev))
		__netif_rx_schedule(dev);
}

void netif_rx_complete(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (!(dev->state & (1UL << __LINK_STATE_RX_SCHED))) {
		kit_bug(k, dev, RULE_COMPLETE_NOT_SCHED);
		return;
	}
	list_del_init(&dev->poll_list);
	dev->state &= ~(1UL << __LINK_STATE_RX_SCHED);
	dev->core.napi_complete++;
	TRACE(k, TR_NAPI_DONE, dev, 0, 1, 1, 0);
}

void netif_rx_reschedule(struct net_device *dev, int undo)
{
	struct kit *k = dev->kit;

	if (dev->state & (1UL << __LINK_STATE_RX_SCHED))
		return;
	dev->state |= 1UL << __LINK_STATE_RX_SCHED;
	dev->quota += undo;
	list_add_tail(&dev->poll_list, &k->sd.poll_list);
	raise_softirq(k, NET_RX_SOFTIRQ);
}

/* ---- modern --------------------------------------------------------------- */

void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
		    int (*poll)(struct napi_struct *, int), int weight)
{
	INIT_LIST_HEAD(&napi->poll_list);
	napi->poll = poll;
	napi->weight = weight;
	napi->dev = dev;
	napi->in_poll = false;
	napi->last_budget = napi->last_work = 0;
	/* registered disabled, as the kernel does: napi_enable opens it */
	napi->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
}

void netif_napi_del(struct napi_struct *napi)
{
	if (!list_empty(&napi->poll_list))
		list_del_init(&napi->poll_list);
	napi->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
}

void napi_enable(struct napi_struct *napi)
{
	napi->state &= ~(NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC) |
			 NAPIF(NAPI_STATE_MISSED) | NAPIF(NAPI_STATE_DISABLE));
}

void napi_disable(struct napi_struct *napi)
{
	if (!list_empty(&napi->poll_list))
		list_del_init(&napi->poll_list);
	napi->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
}

bool napi_schedule_prep(struct napi_struct *n)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;

	if (n->state & NAPIF(NAPI_STATE_DISABLE))
		return false;
	if (n->state & NAPIF(NAPI_STATE_SCHED)) {
		if (!(n->state & NAPIF(NAPI_STATE_NPSVC))) {
			n->state |= NAPIF(NAPI_STATE_MISSED);
			if (n->dev)
				n->dev->core.napi_missed++;
			TRACE(k, TR_NAPI_SCHED, n->dev, 1, 0, 0, 0);
		}
		return false;
	}
	n->state |= NAPIF(NAPI_STATE_SCHED);
	return true;
}

/* On the poll list, or, if its poll is running right now, back on it after. */
static void napi_list(struct kit *k, struct napi_struct *n)
{
	if (n->in_poll)
		n->state |= NAPIF(NAPI_STATE_KIT_RESCHED);
	else if (list_empty(&n->poll_list))
		list_add_tail(&n->poll_list, &k->sd.poll_list);
}

void __napi_schedule(struct napi_struct *n)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;

	if (!n->weight)
		kit_warn(k, n->dev, RULE_WEIGHT_ZERO);
	napi_list(k, n);
	if (n->dev)
		TRACE(k, TR_NAPI_SCHED, n->dev, 0, 0, 0, 0);
	raise_softirq(k, NET_RX_SOFTIRQ);
}

bool napi_schedule(struct napi_struct *n)
{
	if (!napi_schedule_prep(n))
		return false;
	__napi_schedule(n);
	return true;
}

bool napi_complete_done(struct napi_struct *n, int work_done)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;

	if (!(n->state & NAPIF(NAPI_STATE_SCHED))) {
		kit_bug(k, n->dev, RULE_COMPLETE_NOT_SCHED);
		return false;
	}
	if (n->state & NAPIF(NAPI_STATE_NPSVC))
		return false;
	if (n->state & NAPIF(NAPI_STATE_MISSED)) {
		/* an interrupt came in while we polled: stay scheduled, poll again */
		n->state &= ~NAPIF(NAPI_STATE_MISSED);
		if (n->dev)
			TRACE(k, TR_NAPI_DONE, n->dev, (u32)work_done, 0, 0, 0);
		napi_list(k, n);
		raise_softirq(k, NET_RX_SOFTIRQ);
		return false;
	}
	n->state &= ~NAPIF(NAPI_STATE_SCHED);
	if (!list_empty(&n->poll_list))
		list_del_init(&n->poll_list);
	if (n->dev) {
		n->dev->core.napi_complete++;
		TRACE(k, TR_NAPI_DONE, n->dev, (u32)work_done, 1, 0, 0);
	}
	return true;
}

bool napi_dev_scheduled(struct net_device *dev)
{
	struct simnic_adapter *a;

	if (dev->state & (1UL << __LINK_STATE_RX_SCHED))
		return true;
	if (!simnic_is(dev))
		return false;
	a = netdev_priv(dev);
	return a->irq_mode == SIMNIC_NAPI_MODERN && (a->napi.state & NAPIF(NAPI_STATE_SCHED)) &&
	       !(a->napi.state & NAPIF(NAPI_STATE_NPSVC));
}

/* IMS written inside the device's own poll while it is still scheduled. */
void napi_irq_unmask_check(struct net_device *dev, u32 unmasked)
{
	struct kit *k = dev->kit;

	if ((unmasked & E1000_IMS_RX) && k->sd.polling == dev && napi_dev_scheduled(dev))
		kit_warn(k, dev, RULE_IRQ_BEFORE_COMPLETE);
}

void softnet_forget_dev(struct net_device *dev)
{
	if (!list_empty(&dev->poll_list))
		list_del_init(&dev->poll_list);
	dev->state &= ~(1UL << __LINK_STATE_RX_SCHED);
}
