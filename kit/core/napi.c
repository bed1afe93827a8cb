/* napi.c - NAPI in both eras and net_rx_action, one poll per step. */
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

static struct net_device *classic_of(struct kit *k, struct list_head *e)
{
	for (int i = 0; i < k->ndevs; i++)
		if (e == &k->devs[i]->poll_list)
			return k->devs[i];
	return NULL;
}

static void refill_quota(struct net_device *dev)
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
	refill_quota(dev);
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

#define NAPIF(bit) (1UL << (bit))

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

/* ---- net_rx_action, one poll at a time -------------------------------------- */

static bool pollable(struct kit *k, struct list_head *e)
{
	struct net_device *dev = classic_of(k, e);

	return !dev || (dev->weight > 0 && !kit_dev_broken(dev));
}

bool net_rx_pending(const struct kit *k)
{
	struct list_head *e;

	list_for_each(e, &k->sd.poll_list)
		if (pollable((struct kit *)k, e))
			return true;
	return false;
}

/* One classic poll with *budget = budget; returns the work it did. */
static int poll_classic(struct kit *k, struct net_device *dev, int budget_in)
{
	struct softnet_data *sd = &k->sd;
	int budget = budget_in, quota = dev->quota, limit, ret, work;

	limit = quota < budget ? quota : budget;
	TRACE(k, TR_POLL_START, dev, (u32)budget, (u32)quota, 0, 1);
	sd->polling = dev;
	sd->poll_delivered = 0;
	k->lab_running = "poll";
	k->lab_calls++;
	k->dev_running = dev;
	ret = dev->poll(dev, &budget);
	k->lab_running = NULL;
	k->dev_running = NULL;
	sd->polling = NULL;
	work = budget_in - budget;
	if (work != quota - dev->quota || (sd->poll_delivered && !work))
		kit_warn(k, dev, RULE_BUDGET_NOT_UPDATED);
	if ((u64)limit < sd->poll_delivered || work > limit)
		kit_warn(k, dev, RULE_QUOTA_EXCEEDED);
	if (!work && sd->poll_delivered)
		work = (int)sd->poll_delivered;
	TRACE(k, TR_POLL, dev, (u32)limit, (u32)work, (u32)ret, 1);
	dev->core.polls++;
	dev->core.poll_work += (u64)work;
	dev->core.last_budget = limit;
	dev->core.last_work = work;
	if (ret == 0) {
		if (dev->state & (1UL << __LINK_STATE_RX_SCHED))
			kit_warn(k, dev, RULE_POLL_RET_CLASSIC); /* "done" but still listed */
		if (!list_empty(&dev->poll_list) && dev->poll_list.next != &sd->poll_list)
			list_move_tail(&dev->poll_list, &sd->poll_list);
	} else {
		if (!(dev->state & (1UL << __LINK_STATE_RX_SCHED)))
			kit_warn(k, dev, RULE_POLL_RET_CLASSIC); /* completed, yet "more" */
		else {
			list_move_tail(&dev->poll_list, &sd->poll_list);
			refill_quota(dev);
		}
	}
	return work;
}

