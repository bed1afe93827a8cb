/* napi.c - the NAPI API in both eras: schedule, complete, enable/disable; the poll loop is netrx.c. */
#include "kit.h"

/*
 * One poll list per CPU holds both kinds of entry: a classic device
 * (dev->poll_list, 2.6.20) and a napi_struct (2.6.24+), including the
 * backlog instance that drains netif_rx's queue. Each era keeps its own
 * rules, as its kernel had them:
 *
 * Classic (2.6.20 include/linux/netdevice.h, net/core/dev.c): the device is
 * on the list while __LINK_STATE_RX_SCHED is set; __netif_rx_schedule refills
 * its quota (quota += weight if negative, else = weight); netif_rx_complete
 * BUG()s on a device that is not scheduled; netif_rx_reschedule(dev, undo)
 * returns 1 if it could take RX_SCHED back (netif_rx_schedule_prep) and
 * gives undo back to the quota; netif_poll_disable waits until it can take
 * RX_SCHED itself.
 *
 * Modern (6.x net/core/dev.c): napi_schedule_prep sets SCHED, or MISSED if
 * SCHED was already held; napi_complete_done WARNs on an instance that is
 * not scheduled, keeps SCHED and reschedules when MISSED is set (returning
 * false: the driver must not unmask), and returns true otherwise; napi_disable
 * sets DISABLE and waits until it can take SCHED.
 *
 * "Waits" is the one thing a single simulated CPU cannot do: the kit runs the
 * pending poll right there, as the softirq would before the sleeper got
 * SCHED, and a poll that cannot finish is a RULE_NAPI_DISABLE_STUCK record
 * (the kernel would hang in that loop).
 */

/* The poll list entry's classic device, NULL for a napi_struct. Only this
 * file puts classic devices on the list and takes them off, counting them
 * (classic_add, classic_del): with none there, nothing needs looking up. */
struct net_device *napi_classic_of(struct kit *k, struct list_head *e)
{
	if (likely(!k->sd.classic_listed))
		return NULL;
	for (int i = 0; i < k->ndevs; i++)
		if (e == &k->devs[i]->poll_list)
			return k->devs[i];
	return NULL;
}

static void classic_add(struct kit *k, struct net_device *dev)
{
	if (list_empty(&dev->poll_list)) {
		list_add_tail(&dev->poll_list, &k->sd.poll_list);
		k->sd.classic_listed++;
	}
}

static void classic_del(struct net_device *dev)
{
	if (!list_empty(&dev->poll_list)) {
		list_del_init(&dev->poll_list);
		dev->kit->sd.classic_listed--;
	}
}

void napi_refill_quota(struct net_device *dev)
{
	if (dev->quota < 0)
		dev->quota += dev->weight;
	else
		dev->quota = dev->weight;
}

/* The core changed the quota of the device being polled: its poll's own
 * arithmetic is checked without it (netrx.c, RULE_BUDGET_NOT_UPDATED). */
static void quota_changed(struct net_device *dev, int before)
{
	struct softnet_data *sd = &dev->kit->sd;

	if (sd->polling == dev)
		sd->poll_quota_adj += dev->quota - before;
}

/* race_rx_irq (simnic_race.c) at a poll's end. Unarmed, as it nearly always
 * is, that function's first test (rx_every 0) returns: the same test made
 * here saves the call. */
static inline void race_rx_at_end(struct net_device *dev)
{
	if (unlikely(dev->kit->race[dev->ifindex].rx_every))
		simnic_race_rx_at_end(dev);
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
	int before = dev->quota;

	classic_add(k, dev);
	napi_refill_quota(dev);
	quota_changed(dev, before);
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
		kit_bug(k, dev, RULE_RX_COMPLETE_NOT_SCHED); /* 2.6.20: BUG_ON */
		return;
	}
	race_rx_at_end(dev); /* race_rx_irq: the frame after the last look */
	classic_del(dev);
	dev->state &= ~(1UL << __LINK_STATE_RX_SCHED);
	dev->core.napi_complete++;
	if (k->sd.polling == dev)
		k->sd.poll_done = 1;
	TRACE(k, TR_NAPI_DONE, dev, 0, 1, 1, 0);
}

