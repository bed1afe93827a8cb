/* netrx.c - net_rx_action, one poll per step: budgets, time limits, the poll list's rules. */
#include "kit.h"

/*
 * A round starts with netdev_budget packets and netdev_budget_usecs of time
 * and takes the first pollable entry of the poll list each step. A classic
 * device stays listed while polled and goes to the tail, quota refilled,
 * when it returns 1 or used its quota; a modern instance leaves the list
 * while polled and goes back on the tail if it used its whole weight (or
 * was rescheduled meanwhile). A round that runs out of budget or time ends
 * with a time_squeeze, counted as the era of the entry just polled counts it
 * (below), and leaves NET_RX raised if work is left.
 */

/* Devices and instances of weight 0 are passed over (and were warned about
 * when scheduled): the kernel would spin on them, the kit lets them sit. */
static bool entry_pollable(struct net_device *dev, struct list_head *e)
{
	struct napi_struct *n;

	if (dev)
		return dev->weight > 0 && !kit_dev_broken(dev);
	n = list_entry(e, struct napi_struct, poll_list);
	return n->weight > 0 && !(n->dev && kit_dev_broken(n->dev));
}

static bool pollable(struct kit *k, struct list_head *e)
{
	return entry_pollable(napi_classic_of(k, e), e);
}

bool net_rx_pending(const struct kit *k)
{
	struct list_head *e;

	list_for_each(e, &k->sd.poll_list)
		if (pollable((struct kit *)k, e))
			return true;
	return false;
}

/*
 * One classic poll with *budget = budget; returns the work it did. The
 * contract (2.6.20 NAPI_HOWTO, e1000_clean): handle at most min(quota,
 * *budget), subtract the work from both, and return 0 after
 * netif_rx_complete or 1 to stay listed. An interrupt taken at the unmask
 * inside the poll may schedule the device again before it returns: 2.6.20
 * allows that (a cause raised while masked stays in ICR), so the quota the
 * core refilled meanwhile (sd->poll_quota_adj) is not the driver's, and a 0
 * return after netif_rx_complete is right even though the device is listed
 * again. The checks below are the kit's advice; the kernel checks none.
 */
static int poll_classic(struct kit *k, struct net_device *dev, int budget_in)
{
	struct softnet_data *sd = &k->sd;
	int budget = budget_in, quota = dev->quota, limit, ret, work, quota_work;
	unsigned long tx_before = dev->stats.tx_packets;

	limit = quota < budget ? quota : budget;
	TRACE(k, TR_POLL_START, dev, (u32)budget, (u32)quota, 0, 1);
	sd->polling = dev;
	sd->poll_delivered = 0;
	sd->poll_done = 0;
	sd->poll_quota_adj = 0;
	struct drvcall dc = driver_enter(k, dev, "poll");
	ret = dev->poll(dev, &budget);
	driver_leave(k, dc);
	sd->polling = NULL;
	work = budget_in - budget;
	quota_work = quota - (dev->quota - sd->poll_quota_adj);
	if (work != quota_work || (sd->poll_delivered && !work))
		kit_warn(k, dev, RULE_BUDGET_NOT_UPDATED);
	if ((u64)limit < sd->poll_delivered || work > limit)
		kit_warn(k, dev, RULE_QUOTA_EXCEEDED);
	if (!work && sd->poll_delivered)
		work = (int)sd->poll_delivered;
	TRACE(k, TR_POLL, dev, (u32)limit, (u32)work, (u32)ret, 1);
	napi_poll_progress(k, dev, "simnic_poll_classic",
			   work > 0 || sd->poll_delivered || dev->stats.tx_packets != tx_before,
			   ret != 0 && !sd->poll_done);
	dev->core.polls++;
	dev->core.poll_work += (u64)work;
	dev->core.last_budget = limit;
	dev->core.last_work = work;
	if (ret == 0) {
		if (!sd->poll_done)
			kit_warn(k, dev, RULE_POLL_RET_CLASSIC); /* "done", never completed */
		/* the kernel leaves a listed device at the head and polls it again at
		 * once; the kit moves it to the tail so the machine can go on */
		if (!list_empty(&dev->poll_list) && dev->poll_list.next != &sd->poll_list &&
		    !sd->poll_done)
			list_move_tail(&dev->poll_list, &sd->poll_list);
	} else if (sd->poll_done == 1) {
		kit_bug(k, dev, RULE_POLL_MORE_AFTER_COMPLETE);
	} else {
		list_move_tail(&dev->poll_list, &sd->poll_list);
		napi_refill_quota(dev);
	}
	return work;
}