/* One modern poll with this budget (the weight in net_rx_action). */
static int poll_modern(struct kit *k, struct napi_struct *n, int weight)
{
	struct softnet_data *sd = &k->sd;
	struct net_device *dev = n->dev;
	int work;

	list_del_init(&n->poll_list);
	n->state &= ~NAPIF(NAPI_STATE_KIT_RESCHED);
	if (dev)
		TRACE(k, TR_POLL_START, dev, (u32)weight, 0, 0, 0);
	n->in_poll = true;
	n->last_budget = weight;
	sd->polling = dev;
	sd->poll_delivered = 0;
	k->lab_running = dev ? "poll" : NULL;
	k->lab_calls++;
	k->dev_running = dev;
	work = n->poll(n, weight);
	k->lab_running = NULL;
	k->dev_running = NULL;
	sd->polling = NULL;
	n->in_poll = false;
	n->last_work = work;
	if (dev) {
		TRACE(k, TR_POLL, dev, (u32)weight, (u32)work, (u32)work, 0);
		dev->core.polls++;
		dev->core.poll_work += (u64)(work > 0 ? work : 0);
		dev->core.last_budget = weight;
		dev->core.last_work = work;
	}
	if (work > weight) {
		kit_warn(k, dev, RULE_POLL_OVER_BUDGET);
		work = weight;
	}
	if (work < 0)
		work = 0;
	if (work == weight && weight > 0 && !(n->state & NAPIF(NAPI_STATE_SCHED)))
		kit_warn(k, dev, RULE_COMPLETE_AT_BUDGET); /* kept off the list */
	/* budget used up: poll again; or scheduled again while it ran */
	if ((n->state & NAPIF(NAPI_STATE_SCHED)) && list_empty(&n->poll_list) &&
	    ((work == weight && weight > 0) || (n->state & NAPIF(NAPI_STATE_KIT_RESCHED))))
		list_add_tail(&n->poll_list, &sd->poll_list);
	n->state &= ~NAPIF(NAPI_STATE_KIT_RESCHED);
	return work;
}

void net_rx_step(struct kit *k)
{
	struct softnet_data *sd = &k->sd;
	struct list_head *e;
	struct net_device *dev;

	if (!sd->rx_round) {
		if (!net_rx_pending(k))
			return;
		sd->rx_round = true;
		sd->rx_budget = (int)k->knob[KNOB_NETDEV_BUDGET];
		sd->rx_round_start = k->now;
		sd->softirq_runs++;
		sim_charge(k, COST_SOFTIRQ);
		TRACE(k, TR_SOFTIRQ, NULL, NET_RX_SOFTIRQ, (u32)sd->rx_budget, 0, 0);
	}
	/* the first pollable entry; weight-0 devices are passed over for good */
	list_for_each(e, &sd->poll_list)
		if (pollable(k, e))
			break;
	if (e == &sd->poll_list) {
		sd->rx_round = false;
		return;
	}
	dev = classic_of(k, e);
	sim_charge(k, COST_CALL);
	if (dev) {
		if (dev->quota <= 0) {
			list_move_tail(&dev->poll_list, &sd->poll_list);
			refill_quota(dev);
		} else {
			sd->rx_budget -= poll_classic(k, dev, sd->rx_budget);
		}
	} else {
		struct napi_struct *n = list_entry(e, struct napi_struct, poll_list);

		sd->rx_budget -= poll_modern(k, n, n->weight);
	}
	if (!net_rx_pending(k)) {
		sd->rx_round = false;
		return;
	}
	if (sd->rx_budget <= 0 ||
	    k->now - sd->rx_round_start >= (u64)k->knob[KNOB_NETDEV_BUDGET_US] * NSEC_PER_USEC) {
		sd->time_squeeze++;
		TRACE(k, TR_SQUEEZE, NULL, (u32)sd->rx_budget,
		      (u32)((k->now - sd->rx_round_start) / NSEC_PER_USEC), 0, 0);
		sd->rx_round = false;
	}
}

/* A poll the student asks for: this device, now, with this budget. */
int napi_poll_dev(struct kit *k, struct net_device *dev, int budget)
{
	struct simnic_adapter *a = netdev_priv(dev);
	int work;

	if (dev->poll && (dev->state & (1UL << __LINK_STATE_RX_SCHED))) {
		if (budget <= 0)
			budget = dev->weight;
		if (dev->quota <= 0)
			refill_quota(dev);
		work = poll_classic(k, dev, budget);
	} else if (simnic_is(dev) && a->irq_mode == SIMNIC_NAPI_MODERN &&
		   napi_dev_scheduled(dev)) {
		work = poll_modern(k, &a->napi, budget > 0 ? budget : a->napi.weight);
	} else {
		return -1;
	}
	if (!net_rx_pending(k))
		k->cpu.softirq_pending &= ~(1u << NET_RX_SOFTIRQ);
	return work;
}
