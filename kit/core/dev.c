/* dev.c - net_device life cycle, queue flow control and the TX watchdog (2.6 API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

/*
 * Queue state lives in dev->state as in 2.6.20: __LINK_STATE_XOFF is the
 * driver's "stop". netif_wake_queue clears it and reschedules the qdisc
 * (NET_TX softirq), netif_start_queue only clears it. BQL's own stop,
 * __QUEUE_STATE_STACK_XOFF, is in dev->tx_queue (dql.c); the core sends
 * nothing while either is set (netif_xmit_stopped).
 *
 * The watchdog is 2.6.20's dev_watchdog (sch_generic.c): a timer started when
 * the device comes up (dev_activate, and again at carrier on) and re-armed
 * every watchdog_timeo jiffies while it is up; each tick calls tx_timeout if
 * the queue is stopped and time_after(jiffies, trans_start + watchdog_timeo).
 * A tick finding the queue running does nothing, so the kit schedules only
 * the ticks that can matter: while the queue is stopped it arms the next tick
 * of that same period (start + n * watchdog_timeo, the moments the periodic
 * timer would fire), and it cancels it when the queue runs again. The checks
 * happen at the same jiffies as the kernel's, and an idle machine has no
 * timer left, so `run until idle` ends. The queue test is netif_xmit_stopped
 * (both stops, as dev_watchdog since BQL): a queue BQL holds because
 * completions stopped coming has hung as surely as one the driver stopped.
 */

static void dev_watchdog(struct timer_list *t);

struct net_device *alloc_netdev(int sizeof_priv, const char *name,
				void (*setup)(struct net_device *))
{
	size_t base = (sizeof(struct net_device) + 63) & ~(size_t)63;
	struct net_device *dev;

	if (sizeof_priv < 0 || !kit_current)
		return NULL;
	dev = aligned_alloc(64, base + (((size_t)sizeof_priv + 63) & ~(size_t)63));
	if (!dev)
		return NULL;
	memset(dev, 0, base + (size_t)sizeof_priv);
	dev->priv = (char *)dev + base;
	dev->kit = kit_current;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->ifindex = -1;
	dev->state = 1UL << __LINK_STATE_NOCARRIER;
	dev->bql = true; /* CONFIG_BQL=y, the kernel's default */
	dev->tx_queue.dev = dev;
	dql_init(&dev->tx_queue.dql, HZ); /* netdev_init_one_queue: hold time 1 s */
	INIT_LIST_HEAD(&dev->poll_list);
	skb_queue_head_init(&dev->blist_head);
	skb_queue_head_init(&dev->skb_blist_head);
	if (setup)
		setup(dev);
	return dev;
}

void ether_setup(struct net_device *dev)
{
	dev->hard_header_len = ETH_HLEN;
	dev->mtu = ETH_DATA_LEN;
	dev->addr_len = ETH_ALEN;
	dev->tx_queue_len = 1000;
	dev->flags = IFF_BROADCAST;
	memset(dev->broadcast, 0xff, ETH_ALEN);
}

struct net_device *alloc_etherdev(int sizeof_priv)
{
	return alloc_netdev(sizeof_priv, "eth%d", ether_setup);
}

/* "sn%d" -> the lowest free sn<N> */
static int dev_alloc_name(struct kit *k, struct net_device *dev)
{
	char pat[IFNAMSIZ];

	if (!strstr(dev->name, "%d"))
		return 0;
	snprintf(pat, sizeof(pat), "%s", dev->name);
	for (int n = 0; n < 100; n++) {
		bool used = false;

		snprintf(dev->name, sizeof(dev->name), pat, n);
		for (int i = 0; i < k->ndevs; i++)
			used |= !strcmp(k->devs[i]->name, dev->name);
		if (!used)
			return 0;
	}
	return -EINVAL;
}

