/* simnic.c - the driver frame: probe, open/stop, mode switches; the data path is in the labs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit.h"
#include "hw/nic_hw.h"

/*
 * Laid out like e1000_main.c: probe allocates the net_device with the
 * adapter as its private part; open allocates both descriptor rings in
 * coherent memory, programs the NIC, posts RX buffers and enables
 * interrupts; close goes down (simnic_updown.c: e1000_down, which cleans
 * both rings) and frees it all. The reset a TX timeout schedules is down and
 * up again without freeing anything (simnic_updown.c). What the kit teaches (transmit, reclaim, ring clean, interrupt, poll,
 * refill, LRO) comes from the lab functions in k->lab.
 */

bool simnic_is(const struct net_device *dev)
{
	return dev && dev->nic;
}

static struct simnic_adapter *adapter_of(struct net_device *dev)
{
	return netdev_priv(dev);
}

/*
 * LRO's get_skb_header: only TCP/IPv4 frames whose checksums the NIC checked.
 * A tag the NIC left in the data (CTRL.VME off) is stepped over, as
 * myri10ge's get_frag_header does, and inet_lro takes VLAN_HLEN off the
 * length itself (simnic never sets LRO_F_EXTRACT_VLAN_ID: its NIC either
 * strips the tag, VP, or leaves it in the data).
 */
/* The TCP/IPv4 headers at byte off of the data, if the NIC checked their sums
 * (inline: off is a constant at each call). */
static inline int tcp4_header_at(struct sk_buff *skb, unsigned int off, void **iphdr,
				 void **tcph, u64 *flags)
{
	unsigned int ihl, headlen = skb_headlen(skb);
	unsigned char *iph = skb->data + off;

	if (skb->ip_summed != CHECKSUM_UNNECESSARY || headlen < off + 40)
		return -1;
	/* version 4, IHL 5 (nearly every frame): the 40 bytes just checked hold
	 * both headers; any other first byte is asked field by field */
	if (likely(iph[0] == 0x45)) {
		ihl = 20;
	} else {
		ihl = (iph[0] & 15) * 4u;
		if (iph[0] >> 4 != 4 || headlen < off + ihl + sizeof(struct tcphdr))
			return -1;
	}
	if (((struct iphdr *)iph)->protocol != IPPROTO_TCP)
		return -1;
	*iphdr = iph;
	*tcph = iph + ihl;
	*flags = LRO_IPV4 | LRO_TCP;
	return 0;
}

static int simnic_get_skb_header(struct sk_buff *skb, void **iphdr, void **tcph, u64 *flags,
				 void *priv)
{
	(void)priv;
	if (skb->protocol == htons(ETH_P_IP))
		return tcp4_header_at(skb, 0, iphdr, tcph, flags);
	if (skb->protocol == htons(ETH_P_8021Q) && skb_headlen(skb) >= VLAN_HLEN &&
	    ((struct vlan_hdr *)skb->data)->h_vlan_encapsulated_proto == htons(ETH_P_IP))
		return tcp4_header_at(skb, VLAN_HLEN, iphdr, tcph, flags);
	return -1;
}

/* Point the device at the lab functions for its current modes. */
void simnic_apply_ops(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct simnic_adapter *adapter = adapter_of(dev);

	adapter->ops = simnic_lab_named(k);
	dev->features &= ~(NETIF_F_BTX | NETIF_F_BATCH_SKBS);
	dev->hard_batch_xmit = NULL;
	dev->hard_prep_xmit = NULL;
	dev->hard_start_xmit = k->lab.xmit_frame;
	switch (dev->batch_mode) {
	case TX_BATCH_BTX:
		dev->features |= NETIF_F_BTX;
		dev->hard_batch_xmit = k->lab.batch_xmit;
		dev->hard_prep_xmit = k->lab.prep_xmit;
		break;
	case TX_BATCH_SKB_BLIST:
		dev->features |= NETIF_F_BATCH_SKBS;
		dev->hard_start_xmit = k->lab.xmit_frame_blist;
		break;
	case TX_BATCH_XMIT_MORE:
		dev->hard_start_xmit = k->lab.xmit_frame_more;
		break;
	case TX_BATCH_NONE:
	case TX_BATCH_NR:
		break;
	}
	dev->tx_timeout = k->lab.tx_timeout;
	dev->poll = adapter->irq_mode == SIMNIC_NAPI_CLASSIC ? k->lab.poll_classic : NULL;
	adapter->napi.poll = k->lab.poll;
	if (adapter->lro_enabled)
		dev->features |= NETIF_F_LRO;
	else
		dev->features &= ~NETIF_F_LRO;
}

