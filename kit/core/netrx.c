/* netrx.c - net_rx_action, one poll per step: budgets, time limits, the poll list's rules. */
#include "kit.h"

/*
 * A round starts with netdev_budget packets and netdev_budget_usecs of time
 * and takes the first pollable entry of the poll list each step. A classic
 * device stays listed while polled and goes to the tail, quota refilled,
 * when it returns 1 or used its quota; a modern instance leaves the list
 * while polled and goes back on the tail if it used its whole weight (or
 * was rescheduled meanwhile). A round that runs out with work left counts a
 * time_squeeze and leaves NET_RX raised for the next round.
 */

/* Devices and instances of weight 0 are passed over (and were warned about
 * when scheduled): the kernel would spin on them, the kit lets them sit. */
static bool pollable(struct kit *k, struct list_head *e)
{
	struct net_device *dev = napi_classic_of(k, e);
	struct napi_struct *n;

	if (dev)
		return dev->weight > 0 && !kit_dev_broken(dev);
	n = list_entry(e, struct napi_struct, poll_list);
	return n->weight > 0 && !(n->dev && kit_dev_broken(n->dev));
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
	driver_enter(k, dev, "poll");
	ret = dev->poll(dev, &budget);
	driver_leave(k);
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
			napi_refill_quota(dev);
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
	driver_enter(k, dev, dev ? "poll" : NULL);
	work = n->poll(n, weight);
	driver_leave(k);
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
	dev = napi_classic_of(k, e);
	sim_charge(k, COST_CALL);
	if (dev) {
		if (dev->quota <= 0) {
			list_move_tail(&dev->poll_list, &sd->poll_list);
			napi_refill_quota(dev);
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
			budget = (int)k->knob[KNOB_NETDEV_BUDGET]; /* the quota limits it */
		if (dev->quota <= 0)
			napi_refill_quota(dev);
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