int register_netdev(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (dev->registered || k->ndevs == KIT_MAX_DEVS)
		return -EINVAL;
	if (dev_alloc_name(k, dev) || qdisc_create(dev))
		return -EINVAL;
	dev->ifindex = k->ndevs;
	k->devs[k->ndevs++] = dev;
	dev->blist = &dev->blist_head;
	dev->skb_blist = &dev->skb_blist_head;
	if (dev->xmit_win < 1)
		dev->xmit_win = 1;
	dev->state |= 1UL << __LINK_STATE_PRESENT;
	dev->registered = true;
	timer_setup(k, &k->watchdog[dev->ifindex], dev_watchdog, dev->name);
	return 0;
}

void unregister_netdev(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (!dev->registered)
		return;
	dev_close(dev);
	del_timer(k, &k->watchdog[dev->ifindex]);
	skb_queue_purge(&dev->blist_head);
	skb_queue_purge(&dev->skb_blist_head);
	qdisc_destroy(dev);
	for (int i = 0; i < k->sd.output_n; i++)
		if (k->sd.output_queue[i] == dev)
			k->sd.output_queue[i] = k->sd.output_queue[--k->sd.output_n];
	dev->registered = false;
}

void free_netdev(struct net_device *dev)
{
	free(dev);
}

int dev_open(struct net_device *dev)
{
	int rc = 0;

	if (netif_running(dev))
		return 0;
	if (dev->open)
		rc = dev->open(dev);
	if (rc)
		return rc;
	dev->state |= 1UL << __LINK_STATE_START;
	dev->flags |= IFF_UP;
	/* dev_activate: trans_start = jiffies, and the watchdog's period starts */
	dev->trans_start = (unsigned long)kit_jiffies(dev->kit);
	netdev_watchdog_up(dev);
	return 0;
}

int dev_close(struct net_device *dev)
{
	if (!netif_running(dev))
		return 0;
	dev->state &= ~(1UL << __LINK_STATE_START);
	dev->flags &= ~IFF_UP;
	if (dev->stop)
		dev->stop(dev);
	/* dev_deactivate: the watchdog down, the qdisc and the batch lists reset */
	del_timer(dev->kit, &dev->kit->watchdog[dev->ifindex]);
	if (dev->qdisc)
		skb_queue_purge(&dev->qdisc->q);
	skb_queue_purge(&dev->blist_head);
	skb_queue_purge(&dev->skb_blist_head);
	return 0;
}

void netif_carrier_on(struct net_device *dev)
{
	dev->state &= ~(1UL << __LINK_STATE_NOCARRIER);
	if (netif_running(dev))
		netdev_watchdog_up(dev); /* as 2.6.20: the period starts again */
}

void netif_carrier_off(struct net_device *dev)
{
	dev->state |= 1UL << __LINK_STATE_NOCARRIER;
}

static unsigned long watchdog_timeo(const struct net_device *dev)
{
	return dev->watchdog_timeo > 0 ? (unsigned long)dev->watchdog_timeo : 5 * HZ;
}

/* __netdev_watchdog_up: only for a driver with tx_timeout; <= 0 becomes 5 * HZ. */
void netdev_watchdog_up(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (!dev->tx_timeout || !dev->registered)
		return;
	if (dev->watchdog_timeo <= 0)
		dev->watchdog_timeo = 5 * HZ;
	k->watchdog_start[dev->ifindex] = kit_jiffies(k);
	del_timer(k, &k->watchdog[dev->ifindex]);
	netdev_watchdog_update(dev);
}

/* Arm the periodic timer's next tick while the queue is stopped; cancel it otherwise. */
void netdev_watchdog_update(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct timer_list *t;
	u64 period, start, n;

	if (!dev->registered)
		return;
	t = &k->watchdog[dev->ifindex];
	if (!netif_xmit_stopped(&dev->tx_queue) || !netif_running(dev) || !dev->tx_timeout) {
		del_timer(k, t);
		return;
	}
	if (ev_queued(&t->ev) || t->is_due)
		return;
	period = (u64)watchdog_timeo(dev) * NSEC_PER_JIFFY;
	start = (u64)k->watchdog_start[dev->ifindex] * NSEC_PER_JIFFY;
	n = k->now >= start ? (k->now - start) / period + 1 : 1;
	mod_timer(k, t, start + n * period);
}

