/* simnic_param.c - per-device settings (ethtool -G/-C/-K, `set`): check, store, apply. */
#include <stdio.h>

#include "kit.h"
#include "hw/nic_hw.h"

/*
 * Ring sizes, the receive mode and VLAN stripping need the device taken down
 * and up (as e1000's ethtool -G does); coalescing goes straight to the NIC's registers;
 * the batching mode and LRO switch the driver's entry points in place.
 */

long simnic_param_get(struct net_device *dev, int id)
{
	struct simnic_adapter *a = netdev_priv(dev);

	switch (id) {
	case P_TX_RING: return a->cfg.tx_ring;
	case P_RX_RING: return a->cfg.rx_ring;
	case P_RX_USECS: return a->cfg.rx_usecs;
	case P_RX_FRAMES: return a->cfg.rx_frames;
	case P_TX_USECS: return a->cfg.tx_usecs;
	case P_ITR: return a->cfg.itr_ns;
	case P_WEIGHT: return dev->weight;
	case P_TX_QUEUE_LEN: return (long)dev->tx_queue_len;
	case P_XMIT_WIN: return dev->xmit_win;
	case P_NAPI: return a->irq_mode;
	case P_BATCHING: return dev->batch_mode;
	case P_LRO: return a->lro_enabled;
	case P_LRO_MAX_AGGR: return a->cfg.lro_max_aggr;
	case P_LRO_MAX_DESC: return a->cfg.lro_max_desc;
	case P_TX_WAKE: return a->cfg.tx_wake;
	case P_RX_REFILL: return a->cfg.rx_refill;
	case P_WATCHDOG: return dev->watchdog_timeo;
	case P_FAULT_LOCKUP: return (long)a->cfg.fault_lockup;
	case P_FAULT_DD_DELAY: return (long)a->cfg.fault_dd_delay;
	case P_BQL: return dev->bql;
	case P_RACE_RECLAIM: return simnic_race_get(dev);
	case P_RACE_RX_IRQ: return simnic_race_rx_get(dev);
	case P_RX_VLAN: return a->cfg.rx_vlan;
	case P_GRO: return !!(dev->features & NETIF_F_GRO);
	default: return 0;
	}
}

/* Put what sits on a batch list back at the head of the qdisc, in order. */
static void requeue_all(struct net_device *dev, struct sk_buff_head *l)
{
	struct sk_buff *skb;

	while ((skb = l->prev) != (struct sk_buff *)l) {
		__skb_unlink(skb, l);
		skb_set_place(skb, SKB_QDISC);
		__skb_queue_head(&dev->qdisc->q, skb);
	}
}

static void drain_blists(struct net_device *dev)
{
	requeue_all(dev, dev->skb_blist);
	requeue_all(dev, dev->blist);
}