/*
 * A poll that does nothing and asks to be polled again, forever, keeps
 * NET_RX (ksoftirqd in a kernel) busy for good: the CPU never gets back to
 * anything else. The kernel's watchdog reports a CPU stuck that way after
 * 2 * watchdog_thresh = 20 s; the kit, whose polls cost microseconds, calls it
 * a soft lockup after POLL_LOCKUP polls in a row without progress (no frame
 * handled or passed up, no TX reclaimed) that all asked for more, marks the
 * device broken and stops the run.
 */
#define POLL_LOCKUP 10000

void napi_poll_progress(struct kit *k, struct net_device *dev, const char *fn, bool progress,
			bool more)
{
	if (progress || !more) {
		dev->core.empty_polls = 0;
		return;
	}
	if (++dev->core.empty_polls >= POLL_LOCKUP) {
		dev->core.empty_polls = 0;
		kit_lockup(k, dev, fn, POLL_LOCKUP, 0);
	}
}

/* One modern poll with this budget (the weight in net_rx_action), as 6.x
 * napi_poll / __napi_poll make it. */
static int poll_modern(struct kit *k, struct napi_struct *n, int weight)
{
	struct softnet_data *sd = &k->sd;
	struct net_device *dev = n->dev;
	unsigned long tx_before = dev ? dev->stats.tx_packets : 0;
	int work;

	list_del_init(&n->poll_list);
	n->state &= ~NAPIF(NAPI_STATE_KIT_RESCHED);
	if (dev)
		TRACE(k, TR_POLL_START, dev, (u32)weight, 0, 0, 0);
	n->in_poll = true;
	n->last_budget = weight;
	sd->polling = dev;
	sd->poll_delivered = 0;
	/* a device's poll nobody watches (no timeline, no guards: the kit sets
	 * both up between driver calls; drvcall.h says how a change during one
	 * is taken) is entered and left quietly */
	bool quiet = dev && !k->drv_watch;
	struct drvcall dc = driver_enter_as(k, dev, dev ? "poll" : NULL, quiet);
	work = n->poll(n, weight);
	driver_leave_as(k, dc, quiet);
	sd->polling = NULL;
	n->in_poll = false;
	n->last_work = work;
	/* The common poll: a device's, some work and less than its weight. It
	 * made progress and asks for no more (napi_poll_progress), no rule
	 * applies and the budget is not used up: what is left of the general
	 * path below is the record, the counts and a reschedule while it ran. */
	if (likely(dev && work > 0 && work < weight)) {
		TRACE(k, TR_POLL, dev, (u32)weight, (u32)work, (u32)work, 0);
		dev->core.empty_polls = 0;
		dev->core.polls++;
		dev->core.poll_work += (u64)work;
		dev->core.last_budget = weight;
		dev->core.last_work = work;
		if ((n->state & NAPIF(NAPI_STATE_SCHED)) && list_empty(&n->poll_list) &&
		    (n->state & NAPIF(NAPI_STATE_KIT_RESCHED)))
			list_add_tail(&n->poll_list, &sd->poll_list);
		n->state &= ~NAPIF(NAPI_STATE_KIT_RESCHED);
		return work;
	}
	if (dev) {
		TRACE(k, TR_POLL, dev, (u32)weight, (u32)work, (u32)work, 0);
		napi_poll_progress(k, dev, "simnic_poll",
				   work <= 0 ? sd->poll_delivered || dev->stats.tx_packets != tx_before :
					       work < weight || sd->poll_delivered ||
						       dev->stats.tx_packets != tx_before,
				   work >= weight && weight > 0);
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
	/* __napi_poll: the whole weight used while napi_disable waits: complete it */
	if (work == weight && weight > 0 && (n->state & NAPIF(NAPI_STATE_DISABLE)) &&
	    (n->state & NAPIF(NAPI_STATE_SCHED)))
		napi_complete(n);
	/* budget used up, still ours: napi_poll (5.x-6.14) flushes GRO packets
	 * older than this jiffy (all of them if HZ < 1000) and the batch */
	if (work == weight && weight > 0 && (n->state & NAPIF(NAPI_STATE_SCHED))) {
		if (n->gro_bitmask)
			napi_gro_flush(n, HZ >= 1000);
		gro_normal_list(n);
	}
	/* budget used up: poll again; or scheduled again while it ran */
	if ((n->state & NAPIF(NAPI_STATE_SCHED)) && list_empty(&n->poll_list) &&
	    ((work == weight && weight > 0) || (n->state & NAPIF(NAPI_STATE_KIT_RESCHED))))
		list_add_tail(&n->poll_list, &sd->poll_list);
	n->state &= ~NAPIF(NAPI_STATE_KIT_RESCHED);
	return work;
}

/* End the round with a time_squeeze record: NET_RX stays raised if work is left. */
static void squeeze(struct kit *k)
{
	struct softnet_data *sd = &k->sd;

	sd->time_squeeze++;
	TRACE(k, TR_SQUEEZE, NULL, (u32)sd->rx_budget,
	      (u32)((k->now - sd->rx_round_start) / NSEC_PER_USEC), 0, 0);
	sd->rx_round = false;
}

/* One poll of the round. Returns net_rx_pending(k) as it stands after the
 * poll where the step found it out (1 or 0), else -1: the caller's next
 * question, answered without a second walk of the poll list. */
int net_rx_step(struct kit *k)
{
	struct softnet_data *sd = &k->sd;
	struct list_head *e;
	struct net_device *dev;
	bool exhausted;

	if (!sd->rx_round) {
		if (!net_rx_pending(k))
			return 0;
		sd->rx_round = true;
		sd->rx_budget = (int)k->knob[KNOB_NETDEV_BUDGET];
		sd->rx_round_start = k->now;
		sd->softirq_runs++;
		sim_charge(k, COST_SOFTIRQ);
		TRACE(k, TR_SOFTIRQ, NULL, NET_RX_SOFTIRQ, (u32)sd->rx_budget, 0, 0);
	}
	/* the first pollable entry (and its device if classic, looked up once);
	 * weight-0 devices are passed over for good */
	list_for_each(e, &sd->poll_list)
		if (entry_pollable(dev = napi_classic_of(k, e), e))
			break;
	if (e == &sd->poll_list) { /* none pollable: nothing pending */
		sd->rx_round = false;
		return 0;
	}
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
	exhausted = sd->rx_budget <= 0 ||
		    k->now - sd->rx_round_start >= (u64)k->knob[KNOB_NETDEV_BUDGET_US] * NSEC_PER_USEC;
	/*
	 * The squeeze as each era counts it, by the era of the entry just polled:
	 * 2.6.20 tests budget and time at the top of its loop, so only while the
	 * list still holds work; 6.x tests them after every poll and counts a
	 * squeeze even when nothing is left.
	 */
	if (dev) {
		if (!net_rx_pending(k)) {
			sd->rx_round = false;
			return 0;
		}
		if (exhausted)
			squeeze(k);
		return 1;
	}
	if (exhausted) {
		squeeze(k);
		return -1;
	}
	if (!net_rx_pending(k)) {
		sd->rx_round = false;
		return 0;
	}
	return 1;
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

/*
 * napi_disable / netif_poll_disable sleep until the softirq has run the
 * pending poll and they can take SCHED. On one simulated CPU that poll runs
 * here, in softirq context. It cannot run for a device that crashed in
 * driver code, one of weight 0 (never polled), or from inside that very poll;
 * and it is not run while the driver itself is being replaced or the machine
 * freed (the frames then go with the ring, as the old code is not trusted).
 */
bool napi_run_pending(struct kit *k, struct net_device *dev, struct napi_struct *n)
{
	const char *what = k->ev_what, *name = k->ev_name;
	enum kit_ctx prev;

	if ((dev && kit_dev_broken(dev)) || k->sd.polling == dev || k->dropping_driver)
		return false;
	if (n) {
		if (!(n->state & NAPIF(NAPI_STATE_SCHED)) || (n->state & NAPIF(NAPI_STATE_NPSVC)) ||
		    n->in_poll || n->weight <= 0 || !n->poll)
			return false;
	} else if (!dev || !dev->poll || dev->weight <= 0 || list_empty(&dev->poll_list)) {
		return false;
	}
	prev = cpu_enter(k, CTX_SOFTIRQ);
	kit_doing(k, "napi_disable", dev ? dev->name : NULL);
	if (n) {
		poll_modern(k, n, n->weight);
	} else {
		if (dev->quota <= 0)
			napi_refill_quota(dev);
		poll_classic(k, dev, (int)k->knob[KNOB_NETDEV_BUDGET]);
	}
	if (!net_rx_pending(k))
		k->cpu.softirq_pending &= ~(1u << NET_RX_SOFTIRQ);
	kit_doing(k, what, name);
	cpu_leave(k, prev);
	return true;
}
