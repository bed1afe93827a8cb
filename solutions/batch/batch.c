/* batch.c - lab batch, model answer: the 2007 batch API, its skb_blist variant, and xmit_more. */
#include <ringkit/simnic.h>

/*
 * All three amortise the same per-call costs (the TX lock, the call, and
 * above all the doorbell, an uncached MMIO write) over several frames:
 *
 *  - Hadi Salim's batch API (NETIF_F_BTX): the core prepares each skb with
 *    hard_prep_xmit outside the driver lock, fills netdev->blist with at most
 *    xmit_win skbs, and hands the list over in one hard_batch_xmit call. The
 *    driver keeps xmit_win honest: 1 when it stops the queue, the free ring
 *    space otherwise (and on wake, see simnic_clean_tx_irq).
 *  - Kumar's variant (NETIF_F_BATCH_SKBS): same list idea through the old
 *    entry point: hard_start_xmit(NULL) means "send netdev->skb_blist".
 *  - xmit_more (Linux 3.18): one call per skb as always, but the core says
 *    whether more follow at once; the driver writes TDT only for the last one,
 *    or when it stops the queue (no later call would ring it).
 *
 * Putting a frame on the ring is the xmit lab's simnic_tx_map, called through
 * adapter->ops so a loaded driver's version is the one used.
 */

int simnic_prep_xmit(struct sk_buff *skb, struct net_device *netdev)
{
	(void)netdev;
	/* per-frame work that needs no lock: pad runts to the Ethernet minimum */
	if (skb->len < ETH_ZLEN && skb_padto(skb, ETH_ZLEN))
		return NETDEV_TX_BUSY;
	return NETDEV_TX_OK;
}

/* Move skbs from list onto the ring while there is room; one doorbell. */
static int drain_list(struct simnic_adapter *adapter, struct sk_buff_head *list)
{
	struct net_device *netdev = adapter->netdev;
	struct nic *hw = adapter->hw;
	struct sk_buff *skb;
	int sent = 0;

	while ((skb = skb_peek(list)) != NULL) {
		if (adapter->ops->tx_map(adapter, skb))
			break; /* ring full: the rest stays on the list */
		__skb_unlink(skb, list);
		sent++;
	}
	if (sent) {
		wmb();
		ew32(TDT, adapter->tx_ring.next_to_use); /* one doorbell per batch */
	}
	if (adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED))
		netdev->xmit_win = 1;
	else
		netdev->xmit_win = (int)SIMNIC_DESC_UNUSED(&adapter->tx_ring);
	return sent;
}

int simnic_batch_xmit(struct sk_buff_head *list, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);

	if (!drain_list(adapter, list) && !skb_queue_empty(list))
		return NETDEV_TX_BUSY; /* full on entry: the queue should have been stopped */
	return NETDEV_TX_OK;
}

netdev_tx_t simnic_xmit_frame_blist(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);

	if (skb)
		return adapter->ops->xmit_frame(skb, netdev);
	if (!drain_list(adapter, netdev->skb_blist) && !skb_queue_empty(netdev->skb_blist))
		return NETDEV_TX_BUSY;
	return NETDEV_TX_OK;
}

netdev_tx_t simnic_xmit_frame_more(struct sk_buff *skb, struct net_device *netdev)
{
	struct simnic_adapter *adapter = netdev_priv(netdev);
	struct simnic_tx_ring *tx_ring = &adapter->tx_ring;
	struct nic *hw = adapter->hw;
	bool stopped;

	if (adapter->ops->tx_map(adapter, skb)) {
		/* full on entry (a bug path): post what this train already wrote */
		ew32(TDT, tx_ring->next_to_use);
		netif_stop_queue(netdev);
		return NETDEV_TX_BUSY;
	}
	stopped = adapter->ops->maybe_stop_tx(adapter, DESC_NEEDED);
	/* the last of a train, or nobody will come back to ring for us */
	if (!netdev_xmit_more() || stopped) {
		wmb();
		ew32(TDT, tx_ring->next_to_use);
	}
	return NETDEV_TX_OK;
}