/* e1000_setup_all_tx_resources / _rx_resources: ring memory and buffer_info */
static int alloc_ring(struct net_device *dev, unsigned int count, size_t desc_size, void **desc,
		      dma_addr_t *dma, struct simnic_buffer **bi, bool tx)
{
	*desc = dma_alloc_coherent(dev, count * desc_size, dma);
	if (*desc) /* the guard dma_alloc_coherent leaves after it */
		kit_guard_register(dev->kit, dev, *desc, count * desc_size, desc_size,
				   tx ? "TX descriptor ring" : "RX descriptor ring");
	*bi = kit_guarded_alloc(dev->kit, dev, count, sizeof(**bi),
				tx ? "TX buffer_info" : "RX buffer_info");
	return *desc && *bi ? 0 : -ENOMEM;
}

static int alloc_rings(struct simnic_adapter *adapter)
{
	struct simnic_tx_ring *tx = &adapter->tx_ring;
	struct simnic_rx_ring *rx = &adapter->rx_ring;
	struct net_device *dev = adapter->netdev;

	tx->count = adapter->cfg.tx_ring;
	rx->count = adapter->cfg.rx_ring;
	if (alloc_ring(dev, tx->count, sizeof(*tx->desc), (void **)&tx->desc, &tx->dma,
		       &tx->buffer_info, true))
		return -ENOMEM;
	return alloc_ring(dev, rx->count, sizeof(*rx->desc), (void **)&rx->desc, &rx->dma,
			  &rx->buffer_info, false);
}

void simnic_setup_lro(struct simnic_adapter *adapter)
{
	struct net_lro_mgr *m = &adapter->lro_mgr;

	memset(m, 0, sizeof(*m));
	memset(adapter->lro_arr, 0, sizeof(adapter->lro_arr));
	m->dev = adapter->netdev;
	m->features = LRO_F_NAPI;
	m->ip_summed = CHECKSUM_UNNECESSARY;
	m->ip_summed_aggr = CHECKSUM_UNNECESSARY;
	m->max_desc = adapter->cfg.lro_max_desc;
	m->max_aggr = adapter->cfg.lro_max_aggr;
	m->lro_arr = adapter->lro_arr;
	m->get_skb_header = simnic_get_skb_header;
}

static irq_handler_t irq_handler(struct kit *k, struct simnic_adapter *adapter)
{
	return adapter->irq_mode == SIMNIC_NONAPI ? k->lab.intr_nonapi : k->lab.intr;
}

static int simnic_open(struct net_device *dev)
{
	struct kit *k = dev->kit;
	struct simnic_adapter *adapter = adapter_of(dev);
	struct nic *hw = adapter->hw;
	int rc;

	simnic_apply_ops(dev);
	ew32(CTRL, E1000_CTRL_RST);
	ew32(IMC, ~0u);
	rc = alloc_rings(adapter);
	if (rc)
		return rc;
	if (adapter->irq_mode == SIMNIC_NAPI_MODERN)
		netif_napi_add(dev, &adapter->napi, k->lab.poll, dev->weight);
	rc = request_irq(dev->irq, irq_handler(k, adapter), 0, dev->name, dev);
	if (rc)
		return rc;
	simnic_configure(adapter);
	clear_bit(__SIMNIC_DOWN, &adapter->flags);
	if (adapter->irq_mode == SIMNIC_NAPI_MODERN)
		napi_enable(&adapter->napi);
	netif_poll_enable(dev); /* 2.6.20 e1000_up; harmless in the other modes */
	netif_carrier_on(dev);
	netif_start_queue(dev);
	adapter->irq_sem = 0;
	ew32(IMS, IMS_ENABLE_MASK); /* e1000_irq_enable */
	return 0;
}

/* What the lab's ring clean left behind: leaked (or lost in a crash), freed and said so. */
static void free_ring_skbs(struct net_device *dev, struct simnic_buffer *bi, unsigned int n)
{
	for (unsigned int i = 0; bi && i < n; i++) {
		if (bi[i].skb) {
			TRACE(dev->kit, TR_SKB_ORPHAN, dev, bi[i].skb->kit_id, 0, 0, 0);
			kfree_skb(bi[i].skb);
		}
		bi[i].skb = NULL;
	}
}

