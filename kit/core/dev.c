/* dev.c - net_device life cycle, queue flow control and the TX watchdog (2.6 API). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"

/*
 * Queue state lives in dev->state as in 2.6.20: __LINK_STATE_XOFF is the
 * driver's "stop". netif_wake_queue clears it and reschedules the qdisc
 * (NET_TX softirq), netif_start_queue only clears it.
 *
 * The watchdog (sch_generic.c dev_watchdog): when the queue has been stopped
 * and nothing was sent for watchdog_timeo, the core calls tx_timeout. The
 * kit arms the timer only while the queue is stopped, so an idle machine has
 * no events left; the test at expiry is the kernel's.
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
	del_timer(dev->kit, &dev->kit->watchdog[dev->ifindex]);
	return 0;
}

void netif_carrier_on(struct net_device *dev)
{
	dev->state &= ~(1UL << __LINK_STATE_NOCARRIER);
}

void netif_carrier_off(struct net_device *dev)
{
	dev->state |= 1UL << __LINK_STATE_NOCARRIER;
}

/* Fire timeo after since (the last transmit, or the last timeout). */
static void watchdog_arm(struct net_device *dev, u64 since)
{
	struct kit *k = dev->kit;
	int timeo = dev->watchdog_timeo > 0 ? dev->watchdog_timeo : 5 * HZ;
	u64 at = since + (u64)timeo * (NSEC_PER_SEC / HZ);

	if (!dev->tx_timeout || !netif_running(dev))
		return;
	if (at <= k->now)
		at = k->now + 1;
	mod_timer(k, &k->watchdog[dev->ifindex], at);
}

void netif_start_queue(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (netif_queue_stopped(dev))
		TRACE(k, TR_QUEUE_START, dev, 0, 0, 0, 0);
	dev->state &= ~(1UL << __LINK_STATE_XOFF);
	del_timer(k, &k->watchdog[dev->ifindex]);
}

void netif_stop_queue(struct net_device *dev)
{
	struct kit *k = dev->kit;

	if (netif_queue_stopped(dev))
		return;
	dev->state |= 1UL << __LINK_STATE_XOFF;
	dev->core.queue_stops++;
	TRACE(k, TR_QUEUE_STOP, dev, dev_tx_free(dev), 0, 0, 0);
	watchdog_arm(dev, dev->trans_start);
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
	del_timer(k, &k->watchdog[dev->ifindex]);
	__netif_schedule(dev);
}

/* The watchdog test (dev_watchdog in sch_generic.c). */
static void dev_watchdog_check(struct net_device *dev)
{
	struct kit *k = dev->kit;
	int timeo = dev->watchdog_timeo > 0 ? dev->watchdog_timeo : 5 * HZ;
	u64 timeo_ns = (u64)timeo * (NSEC_PER_SEC / HZ);

	if (!netif_running(dev) || !netif_carrier_ok(dev) || !netif_queue_stopped(dev) ||
	    !dev->tx_timeout || kit_dev_broken(dev))
		return;
	if (k->now < dev->trans_start + timeo_ns) {
		watchdog_arm(dev, dev->trans_start);
		return;
	}
	TRACE(k, TR_WATCHDOG, dev, (u32)((k->now - dev->trans_start) / NSEC_PER_MSEC), 0, 0, 0);
	kit_warn(k, dev, RULE_TX_TIMEOUT);
	dev->core.tx_timeouts++;
	driver_enter(k, dev, "tx_timeout");
	dev->tx_timeout(dev);
	driver_leave(k);
	/* still stopped: look again after another timeout */
	if (netif_queue_stopped(dev))
		watchdog_arm(dev, k->now);
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