int simnic_param_set(struct net_device *dev, int id, long v, char *err, size_t errlen)
{
	struct kit *k = kit_enter(dev->kit);
	struct simnic_adapter *a = netdev_priv(dev);
	struct nic *hw = a->hw;
	bool reopen = false;

	switch (id) {
	case P_TX_RING:
	case P_RX_RING:
		if (id == P_TX_RING)
			a->cfg.tx_ring = (unsigned int)v;
		else
			a->cfg.rx_ring = (unsigned int)v;
		reopen = true;
		break;
	case P_RX_USECS:
		a->cfg.rx_usecs = (unsigned int)v;
		if (netif_running(dev))
			ew32(RDTR, (a->cfg.rx_usecs * 1000 + 1023) / 1024);
		break;
	case P_RX_FRAMES:
		a->cfg.rx_frames = (unsigned int)v;
		if (netif_running(dev))
			ew32(RXFR, a->cfg.rx_frames);
		break;
	case P_TX_USECS:
		a->cfg.tx_usecs = (unsigned int)v;
		/* descriptors from now on ask for the delay (IDE) only if there is one */
		if (v)
			a->txd_cmd |= E1000_TXD_CMD_IDE;
		else
			a->txd_cmd &= ~(u32)E1000_TXD_CMD_IDE;
		if (netif_running(dev))
			ew32(TIDV, a->cfg.tx_usecs);
		break;
	case P_ITR:
		a->cfg.itr_ns = (unsigned int)v;
		if (netif_running(dev))
			ew32(ITR, a->cfg.itr_ns / 256);
		break;
	case P_WEIGHT:
		dev->weight = (int)v;
		a->napi.weight = (int)v;
		break;
	case P_TX_QUEUE_LEN:
		dev->tx_queue_len = (unsigned long)v;
		break;
	case P_XMIT_WIN:
		dev->xmit_win = (int)v;
		break;
	case P_NAPI:
		if (a->irq_mode == v)
			return 0;
		if ((dev->features & NETIF_F_GRO) && v != SIMNIC_NAPI_MODERN) {
			if (err)
				snprintf(err, errlen, "GRO is on and needs modern NAPI (2.6.20 had no "
					 "GRO): ethtool -K %s gro off first", dev->name);
			return -EINVAL;
		}
		dev_close(dev); /* close in the old mode, open in the new */
		a->irq_mode = (enum simnic_irq_mode)v;
		reopen = true;
		break;
	case P_BATCHING:
		drain_blists(dev);
		dev->batch_mode = (enum tx_batch_mode)v;
		simnic_apply_ops(dev);
		break;
	case P_LRO:
		if (v && (dev->features & NETIF_F_GRO)) {
			/* netdev_fix_features keeps GRO and drops LRO: asking for LRO changes nothing */
			if (err)
				snprintf(err, errlen, "GRO is on and LRO and GRO are exclusive: "
					 "ethtool -K %s gro off first", dev->name);
			return -EINVAL;
		}
		if (a->lro_enabled && !v && netif_running(dev))
			LAB_CALL_VOID(k, dev, lro_flush_all, &a->lro_mgr);
		a->lro_enabled = v != 0;
		simnic_apply_ops(dev);
		break;
	case P_LRO_MAX_AGGR:
		a->cfg.lro_max_aggr = (int)v;
		a->lro_mgr.max_aggr = (int)v;
		break;
	case P_LRO_MAX_DESC:
		if (netif_running(dev) && a->lro_enabled)
			LAB_CALL_VOID(k, dev, lro_flush_all, &a->lro_mgr);
		a->cfg.lro_max_desc = (int)v;
		a->lro_mgr.max_desc = (int)v;
		break;
	case P_TX_WAKE:
		a->cfg.tx_wake = (unsigned int)v;
		a->tx_ring.wake_thresh = a->cfg.tx_wake < a->tx_ring.count / 2 ?
						 a->cfg.tx_wake : a->tx_ring.count / 2;
		break;
	case P_RX_REFILL:
		a->cfg.rx_refill = (unsigned int)v;
		a->rx_ring.refill_batch = (unsigned int)v;
		break;
	case P_WATCHDOG:
		dev->watchdog_timeo = (int)v;
		break;
	case P_FAULT_LOCKUP:
		a->cfg.fault_lockup = (u64)v;
		hw->fault_lockup = (u64)v;
		break;
	case P_FAULT_DD_DELAY:
		a->cfg.fault_dd_delay = (u64)v;
		hw->fault_dd_delay = (u64)v;
		break;
	case P_BQL:
		/* as if the kernel had been built the other way: a fresh dql that
		 * counts what is on the ring now, so sent and completed bytes match */
		if (dev->bql == (v != 0))
			return 0;
		dev->bql = v != 0;
		dev->tx_queue.state &= ~(1UL << __QUEUE_STATE_STACK_XOFF);
		dql_init(&dev->tx_queue.dql, HZ);
		for (unsigned int i = 0; v && i < a->tx_ring.count; i++)
			if (a->tx_ring.buffer_info[i].skb)
				dql_queued(&dev->tx_queue.dql, a->tx_ring.buffer_info[i].skb->len);
		netdev_watchdog_update(dev);
		if (netif_running(dev) && !netif_xmit_stopped(&dev->tx_queue) &&
		    !skb_queue_empty(&dev->qdisc->q))
			__netif_schedule(dev); /* a BQL stop just went: what waits may go */
		break;
	case P_RACE_RECLAIM:
		simnic_race_set(dev, v);
		break;
	case P_RACE_RX_IRQ:
		simnic_race_rx_set(dev, v);
		break;
	case P_RX_VLAN: /* CTRL.VME is programmed at open (e1000_vlan_mode) */
		if (a->cfg.rx_vlan == (v != 0))
			return 0;
		a->cfg.rx_vlan = v != 0;
		reopen = true;
		break;
	case P_GRO:
		if (v && a->irq_mode != SIMNIC_NAPI_MODERN) {
			if (err)
				snprintf(err, errlen, "GRO needs modern NAPI (napi_gro_receive takes a "
					 "napi_struct, 2.6.29+; 2.6.20 had no GRO): set %s napi modern "
					 "first", dev->name);
			return -EINVAL;
		}
		/* GRO wins over LRO, as netdev_fix_features drops LRO for (HW) GRO */
		if (v && a->lro_enabled) {
			if (netif_running(dev))
				LAB_CALL_VOID(k, dev, lro_flush_all, &a->lro_mgr);
			a->lro_enabled = false;
		}
		/* switched off: packets held now go up at the next flush, as in the kernel */
		if (v)
			dev->features |= NETIF_F_GRO;
		else
			dev->features &= ~NETIF_F_GRO;
		simnic_apply_ops(dev);
		break;
	default:
		if (err)
			snprintf(err, errlen, "not a device setting");
		return -EINVAL;
	}
	if (reopen)
		return simnic_reopen(dev);
	return 0;
}