/*
 * The queue's stop and start are out of line (noinline): a driver calls them
 * when its ring fills or at open, not per packet, and inlined into its
 * maybe_stop_tx they would make the common early return save and restore
 * the registers they need, twice per packet.
 */
__attribute__((noinline)) void netif_start_queue(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (netif_queue_stopped(dev))
		TRACE(k, TR_QUEUE_START, dev, 0, 0, 0, 0);
	dev->state &= ~(1UL << __LINK_STATE_XOFF);
	netdev_watchdog_update(dev);
}

__attribute__((noinline)) void netif_stop_queue(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (netif_queue_stopped(dev))
		return;
	/* race_tx_reclaim: another CPU's reclaim in the gap before the stop */
	if (unlikely(k->race_armed) && k->race[dev->ifindex].every)
		simnic_race_at_stop(dev);
	dev->state |= 1UL << __LINK_STATE_XOFF;
	dev->core.queue_stops++;
	TRACE(k, TR_QUEUE_STOP, dev, dev_tx_free(dev), 0, 0, 0);
	netdev_watchdog_update(dev);
}

void __netif_schedule(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct softnet_data *sd = &k->sd;

	for (int i = 0; i < sd->output_n; i++)
		if (sd->output_queue[i] == dev)
			goto raise;
	if (sd->output_n < KIT_MAX_DEVS)
		sd->output_queue[sd->output_n++] = dev;
raise:
	raise_softirq(k, NET_TX_SOFTIRQ);
}

void netif_wake_queue(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (!netif_queue_stopped(dev))
		return;
	dev->state &= ~(1UL << __LINK_STATE_XOFF);
	dev->core.queue_wakes++;
	TRACE(k, TR_QUEUE_WAKE, dev, dev_tx_free(dev), 0, 0, 0);
	netdev_watchdog_update(dev);
	__netif_schedule(dev);
}

/* One tick of dev_watchdog (2.6.20 sch_generic.c): the test, then the re-arm. */
static void dev_watchdog_check(struct net_device *dev)
{
	struct kit *k = dev->kit;
	unsigned long now = kit_jiffies(k), timeo = watchdog_timeo(dev);

	if (!netif_running(dev) || !netif_carrier_ok(dev) || !dev->tx_timeout ||
	    kit_dev_broken(dev))
		return;
	if (netif_xmit_stopped(&dev->tx_queue) && time_after(now, dev->trans_start + timeo)) {
		TRACE(k, TR_WATCHDOG, dev, (u32)(now - dev->trans_start), 0, 0, 0);
		kit_warn(k, dev, RULE_TX_TIMEOUT);
		dev->core.tx_timeouts++;
		struct drvcall dc = driver_enter(k, dev, "tx_timeout");
		dev->tx_timeout(dev);
		driver_leave(k, dc);
	}
	/* mod_timer(jiffies + watchdog_timeo): the kit keeps it only while stopped */
	netdev_watchdog_update(dev);
}

static void dev_watchdog(struct timer_list *t)
{
	struct kit *k = kit_current;

	for (int i = 0; i < k->ndevs; i++)
		if (&k->watchdog[i] == t)
			dev_watchdog_check(k->devs[i]);
}

int kit_dev_watchdog(struct net_device *dev)
{
	struct kit *k = kit_enter(dev->kit);
	enum kit_ctx prev = cpu_enter(k, CTX_SOFTIRQ);
	u64 before = dev->core.tx_timeouts;

	hw_catch_up(k);
	dev_watchdog_check(dev);
	cpu_leave(k, prev);
	return dev->core.tx_timeouts != before;
}