int netif_rx_reschedule(struct net_device *dev, int undo)
{
	struct kit *k = dev->kit;
	int before = dev->quota;

	if (!netif_rx_schedule_prep(dev))
		return 0;
	dev->quota += undo;
	quota_changed(dev, before);
	classic_add(k, dev);
	if (k->sd.polling == dev && k->sd.poll_done == 1)
		k->sd.poll_done = 2; /* the driver took its completion back */
	TRACE(k, TR_NAPI_SCHED, dev, 0, 1, 1, (u32)undo);
	raise_softirq(k, NET_RX_SOFTIRQ);
	return 1;
}

/* Wait for a pending poll, then hold RX_SCHED so nothing schedules the device. */
void netif_poll_disable(struct net_device *dev)
{
	struct kit *k = dev->kit;

	for (int i = 0; i < 4 && (dev->state & (1UL << __LINK_STATE_RX_SCHED)); i++)
		if (!napi_run_pending(k, dev, NULL))
			break;
	if ((dev->state & (1UL << __LINK_STATE_RX_SCHED)) && !kit_dev_broken(dev) &&
	    !k->dropping_driver)
		kit_warn(k, dev, RULE_NAPI_DISABLE_STUCK);
	classic_del(dev);
	dev->state |= 1UL << __LINK_STATE_RX_SCHED;
}

void netif_poll_enable(struct net_device *dev)
{
	dev->state &= ~(1UL << __LINK_STATE_RX_SCHED);
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
	napi_gro_init(napi);
	/* registered disabled, as the kernel does: napi_enable opens it */
	napi->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
}

void netif_napi_del(struct napi_struct *napi)
{
	napi_gro_drop(napi); /* flush_gro_hash */
	if (!list_empty(&napi->poll_list))
		list_del_init(&napi->poll_list);
	napi->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
}

void napi_enable(struct napi_struct *napi)
{
	napi->state &= ~(NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC) |
			 NAPIF(NAPI_STATE_MISSED) | NAPIF(NAPI_STATE_DISABLE));
}

static bool napi_held(const struct napi_struct *n)
{
	return n->state & (NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC));
}

/* Set DISABLE (no schedule succeeds from now), wait until SCHED can be taken,
 * take it, clear DISABLE. A poll that used its whole budget meanwhile is
 * completed by the core (netrx.c), as __napi_poll does while disable is pending. */
void napi_disable(struct napi_struct *n)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;

	n->state |= NAPIF(NAPI_STATE_DISABLE);
	for (int i = 0; i < 4 && napi_held(n); i++)
		if (!napi_run_pending(k, n->dev, n))
			break;
	if (napi_held(n) && !(n->dev && kit_dev_broken(n->dev)) && !k->dropping_driver)
		kit_warn(k, n->dev, RULE_NAPI_DISABLE_STUCK);
	if (!list_empty(&n->poll_list))
		list_del_init(&n->poll_list);
	n->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
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

__attribute__((noinline)) void __napi_schedule_general(struct napi_struct *n)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;

	n->schedule_general++;
	if (!n->weight)
		kit_warn(k, n->dev, RULE_WEIGHT_ZERO);
	napi_list(k, n);
	if (n->dev)
		TRACE(k, TR_NAPI_SCHED, n->dev, 0, 0, 0, 0);
	raise_softirq(k, NET_RX_SOFTIRQ);
}

/* The common schedule: a device's instance with a weight, on a machine
 * without a trace. Of the general path that leaves the list (or the
 * reschedule mark) and the softirq; nothing is called, so no register is
 * saved. */
void __napi_schedule(struct napi_struct *n)
{
	struct net_device *dev = n->dev;

	if (likely(dev && n->weight && !dev->kit->trace)) {
		struct kit *k = dev->kit;

		napi_list(k, n);
		raise_softirq(k, NET_RX_SOFTIRQ);
		return;
	}
	__napi_schedule_general(n);
}