/* e1000_close: down (simnic_updown.c), then the interrupt and the rings freed. */
static int simnic_close(struct net_device *dev)
{
	struct simnic_adapter *adapter = adapter_of(dev);

	simnic_down(adapter);
	free_irq(dev->irq, dev);
	if (adapter->irq_mode == SIMNIC_NAPI_MODERN)
		netif_napi_del(&adapter->napi);
	/* e1000_free_tx_resources / _rx_resources */
	free_ring_skbs(dev, adapter->tx_ring.buffer_info, adapter->tx_ring.count);
	kit_guard_forget(dev->kit, adapter->tx_ring.desc);
	kit_guard_forget(dev->kit, adapter->rx_ring.desc);
	dma_free_coherent(dev, 0, adapter->tx_ring.desc, adapter->tx_ring.dma);
	dma_free_coherent(dev, 0, adapter->rx_ring.desc, adapter->rx_ring.dma);
	kit_guarded_free(dev->kit, adapter->tx_ring.buffer_info);
	kit_guarded_free(dev->kit, adapter->rx_ring.buffer_info);
	memset(&adapter->tx_ring, 0, sizeof(adapter->tx_ring));
	memset(&adapter->rx_ring, 0, sizeof(adapter->rx_ring));
	cancel_work_sync(&adapter->reset_task);
	return 0;
}

/* Take the device down and up again so new settings apply (as ethtool -G does). */
int simnic_reopen(struct net_device *dev)
{
	struct kit *k = kit_enter(dev->kit);
	enum kit_ctx prev = cpu_enter(k, CTX_PROCESS);
	int rc;

	dev->state &= ~(1UL << __LINK_STATE_BROKEN);
	dev_close(dev);
	rc = dev_open(dev);
	cpu_leave(k, prev);
	return rc;
}

int simnic_probe(struct kit *k, const char *name, struct net_device **out)
{
	static const __be32 addrs[2] = { 0, 0 };
	struct simnic_adapter *adapter;
	struct net_device *dev;

	(void)addrs;
	dev = alloc_netdev(sizeof(struct simnic_adapter), name, ether_setup);
	if (!dev)
		return -ENOMEM;
	if (register_netdev(dev)) {
		free_netdev(dev);
		return -EINVAL;
	}
	adapter = adapter_of(dev);
	adapter->netdev = dev;
	set_bit(__SIMNIC_DOWN, &adapter->flags);
	INIT_WORK(&adapter->reset_task, simnic_reset_task);
	dev->nic = nic_create(k, dev, dev->ifindex);
	if (!dev->nic) {
		unregister_netdev(dev);
		free_netdev(dev);
		return -ENOMEM;
	}
	adapter->hw = dev->nic;
	dev->irq = (unsigned int)dev->ifindex;
	/* snull: MAC "\0SNUL0", "\0SNUL1"; sn0 is 192.168.0.1, sn1 192.168.1.2 */
	memcpy(dev->dev_addr, "\0SNUL0", ETH_ALEN);
	dev->dev_addr[5] = (unsigned char)('0' + dev->ifindex);
	dev->ip_addr = kit_ipv4(192, 168, (u8)dev->ifindex, (u8)(dev->ifindex ? 2 : 1));
	dev->flags |= IFF_NOARP;
	dev->features |= NETIF_F_HW_CSUM;
	dev->open = simnic_open;
	dev->stop = simnic_close;
	dev->watchdog_timeo = 5;
	dev->weight = NAPI_POLL_WEIGHT;
	adapter->irq_mode = SIMNIC_NAPI_MODERN;
	adapter->cfg = (struct simnic_config){
		.tx_ring = SIMNIC_DEF_TXD, .rx_ring = SIMNIC_DEF_RXD, .tx_wake = TX_WAKE_THRESHOLD,
		.rx_refill = 16, .lro_max_aggr = 32, .lro_max_desc = SIMNIC_MAX_LRO_DESC,
		.rx_vlan = true, /* NETIF_F_HW_VLAN_CTAG_RX is on by default in e1000 */
	};
	*out = dev;
	return 0;
}

void simnic_remove(struct net_device *dev)
{
	unregister_netdev(dev);
	nic_destroy(dev->nic);
	dev->nic = NULL;
	free_netdev(dev);
}

unsigned int dev_tx_used(struct net_device *dev)
{
	struct simnic_adapter *a;

	if (!simnic_is(dev))
		return 0;
	a = netdev_priv(dev);
	return a->tx_ring.count ? a->tx_ring.count - 1 - SIMNIC_DESC_UNUSED(&a->tx_ring) : 0;
}

unsigned int dev_rx_ready(struct net_device *dev)
{
	struct simnic_adapter *a;

	if (!simnic_is(dev) || !dev->nic)
		return 0;
	a = netdev_priv(dev);
	if (!a->rx_ring.count)
		return 0;
	return (dev->nic->rdh + a->rx_ring.count - a->rx_ring.next_to_clean) % a->rx_ring.count;
}

unsigned int dev_tx_free(struct net_device *dev)
{
	struct simnic_adapter *a;

	if (!simnic_is(dev))
		return 0;
	a = netdev_priv(dev);
	return a->tx_ring.count ? SIMNIC_DESC_UNUSED(&a->tx_ring) : 0;
}