bool napi_schedule(struct napi_struct *n)
{
	if (!napi_schedule_prep(n))
		return false;
	__napi_schedule(n);
	return true;
}

bool napi_complete_done_general(struct napi_struct *n, int work_done)
{
	struct kit *k = n->dev ? n->dev->kit : kit_current;
	bool sched = n->state & NAPIF(NAPI_STATE_SCHED);

	n->complete_general++;

	/* netpoll or a busy poller owns it (here: disabled): nothing to do */
	if (n->state & NAPIF(NAPI_STATE_NPSVC))
		return false;
	if (n->dev)
		race_rx_at_end(n->dev); /* race_rx_irq: the frame after the last look */
	if (!sched)
		kit_warn(k, n->dev, RULE_COMPLETE_NOT_SCHED); /* WARN_ON_ONCE, then on */
	/* GRO: everything held goes up (gro_flush_timeout 0), then the batch (5.x-6.14) */
	if (n->gro_bitmask)
		napi_gro_flush(n, false);
	gro_normal_list(n);
	if (!list_empty(&n->poll_list))
		list_del_init(&n->poll_list);
	if (n->state & NAPIF(NAPI_STATE_MISSED)) {
		/* an interrupt came in while we polled: stay scheduled, poll again */
		n->state &= ~NAPIF(NAPI_STATE_MISSED);
		n->state |= NAPIF(NAPI_STATE_SCHED);
		if (n->dev)
			TRACE(k, TR_NAPI_DONE, n->dev, (u32)work_done, 0, 0, 0);
		napi_list(k, n);
		raise_softirq(k, NET_RX_SOFTIRQ);
		return false;
	}
	n->state &= ~NAPIF(NAPI_STATE_SCHED);
	if (n->dev && sched) {
		n->dev->core.napi_complete++;
		TRACE(k, TR_NAPI_DONE, n->dev, (u32)work_done, 1, 0, 0);
	}
	return true;
}

/*
 * The common completion: a device's instance, scheduled, neither disabled
 * (NPSVC) nor missed, with nothing held for GRO or batched for it, the race
 * at a poll's end unarmed, on a machine without a trace. Of the general
 * path that leaves taking it off the list if it is on one, clearing SCHED
 * and the count; the rest tests for what is not there. Nothing is called, so
 * no register is saved.
 */
bool napi_complete_done(struct napi_struct *n, int work_done)
{
	struct net_device *dev = n->dev;
	unsigned long state = n->state;
	struct kit *k;

	if (unlikely(!dev))
		return napi_complete_done_general(n, work_done);
	k = dev->kit;
	if (likely((state & (NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_MISSED) |
			     NAPIF(NAPI_STATE_NPSVC))) == NAPIF(NAPI_STATE_SCHED) &&
		   !(n->gro_bitmask | (unsigned long)n->rx_count) &&
		   !k->race[dev->ifindex].rx_every && !k->trace)) {
		if (!list_empty(&n->poll_list))
			list_del_init(&n->poll_list);
		n->state = state & ~NAPIF(NAPI_STATE_SCHED);
		dev->core.napi_complete++;
		return true;
	}
	return napi_complete_done_general(n, work_done);
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

/* IMS written by the device's own poll (not by a handler nested in it) while
 * NAPI is still scheduled. */
void napi_irq_unmask_check(struct net_device *dev, u32 unmasked)
{
	struct kit *k = dev->kit;

	if (unmasked & E1000_IMS_RX)
		race_rx_at_end(dev); /* race_rx_irq: the frame after the last look */
	/* the instance still scheduled asked first: a poll's unmask comes after
	 * its completion (the common case), and the tests are reads only */
	if ((unmasked & E1000_IMS_RX) && napi_dev_scheduled(dev) && k->sd.polling == dev &&
	    k->cpu.ctx == CTX_SOFTIRQ)
		kit_warn(k, dev, RULE_IRQ_BEFORE_COMPLETE);
}

void softnet_forget_dev(struct net_device *dev)
{
	classic_del(dev);
	dev->state &= ~(1UL << __LINK_STATE_RX_SCHED);
}
